//! `ResponseRecorder`: what a successful call was answered with, on request
//! (`{ recorder }` in a call's options), as core's `ResponseRecorder`.

use std::collections::HashMap;

use napi_derive::napi;

/// The answer to a successful call. The token never appears.
#[napi(object)]
pub struct ResponseInfo {
    /// The HTTP status (200 for the platform's success envelopes).
    pub http_status: u16,
    /// The answer's request id (`x-request-id`, `x-trace-id`, …), when the platform sent one.
    pub request_id: Option<String>,
    /// The answer's headers, names in lower case (the first value of a repeated one).
    pub headers: HashMap<String, String>,
    /// How many attempts the call took (1 unless it was retried).
    pub attempts: u32,
    /// From the start of the call to the answer, waits included, in milliseconds.
    pub elapsed_ms: f64,
    pub method: String,
    /// The URL path called, ids included; never the query.
    pub path: String,
}

impl From<dialtime::ResponseInfo> for ResponseInfo {
    fn from(r: dialtime::ResponseInfo) -> Self {
        let mut headers = HashMap::new();
        for (name, value) in r.headers {
            headers.entry(name).or_insert(value);
        }
        ResponseInfo {
            http_status: r.http_status,
            request_id: r.request_id,
            headers,
            attempts: r.attempts,
            elapsed_ms: r.elapsed.as_secs_f64() * 1000.0,
            method: r.method.to_owned(),
            path: r.path,
        }
    }
}

/// Receives the answer of every successful call given it as `{ recorder }`:
/// `const rec = new ResponseRecorder(); await groups.create(u, g, { recorder: rec });
/// rec.last.requestId`.
#[napi]
#[derive(Default)]
pub struct ResponseRecorder {
    pub(crate) inner: dialtime::ResponseRecorder,
}

#[napi]
impl ResponseRecorder {
    #[napi(constructor, catch_unwind)]
    pub fn new() -> Self {
        Self::default()
    }

    /// The last successful call's answer, or null.
    #[napi(getter, catch_unwind)]
    pub fn last(&self) -> Option<ResponseInfo> {
        self.inner.last().map(Into::into)
    }

    /// The last answer, leaving the recorder empty.
    #[napi(catch_unwind)]
    pub fn take(&self) -> Option<ResponseInfo> {
        self.inner.take().map(Into::into)
    }
}
