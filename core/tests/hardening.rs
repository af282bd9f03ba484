//! Every crash, hang and leak found by trying dialtime as a user would, as a test that failed
//! before its fix (issue "Hardening"): hostile server answers, hostile input, misuse.

mod common;

use std::time::Duration;

use dialtime::{BlockingClient, Client, ErrorKind, NewDialTimeGroup, Weekday};
use dialtime_emulator::{Emulator, Fault};

use common::group;

#[test]
fn absurd_retry_after_values_never_panic_and_are_not_waited_for() {
    let emu = Emulator::start().unwrap();
    let client = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(1)
        .build_blocking()
        .unwrap();
    for value in [
        "1e20",
        "1e400",
        "-1",
        "NaN",
        "inf",
        "18446744073709551616",
        "soon",
    ] {
        emu.push_fault(Fault::status(429).with_retry_after(value).times(10));
        let before = emu.request_count();
        let err = client
            .dial_time_groups()
            .create(emu.user_id(), &group("x"))
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::RateLimited, "{value}: {err}");
        let waited = err.retry_after();
        match value {
            // Huge: kept (capped), and far beyond what a retry waits for: one request.
            "1e20" | "1e400" | "inf" | "18446744073709551616" => {
                assert!(waited.unwrap() >= Duration::from_secs(3600), "{value}");
                assert_eq!(emu.request_count() - before, 1, "{value}");
            }
            // Unreadable: ignored, so the retry waits a backoff instead.
            _ => {
                assert_eq!(waited, None, "{value}");
                assert_eq!(emu.request_count() - before, 2, "{value}");
            }
        }
        emu.clear_faults();
    }
    // "-0" is zero seconds: honoured, and the retry succeeds.
    emu.push_fault(Fault::status(429).with_retry_after("-0"));
    client
        .dial_time_groups()
        .create(emu.user_id(), &group("x"))
        .unwrap();
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let emu = Emulator::start().unwrap();
    let client = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(1)
        .build_blocking()
        .unwrap();
    // A date in the past: no wait, retried at once; the retry succeeds.
    emu.push_fault(Fault::status(429).with_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
    client
        .dial_time_groups()
        .create(emu.user_id(), &group("dated"))
        .unwrap();
    assert_eq!(emu.request_count(), 2);
    // A date years ahead: reported, not waited for.
    emu.push_fault(Fault::status(429).with_retry_after("Fri, 01 Jan 2100 00:00:00 GMT"));
    let err = client
        .dial_time_groups()
        .create(emu.user_id(), &group("later"))
        .unwrap_err();
    assert!(err.retry_after().unwrap() > Duration::from_secs(3600 * 24 * 300));
    assert_eq!(emu.request_count(), 3);
}

#[test]
fn a_token_echoed_back_never_shows_whatever_its_length_or_escaping() {
    let emu = Emulator::start().unwrap();
    // Real tokens are ~1 KB JWTs, longer than the kept excerpt; base64 may hold '/'.
    let token: String = (0..1500)
        .map(|i| ["A", "b", "/", "9"][i % 4])
        .collect::<String>();
    let escaped = token.replace('/', "\\/");
    let client = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(&token)
        .max_retries(0)
        .build_blocking()
        .unwrap();
    for body in [
        format!("{{\"message\":\"bad token {token}\"}}"),
        format!("{{\"message\":\"bad token {escaped}\"}}"),
        format!("{{\"message\":\"x\",\"errors\":{{\"{token}\":[\"{escaped}\"]}}}}"),
        format!("not json {token}"),
        format!("{{\"code\":200,\"status\":\"success\",\"data\":\"{token}\"}}"),
    ] {
        for status in [401, 422, 500, 200] {
            emu.push_fault(Fault::body(body.clone()).with_status(status));
            let err = client
                .dial_time_groups()
                .create(emu.user_id(), &group("x"))
                .unwrap_err();
            let shown = format!("{err} {err:?} {:?}", err.body_excerpt());
            let problems = format!("{:?}", err.problems());
            for secret in [&token, &escaped] {
                // Any 40-character window of the secret would be a leak.
                let probe = &secret[..40];
                assert!(!shown.contains(probe), "status {status}: {shown:.200}");
                assert!(
                    !problems.contains(probe),
                    "status {status}: {problems:.200}"
                );
            }
        }
    }
}

