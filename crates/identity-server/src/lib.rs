//! A local identity endpoint: the embedded default that the demo and the tests use in place of
//! Azure.
//!
//! It speaks, on one loopback port:
//!
//! | protocol | request |
//! |---|---|
//! | IMDS | `GET /metadata/identity/oauth2/token?api-version&resource[&client_id\|object_id\|msi_res_id]`, header `Metadata: true` |
//! | App Service | `GET /msi/token?resource&api-version=2019-08-01[&client_id\|principal_id\|mi_res_id]`, header `X-IDENTITY-HEADER` |
//! | Entra (workload identity) | `POST /{tenant}/oauth2/v2.0/token`, form `client_credentials` with a JWT client assertion |
//! | OpenID | `GET /{tenant}/.well-known/openid-configuration` (and `/v2.0/…`), `GET /{tenant}/discovery/keys` |
//! | admin | `GET /_gatehouse/stats`, `POST`/`DELETE /_gatehouse/faults` |
//!
//! Tokens are RS256 JWTs with v1 claims (`aud` = the requested resource,
//! `iss` = `https://sts.windows.net/{tenant}/`, `appid`, `oid`, `sub`, `tid`, `iat`, `nbf`,
//! `exp`), signed with a key generated at start. The endpoint can be told to fail (status,
//! delay, garbage, a missing field), counts the token requests it served, and records them so
//! tests can check what went over the wire. Its clock is injectable, so token lifetimes can be
//! tested in virtual time together with the cache.

mod signing;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use gatehouse_identity::{Clock, SystemClock};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::signing::SigningKey;

/// The IMDS token path.
pub const IMDS_PATH: &str = "/metadata/identity/oauth2/token";
/// The App Service token path.
pub const APP_SERVICE_PATH: &str = "/msi/token";

/// One managed identity the endpoint knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub client_id: String,
    pub object_id: String,
    /// ARM resource id of a user-assigned identity.
    pub resource_id: String,
}

impl Identity {
    /// An identity whose ids are derived from `name` (stable across runs).
    pub fn named(name: &str, index: u8) -> Self {
        Identity {
            client_id: format!(
                "00000000-0000-4000-8000-{:012x}",
                0x0c11_0000 + u64::from(index)
            ),
            object_id: format!(
                "00000000-0000-4000-8000-{:012x}",
                0x0b1e_0000 + u64::from(index)
            ),
            resource_id: format!(
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/gatehouse/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
            ),
        }
    }
}

/// What the endpoint serves.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    pub tenant_id: String,
    /// Used when a request names no identity.
    pub system_identity: Identity,
    /// Selected by `client_id`, `object_id`/`principal_id` or `msi_res_id`/`mi_res_id`.
    pub user_identities: Vec<Identity>,
    /// Applications that may exchange a federated token at the Entra endpoint.
    pub workload_identities: Vec<Identity>,
    pub token_lifetime: Duration,
    /// The value App Service clients must send in `X-IDENTITY-HEADER`.
    pub app_service_secret: String,
    pub clock: Arc<dyn Clock>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            tenant_id: "00000000-0000-4000-8000-00000000cafe".to_owned(),
            system_identity: Identity::named("system", 0),
            user_identities: vec![Identity::named("gatehouse-user", 1)],
            workload_identities: vec![Identity::named("gatehouse-workload", 2)],
            token_lifetime: Duration::from_secs(3600),
            app_service_secret: random_hex(16),
            clock: Arc::new(SystemClock),
        }
    }
}

fn random_hex(bytes: usize) -> String {
    (0..bytes)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}

/// A way for the endpoint to misbehave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and an OAuth error body, with `Retry-After` if given.
    Status {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer 200 with this body.
    Garbage(String),
    /// Answer 200 with a token response that lacks this field.
    OmitField(String),
}

/// Which protocol a request used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Imds,
    AppService,
    Entra,
}

/// A token request as it arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    pub protocol: Protocol,
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    /// Header names are lower case.
    pub headers: Vec<(String, String)>,
    pub form: Vec<(String, String)>,
}

impl RecordedRequest {
    pub fn query_value(&self, name: &str) -> Option<&str> {
        lookup(&self.query, name)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        lookup(&self.headers, &name.to_ascii_lowercase())
    }

