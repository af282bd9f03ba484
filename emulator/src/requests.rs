//! The request log: every API request the emulator received (control routes excepted), so a
//! test can assert on what its code sent — method, path, query, headers (never the token),
//! JSON body, time and the request id the emulator answered with.

use std::collections::{BTreeMap, VecDeque};

use bytes::Bytes;
use serde::Serialize;

/// How many requests the log keeps by default (the oldest are dropped first).
pub const DEFAULT_REQUEST_LOG_LIMIT: usize = 10_000;

/// How many bytes of requests the log keeps at most — bodies, headers and URLs (the oldest
/// requests are dropped first), so a long-running emulator's memory stays bounded whatever
/// it is sent. (Headers were not counted: 10,000 requests of 370 KB of headers kept 3.8 GB.)
pub const REQUEST_LOG_BODY_BYTES: usize = 64 * 1024 * 1024;

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

/// A request as it arrived, kept as received (cheap to keep: a serving emulator only clones
/// the head and the body's handle); turned into a [`RecordedRequest`] when the log is read.
pub(crate) struct Arrived {
    method: hyper::Method,
    uri: hyper::Uri,
    headers: hyper::HeaderMap,
    authorized: bool,
    body: Option<Bytes>,
    time: jiff::Timestamp,
    request_id: String,
}

/// The most bytes `bytes` take as a JSON string of the log: a control byte as `\u0001`, a
/// byte of invalid UTF-8 as U+FFFD, a quote or backslash escaped.
fn shown(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .map(|&b| match b {
            0..=0x1f => 6,
            b'"' | b'\\' => 2,
            0x80.. => 3,
            _ => 1,
        })
        .sum()
}

/// What a JSON value costs once parsed, beyond its text: `serde_json::Value` is 32 bytes, an
/// object's entry more. Reading the log parses every body.
const PARSED_VALUE_BYTES: usize = 48;

/// What a request's record costs beyond its body, headers and URL: its other fields, and
/// their names in the log's JSON.
const RECORD_BYTES: usize = 256;

impl Arrived {
    /// What the log counts it as: its body as read — parsed (a value per `,` `:` `[` `{`, an
    /// overestimate where they are inside strings) or shown as text in the log's JSON (a
    /// control byte as `\u0001`, a byte of invalid UTF-8 as U+FFFD), the larger —, headers
    /// and URL. (Bodies were counted as their bytes: 64 MB of `[0,0,…]` became a gigabyte of
    /// values when the log was read, 80 MiB of control bytes a 396 MB answer.)
    fn size(&self) -> usize {
        // Header values and the URL (its query percent-decoded) are shown as text too.
        let headers: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + shown(value.as_bytes()) + 64)
            .sum();
        let body = self.body.as_ref().map_or(0, |body| {
            let values = body
                .iter()
                .filter(|&&b| matches!(b, b',' | b':' | b'[' | b'{'))
                .count();
            (body.len() + values * PARSED_VALUE_BYTES).max(shown(body))
        });
        body + headers + 2 * shown(self.uri.to_string().as_bytes()) + RECORD_BYTES
    }

    pub(crate) fn new(
        head: &hyper::http::request::Parts,
        authorized: bool,
        body: Option<&Bytes>,
        request_id: String,
    ) -> Arrived {
        // Copies, not clones: hyper's header values, URI and a one-chunk body are slices of the
        // connection's read buffer, so a clone kept here held that whole buffer (8 KiB or more)
        // while `size()` counted a few hundred bytes — 150,000 logged GETs kept 666 MiB
        // against the 64 MiB budget.
        let mut headers = hyper::HeaderMap::with_capacity(head.headers.len());
        for (name, value) in &head.headers {
            // The token is not kept, not even in memory until the log is read.
            if name == hyper::header::AUTHORIZATION {
                continue;
            }
            let name = hyper::header::HeaderName::from_bytes(name.as_str().as_bytes());
            let value = hyper::header::HeaderValue::from_bytes(value.as_bytes());
            if let (Ok(name), Ok(value)) = (name, value) {
                headers.append(name, value);
            }
        }
        if head.headers.contains_key(hyper::header::AUTHORIZATION) {
            headers.insert(
                hyper::header::AUTHORIZATION,
                hyper::header::HeaderValue::from_static(AUTHORIZATION_SHOWN),
            );
        }
        let uri = hyper::Uri::from_maybe_shared(Bytes::from(head.uri.to_string()))
            .unwrap_or_else(|_| head.uri.clone());
        Arrived {
            method: head.method.clone(),
            uri,
            headers,
            authorized,
            body: body.map(|body| Bytes::copy_from_slice(body)),
            time: jiff::Timestamp::now(),
            request_id,
        }
    }

    fn recorded(&self) -> RecordedRequest {
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let query = self
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
        let (body, body_text) = match self.body.as_ref().filter(|b| !b.is_empty()) {
            None => (None, None),
            Some(bytes) => match serde_json::from_slice(bytes) {
                Ok(json) => (Some(json), None),
                Err(_) => (None, Some(String::from_utf8_lossy(bytes).into_owned())),
            },
        };
        RecordedRequest {
            method: self.method.as_str().to_owned(),
            path: self.uri.path().to_owned(),
            query,
            headers,
            authorized: self.authorized,
            body,
            body_text,
            time: self.time,
            request_id: self.request_id.clone(),
        }
    }
}