#[test]
fn a_token_echoed_as_the_request_id_never_shows() {
    // The request id was the one server text not redacted: it went into error messages,
    // `request_id()`, logs and recorded answers.
    let emu = Emulator::start().unwrap();
    let token = "echoed-secret-token-0123456789";
    let client = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(token)
        .max_retries(0)
        .build_blocking()
        .unwrap();
    for status in [500, 404] {
        emu.push_fault(Fault::status(status).with_header("x-request-id", format!("echo {token}")));
        let err = client
            .dial_time_groups()
            .list(emu.user_id(), &dialtime::ListParams::default())
            .unwrap_err();
        let shown = format!("{err} {err:?} {:?}", err.request_id());
        assert!(!shown.contains(token), "{shown}");
        assert!(shown.contains("echo [redacted]"), "{shown}");
    }
    // A token cut by the 200-character limit leaves no piece either.
    let padded = format!("{}{token}", "x".repeat(190));
    emu.push_fault(Fault::status(500).with_header("x-request-id", padded));
    let err = client
        .dial_time_groups()
        .list(emu.user_id(), &dialtime::ListParams::default())
        .unwrap_err();
    assert!(
        !err.request_id().unwrap().contains(&token[..10]),
        "{:?}",
        err.request_id()
    );
}

/// Server text that is not an answer's body: a redirect loop's last `Location` (reqwest names
/// it in its error) and a list page's unreadable `meta` (serde quotes the value).
#[test]
fn a_token_echoed_in_a_redirect_or_a_page_meta_never_shows() {
    let emu = Emulator::start().unwrap();
    let token = "echoed|secret/token-0123456789";
    let client = BlockingClient::builder()
        .base_url(emu.base_url())
        .token(token)
        .max_retries(0)
        .build_blocking()
        .unwrap();
    let path = format!("/agent-api/user/{}/dial-time-group", emu.user_id());
    let encoded = token.replace('|', "%7C").replace('/', "%2F");
    for location in [
        format!("{path}?page=1&access_token={token}"),
        format!("{path}?page=1&access_token={encoded}"),
    ] {
        emu.push_fault(
            Fault::status(307)
                .with_header("location", location)
                .times(20),
        );
        let err = client
            .dial_time_groups()
            .list(emu.user_id(), &dialtime::ListParams::default())
            .unwrap_err();
        emu.clear_faults();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("redirect"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }
    emu.push_fault(Fault::body(format!(
        r#"{{"code":200,"status":"success","data":[],"meta":{{"current_page":"{token}"}}}}"#
    )));
    let err = client
        .dial_time_groups()
        .list(emu.user_id(), &dialtime::ListParams::default())
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("secret"), "{shown}");
}

