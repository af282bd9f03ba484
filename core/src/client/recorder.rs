//! What a *successful* call was answered with, on request: the HTTP status, the request id,
//! the headers, how many attempts it took. (A failed call carries the same in its error.)

use std::sync::Arc;
use std::time::Duration;

/// The answer to a successful call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseInfo {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The URL path called, ids included; never the query.
    pub path: String,
    /// The HTTP status (200 for the platform's success envelopes).
    pub http_status: u16,
    /// The answer's request id (`x-request-id`, `x-trace-id`, `x-b3-traceid`, …), when the
    /// platform sent one.
    pub request_id: Option<String>,
    /// The answer's headers, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// How many attempts the call took (1 unless it was retried).
    pub attempts: u32,
    /// From the start of the call to the answer, waits included.
    pub elapsed: Duration,
}

impl ResponseInfo {
    /// The first value of header `name` (any case), if it was sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Receives the [`ResponseInfo`] of every successful call made through a client from
/// [`crate::Client::recording`] (the last one is kept). Cheap to clone: clones share it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), dialtime::Error> {
/// # let emu = dialtime_emulator::Emulator::start().unwrap();
/// # let client = dialtime::Client::builder().base_url(emu.base_url()).token(emu.token()).build()?;
/// let recorder = dialtime::ResponseRecorder::new();
/// let page = client.recording(&recorder).dial_time_groups().list(emu.user_id(), &Default::default()).await?;
/// let answer = recorder.last().unwrap();
/// assert_eq!(answer.http_status, 200);
/// assert!(answer.request_id.is_some()); // the emulator sends x-request-id
/// # let _ = page; Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct ResponseRecorder(Arc<crate::runtime::fork::PerFork<Option<ResponseInfo>>>);

impl ResponseRecorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// The last successful call's answer, if there was one.
    pub fn last(&self) -> Option<ResponseInfo> {
        self.lock().clone()
    }

    /// The last answer, leaving the recorder empty.
    pub fn take(&self) -> Option<ResponseInfo> {
        self.lock().take()
    }

    pub(crate) fn record(&self, info: ResponseInfo) {
        // The previous answer is dropped after the lock is released.
        let _previous = self.lock().replace(info);
    }

    /// This process's last answer (a forked child starts with none: a lock the parent's
    /// runtime held at the fork would never be released there).
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ResponseInfo>> {
        self.0.get().lock().unwrap_or_else(|e| e.into_inner())
    }
}
