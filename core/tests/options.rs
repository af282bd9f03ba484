//! Every client option and per-call override against the emulator: deadline, timeouts,
//! Retry-After in each form, request ids and call details in errors, default headers, the
//! user agent suffix, extra root certificates (an HTTPS emulator), and per-attempt logging.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dialtime::client::log::{Attempt, Level, Logger};
use dialtime::{BlockingClient, ClientBuilder, ErrorKind, ListParams, RequestOptions};
use dialtime_emulator::{Emulator, Fault};

fn builder(emu: &Emulator) -> ClientBuilder {
    ClientBuilder::new()
        .base_url(emu.base_url())
        .token(emu.token())
}

fn list(client: &BlockingClient, emu: &Emulator) -> dialtime::Result<()> {
    client
        .dial_time_groups()
        .list(emu.user_id(), &ListParams::default())
        .map(drop)
}

/// `GET /_emulator/last-request` over a plain socket: what the emulator saw last.
fn last_request(emu: &Emulator) -> serde_json::Value {
    let addr = emu.base_url().trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /_emulator/last-request HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    serde_json::from_str(body).unwrap()
}

#[test]
fn a_deadline_shorter_than_the_backoff_ends_the_call_without_the_retry() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu)
        .max_retries(5)
        .deadline(Duration::from_millis(300))
        .build_blocking()
        .unwrap();
    emu.push_fault(Fault::status(503).times(10));
    let started = Instant::now();
    let err = list(&client, &emu).unwrap_err();
    let took = started.elapsed();
    // The first backoff (0.375 s or more) would end after the deadline: no second attempt.
    assert!(took < Duration::from_millis(300), "took {took:?}");
    assert_eq!(err.kind(), ErrorKind::Server);
    let call = err.call().expect("the error says what the call did");
    assert_eq!(call.attempts, 1);
    assert!(call.deadline_passed);
    assert_eq!(call.deadline, Some(Duration::from_millis(300)));
    assert_eq!(emu.request_count(), 1);
    // It had not passed (the call took milliseconds): it left no time for the wait.
    let text = err.to_string();
    assert!(
        text.contains("the deadline of 300 ms left no time to wait for another attempt"),
        "{text}"
    );
    assert!(text.contains("1 attempt in"), "{text}");
}

/// A 503 that asks to wait (`Retry-After`, maintenance) longer than the deadline allows: the
/// wait is the error's `retry_after` (it was `None`: only a 429 had one), and the message
/// does not say the deadline passed 1 ms into it.
#[test]
fn a_503s_retry_after_is_on_the_error() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu)
        .max_retries(5)
        .deadline(Duration::from_millis(100))
        .build_blocking()
        .unwrap();
    emu.push_fault(Fault::status(503).with_retry_after("1").times(10));
    let err = list(&client, &emu).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(emu.request_count(), 1);
    let text = err.to_string();
    assert!(!text.contains("passed"), "{text}");
    assert!(text.contains("left no time"), "{text}");
    // Other statuses keep none: a Retry-After on a 404 says nothing about trying again.
    emu.clear_faults();
    emu.push_fault(Fault::status(404).with_retry_after("1"));
    let err = list(&client, &emu).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.retry_after(), None);
}

#[test]
fn a_deadline_cuts_a_slow_attempt_short() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu)
        .timeout(Duration::from_secs(20))
        .deadline(Duration::from_millis(250))
        .build_blocking()
        .unwrap();
    emu.push_fault(Fault::delay(3000));
    let started = Instant::now();
    let err = list(&client, &emu).unwrap_err();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(250), "took {took:?}");
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    let call = err.call().unwrap();
    assert!(call.deadline_passed, "{err}");
    assert_eq!(call.method, "GET");
    assert!(call.path.ends_with("/dial-time-group"), "{}", call.path);
}