#[test]
fn a_base_url_with_credentials_or_a_query_is_refused_without_echoing_them() {
    for url in [
        "https://user:s3cret@example.com/",
        "https://example.com/?token=s3cret",
        "https://example.com/#s3cret",
        "htps://user:s3cret@example.com",
        "https://user:s3cret@",
        // A token holding `/`, `?` or `#` (base64) in the user info.
        "https://api:s3cret/x==@api.example.com",
        "https://api:ab/s3cret@api.example.com/path",
        "https://u:s3cret#en@host",
        "https://u:s3cret?en@host",
        "https://example.com/?email=a@b&token=s3cret",
        // No scheme, and a `://` further on (it is not one).
        "user:s3cret@api.example.com?next=https://x",
        "api.example.com/?token=s3cret&cb=http://x",
    ] {
        let err = Client::builder()
            .base_url(url)
            .token("t")
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        assert!(!err.to_string().contains("s3cret"), "{url}: {err}");
        // Nor a builder's Debug.
        let shown = format!("{:?}", Client::builder().base_url(url));
        assert!(!shown.contains("s3cret"), "{url}: {shown}");
    }
    // The token in the URL's path (or host) showed in every call's message and log line.
    let token = "tok-s3cret-0123456789";
    for url in [
        format!("https://gw.example.com/{token}"),
        format!("https://gw.example.com/v1/{token}/x"),
        format!("https://{token}.example.com"),
    ] {
        let err = Client::builder()
            .base_url(&url)
            .token(token)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        assert!(
            err.to_string().contains("must not contain the token"),
            "{err}"
        );
        assert!(!err.to_string().contains("s3cret"), "{url}: {err}");
    }
    // Percent-encoded in part (a Sanctum token's `|` as `%7C`), the URL was accepted and the
    // token showed in every message, log line and the client's base_url; a URL refused for
    // another reason (its scheme, its port, no scheme) was shown whole, token included.
    let sanctum = "5|Xk8fJq2s3cretLw9";
    for url in [
        "https://gw.example.com/5%7CXk8fJq2s3cretLw9".to_owned(),
        "https://gw.example.com/5%7cXk8fJq2s3cret%4Cw9/x".to_owned(),
        format!("ftp://gw.example.com/{sanctum}"),
        format!("https://gw.example.com:99999/{sanctum}"),
        format!("gw.example.com/{sanctum}"),
        "https://GW.example.com:99999/5%7CXk8fJq2s3cretLw9".to_owned(),
        // Tabs and line breaks are dropped by the parser (and were not by the check).
        "https://gw.example.com/5|Xk8fJq2s\t3cretLw9".to_owned(),
        "ftp://gw.example.com/5|Xk8fJq2s\n3cretLw9".to_owned(),
    ] {
        let err = Client::builder()
            .base_url(&url)
            .token(sanctum)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{url}");
        let shown = err.to_string();
        assert!(
            !shown.contains("s3cret") && !shown.contains("3cretLw9"),
            "{url}: {err}"
        );
        assert!(shown.contains("base URL"), "{url}: {err}");
    }
    // A URL without the token is still shown where it is wrong.
    let err = Client::builder()
        .base_url("ftp://gw.example.com/v1")
        .token(sanctum)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("ftp://gw.example.com/v1"), "{err}");
}

/// An option that holds the token by mistake (a header name `Bearer sk-…`, the token as the
/// proxy or in the user agent suffix) was quoted whole in the `Config` error; a proxy that
/// is the token was taken as a host name (the token in a DNS lookup).
#[test]
fn options_holding_the_token_are_not_quoted_back() {
    let token = "sk-live-4f9a1c7e2b8d";
    let builders = [
        Client::builder().default_header(format!("Bearer {token}"), "x"),
        Client::builder().default_header(format!("{token}\n"), "x"),
        Client::builder().proxy(format!("Bearer {token}")),
        Client::builder().proxy(token),
        Client::builder().proxy(format!("http://proxy.example.com/{token}")),
        Client::builder().proxy(format!("socks5://{token}.example.com")),
        Client::builder().user_agent_suffix(format!("key={token}\n")),
    ];
    for (i, b) in builders.into_iter().enumerate() {
        let err = b
            .base_url("http://127.0.0.1:9")
            .token(token)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{i}: {err}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("4f9a1c7e2b8d"), "{i}: {shown}");
    }
    let err = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token(token)
        .proxy(token)
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the proxy (not shown: it holds the token)"),
        "{err}"
    );
    // A header name holding the token split by a character the quote escapes or that no
    // name may hold is not shown either: neither side of the split appears.
    for split in [
        "\r\n", "\0", "\u{7f}", "\"", "\\", " ", "\u{200b}", "\u{a0}",
    ] {
        for at in [5, 12] {
            let err = Client::builder()
                .base_url("http://127.0.0.1:9")
                .token(token)
                .default_header(format!("{}{split}{}", &token[..at], &token[at..]), "x")
                .build()
                .unwrap_err();
            let shown = format!("{err} {err:?}");
            assert!(
                shown.contains("default header name (not shown: it holds the token)")
                    && [&token[..at], &token[at..]]
                        .iter()
                        .filter(|side| side.len() >= 8)
                        .all(|side| !shown.contains(*side)),
                "{split:?} at {at}: {shown}"
            );
        }
    }
    // A name without a piece of it is still shown where it is wrong.
    let err = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token(token)
        .default_header("X Tenant", "x")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("\"X Tenant\""), "{err}");
    // A proxy without the token is still shown where it is wrong.
    let err = Client::builder()
        .base_url("http://127.0.0.1:9")
        .token(token)
        .proxy("socks5://proxy.example.com")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("socks5://proxy.example.com"),
        "{err}"
    );
}

