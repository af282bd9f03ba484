//! The client against the in-process emulator. Each scenario runs through the blocking client
//! and the async client, and asserts the error kind and its fields.

use std::time::{Duration, Instant};

use dialtime::{
    BlockingClient, Client, ClientBuilder, DialTimeGroup, Error, ErrorKind, NewDialTimeGroup,
    Weekday,
};
use dialtime_emulator::{Emulator, Fault};

/// A port with nothing listening, below Linux's ephemeral range (32768–60999), so neither the
/// `bind(0)` of other tests' emulators nor their outgoing connections can take it meanwhile.
fn unused_port() -> u16 {
    loop {
        let port = fastrand::u16(20_000..30_000);
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

fn seed_group() -> NewDialTimeGroup {
    NewDialTimeGroup::builder("周一周三拨打")
        .window(Weekday::Monday, "08:00", "20:00")
        .window(Weekday::Monday, "20:30", "22:00")
        .window(Weekday::Wednesday, "08:00", "12:00")
        .window(Weekday::Wednesday, "20:30", "22:00")
        .skip_holiday(true)
        .build()
        .unwrap()
}

fn builder(emu: &Emulator) -> ClientBuilder {
    ClientBuilder::new()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(0)
}

/// Runs `create` once blocking and once async, queuing `fault` before each.
fn both(
    emu: &Emulator,
    fault: Option<Fault>,
    configure: impl Fn(ClientBuilder) -> ClientBuilder,
    user_id: &str,
    group: &NewDialTimeGroup,
) -> Vec<(&'static str, Result<DialTimeGroup, Error>)> {
    let b = configure(builder(emu));
    let mut out = Vec::new();
    if let Some(f) = &fault {
        emu.push_fault(f.clone());
    }
    let blocking = b.clone().build_blocking().unwrap();
    out.push((
        "blocking",
        blocking.dial_time_groups().create(user_id, group),
    ));
    if let Some(f) = &fault {
        emu.push_fault(f.clone());
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = b.build().unwrap();
    out.push((
        "async",
        rt.block_on(client.dial_time_groups().create(user_id, group)),
    ));
    out
}

fn errors_of(
    emu: &Emulator,
    fault: Fault,
    configure: impl Fn(ClientBuilder) -> ClientBuilder,
) -> Vec<(&'static str, Error)> {
    both(emu, Some(fault), configure, emu.user_id(), &seed_group())
        .into_iter()
        .map(|(how, r)| (how, r.expect_err(how)))
        .collect()
}

#[test]
fn create_saves_and_returns_the_record() {
    let emu = Emulator::start().unwrap();
    let group = seed_group();
    let mut ids = Vec::new();
    for (how, result) in both(&emu, None, |b| b, emu.user_id(), &group) {
        let saved = result.unwrap_or_else(|e| panic!("{how}: {e}"));
        assert_eq!(saved.name, "周一周三拨打", "{how}");
        assert_eq!(saved.user_id, emu.user_id(), "{how}");
        assert_eq!(saved.content, group.content, "{how}");
        assert!(!saved.is_default && saved.skip_holiday, "{how}");
        assert_eq!(saved.remark, None, "{how}");
        assert_eq!(saved.created_at, saved.updated_at, "{how}");
        let created_at = saved
            .created_at
            .as_ref()
            .expect("the emulator sends created_at");
        // Timestamps are China local time: within a minute of now in Asia/Shanghai.
        assert_eq!(
            created_at.time_zone().iana_name(),
            Some("Asia/Shanghai"),
            "{how}"
        );
        let drift = jiff::Timestamp::now()
            .duration_since(created_at.timestamp())
            .as_secs()
            .abs();
        assert!(
            drift < 60,
            "{how}: created_at {created_at} vs now {}",
            jiff::Timestamp::now()
        );
        ids.push(saved.id);
    }
    assert!(ids[1] > ids[0], "ids increase: {ids:?}");
    assert_eq!(emu.request_count(), 2);
}

#[test]
fn invalid_groups_are_refused_before_sending() {
    let emu = Emulator::start().unwrap();
    let mut group = seed_group();
    group.name = " ".into();
    group.content[1].times[0].end_time = "07:00".parse().unwrap();
    for (how, result) in both(&emu, None, |b| b, "not-a-uuid", &group) {
        let err = result.expect_err(how);
        assert_eq!(err.kind(), ErrorKind::Validation, "{how}");
        let paths: Vec<_> = err.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["user_id", "name", "content[1].times[0].end_time"],
            "{how}"
        );
    }
    assert_eq!(emu.request_count(), 0, "nothing reached the server");
}

#[test]
fn wrong_token_is_an_authentication_error_without_the_token() {
    let emu = Emulator::start().unwrap();
    let secret = "wrong-secret-token-1234567890";
    let errs = both(
        &emu,
        None,
        |b| b.token(secret),
        emu.user_id(),
        &seed_group(),
    );
    for (how, result) in errs {
        let err = result.expect_err(how);
        assert_eq!(err.kind(), ErrorKind::Authentication, "{how}");
        assert_eq!(err.http_status(), Some(401), "{how}");
        assert_eq!(err.envelope_code(), Some(401), "{how}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(secret), "{how}: token leaked in {shown}");
    }
}

#[test]
fn another_users_id_is_refused() {
    let emu = Emulator::start().unwrap();
    let other = "00000000-0000-4000-8000-000000000000";
    for (how, result) in both(&emu, None, |b| b, other, &seed_group()) {
        let err = result.expect_err(how);
        assert_eq!(err.kind(), ErrorKind::Authentication, "{how}");
        assert_eq!(err.http_status(), Some(403), "{how}");
    }
}

#[test]
fn server_side_validation_is_an_api_error_with_field_errors() {
    let emu = Emulator::start().unwrap();
    // What the emulator answers to a payload that skipped client validation:
    let bad =
        r#"{"name":"","content":[{"week":8,"times":[]}],"is_default":false,"skip_holiday":true}"#;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (status, body) = rt.block_on(async {
        let resp = reqwest::Client::new()
            .post(format!(
                "{}/agent-api/user/{}/dial-time-group",
                emu.base_url(),
                emu.user_id()
            ))
            .bearer_auth(emu.token())
            .header("content-type", "application/json")
            .body(bad)
            .send()
            .await
            .unwrap();
        (resp.status().as_u16(), resp.text().await.unwrap())
    });
    assert_eq!(status, 422);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["code"], 422);
    assert_eq!(v["status"], "error");
    assert!(v["errors"]["name"][0].as_str().unwrap().contains("empty"));
    assert!(v["errors"]["content.0.week"].is_array());
    assert!(v["errors"]["content.0.times"].is_array());

    // The same answer, as the client sees it.
    let fault = Fault {
        status: Some(422),
        body: Some(body),
        ..Fault::default()
    }
    .times(1);
    for (how, err) in errors_of(&emu, fault, |b| b) {
        assert_eq!(err.kind(), ErrorKind::Api, "{how}");
        assert_eq!(err.http_status(), Some(422), "{how}");
        let fields: Vec<_> = err.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            fields,
            ["name", "content.0.week", "content.0.times"],
            "{how}"
        );
    }
}

