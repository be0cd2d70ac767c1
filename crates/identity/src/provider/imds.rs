use crate::clock::Clock;
use crate::error::ErrorKind;
use crate::provider::http::send;
use crate::provider::{BoxFuture, ProviderKind, TokenProvider};
use crate::token::{AccessToken, ManagedIdentity, UserAssignedId};

/// The API version Python and MSAL use; the Rust SDK uses 2019-08-01. Both answer alike.
pub const IMDS_API_VERSION: &str = "2018-02-01";

/// Azure Instance Metadata Service:
/// `GET {endpoint}?api-version=…&resource=…[&client_id|object_id|msi_res_id=…]` with
/// `Metadata: true`. Its numbers come as strings.
#[derive(Debug)]
pub struct ImdsProvider {
    endpoint: String,
    api_version: String,
    client: reqwest::Client,
}

impl ImdsProvider {
    pub fn new(endpoint: impl Into<String>, client: reqwest::Client) -> Self {
        ImdsProvider {
            endpoint: endpoint.into(),
            api_version: IMDS_API_VERSION.to_owned(),
            client,
        }
    }

    pub fn with_api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = api_version.into();
        self
    }
}

impl TokenProvider for ImdsProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Imds
    }

    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    fn request_token<'a>(
        &'a self,
        resource: &'a str,
        identity: &'a ManagedIdentity,
        clock: &'a dyn Clock,
    ) -> BoxFuture<'a, Result<AccessToken, ErrorKind>> {
        Box::pin(async move {
            let mut query = vec![
                ("api-version", self.api_version.as_str()),
                ("resource", resource),
            ];
            if let ManagedIdentity::UserAssigned(id) = identity {
                query.push(match id {
                    UserAssignedId::ClientId(id) => ("client_id", id.as_str()),
                    UserAssignedId::ObjectId(id) => ("object_id", id.as_str()),
                    UserAssignedId::ResourceId(id) => ("msi_res_id", id.as_str()),
                });
            }
            let request = self
                .client
                .get(&self.endpoint)
                .query(&query)
                .header("Metadata", "true");
            send(request, clock).await
        })
    }
}