/// A deadline or timeout far past what a clock can hold is no limit, not a panic (`Instant +
/// Duration` overflowed: every call of a Node client with `deadlineMs: 1e22` was an internal
/// error).
#[test]
fn a_deadline_beyond_the_clock_is_no_deadline() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu)
        .timeout(Duration::MAX)
        .deadline(Duration::MAX)
        .build_blocking()
        .unwrap();
    list(&client, &emu).unwrap();
    // And a retry under it: the wait is checked against the deadline too.
    emu.push_fault(Fault::status(503));
    list(&client, &emu).unwrap();
    let per_call = RequestOptions::new()
        .deadline(Duration::MAX)
        .timeout(Duration::MAX);
    let client = client.with_options(&per_call).unwrap();
    list(&client, &emu).unwrap();
}

#[test]
fn a_per_call_timeout_applies_to_that_call_only() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu)
        .timeout(Duration::from_secs(10))
        .max_retries(0)
        .build_blocking()
        .unwrap();
    let quick = client
        .as_async()
        .with_options(&RequestOptions::new().timeout(Duration::from_millis(150)))
        .map(BlockingClient::from)
        .unwrap();
    assert_eq!(quick.as_async().timeout(), Duration::from_millis(150));
    assert_eq!(client.as_async().timeout(), Duration::from_secs(10));

    emu.push_fault(Fault::delay(800));
    let started = Instant::now();
    let err = list(&quick, &emu).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(started.elapsed() < Duration::from_millis(700));
    assert!(!err.call().unwrap().deadline_passed);

    emu.push_fault(Fault::delay(400));
    list(&client, &emu).expect("the client's own timeout is unchanged");
}

#[test]
fn request_options_are_checked() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu).build().unwrap();
    for (options, field) in [
        (RequestOptions::new().timeout(Duration::ZERO), "timeout"),
        (RequestOptions::new().deadline(Duration::ZERO), "deadline"),
        (RequestOptions::new().max_retries(101), "max_retries"),
    ] {
        let err = client.with_options(&options).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(field), "{err}");
    }
    let copy = client
        .with_options(
            &RequestOptions::new()
                .max_retries(0)
                .deadline(Duration::from_secs(5)),
        )
        .unwrap();
    assert_eq!(copy.max_retries(), 0);
    assert_eq!(copy.deadline(), Some(Duration::from_secs(5)));
    assert_eq!(copy.timeout(), client.timeout());
    assert_eq!(client.deadline(), None);
}

/// A 429 asking for `header: value`, then the normal answer: how long the retry waited.
fn retried_after(header: &str, value: &str) -> (dialtime::Result<()>, Duration) {
    retried_after_status(429, header, value)
}

/// `status` asking for `header: value`, then the normal answer: how long the retry waited.
fn retried_after_status(
    status: u16,
    header: &str,
    value: &str,
) -> (dialtime::Result<()>, Duration) {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu).max_retries(1).build_blocking().unwrap();
    emu.push_fault(Fault::status(status).with_header(header, value));
    let started = Instant::now();
    let outcome = list(&client, &emu);
    (outcome, started.elapsed())
}

#[test]
fn retry_after_in_seconds_is_waited_for() {
    let (outcome, took) = retried_after("retry-after", "1");
    outcome.unwrap();
    assert!(took >= Duration::from_millis(990), "took {took:?}");
}

#[test]
fn retry_after_is_waited_for_on_every_status_retried() {
    // A gateway's 503 asking for 1.5 s (the backoff alone is 0.375–0.625 s).
    let (outcome, took) = retried_after_status(503, "retry-after", "1.5");
    outcome.unwrap();
    assert!(took >= Duration::from_millis(1490), "took {took:?}");
}

#[test]
fn retry_after_ms_is_waited_for() {
    let (outcome, took) = retried_after("retry-after-ms", "300");
    outcome.unwrap();
    assert!(took >= Duration::from_millis(295), "took {took:?}");
    assert!(took < Duration::from_millis(900), "took {took:?}");
}

