//! Managed identity for the gateway: get an Entra ID token for a backend, cache it, refresh
//! it before it expires, and never let it reach a log.
//!
//! - [`provider`]: the token protocols, one request each: [`ImdsProvider`] (VMs, AKS nodes),
//!   [`AppServiceProvider`] (App Service, Functions, Container Apps) and
//!   [`WorkloadIdentityProvider`] (Kubernetes workload identity); chosen by configuration or
//!   from the environment as the Azure SDKs do ([`provider::managed_identity_from_env`]).
//! - [`TokenCache`]: single-flight, refresh-ahead, serve-stale-on-failure cache keyed by
//!   provider, identity and resource, with the retry policy IMDS asks for.
//! - [`SecretString`]: tokens are never printed by `Debug` or `Display`.
//!
//! This crate depends on no policy crate: the `authentication-managed-identity` policy uses
//! it, not the other way round.

mod cache;
mod clock;
mod error;
pub mod provider;
mod retry;
mod secret;
mod token;

pub use cache::{CacheOptions, TokenCache};
pub use clock::{Clock, ManualClock, SystemClock, UnixTime};
pub use error::{ErrorKind, IdentityError};
pub use provider::{
    AppServiceProvider, HeaderSecret, ImdsProvider, ProviderKind, TokenProvider,
    WorkloadIdentityProvider,
};
pub use retry::RetryPolicy;
pub use secret::SecretString;
pub use token::{AccessToken, ManagedIdentity, UserAssignedId};
