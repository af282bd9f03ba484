//! Redirects: followed within the base URL's origin, never to another host, port or scheme (the
//! caller gets the 3xx as an error instead), and a plain-HTTP loopback client that is sent
//! elsewhere never tries TLS.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use dialtime::{BlockingClient, ErrorKind};

const USER: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

/// A server answering each request with the next of `answers` (the last one repeats), one
/// thread per connection; the request lines it saw are in the returned list.
fn canned(answers: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let answers = Arc::new(answers);
    let next = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let (log, answers, next) = (log.clone(), answers.clone(), next.clone());
            std::thread::spawn(move || {
                let mut pending = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => pending.extend_from_slice(&buf[..n]),
                        }
                        continue;
                    };
                    let head: Vec<u8> = pending.drain(..end + 4).collect();
                    let text = String::from_utf8_lossy(&head).into_owned();
                    log.lock()
                        .unwrap()
                        .push(text.lines().next().unwrap_or("").to_owned());
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    let answer = &answers[n.min(answers.len() - 1)];
                    if stream.write_all(answer.as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
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
