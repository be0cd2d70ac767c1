//! A request's `context` described as JSON, for tests, `gatehouse test`, and the C# oracle (which
//! reads the same file into its model of `context`).
//!
//! ```json
//! {
//!   "request": { "method": "POST", "url": "https://api.example.com/orders/42?a=1",
//!                "headers": { "X-Id": ["abc"] }, "body": "{\"n\":1}", "ipAddress": "10.0.0.1",
//!                "matchedParameters": { "id": "42" }, "certificate": "<base64 DER of the client's>" },
//!   "response": { "statusCode": 200, "statusReason": "OK", "headers": {}, "body": "" },
//!   "variables": { "count": { "type": "int", "value": 5 } },
//!   "api": { "id": "orders", "name": "Orders", "path": "orders", "serviceUrl": "https://backend/" },
//!   "requestId": "…", "timestamp": "2024-05-06T07:08:09Z"
//! }
//! ```
//!
//! Variables carry their .NET type: `string`, `int`, `long`, `bool`, `double`, `decimal`,
//! `Guid`, `DateTime`, `string[]`, `JObject`, `JArray`, `IResponse`.

use std::sync::Arc;

use indexmap::IndexMap;

use crate::context::{self, Body, Context, Multimap, Request, Response, Url};
use crate::json::{self, JData, JToken, JValue};
use crate::net::time::{self, DateTime, Kind, TimeSpan};
use crate::types::EnumKind;
use crate::value::{Str, Value, new_str};

/// Reads a fixture. Missing parts get the defaults of [`Context::default`].
pub fn context_from_json(text: &str) -> Result<Context, String> {
    let root = json::parse(text, false).map_err(|e| format!("fixture is not valid JSON: {e}"))?;
    let mut context = Context::default();
    if let Some(request) = json::get(&root, "request") {
        context.request = Arc::new(request_of(&request)?);
    }
    if let Some(response) = json::get(&root, "response") {
        context.response = Arc::new(response_of(&response)?);
    }
    if let Some(variables) = json::get(&root, "variables") {
        for property in json::children(&variables) {
            let name = json::property_name(&property).unwrap_or_default();
            let value = json::property_value(&property).ok_or("variable without a value")?;
            context.variables.insert(
                name.clone(),
                variable(&value).map_err(|e| format!("variable `{name}`: {e}"))?,
            );
        }
    }
    if let Some(api) = json::get(&root, "api") {
        context.api = Some(Arc::new(api_of(&api)));
    }
    if let Some(operation) = json::get(&root, "operation") {
        context.operation = Some(Arc::new(context::Operation {
            id: text_of(&operation, "id"),
            method: text_of(&operation, "method"),
            name: text_of(&operation, "name"),
            url_template: text_of(&operation, "urlTemplate"),
        }));
    }
    if let Some(product) = json::get(&root, "product") {
        context.product = Some(Arc::new(context::Product {
            id: text_of(&product, "id"),
            name: text_of(&product, "name"),
            approval_required: bool_of(&product, "approvalRequired").unwrap_or(false),
            subscription_required: bool_of(&product, "subscriptionRequired").unwrap_or(true),
            subscription_limit: json::get(&product, "subscriptionLimit")
                .and_then(|v| integer(&v))
                .and_then(|v| i32::try_from(v).ok()),
            state: text_of(&product, "state"),
            groups: groups(&product),
            apis: list_of(&product, "apis", api_of),
        }));
    }
    if let Some(subscription) = json::get(&root, "subscription") {
        context.subscription = Some(Arc::new(context::Subscription {
            id: text_of(&subscription, "id"),
            key: text_of(&subscription, "key"),
            name: text_of(&subscription, "name"),
            primary_key: text_of(&subscription, "primaryKey"),
            secondary_key: text_of(&subscription, "secondaryKey"),
            created_date: date_of(&subscription, "createdDate"),
            start_date: date_of(&subscription, "startDate"),
            end_date: date_of(&subscription, "endDate"),
        }));
    }
    if let Some(user) = json::get(&root, "user") {
        context.user = Some(Arc::new(context::User {
            id: text_of(&user, "id"),
            email: text_of(&user, "email"),
            first_name: text_of(&user, "firstName"),
            last_name: text_of(&user, "lastName"),
            note: text_of(&user, "note"),
            registration_date: date_of(&user, "registrationDate"),
            groups: groups(&user),
            identities: list_of(&user, "identities", |identity| context::UserIdentity {
                id: text_of(identity, "id"),
                provider: text_of(identity, "provider"),
            }),
        }));
    }
    if let Some(deployment) = json::get(&root, "deployment") {
        let gateway_id = text_of(&deployment, "gatewayId");
        // `Gateway.Id` is `gatewayId`; without `gateway.isManaged`, "managed" says it.
        let gateway = json::get(&deployment, "gateway");
        let carbon = json::get(&deployment, "carbonIntensity").and_then(|v| string_value(&v));
        context.deployment = Arc::new(context::Deployment {
            gateway_instance_id: gateway
                .as_ref()
                .map(|g| text_of(g, "instanceId"))
                .unwrap_or_default(),
            gateway_is_managed: gateway
                .as_ref()
                .and_then(|g| bool_of(g, "isManaged"))
                .unwrap_or(&*gateway_id == "managed"),
            gateway_id,
            region: text_of(&deployment, "region"),
            service_name: text_of(&deployment, "serviceName"),
            service_id: text_of(&deployment, "serviceId"),
            carbon_intensity: carbon
                .and_then(|name| EnumKind::CarbonIntensityCategory.value_of(&name))
                .unwrap_or(0),
        });
    }
    if let Some(error) = json::get(&root, "lastError") {
        let field = |name: &str| json::get(&error, name).and_then(|v| string_value(&v));
        context.last_error = Some(Arc::new(context::LastError {
            source: field("source"),
            reason: field("reason"),
            message: field("message"),
            scope: field("scope"),
            section: field("section"),
            path: field("path"),
            policy_id: field("policyId"),
        }));
    }
    if let Some(graphql) = json::get(&root, "graphql") {
        // Each object is parsed again from text, so that the context owns its own tokens.
        let object = |name: &str| -> Result<JToken, String> {
            let text = json::get(&graphql, name)
                .map_or_else(|| "{}".to_owned(), |v| json::write_string(&v, false));
            json::parse(&text, true).map_err(|e| format!("graphql.{name}: {e}"))
        };
        context.graphql = Some(Arc::new(context::GraphQl {
            arguments: object("arguments")?,
            parent: object("parent")?,
        }));
    }
    if let Some(id) = json::get(&root, "requestId").and_then(|v| string_value(&v)) {
        context.request_id = crate::net::guid::parse(&id).ok_or("requestId is not a GUID")?;
    }
    if let Some(timestamp) = date_of(&root, "timestamp") {
        context.timestamp = timestamp;
    }
    if let Some(elapsed) = json::get(&root, "elapsedMilliseconds").and_then(|v| integer(&v)) {
        context.elapsed = TimeSpan(elapsed * time::TICKS_PER_MILLISECOND);
    }
    context.tracing = bool_of(&root, "tracing").unwrap_or(false);
    Ok(context)
}

