//! What every protocol shares: the HTTP client, reading a token response, reading an error.

use std::time::Duration;

use serde_json::Value;

use crate::clock::Clock;
use crate::error::{ErrorKind, IdentityError};
use crate::secret::SecretString;
use crate::token::AccessToken;

/// How long one attempt may take by default.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest `error_description` kept in an error message.
const MAX_DESCRIPTION: usize = 400;

/// An HTTP client for token endpoints: a per-attempt timeout, and no proxy (IMDS must never
/// be reached through one). TLS is rustls with the ring provider.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, IdentityError> {
    // Installing fails only when a provider is already installed, which is fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(timeout)
        .no_proxy()
        .build()
        .map_err(|error| {
            IdentityError::new(
                ErrorKind::Configuration(format!("cannot build the http client: {error}")),
                "",
                "",
                0,
            )
        })
}

/// Sends a request and reads a token from a successful answer, or the error from a failed one.
pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    clock: &dyn Clock,
) -> Result<AccessToken, ErrorKind> {
    let response = request.send().await.map_err(transport_error)?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.bytes().await.map_err(transport_error)?;
    if !status.is_success() {
        return Err(error_status(status.as_u16(), &body, retry_after));
    }
    parse_token(&body, clock)
}

fn transport_error(error: reqwest::Error) -> ErrorKind {
    if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_connect() {
        ErrorKind::Connect(root_cause(&error))
    } else {
        ErrorKind::Connect(format!("the connection failed: {}", root_cause(&error)))
    }
}

fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The OAuth error fields of an error answer, if it has them. The body itself is never kept.
fn error_status(status: u16, body: &[u8], retry_after: Option<Duration>) -> ErrorKind {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|json| json.get(name))
            .and_then(Value::as_str)
            .map(|text| truncate(text.trim()))
    };
    ErrorKind::Status {
        status,
        error: field("error"),
        description: field("error_description"),
        retry_after,
    }
}

fn truncate(text: &str) -> String {
    match text.char_indices().nth(MAX_DESCRIPTION) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// Reads a token response of any of the protocols. Numbers may be JSON numbers or strings
/// of digits (IMDS and App Service send strings). `expires_on` is used when it is epoch
/// seconds; otherwise `expires_in` counts from now (the legacy App Service API sends a date in
/// `expires_on`). Error messages name fields, never values: the body holds the token.
pub(crate) fn parse_token(body: &[u8], clock: &dyn Clock) -> Result<AccessToken, ErrorKind> {
    let malformed = |what: &str| ErrorKind::MalformedResponse(what.to_owned());
    let json: Value =
        serde_json::from_slice(body).map_err(|_| malformed("the body is not json"))?;
    let object = json
        .as_object()
        .ok_or_else(|| malformed("the body is not a json object"))?;
    let token = object
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| malformed("it has no `access_token`"))?;
    let token_type = object
        .get("token_type")
        .and_then(Value::as_str)
        .unwrap_or("Bearer");
    let now = clock.now();
    let seconds = |name: &str| -> Result<Option<u64>, ErrorKind> {
        match object.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => number
                .as_u64()
                .map(Some)
                .ok_or_else(|| malformed(&format!("`{name}` is not a whole number of seconds"))),
            Some(Value::String(text)) => Ok(text.trim().parse::<u64>().ok()),
            Some(_) => Err(malformed(&format!("`{name}` is not a number"))),
        }
    };
    let expires_in = seconds("expires_in")?;
    let expires_on = seconds("expires_on")?;
    let refresh_in = seconds("refresh_in")?.map(Duration::from_secs);
    let expires_on = match (expires_on, expires_in) {
        (Some(epoch), _) => crate::clock::UnixTime::from_secs(epoch),
        (None, Some(lifetime)) => now.plus(Duration::from_secs(lifetime)),
        (None, None) => return Err(malformed("it gives neither `expires_on` nor `expires_in`")),
    };
    if expires_on <= now {
        return Err(malformed("the token it gives has already expired"));
    }
    Ok(AccessToken::new(
        SecretString::new(token),
        token_type,
        now,
        expires_on,
        refresh_in,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{ManualClock, UnixTime};

    fn clock() -> ManualClock {
        ManualClock::new(UnixTime::from_secs(1_000))
    }

    #[test]
    fn imds_strings_are_numbers() {
        let body = br#"{"access_token":"eyJ.x.y","expires_in":"3600","expires_on":"4600","token_type":"Bearer","resource":"r"}"#;
        let token = parse_token(body, &clock()).unwrap();
        assert_eq!(token.expires_on(), UnixTime::from_secs(4_600));
        assert_eq!(token.secret().expose(), "eyJ.x.y");
    }

    #[test]
    fn entra_numbers_and_expires_in_only() {
        let token = parse_token(
            br#"{"access_token":"a","expires_in":120,"ext_expires_in":120}"#,
            &clock(),
        )
        .unwrap();
        assert_eq!(token.expires_on(), UnixTime::from_secs(1_120));
    }

    #[test]
    fn legacy_date_in_expires_on_falls_back_to_expires_in() {
        let body = br#"{"access_token":"a","expires_on":"09/14/2017 00:00:00 PM +00:00","expires_in":"60"}"#;
        assert_eq!(
            parse_token(body, &clock()).unwrap().expires_on(),
            UnixTime::from_secs(1_060)
        );
    }

    #[test]
    fn malformed_answers_name_the_problem_and_never_the_token() {
        let cases: [(&[u8], &str); 5] = [
            (b"<html>", "not json"),
            (b"[1]", "not a json object"),
            (br#"{"expires_in":"60"}"#, "no `access_token`"),
            (br#"{"access_token":"SECRET"}"#, "neither"),
            (
                br#"{"access_token":"SECRET","expires_on":"999"}"#,
                "already expired",
            ),
        ];
        for (body, expected) in cases {
            let error = parse_token(body, &clock()).unwrap_err().to_string();
            assert!(error.contains(expected), "{error}");
            assert!(!error.contains("SECRET"), "{error}");
        }
    }

    #[test]
    fn error_answers_keep_only_the_oauth_fields() {
        let kind = error_status(
            400,
            br#"{"error":"invalid_resource","error_description":"AADSTS500011","access_token":"SECRET"}"#,
            None,
        );
        assert_eq!(
            kind.to_string(),
            "it answered 400 `invalid_resource`: AADSTS500011"
        );
    }
}
