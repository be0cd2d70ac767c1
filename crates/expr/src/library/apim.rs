//! The `context` object and APIM's extension methods (`GetValueOrDefault`, `AsJwt`,
//! `AsBasic`). Everything here is read-only: expressions change nothing on the request.

use std::sync::{Arc, RwLock};

use indexmap::IndexMap;

use super::{Call, Owner, Registry};
use crate::context::{self, Multimap};
use crate::eval::{Cx, Fault};
use crate::json::{self, JData, JValue};
use crate::net::time::{DateTime, Kind, TICKS_PER_SECOND, UNIX_EPOCH_TICKS};
use crate::types::{Class, EnumKind, Generic, Type};
use crate::value::{JwtData, Object, Str, Value, empty_str, new_str};

type R = Result<Value, Fault>;

fn object_of<'c>(call: &'c Call<'_>) -> Result<&'c Object, Fault> {
    match &call.this {
        Value::Object(object) => Ok(object),
        Value::Null => Err(crate::eval::null_reference(call.span)),
        _ => Err(call.internal("not an APIM object")),
    }
}

fn text(value: &Str) -> Value {
    Value::String(Arc::clone(value))
}

fn opt_text(value: Option<&Str>) -> Value {
    value.map_or(Value::Null, text)
}

fn opt_date(value: Option<DateTime>) -> Value {
    value.map_or(Value::Null, Value::DateTime)
}

fn arc_value<T>(value: Option<&Arc<T>>, wrap: fn(Arc<T>) -> Object) -> Value {
    value.map_or(Value::Null, |v| Value::object(wrap(Arc::clone(v))))
}

fn multimap(map: &Arc<Multimap>) -> Value {
    Value::object(Object::Multimap(Arc::clone(map)))
}

fn url(value: &Arc<context::Url>) -> Value {
    Value::object(Object::Url(Arc::clone(value)))
}

/// An `IEnumerable<…>` of context objects (groups, APIs, identities).
fn object_array<T>(class: Class, items: &[Arc<T>], object: fn(Arc<T>) -> Object) -> Value {
    Value::array(
        Type::Class(class),
        items
            .iter()
            .map(|item| Value::object(object(Arc::clone(item))))
            .collect(),
    )
}

fn groups(groups: &[Arc<context::Group>]) -> Value {
    object_array(Class::UserGroup, groups, Object::UserGroup)
}

/// `IRequest.Body`/`IResponse.Body`: null when the message has no body, and also once a read
/// without `preserveContent` consumed it. set-body-policy.md: the body is lost and accessing
/// it later "will result in an exception"; a second `context.Request.Body.As<XElement>()…`
/// reported from APIM failed with "Object reference not set to an instance of an object",
/// which a null `Body` gives and an empty one would not (that is an `XmlException`).
fn message_body(body: Option<&Arc<context::Body>>) -> Value {
    body.filter(|b| !b.is_consumed())
        .map_or(Value::Null, |b| Value::object(Object::Body(Arc::clone(b))))
}

/// `IMessageBody.As<T>(preserveContent)`. An `IMessageBody` kept from before the body was
/// consumed reads as no body: null.
fn body_as(
    cx: &mut Cx<'_>,
    call: &Call<'_>,
    body: &context::Body,
    target: &Type,
    preserve: bool,
) -> R {
    if body.is_consumed() {
        return Ok(Value::Null);
    }
    let bytes = body.read(!preserve);
    cx.charge_bytes(bytes.len() * 2, call.span)?;
    let as_text = || {
        let text = String::from_utf8_lossy(bytes);
        text.strip_prefix('\u{feff}')
            .map_or_else(|| text.to_string(), str::to_owned)
    };
    match target {
        Type::String => Ok(new_str(as_text())),
        Type::Array(element) if **element == Type::Byte => Ok(Value::bytes(bytes.to_vec())),
        Type::Class(class @ (Class::JObject | Class::JArray | Class::JToken)) => {
            let token = super::json::parse_json(cx, &as_text(), call.span)?;
            let actual = crate::value::json_class(&token);
            if *class != Class::JToken && actual != *class {
                return Err(call.throw(
                    Class::JsonReaderException,
                    format!("Error reading {} from JsonReader. Current JsonReader item is not {}.", class.name(), if *class == Class::JObject { "an object" } else { "an array" }),
                ));
            }
            Ok(Value::Json(token))
        }
        Type::Class(class @ (Class::XDocument | Class::XElement | Class::XNode)) => {
            let document = crate::xml::parse(&as_text()).map_err(|e| call.throw(Class::XmlException, e.0))?;
            Ok(Value::object(Object::Xml(match (class, document) {
                (Class::XElement, crate::xml::XNode::Document(Some(root))) => crate::xml::XNode::Element(root),
                (_, other) => other,
            })))
        }
        other => Err(call.throw(
            Class::NotSupportedException,
            format!("The body cannot be read as {}: use string, byte[], JObject, JArray, JToken, XDocument, XElement or XNode.", super::type_full_name(other)),
        )),
    }
}

/// `AsFormUrlEncodedContent`: `a=1&b=2&a=3` as `{a: [1, 3], b: [2]}`.
fn form_data(text: &str) -> IndexMap<Str, Vec<Str>> {
    let mut map: IndexMap<Str, Vec<Str>> = IndexMap::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = Str::from(crate::net::uri::unescape(name, true));
        map.entry(name)
            .or_default()
            .push(Str::from(crate::net::uri::unescape(value, true)));
    }
    map
}

