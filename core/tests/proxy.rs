//! Proxies, through a real (small) forward proxy started here: an explicit `proxy` carries
//! the calls, an environment proxy is bypassed for a loopback base URL, and
//! `ignore_env_proxy` is accepted. One test: it sets `HTTP_PROXY` for the whole process.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use dialtime::{ClientBuilder, ListParams};
use dialtime_emulator::Emulator;

/// A forward proxy for plain HTTP: reads each connection's first request head, notes its
/// request line, connects to the absolute URI's host and pipes both ways.
struct Proxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

fn start_proxy() -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let noted = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let noted = noted.clone();
            std::thread::spawn(move || forward(client, &noted));
        }
    });
    Proxy { url, seen }
}

fn forward(client: TcpStream, noted: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    // `GET http://127.0.0.1:PORT/path HTTP/1.1`: the emulator (hyper) reads absolute-form.
    let target = request_line
        .split(' ')
        .nth(1)
        .and_then(|uri| uri.strip_prefix("http://"))
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned();
    noted.lock().unwrap().push(request_line);
    let Ok(mut upstream) = TcpStream::connect(&target) else {
        return;
    };
    upstream.write_all(head.as_bytes()).unwrap();
    let buffered = reader.buffer().to_vec();
    upstream.write_all(&buffered).unwrap();
    let mut up_read = upstream.try_clone().unwrap();
    let mut down = client.try_clone().unwrap();
    let back = std::thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut down);
    });
    let mut rest = reader.into_inner();
    let _ = std::io::copy(&mut rest, &mut upstream);
    let _ = upstream.shutdown(std::net::Shutdown::Write);
    let _ = back.join();
}

#[test]
fn proxies_explicit_and_from_the_environment() {
    let emu = Emulator::start().unwrap();
    let proxy = start_proxy();
    let builder = || {
        ClientBuilder::new()
            .base_url(emu.base_url())
            .token(emu.token())
            .max_retries(0)
    };
    let list = |b: ClientBuilder| {
        b.build_blocking()
            .unwrap()
            .dial_time_groups()
            .list(emu.user_id(), &ListParams::default())
            .map(drop)
    };

    // An explicit proxy carries the call, even to a loopback host.
    list(builder().proxy(proxy.url.clone())).unwrap();
    let seen = proxy.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let path = format!("/agent-api/user/{}/dial-time-group", emu.user_id());
    assert!(
        seen[0].starts_with(&format!("GET {}{path}", emu.base_url())),
        "{seen:?}"
    );

    // An environment proxy never sees a loopback call (the token would travel to it).
    std::env::set_var("HTTP_PROXY", &proxy.url);
    std::env::set_var("http_proxy", &proxy.url);
    list(builder()).unwrap();
    list(builder().ignore_env_proxy(true)).unwrap();
    std::env::remove_var("HTTP_PROXY");
    std::env::remove_var("http_proxy");
    assert_eq!(proxy.seen.lock().unwrap().len(), 1);

    // A proxy's credentials are never shown.
    let shown = format!("{:?}", builder().proxy("http://user:pa55word@127.0.0.1:1"));
    assert!(!shown.contains("pa55word"), "{shown}");
}
