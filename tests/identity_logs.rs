//! Tokens never reach the logs, at any level, from any crate. A test binary of its own: it
//! installs the process-wide subscriber, which must see every event of every thread.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gatehouse_identity::{ManagedIdentity, ManualClock, TokenCache};
use gatehouse_identity_server::{Fault, ServerConfig};
use gatehouse_tests::identity::{
    RESOURCE, eventually, imds_provider, quick_retries, start_identity_server,
};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_text_reaches_the_logs_at_any_level() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let clock = Arc::new(ManualClock::starting_now());
    let config = ServerConfig {
        token_lifetime: Duration::from_secs(120),
        clock: clock.clone(),
        ..ServerConfig::default()
    };
    let server = start_identity_server(config).await;
    let cache = TokenCache::new(clock.clone(), quick_retries(1));
    let provider = imds_provider(&server, Duration::from_secs(5));
    let get = || cache.get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned);

    // A token fetched, logged by mistake by Debug and by Display, refreshed in the
    // background, then a failure with retries.
    let first = get().await.unwrap();
    tracing::info!(token = ?first, "a token as a caller might log it by mistake");
    tracing::info!(secret = %first.secret(), "and its secret by Display");
    clock.advance(Duration::from_secs(61));
    get().await.unwrap();
    eventually("the refresh", || server.tokens_issued() == 2).await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = get().await.unwrap();
    assert_ne!(first.secret(), second.secret());
    server.fail_always(Fault::Status {
        status: 500,
        retry_after: None,
    });
    clock.set(second.expires_on());
    let error = get().await.unwrap_err();
    tracing::error!(%error, ?error, "a failure as the gateway logs it");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "token obtained",
        "[redacted]",
        "token request failed; retrying",
        "TRACE",
    ] {
        assert!(
            logs.contains(expected),
            "the logs lack `{expected}`:\n{logs}"
        );
    }
    for token in [first.secret().expose(), second.secret().expose()] {
        let signature = token.rsplit('.').next().unwrap();
        assert!(!logs.contains(token), "a token reached the logs");
        assert!(
            !logs.contains(signature),
            "a token signature reached the logs"
        );
    }
}