/// `AsFormUrlEncodedContent()`: a dictionary whose values are list objects of their own, so
/// that `form["name"].Add(value)` changes the form, as it does in .NET.
fn form_dictionary(form: IndexMap<Str, Vec<Str>>) -> Value {
    let entries = form
        .into_iter()
        .map(|(name, values)| {
            let key = Value::String(name);
            let list = Value::object(Object::List {
                element: Type::String,
                items: RwLock::new(values.into_iter().map(Value::String).collect()),
            });
            (super::core::dict_key(&key, false), (key, list))
        })
        .collect();
    Value::object(Object::Dictionary {
        key: Type::String,
        value: Type::Generic(Generic::IList, vec![Type::String]),
        entries: RwLock::new(entries),
        ignore_case: false,
    })
}

/// `ToFormUrlEncodedContent()`: `name=value` pairs joined by `&`, one per value, in order.
/// Encoded as .NET's `FormUrlEncodedContent` does: `Uri.EscapeDataString`, then `%20` as `+`.
fn form_text(pairs: &[(String, String)]) -> String {
    let encode = |text: &str| crate::net::uri::escape_data_string(text).replace("%20", "+");
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    while !standard.len().is_multiple_of(4) {
        standard.push('=');
    }
    crate::net::base64::decode(&standard)
}

fn claim_values(value: &json::JToken) -> Vec<Str> {
    match &*value.read() {
        JData::Array(items) => items.iter().flat_map(claim_values).collect(),
        JData::Value(JValue::String(s)) => vec![Arc::clone(s)],
        JData::Value(JValue::Null) => Vec::new(),
        JData::Value(other) => {
            let mut out = String::new();
            json::write::write_value(&mut out, other);
            vec![Str::from(out.trim_matches('"'))]
        }
        _ => vec![Str::from(json::write_string(value, false))],
    }
}

fn unix_time(value: Option<json::JToken>) -> Option<DateTime> {
    let seconds = match value?.value()? {
        JValue::Integer(i) => i,
        JValue::Float(f) => f as i64,
        JValue::String(s) => s.parse().ok()?,
        _ => return None,
    };
    let ticks = seconds
        .checked_mul(TICKS_PER_SECOND)?
        .checked_add(UNIX_EPOCH_TICKS)?;
    crate::net::time::in_range(ticks).then_some(DateTime {
        ticks,
        kind: Kind::Utc,
    })
}

/// Decodes a JWT's header and payload without validating it (APIM's `AsJwt`).
pub(crate) fn parse_jwt(token: &str) -> Option<JwtData> {
    let token = token.trim();
    let token = token
        .strip_prefix("Bearer ")
        .or_else(|| token.strip_prefix("bearer "))
        .unwrap_or(token)
        .trim();
    let mut parts = token.split('.');
    let header = parts.next()?;
    let payload = parts.next()?;
    let header = json::parse(&String::from_utf8(base64url_decode(header)?).ok()?, false).ok()?;
    let payload = json::parse(&String::from_utf8(base64url_decode(payload)?).ok()?, false).ok()?;
    if !matches!(&*header.read(), JData::Object(_)) || !matches!(&*payload.read(), JData::Object(_))
    {
        return None;
    }
    let string = |token: &json::JToken, name: &str| {
        json::get(token, name).and_then(|v| claim_values(&v).into_iter().next())
    };
    let mut claims = Multimap::case_sensitive();
    for property in json::children(&payload) {
        let name = json::property_name(&property).unwrap_or_default();
        let values = json::property_value(&property)
            .map(|v| claim_values(&v))
            .unwrap_or_default();
        claims.set(&name, values);
    }
    Some(JwtData {
        id: string(&payload, "jti"),
        algorithm: string(&header, "alg"),
        issuer: string(&payload, "iss"),
        subject: string(&payload, "sub"),
        token_type: string(&header, "typ"),
        audiences: json::get(&payload, "aud")
            .map(|v| claim_values(&v))
            .unwrap_or_default(),
        claims: Arc::new(claims),
        expiration_time: unix_time(json::get(&payload, "exp")),
        not_before: unix_time(json::get(&payload, "nbf")),
        issued_at: unix_time(json::get(&payload, "iat")),
    })
}

/// Decodes an `Authorization: Basic …` value (APIM's `AsBasic`).
fn parse_basic(value: &str) -> Option<(Str, Str)> {
    let value = value.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let bytes = crate::net::base64::decode(encoded.trim())?;
    let decoded: String = bytes.iter().map(|b| char::from(*b)).collect();
    let (user, password) = decoded.split_once(':')?;
    Some((Str::from(user), Str::from(password)))
}

fn jwt_of<'c>(call: &'c Call<'_>) -> Result<&'c Arc<JwtData>, Fault> {
    match object_of(call)? {
        Object::Jwt(jwt) => Ok(jwt),
        _ => Err(call.internal("not a Jwt")),
    }
}

/// `context.Variables`: one shared marker object; its members read the request's variables.
fn variables_value() -> Value {
    static VARIABLES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    VARIABLES
        .get_or_init(|| Value::object(Object::Variables))
        .clone()
}