/// An argument that is the token (two arguments swapped: `list(token)`) was quoted whole in
/// the `Validation` error ("user_id: must be a UUID, got \"sk-…\"").
#[test]
fn the_token_given_as_an_argument_is_not_quoted_back() {
    let token = "sk-live-s3cret-token-0123";
    let client = BlockingClient::builder()
        .base_url("http://127.0.0.1:9")
        .token(token)
        .build_blocking()
        .unwrap();
    let groups = client.dial_time_groups();
    let params = dialtime::ListParams {
        page: 1,
        sub_user_id: Some(token.to_owned()),
    };
    let group = NewDialTimeGroup::builder("x")
        .window(Weekday::Monday, "09:00", "10:00")
        .build()
        .unwrap();
    for err in [
        groups.list(token, &Default::default()).unwrap_err(),
        groups
            .list("3f2504e0-4f89-41d3-9a0c-0305e82c3301", &params)
            .unwrap_err(),
        groups.delete(token, 1, None).unwrap_err(),
        groups.create(token, &group).unwrap_err(),
        groups.ensure(token, &group).unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::Validation, "{err}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("must be a UUID"), "{shown}");
    }
    // A token longer than a problem quotes (40 characters): its head showed.
    let long = "sk-live-s3cret-0123456789abcdef0123456789abcdef0123456789";
    let client = BlockingClient::builder()
        .base_url("http://127.0.0.1:9")
        .token(long)
        .build_blocking()
        .unwrap();
    let err = client
        .dial_time_groups()
        .list(long, &Default::default())
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
}

/// A binding reads a payload (JSON) before the call: its problems quote a field given the
/// token by mistake (`create(…, sub_user_id=token)`), so the bindings scrub them with the
/// client's token.
#[test]
fn a_payload_field_given_the_token_is_scrubbed_with_the_clients_token() {
    let token = "sk-live-s3cret-token-0123";
    let client = BlockingClient::builder()
        .base_url("http://127.0.0.1:9")
        .token(token)
        .build_blocking()
        .unwrap();
    let payload = serde_json::json!({
        "name": token,
        "content": [{"week": 1, "times": [{"begin_time": "09:00", "end_time": token}]}],
        "is_default": false,
        "skip_holiday": false,
        "sub_user_id": token,
    });
    let raw = dialtime::validate::new_group_from_json(&payload).unwrap_err();
    assert!(
        format!("{raw:?}").contains("s3cret"),
        "the problems quote it: {raw:?}"
    );
    let err = client.as_async().token().scrub(raw);
    assert_eq!(err.kind(), ErrorKind::Validation);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(
        shown.contains("sub_user_id") && shown.contains("end_time"),
        "{shown}"
    );
    // Given late in a value that a message quotes cut short (40 characters, then `"…`): the
    // head of the token the message keeps is redacted too, whatever its length from 4 bytes.
    for skip in [24, 30, 35] {
        let late = format!("{}{token}", "x".repeat(skip));
        let payload = serde_json::json!({
            "name": "n",
            "content": [{"week": 1, "times": [{"begin_time": late, "end_time": "10:00"}]}],
            "is_default": false,
            "skip_holiday": false,
        });
        let raw = dialtime::validate::new_group_from_json(&payload).unwrap_err();
        let shown = format!("{:?}", client.as_async().token().scrub(raw));
        let head = &token[..40 - skip];
        assert!(
            !shown.contains(head) && shown.contains("[redacted]"),
            "{skip}: {shown}"
        );
    }
    let update = serde_json::json!({"name": "x", "sub_user_id": token});
    let raw = dialtime::validate::update_from_json(&update).unwrap_err();
    let shown = format!("{:?}", client.as_async().token().scrub(raw));
    assert!(
        !shown.contains("s3cret") && shown.contains("sub_user_id"),
        "{shown}"
    );
}

#[test]
fn a_million_ranges_give_a_capped_problem_list() {
    let mut b = NewDialTimeGroup::builder("big");
    for _ in 0..1_000_000 {
        b = b.window(Weekday::Monday, "10:00", "09:00");
    }
    let err = b.build().unwrap_err();
    let problems = err.problems();
    assert_eq!(problems.len(), dialtime::error::MAX_PROBLEMS + 1);
    let last = problems.last().unwrap();
    assert_eq!(last.path, "$");
    assert!(last.message.contains("999900 more"), "{}", last.message);
    assert!(err.to_string().len() < 40_000);
}