    pub fn form_value(&self, name: &str) -> Option<&str> {
        lookup(&self.form, name)
    }
}

fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[derive(Default)]
struct Faults {
    queue: VecDeque<Fault>,
    always: Option<Fault>,
}

struct Shared {
    config: ServerConfig,
    key: SigningKey,
    base_url: String,
    token_requests: AtomicU64,
    tokens_issued: AtomicU64,
    faults: Mutex<Faults>,
    recorded: Mutex<Vec<RecordedRequest>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running endpoint. Dropping it stops the server.
pub struct IdentityServer {
    shared: Arc<Shared>,
    address: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for IdentityServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityServer")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl IdentityServer {
    /// Generates a signing key, binds `address` (port 0 picks a free port) and serves until
    /// dropped or [`IdentityServer::shutdown`].
    pub async fn start(config: ServerConfig, address: SocketAddr) -> std::io::Result<Self> {
        let key = tokio::task::spawn_blocking(SigningKey::generate)
            .await
            .map_err(std::io::Error::other)?
            .map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(address).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            config,
            key,
            base_url: format!("http://{address}"),
            token_requests: AtomicU64::new(0),
            tokens_issued: AtomicU64::new(0),
            faults: Mutex::new(Faults::default()),
            recorded: Mutex::new(Vec::new()),
        });
        let router = router(Arc::clone(&shared));
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stop.await;
                })
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "the identity endpoint stopped");
            }
        });
        tracing::info!(%address, "identity endpoint listening");
        Ok(IdentityServer {
            shared,
            address,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:port`; also the authority host for workload identity.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    pub fn imds_endpoint(&self) -> String {
        format!("{}{IMDS_PATH}", self.shared.base_url)
    }

    pub fn app_service_endpoint(&self) -> String {
        format!("{}{APP_SERVICE_PATH}", self.shared.base_url)
    }

    pub fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    /// `https://sts.windows.net/{tenant}/`, the `iss` of every token.
    pub fn issuer(&self) -> String {
        issuer(&self.shared.config.tenant_id)
    }

    /// The signing key as a JWKS document.
    pub fn jwks(&self) -> Value {
        self.shared.key.jwks(&self.issuer())
    }

    /// Token requests received on any protocol, whether answered with a token or a fault.
    pub fn token_requests(&self) -> u64 {
        self.shared.token_requests.load(Ordering::SeqCst)
    }

    /// Tokens actually issued.
    pub fn tokens_issued(&self) -> u64 {
        self.shared.tokens_issued.load(Ordering::SeqCst)
    }

    /// Every token request received so far, in order.
    pub fn recorded_requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.recorded).clone()
    }

    /// The next token requests get these faults, one each, in order.
    pub fn fail_next(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.shared.faults).queue.extend(faults);
    }

    /// Every token request gets this fault until [`IdentityServer::clear_faults`].
    pub fn fail_always(&self, fault: Fault) {
        lock(&self.shared.faults).always = Some(fault);
    }

    pub fn clear_faults(&self) {
        let mut faults = lock(&self.shared.faults);
        faults.queue.clear();
        faults.always = None;
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

impl Drop for IdentityServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn issuer(tenant: &str) -> String {
    format!("https://sts.windows.net/{tenant}/")
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(IMDS_PATH, get(imds))
        .route(APP_SERVICE_PATH, get(app_service))
        .route("/{tenant}/oauth2/v2.0/token", post(entra))
        .route("/{tenant}/.well-known/openid-configuration", get(openid_v1))
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(openid_v2),
        )
        .route("/{tenant}/discovery/keys", get(jwks))
        .route("/{tenant}/discovery/v2.0/keys", get(jwks))
        .route("/_gatehouse/stats", get(stats))
        .route("/_gatehouse/faults", post(set_faults).delete(clear_faults))
        .with_state(shared)
}

type Pairs = Vec<(String, String)>;

/// An OAuth error answer: `{"error": …, "error_description": …}`.
struct OAuthError {
    status: StatusCode,
    error: &'static str,
    description: String,
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(json!({"error": self.error, "error_description": self.description})),
        )
            .into_response()
    }
}

