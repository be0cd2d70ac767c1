use std::path::PathBuf;

use crate::clock::Clock;
use crate::error::{ErrorKind, IdentityError};
use crate::provider::http::send;
use crate::provider::{BoxFuture, ProviderKind, TokenProvider};
use crate::token::{AccessToken, ManagedIdentity};

pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Microsoft Entra Workload ID: the pod's projected service-account token is exchanged for
/// an access token, `POST {authority}/{tenant}/oauth2/v2.0/token` with `client_credentials`,
/// the token as a JWT client assertion, and scope `{resource}/.default`.
///
/// The token file is read again on every exchange: the kubelet rotates it.
#[derive(Debug)]
pub struct WorkloadIdentityProvider {
    endpoint: String,
    client_id: String,
    token_file: PathBuf,
    client: reqwest::Client,
}

impl WorkloadIdentityProvider {
    /// The authority must be `https`, except on a loopback address (a local stand-in).
    pub fn new(
        authority_host: &str,
        tenant_id: &str,
        client_id: String,
        token_file: PathBuf,
        client: reqwest::Client,
    ) -> Result<Self, IdentityError> {
        let authority = authority_host.trim_end_matches('/');
        let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
            .iter()
            .any(|prefix| {
                authority == *prefix
                    || authority
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with(':') || rest.starts_with('/'))
            });
        if !authority.starts_with("https://") && !loopback {
            return Err(IdentityError::new(
                ErrorKind::Configuration(format!("the authority `{authority}` must use https")),
                "",
                authority,
                0,
            ));
        }
        Ok(WorkloadIdentityProvider {
            endpoint: format!("{authority}/{tenant_id}/oauth2/v2.0/token"),
            client_id,
            token_file,
            client,
        })
    }
}

/// `https://x/` → `https://x//.default`, as MSAL does; a scope is left as it is.
pub fn scope_of(resource: &str) -> String {
    if resource.ends_with("/.default") {
        resource.to_owned()
    } else {
        format!("{resource}/.default")
    }
}

impl TokenProvider for WorkloadIdentityProvider {
    fn kind(&self) -> ProviderKind {
        ProviderKind::WorkloadIdentity
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
            if identity != &ManagedIdentity::SystemAssigned {
                return Err(ErrorKind::Configuration(
                    "workload identity uses the workload's own identity; a user-assigned identity \
                     (`client-id`) cannot be chosen with it"
                        .to_owned(),
                ));
            }
            let assertion = tokio::fs::read_to_string(&self.token_file)
                .await
                .map_err(|error| {
                    ErrorKind::Configuration(format!(
                        "cannot read the federated token file `{}`: {error}",
                        self.token_file.display()
                    ))
                })?;
            let assertion = assertion.trim();
            if assertion.is_empty() {
                return Err(ErrorKind::Configuration(format!(
                    "the federated token file `{}` is empty",
                    self.token_file.display()
                )));
            }
            let scope = scope_of(resource);
            let form = [
                ("client_assertion", assertion),
                ("client_assertion_type", CLIENT_ASSERTION_TYPE),
                ("client_id", self.client_id.as_str()),
                ("grant_type", "client_credentials"),
                ("scope", scope.as_str()),
            ];
            send(self.client.post(&self.endpoint).form(&form), clock).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes() {
        assert_eq!(scope_of("api://backend"), "api://backend/.default");
        assert_eq!(
            scope_of("https://management.azure.com/"),
            "https://management.azure.com//.default"
        );
        assert_eq!(scope_of("api://x/.default"), "api://x/.default");
    }

    #[test]
    fn plain_http_authority_only_on_loopback() {
        let client = crate::provider::http::http_client(std::time::Duration::from_secs(1)).unwrap();
        let make = |authority: &str| {
            WorkloadIdentityProvider::new(authority, "t", "c".into(), "f".into(), client.clone())
        };
        assert!(make("http://127.0.0.1:8080/").is_ok());
        assert!(make("http://localhost:1").is_ok());
        assert!(make("https://login.microsoftonline.com/").is_ok());
        assert!(make("http://login.microsoftonline.com/").is_err());
        assert!(make("http://127.0.0.1.evil.example/").is_err());
        assert_eq!(
            make("https://login.microsoftonline.com/")
                .unwrap()
                .endpoint(),
            "https://login.microsoftonline.com/t/oauth2/v2.0/token"
        );
    }
}
