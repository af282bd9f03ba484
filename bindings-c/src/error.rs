//! The one place where a core error (or a bad argument, or a panic) becomes a C status and a
//! `dialtime_error` handle.

use std::ffi::{c_char, CString};
use std::ptr;

use dialtime::ErrorKind;

use super::ffi::{c_string, free_box, Failure};

/// The result of every fallible function. The numbering is stable: 1–10 and 13 are the core's
/// error kinds, with the core's numbers; 11 and 12 are the C ABI's own.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dialtime_status {
    /// Success; the outputs were written.
    Ok = 0,
    /// The input breaks a rule; nothing was sent. See the problems.
    Validation = 1,
    /// HTTP 401 / 403.
    Authentication = 2,
    /// HTTP 404.
    NotFound = 3,
    /// HTTP 429 (see dialtime_error_retry_after_ms).
    RateLimited = 4,
    /// Any other refusal: 422, other 4xx, an error envelope inside HTTP 200.
    Api = 5,
    /// HTTP 5xx.
    Server = 6,
    /// No complete answer within the timeout.
    Timeout = 7,
    /// Refused, reset, DNS, TLS.
    Connection = 8,
    /// The answer was not the documented shape.
    Decode = 9,
    /// Bad configuration: no token, bad base URL, bad timeout.
    Config = 10,
    /// A NULL, non-UTF-8 or out-of-range argument.
    InvalidArgument = 11,
    /// A bug in dialtime was caught at the boundary (please report it).
    Panic = 12,
    /// A schedule query with skip_holiday touched a year the holiday calendar does not cover
    /// (see dialtime_error_year).
    CalendarNotCovered = 13,
}

/// The details of a failure. Owned by the caller: free with dialtime_error_free. Its
/// accessors are README's "Names across languages": kind, message, http_status,
/// envelope_code, api_message, problems, body_excerpt, retry_after_ms.
pub struct dialtime_error {
    pub(crate) kind: dialtime_status,
    message: CString,
    http_status: u16,
    envelope_code: Option<i64>,
    api_message: Option<CString>,
    body_excerpt: Option<CString>,
    retry_after_ms: i64,
    problems: Vec<(CString, CString)>,
    /// What the call did: method, path, request id, attempts, elapsed ms, deadline passed.
    call: Option<CallDetails>,
    year: i32,
    may_have_been_applied: bool,
    /// The strings a scrub replaced: a caller may still hold them (accessor strings stay
    /// valid until the error is freed).
    retired: Vec<CString>,
}

impl dialtime_error {
    pub(crate) fn from_failure(failure: Failure) -> Self {
        match failure {
            Failure::Core(e) => Self::from_core(&e),
            Failure::InvalidArgument(message) => {
                Self::plain(dialtime_status::InvalidArgument, message)
            }
        }
    }

    /// Without `token`, for a validation error made where the client was not at hand
    /// (`Token::scrub`, the client's own rule, on the problems it was made from). The
    /// strings it replaces stay allocated until the error is freed: a caller may hold them.
    pub(crate) fn scrub(&mut self, token: &dialtime::Token) {
        if self.kind != dialtime_status::Validation {
            return;
        }
        let problems: Vec<dialtime::Problem> = self
            .problems
            .iter()
            .map(|(path, message)| {
                dialtime::Problem::new(path.to_string_lossy(), message.to_string_lossy())
            })
            .collect();
        let scrubbed = token.scrub(dialtime::Error::Validation(problems.clone()));
        if scrubbed.problems() == problems.as_slice() {
            return;
        }
        let mut fresh = Self::from_core(&scrubbed);
        let old = std::mem::replace(self, Self::plain(self.kind, String::new()));
        fresh.retired = old.retired;
        fresh.retired.push(old.message);
        for (path, message) in old.problems {
            fresh.retired.extend([path, message]);
        }
        *self = fresh;
    }

    pub(crate) fn panicked() -> Self {
        Self::plain(
            dialtime_status::Panic,
            "internal error in dialtime (a bug: please report it)".to_owned(),
        )
    }

    fn plain(kind: dialtime_status, message: String) -> Self {
        dialtime_error {
            kind,
            message: c_string(message),
            http_status: 0,
            envelope_code: None,
            api_message: None,
            body_excerpt: None,
            retry_after_ms: -1,
            problems: Vec::new(),
            call: None,
            year: 0,
            may_have_been_applied: false,
            retired: Vec::new(),
        }
    }

