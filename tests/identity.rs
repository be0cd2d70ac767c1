//! Managed identity over loopback: the three token protocols against the local identity
//! endpoint, the cache's single flight, refresh ahead in virtual time, serving a valid token
//! through failures, the retry rules, and tokens kept out of logs.

#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatehouse_identity::provider::http_client;
use gatehouse_identity::{
    AccessToken, CacheOptions, Clock, ErrorKind, IdentityError, ImdsProvider, ManagedIdentity,
    ManualClock, TokenCache, TokenProvider, UserAssignedId, WorkloadIdentityProvider,
};
use gatehouse_identity_server::{Fault, IdentityServer, Protocol, ServerConfig};
use gatehouse_tests::identity::{
    RESOURCE, app_service_provider, eventually, imds_provider, quick_retries, start_identity_server,
};
use serde_json::Value;

fn cache(clock: Arc<dyn Clock>, options: CacheOptions) -> TokenCache {
    TokenCache::new(clock, options)
}

async fn start(config: ServerConfig) -> IdentityServer {
    start_identity_server(config).await
}

fn imds(server: &IdentityServer) -> Arc<dyn TokenProvider> {
    imds_provider(server, Duration::from_secs(5))
}

fn app_service(server: &IdentityServer, secret: &str) -> Arc<dyn TokenProvider> {
    app_service_provider(server, secret)
}

/// Verifies an RS256 token against the JWKS the endpoint publishes over HTTP, and returns
/// its header and claims.
async fn verified_claims(server: &IdentityServer, token: &AccessToken) -> (Value, Value) {
    let tenant = &server.config().tenant_id;
    let jwks: Value = reqwest::get(format!("{}/{tenant}/discovery/keys", server.base_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let parts: Vec<&str> = token.secret().expose().split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS");
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).unwrap();
    let header: Value = serde_json::from_slice(&decode(parts[0])).unwrap();
    let claims: Value = serde_json::from_slice(&decode(parts[1])).unwrap();
    assert_eq!(header["alg"], "RS256");
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["kid"] == header["kid"])
        .expect("the token's kid is in the JWKS");
    let n = rsa::BoxedUint::from_be_slice_vartime(&decode(key["n"].as_str().unwrap()));
    let e = rsa::BoxedUint::from_be_slice_vartime(&decode(key["e"].as_str().unwrap()));
    let public = rsa::PublicKey::new(n, e).unwrap();
    let signing_input = format!("{}.{}", parts[0], parts[1]);
    public
        .pkcs1v15_verify::<rsa::sha2::Sha256>(signing_input.as_bytes(), &decode(parts[2]))
        .expect("the signature verifies with the published key");
    (header, claims)
}

fn assert_v1_claims(server: &IdentityServer, claims: &Value, client_id: &str, object_id: &str) {
    let config = server.config();
    assert_eq!(claims["aud"], RESOURCE);
    assert_eq!(
        claims["iss"],
        format!("https://sts.windows.net/{}/", config.tenant_id)
    );
    assert_eq!(claims["appid"], client_id);
    assert_eq!(claims["oid"], object_id);
    assert_eq!(claims["tid"], config.tenant_id.as_str());
    assert_eq!(claims["ver"], "1.0");
    let iat = claims["iat"].as_u64().unwrap();
    assert_eq!(claims["nbf"].as_u64().unwrap(), iat);
    assert_eq!(
        claims["exp"].as_u64().unwrap() - iat,
        config.token_lifetime.as_secs()
    );
}

// ----- protocols -----

#[tokio::test]
async fn imds_system_assigned_on_the_wire_and_in_the_token() {
    let server = start(ServerConfig::default()).await;
    let cache = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0));
    let token = cache
        .get_token(&imds(&server), RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
        .unwrap();

    let requests = server.recorded_requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.protocol, Protocol::Imds);
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/metadata/identity/oauth2/token");
    assert_eq!(request.header("Metadata"), Some("true"));
    assert_eq!(request.query_value("api-version"), Some("2018-02-01"));
    assert_eq!(request.query_value("resource"), Some(RESOURCE));
    for selector in ["client_id", "object_id", "msi_res_id"] {
        assert_eq!(request.query_value(selector), None);
    }

    let system = &server.config().system_identity;
    let (header, claims) = verified_claims(&server, &token).await;
    assert_eq!(header["typ"], "JWT");
    assert_v1_claims(&server, &claims, &system.client_id, &system.object_id);
    assert_eq!(
        token.expires_on().as_secs(),
        claims["exp"].as_u64().unwrap()
    );
}

