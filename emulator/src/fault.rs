//! Test hooks: faults the emulator applies to the next API requests, so client behaviour
//! (timeouts, error envelopes, broken bodies, dropped connections) can be exercised.
//!
//! Queue one in-process with [`crate::Emulator::push_fault`] (or [`crate::Emulator::fault`],
//! which removes it again at the end of a scope), or over HTTP from any language:
//! `POST /_emulator/faults` with the fault as JSON answers `{"ok":true,"id":N}` (429 once
//! 256 faults are queued: nothing bounds how long an unused one waits),
//! `DELETE /_emulator/faults/N` removes that one, `DELETE /_emulator/faults` clears the queue.
//! Each fault applies to the next `times` API requests (control requests do not count).

use serde::{Deserialize, Serialize};

/// What to do to the next request(s). All fields are optional; `{}` does nothing but count.
///
/// - `delay_ms` alone: answer normally, after the delay.
/// - `status` and/or `body` (or `code`/`message` alone: HTTP 200): answer with them instead of
///   handling the request. Without `body` the answer is the platform's error envelope with
///   `code` (default: `status`) and `message` (default: a Chinese text for the status).
///   `status` is 200 to 599.
/// - `retry_after`: a `Retry-After` header, on the fault's answer or the normal one.
/// - `drop`: close the connection without answering (after the request arrived).
/// - `content_type`: the answer's `Content-Type` instead of `application/json`.
/// - `pad_to_bytes`: pad the answer's body with trailing spaces (still the same JSON) to this
///   many bytes (at most [`MAX_PAD_BYTES`], 64 MiB), e.g. past a client's body limit.
/// - `truncate`: announce the whole body (`Content-Length`), send its first half, then close
///   the connection.
/// - `method`: only requests of this method (`"POST"`) take the fault; others pass it by.
/// - `headers`: extra response headers (`{"retry-after-ms": "250", "x-request-id": "r-1"}`),
///   on the fault's own answer or the normal one. Not the message's framing
///   ([`FRAMING_HEADERS`]: `truncate` breaks that): `from_json` refuses them, and one added
///   with `with_header` is not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub delay_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pad_to_bytes: Option<usize>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncate: bool,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub headers: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// How many requests this fault applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
}

/// A queued fault, to remove it before it is used up ([`crate::Emulator::remove_fault`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FaultId(pub(crate) u64);

impl FaultId {
    /// The number the HTTP control route and the other languages use.
    pub fn get(self) -> u64 {
        self.0
    }

    pub fn from_u64(id: u64) -> FaultId {
        FaultId(id)
    }
}

fn one() -> u32 {
    1
}

