//! Redirects: followed within the base URL's origin, never to another host, port or scheme (the
//! caller gets the 3xx as an error instead), and a plain-HTTP loopback client that is sent
//! elsewhere never tries TLS.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

mod common;

use dialtime::{BlockingClient, ErrorKind};

const USER: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

/// A server answering each request with the next of `answers` (the last one repeats); the
/// request lines it saw are in the returned list.
fn canned(answers: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let next = AtomicUsize::new(0);
    let url = common::raw_server(move |head| {
        log.lock()
            .unwrap()
            .push(head.lines().next().unwrap_or("").to_owned());
        let n = next.fetch_add(1, Ordering::SeqCst);
        answers[n.min(answers.len() - 1)].clone()
    });
    (url, seen)
}

fn redirect_to(location: &str) -> String {
    format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n")
}

fn empty_page() -> String {
    let body = r#"{"code":200,"status":"success","message":"ok","meta":{"current_page":1,"last_page":1},"data":[]}"#;
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn client(url: &str) -> BlockingClient {
    BlockingClient::builder()
        .base_url(url)
        .token("redirect-test-token")
        .max_retries(0)
        .build_blocking()
        .unwrap()
}

#[test]
fn a_redirect_within_the_origin_is_followed() {
    let (url, seen) = canned(vec![
        redirect_to(&format!(
            "/agent-api/user/{USER}/dial-time-group?page=1&moved=1"
        )),
        empty_page(),
    ]);
    let page = client(&url)
        .dial_time_groups()
        .list(USER, &Default::default())
        .unwrap();
    assert!(page.data.is_empty());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].contains("moved=1"), "{seen:?}");
}

#[test]
fn a_redirect_to_another_origin_is_the_callers_error_not_a_request_elsewhere() {
    // The other origin is HTTPS on a port nothing listens on: following it would be a
    // connection (or TLS) error; stopping gives the 307 itself.
    let (url, seen) = canned(vec![redirect_to("https://127.0.0.1:9/agent-api/elsewhere")]);
    let err = client(&url)
        .dial_time_groups()
        .list(USER, &Default::default())
        .unwrap_err();
    assert_eq!(err.http_status(), Some(307), "{err}");
    assert_eq!(err.kind(), ErrorKind::Api, "{err}");
    assert!(!err.to_string().contains("redirect-test-token"));
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn a_redirect_that_would_turn_a_call_into_a_get_is_the_callers_error() {
    // reqwest follows 301/302/303 as a GET without the body: a create was re-sent as a GET
    // and the GET's answer (a group here) taken as the create's.
    let group = r#"{"code":200,"status":"success","data":{"id":7,"name":"x","user_id":"u","content":[],"is_default":false,"skip_holiday":false,"created_at":"2026-01-01 00:00:00","updated_at":"2026-01-01 00:00:00"}}"#;
    let ok = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{group}",
        group.len()
    );
    for status in ["301 Moved Permanently", "302 Found", "303 See Other"] {
        let (url, seen) = canned(vec![
            format!("HTTP/1.1 {status}\r\nlocation: /agent-api/v2\r\ncontent-length: 0\r\n\r\n"),
            ok.clone(),
        ]);
        let new = dialtime::NewDialTimeGroup::builder("x")
            .window(dialtime::Weekday::Monday, "09:00", "10:00")
            .build()
            .unwrap();
        let err = client(&url)
            .dial_time_groups()
            .create(USER, &new)
            .unwrap_err();
        let code: u16 = status[..3].parse().unwrap();
        assert_eq!(err.http_status(), Some(code), "{err}");
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "{status}: {seen:?}");
        assert!(seen[0].starts_with("POST "), "{seen:?}");
    }
    // A 308 keeps the method and the body: followed.
    let (url, seen) = canned(vec![
        "HTTP/1.1 308 Permanent Redirect\r\nlocation: /agent-api/v2\r\ncontent-length: 0\r\n\r\n"
            .to_owned(),
        ok,
    ]);
    let new = dialtime::NewDialTimeGroup::builder("x")
        .window(dialtime::Weekday::Monday, "09:00", "10:00")
        .build()
        .unwrap();
    assert_eq!(
        client(&url)
            .dial_time_groups()
            .create(USER, &new)
            .unwrap()
            .id,
        7
    );
    let seen = seen.lock().unwrap();
    assert!(seen[1].starts_with("POST /agent-api/v2"), "{seen:?}");
}

#[test]
fn a_redirect_loop_ends_with_an_error() {
    let (url, seen) = canned(vec![redirect_to(&format!(
        "/agent-api/user/{USER}/dial-time-group?page=1"
    ))]);
    let err = client(&url)
        .dial_time_groups()
        .list(USER, &Default::default())
        .unwrap_err();
    assert!(err.to_string().contains("redirect"), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 11);
}

#[test]
fn a_redirect_loop_is_not_retried() {
    // The server answers every attempt the same way: a read that retries (twice here) still
    // makes one attempt, not three of eleven requests each.
    let (url, seen) = canned(vec![redirect_to(&format!(
        "/agent-api/user/{USER}/dial-time-group?page=1"
    ))]);
    let client = BlockingClient::builder()
        .base_url(&url)
        .token("redirect-test-token")
        .max_retries(2)
        .build_blocking()
        .unwrap();
    let err = client
        .dial_time_groups()
        .list(USER, &Default::default())
        .unwrap_err();
    assert_eq!(err.call().unwrap().attempts, 1, "{err}");
    assert_eq!(seen.lock().unwrap().len(), 11);
}
