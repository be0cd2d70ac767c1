//! The APIM `context` object that expressions read.
//!
//! The pipeline owns a [`Context`] per request and changes it between policies (a header set,
//! a variable stored); an expression sees it read-only. Parts that expressions can hold on to
//! (`context.Request.Headers`, a response stored by `send-request`) are behind `Arc`s, so
//! reading them is cheap and a later change never alters a value an expression already holds.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use indexmap::IndexMap;

use crate::net::time::{DateTime, TimeSpan};
use crate::value::{Str, Value};

/// `context.Variables`. Names are chosen by policy authors, not by clients, so a fast
/// non-keyed hash (FNV-1a) is safe here and much cheaper than SipHash.
pub type Variables = IndexMap<String, Value, std::hash::BuildHasherDefault<Fnv>>;

/// The FNV-1a hash.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// HTTP headers (or query parameters): names compare case-insensitively (HTTP headers do; the
/// gateway's dictionary does), each name has one or more values, insertion order is kept.
#[derive(Clone, Debug, Default)]
pub struct Multimap {
    entries: Vec<(Str, Vec<Str>)>,
    case_sensitive: bool,
}

impl Multimap {
    /// Header semantics: case-insensitive names.
    pub fn headers() -> Self {
        Multimap::default()
    }

    /// Query or claim semantics: case-sensitive names.
    pub fn case_sensitive() -> Self {
        Multimap {
            entries: Vec::new(),
            case_sensitive: true,
        }
    }

    fn matches(&self, a: &str, b: &str) -> bool {
        if self.case_sensitive {
            a == b
        } else {
            a.eq_ignore_ascii_case(b)
        }
    }

    pub fn get(&self, name: &str) -> Option<&[Str]> {
        self.entries
            .iter()
            .find(|(key, _)| self.matches(key, name))
            .map(|(_, values)| values.as_slice())
    }

    /// Adds a value (after any existing ones).
    pub fn append(&mut self, name: &str, value: &str) {
        let case_sensitive = self.case_sensitive;
        match self.entries.iter_mut().find(|(key, _)| {
            if case_sensitive {
                &**key == name
            } else {
                key.eq_ignore_ascii_case(name)
            }
        }) {
            Some((_, values)) => values.push(Str::from(value)),
            None => self.entries.push((Str::from(name), vec![Str::from(value)])),
        }
    }

    /// Replaces all values of `name`.
    pub fn set(&mut self, name: &str, values: Vec<Str>) {
        self.remove(name);
        self.entries.push((Str::from(name), values));
    }

    pub fn remove(&mut self, name: &str) {
        let case_sensitive = self.case_sensitive;
        self.entries.retain(|(key, _)| {
            if case_sensitive {
                &**key != name
            } else {
                !key.eq_ignore_ascii_case(name)
            }
        });
    }

    pub fn entries(&self) -> &[(Str, Vec<Str>)] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A message body. `As<T>()` without `preserveContent: true` consumes it: the message then
/// has no body (`Body` reads as null), and what is forwarded is empty.
#[derive(Debug, Default)]
pub struct Body {
    bytes: Vec<u8>,
    consumed: AtomicBool,
}

impl Body {
    pub fn new(bytes: Vec<u8>) -> Self {
        Body {
            bytes,
            consumed: AtomicBool::new(false),
        }
    }

    /// The content; with `consume`, later reads get nothing.
    pub fn read(&self, consume: bool) -> &[u8] {
        let was_consumed = if consume {
            self.consumed.swap(true, Ordering::SeqCst)
        } else {
            self.consumed.load(Ordering::SeqCst)
        };
        if was_consumed { &[] } else { &self.bytes }
    }