fn oauth_error(status: StatusCode, error: &'static str, description: &str) -> OAuthError {
    OAuthError {
        status,
        error,
        description: description.to_owned(),
    }
}

/// A query parameter that names an identity, and the id it is compared with.
type Selector = (&'static str, fn(&Identity) -> &str);

/// Counts and records a token request, then applies the next fault if there is one. `Ok`
/// means: answer normally.
async fn intake(
    shared: &Shared,
    protocol: Protocol,
    method: &str,
    path: &str,
    query: &Pairs,
    headers: &HeaderMap,
    form: &Pairs,
) -> Result<Option<String>, Response> {
    shared.token_requests.fetch_add(1, Ordering::SeqCst);
    lock(&shared.recorded).push(RecordedRequest {
        protocol,
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.clone(),
        headers: headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        form: form.clone(),
    });
    let fault = {
        let mut faults = lock(&shared.faults);
        faults.queue.pop_front().or_else(|| faults.always.clone())
    };
    match fault {
        None => Ok(None),
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            Ok(None)
        }
        Some(Fault::Status {
            status,
            retry_after,
        }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = oauth_error(
                status,
                "injected_fault",
                &format!(
                    "the local identity endpoint was told to answer {}",
                    status.as_u16()
                ),
            )
            .into_response();
            if let Some(seconds) = retry_after
                && let Ok(value) = seconds.to_string().parse()
            {
                response.headers_mut().insert("retry-after", value);
            }
            Err(response)
        }
        Some(Fault::Garbage(body)) => Err((StatusCode::OK, body).into_response()),
        Some(Fault::OmitField(field)) => Ok(Some(field)),
    }
}

/// A signed token for `resource` on behalf of `identity`, and its times.
struct Issued {
    token: String,
    issued_at: u64,
    expires_on: u64,
}

fn issue(shared: &Shared, resource: &str, identity: &Identity) -> Result<Issued, OAuthError> {
    let config = &shared.config;
    let now = config.clock.now().as_secs();
    let lifetime = config.token_lifetime.as_secs();
    let expires_on = now.saturating_add(lifetime);
    let claims = json!({
        "aud": resource,
        "iss": issuer(&config.tenant_id),
        "iat": now,
        "nbf": now,
        "exp": expires_on,
        "appid": identity.client_id,
        "appidacr": "2",
        "idtyp": "app",
        "oid": identity.object_id,
        "sub": identity.object_id,
        "tid": config.tenant_id,
        "ver": "1.0",
    });
    let token = shared
        .key
        .sign(&claims)
        .map_err(|error| oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &error))?;
    shared.tokens_issued.fetch_add(1, Ordering::SeqCst);
    Ok(Issued {
        token,
        issued_at: now,
        expires_on,
    })
}

fn answer(mut body: Value, omit: Option<String>) -> Response {
    if let (Some(field), Some(object)) = (omit, body.as_object_mut()) {
        object.remove(&field);
    }
    Json(body).into_response()
}

/// The identity a request names, among the system-assigned one and the user-assigned ones.
/// `selectors` maps each accepted parameter to the id it compares.
fn select_identity<'a>(
    config: &'a ServerConfig,
    query: &Pairs,
    selectors: &[Selector],
) -> Result<&'a Identity, OAuthError> {
    let given: Vec<(&str, Selector)> = selectors
        .iter()
        .filter_map(|selector| lookup(query, selector.0).map(|value| (value, *selector)))
        .collect();
    match given.as_slice() {
        [] => Ok(&config.system_identity),
        [(value, (_, field))] => config
            .user_identities
            .iter()
            .find(|identity| field(identity) == *value)
            .ok_or_else(|| {
                oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "the requested identity has not been assigned to this resource",
                )
            }),
        _ => Err(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "only one of the identity parameters may be given",
        )),
    }
}

fn client_id(identity: &Identity) -> &str {
    &identity.client_id
}
fn object_id(identity: &Identity) -> &str {
    &identity.object_id
}
fn resource_id(identity: &Identity) -> &str {
    &identity.resource_id
}

