//! The one error type of dialtime.
//!
//! Every fallible function in the crate returns [`Error`]. Its [`ErrorKind`] is stable: each
//! binding maps it exactly once (Python exception classes, Node error classes, C status
//! values), taking the kind's name from [`ErrorKind::as_str`] and its number from
//! [`ErrorKind::number`]. No variant ever holds the API token.
//!
//! The concepts an error carries, by their names in every language (README, "Names across
//! languages"): `kind`, `http_status`, `envelope_code`, `message` (the full text: `Display`),
//! `api_message` (the platform's own message), `problems`, `body_excerpt`, `retry_after`.

use std::fmt;
use std::time::Duration;

/// One problem found in a payload or argument: where, and which rule it breaks.
///
/// `path` uses the payload's own field names: `name`, `content[1].times[0].end_time`,
/// `user_id`. `message` names the rule and the offending value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Where: `name`, `content[1].times[0].end_time`, `$` for the payload itself.
    pub path: String,
    /// Which rule, and what was given.
    pub message: String,
}

impl Problem {
    /// A problem at `path`.
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
#[derive(Debug, Default, Clone)]
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
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status of the response (200 for an error envelope inside a 200).
    pub http_status: u16,
    /// The envelope's `code`, when the body had one.
    pub envelope_code: Option<i64>,
    /// The envelope's `message`, or the HTTP reason when the body had none: at most 2,000
    /// characters, control characters and bidirectional overrides escaped (`\u{1b}`).
    pub api_message: String,
    /// Field errors (`errors` of a 422), one entry per message.
    pub problems: Vec<Problem>,
    /// The start of the raw response body, for diagnostics (never with the token).
    pub body_excerpt: String,
    /// The response's headers, names in lower case, in the order received (values that are
    /// not UTF-8 are shown lossily).
    pub headers: Vec<(String, String)>,
    /// A 5xx's `Retry-After` (a 503 during maintenance), when given (capped at a year); a
    /// 429's is [`Error::RateLimited`]'s own.
    pub retry_after: Option<Duration>,
    /// What the call did; `None` for an answer decoded without a call (tests, fuzzing).
    pub call: Option<Box<CallInfo>>,
}

/// What a failed call did: the endpoint, how many attempts, how long, and why it stopped.
/// Never holds the token or the query string.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallInfo {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The URL path called, ids included (`/agent-api/user/…/dial-time-group/7`); never the
    /// query.
    pub path: String,
    /// How many attempts were made (1 when the first one failed for good).
    pub attempts: u32,
    /// From the start of the call to the error, waits included.
    pub elapsed: Duration,
    /// The call's deadline, when it had one.
    pub deadline: Option<Duration>,
    /// The deadline ended the call: an attempt was cut short by it, or a retry was not
    /// started because its wait would have ended after it.
    pub deadline_passed: bool,
    /// The second case: the deadline had not passed, but left no time for the wait before
    /// the next attempt (the message says so rather than that it passed).
    pub(crate) no_time_to_retry: bool,
    /// The last answer's request id (`x-request-id`, `x-trace-id`, `x-b3-traceid`, …), when
    /// the platform sent one: quote it to the platform's support.
    pub request_id: Option<String>,
    /// An attempt that reached the server may have done the call's change: it got no answer
    /// (a timeout, a connection lost), a gateway's 502 or 504, or a 2xx that could not be
    /// read ([`Error::may_have_been_applied`]). Any attempt counts, not only the last: an
    /// update answered 504 and then, retried, 503 may have been made by the first. False when
    /// every attempt was refused or never sent, and always for a read.
    pub may_have_been_applied: bool,
}

impl fmt::Display for CallInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = if self.attempts == 1 { "" } else { "s" };
        write!(
            f,
            "{} {}: {} attempt{s} in {}",
            self.method,
            self.path,
            self.attempts,
            ShowDuration(self.elapsed)
        )?;
        if let (true, Some(d)) = (self.deadline_passed, self.deadline) {
            match self.no_time_to_retry {
                true => write!(
                    f,
                    "; the deadline of {} left no time to wait for another attempt",
                    ShowDuration(d)
                )?,
                false => write!(f, "; the deadline of {} passed", ShowDuration(d))?,
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, "; request id {id}")?;
        }
        Ok(())
    }
}

/// A duration as people read it: `850 ms`, `2.5 s`.
pub(crate) struct ShowDuration(pub(crate) Duration);

impl fmt::Display for ShowDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0.as_secs_f64() * 1000.0;
        if ms < 1000.0 {
            write!(f, "{} ms", ms.round())
        } else {
            write!(f, "{} s", (ms / 10.0).round() / 100.0)
        }
    }
}