#[test]
fn hostile_json_values_are_problems_not_crashes() {
    use dialtime::validate::new_group_from_json_str;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge = format!(
        "{{\"name\":\"{}\",\"content\":[],\"is_default\":true,\"skip_holiday\":false}}",
        "x".repeat(10 << 20)
    );
    let huge_times = format!(
        "{{\"name\":\"x\",\"content\":[{{\"week\":1,\"times\":[{{\"begin_time\":\"{0}\",\"end_time\":\"9{0}\"}}]}}],\"is_default\":true,\"skip_holiday\":false}}",
        "1".repeat(10 << 20)
    );
    for text in [
        deep.as_str(),
        huge.as_str(),
        huge_times.as_str(),
        r#"{"name":"x","content":[{"week":1e400,"times":[]}],"is_default":1,"skip_holiday":-0}"#,
        r#"{"name":"x","content":[{"week":9223372036854775808,"times":[{"begin_time":"\u0000","end_time":"\ud800"}]}]}"#,
        "\u{0}",
    ] {
        let err = new_group_from_json_str(text).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation);
        // Messages quote at most a short excerpt of what they got.
        assert!(err.to_string().len() < 4_000, "{:.200}", err.to_string());
    }
}

#[test]
fn an_unknown_key_of_control_characters_or_megabytes_is_shown_escaped_and_cut() {
    use dialtime::validate::new_group_from_json_str;
    let long = "k".repeat(1 << 20);
    for (key, shown) in [
        ("\\u001b[2J\\u0007x", "\"\\u{1b}[2J\\u{7}x\""),
        (long.as_str(), "…"),
        ("remarks", "remarks"),
    ] {
        let text = format!(
            r#"{{"name":"x","content":[{{"week":1,"times":[]}}],"is_default":true,"skip_holiday":false,"{key}":1}}"#
        );
        let err = new_group_from_json_str(&text).unwrap_err();
        let p = err
            .problems()
            .iter()
            .find(|p| p.message.contains("not a known field"))
            .expect("the unknown key is a problem");
        assert!(p.path.contains(shown), "{:.200}", p.path);
        assert!(p.path.len() < 100, "{:.200}", p.path);
        assert!(!err.to_string().contains('\u{1b}'), "{err:.300}");
    }
}

#[test]
fn a_huge_time_string_is_quoted_short() {
    let huge = "7".repeat(10 << 20);
    let err = dialtime::TimeRange::parse(&huge, &format!("x{huge}")).unwrap_err();
    assert_eq!(err.problems().len(), 2);
    for p in err.problems() {
        assert!(p.message.len() < 200, "{:.300}", p.message);
        assert!(p.message.ends_with("\"…"), "{}", p.message);
    }
    // A short one is quoted whole.
    let err = dialtime::TimeRange::parse("7:77", "24:01").unwrap_err();
    assert!(err.problems()[0].message.ends_with("got \"7:77\""), "{err}");
    assert!(
        err.problems()[1].message.ends_with("got \"24:01\""),
        "{err}"
    );
}

#[test]
fn the_blocking_iterator_ends_after_an_error() {
    let emu = Emulator::start().unwrap();
    let client = common::client(&emu);
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Inside a runtime the blocking client refuses: once, then the walk is over.
    let items: Vec<_> = rt.block_on(async {
        client
            .dial_time_groups()
            .list_all(emu.user_id(), None)
            .take(5)
            .collect()
    });
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].as_ref().unwrap_err().kind(), ErrorKind::Config);
    // A server error: reported once, then None.
    emu.push_fault(Fault::status(500).times(10));
    let mut walk = client.dial_time_groups().list_all(emu.user_id(), None);
    assert_eq!(walk.next().unwrap().unwrap_err().kind(), ErrorKind::Server);
    assert!(walk.next().is_none());
    assert!(walk.next().is_none());
}

/// A server that answers every list request with a page of one new group and "more follow".
/// The `page=` a request line asks for (1 when it asks none).
fn page_asked(head: &str) -> u64 {
    head.split("page=")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
}

fn endless_lister() -> String {
    let next_id = std::sync::atomic::AtomicU64::new(1);
    common::raw_server(move |head| {
        let page = page_asked(head);
        let id = next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let body = format!(
            r#"{{"code":200,"status":"success","message":"ok","meta":{{"current_page":{page},"last_page":{}}},"data":[{{"id":{id},"name":"g","user_id":"u","content":[],"is_default":false,"created_at":"2026-01-01 00:00:00","updated_at":"2026-01-01 00:00:00"}}]}}"#,
            page + 1
        );
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
    })
}