/// `context.Request.X` and `context.Response.X` in one step (see the checker).
pub(crate) fn fused_context_member(part: &str, member: &str) -> Option<super::NativeFn> {
    Some(match (part, member) {
        ("Request", "Headers") => |cx, _| Ok(multimap(&cx.context.request.headers)),
        ("Request", "Method") => |cx, _| Ok(text(&cx.context.request.method)),
        ("Request", "Url") => |cx, _| Ok(url(&cx.context.request.url)),
        ("Request", "OriginalUrl") => |cx, _| Ok(url(&cx.context.request.original_url)),
        ("Request", "IpAddress") => |cx, _| Ok(text(&cx.context.request.ip_address)),
        ("Request", "MatchedParameters") => |cx, _| {
            Ok(Value::object(Object::MatchedParameters(Arc::clone(
                &cx.context.request.matched_parameters,
            ))))
        },
        ("Request", "Body") => |cx, _| Ok(message_body(cx.context.request.body.as_ref())),
        ("Response", "Headers") => |cx, _| Ok(multimap(&cx.context.response.headers)),
        ("Response", "StatusCode") => |cx, _| Ok(Value::Int32(cx.context.response.status_code)),
        ("Response", "StatusReason") => |cx, _| Ok(text(&cx.context.response.status_reason)),
        ("Response", "Body") => |cx, _| Ok(message_body(cx.context.response.body.as_ref())),
        _ => return None,
    })
}

/// `context.Variables[name]` in one step: `KeyNotFoundException` when there is no such
/// variable, as for any .NET dictionary.
pub(crate) fn fused_variable_lookup(cx: &mut Cx<'_>, c: &mut Call<'_>) -> R {
    let Value::String(name) = c.arg(0) else {
        return Err(c.null_argument("key"));
    };
    cx.context.variables.get(&**name).cloned().ok_or_else(|| {
        c.throw(
            Class::KeyNotFoundException,
            format!("The given key '{name}' was not present in the dictionary."),
        )
    })
}

/// `context.Request.Headers.GetValueOrDefault(name[, default])` in one step; the arguments
/// are the name and the default (null when not given).
pub(crate) fn fused_header_lookup(part: &str) -> Option<super::NativeFn> {
    Some(match part {
        "Request.Headers" => |cx, c| lookup_header(&cx.context.request.headers, c),
        "Response.Headers" => |cx, c| lookup_header(&cx.context.response.headers, c),
        _ => return None,
    })
}

fn lookup_header(map: &Multimap, c: &Call<'_>) -> R {
    let Value::String(name) = c.arg(0) else {
        return Err(c.null_argument("name"));
    };
    Ok(match map.get(name) {
        Some([single]) => Value::String(Arc::clone(single)),
        Some(values) => new_str(values.iter().map(|v| &**v).collect::<Vec<_>>().join(",")),
        None => c.arg(1).clone(),
    })
}

macro_rules! text_properties {
    ($registry:ident, $owner:expr, $variant:ident: $( $name:literal => $field:ident ),* $(,)?) => {
        $(
            $registry.property($owner, $name, "string", |_, c| match object_of(c)? {
                Object::$variant(value) => Ok(text(&value.$field)),
                _ => Err(c.internal(concat!("not an ", stringify!($variant)))),
            });
        )*
    };
}

macro_rules! optional_text_properties {
    ($registry:ident, $owner:expr, $variant:ident: $( $name:literal => $field:ident ),* $(,)?) => {
        $(
            $registry.property($owner, $name, "string", |_, c| match object_of(c)? {
                Object::$variant(value) => Ok(opt_text(value.$field.as_ref())),
                _ => Err(c.internal(concat!("not an ", stringify!($variant)))),
            });
        )*
    };
}

