//! The one error type of dialtime.
//!
//! Every fallible function in the crate returns [`Error`]. Its [`ErrorKind`] is stable: each
//! binding maps it exactly once (Python exception classes, Node error codes, C status values).
//! No variant ever holds the API token.

use std::fmt;
use std::time::Duration;

/// One problem found in a payload or argument: where, and which rule it breaks.
///
/// `path` uses the payload's own field names: `name`, `content[1].times[0].end_time`,
/// `user_id`. `message` names the rule and the offending value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// How many problems an error lists at most. A payload with more (a million broken ranges, a
/// server answering a million field errors) keeps the first ones and ends with one summary
/// problem at path `$`: "and N more problems".
pub const MAX_PROBLEMS: usize = 100;

/// Collects problems up to [`MAX_PROBLEMS`], counting the rest.
#[derive(Debug, Default)]
pub(crate) struct ProblemList {
    list: Vec<Problem>,
    omitted: usize,
}

impl ProblemList {
    pub(crate) fn push(&mut self, problem: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.omitted += 1;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty() && self.omitted == 0
    }

    pub(crate) fn into_vec(mut self) -> Vec<Problem> {
        if self.omitted > 0 {
            let s = if self.omitted == 1 { "" } else { "s" };
            self.list.push(Problem::new(
                "$",
                format!(
                    "and {} more problem{s} (only the first {MAX_PROBLEMS} are listed)",
                    self.omitted
                ),
            ));
        }
        self.list
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// What the platform answered when it refused a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status of the response (200 for an error envelope inside a 200).
    pub http_status: u16,
    /// The envelope's `code`, when the body had one.
    pub code: Option<i64>,
    /// The envelope's `message`, or the HTTP reason when the body had none.
    pub message: String,
    /// Field errors (`errors` of a 422), one entry per message.
    pub errors: Vec<Problem>,
    /// The start of the raw response body, for diagnostics.
    pub body: String,
}

/// The kind of an [`Error`], without its details. Stable: bindings map it one to one, and the
/// numbers are the C ABI's `dialtime_status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ErrorKind {
    Validation = 1,
    Authentication = 2,
    NotFound = 3,
    RateLimited = 4,
    Api = 5,
    Server = 6,
    Timeout = 7,
    Connection = 8,
    Decode = 9,
    Config = 10,
}

impl ErrorKind {
    /// A stable lower-case name (`"rate_limited"`), used as the error code in bindings.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::Authentication => "authentication",
            ErrorKind::NotFound => "not_found",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Api => "api",
            ErrorKind::Server => "server",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Connection => "connection",
            ErrorKind::Decode => "decode",
            ErrorKind::Config => "config",
        }
    }

    /// The error class the Python and Node bindings raise for this kind (`ValidationError`,
    /// `RateLimitError`, …): one list, so the two cannot drift apart.
    pub fn class_name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "ValidationError",
            ErrorKind::Authentication => "AuthenticationError",
            ErrorKind::NotFound => "NotFoundError",
            ErrorKind::RateLimited => "RateLimitError",
            ErrorKind::Api => "APIError",
            ErrorKind::Server => "ServerError",
            ErrorKind::Timeout => "APITimeoutError",
            ErrorKind::Connection => "APIConnectionError",
            ErrorKind::Decode => "DecodeError",
            ErrorKind::Config => "ConfigError",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything that can go wrong in dialtime.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The payload or an argument breaks dialtime's rules; nothing was sent.
    /// Holds every problem found, in payload order.
    Validation(Vec<Problem>),
    /// 401 or 403: the token is missing, wrong, expired, or lacks access.
    Authentication(ApiError),
    /// 404: the route, user or group does not exist.
    NotFound(ApiError),
    /// 429: too many requests. `retry_after` is the server's `Retry-After`, when given.
    RateLimited {
        error: ApiError,
        retry_after: Option<Duration>,
    },
    /// Any other error answer (a 422, another 4xx, an error envelope inside a 200).
    Api(ApiError),
    /// 5xx.
    Server(ApiError),
    /// No complete answer within the configured timeout.
    Timeout { message: String },
    /// The connection could not be made or broke before an answer arrived.
    Connection { message: String },
    /// The answer was not the documented shape.
    Decode {
        http_status: u16,
        expected: String,
        detail: String,
        body: String,
    },
    /// The client is misconfigured or misused: bad base URL, bad token, bad certificate,
    /// the blocking client called inside an async runtime.
    Config { message: String },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation(_) => ErrorKind::Validation,
            Error::Authentication(_) => ErrorKind::Authentication,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::RateLimited { .. } => ErrorKind::RateLimited,
            Error::Api(_) => ErrorKind::Api,
            Error::Server(_) => ErrorKind::Server,
            Error::Timeout { .. } => ErrorKind::Timeout,
            Error::Connection { .. } => ErrorKind::Connection,
            Error::Decode { .. } => ErrorKind::Decode,
            Error::Config { .. } => ErrorKind::Config,
        }
    }

    /// The platform's answer, for the kinds that have one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Authentication(e)
            | Error::NotFound(e)
            | Error::Api(e)
            | Error::Server(e)
            | Error::RateLimited { error: e, .. } => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Decode { http_status, .. } => Some(*http_status),
            _ => self.api_error().map(|e| e.http_status),
        }
    }

    /// The validation problems (client side), or the field errors the server returned.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Validation(problems) => problems,
            _ => self.api_error().map_or(&[], |e| &e.errors),
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The start of the raw response body, when there was one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Decode { body, .. } => Some(body),
            _ => self.api_error().map(|e| e.body.as_str()),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(problems) => {
                write!(f, "invalid request ({} problem", problems.len())?;
                if problems.len() != 1 {
                    f.write_str("s")?;
                }
                f.write_str("): ")?;
                for (i, p) in problems.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{p}")?;
                }
                Ok(())
            }
            Error::RateLimited { error, retry_after } => {
                write!(f, "rate limited (HTTP {}): {}", error.http_status, error.message)?;
                if let Some(d) = retry_after {
                    write!(f, " (retry after {} s)", d.as_secs_f64())?;
                }
                Ok(())
            }
            Error::Authentication(e) | Error::NotFound(e) | Error::Api(e) | Error::Server(e) => {
                let what = match self.kind() {
                    ErrorKind::Authentication => "authentication failed",
                    ErrorKind::NotFound => "not found",
                    ErrorKind::Server => "server error",
                    _ => "API error",
                };
                write!(f, "{what} (HTTP {}", e.http_status)?;
                if let Some(code) = e.code.filter(|c| *c != i64::from(e.http_status)) {
                    write!(f, ", code {code}")?;
                }
                write!(f, "): {}", e.message)?;
                for p in &e.errors {
                    write!(f, "; {p}")?;
                }
                Ok(())
            }
            Error::Timeout { message } => write!(f, "timed out: {message}"),
            Error::Connection { message } => write!(f, "connection failed: {message}"),
            Error::Decode {
                http_status,
                expected,
                detail,
                body,
            } => write!(
                f,
                "unexpected response (HTTP {http_status}): expected {expected}: {detail}; body starts: {body:?}"
            ),
            Error::Config { message } => write!(f, "configuration error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