#[tokio::test]
async fn imds_user_assigned_by_each_kind_of_id() {
    let server = start(ServerConfig::default()).await;
    let user = server.config().user_identities[0].clone();
    let cache = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0));
    let provider = imds(&server);
    let cases = [
        (
            UserAssignedId::ClientId(user.client_id.clone()),
            "client_id",
            &user.client_id,
        ),
        (
            UserAssignedId::ObjectId(user.object_id.clone()),
            "object_id",
            &user.object_id,
        ),
        (
            UserAssignedId::ResourceId(user.resource_id.clone()),
            "msi_res_id",
            &user.resource_id,
        ),
    ];
    for (index, (id, parameter, value)) in cases.into_iter().enumerate() {
        let token = cache
            .get_token(&provider, RESOURCE, &ManagedIdentity::UserAssigned(id))
            .await
            .unwrap();
        let request = &server.recorded_requests()[index];
        assert_eq!(
            request.query_value(parameter),
            Some(value.as_str()),
            "{parameter}"
        );
        let (_, claims) = verified_claims(&server, &token).await;
        assert_v1_claims(&server, &claims, &user.client_id, &user.object_id);
    }

    let unknown = ManagedIdentity::UserAssigned(UserAssignedId::ClientId("nobody".into()));
    let error = cache
        .get_token(&provider, RESOURCE, &unknown)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Status { status: 400, .. }),
        "{error}"
    );
    assert_eq!(error.attempts(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn app_service_system_and_user_assigned() {
    let server = start(ServerConfig::default()).await;
    let secret = server.config().app_service_secret.clone();
    let user = server.config().user_identities[0].clone();
    let provider = app_service(&server, &secret);
    let cache = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0));

    let system_token = cache
        .get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
        .unwrap();
    let by_principal =
        ManagedIdentity::UserAssigned(UserAssignedId::ObjectId(user.object_id.clone()));
    let user_token = cache
        .get_token(&provider, RESOURCE, &by_principal)
        .await
        .unwrap();
    let by_resource =
        ManagedIdentity::UserAssigned(UserAssignedId::ResourceId(user.resource_id.clone()));
    cache
        .get_token(&provider, RESOURCE, &by_resource)
        .await
        .unwrap();

    let requests = server.recorded_requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(request.protocol, Protocol::AppService);
        assert_eq!(request.path, "/msi/token");
        assert_eq!(request.header("X-IDENTITY-HEADER"), Some(secret.as_str()));
        assert_eq!(request.query_value("api-version"), Some("2019-08-01"));
        assert_eq!(request.query_value("resource"), Some(RESOURCE));
    }
    assert_eq!(
        requests[1].query_value("principal_id"),
        Some(user.object_id.as_str())
    );
    assert_eq!(
        requests[2].query_value("mi_res_id"),
        Some(user.resource_id.as_str())
    );

    let system = &server.config().system_identity;
    let (_, claims) = verified_claims(&server, &system_token).await;
    assert_v1_claims(&server, &claims, &system.client_id, &system.object_id);
    let (_, claims) = verified_claims(&server, &user_token).await;
    assert_v1_claims(&server, &claims, &user.client_id, &user.object_id);

    let wrong_secret = app_service(&server, "wrong");
    let fresh = TokenCache::new(Arc::new(gatehouse_identity::SystemClock), quick_retries(3));
    let error = fresh
        .get_token(&wrong_secret, RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), ErrorKind::Status { status: 401, .. }),
        "{error}"
    );
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn workload_identity_exchanges_the_federated_token_and_rereads_it() {
    let server = start(ServerConfig::default()).await;
    let workload = server.config().workload_identities[0].clone();
    let dir = std::env::temp_dir().join(format!("gatehouse-wi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token_file = dir.join("azure-identity-token");
    std::fs::write(
        &token_file,
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl\n",
    )
    .unwrap();
    let provider: Arc<dyn TokenProvider> = Arc::new(
        WorkloadIdentityProvider::new(
            server.base_url(),
            &server.config().tenant_id,
            workload.client_id.clone(),
            token_file.clone(),
            http_client(Duration::from_secs(5)).unwrap(),
        )
        .unwrap(),
    );
    let first = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0))
        .get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
        .unwrap();

    // The kubelet rotates the projected token; the next exchange must send the new one.
    std::fs::write(
        &token_file,
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb3RhdGVkIn0.bmV3",
    )
    .unwrap();
    cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0))
        .get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
        .unwrap();

    let requests = server.recorded_requests();
    assert_eq!(requests.len(), 2);
    let request = &requests[0];
    assert_eq!(request.protocol, Protocol::Entra);
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.path,
        format!("/{}/oauth2/v2.0/token", server.config().tenant_id)
    );
    assert_eq!(
        request.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(request.form_value("grant_type"), Some("client_credentials"));
    assert_eq!(
        request.form_value("client_id"),
        Some(workload.client_id.as_str())
    );
    assert_eq!(
        request.form_value("scope"),
        Some("api://gatehouse-demo-backend/.default")
    );
    assert_eq!(
        request.form_value("client_assertion_type"),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    assert_eq!(
        request.form_value("client_assertion"),
        Some("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl")
    );
    assert_eq!(
        requests[1].form_value("client_assertion"),
        Some("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyb3RhdGVkIn0.bmV3")
    );

    let (_, claims) = verified_claims(&server, &first).await;
    assert_v1_claims(&server, &claims, &workload.client_id, &workload.object_id);

    let user = ManagedIdentity::UserAssigned(UserAssignedId::ClientId(workload.client_id.clone()));
    let error = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0))
        .get_token(&provider, RESOURCE, &user)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("cannot be chosen"), "{error}");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ----- the cache -----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_callers_on_a_cold_cache_make_one_request() {
    let server = start(ServerConfig::default()).await;
    // A slow answer keeps the request in flight while every caller arrives.
    server.fail_next([Fault::Delay(Duration::from_millis(300))]);
    let cache = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0));
    let provider = imds(&server);
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let cache = cache.clone();
            let provider = Arc::clone(&provider);
            tokio::spawn(async move {
                cache
                    .get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned)
                    .await
            })
        })
        .collect();
    let mut tokens = Vec::new();
    for caller in callers {
        tokens.push(caller.await.unwrap().unwrap());
    }
    assert_eq!(server.token_requests(), 1);
    assert!(tokens.iter().all(|token| Arc::ptr_eq(token, &tokens[0])));
}