#[test]
fn error_envelope_inside_http_200_is_an_error() {
    let emu = Emulator::start().unwrap();
    for (how, err) in errors_of(&emu, Fault::envelope_error(40001, "业务错误"), |b| b) {
        assert_eq!(err.kind(), ErrorKind::Api, "{how}");
        let api = err.api_error().unwrap();
        assert_eq!(
            (api.http_status, api.envelope_code),
            (200, Some(40001)),
            "{how}"
        );
        assert_eq!(api.api_message, "业务错误", "{how}");
    }
}

#[test]
fn not_found() {
    let emu = Emulator::start().unwrap();
    for (how, err) in errors_of(&emu, Fault::status(404), |b| b) {
        assert_eq!(err.kind(), ErrorKind::NotFound, "{how}");
        assert_eq!(err.http_status(), Some(404), "{how}");
        assert_eq!(err.api_message().unwrap(), "资源不存在", "{how}");
    }
}

#[test]
fn rate_limited_with_retry_after() {
    let emu = Emulator::start().unwrap();
    for (how, err) in errors_of(&emu, Fault::status(429).with_retry_after("7"), |b| b) {
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{how}");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)), "{how}");
    }
}

#[test]
fn rate_limited_is_retried_after_the_servers_delay() {
    let emu = Emulator::start().unwrap();
    let fault = Fault::status(429).with_retry_after("0");
    for (how, result) in both(
        &emu,
        Some(fault),
        |b| b.max_retries(2),
        emu.user_id(),
        &seed_group(),
    ) {
        result.unwrap_or_else(|e| panic!("{how}: {e}"));
    }
    assert_eq!(emu.request_count(), 4, "each create: one 429, one success");
}

