use std::fmt;
use std::time::Duration;

/// Why a token could not be obtained. Never contains token text. Boxed: the success path
/// should not pay for the size of an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdentityError(Box<Details>);

#[derive(Clone, Debug, PartialEq, Eq)]
struct Details {
    kind: ErrorKind,
    resource: String,
    endpoint: String,
    attempts: u32,
}

/// What went wrong on the last attempt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The endpoint answered with an error status. `error` and `description` are the OAuth
    /// fields of its JSON body, when it had them.
    Status {
        status: u16,
        error: Option<String>,
        description: Option<String>,
        retry_after: Option<Duration>,
    },
    /// No answer within the attempt's time limit.
    Timeout,
    /// The connection could not be made (refused, reset, unreachable).
    Connect(String),
    /// A successful answer that is not a usable token response.
    MalformedResponse(String),
    /// The provider is not set up correctly (missing file, bad endpoint, wrong identity kind).
    Configuration(String),
}

impl ErrorKind {
    /// Whether another attempt may succeed: the statuses IMDS documents as transient (404
    /// while an identity propagates, 410 while IMDS updates, 429 throttling, 5xx), 408, time
    /// outs and connection failures. Other 4xx answers are design-time errors.
    pub fn is_retryable(&self) -> bool {
        match self {
            ErrorKind::Status { status, .. } => {
                matches!(status, 404 | 408 | 410 | 429) || (500..=599).contains(status)
            }
            ErrorKind::Timeout | ErrorKind::Connect(_) => true,
            ErrorKind::MalformedResponse(_) | ErrorKind::Configuration(_) => false,
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ErrorKind::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Status {
                status,
                error,
                description,
                ..
            } => {
                write!(f, "it answered {status}")?;
                if let Some(error) = error {
                    write!(f, " `{error}`")?;
                }
                if let Some(description) = description {
                    write!(f, ": {description}")?;
                }
                Ok(())
            }
            ErrorKind::Timeout => f.write_str("it did not answer in time"),
            ErrorKind::Connect(reason) => write!(f, "cannot connect: {reason}"),
            ErrorKind::MalformedResponse(what) => write!(f, "its answer is not a token: {what}"),
            ErrorKind::Configuration(what) => write!(f, "{what}"),
        }
    }
}

impl IdentityError {
    pub(crate) fn new(kind: ErrorKind, resource: &str, endpoint: &str, attempts: u32) -> Self {
        IdentityError(Box::new(Details {
            kind,
            resource: resource.to_owned(),
            endpoint: endpoint.to_owned(),
            attempts,
        }))
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.0.kind
    }

    /// The resource (audience) the token was for.
    pub fn resource(&self) -> &str {
        &self.0.resource
    }

    /// The token endpoint that was asked.
    pub fn endpoint(&self) -> &str {
        &self.0.endpoint
    }

    /// How many requests were made before giving up.
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let details = &self.0;
        write!(
            f,
            "cannot get a token for `{}` from {}: {}",
            details.resource, details.endpoint, details.kind
        )?;
        if details.attempts > 1 {
            write!(f, " (after {} attempts)", details.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for IdentityError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16) -> ErrorKind {
        ErrorKind::Status {
            status,
            error: None,
            description: None,
            retry_after: None,
        }
    }

    #[test]
    fn retryable_statuses_follow_the_imds_guidance() {
        for retryable in [404, 408, 410, 429, 500, 503, 599] {
            assert!(status(retryable).is_retryable(), "{retryable}");
        }
        for design_time in [400, 401, 403, 405] {
            assert!(!status(design_time).is_retryable(), "{design_time}");
        }
        assert!(ErrorKind::Timeout.is_retryable());
        assert!(!ErrorKind::MalformedResponse("x".into()).is_retryable());
    }

    #[test]
    fn message_names_the_resource_the_endpoint_and_its_answer() {
        let error = IdentityError::new(
            ErrorKind::Status {
                status: 400,
                error: Some("invalid_resource".into()),
                description: Some("AADSTS500011: resource not found".into()),
                retry_after: None,
            },
            "api://backend",
            "http://127.0.0.1:1/metadata/identity/oauth2/token",
            1,
        );
        assert_eq!(
            error.to_string(),
            "cannot get a token for `api://backend` from http://127.0.0.1:1/metadata/identity/oauth2/token: \
             it answered 400 `invalid_resource`: AADSTS500011: resource not found"
        );
    }
}
