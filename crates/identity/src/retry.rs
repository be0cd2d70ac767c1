use std::time::Duration;

use crate::clock::Clock;
use crate::error::IdentityError;
use crate::provider::TokenProvider;
use crate::token::{AccessToken, ManagedIdentity};

/// How failed token requests are retried: exponential backoff on the answers IMDS documents
/// as transient ([`crate::ErrorKind::is_retryable`]), never on other 4xx. A `Retry-After`
/// longer than the backoff is honoured, up to `max_delay`.
///
/// The default (5 retries, 1 s doubling: 1, 2, 4, 8, 16 s) stays within the ~70 s IMDS may
/// take to come back after an update, close to what MSAL and the Azure SDKs do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub initial_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 5,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Requests a token, retrying as `policy` says. The error names the resource, the endpoint,
/// its last answer and the number of attempts.
pub(crate) async fn request_with_retries(
    provider: &dyn TokenProvider,
    resource: &str,
    identity: &ManagedIdentity,
    clock: &dyn Clock,
    policy: &RetryPolicy,
) -> Result<AccessToken, IdentityError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match provider.request_token(resource, identity, clock).await {
            Ok(token) => {
                tracing::debug!(
                    provider = %provider.kind(),
                    resource,
                    attempt,
                    expires_on = token.expires_on().as_secs(),
                    "token obtained"
                );
                return Ok(token);
            }
            Err(kind) if kind.is_retryable() && attempt <= policy.max_retries => {
                let delay = policy
                    .backoff(attempt)
                    .max(kind.retry_after().unwrap_or_default())
                    .min(policy.max_delay);
                tracing::warn!(
                    provider = %provider.kind(),
                    resource,
                    endpoint = provider.endpoint(),
                    attempt,
                    error = %kind,
                    retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                    "token request failed; retrying"
                );
                tokio::time::sleep(delay).await;
            }
            Err(kind) => {
                let error = IdentityError::new(kind, resource, provider.endpoint(), attempt);
                tracing::warn!(provider = %provider.kind(), %error, "token request failed");
                return Err(error);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let delays: Vec<u64> = (1..=7).map(|n| policy.backoff(n).as_secs()).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60]);
        assert_eq!(policy.backoff(200), Duration::from_secs(60));
    }
}
