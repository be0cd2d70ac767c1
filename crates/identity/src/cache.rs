//! The token cache: one slot per (provider, identity, resource).
//!
//! - **Single flight.** While a request for a key is in flight, every caller for that key
//!   awaits the same request (a spawned task behind a shared future), so a cold key costs one
//!   request however many callers arrive at once. The identity endpoints allow 20 requests/s.
//! - **Refresh ahead, in the background.** A token is due at the earlier of expiry − 5 min and
//!   half its lifetime. The first caller after that starts a refresh and, like every caller
//!   while the old token is usable, gets the old token at once: nobody waits for a refresh.
//! - **Serve stale on failure.** A failed refresh keeps the usable token; the next refresh is
//!   tried no sooner than `refresh_retry_interval` (30 s) later. Once the token expires,
//!   callers wait for a new request and get its error if it fails.
//! - No lock is held across a network call: a slot's mutex guards a few fields and is never
//!   held across an `await`.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use dashmap::DashMap;
use futures_util::FutureExt;
use futures_util::future::Shared;

use crate::clock::{Clock, UnixTime};
use crate::error::{ErrorKind, IdentityError};
use crate::provider::{BoxFuture, ProviderKind, TokenProvider};
use crate::retry::{RetryPolicy, request_with_retries};
use crate::token::{AccessToken, ManagedIdentity};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheOptions {
    pub retry: RetryPolicy,
    /// A token is not handed out if it expires within this margin, so it cannot expire while
    /// a request carrying it is in flight.
    pub expiry_margin: Duration,
    /// The least time between two attempts to refresh a still-usable token after a failure.
    pub refresh_retry_interval: Duration,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            retry: RetryPolicy::default(),
            expiry_margin: Duration::from_secs(5),
            refresh_retry_interval: Duration::from_secs(30),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    provider: ProviderKind,
    endpoint: String,
    identity: ManagedIdentity,
    resource: String,
}

type TokenResult = Result<Arc<AccessToken>, IdentityError>;
type SharedRequest = Shared<BoxFuture<'static, TokenResult>>;

#[derive(Default)]
struct Slot {
    state: Mutex<SlotState>,
}

#[derive(Default)]
struct SlotState {
    token: Option<Arc<AccessToken>>,
    in_flight: Option<SharedRequest>,
    /// After a failed request: no background refresh before this time.
    next_refresh: Option<UnixTime>,
}

impl Slot {
    fn lock(&self) -> MutexGuard<'_, SlotState> {
        // A poisoned slot still holds consistent data: every update is a few assignments.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Tokens by provider, identity and resource. Cheap to clone; clones share the cache.
#[derive(Clone)]
pub struct TokenCache {
    inner: Arc<Inner>,
}

struct Inner {
    slots: DashMap<CacheKey, Arc<Slot>>,
    clock: Arc<dyn Clock>,
    options: CacheOptions,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCache")
            .field("keys", &self.inner.slots.len())
            .field("options", &self.inner.options)
            .finish()
    }
}

impl TokenCache {
    pub fn new(clock: Arc<dyn Clock>, options: CacheOptions) -> Self {
        TokenCache {
            inner: Arc::new(Inner {
                slots: DashMap::new(),
                clock,
                options,
            }),
        }
    }

    /// A usable token for `resource` from `provider`. Must be called within a tokio runtime.
    pub async fn get_token(
        &self,
        provider: &Arc<dyn TokenProvider>,
        resource: &str,
        identity: &ManagedIdentity,
    ) -> Result<Arc<AccessToken>, IdentityError> {
        let key = CacheKey {
            provider: provider.kind(),
            endpoint: provider.endpoint().to_owned(),
            identity: identity.clone(),
            resource: resource.to_owned(),
        };
        let slot = Arc::clone(self.inner.slots.entry(key.clone()).or_default().value());
        let pending = {
            let mut state = slot.lock();
            let now = self.inner.clock.now();
            if let Some(token) = state.token.clone()
                && token.is_usable_at(now, self.inner.options.expiry_margin)
            {
                let refresh_due = now >= token.refresh_at()
                    && state.in_flight.is_none()
                    && state
                        .next_refresh
                        .is_none_or(|not_before| now >= not_before);
                if refresh_due {
                    tracing::debug!(provider = %key.provider, resource, "refreshing a token ahead of expiry");
                    // Nobody waits for it: the task updates the slot when it is done.
                    let _background = self.start_request(&slot, &mut state, provider, &key);
                }
                return Ok(token);
            }
            match &state.in_flight {
                Some(request) => request.clone(),
                None => self.start_request(&slot, &mut state, provider, &key),
            }
        };
        pending.await
    }

    /// Starts the one request for `key`, records it in the slot and returns it.
    fn start_request(
        &self,
        slot: &Arc<Slot>,
        state: &mut SlotState,
        provider: &Arc<dyn TokenProvider>,
        key: &CacheKey,
    ) -> SharedRequest {
        let inner = Arc::clone(&self.inner);
        let provider = Arc::clone(provider);
        let task_slot = Arc::clone(slot);
        let resource = key.resource.clone();
        let identity = key.identity.clone();
        let endpoint = key.endpoint.clone();
        let task = tokio::spawn(async move {
            let result = request_with_retries(
                provider.as_ref(),
                &resource,
                &identity,
                inner.clock.as_ref(),
                &inner.options.retry,
            )
            .await
            .map(Arc::new);
            let now = inner.clock.now();
            let mut state = task_slot.lock();
            state.in_flight = None;
            match &result {
                Ok(token) => {
                    state.token = Some(Arc::clone(token));
                    state.next_refresh = None;
                }
                Err(_) => {
                    state.next_refresh = Some(now.plus(inner.options.refresh_retry_interval));
                }
            }
            result
        });
        let error_resource = key.resource.clone();
        let request: BoxFuture<'static, TokenResult> = Box::pin(async move {
            task.await.unwrap_or_else(|stopped| {
                Err(IdentityError::new(
                    ErrorKind::Configuration(format!("the token request stopped: {stopped}")),
                    &error_resource,
                    &endpoint,
                    0,
                ))
            })
        });
        let shared = request.shared();
        state.in_flight = Some(shared.clone());
        shared
    }

    /// Forgets every token.
    pub fn clear(&self) {
        self.inner.slots.clear();
    }
}