/// The kind of an [`Error`], without its details. Stable: bindings map it one to one, and the
/// numbers are the C ABI's `dialtime_status` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input breaks a rule; nothing was sent.
    Validation = 1,
    /// HTTP 401 or 403.
    Authentication = 2,
    /// HTTP 404.
    NotFound = 3,
    /// HTTP 429.
    RateLimited = 4,
    /// Any other refusal: 422, another 4xx, an error envelope inside a 2xx.
    Api = 5,
    /// HTTP 5xx.
    Server = 6,
    /// No complete answer within the timeout.
    Timeout = 7,
    /// The connection could not be made or broke before an answer arrived.
    Connection = 8,
    /// The answer was not the documented shape.
    Decode = 9,
    /// The client is misconfigured or misused.
    Config = 10,
    /// A schedule query touched a year the holiday calendar does not cover.
    CalendarNotCovered = 13,
}

impl ErrorKind {
    /// Every kind, in number order: bindings and their tests enumerate it, so no language
    /// keeps its own copy of the list.
    pub const ALL: [ErrorKind; 11] = [
        ErrorKind::Validation,
        ErrorKind::Authentication,
        ErrorKind::NotFound,
        ErrorKind::RateLimited,
        ErrorKind::Api,
        ErrorKind::Server,
        ErrorKind::Timeout,
        ErrorKind::Connection,
        ErrorKind::Decode,
        ErrorKind::Config,
        ErrorKind::CalendarNotCovered,
    ];

    /// A stable lower-case name (`"rate_limited"`): the `kind` attribute in every binding.
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
            ErrorKind::CalendarNotCovered => "calendar_not_covered",
        }
    }

    /// The stable number (1–10, 13): the C ABI's `dialtime_status` value (11 and 12 are the
    /// C ABI's own: a bad argument, a caught panic).
    pub fn number(self) -> u8 {
        self as u8
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
    /// Holds every problem found, in payload order (at most [`MAX_PROBLEMS`] and a summary).
    Validation(Vec<Problem>),
    /// 401 or 403: the token is missing, wrong, expired, or lacks access.
    Authentication(Box<ApiError>),
    /// 404: the route, user or group does not exist.
    NotFound(Box<ApiError>),
    /// 429: too many requests. `retry_after` is the server's `Retry-After`, when given.
    RateLimited {
        /// The answer.
        error: Box<ApiError>,
        /// The server's `Retry-After`, when given (capped at a year).
        retry_after: Option<Duration>,
    },
    /// Any other error answer (a 422, another 4xx, an error envelope inside a 200).
    Api(Box<ApiError>),
    /// 5xx.
    Server(Box<ApiError>),
    /// No complete answer within the configured timeout (or what was left of the deadline).
    Timeout {
        /// What timed out.
        message: String,
        /// What the call did.
        call: Option<Box<CallInfo>>,
    },
    /// The connection could not be made or broke before an answer arrived.
    Connection {
        /// What happened, with the transport's causes.
        message: String,
        /// What the call did.
        call: Option<Box<CallInfo>>,
    },
    /// The answer was not the documented shape.
    Decode {
        /// The HTTP status of the answer.
        http_status: u16,
        /// What was expected.
        expected: String,
        /// Why the answer is not that.
        detail: String,
        /// The start of the raw body (never with the token).
        body_excerpt: String,
        /// What the call did.
        call: Option<Box<CallInfo>>,
    },
    /// The client is misconfigured or misused: bad base URL, bad token, bad certificate,
    /// the blocking client called inside an async runtime.
    Config {
        /// What is wrong, naming the setting.
        message: String,
    },
    /// A schedule query with `skip_holiday` touched a year the holiday calendar does not
    /// cover (holidays are never guessed): load that year's notice, or build the schedule
    /// with `assume_no_holidays`.
    CalendarNotCovered {
        /// The year.
        year: i16,
    },
}

impl Error {
    /// The kind, for matching without the details.
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
            Error::CalendarNotCovered { .. } => ErrorKind::CalendarNotCovered,
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

    /// Whether a write that failed so may still have been done by the server: any attempt of
    /// the call got no answer (a timeout, a connection lost or cut short, unless it never
    /// reached the server), a gateway's 502 or 504 (which may follow the work done upstream),
    /// or a 2xx that could not be read ([`CallInfo::may_have_been_applied`]). False when every
    /// attempt was refused (a 503, a 4xx, an error envelope) or never sent, for a read, and
    /// for an error that is not of a call (validation, a list that kept changing under
    /// `ensure`).
    pub fn may_have_been_applied(&self) -> bool {
        self.call().is_some_and(|call| call.may_have_been_applied)
    }