pub(super) fn register(r: &mut Registry) {
    // ----- context
    let context = Owner::Class(Class::Context);
    r.property(context, "Request", "IRequest", |cx, _| {
        Ok(Value::object(Object::Request(Arc::clone(
            &cx.context.request,
        ))))
    });
    r.property(context, "Response", "IResponse", |cx, _| {
        Ok(Value::object(Object::Response(Arc::clone(
            &cx.context.response,
        ))))
    });
    r.property(
        context,
        "Variables",
        "IReadOnlyDictionary<string, object>",
        |_, _| Ok(variables_value()),
    );
    r.property(context, "Api", "IApi", |cx, _| {
        Ok(arc_value(cx.context.api.as_ref(), Object::Api))
    });
    r.property(context, "Operation", "IOperation", |cx, _| {
        Ok(arc_value(cx.context.operation.as_ref(), Object::Operation))
    });
    r.property(context, "Product", "IProduct", |cx, _| {
        Ok(arc_value(cx.context.product.as_ref(), Object::Product))
    });
    r.property(context, "Subscription", "ISubscription", |cx, _| {
        Ok(arc_value(
            cx.context.subscription.as_ref(),
            Object::Subscription,
        ))
    });
    r.property(context, "User", "IUser", |cx, _| {
        Ok(arc_value(cx.context.user.as_ref(), Object::User))
    });
    r.property(context, "Deployment", "IDeployment", |cx, _| {
        Ok(Value::object(Object::Deployment(Arc::clone(
            &cx.context.deployment,
        ))))
    });
    r.property(context, "LastError", "ILastError", |cx, _| {
        Ok(arc_value(cx.context.last_error.as_ref(), Object::LastError))
    });
    // Null outside a GraphQL resolver.
    r.property(context, "GraphQL", "IGraphQLContext", |cx, _| {
        Ok(arc_value(cx.context.graphql.as_ref(), Object::GraphQl))
    });
    r.property(context, "RequestId", "Guid", |cx, _| {
        Ok(Value::Guid(cx.context.request_id))
    });
    r.property(context, "Timestamp", "DateTime", |cx, _| {
        Ok(Value::DateTime(cx.context.timestamp))
    });
    r.property(context, "Elapsed", "TimeSpan", |cx, _| {
        Ok(Value::TimeSpan(cx.context.elapsed))
    });
    r.property(context, "Tracing", "bool", |cx, _| {
        Ok(Value::Bool(cx.context.tracing))
    });
    r.method(context, "Trace", "(string message) -> void", |cx, c| {
        let message = c.opt_string(0).map_or_else(String::new, |s| s.to_string());
        crate::value::lock(&cx.context.trace).push(message);
        Ok(Value::Null)
    });

    // ----- request and response
    let request = Owner::Class(Class::Request);
    let request_of = |c: &Call<'_>| -> Result<Arc<context::Request>, Fault> {
        match object_of(c)? {
            Object::Request(request) => Ok(Arc::clone(request)),
            _ => Err(c.internal("not an IRequest")),
        }
    };
    let _ = request_of;
    r.property(request, "Method", "string", |_, c| match object_of(c)? {
        Object::Request(request) => Ok(text(&request.method)),
        _ => Err(c.internal("not an IRequest")),
    });
    r.property(request, "Url", "IUrl", |_, c| match object_of(c)? {
        Object::Request(request) => Ok(url(&request.url)),
        _ => Err(c.internal("not an IRequest")),
    });
    r.property(request, "OriginalUrl", "IUrl", |_, c| match object_of(c)? {
        Object::Request(request) => Ok(url(&request.original_url)),
        _ => Err(c.internal("not an IRequest")),
    });
    r.property(
        request,
        "Headers",
        "IReadOnlyDictionary<string, string[]>",
        |_, c| match object_of(c)? {
            Object::Request(request) => Ok(multimap(&request.headers)),
            _ => Err(c.internal("not an IRequest")),
        },
    );
    r.property(request, "Body", "IMessageBody", |_, c| {
        match object_of(c)? {
            Object::Request(request) => Ok(message_body(request.body.as_ref())),
            _ => Err(c.internal("not an IRequest")),
        }
    });
    r.property(request, "IpAddress", "string", |_, c| match object_of(c)? {
        Object::Request(request) => Ok(text(&request.ip_address)),
        _ => Err(c.internal("not an IRequest")),
    });
    r.property(
        request,
        "MatchedParameters",
        "IReadOnlyDictionary<string, string>",
        |_, c| match object_of(c)? {
            Object::Request(request) => Ok(Value::object(Object::MatchedParameters(Arc::clone(
                &request.matched_parameters,
            )))),
            _ => Err(c.internal("not an IRequest")),
        },
    );
    r.property(
        request,
        "Certificate",
        "X509Certificate2",
        |_, c| match object_of(c)? {
            Object::Request(request) => Ok(request
                .certificate
                .as_ref()
                .map_or(Value::Null, |certificate| {
                    Value::object(Object::X509Certificate(Arc::clone(certificate)))
                })),
            _ => Err(c.internal("not an IRequest")),
        },
    );
    r.property(
        request,
        "PrivateEndpointConnection",
        "IPrivateEndpointConnection",
        |_, c| match object_of(c)? {
            Object::Request(request) => Ok(request
                .private_endpoint_connection
                .as_ref()
                .map_or(Value::Null, |p| {
                    Value::object(Object::PrivateEndpointConnection(Arc::clone(p)))
                })),
            _ => Err(c.internal("not an IRequest")),
        },
    );
    let connection = Owner::Class(Class::PrivateEndpointConnection);
    text_properties!(r, connection, PrivateEndpointConnection: "Name" => name, "GroupId" => group_id, "MemberName" => member_name);
    let response = Owner::Class(Class::Response);
    r.property(response, "StatusCode", "int", |_, c| match object_of(c)? {
        Object::Response(response) => Ok(Value::Int32(response.status_code)),
        _ => Err(c.internal("not an IResponse")),
    });
    r.property(
        response,
        "StatusReason",
        "string",
        |_, c| match object_of(c)? {
            Object::Response(response) => Ok(text(&response.status_reason)),
            _ => Err(c.internal("not an IResponse")),
        },
    );
    r.property(
        response,
        "Headers",
        "IReadOnlyDictionary<string, string[]>",
        |_, c| match object_of(c)? {
            Object::Response(response) => Ok(multimap(&response.headers)),
            _ => Err(c.internal("not an IResponse")),
        },
    );
    r.property(response, "Body", "IMessageBody", |_, c| {
        match object_of(c)? {
            Object::Response(response) => Ok(message_body(response.body.as_ref())),
            _ => Err(c.internal("not an IResponse")),
        }
    });

    // ----- body
    let body = Owner::Class(Class::MessageBody);
    r.method(
        body,
        "As",
        "<T>(bool preserveContent = false) -> T",
        |cx, c| match object_of(c)? {
            Object::Body(body) => {
                let body = Arc::clone(body);
                let preserve = c.boolean(0).unwrap_or(false);
                let target = c.type_arg(0).clone();
                body_as(cx, c, &body, &target, preserve)
            }
            _ => Err(c.internal("not an IMessageBody")),
        },
    );
    r.method(
        body,
        "AsFormUrlEncodedContent",
        "(bool preserveContent = false) -> IDictionary<string, IList<string>>",
        |_, c| match object_of(c)? {
            Object::Body(body) if body.is_consumed() => Ok(Value::Null),
            Object::Body(body) => {
                let preserve = c.boolean(0).unwrap_or(false);
                let text = String::from_utf8_lossy(body.read(!preserve)).into_owned();
                Ok(form_dictionary(form_data(&text)))
            }
            _ => Err(c.internal("not an IMessageBody")),
        },
    );

    // ----- url
    let url_owner = Owner::Class(Class::Url);
    r.property(url_owner, "Scheme", "string", |_, c| match object_of(c)? {
        Object::Url(url) => Ok(text(&url.scheme)),
        _ => Err(c.internal("not an IUrl")),
    });
    r.property(url_owner, "Host", "string", |_, c| match object_of(c)? {
        Object::Url(url) => Ok(text(&url.host)),
        _ => Err(c.internal("not an IUrl")),
    });
    r.property(url_owner, "Port", "int", |_, c| match object_of(c)? {
        Object::Url(url) => Ok(Value::Int32(url.port)),
        _ => Err(c.internal("not an IUrl")),
    });
    r.property(url_owner, "Path", "string", |_, c| match object_of(c)? {
        Object::Url(url) => Ok(text(&url.path)),
        _ => Err(c.internal("not an IUrl")),
    });
    r.property(
        url_owner,
        "QueryString",
        "string",
        |_, c| match object_of(c)? {
            Object::Url(url) => Ok(new_str(url.query_string())),
            _ => Err(c.internal("not an IUrl")),
        },
    );
    r.property(
        url_owner,
        "Query",
        "IReadOnlyDictionary<string, string[]>",
        |_, c| match object_of(c)? {
            Object::Url(url) => Ok(multimap(&url.query)),
            _ => Err(c.internal("not an IUrl")),
        },
    );
    r.method(
        url_owner,
        "ToString",
        "() -> string",
        |_, c| match object_of(c)? {
            Object::Url(url) => Ok(new_str(url.to_text())),
            _ => Err(c.internal("not an IUrl")),
        },
    );
    r.method(url_owner, "ToUri", "() -> Uri", |_, c| {
        match object_of(c)? {
            Object::Url(url) => crate::net::uri::parse(&url.to_text())
                .map(|u| Value::object(Object::Uri(u)))
                .ok_or_else(|| c.throw(Class::UriFormatException, "Invalid URI.")),
            _ => Err(c.internal("not an IUrl")),
        }
    });

    // ----- api, operation, product, subscription, user, group, deployment, last error
    let api = Owner::Class(Class::Api);
    text_properties!(r, api, Api: "Id" => id, "Name" => name, "Path" => path, "Revision" => revision);
    optional_text_properties!(r, api, Api: "Version" => version);
    r.property(api, "IsCurrentRevision", "bool", |_, c| {
        match object_of(c)? {
            Object::Api(api) => Ok(Value::Bool(api.is_current_revision)),
            _ => Err(c.internal("not an IApi")),
        }
    });
    r.property(
        api,
        "Protocols",
        "IEnumerable<string>",
        |_, c| match object_of(c)? {
            Object::Api(api) => Ok(Value::string_array(api.protocols.iter().cloned())),
            _ => Err(c.internal("not an IApi")),
        },
    );
    r.property(api, "ServiceUrl", "IUrl", |_, c| match object_of(c)? {
        Object::Api(api) => Ok(url(&api.service_url)),
        _ => Err(c.internal("not an IApi")),
    });
    r.property(
        api,
        "SubscriptionKeyParameterNames",
        "ISubscriptionKeyParameterNames",
        |_, c| match object_of(c)? {
            Object::Api(api) => Ok(Value::object(Object::SubscriptionKeyParameterNames(
                Arc::clone(api),
            ))),
            _ => Err(c.internal("not an IApi")),
        },
    );
    let key_names = Owner::Class(Class::SubscriptionKeyParameterNames);
    text_properties!(r, key_names, SubscriptionKeyParameterNames: "Header" => subscription_key_header, "Query" => subscription_key_query);
    let operation = Owner::Class(Class::Operation);
    text_properties!(r, operation, Operation: "Id" => id, "Method" => method, "Name" => name, "UrlTemplate" => url_template);
    let product = Owner::Class(Class::Product);
    text_properties!(r, product, Product: "Id" => id, "Name" => name);
    r.property(product, "State", "ProductState", |_, c| {
        match object_of(c)? {
            // Fixtures and configuration write the state in any case ("published").
            Object::Product(p) => Ok(Value::Enum(
                EnumKind::ProductState,
                i64::from(p.state.eq_ignore_ascii_case("published")),
            )),
            _ => Err(c.internal("not an IProduct")),
        }
    });
    r.property(
        product,
        "ApprovalRequired",
        "bool",
        |_, c| match object_of(c)? {
            Object::Product(p) => Ok(Value::Bool(p.approval_required)),
            _ => Err(c.internal("not an IProduct")),
        },
    );
    r.property(
        product,
        "SubscriptionRequired",
        "bool",
        |_, c| match object_of(c)? {
            Object::Product(p) => Ok(Value::Bool(p.subscription_required)),
            _ => Err(c.internal("not an IProduct")),
        },
    );
    r.property(
        product,
        "SubscriptionLimit",
        "int?",
        |_, c| match object_of(c)? {
            Object::Product(p) => Ok(p.subscription_limit.map_or(Value::Null, Value::Int32)),
            _ => Err(c.internal("not an IProduct")),
        },
    );
    r.property(
        product,
        "Groups",
        "IEnumerable<IGroup>",
        |_, c| match object_of(c)? {
            Object::Product(p) => Ok(groups(&p.groups)),
            _ => Err(c.internal("not an IProduct")),
        },
    );
    r.property(
        product,
        "Apis",
        "IEnumerable<IApi>",
        |_, c| match object_of(c)? {
            Object::Product(p) => Ok(object_array(Class::Api, &p.apis, Object::Api)),
            _ => Err(c.internal("not an IProduct")),
        },
    );
    let subscription = Owner::Class(Class::Subscription);
    text_properties!(r, subscription, Subscription: "Id" => id, "Key" => key, "Name" => name, "PrimaryKey" => primary_key, "SecondaryKey" => secondary_key);
    r.property(
        subscription,
        "CreatedDate",
        "DateTime",
        |_, c| match object_of(c)? {
            Object::Subscription(s) => Ok(Value::DateTime(s.created_date.unwrap_or(DateTime {
                ticks: 0,
                kind: Kind::Utc,
            }))),
            _ => Err(c.internal("not an ISubscription")),
        },
    );
    r.property(
        subscription,
        "StartDate",
        "DateTime?",
        |_, c| match object_of(c)? {
            Object::Subscription(s) => Ok(opt_date(s.start_date)),
            _ => Err(c.internal("not an ISubscription")),
        },
    );
    r.property(
        subscription,
        "EndDate",
        "DateTime?",
        |_, c| match object_of(c)? {
            Object::Subscription(s) => Ok(opt_date(s.end_date)),
            _ => Err(c.internal("not an ISubscription")),
        },
    );
    let user = Owner::Class(Class::User);
    text_properties!(r, user, User: "Id" => id, "Email" => email, "FirstName" => first_name, "LastName" => last_name, "Note" => note);
    r.property(
        user,
        "RegistrationDate",
        "DateTime",
        |_, c| match object_of(c)? {
            Object::User(u) => Ok(Value::DateTime(u.registration_date.unwrap_or(DateTime {
                ticks: 0,
                kind: Kind::Utc,
            }))),
            _ => Err(c.internal("not an IUser")),
        },
    );
    r.property(
        user,
        "Groups",
        "IEnumerable<IGroup>",
        |_, c| match object_of(c)? {
            Object::User(u) => Ok(groups(&u.groups)),
            _ => Err(c.internal("not an IUser")),
        },
    );
    r.property(
        user,
        "Identities",
        "IEnumerable<IUserIdentity>",
        |_, c| match object_of(c)? {
            Object::User(u) => Ok(object_array(
                Class::UserIdentity,
                &u.identities,
                Object::UserIdentity,
            )),
            _ => Err(c.internal("not an IUser")),
        },
    );
    let identity = Owner::Class(Class::UserIdentity);
    text_properties!(r, identity, UserIdentity: "Id" => id, "Provider" => provider);
    let group = Owner::Class(Class::UserGroup);
    text_properties!(r, group, UserGroup: "Id" => id, "Name" => name);
    let deployment = Owner::Class(Class::Deployment);
    text_properties!(r, deployment, Deployment: "GatewayId" => gateway_id, "Region" => region, "ServiceName" => service_name, "ServiceId" => service_id);
    // The certificates uploaded to the instance, by thumbprint. Gatehouse has no certificate
    // store yet, so the dictionary is empty and a lookup throws KeyNotFoundException, as APIM's
    // does for a thumbprint it does not hold.
    r.property(
        deployment,
        "Certificates",
        "IReadOnlyDictionary<string, X509Certificate2>",
        |_, _| {
            Ok(Value::object(Object::Dictionary {
                key: Type::String,
                value: Type::Class(Class::X509Certificate2),
                entries: RwLock::new(IndexMap::new()),
                ignore_case: false,
            }))
        },
    );
    r.property(deployment, "Gateway", "IGateway", |_, c| {
        match object_of(c)? {
            Object::Deployment(d) => Ok(Value::object(Object::Gateway(Arc::clone(d)))),
            _ => Err(c.internal("not an IDeployment")),
        }
    });
    let gateway = Owner::Class(Class::Gateway);
    text_properties!(r, gateway, Gateway: "Id" => gateway_id, "InstanceId" => gateway_instance_id);
    r.property(gateway, "IsManaged", "bool", |_, c| match object_of(c)? {
        Object::Gateway(d) => Ok(Value::Bool(d.gateway_is_managed)),
        _ => Err(c.internal("not an IGateway")),
    });
    r.property(
        deployment,
        "SustainabilityInfo",
        "ISustainabilityInfo",
        |_, c| match object_of(c)? {
            Object::Deployment(d) => Ok(Value::object(Object::SustainabilityInfo(Arc::clone(d)))),
            _ => Err(c.internal("not an IDeployment")),
        },
    );
    r.property(
        Owner::Class(Class::SustainabilityInfo),
        "CurrentCarbonIntensity",
        "CarbonIntensityCategory",
        |_, c| match object_of(c)? {
            Object::SustainabilityInfo(d) => Ok(Value::Enum(
                EnumKind::CarbonIntensityCategory,
                d.carbon_intensity,
            )),
            _ => Err(c.internal("not an ISustainabilityInfo")),
        },
    );
    let last_error = Owner::Class(Class::LastError);
    optional_text_properties!(r, last_error, LastError:
        "Source" => source, "Reason" => reason, "Message" => message, "Scope" => scope, "Section" => section, "Path" => path, "PolicyId" => policy_id);

    // ----- GraphQL resolver context
    let graphql = Owner::Class(Class::GraphQl);
    r.property(graphql, "Arguments", "JObject", |_, c| {
        match object_of(c)? {
            Object::GraphQl(g) => Ok(Value::Json(g.arguments.clone())),
            _ => Err(c.internal("not an IGraphQLContext")),
        }
    });
    r.property(graphql, "Parent", "JObject", |_, c| match object_of(c)? {
        Object::GraphQl(g) => Ok(Value::Json(g.parent.clone())),
        _ => Err(c.internal("not an IGraphQLContext")),
    });

    // ----- Authorization (get-authorization-context)
    let authorization = Owner::Class(Class::Authorization);
    r.property(
        authorization,
        "AccessToken",
        "string",
        |_, c| match object_of(c)? {
            Object::Authorization(a) => Ok(Value::String(Arc::clone(&a.access_token))),
            _ => Err(c.internal("not an Authorization")),
        },
    );
    r.property(
        authorization,
        "Claims",
        "IReadOnlyDictionary<string, object>",
        |_, c| match object_of(c)? {
            Object::Authorization(a) => {
                let entries = a
                    .claims
                    .iter()
                    .map(|(name, value)| {
                        let key = Value::String(Arc::clone(name));
                        (super::core::dict_key(&key, false), (key, value.clone()))
                    })
                    .collect();
                Ok(Value::object(Object::Dictionary {
                    key: Type::String,
                    value: Type::Object,
                    entries: RwLock::new(entries),
                    ignore_case: false,
                }))
            }
            _ => Err(c.internal("not an Authorization")),
        },
    );

    // ----- Jwt and Basic credentials
    let jwt = Owner::Class(Class::Jwt);
    r.property(jwt, "Id", "string", |_, c| {
        Ok(opt_text(jwt_of(c)?.id.as_ref()))
    });
    r.property(jwt, "Algorithm", "string", |_, c| {
        Ok(opt_text(jwt_of(c)?.algorithm.as_ref()))
    });
    r.property(jwt, "Issuer", "string", |_, c| {
        Ok(opt_text(jwt_of(c)?.issuer.as_ref()))
    });
    r.property(jwt, "Subject", "string", |_, c| {
        Ok(opt_text(jwt_of(c)?.subject.as_ref()))
    });
    r.property(jwt, "Type", "string", |_, c| {
        Ok(opt_text(jwt_of(c)?.token_type.as_ref()))
    });
    r.property(jwt, "Audiences", "IEnumerable<string>", |_, c| {
        Ok(Value::string_array(jwt_of(c)?.audiences.iter().cloned()))
    });
    r.property(
        jwt,
        "Claims",
        "IReadOnlyDictionary<string, string[]>",
        |_, c| Ok(multimap(&jwt_of(c)?.claims)),
    );
    r.property(jwt, "ExpirationTime", "DateTime?", |_, c| {
        Ok(opt_date(jwt_of(c)?.expiration_time))
    });
    r.property(jwt, "NotBefore", "DateTime?", |_, c| {
        Ok(opt_date(jwt_of(c)?.not_before))
    });
    r.property(jwt, "IssuedAt", "DateTime?", |_, c| {
        Ok(opt_date(jwt_of(c)?.issued_at))
    });
    let basic = Owner::Class(Class::BasicAuthCredentials);
    r.property(basic, "UserId", "string", |_, c| match object_of(c)? {
        Object::BasicAuth { user_id, .. } => Ok(text(user_id)),
        _ => Err(c.internal("not BasicAuthCredentials")),
    });
    r.property(basic, "Password", "string", |_, c| match object_of(c)? {
        Object::BasicAuth { password, .. } => Ok(text(password)),
        _ => Err(c.internal("not BasicAuthCredentials")),
    });
    // APIM's credential parsers: extension methods of `string`, which C# also lets a policy
    // call as static methods of their class, as Microsoft's snippets do
    // (`ExpressionSyntaxExtensions.TryParseJwt(text, out jwt)`).
    let parsers: [(&'static str, &str, super::NativeFn); 4] = [
        ("AsJwt", "string value) -> Jwt", |_, c| {
            Ok(c.opt_string(0)
                .and_then(|s| parse_jwt(&s))
                .map_or(Value::Null, |jwt| Value::object(Object::Jwt(Arc::new(jwt)))))
        }),
        (
            "TryParseJwt",
            "string value, out Jwt result) -> bool",
            |_, c| {
                let parsed = c.opt_string(0).and_then(|s| parse_jwt(&s));
                let ok = parsed.is_some();
                c.set_out(
                    1,
                    parsed.map_or(Value::Null, |jwt| Value::object(Object::Jwt(Arc::new(jwt)))),
                );
                Ok(Value::Bool(ok))
            },
        ),
        (
            "AsBasic",
            "string value) -> BasicAuthCredentials",
            |_, c| {
                Ok(c.opt_string(0)
                    .and_then(|s| parse_basic(&s))
                    .map_or(Value::Null, |(user_id, password)| {
                        Value::object(Object::BasicAuth { user_id, password })
                    }))
            },
        ),
        (
            "TryParseBasic",
            "string value, out BasicAuthCredentials result) -> bool",
            |_, c| {
                let parsed = c.opt_string(0).and_then(|s| parse_basic(&s));
                let ok = parsed.is_some();
                c.set_out(
                    1,
                    parsed.map_or(Value::Null, |(user_id, password)| {
                        Value::object(Object::BasicAuth { user_id, password })
                    }),
                );
                Ok(Value::Bool(ok))
            },
        ),
    ];
    let host = Owner::Class(Class::ExpressionSyntaxExtensions);
    for (name, rest, func) in parsers {
        r.extension(name, &format!("(this {rest}"), func);
        r.static_method(host, name, &format!("({rest}"), func);
    }

    r.extension(
        "ToFormUrlEncodedContent",
        "(this IDictionary<string, IList<string>> form) -> string",
        |cx, c| {
            if c.arg(0).is_null() {
                return Err(c.null_argument("form"));
            }
            let mut pairs = Vec::new();
            for (name, values) in super::collections::dict_entries(cx, c, c.arg(0))? {
                let name = super::to_display_string(&name);
                for value in super::linq::collect(cx, &values, c.span)? {
                    pairs.push((name.clone(), super::to_display_string(&value)));
                }
            }
            Ok(new_str(form_text(&pairs)))
        },
    );

    // ----- GetValueOrDefault: APIM's (headers, query, claims; variables), then .NET's.
    r.extension(
        "GetValueOrDefault",
        "(this IReadOnlyDictionary<string, string[]> dictionary, string name) -> string",
        |cx, c| header_value(cx, c, None),
    );
    r.extension("GetValueOrDefault", "(this IReadOnlyDictionary<string, string[]> dictionary, string name, string defaultValue) -> string", |cx, c| {
        let default = c.arg(2).clone();
        header_value(cx, c, Some(default))
    });
    r.extension(
        "GetValueOrDefault",
        "<T>(this IReadOnlyDictionary<string, object> variables, string name) -> T",
        |cx, c| variable_value(cx, c, None),
    );
    r.extension(
        "GetValueOrDefault",
        "<T>(this IReadOnlyDictionary<string, object> variables, string name, T defaultValue) -> T",
        |cx, c| {
            let default = c.arg(2).clone();
            variable_value(cx, c, Some(default))
        },
    );
    r.extension(
        "GetValueOrDefault",
        "<K, V>(this IReadOnlyDictionary<K, V> dictionary, K key) -> V",
        |cx, c| {
            let dictionary = c.arg(0).clone();
            let key = c.arg(1).clone();
            if dictionary.is_null() {
                return Err(c.null_argument("dictionary"));
            }
            Ok(super::collections::dict_get(cx, c, &dictionary, &key)?
                .unwrap_or_else(|| crate::eval::default_value(c.type_arg(1))))
        },
    );
    r.extension(
        "GetValueOrDefault",
        "<K, V>(this IReadOnlyDictionary<K, V> dictionary, K key, V defaultValue) -> V",
        |cx, c| {
            let dictionary = c.arg(0).clone();
            let key = c.arg(1).clone();
            if dictionary.is_null() {
                return Err(c.null_argument("dictionary"));
            }
            Ok(super::collections::dict_get(cx, c, &dictionary, &key)?
                .unwrap_or_else(|| c.arg(2).clone()))
        },
    );
    let _ = Generic::IReadOnlyDictionary;
}