#[test]
fn retry_after_as_an_http_date_is_waited_for() {
    let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let date =
        jiff::fmt::rfc2822::to_string(&at.to_zoned_datetime(jiff::tz::TimeZone::UTC)).unwrap();
    let (outcome, took) = retried_after("retry-after", &date);
    outcome.unwrap();
    // The date has whole seconds: the wait is between 1 and 2 s.
    assert!(
        took >= Duration::from_millis(900),
        "took {took:?} for {date}"
    );
}

#[test]
fn retry_after_beyond_a_minute_is_not_waited_for() {
    let (outcome, took) = retried_after("retry-after", "120");
    let err = outcome.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert_eq!(err.call().unwrap().attempts, 1);
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn errors_name_the_call_and_carry_the_request_id_and_headers() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu).max_retries(2).build_blocking().unwrap();
    let err = client
        .dial_time_groups()
        .delete(emu.user_id(), 987_654, None)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let call = err.call().unwrap();
    assert_eq!(call.method, "DELETE");
    assert_eq!(
        call.path,
        format!("/agent-api/user/{}/dial-time-group/987654", emu.user_id())
    );
    assert_eq!(call.attempts, 1);
    assert_eq!(err.request_id(), Some("emu-1"));
    assert!(err
        .headers()
        .iter()
        .any(|(n, v)| n == "x-request-id" && v == "emu-1"));
    let text = err.to_string();
    assert!(
        text.contains(&format!("DELETE {}", call.path)) && text.contains("request id emu-1"),
        "{text}"
    );

    // After retries: every attempt counted.
    emu.push_fault(Fault::status(503).times(3));
    let client = builder(&emu).max_retries(2).build_blocking().unwrap();
    let err = list(&client, &emu).unwrap_err();
    assert_eq!(err.call().unwrap().attempts, 3, "{err}");
    assert!(err.to_string().contains("3 attempts"), "{err}");
}

#[test]
fn default_headers_and_the_user_agent_suffix_are_sent() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu)
        .default_header("X-Tenant", "acme-7")
        .default_header("x-tenant", "acme-8")
        .user_agent_suffix("cron-sync/2.1")
        .build_blocking()
        .unwrap();
    list(&client, &emu).unwrap();
    let seen = last_request(&emu);
    assert_eq!(seen["headers"]["x-tenant"], "acme-8");
    let ua = seen["headers"]["user-agent"].as_str().unwrap();
    assert_eq!(
        ua,
        format!("dialtime/{} (rust) cron-sync/2.1", dialtime::VERSION)
    );
    // Values are not shown by Debug (a tenant header may be a secret too).
    let shown = format!("{:?}", builder(&emu).default_header("X-Secret", "s3cr3t"));
    assert!(
        !shown.contains("s3cr3t") && shown.contains("X-Secret"),
        "{shown}"
    );
}

