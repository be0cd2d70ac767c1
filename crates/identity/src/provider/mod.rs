//! The token protocols. Each provider makes one request per call; retries, caching and
//! refresh are the cache's job, the same for every protocol.

mod app_service;
mod http;
mod imds;
mod workload;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use app_service::{AppServiceProvider, HeaderSecret};
pub use http::{DEFAULT_ATTEMPT_TIMEOUT, http_client};
pub use imds::ImdsProvider;
pub use workload::WorkloadIdentityProvider;

use crate::clock::Clock;
use crate::error::{ErrorKind, IdentityError};
use crate::token::{AccessToken, ManagedIdentity};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// Azure Instance Metadata Service: VMs, scale sets, AKS nodes.
    Imds,
    /// App Service, Functions and Container Apps (`IDENTITY_ENDPOINT`, API 2019-08-01).
    AppService,
    /// Microsoft Entra Workload ID: a federated token exchanged at the Entra token endpoint.
    WorkloadIdentity,
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProviderKind::Imds => "imds",
            ProviderKind::AppService => "app-service",
            ProviderKind::WorkloadIdentity => "workload-identity",
        })
    }
}

/// One source of tokens.
pub trait TokenProvider: Send + Sync + fmt::Debug {
    fn kind(&self) -> ProviderKind;

    /// The URL requests go to; part of the cache key and of every error message.
    fn endpoint(&self) -> &str;

    /// One request for a token for `resource`, with no retries. `clock` dates the token.
    fn request_token<'a>(
        &'a self,
        resource: &'a str,
        identity: &'a ManagedIdentity,
        clock: &'a dyn Clock,
    ) -> BoxFuture<'a, Result<AccessToken, ErrorKind>>;
}

/// Reads an environment variable; a function so that detection can be tested.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The real process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// The IMDS token endpoint on every Azure VM.
pub const IMDS_ENDPOINT: &str = "http://169.254.169.254/metadata/identity/oauth2/token";

/// The managed-identity provider for this environment, found the way the Azure SDKs find it:
/// `IDENTITY_ENDPOINT` with `IDENTITY_HEADER` means App Service (the header is re-read from the
/// environment on every request, because the platform rotates it); otherwise IMDS, at
/// `GATEHOUSE_IMDS_ENDPOINT` if set.
pub fn managed_identity_from_env(
    env: EnvLookup<'_>,
    timeout: Duration,
) -> Result<Box<dyn TokenProvider>, IdentityError> {
    let client = http_client(timeout)?;
    match (env("IDENTITY_ENDPOINT"), env("IDENTITY_HEADER")) {
        (Some(endpoint), Some(_)) => Ok(Box::new(AppServiceProvider::new(
            endpoint,
            HeaderSecret::Environment("IDENTITY_HEADER".to_owned()),
            client,
        ))),
        _ => {
            let endpoint =
                env("GATEHOUSE_IMDS_ENDPOINT").unwrap_or_else(|| IMDS_ENDPOINT.to_owned());
            Ok(Box::new(ImdsProvider::new(endpoint, client)))
        }
    }
}

/// The Workload Identity provider from the variables the Azure Workload Identity webhook
/// injects: `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, `AZURE_FEDERATED_TOKEN_FILE`, and
/// `AZURE_AUTHORITY_HOST` (default `https://login.microsoftonline.com/`).
pub fn workload_identity_from_env(
    env: EnvLookup<'_>,
    timeout: Duration,
) -> Result<WorkloadIdentityProvider, IdentityError> {
    let missing = |name: &str| {
        IdentityError::new(
            ErrorKind::Configuration(format!(
                "workload identity needs the `{name}` environment variable"
            )),
            "",
            "workload identity",
            0,
        )
    };
    let client_id = env("AZURE_CLIENT_ID").ok_or_else(|| missing("AZURE_CLIENT_ID"))?;
    let tenant_id = env("AZURE_TENANT_ID").ok_or_else(|| missing("AZURE_TENANT_ID"))?;
    let token_file =
        env("AZURE_FEDERATED_TOKEN_FILE").ok_or_else(|| missing("AZURE_FEDERATED_TOKEN_FILE"))?;
    let authority = env("AZURE_AUTHORITY_HOST")
        .unwrap_or_else(|| "https://login.microsoftonline.com/".to_owned());
    WorkloadIdentityProvider::new(
        &authority,
        &tenant_id,
        client_id,
        token_file.into(),
        http_client(timeout)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn app_service_is_detected_from_its_two_variables() {
        let lookup = env(&[
            ("IDENTITY_ENDPOINT", "http://localhost:4141/msi/token"),
            ("IDENTITY_HEADER", "secret"),
        ]);
        let provider = managed_identity_from_env(&lookup, DEFAULT_ATTEMPT_TIMEOUT).unwrap();
        assert_eq!(provider.kind(), ProviderKind::AppService);
        assert_eq!(provider.endpoint(), "http://localhost:4141/msi/token");
    }

    #[test]
    fn imds_otherwise() {
        let lookup = env(&[("IDENTITY_ENDPOINT", "http://localhost:4141/msi/token")]);
        let provider = managed_identity_from_env(&lookup, DEFAULT_ATTEMPT_TIMEOUT).unwrap();
        assert_eq!(provider.kind(), ProviderKind::Imds);
        assert_eq!(provider.endpoint(), IMDS_ENDPOINT);
    }

    #[test]
    fn workload_identity_needs_its_variables() {
        let lookup = env(&[("AZURE_CLIENT_ID", "c"), ("AZURE_TENANT_ID", "t")]);
        let error = workload_identity_from_env(&lookup, DEFAULT_ATTEMPT_TIMEOUT).unwrap_err();
        assert!(
            error.to_string().contains("AZURE_FEDERATED_TOKEN_FILE"),
            "{error}"
        );
    }
}