async fn imds(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Pairs>,
    headers: HeaderMap,
) -> Response {
    let omit = match intake(
        &shared,
        Protocol::Imds,
        "GET",
        IMDS_PATH,
        &query,
        &headers,
        &Vec::new(),
    )
    .await
    {
        Ok(omit) => omit,
        Err(response) => return response,
    };
    if headers
        .get("metadata")
        .and_then(|value| value.to_str().ok())
        != Some("true")
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required metadata header not specified",
        )
        .into_response();
    }
    if lookup(&query, "api-version").is_none() {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "api-version is required",
        )
        .into_response();
    }
    let Some(resource) = lookup(&query, "resource").filter(|resource| !resource.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "resource is required",
        )
        .into_response();
    };
    let identity = match select_identity(
        &shared.config,
        &query,
        &[
            ("client_id", client_id),
            ("object_id", object_id),
            ("msi_res_id", resource_id),
        ],
    ) {
        Ok(identity) => identity,
        Err(refusal) => return refusal.into_response(),
    };
    match issue(&shared, resource, identity) {
        // IMDS sends every number as a string.
        Ok(issued) => answer(
            json!({
                "access_token": issued.token,
                "client_id": identity.client_id,
                "expires_in": (issued.expires_on - issued.issued_at).to_string(),
                "expires_on": issued.expires_on.to_string(),
                "ext_expires_in": (issued.expires_on - issued.issued_at).to_string(),
                "not_before": issued.issued_at.to_string(),
                "resource": resource,
                "token_type": "Bearer",
            }),
            omit,
        ),
        Err(refusal) => refusal.into_response(),
    }
}

async fn app_service(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Pairs>,
    headers: HeaderMap,
) -> Response {
    let omit = match intake(
        &shared,
        Protocol::AppService,
        "GET",
        APP_SERVICE_PATH,
        &query,
        &headers,
        &Vec::new(),
    )
    .await
    {
        Ok(omit) => omit,
        Err(response) => return response,
    };
    let secret = headers
        .get("x-identity-header")
        .and_then(|value| value.to_str().ok());
    if secret != Some(shared.config.app_service_secret.as_str()) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid secret token header",
        )
        .into_response();
    }
    if lookup(&query, "api-version") != Some("2019-08-01") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "api-version must be 2019-08-01",
        )
        .into_response();
    }
    let Some(resource) = lookup(&query, "resource").filter(|resource| !resource.is_empty()) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "resource is required",
        )
        .into_response();
    };
    let identity = match select_identity(
        &shared.config,
        &query,
        &[
            ("client_id", client_id),
            ("principal_id", object_id),
            ("object_id", object_id),
            ("mi_res_id", resource_id),
        ],
    ) {
        Ok(identity) => identity,
        Err(refusal) => return refusal.into_response(),
    };
    match issue(&shared, resource, identity) {
        // Epoch seconds as strings, and no `expires_in`.
        Ok(issued) => answer(
            json!({
                "access_token": issued.token,
                "client_id": identity.client_id,
                "expires_on": issued.expires_on.to_string(),
                "not_before": issued.issued_at.to_string(),
                "resource": resource,
                "token_type": "Bearer",
            }),
            omit,
        ),
        Err(refusal) => refusal.into_response(),
    }
}

async fn entra(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Pairs>,
) -> Response {
    let path = format!("/{tenant}/oauth2/v2.0/token");
    let omit = match intake(
        &shared,
        Protocol::Entra,
        "POST",
        &path,
        &Vec::new(),
        &headers,
        &form,
    )
    .await
    {
        Ok(omit) => omit,
        Err(response) => return response,
    };
    if tenant != shared.config.tenant_id {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("AADSTS90002: Tenant '{tenant}' not found"),
        )
        .into_response();
    }
    if lookup(&form, "grant_type") != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "AADSTS70003: only client_credentials is supported here",
        )
        .into_response();
    }
    if lookup(&form, "client_assertion_type")
        != Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "AADSTS7000218: a client_assertion of type jwt-bearer is required",
        )
        .into_response();
    }
    let assertion_is_jwt = lookup(&form, "client_assertion").is_some_and(|assertion| {
        assertion.split('.').count() == 3 && !assertion.contains(char::is_whitespace)
    });
    if !assertion_is_jwt {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client",
            "AADSTS50027: the client assertion is not a valid JWT",
        )
        .into_response();
    }
    let requested_client = lookup(&form, "client_id").unwrap_or_default();
    let Some(identity) = shared
        .config
        .workload_identities
        .iter()
        .find(|identity| identity.client_id == requested_client)
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            &format!(
                "AADSTS700016: Application with identifier '{requested_client}' was not found"
            ),
        )
        .into_response();
    };
    let Some(resource) = lookup(&form, "scope")
        .and_then(|scope| scope.strip_suffix("/.default"))
        .filter(|resource| !resource.is_empty())
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            "AADSTS1002012: the scope must be a resource followed by /.default",
        )
        .into_response();
    };
    match issue(&shared, resource, identity) {
        // Entra sends numbers as numbers.
        Ok(issued) => answer(
            json!({
                "token_type": "Bearer",
                "expires_in": issued.expires_on - issued.issued_at,
                "ext_expires_in": issued.expires_on - issued.issued_at,
                "access_token": issued.token,
            }),
            omit,
        ),
        Err(refusal) => refusal.into_response(),
    }
}