#[test]
fn default_headers_are_bounded_and_the_last_of_each_name_is_sent() {
    use dialtime::client::config::MAX_DEFAULT_HEADERS;
    let emu = Emulator::start().unwrap();
    // One name given again (any case) is one header, the last value; the order of the
    // others is kept.
    let mut b = builder(&emu).default_header("X-First", "1");
    for i in 0..MAX_DEFAULT_HEADERS - 2 {
        b = b.default_header(
            if i % 2 == 0 { "X-Tenant" } else { "x-TENANT" },
            format!("t{i}"),
        );
    }
    let client = b.default_header("X-Last", "2").build_blocking().unwrap();
    list(&client, &emu).unwrap();
    let seen = last_request(&emu);
    assert_eq!(
        seen["headers"]["x-tenant"],
        format!("t{}", MAX_DEFAULT_HEADERS - 3)
    );
    assert_eq!(seen["headers"]["x-first"], "1");
    assert_eq!(seen["headers"]["x-last"], "2");
    let shown = format!(
        "{:?}",
        builder(&emu)
            .default_header("A", "1")
            .default_header("B", "2")
            .default_header("a", "3")
    );
    assert!(shown.contains(r#"default_headers: ["B", "a"]"#), "{shown}");

    // Up to the limit, then a Config error naming it, whether the names differ or repeat
    // (past 24,000 the header map panicked).
    let repeated =
        (0..=MAX_DEFAULT_HEADERS).fold(builder(&emu), |b, _| b.default_header("X-A", "v"));
    let err = repeated.build_blocking().unwrap_err();
    assert!(
        err.to_string()
            .contains("default_headers holds 65 headers, at most 64"),
        "{err}"
    );
    assert!(dialtime::client::config::check_default_header_count("h", MAX_DEFAULT_HEADERS).is_ok());
    let err = dialtime::client::config::check_default_header_count("headers", 65).unwrap_err();
    assert!(
        err.to_string().contains("headers holds 65 headers"),
        "{err}"
    );
    let many = |n: usize| {
        (0..n).fold(builder(&emu), |b, i| {
            b.default_header(format!("x-h{i}"), "v")
        })
    };
    let client = many(MAX_DEFAULT_HEADERS).build_blocking().unwrap();
    list(&client, &emu).unwrap();
    assert_eq!(last_request(&emu)["headers"]["x-h63"], "v");
    for n in [MAX_DEFAULT_HEADERS + 1, 24_573, 100_000] {
        let err = many(n).build_blocking().unwrap_err();
        assert_eq!(err.kind(), dialtime::ErrorKind::Config, "{err}");
        let text = err.to_string();
        assert!(
            text.contains("default_headers")
                && text.contains(&format!("{n} headers"))
                && text.contains("at most 64"),
            "{text}"
        );
    }
}

#[test]
fn default_headers_and_suffixes_are_checked() {
    let emu = Emulator::start().unwrap();
    for (b, needle) in [
        (
            builder(&emu).default_header("Authorization", "Bearer x"),
            "Authorization",
        ),
        (builder(&emu).default_header("bad name", "x"), "bad name"),
        (
            builder(&emu).default_header("Transfer-Encoding", "chunked"),
            "Transfer-Encoding",
        ),
        (
            builder(&emu).default_header("Connection", "close"),
            "Connection",
        ),
        (builder(&emu).default_header("X-Ok", "line\nbreak"), "X-Ok"),
        (builder(&emu).user_agent_suffix("über"), "user_agent_suffix"),
        (builder(&emu).proxy("::not a url"), "proxy"),
        (
            builder(&emu).trust_only_root_certificates(true),
            "trust_only_root_certificates",
        ),
        // Checked even where no TLS connection can be made (plain HTTP to this machine).
        (
            builder(&emu).root_certificate_pem("no certificate here"),
            "root certificate PEM holds no certificate",
        ),
        (
            builder(&emu).root_certificate_pem(
                "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n",
            ),
            "root certificate is not valid PEM",
        ),
        (
            builder(&emu)
                .root_certificate_pem(
                    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                )
                .trust_only_root_certificates(true),
            "root certificate is not usable (certificate 1 of its PEM)",
        ),
    ] {
        let err = b.build().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.to_string().contains(needle), "{err}");
    }
}

#[test]
fn an_extra_root_certificate_lets_the_client_reach_an_https_server() {
    let emu = Emulator::builder().tls(true).start().unwrap();
    assert!(emu.base_url().starts_with("https://127.0.0.1:"));
    let ca = emu.ca_pem().unwrap().to_owned();

    let without = builder(&emu).max_retries(0).build_blocking().unwrap();
    let err = list(&without, &emu).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );

    let with = builder(&emu)
        .root_certificate_pem(ca.clone())
        .build_blocking()
        .unwrap();
    list(&with, &emu).unwrap();

    let only = builder(&emu)
        .root_certificate_pem(ca)
        .trust_only_root_certificates(true)
        .build_blocking()
        .unwrap();
    list(&only, &emu).unwrap();

    // Only another server's root trusted: this one's certificate is refused.
    let other = Emulator::builder().tls(true).start().unwrap();
    let elsewhere = builder(&emu)
        .max_retries(0)
        .root_certificate_pem(other.ca_pem().unwrap().to_owned())
        .trust_only_root_certificates(true)
        .build_blocking()
        .unwrap();
    let err = list(&elsewhere, &emu).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(
        err.to_string().to_lowercase().contains("certificate"),
        "{err}"
    );
}