    fn from_core(e: &dialtime::Error) -> Self {
        dialtime_error {
            kind: status_of(e.kind()),
            message: c_string(e.to_string()),
            http_status: e.http_status().unwrap_or(0),
            envelope_code: e.envelope_code(),
            api_message: e.api_message().map(c_string),
            body_excerpt: e.body_excerpt().map(c_string),
            retry_after_ms: e
                .retry_after()
                .map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            problems: e
                .problems()
                .iter()
                .map(|p| (c_string(p.path.as_str()), c_string(p.message.as_str())))
                .collect(),
            call: e.call().map(|c| {
                (
                    c_string(c.method),
                    c_string(c.path.as_str()),
                    c.request_id.as_deref().map(c_string),
                    c.attempts,
                    i64::try_from(c.elapsed.as_millis()).unwrap_or(i64::MAX),
                    c.deadline_passed,
                )
            }),
            year: match e {
                dialtime::Error::CalendarNotCovered { year } => i32::from(*year),
                _ => 0,
            },
            may_have_been_applied: e.may_have_been_applied(),
            retired: Vec::new(),
        }
    }
}

/// The status of a core kind: the same number (tests/header.rs checks every kind).
fn status_of(kind: ErrorKind) -> dialtime_status {
    match kind {
        ErrorKind::Validation => dialtime_status::Validation,
        ErrorKind::Authentication => dialtime_status::Authentication,
        ErrorKind::NotFound => dialtime_status::NotFound,
        ErrorKind::RateLimited => dialtime_status::RateLimited,
        ErrorKind::Api => dialtime_status::Api,
        ErrorKind::Server => dialtime_status::Server,
        ErrorKind::Timeout => dialtime_status::Timeout,
        ErrorKind::Connection => dialtime_status::Connection,
        ErrorKind::Decode => dialtime_status::Decode,
        ErrorKind::Config => dialtime_status::Config,
        ErrorKind::CalendarNotCovered => dialtime_status::CalendarNotCovered,
        // A kind added to the core without a status here: reported as the bug it is.
        _ => dialtime_status::Panic,
    }
}

/// The status this error was returned with; DIALTIME_STATUS_INVALID_ARGUMENT for NULL.
#[no_mangle]
pub extern "C" fn dialtime_error_kind(err: *const dialtime_error) -> dialtime_status {
    // SAFETY: NULL or a live handle (header contract).
    unsafe { err.as_ref() }.map_or(dialtime_status::InvalidArgument, |e| e.kind)
}

/// The message (never contains the token). Borrowed from `err`; NULL for NULL.
#[no_mangle]
pub extern "C" fn dialtime_error_message(err: *const dialtime_error) -> *const c_char {
    unsafe { err.as_ref() }.map_or(ptr::null(), |e| e.message.as_ptr())
}

/// The HTTP status of the answer, or 0 when there was none.
#[no_mangle]
pub extern "C" fn dialtime_error_http_status(err: *const dialtime_error) -> u16 {
    unsafe { err.as_ref() }.map_or(0, |e| e.http_status)
}

/// The envelope's `code` of the platform's answer: true and `*out` written when it had one;
/// false (and `*out` untouched) otherwise, or for NULL arguments.
#[no_mangle]
pub unsafe extern "C" fn dialtime_error_envelope_code(
    err: *const dialtime_error,
    out: *mut i64,
) -> bool {
    match (
        unsafe { err.as_ref() }.and_then(|e| e.envelope_code),
        unsafe { out.as_mut() },
    ) {
        (Some(code), Some(out)) => {
            *out = code;
            true
        }
        _ => false,
    }
}

/// The platform's own message (the envelope's `message`, at most 2,000 characters, control
/// characters escaped); NULL when there was no answer.
/// Borrowed from `err`.
#[no_mangle]
pub extern "C" fn dialtime_error_api_message(err: *const dialtime_error) -> *const c_char {
    unsafe { err.as_ref() }
        .and_then(|e| e.api_message.as_ref())
        .map_or(ptr::null(), |m| m.as_ptr())
}

/// The start of the raw answer (never with the token); NULL when there was none. Borrowed
/// from `err`.
#[no_mangle]
pub extern "C" fn dialtime_error_body_excerpt(err: *const dialtime_error) -> *const c_char {
    unsafe { err.as_ref() }
        .and_then(|e| e.body_excerpt.as_ref())
        .map_or(ptr::null(), |m| m.as_ptr())
}