    pub fn is_consumed(&self) -> bool {
        self.consumed.load(Ordering::SeqCst)
    }
}

/// `IUrl`.
#[derive(Clone, Debug, Default)]
pub struct Url {
    pub scheme: Str,
    pub host: Str,
    pub port: i32,
    /// Starts with `/`.
    pub path: Str,
    pub query: Arc<Multimap>,
}

impl Url {
    /// `http://host:port/path?query`, the port left out when it is the scheme's default.
    pub fn parse(text: &str) -> Option<Url> {
        let uri = crate::net::uri::parse(text)?;
        let mut query = Multimap::case_sensitive();
        for pair in uri
            .query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            query.append(
                &crate::net::uri::unescape(name, true),
                &crate::net::uri::unescape(value, true),
            );
        }
        Some(Url {
            port: uri.effective_port(),
            scheme: Str::from(uri.scheme.as_str()),
            host: Str::from(uri.host.as_str()),
            path: Str::from(crate::net::uri::unescape(&uri.path, false).as_str()),
            query: Arc::new(query),
        })
    }

    /// `QueryString`: `?a=1&b=2`, or empty.
    pub fn query_string(&self) -> String {
        let mut out = String::new();
        for (name, values) in self.query.entries() {
            for value in values {
                out.push(if out.is_empty() { '?' } else { '&' });
                out.push_str(&crate::net::uri::escape_data_string(name));
                out.push('=');
                out.push_str(&crate::net::uri::escape_data_string(value));
            }
        }
        out
    }

    /// `ToString()`: the whole URL.
    pub fn to_text(&self) -> String {
        let default = match &*self.scheme {
            "http" => 80,
            "https" => 443,
            _ => -1,
        };
        let port = if self.port == default || self.port < 0 {
            String::new()
        } else {
            format!(":{}", self.port)
        };
        format!(
            "{}://{}{port}{}{}",
            self.scheme,
            self.host,
            self.path,
            self.query_string()
        )
    }
}

/// `IRequest`.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub method: Str,
    pub url: Arc<Url>,
    pub original_url: Arc<Url>,
    pub headers: Arc<Multimap>,
    pub body: Option<Arc<Body>>,
    pub ip_address: Str,
    pub matched_parameters: Arc<IndexMap<Str, Str>>,
    /// `None` unless the request came through a private endpoint connection.
    pub private_endpoint_connection: Option<Arc<PrivateEndpointConnection>>,
    /// The client certificate of a mutual-TLS connection (`context.Request.Certificate`).
    pub certificate: Option<Arc<crate::net::certificate::Certificate>>,
}

/// `IPrivateEndpointConnection`.
#[derive(Clone, Debug, Default)]
pub struct PrivateEndpointConnection {
    pub name: Str,
    pub group_id: Str,
    pub member_name: Str,
}

/// `IResponse`: the backend's response, or one stored by `send-request`.
#[derive(Clone, Debug)]
pub struct Response {
    pub status_code: i32,
    pub status_reason: Str,
    pub headers: Arc<Multimap>,
    pub body: Option<Arc<Body>>,
}

impl Default for Response {
    fn default() -> Self {
        Response {
            status_code: 200,
            status_reason: Str::from("OK"),
            headers: Arc::new(Multimap::headers()),
            body: None,
        }
    }
}

/// `IApi` / `IContextApi`.
#[derive(Clone, Debug, Default)]
pub struct Api {
    pub id: Str,
    pub name: Str,
    pub path: Str,
    pub protocols: Vec<Str>,
    pub service_url: Arc<Url>,
    pub subscription_key_header: Str,
    pub subscription_key_query: Str,
    pub is_current_revision: bool,
    pub revision: Str,
    pub version: Option<Str>,
}

/// `IOperation`.
#[derive(Clone, Debug, Default)]
pub struct Operation {
    pub id: Str,
    pub method: Str,
    pub name: Str,
    pub url_template: Str,
}

/// `IGroup`.
#[derive(Clone, Debug, Default)]
pub struct Group {
    pub id: Str,
    pub name: Str,
}

/// `IProduct`.
#[derive(Clone, Debug, Default)]
pub struct Product {
    pub id: Str,
    pub name: Str,
    pub approval_required: bool,
    pub subscription_required: bool,
    pub subscription_limit: Option<i32>,
    pub state: Str,
    pub groups: Vec<Arc<Group>>,
    pub apis: Vec<Arc<Api>>,
}