#[tokio::test]
async fn refresh_ahead_then_serve_the_valid_token_through_failures_then_a_clear_error() {
    let clock = Arc::new(ManualClock::starting_now());
    let config = ServerConfig {
        token_lifetime: Duration::from_secs(120),
        clock: clock.clone(),
        ..ServerConfig::default()
    };
    let server = start(config).await;
    let options = quick_retries(1);
    let margin = options.expiry_margin;
    let cache = cache(clock.clone(), options);
    let provider = imds(&server);
    let get = || cache.get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned);
    let check_usable = |token: &AccessToken| {
        assert!(
            token.is_usable_at(clock.now(), margin),
            "a caller got a token that expires at {:?}, now is {:?}",
            token.expires_on(),
            clock.now()
        );
    };

    let first = get().await.unwrap();
    check_usable(&first);
    assert_eq!(server.token_requests(), 1);
    // A 2-minute token is due for refresh after half its life (`exp` has whole seconds).
    let half_life = first.refresh_at().since(first.obtained_at());
    assert!(
        (Duration::from_secs(59)..=Duration::from_secs(60)).contains(&half_life),
        "{half_life:?}"
    );

    clock.advance(Duration::from_secs(59));
    assert!(Arc::ptr_eq(&get().await.unwrap(), &first));
    assert_eq!(server.token_requests(), 1, "not due yet");

    // Due: the caller gets the old token at once while the refresh runs in the background.
    clock.advance(Duration::from_secs(2));
    let during = get().await.unwrap();
    assert!(Arc::ptr_eq(&during, &first));
    check_usable(&during);
    eventually("the background refresh", || server.tokens_issued() == 2).await;
    eventually("the cache to take the new token", || {
        futures_now(get())
            .is_some_and(|result| result.is_ok_and(|token| !Arc::ptr_eq(&token, &first)))
    })
    .await;
    let second = get().await.unwrap();
    check_usable(&second);
    assert!(
        second.expires_on() > first.expires_on(),
        "refreshed before expiry"
    );
    assert!(clock.now() < first.expires_on());

    // Now the endpoint fails. At the next refresh point the refresh fails, and callers keep
    // the still-valid token.
    server.fail_always(Fault::Status {
        status: 503,
        retry_after: None,
    });
    clock.set(second.refresh_at());
    assert!(Arc::ptr_eq(&get().await.unwrap(), &second));
    let after_first_failure = 1 + 1 + 2; // two tokens issued, then one attempt and one retry
    eventually("the failed refresh", || {
        server.token_requests() == after_first_failure
    })
    .await;
    // Give the failed refresh time to be recorded, then: no new attempt within 30 s.
    tokio::time::sleep(Duration::from_millis(50)).await;
    clock.advance(Duration::from_secs(29));
    let token = get().await.unwrap();
    assert!(Arc::ptr_eq(&token, &second));
    check_usable(&token);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        server.token_requests(),
        after_first_failure,
        "refresh retried too soon"
    );

    // After 30 s it is tried again, still in the background.
    clock.advance(Duration::from_secs(2));
    assert!(Arc::ptr_eq(&get().await.unwrap(), &second));
    eventually("the second refresh attempt", || {
        server.token_requests() == after_first_failure + 2
    })
    .await;

    // Once the token is no longer usable, callers wait for a request and get its error.
    clock.set(second.expires_on().minus(margin));
    let error: IdentityError = get().await.unwrap_err();
    assert_eq!(error.resource(), RESOURCE);
    assert_eq!(error.endpoint(), server.imds_endpoint());
    let message = error.to_string();
    assert!(
        message.contains("api://gatehouse-demo-backend"),
        "{message}"
    );
    assert!(
        message.contains("it answered 503 `injected_fault`"),
        "{message}"
    );

    // And once the endpoint recovers, the next caller gets a fresh token.
    server.clear_faults();
    let recovered = get().await.unwrap();
    check_usable(&recovered);
}

