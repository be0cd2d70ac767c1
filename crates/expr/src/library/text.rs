//! `Encoding`, `Uri`, `WebUtility`.

use super::{Call, Owner, Registry};
use crate::eval::Fault;
use crate::net::uri::{self, Uri};
use crate::types::{Class, Type};
use crate::value::{EncodingKind, Object, Value, intern, new_str};

type R = Result<Value, Fault>;

pub(crate) fn encoding_class_name(kind: EncodingKind) -> &'static str {
    match kind {
        EncodingKind::Utf8 => "System.Text.UTF8Encoding",
        EncodingKind::Ascii => "System.Text.ASCIIEncoding",
        EncodingKind::Unicode | EncodingKind::BigEndianUnicode => "System.Text.UnicodeEncoding",
        EncodingKind::Latin1 => "System.Text.Latin1Encoding",
        EncodingKind::Utf32 => "System.Text.UTF32Encoding",
    }
}

fn web_name(kind: EncodingKind) -> &'static str {
    match kind {
        EncodingKind::Utf8 => "utf-8",
        EncodingKind::Ascii => "us-ascii",
        EncodingKind::Unicode => "utf-16",
        EncodingKind::BigEndianUnicode => "utf-16BE",
        EncodingKind::Latin1 => "iso-8859-1",
        EncodingKind::Utf32 => "utf-32",
    }
}

