//! Test hooks: faults the emulator applies to the next API requests, so client behaviour
//! (timeouts, error envelopes, broken bodies, dropped connections) can be exercised.
//!
//! Queue one in-process with [`crate::Emulator::push_fault`], or over HTTP from any language:
//! `POST /_emulator/faults` with the fault as JSON (`DELETE /_emulator/faults` clears the queue).
//! Each fault applies to the next `times` API requests (control requests do not count).

use serde::{Deserialize, Serialize};

/// What to do to the next request(s). All fields are optional; `{}` does nothing but count.
///
/// - `delay_ms` alone: answer normally, after the delay.
/// - `status` and/or `body`: answer with them instead of handling the request. Without `body`
///   the answer is the platform's error envelope with `code` (default: `status`), `message`
///   (default: a Chinese text for the status) and `Retry-After: retry_after` when given.
/// - `drop`: close the connection without answering.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
    /// How many requests this fault applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Fault {
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

    /// Whether the fault replaces the normal answer.
    pub(crate) fn answers(&self) -> bool {
        self.status.is_some() || self.body.is_some()
    }
}