fn string_value(token: &JToken) -> Option<Str> {
    match token.value()? {
        JValue::String(s) => Some(s),
        _ => None,
    }
}

fn text_of(token: &JToken, name: &str) -> Str {
    json::get(token, name)
        .and_then(|v| string_value(&v))
        .unwrap_or_else(crate::value::empty_str)
}

fn bool_of(token: &JToken, name: &str) -> Option<bool> {
    match json::get(token, name)?.value()? {
        JValue::Boolean(b) => Some(b),
        _ => None,
    }
}

fn integer(token: &JToken) -> Option<i64> {
    match token.value()? {
        JValue::Integer(i) => Some(i),
        _ => None,
    }
}

fn strings(token: &JToken, name: &str) -> Vec<Str> {
    json::get(token, name)
        .map(|list| {
            json::children(&list)
                .iter()
                .filter_map(string_value)
                .collect()
        })
        .unwrap_or_default()
}

fn date_of(token: &JToken, name: &str) -> Option<DateTime> {
    let text = json::get(token, name).and_then(|v| string_value(&v))?;
    let parsed = time::parse_date(&text)?;
    Some(DateTime {
        ticks: parsed.ticks
            - i64::from(parsed.offset_minutes.unwrap_or(0)) * time::TICKS_PER_MINUTE,
        kind: Kind::Utc,
    })
}