/// Headers, query parameters and claims: all values joined with a comma.
fn header_value(cx: &mut Cx<'_>, c: &Call<'_>, default: Option<Value>) -> R {
    let dictionary = c.arg(0).clone();
    if dictionary.is_null() {
        return Ok(default.unwrap_or(Value::Null));
    }
    let name = c.arg(1).clone();
    if name.is_null() {
        return Err(c.null_argument("name"));
    }
    if let (Value::Object(object), Value::String(name)) = (&dictionary, &name)
        && let Object::Multimap(map) = &**object
    {
        return Ok(match map.get(name) {
            Some([single]) => Value::String(Arc::clone(single)),
            Some(values) => new_str(values.iter().map(|v| &**v).collect::<Vec<_>>().join(",")),
            None => default.unwrap_or(Value::Null),
        });
    }
    let found = super::collections::dict_get(cx, c, &dictionary, &name)?;
    Ok(match found {
        Some(value) => {
            let items = super::collections::list_items(&value).unwrap_or_default();
            new_str(
                items
                    .iter()
                    .map(super::to_display_string)
                    .collect::<Vec<_>>()
                    .join(","),
            )
        }
        None => default.unwrap_or(Value::Null),
    })
}

/// `context.Variables.GetValueOrDefault<T>`: the default when missing; the value when it is a
/// `T`; otherwise an `InvalidCastException` (as the APIM documentation says).
fn variable_value(cx: &mut Cx<'_>, c: &Call<'_>, default: Option<Value>) -> R {
    let target = c.type_arg(0).clone();
    let default = match default {
        Some(Value::Null) | None => crate::eval::default_value(&target),
        Some(value) => value,
    };
    let dictionary = c.arg(0).clone();
    if dictionary.is_null() {
        return Ok(default);
    }
    let name = c.arg(1).clone();
    if name.is_null() {
        return Err(c.null_argument("name"));
    }
    match super::collections::dict_get(cx, c, &dictionary, &name)? {
        None => Ok(default),
        Some(Value::Null) => Ok(
            if target.is_value_type() && !matches!(target, Type::Nullable(_)) {
                default
            } else {
                Value::Null
            },
        ),
        Some(value) => {
            if target == Type::Object || crate::eval::is_instance(&value, &target) {
                Ok(value)
            } else {
                Err(c.throw(
                    Class::InvalidCastException,
                    format!(
                        "Unable to cast object of type '{}' to type '{}'.",
                        super::type_full_name(&value.runtime_type()),
                        super::type_full_name(&target)
                    ),
                ))
            }
        }
    }
}

#[allow(dead_code, reason = "the empty string is shared with other modules")]
fn empty() -> Value {
    Value::String(empty_str())
}