#[test]
fn server_errors_and_dropped_connections_never_retry_a_create() {
    let emu = Emulator::start().unwrap();
    for (how, err) in errors_of(&emu, Fault::status(503).times(3), |b| b.max_retries(2)) {
        assert_eq!(err.kind(), ErrorKind::Server, "{how}");
        assert_eq!(err.http_status(), Some(503), "{how}");
        assert!(!err.may_have_been_applied(), "a 503 did nothing: {how}");
    }
    emu.clear_faults();
    let before = emu.request_count();
    assert_eq!(
        before, 2,
        "a create that may have been saved is not sent twice"
    );
    for (how, err) in errors_of(&emu, Fault::drop_connection().times(3), |b| {
        b.max_retries(2)
    }) {
        assert_eq!(err.kind(), ErrorKind::Connection, "{how}: {err}");
        assert!(err.may_have_been_applied(), "sent, no answer: {how}");
    }
    emu.clear_faults();
    assert_eq!(emu.request_count() - before, 2);
}

#[test]
fn malformed_json_is_a_decode_error_with_an_excerpt() {
    let emu = Emulator::start().unwrap();
    let broken = r#"{"code":200,"status":"success","data":{"id":1,"#;
    for (how, err) in errors_of(&emu, Fault::body(broken), |b| b) {
        assert_eq!(err.kind(), ErrorKind::Decode, "{how}");
        assert_eq!(err.body_excerpt(), Some(broken), "{how}");
    }
}

#[test]
fn oversized_body_is_refused() {
    let emu = Emulator::start().unwrap();
    let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(9 * 1024 * 1024));
    for (how, err) in errors_of(&emu, Fault::body(huge), |b| b) {
        assert_eq!(err.kind(), ErrorKind::Decode, "{how}");
        assert!(err.to_string().contains("8388608"), "{how}: {err}");
    }
}