impl RecordedRequest {
    /// The request as JSON (the shape of `GET /_emulator/requests`' items).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

fn rfc3339<S: serde::Serializer>(t: &jiff::Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(t)
}

/// The last `limit` requests (and no more than [`REQUEST_LOG_BODY_BYTES`] of them), oldest
/// first.
pub(crate) struct RequestLog {
    limit: usize,
    budget: usize,
    requests: VecDeque<Arrived>,
    body_bytes: usize,
    /// With a limit of 0 the log keeps nothing but this, for `last_request`.
    only_last: Option<Arrived>,
}

impl RequestLog {
    pub(crate) fn new(limit: usize) -> RequestLog {
        RequestLog::with_budget(limit, REQUEST_LOG_BODY_BYTES)
    }

    fn with_budget(limit: usize, budget: usize) -> RequestLog {
        RequestLog {
            limit,
            budget,
            requests: VecDeque::new(),
            body_bytes: 0,
            only_last: None,
        }
    }

    pub(crate) fn push(&mut self, request: Arrived) {
        if self.limit == 0 {
            self.only_last = Some(request);
            return;
        }
        self.body_bytes += request.size();
        self.requests.push_back(request);
        while self.requests.len() > self.limit
            || (self.body_bytes > self.budget && self.requests.len() > 1)
        {
            let Some(old) = self.requests.pop_front() else {
                break;
            };
            self.body_bytes -= old.size();
        }
    }

    pub(crate) fn all(&self) -> Vec<RecordedRequest> {
        self.requests.iter().map(Arrived::recorded).collect()
    }

    pub(crate) fn last(&self) -> Option<RecordedRequest> {
        self.requests
            .back()
            .or(self.only_last.as_ref())
            .map(Arrived::recorded)
    }