/// Keeps every record's text.
#[derive(Default)]
struct Capture(Mutex<Vec<(Level, String)>>);

impl Logger for Capture {
    fn enabled(&self, _: Level) -> bool {
        true
    }
    fn log(&self, record: &Attempt<'_>) {
        self.0
            .lock()
            .unwrap()
            .push((record.level, record.to_string()));
    }
}

#[test]
fn every_attempt_is_logged_without_the_token() {
    let emu = Emulator::start().unwrap();
    let capture = Arc::new(Capture::default());
    let client = builder(&emu)
        .max_retries(1)
        .logger(capture.clone())
        .build_blocking()
        .unwrap();
    emu.push_fault(Fault::status(429).with_header("retry-after-ms", "10"));
    list(&client, &emu).unwrap();
    let lines = capture.0.lock().unwrap().clone();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let path = format!("/agent-api/user/{}/dial-time-group", emu.user_id());
    assert_eq!(lines[0].0, Level::Info);
    assert!(
        lines[0]
            .1
            .starts_with(&format!("GET {path} -> 429 rate_limited (attempt 1, ")),
        "{lines:?}"
    );
    assert!(lines[0].1.contains("request id emu-1") && lines[0].1.contains("retrying in 10 ms"));
    assert_eq!(lines[1].0, Level::Debug);
    assert!(
        lines[1]
            .1
            .starts_with(&format!("GET {path} -> 200 (attempt 2, ")),
        "{lines:?}"
    );
    for (_, line) in &lines {
        assert!(!line.contains(emu.token()), "{line}");
    }
}

#[test]
fn a_recorder_keeps_a_successful_calls_answer() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu).max_retries(2).build_blocking().unwrap();
    let recorder = dialtime::ResponseRecorder::new();
    assert_eq!(recorder.last(), None);
    emu.push_fault(Fault::status(503).with_header("x-trace-id", "t-9"));
    let recording = client.recording(&recorder);
    list(&recording, &emu).unwrap();
    let answer = recorder.last().unwrap();
    assert_eq!(
        (answer.http_status, answer.method, answer.attempts),
        (200, "GET", 2)
    );
    assert_eq!(
        answer.path,
        format!("/agent-api/user/{}/dial-time-group", emu.user_id())
    );
    assert_eq!(answer.request_id.as_deref(), Some("emu-2"));
    assert_eq!(answer.header("X-Request-Id"), Some("emu-2"));
    assert_eq!(
        answer.header("x-trace-id"),
        None,
        "the retried answer's headers are not mixed in"
    );
    assert!(answer.elapsed > Duration::ZERO);
    assert!(!format!("{answer:?}").contains(emu.token()));
    // The original client does not record; a per-call copy of the recording one does.
    list(&client, &emu).unwrap();
    assert_eq!(
        recorder.take().unwrap().request_id.as_deref(),
        Some("emu-2")
    );
    let quick = recording
        .with_options(&RequestOptions::new().max_retries(0))
        .unwrap();
    list(&quick, &emu).unwrap();
    assert_eq!(
        recorder.last().unwrap().request_id.as_deref(),
        Some("emu-4")
    );
}

