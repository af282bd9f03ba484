//! Helpers shared by the integration tests that talk to the emulator.
#![allow(dead_code)]

use dialtime::BlockingClient;
use dialtime_emulator::Emulator;

/// A sub-account id used by the scoping tests.
pub const SUB: &str = "0d1b7c2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";

/// A valid group named `name`: Mondays 08:00–20:00.
pub fn group(name: &str) -> dialtime::NewDialTimeGroup {
    dialtime::NewDialTimeGroup::builder(name)
        .window(dialtime::Weekday::Monday, "08:00", "20:00")
        .build()
        .unwrap()
}

/// A blocking client for `emu` that never retries (so request counts are exact).
pub fn client(emu: &Emulator) -> BlockingClient {
    BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(0)
        .build_blocking()
        .unwrap()
}

/// A hand-written HTTP/1.1 server on 127.0.0.1 for answers the emulator cannot give (one
/// thread per connection, ended with the test process): `answer` gets each request's head
/// (request line and headers; a body is read and skipped) and returns the whole response to
/// write. Returns the base URL.
pub fn raw_server(answer: impl Fn(&str) -> String + Send + Sync + 'static) -> String {
    raw_server_counting(answer).0
}

/// [`raw_server`], with the number of connections it accepted so far.
pub fn raw_server_counting(
    answer: impl Fn(&str) -> String + Send + Sync + 'static,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = std::sync::Arc::new(answer);
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counted.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 16 * 1024];
                let mut pending = Vec::new();
                loop {
                    let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => pending.extend_from_slice(&buf[..n]),
                        }
                        continue;
                    };
                    let head = String::from_utf8_lossy(&pending[..end + 4]).into_owned();
                    let body = content_length(&head);
                    if pending.len() < end + 4 + body {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => pending.extend_from_slice(&buf[..n]),
                        }
                        continue;
                    }
                    pending.drain(..end + 4 + body);
                    if stream.write_all(answer(&head).as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    (url, accepted)
}

/// A request head's `content-length` (0 without one).
pub fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse().ok())
        .unwrap_or(0)
}