fn openid(shared: &Shared, tenant: &str, issuer: String) -> Response {
    let base = &shared.base_url;
    Json(json!({
        "issuer": issuer,
        "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/{tenant}/discovery/keys"),
        "response_types_supported": ["code", "id_token", "token id_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "tenant_region_scope": "local",
    }))
    .into_response()
}

async fn openid_v1(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    let issuer = issuer(&tenant);
    openid(&shared, &tenant, issuer)
}

async fn openid_v2(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    let base = shared.base_url.clone();
    openid(&shared, &tenant, format!("{base}/{tenant}/v2.0"))
}

async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    Json(shared.key.jwks(&issuer(&shared.config.tenant_id))).into_response()
}

async fn stats(State(shared): State<Arc<Shared>>) -> Response {
    let recorded = lock(&shared.recorded);
    let count = |protocol: Protocol| recorded.iter().filter(|r| r.protocol == protocol).count();
    Json(json!({
        "token_requests": shared.token_requests.load(Ordering::SeqCst),
        "tokens_issued": shared.tokens_issued.load(Ordering::SeqCst),
        "imds": count(Protocol::Imds),
        "app_service": count(Protocol::AppService),
        "entra": count(Protocol::Entra),
    }))
    .into_response()
}

/// `{"mode": "next" | "always", "faults": [{"status": 500, "retry_after": 1} | {"delay_ms": 100}
/// | {"garbage": "…"} | {"omit": "expires_on"}]}`
#[derive(Deserialize)]
struct FaultRequest {
    #[serde(default)]
    mode: Option<String>,
    faults: Vec<FaultSpec>,
}

#[derive(Deserialize)]
struct FaultSpec {
    status: Option<u16>,
    retry_after: Option<u64>,
    delay_ms: Option<u64>,
    garbage: Option<String>,
    omit: Option<String>,
}

impl FaultSpec {
    fn into_fault(self) -> Option<Fault> {
        if let Some(status) = self.status {
            Some(Fault::Status {
                status,
                retry_after: self.retry_after,
            })
        } else if let Some(ms) = self.delay_ms {
            Some(Fault::Delay(Duration::from_millis(ms)))
        } else if let Some(body) = self.garbage {
            Some(Fault::Garbage(body))
        } else {
            self.omit.map(Fault::OmitField)
        }
    }
}

async fn set_faults(
    State(shared): State<Arc<Shared>>,
    Json(request): Json<FaultRequest>,
) -> Response {
    let Some(faults) = request
        .faults
        .into_iter()
        .map(FaultSpec::into_fault)
        .collect::<Option<Vec<Fault>>>()
    else {
        return (
            StatusCode::BAD_REQUEST,
            "each fault needs status, delay_ms, garbage or omit",
        )
            .into_response();
    };
    let mut state = lock(&shared.faults);
    match request.mode.as_deref() {
        Some("always") => state.always = faults.into_iter().next(),
        _ => state.queue.extend(faults),
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(shared): State<Arc<Shared>>) -> Response {
    let mut state = lock(&shared.faults);
    state.queue.clear();
    state.always = None;
    StatusCode::NO_CONTENT.into_response()
}
