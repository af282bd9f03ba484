//! One record per attempt: to `tracing` (target `dialtime`) and to a client's [`Logger`].
//!
//! A record holds the method, the URL path (ids included, never the query), the status or
//! the error kind, the attempt number, its duration, the request id and, when the call is
//! retried, the wait. It never holds the token or a header value: nothing secret can be
//! logged at any level.
//!
//! Nothing is built when nobody listens: with no subscriber interested and no logger, an
//! attempt costs one relaxed atomic load.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, ShowDuration};

/// How much a record matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Every attempt.
    Debug,
    /// An attempt that failed and is retried.
    Info,
}

/// The environment variable that turns on the stderr logger (`debug`, `info`).
pub const ENV_LOG: &str = "DIALTIME_LOG";

impl Level {
    /// `"debug"` or `"info"`: the name of the matching method of a JavaScript logger and the
    /// level in `DIALTIME_LOG`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
        }
    }

    /// The level `DIALTIME_LOG` asks for (`debug`, `info`; anything else or unset: off).
    pub fn from_env() -> Option<Level> {
        Level::from_setting(&std::env::var(ENV_LOG).ok()?)
    }

    /// The level a `DIALTIME_LOG` value asks for.
    pub fn from_setting(value: &str) -> Option<Level> {
        match value.trim().to_ascii_lowercase().as_str() {
            "debug" | "trace" => Some(Level::Debug),
            "info" => Some(Level::Info),
            _ => None,
        }
    }
}

/// One attempt of a call, as logged.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// [`Level::Info`] for an attempt that is retried, else [`Level::Debug`].
    pub level: Level,
    /// `GET`, `POST`, `PUT`, `DELETE`.
    pub method: &'a str,
    /// The URL path, ids included; never the query.
    pub path: &'a str,
    /// 1 for the first attempt.
    pub attempt: u32,
    /// The HTTP status, when an answer arrived.
    pub status: Option<u16>,
    /// What went wrong, when something did.
    pub error: Option<&'a Error>,
    /// How long the attempt took.
    pub elapsed: Duration,
    /// The answer's request id, when it had one.
    pub request_id: Option<&'a str>,
    /// The wait before the next attempt, when the call is retried.
    pub retry_in: Option<Duration>,
}

impl fmt::Display for Attempt<'_> {
    /// `POST /agent-api/user/…/dial-time-group -> 200 (attempt 1, 3 ms, request id r-1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} -> ", self.method, self.path)?;
        match (self.status, self.error) {
            (Some(status), Some(e)) => write!(f, "{status} {}", e.kind())?,
            (Some(status), None) => write!(f, "{status}")?,
            (None, Some(e)) => write!(f, "{}", e.kind())?,
            (None, None) => f.write_str("?")?,
        }
        write!(
            f,
            " (attempt {}, {}",
            self.attempt,
            ShowDuration(self.elapsed)
        )?;
        if let Some(id) = self.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")?;
        if let Some(wait) = self.retry_in {
            write!(f, "; retrying in {}", ShowDuration(wait))?;
        }
        Ok(())
    }
}

/// Receives a client's attempt records (see [`crate::ClientBuilder::logger`]). Called on
/// the thread that drives the call: the calling thread itself (a blocking call with nothing
/// else in flight), another thread whose blocking call runs at the same time, or dialtime's
/// runtime thread; possibly on several threads at once. It runs inside dialtime's runtime, so
/// it cannot make a blocking call itself. Return quickly and never block.
pub trait Logger: Send + Sync + 'static {
    /// Whether records of `level` are wanted (checked before one is built).
    fn enabled(&self, level: Level) -> bool;
    /// One record.
    fn log(&self, record: &Attempt<'_>);
}

/// Writes records to standard error, one line each, from `level` up: what `DIALTIME_LOG`
/// turns on in the bindings that log to stderr.
#[derive(Debug, Clone, Copy)]
pub struct StderrLogger {
    /// The least level written.
    pub level: Level,
}

impl Logger for StderrLogger {
    fn enabled(&self, level: Level) -> bool {
        level >= self.level
    }

    fn log(&self, record: &Attempt<'_>) {
        use std::io::Write as _;
        // One write per line, so lines of concurrent calls never interleave; a closed stderr
        // is not an error of the call.
        let line = format!("dialtime {}: {record}\n", record.level.as_str());
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// Sends one record to `tracing` and to `logger`, building it only when one of them wants it.
pub(crate) fn emit<'a>(logger: Option<&dyn Logger>, record: impl FnOnce() -> Attempt<'a>) {
    // The level is only known once the record is built; both levels are asked about first.
    let to_tracing = tracing::enabled!(target: "dialtime", tracing::Level::DEBUG)
        || tracing::enabled!(target: "dialtime", tracing::Level::INFO);
    let to_logger = logger.is_some_and(|l| l.enabled(Level::Debug) || l.enabled(Level::Info));
    if !(to_tracing || to_logger) {
        return;
    }
    let r = record();
    if to_tracing {
        let status = r.status.map(u64::from);
        let kind = r.error.map(|e| e.kind().as_str());
        let elapsed_ms = r.elapsed.as_secs_f64() * 1000.0;
        let retry_in_ms = r.retry_in.map(|d| d.as_secs_f64() * 1000.0);
        macro_rules! event {
            ($level:expr) => {
                tracing::event!(
                    target: "dialtime",
                    $level,
                    method = r.method,
                    path = r.path,
                    attempt = r.attempt,
                    status,
                    kind,
                    elapsed_ms,
                    request_id = r.request_id,
                    retry_in_ms,
                    "{r}"
                )
            };
        }
        match r.level {
            Level::Debug => event!(tracing::Level::DEBUG),
            Level::Info => event!(tracing::Level::INFO),
        }
    }
    if let Some(logger) = logger {
        if logger.enabled(r.level) {
            logger.log(&r);
        }
    }
}