/// The value of a future if it is ready at once.
fn futures_now<F: std::future::Future>(future: F) -> Option<F::Output> {
    use std::task::{Context, Poll, Waker};
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

#[tokio::test]
async fn no_caller_ever_gets_an_expired_token_across_many_lifetimes() {
    let clock = Arc::new(ManualClock::starting_now());
    let config = ServerConfig {
        token_lifetime: Duration::from_secs(120),
        clock: clock.clone(),
        ..ServerConfig::default()
    };
    let server = start(config).await;
    let options = quick_retries(0);
    let margin = options.expiry_margin;
    let cache = cache(clock.clone(), options);
    let provider = imds(&server);
    // Ten token lifetimes in 7-second steps; between steps the background refresh finishes.
    for _ in 0..(1200 / 7) {
        let token = cache
            .get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned)
            .await
            .unwrap();
        assert!(token.is_usable_at(clock.now(), margin));
        tokio::time::sleep(Duration::from_millis(2)).await;
        clock.advance(Duration::from_secs(7));
    }
    // About one request per minute of virtual time, not one per call.
    let requests = server.token_requests();
    assert!((15..=25).contains(&requests), "{requests} requests");
}

// ----- retries and failures -----

async fn one_fetch(
    server: &IdentityServer,
    options: CacheOptions,
) -> Result<Arc<AccessToken>, IdentityError> {
    cache(Arc::new(gatehouse_identity::SystemClock), options)
        .get_token(&imds(server), RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
}

#[tokio::test]
async fn endpoint_down_is_retried_then_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let provider: Arc<dyn TokenProvider> = Arc::new(ImdsProvider::new(
        format!("http://{closed}/metadata/identity/oauth2/token"),
        http_client(Duration::from_secs(2)).unwrap(),
    ));
    let error = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(2))
        .get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
        .unwrap_err();
    assert!(matches!(error.kind(), ErrorKind::Connect(_)), "{error}");
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains(&closed.to_string()), "{error}");
}