/// A proxy dialtime cannot speak is a `Config` error when the client is built: reqwest took
/// any scheme, then went direct past `ftp://` and failed every call through `socks5://`.
#[test]
fn a_proxy_of_an_unsupported_scheme_is_refused_when_built() {
    let builder = |proxy: &str| {
        dialtime::ClientBuilder::new()
            .token("t")
            .base_url("http://10.0.0.1:8080")
            .proxy(proxy)
    };
    for (proxy, scheme) in [
        ("ftp://127.0.0.1:2121", "ftp"),
        ("socks5://user:secret@127.0.0.1:1080", "socks5"),
        ("socks5h://127.0.0.1:1080", "socks5h"),
        ("x-y://proxy.example:1", "x-y"),
    ] {
        let err = builder(proxy).build().unwrap_err();
        assert_eq!(err.kind(), dialtime::ErrorKind::Config, "{proxy}: {err}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("its scheme \"{scheme}\" is not supported")),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }
    // What reqwest reads as http:// (no scheme), http and https are taken.
    for proxy in [
        "http://127.0.0.1:3128",
        "https://proxy.example:443",
        "HTTP://127.0.0.1:3128",
        "127.0.0.1:3128",
        "localhost:3128",
    ] {
        builder(proxy)
            .build()
            .unwrap_or_else(|e| panic!("{proxy}: {e}"));
    }
}

/// A host's huge number shows as such in a configuration error (`1e300`), not as its 301
/// digits.
#[test]
fn huge_numbers_of_options_are_shown_in_e_notation() {
    use dialtime::__private::{retries_from_number, timeout_from_millis};
    let err = timeout_from_millis("timeoutMs", 1e300)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("timeoutMs is too large: 1e300 milliseconds"),
        "{err}"
    );
    let err = timeout_from_millis("timeoutMs", -1e300)
        .unwrap_err()
        .to_string();
    assert!(err.contains("got -1e300"), "{err}");
    let err = retries_from_number("maxRetries", 1e300)
        .unwrap_err()
        .to_string();
    assert!(err.contains("got 1e300"), "{err}");
    // Ordinary numbers as they are.
    let err = timeout_from_millis("timeoutMs", -5.5)
        .unwrap_err()
        .to_string();
    assert!(err.contains("got -5.5"), "{err}");
    // Positive but under a nanosecond: named as given (it was the client's "timeout must be
    // greater than zero", the Rust name, for Node's `timeoutMs: 1e-7`).
    for (given, shown) in [(1e-7, "1e-7"), (1e-300, "1e-300")] {
        let err = timeout_from_millis("timeoutMs", given)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!(
                "timeoutMs must be at least a nanosecond, got {shown} milliseconds"
            )),
            "{err}"
        );
    }
    assert_eq!(
        timeout_from_millis("timeoutMs", 1e-6).unwrap(),
        Duration::from_nanos(1)
    );
}

#[test]
fn root_certificates_are_bounded_in_count_and_bytes() {
    use dialtime::client::config::{
        check_root_certificates, MAX_ROOT_CERTIFICATES, MAX_ROOT_CERTIFICATE_BYTES,
    };
    let emu = Emulator::builder().tls(true).start().unwrap();
    let ca = emu.ca_pem().unwrap().to_owned();
    // The limit itself is allowed and works (the same CA given many times).
    let client = (0..MAX_ROOT_CERTIFICATES)
        .fold(builder(&emu), |b, _| b.root_certificate_pem(ca.clone()))
        .build_blocking()
        .unwrap();
    list(&client, &emu).unwrap();
    // One text more, or more bytes than allowed in all, is a Config error naming the rule.
    let err = (0..=MAX_ROOT_CERTIFICATES)
        .fold(builder(&emu), |b, _| b.root_certificate_pem(ca.clone()))
        .build_blocking()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.to_string()
            .contains("root_certificates holds 257 PEM texts, at most 256"),
        "{err}"
    );
    let big = format!("{ca}{}", " ".repeat(MAX_ROOT_CERTIFICATE_BYTES));
    let err = builder(&emu)
        .root_certificate_pem(big)
        .build_blocking()
        .unwrap_err();
    assert!(
        err.to_string().contains("more than 8388608 bytes of PEM"),
        "{err}"
    );
    assert!(
        check_root_certificates("r", MAX_ROOT_CERTIFICATES, MAX_ROOT_CERTIFICATE_BYTES).is_ok()
    );
    let err = check_root_certificates("roots", 1, MAX_ROOT_CERTIFICATE_BYTES + 1).unwrap_err();
    assert!(err.to_string().contains(": roots holds more than"), "{err}");
}
