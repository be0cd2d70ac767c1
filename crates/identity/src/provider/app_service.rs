use crate::clock::Clock;
use crate::error::ErrorKind;
use crate::provider::http::send;
use crate::provider::{BoxFuture, ProviderKind, TokenProvider};
use crate::secret::SecretString;
use crate::token::{AccessToken, ManagedIdentity, UserAssignedId};

pub const APP_SERVICE_API_VERSION: &str = "2019-08-01";

/// Where the `X-IDENTITY-HEADER` value comes from.
#[derive(Clone, Debug)]
pub enum HeaderSecret {
    Fixed(SecretString),
    /// Read from this environment variable on every request: the platform rotates it.
    Environment(String),
}

/// App Service, Functions and Container Apps (API 2019-08-01):
/// `GET {IDENTITY_ENDPOINT}?resource=…&api-version=2019-08-01[&client_id|principal_id|mi_res_id=…]`
/// with `X-IDENTITY-HEADER`. `expires_on` is epoch seconds as a string; there is no `expires_in`.
#[derive(Debug)]
pub struct AppServiceProvider {
    endpoint: String,
    secret: HeaderSecret,
    client: reqwest::Client,
}

impl AppServiceProvider {
    pub fn new(endpoint: impl Into<String>, secret: HeaderSecret, client: reqwest::Client) -> Self {
        AppServiceProvider {
            endpoint: endpoint.into(),
            secret,
            client,
        }
    }

    fn header(&self) -> Result<SecretString, ErrorKind> {
        match &self.secret {
            HeaderSecret::Fixed(secret) => Ok(secret.clone()),
            HeaderSecret::Environment(name) => std::env::var(name)
                .ok()
                .filter(|value| !value.is_empty())
                .map(SecretString::new)
                .ok_or_else(|| {
                    ErrorKind::Configuration(format!(
                        "the `{name}` environment variable is not set"
                    ))
                }),
        }
    }
}

impl TokenProvider for AppServiceProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::AppService
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
            let secret = self.header()?;
            let mut query = vec![
                ("resource", resource),
                ("api-version", APP_SERVICE_API_VERSION),
            ];
            if let ManagedIdentity::UserAssigned(id) = identity {
                query.push(match id {
                    UserAssignedId::ClientId(id) => ("client_id", id.as_str()),
                    UserAssignedId::ObjectId(id) => ("principal_id", id.as_str()),
                    // App Service calls it `mi_res_id`, not IMDS's `msi_res_id`.
                    UserAssignedId::ResourceId(id) => ("mi_res_id", id.as_str()),
                });
            }
            let request = self
                .client
                .get(&self.endpoint)
                .query(&query)
                .header("X-IDENTITY-HEADER", secret.expose());
            send(request, clock).await
        })
    }
}