/// `{"accessToken": "…", "claims": {"scope": "repo", "expires_in": 3600}}`: claims become
/// what `JValue.Value` gives in .NET (`string`, `long`, `double`, `bool`, or null).
fn authorization_of(token: &JToken) -> Result<Value, String> {
    let mut claims = Vec::new();
    if let Some(object) = json::get(token, "claims") {
        for property in json::children(&object) {
            let name = json::property_name(&property).unwrap_or_default();
            let value = json::property_value(&property).ok_or("claim without a value")?;
            let value = match value.value() {
                Some(JValue::String(s)) => Value::String(s),
                Some(JValue::Integer(i)) => Value::Int64(i),
                Some(JValue::Float(f)) => Value::Double(f),
                Some(JValue::Boolean(b)) => Value::Bool(b),
                Some(JValue::Null) => Value::Null,
                _ => {
                    return Err(format!(
                        "claim `{name}`: only strings, numbers, booleans and null"
                    ));
                }
            };
            claims.push((Str::from(name.as_ref()), value));
        }
    }
    Ok(Value::object(crate::value::Object::Authorization(
        Arc::new(crate::value::AuthorizationData {
            access_token: text_of(token, "accessToken"),
            claims,
        }),
    )))
}

fn api_of(api: &JToken) -> context::Api {
    context::Api {
        id: text_of(api, "id"),
        name: text_of(api, "name"),
        path: text_of(api, "path"),
        protocols: strings(api, "protocols"),
        service_url: Arc::new(Url::parse(&text_of(api, "serviceUrl")).unwrap_or_default()),
        subscription_key_header: text_of(api, "subscriptionKeyHeader"),
        subscription_key_query: text_of(api, "subscriptionKeyQuery"),
        is_current_revision: bool_of(api, "isCurrentRevision").unwrap_or(true),
        revision: text_of(api, "revision"),
        version: json::get(api, "version").and_then(|v| string_value(&v)),
    }
}

fn groups(token: &JToken) -> Vec<Arc<context::Group>> {
    list_of(token, "groups", |g| context::Group {
        id: text_of(g, "id"),
        name: text_of(g, "name"),
    })
}

/// The objects of the array `name` of `token`, each read by `item`; none when it is absent.
fn list_of<T>(token: &JToken, name: &str, item: impl Fn(&JToken) -> T) -> Vec<Arc<T>> {
    json::get(token, name)
        .map(|list| {
            json::children(&list)
                .iter()
                .map(|element| Arc::new(item(element)))
                .collect()
        })
        .unwrap_or_default()
}

fn headers(token: &JToken, name: &str, case_sensitive: bool) -> Result<Multimap, String> {
    let mut map = if case_sensitive {
        Multimap::case_sensitive()
    } else {
        Multimap::headers()
    };
    let Some(object) = json::get(token, name) else {
        return Ok(map);
    };
    for property in json::children(&object) {
        let key = json::property_name(&property).unwrap_or_default();
        let value = json::property_value(&property).ok_or("header without values")?;
        match &*value.read() {
            JData::Array(items) => {
                for item in items {
                    map.append(
                        &key,
                        &string_value(item).ok_or("header values must be strings")?,
                    );
                }
            }
            JData::Value(JValue::String(s)) => map.append(&key, s),
            _ => {
                return Err(format!(
                    "header `{key}` must be a string or an array of strings"
                ));
            }
        }
    }
    Ok(map)
}

fn body(token: &JToken) -> Option<Arc<Body>> {
    let body = json::get(token, "body")?;
    match body.value()? {
        JValue::String(s) => Some(Arc::new(Body::new(s.as_bytes().to_vec()))),
        JValue::Null => None,
        _ => Some(Arc::new(Body::new(
            json::write_string(&body, false).into_bytes(),
        ))),
    }
    .or_else(|| {
        body.is_container()
            .then(|| Arc::new(Body::new(json::write_string(&body, false).into_bytes())))
    })
}