#[test]
fn a_list_that_never_ends_is_cut_at_the_page_bound() {
    let url = endless_lister();
    let client = BlockingClient::builder()
        .base_url(&url)
        .token("t")
        .max_retries(0)
        .build_blocking()
        .unwrap();
    let user = "5832d184-dd53-42a0-8ace-0bf8d660f4cc";
    let mut count = 0u32;
    let mut last = None;
    for item in client.dial_time_groups().list_all(user, None) {
        match item {
            Ok(_) => count += 1,
            Err(e) => last = Some(e),
        }
    }
    assert_eq!(count, dialtime::dial_time_groups::MAX_LIST_PAGES);
    assert_eq!(last.unwrap().kind(), ErrorKind::Decode);
    // ensure walks the same bounded list: it ends with the error instead of looping.
    let err = client
        .dial_time_groups()
        .ensure(user, &group("g"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[test]
fn a_list_of_huge_groups_is_cut_at_the_byte_bound() {
    // 15 groups of 500 KB names a page, pages without end: the walk held 7.5 GB by the page
    // bound, and the command line's plan ran out of memory keeping them.
    let next_id = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(1));
    let name = "n".repeat(500_000);
    let url = common::raw_server(move |head| {
        let page = page_asked(head);
        let groups: Vec<String> = (0..15)
            .map(|_| {
                let id = next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                format!(
                    r#"{{"id":{id},"name":"{name}","user_id":"u","content":[],"is_default":false,"created_at":"2026-01-01 00:00:00","updated_at":"2026-01-01 00:00:00"}}"#
                )
            })
            .collect();
        let body = format!(
            r#"{{"code":200,"status":"success","message":"ok","meta":{{"current_page":{page},"last_page":1000000}},"data":[{}]}}"#,
            groups.join(",")
        );
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
    });
    let client = BlockingClient::builder()
        .base_url(&url)
        .token("t")
        .max_retries(0)
        .build_blocking()
        .unwrap();
    let user = "5832d184-dd53-42a0-8ace-0bf8d660f4cc";
    let (mut bytes, mut last) = (0usize, None);
    for item in client.dial_time_groups().list_all(user, None) {
        match item {
            Ok(g) => bytes += g.name.len(),
            Err(e) => last = Some(e),
        }
    }
    let err = last.expect("the walk ended with an error");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("MiB of groups"), "{err}");
    assert!(
        bytes <= dialtime::dial_time_groups::MAX_LIST_BYTES,
        "{bytes}"
    );
    assert!(
        bytes > dialtime::dial_time_groups::MAX_LIST_BYTES / 2,
        "{bytes}"
    );
}

#[test]
fn ensure_trims_names_as_the_platform_does() {
    let emu = Emulator::start().unwrap();
    let client = common::client(&emu);
    let (saved, outcome) = client
        .dial_time_groups()
        .ensure(emu.user_id(), &group("  周末  "))
        .unwrap();
    assert_eq!(outcome, dialtime::Outcome::Created);
    assert_eq!(saved.name, "周末", "the name is sent trimmed");
    for name in ["周末", " 周末", "周末\t"] {
        let (again, outcome) = client
            .dial_time_groups()
            .ensure(emu.user_id(), &group(name))
            .unwrap();
        assert_eq!(outcome, dialtime::Outcome::Unchanged, "{name:?}");
        assert_eq!(again.id, saved.id);
    }
    let page = client
        .dial_time_groups()
        .list(emu.user_id(), &Default::default())
        .unwrap();
    assert_eq!(page.data.len(), 1);
}

#[test]
fn user_ids_match_whatever_their_case() {
    let emu = Emulator::start().unwrap();
    let client = common::client(&emu);
    let upper = emu.user_id().to_uppercase();
    let saved = client
        .dial_time_groups()
        .create(&upper, &group("x"))
        .unwrap();
    let lower = client
        .dial_time_groups()
        .list(emu.user_id(), &Default::default())
        .unwrap();
    assert_eq!(lower.data.len(), 1);
    client
        .dial_time_groups()
        .delete(&upper, saved.id, None)
        .unwrap();
}
