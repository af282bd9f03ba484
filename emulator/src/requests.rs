//! The request log: every API request the emulator received (control routes excepted), so a
//! test can assert on what its code sent — method, path, query, headers (never the token),
//! JSON body, time and the request id the emulator answered with.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use serde::Serialize;

/// How many requests the log keeps by default (the oldest are dropped first).
pub const DEFAULT_REQUEST_LOG_LIMIT: usize = 10_000;

/// What an `Authorization` header is shown as: the token itself is never kept.
pub const AUTHORIZATION_SHOWN: &str = "[present]";

/// One API request as the emulator received it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// `POST`, `GET`, `PUT`, `DELETE`, …
    pub method: String,
    /// The URL path, ids included: `/agent-api/user/{user}/dial-time-group/7`.
    pub path: String,
    /// The query parameters, percent-decoded (a repeated name keeps its last value).
    pub query: BTreeMap<String, String>,
    /// The headers, names in lower case; `authorization` is `"[present]"`, never the token.
    pub headers: BTreeMap<String, String>,
    /// Whether the request carried the emulator's token (`Authorization: Bearer <token>`).
    pub authorized: bool,
    /// The body parsed as JSON; `None` when there was none or it is not JSON (see `body_text`).
    pub body: Option<serde_json::Value>,
    /// The body as text when it is not empty and not JSON (else `None`).
    pub body_text: Option<String>,
    /// When it arrived (RFC 3339 in JSON).
    #[serde(serialize_with = "rfc3339")]
    pub time: jiff::Timestamp,
    /// The `x-request-id` the emulator answered with (`emu-1` for the first request).
    pub request_id: String,
}

impl RecordedRequest {
    pub(crate) fn new(
        head: &hyper::http::request::Parts,
        authorized: bool,
        body: Option<&Bytes>,
        request_id: String,
    ) -> RecordedRequest {
        let headers = head
            .headers
            .iter()
            .map(|(name, value)| {
                let value = if name == hyper::header::AUTHORIZATION {
                    AUTHORIZATION_SHOWN.to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name.as_str().to_owned(), value)
            })
            .collect();
        let query = head
            .uri
            .query()
            .map(|q| {
                q.split('&')
                    .filter(|kv| !kv.is_empty())
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                        (percent_decode(k), percent_decode(v))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (body, body_text) = match body.filter(|b| !b.is_empty()) {
            None => (None, None),
            Some(bytes) => match serde_json::from_slice(bytes) {
                Ok(json) => (Some(json), None),
                Err(_) => (None, Some(String::from_utf8_lossy(bytes).into_owned())),
            },
        };
        RecordedRequest {
            method: head.method.as_str().to_owned(),
            path: head.uri.path().to_owned(),
            query,
            headers,
            authorized,
            body,
            body_text,
            time: jiff::Timestamp::now(),
            request_id,
        }
    }

    /// The request as JSON (the shape of `GET /_emulator/requests`' items).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

fn rfc3339<S: serde::Serializer>(t: &jiff::Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// The last `limit` requests, oldest first.
pub(crate) struct RequestLog {
    limit: usize,
    requests: VecDeque<RecordedRequest>,
}

impl RequestLog {
    pub(crate) fn new(limit: usize) -> RequestLog {
        RequestLog {
            limit,
            requests: VecDeque::new(),
        }
    }

    pub(crate) fn push(&mut self, request: RecordedRequest) {
        if self.limit == 0 {
            return;
        }
        while self.requests.len() >= self.limit {
            self.requests.pop_front();
        }
        self.requests.push_back(request);
    }

    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.requests.iter().cloned().collect()
    }

    pub(crate) fn last(&self) -> Option<&RecordedRequest> {
        self.requests.back()
    }

    pub(crate) fn clear(&mut self) {
        self.requests.clear();
    }
}

/// `%XX` and `+` decoding for query parameters (invalid escapes are kept as they are).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|c| (*c as char).to_digit(16));
        match b {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b),
            },
            b'+' => out.push(b' '),
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("%E5%91%A8"), "周");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