    pub(crate) fn clear(&mut self) {
        self.requests.clear();
        self.body_bytes = 0;
        self.only_last = None;
    }
}

/// `%XX` and `+` decoding for query parameters (invalid escapes are kept as they are).
pub(crate) fn percent_decode(s: &str) -> String {
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
    use super::{percent_decode, Arrived, RequestLog};
    use bytes::Bytes;

    fn arrived(n: usize, body: &str) -> Arrived {
        let (head, ()) = hyper::Request::builder()
            .uri(format!("/x?n={n}"))
            .header("authorization", "Bearer secret-token")
            .body(())
            .unwrap()
            .into_parts();
        Arrived::new(
            &head,
            true,
            Some(&Bytes::copy_from_slice(body.as_bytes())),
            format!("emu-{n}"),
        )
    }

    #[test]
    fn the_log_keeps_the_most_recent_within_its_count_and_byte_budget() {
        let one = arrived(1, "1234").size();
        let mut log = RequestLog::with_budget(3, 2 * one + one / 2);
        for n in 1..=5 {
            log.push(arrived(n, "1234"));
        }
        // 3 by count, but three are over the budget of two and a half: the oldest goes.
        let ids: Vec<_> = log.all().into_iter().map(|r| r.request_id).collect();
        assert_eq!(ids, ["emu-4", "emu-5"]);
        assert_eq!(log.body_bytes, 2 * one);
        log.clear();
        assert_eq!((log.all().len(), log.body_bytes), (0, 0));
        // One request over the whole budget is still kept (the newest always is).
        log.push(arrived(
            6,
            "this body is longer than the whole budget of this log, much longer",
        ));
        assert_eq!(log.all().len(), 1);
    }

    #[test]
    fn a_body_counts_at_least_what_the_log_shows_of_it() {
        // Text that is not JSON is shown escaped: a control byte as `\u0001` (six bytes), a
        // byte of invalid UTF-8 as U+FFFD (three); counted as its bytes, 80 MiB of the first
        // were a 396 MB answer.
        let json = br#"{"a":"\"\\","b":[1,2]}"#.repeat(100);
        for body in [vec![1u8; 10_000], vec![0xffu8; 10_000], json] {
            let (head, ()) = hyper::Request::builder()
                .method("POST")
                .uri("/x")
                .body(())
                .unwrap()
                .into_parts();
            let a = Arrived::new(&head, true, Some(&Bytes::from(body)), "emu-1".to_owned());
            let shown = serde_json::to_string(&a.recorded()).unwrap().len();
            assert!(a.size() >= shown, "counted {}, shown {shown}", a.size());
        }
    }

    #[test]
    fn a_log_keeping_nothing_still_knows_the_last_request() {
        let mut log = RequestLog::with_budget(0, 10);
        assert_eq!(log.last(), None);
        log.push(arrived(1, "a"));
        log.push(arrived(2, "b"));
        assert!(log.all().is_empty());
        assert_eq!(log.last().map(|r| r.request_id), Some("emu-2".to_owned()));
        log.clear();
        assert_eq!(log.last(), None);
    }

    /// Whether `kept` lies inside `buffer` (shares its allocation).
    fn inside(buffer: &Bytes, kept: &[u8]) -> bool {
        let range = buffer.as_ptr_range();
        range.contains(&kept.as_ptr())
    }

    #[test]
    fn the_log_keeps_copies_not_slices_of_the_connection_buffer() {
        // As hyper hands a request over: every part a slice of one read buffer.
        let buffer = Bytes::from(
            "/agent-api/user/u/dial-time-group?page=2 acme-7 Bearer secret {\"name\":\"a\"}"
                .to_owned(),
        );
        let at = |text: &str| {
            let start = buffer
                .windows(text.len())
                .position(|w| w == text.as_bytes());
            buffer.slice(start.unwrap()..start.unwrap() + text.len())
        };
        let uri = hyper::Uri::from_maybe_shared(at("/agent-api/user/u/dial-time-group?page=2"));
        let tenant = hyper::header::HeaderValue::from_maybe_shared(at("acme-7")).unwrap();
        let (mut head, ()) = hyper::Request::builder()
            .uri(uri.unwrap())
            .body(())
            .unwrap()
            .into_parts();
        head.headers.insert("x-tenant", tenant);
        let body = at("{\"name\":\"a\"}");
        assert!(inside(&buffer, head.headers["x-tenant"].as_bytes()));
        let a = Arrived::new(&head, true, Some(&body), "emu-1".into());
        assert!(!inside(&buffer, a.headers["x-tenant"].as_bytes()));
        assert!(!inside(&buffer, a.uri.path().as_bytes()));
        assert!(!inside(&buffer, a.body.as_deref().unwrap()));
        let recorded = a.recorded();
        assert_eq!(recorded.path, "/agent-api/user/u/dial-time-group");
        assert_eq!(recorded.query["page"], "2");
        assert_eq!(recorded.headers["x-tenant"], "acme-7");
        assert_eq!(recorded.body, Some(serde_json::json!({"name": "a"})));
    }

    #[test]
    fn headers_and_the_url_count_toward_the_budget() {
        let (head, ()) = hyper::Request::builder()
            .uri(format!("/x?q={}", "u".repeat(5000)))
            .header("x-big", "h".repeat(20_000))
            .body(())
            .unwrap()
            .into_parts();
        let a = Arrived::new(&head, true, None, "emu-1".into());
        assert!(a.size() >= 25_000, "{}", a.size());
    }

    #[test]
    fn a_body_counts_as_what_it_becomes_when_the_log_is_read() {
        let zeros = format!("[{}0]", "0,".repeat(10_000));
        let parsed: serde_json::Value = serde_json::from_str(&zeros).unwrap();
        let values = parsed.as_array().unwrap().len();
        // At least a Value (32 bytes) per item, besides the text.
        let a = arrived(1, &zeros);
        assert!(a.size() >= zeros.len() + 32 * values, "{}", a.size());
        let flat = arrived(2, &"z".repeat(zeros.len()));
        assert!(flat.size() < a.size() / 10, "{} {}", flat.size(), a.size());
    }

    #[test]
    fn the_token_is_not_kept_even_before_the_log_is_read() {
        let a = arrived(1, "");
        assert_eq!(a.headers["authorization"], "[present]");
        assert!(!format!("{:?}", a.headers).contains("secret-token"));
        assert_eq!(a.recorded().body, None, "an empty body is no body");
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("%E5%91%A8"), "周");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