fn encoding_of(call: &Call<'_>) -> Result<EncodingKind, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Encoding(kind) => Ok(*kind),
            _ => Err(call.internal("not an Encoding")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

/// `Encoding.GetBytes`: unencodable characters become `?`.
pub fn encode(kind: EncodingKind, text: &str) -> Vec<u8> {
    match kind {
        EncodingKind::Utf8 => text.as_bytes().to_vec(),
        EncodingKind::Ascii => text
            .encode_utf16()
            .map(|u| u8::try_from(u).ok().filter(u8::is_ascii).unwrap_or(b'?'))
            .collect(),
        EncodingKind::Latin1 => text
            .encode_utf16()
            .map(|u| u8::try_from(u).unwrap_or(b'?'))
            .collect(),
        EncodingKind::Unicode => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        EncodingKind::BigEndianUnicode => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
        EncodingKind::Utf32 => text
            .chars()
            .flat_map(|c| u32::from(c).to_le_bytes())
            .collect(),
    }
}

/// `Encoding.GetString`: invalid input becomes U+FFFD (UTF-8, UTF-16) or `?` (ASCII).
pub fn decode(kind: EncodingKind, bytes: &[u8]) -> String {
    match kind {
        EncodingKind::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
        EncodingKind::Ascii => bytes
            .iter()
            .map(|b| if b.is_ascii() { char::from(*b) } else { '?' })
            .collect(),
        EncodingKind::Latin1 => bytes.iter().map(|b| char::from(*b)).collect(),
        EncodingKind::Unicode | EncodingKind::BigEndianUnicode => {
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| match (pair, kind) {
                    ([a, b], EncodingKind::Unicode) => u16::from_le_bytes([*a, *b]),
                    ([a, b], _) => u16::from_be_bytes([*a, *b]),
                    _ => 0xFFFD,
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        EncodingKind::Utf32 => bytes
            .chunks(4)
            .map(|quad| match quad {
                [a, b, c, d] => {
                    char::from_u32(u32::from_le_bytes([*a, *b, *c, *d])).unwrap_or('\u{FFFD}')
                }
                _ => '\u{FFFD}',
            })
            .collect(),
    }
}

fn encoding_by_name(name: &str) -> Option<EncodingKind> {
    Some(match name.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => EncodingKind::Utf8,
        "us-ascii" | "ascii" => EncodingKind::Ascii,
        "iso-8859-1" | "latin1" | "iso_8859-1" | "l1" => EncodingKind::Latin1,
        "utf-16" | "unicode" | "utf-16le" => EncodingKind::Unicode,
        "utf-16be" | "unicodefffe" => EncodingKind::BigEndianUnicode,
        "utf-32" | "utf-32le" => EncodingKind::Utf32,
        _ => return None,
    })
}

fn encoding_by_code_page(code_page: i32) -> Option<EncodingKind> {
    Some(match code_page {
        65001 => EncodingKind::Utf8,
        20127 => EncodingKind::Ascii,
        28591 => EncodingKind::Latin1,
        1200 => EncodingKind::Unicode,
        1201 => EncodingKind::BigEndianUnicode,
        12000 => EncodingKind::Utf32,
        _ => return None,
    })
}

fn uri_of(call: &Call<'_>) -> Result<Uri, Fault> {
    match &call.this {
        Value::Object(object) => match &**object {
            Object::Uri(uri) => Ok(uri.clone()),
            _ => Err(call.internal("not a Uri")),
        },
        _ => Err(crate::eval::null_reference(call.span)),
    }
}

fn uri_format(call: &Call<'_>) -> Fault {
    call.throw(
        Class::UriFormatException,
        "Invalid URI: The format of the URI could not be determined.",
    )
}

/// Resolves a relative reference against a base URI (RFC 3986, section 5.2).
fn resolve(base: &Uri, relative: &str) -> Option<Uri> {
    if let Some(absolute) = uri::parse(relative) {
        return Some(absolute);
    }
    let mut text = format!("{}://{}", base.scheme, base.authority());
    if let Some(rest) = relative.strip_prefix("//") {
        return uri::parse(&format!("{}://{rest}", base.scheme));
    }
    if relative.starts_with('/') {
        text.push_str(relative);
    } else if relative.starts_with('?') {
        text.push_str(&base.path);
        text.push_str(relative);
    } else if relative.starts_with('#') || relative.is_empty() {
        text.push_str(&base.path);
        text.push_str(&base.query);
        text.push_str(relative);
    } else {
        let directory = base
            .path
            .rfind('/')
            .map_or("/", |i| base.path.get(..=i).unwrap_or("/"));
        text.push_str(directory);
        text.push_str(relative);
    }
    uri::parse(&text)
}

pub(super) fn register(r: &mut Registry) {
    let encoding = Owner::Class(Class::Encoding);
    r.static_property(encoding, "UTF8", "Encoding", |_, _| {
        Ok(Value::object(Object::Encoding(EncodingKind::Utf8)))
    });
    r.static_property(encoding, "ASCII", "Encoding", |_, _| {
        Ok(Value::object(Object::Encoding(EncodingKind::Ascii)))
    });
    r.static_property(encoding, "Unicode", "Encoding", |_, _| {
        Ok(Value::object(Object::Encoding(EncodingKind::Unicode)))
    });
    r.static_property(encoding, "BigEndianUnicode", "Encoding", |_, _| {
        Ok(Value::object(Object::Encoding(
            EncodingKind::BigEndianUnicode,
        )))
    });
    r.static_property(encoding, "UTF32", "Encoding", |_, _| {
        Ok(Value::object(Object::Encoding(EncodingKind::Utf32)))
    });
    r.static_property(encoding, "Latin1", "Encoding", |_, _| {
        Ok(Value::object(Object::Encoding(EncodingKind::Latin1)))
    });
    r.static_property(encoding, "Default", "Encoding", |_, _| {
        Ok(Value::object(Object::Encoding(EncodingKind::Utf8)))
    });
    r.static_method(
        encoding,
        "GetEncoding",
        "(string name) -> Encoding",
        |_, c| {
            let name = c.string(0)?;
            encoding_by_name(&name)
                .map(|kind| Value::object(Object::Encoding(kind)))
                .ok_or_else(|| {
                    c.argument_error(format!("'{name}' is not a supported encoding name."))
                })
        },
    );
    r.static_method(
        encoding,
        "GetEncoding",
        "(int codepage) -> Encoding",
        |_, c| {
            let page = c.int(0)?;
            encoding_by_code_page(page)
                .map(|kind| Value::object(Object::Encoding(kind)))
                .ok_or_else(|| {
                    c.throw(
                        Class::NotSupportedException,
                        format!("No data is available for encoding {page}."),
                    )
                })
        },
    );
    r.method(encoding, "GetBytes", "(string s) -> byte[]", |cx, c| {
        let kind = encoding_of(c)?;
        let text = c.opt_string(0).ok_or_else(|| c.null_argument("s"))?;
        cx.charge_bytes(text.len() * 4, c.span)?;
        Ok(Value::bytes(encode(kind, &text)))
    });
    r.method(encoding, "GetBytes", "(char[] chars) -> byte[]", |_, c| {
        let kind = encoding_of(c)?;
        let chars: Vec<u16> = match c.arg(0) {
            Value::Object(object) => match &**object {
                Object::Array { items, .. } => crate::value::read(items)
                    .iter()
                    .filter_map(|v| {
                        if let Value::Char(ch) = v {
                            Some(*ch)
                        } else {
                            None
                        }
                    })
                    .collect(),
                _ => Vec::new(),
            },
            _ => return Err(c.null_argument("chars")),
        };
        Ok(Value::bytes(encode(
            kind,
            &String::from_utf16_lossy(&chars),
        )))
    });
    r.method(
        encoding,
        "GetString",
        "(byte[] bytes) -> string",
        |cx, c| {
            let kind = encoding_of(c)?;
            let bytes = c.bytes(0)?;
            cx.charge_bytes(bytes.len() * 2, c.span)?;
            Ok(new_str(decode(kind, &bytes)))
        },
    );
    r.method(
        encoding,
        "GetString",
        "(byte[] bytes, int index, int count) -> string",
        |_, c| {
            let kind = encoding_of(c)?;
            let bytes = c.bytes(0)?;
            let (index, count) = (c.int(1)?, c.int(2)?);
            let slice = usize::try_from(index)
                .ok()
                .zip(usize::try_from(count).ok())
                .and_then(|(i, n)| bytes.get(i..i.checked_add(n)?))
                .ok_or_else(|| c.out_of_range("index"))?;
            Ok(new_str(decode(kind, slice)))
        },
    );
    r.method(encoding, "GetByteCount", "(string s) -> int", |_, c| {
        let kind = encoding_of(c)?;
        let text = c.opt_string(0).ok_or_else(|| c.null_argument("s"))?;
        Ok(Value::Int32(
            i32::try_from(encode(kind, &text).len()).unwrap_or(i32::MAX),
        ))
    });
    r.property(encoding, "WebName", "string", |_, c| {
        Ok(Value::String(intern(web_name(encoding_of(c)?))))
    });

    // ----- Uri
    let owner = Owner::Class(Class::Uri);
    r.constructor(owner, "(string uriString)", |_, c| {
        let text = c
            .opt_string(0)
            .ok_or_else(|| c.null_argument("uriString"))?;
        uri::parse(&text)
            .map(|u| Value::object(Object::Uri(u)))
            .ok_or_else(|| uri_format(c))
    });
    r.constructor(owner, "(Uri baseUri, string relativeUri)", |_, c| {
        let Value::Object(object) = c.arg(0) else {
            return Err(c.null_argument("baseUri"));
        };
        let Object::Uri(base) = &**object else {
            return Err(c.internal("base is not a Uri"));
        };
        let relative = c.opt_string(1).unwrap_or_default();
        resolve(base, &relative)
            .map(|u| Value::object(Object::Uri(u)))
            .ok_or_else(|| uri_format(c))
    });
    r.static_method(
        owner,
        "TryCreate",
        "(string uriString, UriKind uriKind, out Uri result) -> bool",
        |_, c| {
            let parsed = c.opt_string(0).and_then(|text| uri::parse(&text));
            let ok = parsed.is_some() && c.enumeration(1) != 2;
            c.set_out(
                2,
                parsed
                    .filter(|_| ok)
                    .map_or(Value::Null, |u| Value::object(Object::Uri(u))),
            );
            Ok(Value::Bool(ok))
        },
    );
    r.static_method(
        owner,
        "IsWellFormedUriString",
        "(string uriString, UriKind uriKind) -> bool",
        |_, c| {
            let text = c.opt_string(0).unwrap_or_default();
            let absolute = uri::parse(&text).is_some() && !text.contains(' ');
            Ok(Value::Bool(match c.enumeration(1) {
                1 => absolute,
                2 => !absolute && !text.contains(' ') && !text.contains(':'),
                _ => absolute || (!text.contains(' ') && !text.contains(':')),
            }))
        },
    );
    r.static_method(
        owner,
        "EscapeDataString",
        "(string stringToEscape) -> string",
        |_, c| {
            Ok(new_str(uri::escape_data_string(
                &c.opt_string(0)
                    .ok_or_else(|| c.null_argument("stringToEscape"))?,
            )))
        },
    );
    r.static_method(
        owner,
        "EscapeUriString",
        "(string stringToEscape) -> string",
        |_, c| {
            Ok(new_str(uri::escape_uri_string(
                &c.opt_string(0)
                    .ok_or_else(|| c.null_argument("stringToEscape"))?,
            )))
        },
    );
    r.static_method(
        owner,
        "UnescapeDataString",
        "(string stringToUnescape) -> string",
        |_, c| {
            Ok(new_str(uri::unescape(
                &c.opt_string(0)
                    .ok_or_else(|| c.null_argument("stringToUnescape"))?,
                false,
            )))
        },
    );
    r.static_property(owner, "UriSchemeHttp", "string", |_, _| {
        Ok(Value::String(intern("http")))
    });
    r.static_property(owner, "UriSchemeHttps", "string", |_, _| {
        Ok(Value::String(intern("https")))
    });
    let text_property = |r: &mut Registry, name: &'static str, get: fn(&Uri) -> String| {
        let _ = get;
        r.property(owner, name, "string", uri_text_property);
    };
    for name in [
        "AbsoluteUri",
        "AbsolutePath",
        "Host",
        "Scheme",
        "Query",
        "Fragment",
        "PathAndQuery",
        "Authority",
        "OriginalString",
        "UserInfo",
        "LocalPath",
        "DnsSafeHost",
        "IdnHost",
    ] {
        text_property(r, name, |u| u.absolute());
    }
    r.property(owner, "Port", "int", |_, c| {
        Ok(Value::Int32(uri_of(c)?.effective_port()))
    });
    r.property(owner, "IsDefaultPort", "bool", |_, c| {
        let u = uri_of(c)?;
        Ok(Value::Bool(u.port.is_none() || u.port == u.default_port()))
    });
    r.property(owner, "IsAbsoluteUri", "bool", |_, _| Ok(Value::Bool(true)));
    r.property(owner, "IsLoopback", "bool", |_, c| {
        let host = uri_of(c)?.host;
        Ok(Value::Bool(
            host == "localhost" || host.starts_with("127.") || host == "[::1]",
        ))
    });
    r.property(owner, "Segments", "string[]", |_, c| {
        Ok(Value::string_array(
            uri_of(c)?.segments().into_iter().map(Into::into),
        ))
    });
    r.method(
        owner,
        "GetLeftPart",
        "(UriPartial part) -> string",
        |_, c| {
            let u = uri_of(c)?;
            let authority = format!("{}://{}", u.scheme, u.authority());
            Ok(new_str(match c.enumeration(0) {
                0 => format!("{}://", u.scheme),
                1 => authority,
                2 => format!("{authority}{}", u.path),
                _ => format!("{authority}{}{}", u.path, u.query),
            }))
        },
    );
    r.method(owner, "ToString", "() -> string", |_, c| {
        let u = uri_of(c)?;
        Ok(new_str(uri::unescape(&u.absolute(), false)))
    });

    // ----- WebUtility
    let web = Owner::Class(Class::WebUtility);
    r.static_method(web, "UrlEncode", "(string value) -> string", |_, c| {
        Ok(c.opt_string(0)
            .map_or(Value::Null, |s| new_str(uri::url_encode(&s))))
    });
    r.static_method(
        web,
        "UrlDecode",
        "(string encodedValue) -> string",
        |_, c| {
            Ok(c.opt_string(0)
                .map_or(Value::Null, |s| new_str(uri::unescape(&s, true))))
        },
    );
    r.static_method(web, "HtmlEncode", "(string value) -> string", |_, c| {
        Ok(c.opt_string(0)
            .map_or(Value::Null, |s| new_str(uri::html_encode(&s))))
    });
    r.static_method(web, "HtmlDecode", "(string value) -> string", |_, c| {
        Ok(c.opt_string(0)
            .map_or(Value::Null, |s| new_str(uri::html_decode(&s))))
    });
    let _ = Type::String;
}

fn uri_text_property(_: &mut crate::eval::Cx<'_>, c: &mut Call<'_>) -> R {
    let u = uri_of(c)?;
    let text = match c.name {
        "AbsoluteUri" => u.absolute(),
        "AbsolutePath" => u.path.clone(),
        "Host" | "DnsSafeHost" | "IdnHost" => u.host.clone(),
        "Scheme" => u.scheme.clone(),
        "Query" => u.query.clone(),
        "Fragment" => u.fragment.clone(),
        "PathAndQuery" => format!("{}{}", u.path, u.query),
        "Authority" => u.authority(),
        "OriginalString" => u.original.clone(),
        "UserInfo" => u.user_info.clone(),
        "LocalPath" => uri::unescape(&u.path, false),
        _ => String::new(),
    };
    Ok(new_str(text))
}