/// Does nothing but count, once (`times` 1, as in the JSON form).
impl Default for Fault {
    fn default() -> Self {
        Fault {
            delay_ms: 0,
            status: None,
            code: None,
            message: None,
            retry_after: None,
            body: None,
            drop: false,
            content_type: None,
            pad_to_bytes: None,
            truncate: false,
            headers: Default::default(),
            method: None,
            times: 1,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The most `pad_to_bytes` may ask for: past every client's body limit (8 MiB), and an
/// allocation the emulator can make (a larger one could abort the process hosting it).
pub const MAX_PAD_BYTES: usize = 64 << 20;

/// The headers that frame an HTTP/1.1 message, which the emulator writes itself: a fault
/// setting `content-length: 1` on a 150-byte answer would leave the rest of the body on the
/// connection, read by the client as the start of the next answer.
pub const FRAMING_HEADERS: [&str; 7] = [
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
];

/// A problem's path inside `root` (serde_path_to_error's `.` is the root itself):
/// `fault.status`, `fault.headers.x-a`.
pub(crate) fn within(root: &str, path: &str) -> String {
    if path == "." || path.is_empty() {
        root.to_owned()
    } else {
        format!("{root}.{path}")
    }
}

/// Whether `name` is one of the [`FRAMING_HEADERS`].
pub(crate) fn is_framing(name: &str) -> bool {
    FRAMING_HEADERS.iter().any(|f| f.eq_ignore_ascii_case(name))
}

impl Fault {
    /// A fault from its JSON form (the body of `POST /_emulator/faults`); an unknown field or
    /// a wrong type is a `Validation` error naming it.
    pub fn from_json(value: serde_json::Value) -> Result<Fault, dialtime::Error> {
        let fault: Fault = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = within("fault", &e.path().to_string());
            dialtime::Error::Validation(vec![dialtime::Problem::new(
                path,
                e.into_inner().to_string(),
            )])
        })?;
        if fault.pad_to_bytes.is_some_and(|n| n > MAX_PAD_BYTES) {
            return Err(dialtime::Error::Validation(vec![dialtime::Problem::new(
                "fault",
                format!("pad_to_bytes must be at most {MAX_PAD_BYTES} (64 MiB)"),
            )]));
        }
        if let Some(name) = fault.headers.keys().find(|name| is_framing(name)) {
            return Err(dialtime::Error::Validation(vec![dialtime::Problem::new(
                format!("fault.headers.{name}"),
                "the message's framing is the emulator's (`truncate` breaks it)",
            )]));
        }
        // Checked now: a fault that cannot be sent as asked was queued, used up and ignored
        // (a 101 status even switched protocols).
        let refuse = |path: String, message: String| {
            Err(dialtime::Error::Validation(vec![dialtime::Problem::new(
                path, message,
            )]))
        };
        if let Some(status) = fault.status.filter(|s| !(200..=599).contains(s)) {
            return refuse(
                "fault.status".into(),
                format!("must be an HTTP status from 200 to 599, got {status}"),
            );
        }
        if let Some(status @ (204 | 304)) = fault.status {
            let bodied = [
                ("body", fault.body.is_some()),
                ("code", fault.code.is_some()),
                ("message", fault.message.is_some()),
                ("pad_to_bytes", fault.pad_to_bytes.is_some()),
                ("truncate", fault.truncate),
            ];
            if let Some((field, _)) = bodied.iter().find(|(_, given)| *given) {
                // hyper sends neither body: a truncated 204 announced a Content-Length and
                // kept the connection open, the others were silently empty.
                return refuse(
                    format!("fault.{field}"),
                    format!("cannot apply: a {status} answer has no body"),
                );
            }
        }
        // A typo (`"GTE"`) matched no request and stayed queued. Any case, as it is matched.
        const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
        if let Some(method) = fault
            .method
            .as_deref()
            .filter(|m| !METHODS.iter().any(|k| k.eq_ignore_ascii_case(m)))
        {
            return refuse(
                "fault.method".into(),
                format!("must be one of {}, got {method:?}", METHODS.join(", ")),
            );
        }
        for (name, value) in &fault.headers {
            if hyper::header::HeaderName::try_from(name.as_str()).is_err()
                || hyper::header::HeaderValue::try_from(value.as_str()).is_err()
            {
                return refuse(
                    format!("fault.headers.{name}"),
                    "is not a valid HTTP header name and value".into(),
                );
            }
        }
        for (field, value) in [
            ("content_type", &fault.content_type),
            ("retry_after", &fault.retry_after),
        ] {
            if value
                .as_deref()
                .is_some_and(|v| hyper::header::HeaderValue::try_from(v).is_err())
            {
                return refuse(
                    format!("fault.{field}"),
                    "is not a valid HTTP header value".into(),
                );
            }
        }
        Ok(fault)
    }

    /// Answer with `status` and the platform's error envelope.
    pub fn status(status: u16) -> Fault {
        Fault {
            status: Some(status),
            times: 1,
            ..Fault::default()
        }
    }

    /// Answer HTTP 200 with an error envelope whose `code` is `code`.
    pub fn envelope_error(code: i64, message: &str) -> Fault {
        Fault {
            status: Some(200),
            code: Some(code),
            message: Some(message.to_owned()),
            times: 1,
            ..Fault::default()
        }
    }

    /// Answer with this raw body (HTTP 200 unless `status` is set too).
    pub fn body(body: impl Into<String>) -> Fault {
        Fault {
            body: Some(body.into()),
            times: 1,
            ..Fault::default()
        }
    }

    /// Wait before answering normally.
    pub fn delay(ms: u64) -> Fault {
        Fault {
            delay_ms: ms,
            times: 1,
            ..Fault::default()
        }
    }

    /// Close the connection without answering.
    pub fn drop_connection() -> Fault {
        Fault {
            drop: true,
            times: 1,
            ..Fault::default()
        }
    }

    /// Answer with this HTTP status.
    pub fn with_status(mut self, status: u16) -> Fault {
        self.status = Some(status);
        self
    }

    pub fn with_retry_after(mut self, value: impl Into<String>) -> Fault {
        self.retry_after = Some(value.into());
        self
    }

    pub fn with_delay_ms(mut self, ms: u64) -> Fault {
        self.delay_ms = ms;
        self
    }

    pub fn times(mut self, n: u32) -> Fault {
        self.times = n;
        self
    }

    /// Answer with this `Content-Type`.
    pub fn with_content_type(mut self, value: impl Into<String>) -> Fault {
        self.content_type = Some(value.into());
        self
    }

    /// Pad the body to `n` bytes with trailing whitespace.
    pub fn padded_to(mut self, n: usize) -> Fault {
        self.pad_to_bytes = Some(n);
        self
    }

    /// Send only the first half of the announced body, then close the connection.
    pub fn truncated(mut self) -> Fault {
        self.truncate = true;
        self
    }

    /// Whether the fault replaces the normal answer: a `code` or `message` alone is an error
    /// envelope inside HTTP 200 (it was queued, used up and ignored).
    pub(crate) fn answers(&self) -> bool {
        self.status.is_some()
            || self.body.is_some()
            || self.code.is_some()
            || self.message.is_some()
    }

    /// Whether the fault changes how an answer (its own or the normal one) is sent.
    pub(crate) fn shapes(&self) -> bool {
        self.content_type.is_some()
            || self.pad_to_bytes.is_some()
            || self.truncate
            || self.retry_after.is_some()
            || !self.headers.is_empty()
    }

    /// Applies `content_type`, `pad_to_bytes` and `truncate` to an answer.
    pub(crate) fn shape(&self, answer: &mut crate::envelopes::Answer) {
        if let Some(ct) = &self.content_type {
            answer.content_type = ct.clone();
        }
        if let Some(n) = self.pad_to_bytes {
            // `padded_to` is not checked: no more than the limit here either.
            let n = n.min(MAX_PAD_BYTES);
            if answer.body.len() < n {
                answer.body.resize(n, b' ');
            }
        }
        answer.truncate = self.truncate;
        // `retry_after` alone: on the normal answer too.
        if let Some(ra) = &self.retry_after {
            if !answer.headers.iter().any(|(n, _)| n == "retry-after") {
                answer.headers.push(("retry-after".to_owned(), ra.clone()));
            }
        }
        for (name, value) in self.headers.iter().filter(|(name, _)| !is_framing(name)) {
            answer
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            answer
                .headers
                .push((name.to_ascii_lowercase(), value.clone()));
        }
    }

    /// Applies only to requests of `method` (see `method`).
    pub fn for_method(mut self, method: impl Into<String>) -> Fault {
        self.method = Some(method.into());
        self
    }

    /// Adds a response header (see `headers`).
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Fault {
        self.headers.insert(name.into(), value.into());
        self
    }
}