/// For DIALTIME_STATUS_RATE_LIMITED and DIALTIME_STATUS_SERVER: the server's Retry-After in
/// milliseconds; -1 when absent.
#[no_mangle]
pub extern "C" fn dialtime_error_retry_after_ms(err: *const dialtime_error) -> i64 {
    unsafe { err.as_ref() }.map_or(-1, |e| e.retry_after_ms)
}

/// How many problems (validation problems, or the server's field errors) there are.
#[no_mangle]
pub extern "C" fn dialtime_error_problem_count(err: *const dialtime_error) -> usize {
    unsafe { err.as_ref() }.map_or(0, |e| e.problems.len())
}

/// The path of problem `i`, e.g. "content[1].times[0].end_time". Borrowed from `err`; NULL
/// when `i` is out of range.
#[no_mangle]
pub extern "C" fn dialtime_error_problem_path(
    err: *const dialtime_error,
    i: usize,
) -> *const c_char {
    problem(err, i).map_or(ptr::null(), |p| p.0.as_ptr())
}

/// The message of problem `i`. Borrowed from `err`; NULL when `i` is out of range.
#[no_mangle]
pub extern "C" fn dialtime_error_problem_message(
    err: *const dialtime_error,
    i: usize,
) -> *const c_char {
    problem(err, i).map_or(ptr::null(), |p| p.1.as_ptr())
}

fn problem<'a>(err: *const dialtime_error, i: usize) -> Option<&'a (CString, CString)> {
    unsafe { err.as_ref() }.and_then(|e| e.problems.get(i))
}

/// The HTTP method of the failed call ("GET", …); NULL for errors that are not of a call
/// (validation, configuration). Borrowed from `err`.
#[no_mangle]
pub extern "C" fn dialtime_error_method(err: *const dialtime_error) -> *const c_char {
    call(err).map_or(ptr::null(), |c| c.0.as_ptr())
}

/// The URL path the failed call used (ids included, never the query); NULL when not of a
/// call. Borrowed from `err`.
#[no_mangle]
pub extern "C" fn dialtime_error_path(err: *const dialtime_error) -> *const c_char {
    call(err).map_or(ptr::null(), |c| c.1.as_ptr())
}

/// The request id of the platform's last answer (x-request-id, x-trace-id, …); NULL when it
/// sent none. Borrowed from `err`.
#[no_mangle]
pub extern "C" fn dialtime_error_request_id(err: *const dialtime_error) -> *const c_char {
    call(err)
        .and_then(|c| c.2.as_ref())
        .map_or(ptr::null(), |id| id.as_ptr())
}

/// How many attempts the failed call made; 0 when not of a call.
#[no_mangle]
pub extern "C" fn dialtime_error_attempts(err: *const dialtime_error) -> u32 {
    call(err).map_or(0, |c| c.3)
}

/// Milliseconds from the start of the failed call to the error; -1 when not of a call.
#[no_mangle]
pub extern "C" fn dialtime_error_elapsed_ms(err: *const dialtime_error) -> i64 {
    call(err).map_or(-1, |c| c.4)
}

/// Whether the deadline ended the call (an attempt cut short, or a retry not started).
#[no_mangle]
pub extern "C" fn dialtime_error_deadline_passed(err: *const dialtime_error) -> bool {
    call(err).is_some_and(|c| c.5)
}

/// Whether a failed write may still have been made: an attempt got no answer (a timeout, a
/// connection lost after sending), a gateway's 502/504 or a 2xx that could not be read.
/// Before sending it again (a create is not retried once it may have reached the server),
/// list to see whether it was. False for reads, for errors not of a call and for NULL.
#[no_mangle]
pub extern "C" fn dialtime_error_may_have_been_applied(err: *const dialtime_error) -> bool {
    unsafe { err.as_ref() }.is_some_and(|e| e.may_have_been_applied)
}

/// For DIALTIME_STATUS_CALENDAR_NOT_COVERED: the year the holiday calendar does not cover;
/// 0 otherwise.
#[no_mangle]
pub extern "C" fn dialtime_error_year(err: *const dialtime_error) -> i32 {
    unsafe { err.as_ref() }.map_or(0, |e| e.year)
}

type CallDetails = (CString, CString, Option<CString>, u32, i64, bool);

fn call<'a>(err: *const dialtime_error) -> Option<&'a CallDetails> {
    unsafe { err.as_ref() }.and_then(|e| e.call.as_ref())
}

/// Frees an error. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_error_free(err: *mut dialtime_error) {
    unsafe { free_box(err) }
}
