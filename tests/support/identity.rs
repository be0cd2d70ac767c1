//! A local identity endpoint and providers pointed at it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use gatehouse_identity::provider::http_client;
use gatehouse_identity::{
    AppServiceProvider, CacheOptions, HeaderSecret, ImdsProvider, RetryPolicy, SecretString,
    TokenProvider,
};
use gatehouse_identity_server::{IdentityServer, ServerConfig};

/// The resource the tests ask tokens for.
pub const RESOURCE: &str = "api://gatehouse-demo-backend";

/// Starts the endpoint on a free loopback port.
///
/// # Panics
/// When the endpoint cannot start: the test cannot go on.
pub async fn start_identity_server(config: ServerConfig) -> IdentityServer {
    match IdentityServer::start(config, ([127, 0, 0, 1], 0).into()).await {
        Ok(server) => server,
        Err(error) => panic!("the identity endpoint does not start: {error}"),
    }
}

/// Cache options whose retries take milliseconds, not seconds.
pub fn quick_retries(max_retries: u32) -> CacheOptions {
    CacheOptions {
        retry: RetryPolicy {
            max_retries,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_secs(5),
        },
        ..CacheOptions::default()
    }
}

fn client(timeout: Duration) -> reqwest::Client {
    match http_client(timeout) {
        Ok(client) => client,
        Err(error) => panic!("no http client: {error}"),
    }
}

pub fn imds_provider(server: &IdentityServer, timeout: Duration) -> Arc<dyn TokenProvider> {
    Arc::new(ImdsProvider::new(server.imds_endpoint(), client(timeout)))
}

pub fn app_service_provider(server: &IdentityServer, secret: &str) -> Arc<dyn TokenProvider> {
    Arc::new(AppServiceProvider::new(
        server.app_service_endpoint(),
        HeaderSecret::Fixed(SecretString::new(secret)),
        client(Duration::from_secs(5)),
    ))
}

/// Waits, in real time, until `condition` holds.
///
/// # Panics
/// After ten seconds.
pub async fn eventually(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