/// `ISubscription`.
#[derive(Clone, Debug, Default)]
pub struct Subscription {
    pub id: Str,
    pub key: Str,
    pub name: Str,
    pub primary_key: Str,
    pub secondary_key: Str,
    pub created_date: Option<DateTime>,
    pub start_date: Option<DateTime>,
    pub end_date: Option<DateTime>,
}

/// `IUser`.
#[derive(Clone, Debug, Default)]
pub struct User {
    pub id: Str,
    pub email: Str,
    pub first_name: Str,
    pub last_name: Str,
    pub note: Str,
    pub registration_date: Option<DateTime>,
    pub groups: Vec<Arc<Group>>,
    pub identities: Vec<Arc<UserIdentity>>,
}

/// `IUserIdentity`: an identity provider account of a user.
#[derive(Clone, Debug, Default)]
pub struct UserIdentity {
    pub id: Str,
    pub provider: Str,
}

/// `IDeployment`, with its `IGateway` (`Gateway`: backends.md routes on `Gateway.Id` and
/// `Gateway.IsManaged`) and its `ISustainabilityInfo` (api-management-sustainability.md).
#[derive(Clone, Debug, Default)]
pub struct Deployment {
    /// `GatewayId`, and `Gateway.Id`: "managed" for the managed gateway.
    pub gateway_id: Str,
    /// `Gateway.InstanceId`: which replica of the gateway runs the request.
    pub gateway_instance_id: Str,
    /// `Gateway.IsManaged`: false for a self-hosted gateway, as Gatehouse is.
    pub gateway_is_managed: bool,
    pub region: Str,
    pub service_name: Str,
    pub service_id: Str,
    /// `SustainabilityInfo.CurrentCarbonIntensity`, a `CarbonIntensityCategory` value
    /// (0, `NotAvailable`, when the region has no data).
    pub carbon_intensity: i64,
}

/// `ILastError`.
#[derive(Clone, Debug, Default)]
pub struct LastError {
    pub source: Option<Str>,
    pub reason: Option<Str>,
    pub message: Option<Str>,
    pub scope: Option<Str>,
    pub section: Option<Str>,
    pub path: Option<Str>,
    pub policy_id: Option<Str>,
}

/// `context.GraphQL` in a resolver (set-graphql-resolver-policy.md, http-data-source-policy.md):
/// the field's arguments and the parent object it is resolved on, as JSON objects.
#[derive(Clone, Debug)]
pub struct GraphQl {
    pub arguments: crate::json::JToken,
    pub parent: crate::json::JToken,
}

/// `context`, for one request.
#[derive(Clone, Debug)]
pub struct Context {
    pub request: Arc<Request>,
    pub response: Arc<Response>,
    /// `context.Variables`: case-sensitive names, values of any type, shared by reference.
    pub variables: Variables,
    pub api: Option<Arc<Api>>,
    pub operation: Option<Arc<Operation>>,
    pub product: Option<Arc<Product>>,
    pub subscription: Option<Arc<Subscription>>,
    pub user: Option<Arc<User>>,
    pub deployment: Arc<Deployment>,
    pub last_error: Option<Arc<LastError>>,
    /// `context.GraphQL`: set only while a GraphQL resolver runs.
    pub graphql: Option<Arc<GraphQl>>,
    pub request_id: [u8; 16],
    pub timestamp: DateTime,
    pub elapsed: TimeSpan,
    pub tracing: bool,
    /// Messages passed to `context.Trace(…)`.
    pub trace: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            request: Arc::new(Request::default()),
            response: Arc::new(Response::default()),
            variables: Variables::default(),
            api: None,
            operation: None,
            product: None,
            subscription: None,
            user: None,
            deployment: Arc::new(Deployment::default()),
            last_error: None,
            graphql: None,
            request_id: [0; 16],
            timestamp: DateTime {
                ticks: 0,
                kind: crate::net::time::Kind::Utc,
            },
            elapsed: TimeSpan(0),
            tracing: false,
            trace: Arc::default(),
        }
    }
}