#[tokio::test]
async fn transient_statuses_are_retried_and_then_succeed() {
    let server = start(ServerConfig::default()).await;
    server.fail_next([404, 410, 500, 503].map(|status| Fault::Status {
        status,
        retry_after: None,
    }));
    let token = one_fetch(&server, quick_retries(5)).await.unwrap();
    assert!(!token.secret().is_empty());
    assert_eq!(server.token_requests(), 5);
}

#[tokio::test]
async fn retries_give_up_after_the_policy_with_the_last_answer() {
    let server = start(ServerConfig::default()).await;
    server.fail_always(Fault::Status {
        status: 500,
        retry_after: None,
    });
    let error = one_fetch(&server, quick_retries(3)).await.unwrap_err();
    assert_eq!(error.attempts(), 4);
    assert_eq!(server.token_requests(), 4);
    assert!(error.to_string().ends_with("(after 4 attempts)"), "{error}");
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_asks() {
    let server = start(ServerConfig::default()).await;
    server.fail_next([Fault::Status {
        status: 429,
        retry_after: Some(1),
    }]);
    let started = Instant::now();
    one_fetch(&server, quick_retries(2)).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.token_requests(), 2);
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    let server = start(ServerConfig::default()).await;
    for status in [400, 401, 403] {
        server.fail_next([Fault::Status {
            status,
            retry_after: None,
        }]);
        let before = server.token_requests();
        let error = one_fetch(&server, quick_retries(5)).await.unwrap_err();
        assert_eq!(error.attempts(), 1, "{status}");
        assert_eq!(server.token_requests(), before + 1, "{status}");
    }
}

#[tokio::test]
async fn a_slow_endpoint_times_out_and_is_retried() {
    let server = start(ServerConfig::default()).await;
    server.fail_always(Fault::Delay(Duration::from_secs(2)));
    let provider: Arc<dyn TokenProvider> = Arc::new(ImdsProvider::new(
        server.imds_endpoint(),
        http_client(Duration::from_millis(200)).unwrap(),
    ));
    let error = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(1))
        .get_token(&provider, RESOURCE, &ManagedIdentity::SystemAssigned)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), &ErrorKind::Timeout);
    assert_eq!(error.attempts(), 2);
    assert!(
        error.to_string().contains("did not answer in time"),
        "{error}"
    );
}

#[tokio::test]
async fn malformed_and_incomplete_answers_are_typed_errors() {
    let server = start(ServerConfig::default()).await;
    let cases = [
        (
            Fault::Garbage("<html>oops</html>".into()),
            "the body is not json",
        ),
        (
            Fault::Garbage("{\"access_token\":".into()),
            "the body is not json",
        ),
        (Fault::OmitField("access_token".into()), "no `access_token`"),
    ];
    for (fault, expected) in cases {
        server.fail_next([fault]);
        let error = one_fetch(&server, quick_retries(3)).await.unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::MalformedResponse(_)),
            "{error}"
        );
        assert!(error.to_string().contains(expected), "{error}");
        assert_eq!(error.attempts(), 1, "a malformed answer is not retried");
    }
    // IMDS without `expires_on` still has `expires_in`.
    server.fail_next([Fault::OmitField("expires_on".into())]);
    one_fetch(&server, quick_retries(0)).await.unwrap();
    // App Service has only `expires_on`: without it there is no lifetime.
    server.fail_next([Fault::OmitField("expires_on".into())]);
    let secret = server.config().app_service_secret.clone();
    let error = cache(Arc::new(gatehouse_identity::SystemClock), quick_retries(0))
        .get_token(
            &app_service(&server, &secret),
            RESOURCE,
            &ManagedIdentity::SystemAssigned,
        )
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("neither `expires_on` nor `expires_in`"),
        "{error}"
    );
}