fn request_of(token: &JToken) -> Result<Request, String> {
    let url_text = text_of(token, "url");
    let url = Arc::new(if url_text.is_empty() {
        Url::default()
    } else {
        Url::parse(&url_text)
            .ok_or_else(|| format!("request url `{url_text}` is not an absolute URL"))?
    });
    let original = match json::get(token, "originalUrl").and_then(|v| string_value(&v)) {
        Some(text) => Arc::new(Url::parse(&text).ok_or("originalUrl is not an absolute URL")?),
        None => Arc::clone(&url),
    };
    let mut matched = IndexMap::new();
    if let Some(parameters) = json::get(token, "matchedParameters") {
        for property in json::children(&parameters) {
            let name = json::property_name(&property).unwrap_or_default();
            let value = json::property_value(&property)
                .and_then(|v| string_value(&v))
                .unwrap_or_else(crate::value::empty_str);
            matched.insert(Str::from(name), value);
        }
    }
    Ok(Request {
        method: {
            let method = text_of(token, "method");
            if method.is_empty() {
                Str::from("GET")
            } else {
                method
            }
        },
        url,
        original_url: original,
        headers: Arc::new(headers(token, "headers", false)?),
        body: body(token),
        ip_address: text_of(token, "ipAddress"),
        matched_parameters: Arc::new(matched),
        certificate: match json::get(token, "certificate").and_then(|v| string_value(&v)) {
            Some(text) => {
                let der =
                    crate::net::base64::decode(&text).ok_or("request certificate is not base64")?;
                Some(Arc::new(crate::net::certificate::parse(&der).map_err(
                    |e| format!("request certificate is not an X.509 certificate: {e}"),
                )?))
            }
            None => None,
        },
        private_endpoint_connection: json::get(token, "privateEndpointConnection").map(
            |connection| {
                Arc::new(context::PrivateEndpointConnection {
                    name: text_of(&connection, "name"),
                    group_id: text_of(&connection, "groupId"),
                    member_name: text_of(&connection, "memberName"),
                })
            },
        ),
    })
}

fn response_of(token: &JToken) -> Result<Response, String> {
    Ok(Response {
        status_code: json::get(token, "statusCode")
            .and_then(|v| integer(&v))
            .and_then(|v| i32::try_from(v).ok())
            .unwrap_or(200),
        status_reason: {
            let reason = text_of(token, "statusReason");
            if reason.is_empty() {
                Str::from("OK")
            } else {
                reason
            }
        },
        headers: Arc::new(headers(token, "headers", false)?),
        body: body(token),
    })
}

fn variable(token: &JToken) -> Result<Value, String> {
    let kind = text_of(token, "type");
    let value = json::get(token, "value").ok_or("missing `value`")?;
    let scalar = value.value();
    Ok(match (&*kind, scalar) {
        ("string", Some(JValue::String(s))) => Value::String(s),
        ("string", Some(JValue::Null)) => Value::Null,
        ("int", Some(JValue::Integer(i))) => {
            Value::Int32(i32::try_from(i).map_err(|_| "int out of range")?)
        }
        ("long", Some(JValue::Integer(i))) => Value::Int64(i),
        ("bool", Some(JValue::Boolean(b))) => Value::Bool(b),
        ("double", Some(JValue::Float(f))) => Value::Double(f),
        ("double", Some(JValue::Integer(i))) => Value::Double(i as f64),
        ("decimal", Some(JValue::String(s))) => {
            Value::Decimal(s.parse().map_err(|_| "bad decimal")?)
        }
        ("Guid", Some(JValue::String(s))) => {
            Value::Guid(crate::net::guid::parse(&s).ok_or("bad GUID")?)
        }
        ("DateTime", Some(JValue::String(s))) => {
            let parsed = time::parse_date(&s).ok_or("bad date")?;
            Value::DateTime(DateTime {
                ticks: parsed.ticks
                    - i64::from(parsed.offset_minutes.unwrap_or(0)) * time::TICKS_PER_MINUTE,
                kind: if parsed.offset_minutes.is_some() {
                    Kind::Utc
                } else {
                    Kind::Unspecified
                },
            })
        }
        ("string[]", None) => {
            Value::string_array(json::children(&value).iter().filter_map(string_value))
        }
        ("JObject" | "JArray" | "JToken", _) => {
            // Parsed again from text, as a policy that stored `JObject.Parse(…)` would have.
            let text = json::write_string(&value, false);
            Value::Json(json::parse(&text, true).map_err(|e| e.to_string())?)
        }
        ("IResponse", _) => Value::object(crate::value::Object::Response(Arc::new(response_of(
            &value,
        )?))),
        ("Authorization", _) => authorization_of(&value)?,
        (other, _) => return Err(format!("unsupported variable type or value for `{other}`")),
    })
}

#[allow(dead_code, reason = "kept for fixture helpers that build strings")]
fn text_value(text: &str) -> Value {
    new_str(text)
}