    /// [`may_have_been_applied`](Self::may_have_been_applied) for one attempt's error, before
    /// the call's details are added: what the retry loop gathers over the attempts.
    pub(crate) fn attempt_may_have_been_applied(&self) -> bool {
        matches!(self.kind(), ErrorKind::Timeout | ErrorKind::Connection)
            || matches!(self.http_status(), Some(502 | 504))
            || matches!(
                self,
                Error::Decode {
                    http_status: 200..=299,
                    ..
                }
            )
    }

    /// The envelope's `code`, when the platform's answer had one.
    pub fn envelope_code(&self) -> Option<i64> {
        self.api_error().and_then(|e| e.envelope_code)
    }

    /// The platform's own message (the envelope's `message`), when it answered.
    pub fn api_message(&self) -> Option<&str> {
        self.api_error().map(|e| e.api_message.as_str())
    }

    /// The validation problems (client side), or the field errors the server returned.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Validation(problems) => problems,
            _ => self.api_error().map_or(&[], |e| &e.problems),
        }
    }

    /// The server's `Retry-After`, for a 429 or a 5xx that sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::Server(e) => e.retry_after,
            _ => None,
        }
    }

    /// The start of the raw response body, when there was one.
    pub fn body_excerpt(&self) -> Option<&str> {
        match self {
            Error::Decode { body_excerpt, .. } => Some(body_excerpt),
            _ => self.api_error().map(|e| e.body_excerpt.as_str()),
        }
    }

    /// What the call did (endpoint, attempts, time, request id), for errors of a call.
    pub fn call(&self) -> Option<&CallInfo> {
        match self {
            Error::Timeout { call, .. }
            | Error::Connection { call, .. }
            | Error::Decode { call, .. } => call.as_deref(),
            _ => self.api_error().and_then(|e| e.call.as_deref()),
        }
    }

    /// The request id of the platform's last answer, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.call().and_then(|c| c.request_id.as_deref())
    }

    /// The response headers of an error answer (empty for the kinds without one).
    pub fn headers(&self) -> &[(String, String)] {
        self.api_error().map_or(&[], |e| &e.headers)
    }

    /// Attaches what the call did.
    pub(crate) fn with_call(mut self, info: CallInfo) -> Self {
        let slot = match &mut self {
            Error::Timeout { call, .. }
            | Error::Connection { call, .. }
            | Error::Decode { call, .. } => call,
            Error::Authentication(e)
            | Error::NotFound(e)
            | Error::Api(e)
            | Error::Server(e)
            | Error::RateLimited { error: e, .. } => &mut e.call,
            Error::Validation(_) | Error::Config { .. } | Error::CalendarNotCovered { .. } => {
                return self
            }
        };
        *slot = Some(Box::new(info));
        self
    }

    pub(crate) fn timeout(message: impl Into<String>) -> Self {
        Error::Timeout {
            message: message.into(),
            call: None,
        }
    }

    pub(crate) fn connection(message: impl Into<String>) -> Self {
        Error::Connection {
            message: message.into(),
            call: None,
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
        self.fmt_own(f)?;
        match self.call() {
            Some(call) => write!(f, " ({call})"),
            None => Ok(()),
        }
    }
}

impl Error {
    /// The message without the call's details.
    fn fmt_own(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
                write!(
                    f,
                    "rate limited (HTTP {}): {}",
                    error.http_status, error.api_message
                )?;
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
                if let Some(code) = e.envelope_code.filter(|c| *c != i64::from(e.http_status)) {
                    write!(f, ", code {code}")?;
                }
                write!(f, "): {}", e.api_message)?;
                for p in &e.problems {
                    write!(f, "; {p}")?;
                }
                Ok(())
            }
            Error::Timeout { message, .. } => write!(f, "timed out: {message}"),
            Error::Connection { message, .. } => write!(f, "connection failed: {message}"),
            Error::Decode {
                http_status,
                expected,
                detail,
                body_excerpt,
                ..
            } => write!(
                f,
                "unexpected response (HTTP {http_status}): expected {expected}: {detail}; body starts: {body_excerpt:?}"
            ),
            Error::Config { message } => write!(f, "configuration error: {message}"),
            Error::CalendarNotCovered { year } => write!(
                f,
                "the holiday calendar does not cover {year}: load that year's notice \
                 (holiday-cn JSON) or build the schedule with assume_no_holidays"
            ),
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