#[test]
fn slow_server_times_out() {
    let emu = Emulator::start().unwrap();
    let started = Instant::now();
    let errs = errors_of(&emu, Fault::delay(3_000), |b| {
        b.timeout(Duration::from_millis(300))
    });
    for (how, err) in errs {
        assert_eq!(err.kind(), ErrorKind::Timeout, "{how}: {err}");
        assert!(err.may_have_been_applied(), "sent, no answer: {how}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the client gave up on time"
    );
}

#[test]
fn connection_refused() {
    let port = unused_port();
    let b = ClientBuilder::new()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token("a-test-token-9f3")
        .max_retries(0);
    let user = "5832d184-dd53-42a0-8ace-0bf8d660f4cc";
    let blocking = b.clone().build_blocking().unwrap();
    let err = blocking
        .dial_time_groups()
        .create(user, &seed_group())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    assert!(!err.may_have_been_applied(), "never sent: {err}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = b.build().unwrap();
    let err = rt
        .block_on(client.dial_time_groups().create(user, &seed_group()))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
    // The message names the URL as every message does: without its query (a sub-account id,
    // the page), the host and path kept.
    let err = blocking
        .dial_time_groups()
        .list(
            user,
            &dialtime::ListParams {
                page: 2,
                sub_user_id: Some("0b1e6a52-3c64-4b8f-9a27-4c4a3c9f0042".into()),
            },
        )
        .unwrap_err();
    let text = err.to_string();
    assert_eq!(err.kind(), ErrorKind::Connection, "{text}");
    assert!(
        text.contains(&format!(
            "127.0.0.1:{port}/agent-api/user/{user}/dial-time-group"
        )),
        "{text}"
    );
    assert!(
        !text.contains("0b1e6a52-3c64-4b8f-9a27-4c4a3c9f0042")
            && !text.contains("page=")
            && !text.contains('?'),
        "{text}"
    );
}

#[test]
fn the_token_never_shows_in_debug_or_errors() {
    let emu = Emulator::start().unwrap();
    let token = emu.token().to_owned();
    let client = builder(&emu).build().unwrap();
    let blocking = builder(&emu).build_blocking().unwrap();
    let b = builder(&emu);
    for shown in [
        format!("{client:?}"),
        format!("{blocking:?}"),
        format!("{b:?}"),
    ] {
        assert!(!shown.contains(&token), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    // Even a server that echoes the token does not get it into an error.
    let echo = Fault {
        status: Some(500),
        body: Some(format!("{{\"message\":\"bad {token}\"}}")),
        ..Fault::default()
    }
    .times(1);
    for (how, err) in errors_of(&emu, echo, |b| b) {
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(&token), "{how}: {shown}");
        assert!(shown.contains("[redacted]"), "{how}: {shown}");
    }
}

#[test]
fn bad_configuration_is_a_config_error() {
    for (b, why) in [
        (ClientBuilder::new().token(""), "empty token"),
        (ClientBuilder::new().token("abc def"), "space in token"),
        (ClientBuilder::new().token("abc\n"), "newline in token"),
        // A JavaScript token with a lone surrogate arrives as U+FFFD: it was sent as its bytes
        // (a 401 later instead of this error).
        (ClientBuilder::new().token("abc\u{fffd}"), "U+FFFD in token"),
        (ClientBuilder::new().token("abcé"), "non-ASCII token"),
        (
            ClientBuilder::new().token("t").base_url("ftp://host"),
            "scheme",
        ),
        (
            ClientBuilder::new().token("t").base_url("not a url"),
            "not a URL",
        ),
        (
            ClientBuilder::new().token("t").base_url("https://h/?q=1"),
            "query",
        ),
        (
            ClientBuilder::new().token("t").root_certificate_pem("nope"),
            "certificate",
        ),
    ] {
        let err = b.build().expect_err(why);
        assert_eq!(err.kind(), ErrorKind::Config, "{why}: {err}");
        assert!(
            !err.to_string().contains("abc"),
            "{why}: the token is not repeated"
        );
    }
}

#[test]
fn base_url_may_carry_a_prefix() {
    let emu = Emulator::start().unwrap();
    // The platform also runs on-premises under a path; the client appends /agent-api/… to it.
    let client = builder(&emu)
        .base_url(format!("{}/", emu.base_url()))
        .build_blocking()
        .unwrap();
    assert_eq!(client.as_async().base_url(), emu.base_url());
    client
        .dial_time_groups()
        .create(emu.user_id(), &seed_group())
        .unwrap();
}

#[tokio::test]
async fn blocking_client_inside_a_runtime_is_a_clear_error() {
    let emu = Emulator::start().unwrap();
    let client = builder(&emu).build_blocking().unwrap();
    let err = client
        .dial_time_groups()
        .create(emu.user_id(), &seed_group())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("async runtime"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_share_one_client_and_get_distinct_ids() {
    let emu = Emulator::start().unwrap();
    let client: Client = builder(&emu).build().unwrap();
    let group = seed_group();
    let user = emu.user_id().to_owned();
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let (client, group, user) = (client.clone(), group.clone(), user.clone());
            tokio::spawn(async move { client.dial_time_groups().create(&user, &group).await })
        })
        .collect();
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap().unwrap().id);
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 100);
}

#[test]
fn blocking_client_is_shared_across_threads() {
    let emu = Emulator::start().unwrap();
    let client: BlockingClient = builder(&emu).build_blocking().unwrap();
    let group = seed_group();
    let ids: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    client
                        .dial_time_groups()
                        .create(emu.user_id(), &group)
                        .unwrap()
                        .id
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 8);
}

#[test]
fn a_create_is_retried_when_the_connection_was_never_made() {
    // The first attempt is refused (nothing listens yet); the server comes up during the
    // backoff, and the retry saves the group. Safe for a create: nothing was sent.
    let port = unused_port();
    let user = "5832d184-dd53-42a0-8ace-0bf8d660f4cc";
    let client = ClientBuilder::new()
        .base_url(format!("http://127.0.0.1:{port}"))
        .token("late-token")
        .max_retries(3)
        .build_blocking()
        .unwrap();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        let emu = Emulator::builder()
            .port(port)
            .token("late-token")
            .user_id(user)
            .start()
            .unwrap();
        ready_tx.send(()).unwrap();
        let _ = done_rx.recv();
        emu.request_count()
    });
    let saved = client.dial_time_groups().create(user, &seed_group());
    ready_rx.recv().unwrap();
    done_tx.send(()).unwrap();
    assert_eq!(saved.unwrap().user_id, user);
    assert_eq!(server.join().unwrap(), 1, "one request reached the server");
}
