//! The emulator over plain HTTP, as any language's client sees it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use dialtime_emulator::{Emulator, Fault};
use serde_json::{json, Value};

const SEED: &str = r#"{"name":"周一周三拨打","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"20:00"},{"begin_time":"20:30","end_time":"22:00"}]},{"week":3,"times":[{"begin_time":"08:00","end_time":"12:00"},{"begin_time":"20:30","end_time":"22:00"}]}],"is_default":false,"skip_holiday":true}"#;

struct Http {
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl Http {
    fn new() -> Http {
        Http {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            client: reqwest::Client::new(),
        }
    }

    /// (status, headers' retry-after, body text)
    fn send(
        &self,
        method: &str,
        url: &str,
        token: Option<&str>,
        body: &str,
    ) -> (u16, Option<String>, String) {
        self.rt.block_on(async {
            let mut req = self
                .client
                .request(method.parse().unwrap(), url)
                .header("content-type", "application/json")
                .body(body.to_owned());
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let ra = resp
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (status, ra, resp.text().await.unwrap())
        })
    }
}

fn groups_url(emu: &Emulator) -> String {
    format!(
        "{}/agent-api/user/{}/dial-time-group",
        emu.base_url(),
        emu.user_id()
    )
}

#[test]
fn create_answers_like_the_documented_example() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let (status, _, body) = http.send("POST", &groups_url(&emu), Some(emu.token()), SEED);
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (v["code"].clone(), v["status"].clone()),
        (json!(200), json!("success"))
    );
    assert_eq!(v["message"], "创建呼叫时间组成功");
    let seed: Value = serde_json::from_str(SEED).unwrap();
    assert_eq!(v["data"]["content"], seed["content"]);
    assert_eq!(v["data"]["user_id"], emu.user_id());
    assert!(
        v["data"].get("remark").is_none(),
        "the create answer has no remark"
    );
    // Keys in the documented order: name, content, is_default, skip_holiday, user_id,
    // updated_at, created_at, id.
    let data = &body[body.find("\"data\"").unwrap()..];
    let at = |k: &str| {
        data.find(&format!("\"{k}\":"))
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    let order = [
        "name",
        "content",
        "is_default",
        "skip_holiday",
        "user_id",
        "updated_at",
        "created_at",
        "id",
    ];
    assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{data}");
    let ts = v["data"]["created_at"].as_str().unwrap();
    assert!(
        jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", ts).is_ok(),
        "{ts}"
    );

    let (_, _, second) = http.send("POST", &groups_url(&emu), Some(emu.token()), SEED);
    let second: Value = serde_json::from_str(&second).unwrap();
    assert!(
        second["data"]["id"].as_i64() > v["data"]["id"].as_i64(),
        "ids increase"
    );
}

#[test]
fn the_server_checks_the_token_routes_and_payload() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let url = groups_url(&emu);

    let (status, _, body) = http.send("POST", &url, None, SEED);
    assert_eq!(status, 401);
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap()["code"], 401);
    assert_eq!(http.send("POST", &url, Some("wrong"), SEED).0, 401);

    let (status, _, body) = http.send(
        "POST",
        &format!("{}/agent-api/nope", emu.base_url()),
        Some(emu.token()),
        "{}",
    );
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["status"],
        "error"
    );
    // Routing comes first, as in Laravel (its middleware checks the token after): an unknown
    // route or another method is 404 or 405 without a token too.
    let nope = format!("{}/agent-api/nope", emu.base_url());
    assert_eq!(http.send("GET", &nope, None, "").0, 404);
    assert_eq!(http.send("PATCH", &url, None, "{}").0, 405);

    // Laravel reads a body that does not decode to an object as no fields: 422 naming the
    // required ones (it was a 400, and `[1,2]` a 422 keyed `$`).
    for body in ["{not json", "", "[1,2]", "null", "\"x\""] {
        let (status, _, answer) = http.send("POST", &url, Some(emu.token()), body);
        assert_eq!(status, 422, "{body:?}: {answer}");
        let v: Value = serde_json::from_str(&answer).unwrap();
        assert!(
            v["errors"]["name"].is_array() && v["errors"].get("$").is_none(),
            "{v}"
        );
    }

    // A tolerant server: unknown keys are ignored, rules are not.
    let mut extra: Value = serde_json::from_str(SEED).unwrap();
    extra["unknown"] = json!(1);
    assert_eq!(
        http.send("POST", &url, Some(emu.token()), &extra.to_string())
            .0,
        200
    );
    extra["content"][0]["times"][0]["end_time"] = json!("07:00");
    let (status, _, body) = http.send("POST", &url, Some(emu.token()), &extra.to_string());
    assert_eq!(status, 422);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["errors"]["content.0.times.0.end_time"][0]
        .as_str()
        .unwrap()
        .contains("later than"));
}

#[test]
fn faults_queued_over_http_are_bounded() {
    // Faults nothing uses up waited forever: 1,000 of 1 MB kept a gigabyte.
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let control = format!("{}/_emulator/faults", emu.base_url());
    let fault = r#"{"status":503,"method":"PATCH"}"#;
    let mut refused = 0;
    for _ in 0..300 {
        match http.send("POST", &control, None, fault).0 {
            200 => {}
            429 => refused += 1,
            s => panic!("status {s}"),
        }
    }
    assert_eq!(refused, 300 - 256);
    assert_eq!(http.send("DELETE", &control, None, "").0, 200);
    assert_eq!(http.send("POST", &control, None, fault).0, 200);
    // The Rust API is not bounded (the test's own code).
    for _ in 0..300 {
        emu.push_fault(dialtime_emulator::Fault::status(503).for_method("NOPE"));
    }
    assert_eq!(emu.pending_faults(), 301);
}

/// A fault's headers never frame the message: `content-length: 1` on a 150-byte answer left
/// the rest on the keep-alive connection, read by the client as its next answer (and made
/// hyper assert in a debug build).
#[test]
fn a_fault_cannot_set_the_framing_headers() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let control = format!("{}/_emulator/faults", emu.base_url());
    for name in ["content-length", "Transfer-Encoding", "connection"] {
        let fault = format!(r#"{{"status":200,"headers":{{"{name}":"1"}}}}"#);
        let (status, _, body) = http.send("POST", &control, None, &fault);
        assert_eq!(status, 400, "{name}: {body}");
        assert!(body.contains(&format!("fault.headers.{name}")), "{body}");
    }
    assert_eq!(emu.pending_faults(), 0);

    // Through the Rust API the header is not sent; the answer and the next one are whole.
    let url = format!("{}?page=1", groups_url(&emu));
    emu.push_fault(
        Fault::default()
            .with_header("Content-Length", "1")
            .with_header("x-kept", "yes"),
    );
    for _ in 0..2 {
        let (status, _, body) = http.send("GET", &url, Some(emu.token()), "");
        assert_eq!(status, 200);
        assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
    }
}

#[test]
fn faults_are_queued_over_http_and_applied_in_order() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let control = format!("{}/_emulator/faults", emu.base_url());
    let (s, _, _) = http.send(
        "POST",
        &control,
        None,
        r#"{"status":429,"retry_after":"3"}"#,
    );
    assert_eq!(s, 200);
    let (s, _, _) = http.send(
        "POST",
        &control,
        None,
        r#"{"status":200,"code":500,"message":"系统繁忙","times":2}"#,
    );
    assert_eq!(s, 200);
    assert_eq!(
        http.send("POST", &control, None, r#"{"stauts":1}"#).0,
        400,
        "typos are refused"
    );

    let url = groups_url(&emu);
    let (s, ra, _) = http.send("POST", &url, Some(emu.token()), SEED);
    assert_eq!((s, ra.as_deref()), (429, Some("3")));
    for _ in 0..2 {
        let (s, _, body) = http.send("POST", &url, Some(emu.token()), SEED);
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            (s, v["code"].clone(), v["message"].clone()),
            (200, json!(500), json!("系统繁忙"))
        );
    }
    assert_eq!(
        http.send("POST", &url, Some(emu.token()), SEED).0,
        200,
        "queue drained"
    );

    http.send("POST", &control, None, r#"{"status":503,"times":5}"#);
    http.send("DELETE", &control, None, "");
    assert_eq!(
        http.send("POST", &url, Some(emu.token()), SEED).0,
        200,
        "queue cleared"
    );
    assert_eq!(emu.request_count(), 5, "control requests are not counted");
}

#[test]
fn the_binary_prints_its_base_url_first_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dialtime-emulator"))
        .args(["--port", "0", "--token", "cli-token"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base_url = lines.next().unwrap().unwrap();
    let token_line = lines.next().unwrap().unwrap();
    let user_line = lines.next().unwrap().unwrap();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{base_url}");
    assert_eq!(token_line, "token: cli-token");
    let user_id = user_line.strip_prefix("user_id: ").unwrap();

    let http = Http::new();
    let url = format!("{base_url}/agent-api/user/{user_id}/dial-time-group");
    let (status, _, body) = http.send("POST", &url, Some("cli-token"), SEED);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status, 200, "{body}");
}

#[test]
fn the_binary_rejects_bad_arguments() {
    let out = Command::new(env!("CARGO_BIN_EXE_dialtime-emulator"))
        .args(["--port", "99999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--port"));
}

#[test]
fn dropping_the_emulator_stops_it() {
    let emu = Emulator::start().unwrap();
    let addr = emu.base_url().trim_start_matches("http://").to_owned();
    std::net::TcpStream::connect(&addr).expect("serving while alive");
    drop(emu);
    // Drop joins the server thread, so nothing listens any more. (Re-binding the port would
    // race with other tests' ephemeral client ports; a refused connection does not.)
    let err = std::net::TcpStream::connect(&addr).expect_err("nothing listens after drop");
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[test]
fn a_payload_with_thousands_of_problems_gets_one_grouped_422() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    // 20,000 ranges of one day, each overlapping the first: one problem per range.
    let ranges: Vec<String> = (0..20_000)
        .map(|_| r#"{"begin_time":"08:00","end_time":"09:00"}"#.to_owned())
        .collect();
    let body = format!(
        r#"{{"name":"x","content":[{{"week":1,"times":[{}]}}],"is_default":false,"skip_holiday":false}}"#,
        ranges.join(",")
    );
    let (status, _, answer) = http.send("POST", &groups_url(&emu), Some(emu.token()), &body);
    assert_eq!(status, 422);
    let v: Value = serde_json::from_str(&answer).unwrap();
    let errors = v["errors"].as_object().unwrap();
    // The core caps problems at 100 (plus one summary at `$`), each key listed once.
    assert_eq!(errors.len(), 101, "{:.300}", answer);
    assert!(errors.contains_key("content.1.times.0") || errors.contains_key("content.0.times.1"));
}

#[test]
fn shaping_faults_change_how_an_answer_is_sent() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let url = groups_url(&emu);
    emu.push_fault(Fault::default().with_content_type("text/html"));
    let content_type = http.rt.block_on(async {
        let resp = http
            .client
            .get(format!("{url}?page=1"))
            .bearer_auth(emu.token())
            .send()
            .await
            .unwrap();
        let ct = resp.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(resp.text().await.unwrap().contains("\"success\""));
        ct
    });
    assert_eq!(content_type, "text/html");

    emu.push_fault(Fault::status(200).padded_to(10_000));
    let (_, _, body) = http.send("GET", &format!("{url}?page=1"), Some(emu.token()), "");
    assert_eq!(body.len(), 10_000);
    assert!(serde_json::from_str::<Value>(&body).is_ok(), "still JSON");

    // Truncated: the client sees the connection end short of Content-Length.
    emu.push_fault(Fault::status(200).truncated());
    let failed = http.rt.block_on(async {
        let resp = http
            .client
            .get(format!("{url}?page=1"))
            .bearer_auth(emu.token())
            .send()
            .await
            .unwrap();
        let announced = resp.content_length().unwrap();
        (announced, resp.bytes().await.is_err())
    });
    assert!(failed.0 > 0 && failed.1, "{failed:?}");
}

impl Http {
    /// `send` with a chosen `Content-Type` (none: no header); (status, headers, body).
    fn send_as(
        &self,
        method: &str,
        url: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: &str,
    ) -> (u16, reqwest::header::HeaderMap, String) {
        self.rt.block_on(async {
            let mut req = self
                .client
                .request(method.parse().unwrap(), url)
                .body(body.to_owned());
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.unwrap();
            let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
            (status, headers, resp.text().await.unwrap())
        })
    }
}

/// Requests read as the platform (Laravel) reads them, so a test passing against the
/// emulator does not fail in production: a body without a JSON content type has no fields,
/// query parameters are decoded and the last of repeated ones wins (as the request log shows
/// it), `sub_user_id` in a query is checked, another method on a route is 405, HEAD is GET,
/// and `write_count` counts POST, PUT and DELETE only.
#[test]
fn requests_are_read_as_the_platform_reads_them() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let url = groups_url(&emu);
    let token = Some(emu.token());
    let json = Some("application/json");

    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let (status, _, body) = http.send_as("POST", &url, token, ct, SEED);
        assert_eq!(status, 422, "{ct:?}: {body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(v["errors"]["name"].is_array(), "{body}");
    }
    assert_eq!(
        http.send_as(
            "POST",
            &url,
            token,
            Some("application/vnd.api+json; charset=utf-8"),
            SEED
        )
        .0,
        200
    );
    let writes = emu.write_count();

    let (status, headers, _) = http.send_as("PATCH", &format!("{url}/1"), token, json, "{}");
    assert_eq!(
        (status, &headers["allow"]),
        (
            405,
            &"PUT, DELETE"
                .parse::<reqwest::header::HeaderValue>()
                .unwrap()
        )
    );
    let (status, headers, _) = http.send_as("OPTIONS", &url, token, None, "");
    assert_eq!(
        (status, headers["allow"].to_str().unwrap()),
        (405, "GET, HEAD, POST")
    );
    assert_eq!(
        http.send_as("HEAD", &format!("{url}?page=1"), token, None, "")
            .0,
        200
    );
    assert_eq!(
        emu.write_count(),
        writes,
        "PATCH, OPTIONS and HEAD change nothing"
    );

    let page_of = |query: &str| {
        let (status, _, body) = http.send_as("GET", &format!("{url}?{query}"), token, None, "");
        (status, serde_json::from_str::<Value>(&body).unwrap())
    };
    let (status, v) = page_of("page=1&page=2");
    assert_eq!((status, &v["meta"]["current_page"]), (200, &json!(2)));
    // Laravel's `hasPages()`: a page past the only one still "has pages".
    assert_eq!(
        (&v["meta"]["has_pages"], &v["meta"]["last_page"]),
        (&json!(true), &json!(1))
    );
    assert_eq!(emu.last_request().unwrap().query["page"], "2");
    assert_eq!(page_of("page=1").1["meta"]["has_pages"], json!(false));
    assert_eq!(page_of("page=%32").1["meta"]["current_page"], 2);
    assert_eq!(page_of("page=+1").0, 422);
    let (status, v) = page_of("page=1&sub_user_id=abc");
    assert_eq!(status, 422);
    assert!(v["errors"]["sub_user_id"].is_array(), "{v}");
    let (status, v) = page_of("page=1&sub_user_id=");
    assert_eq!(
        (status, v["meta"]["total"].as_u64()),
        (200, Some(1)),
        "empty: the user's own"
    );
    assert_eq!(
        http.send_as(
            "DELETE",
            &format!("{url}/1?sub_user_id=zzz"),
            token,
            None,
            ""
        )
        .0,
        422
    );
    assert_eq!(
        http.send_as("PUT", &format!("{url}/+1"), token, json, SEED)
            .0,
        404
    );

    // Too large: routing first (404 off the API), then the token (401), as any request.
    let huge = "x".repeat(2 << 20);
    assert_eq!(http.send_as("POST", &url, None, json, &huge).0, 401);
    let nope = format!("{}/agent-api/nope", emu.base_url());
    assert_eq!(http.send_as("POST", &nope, token, json, &huge).0, 404);
    assert_eq!(http.send_as("POST", &url, token, json, &huge).0, 413);
}

/// Faults that were queued and then ignored: `code`/`message` alone (an error envelope in
/// HTTP 200), `retry_after` alone (on the normal answer); and faults that cannot be sent are
/// refused when queued (a status outside 200–599, bad header names or values).
#[test]
fn every_fault_field_does_what_it_says_or_is_refused() {
    let emu = Emulator::start().unwrap();
    let http = Http::new();
    let url = groups_url(&emu);
    let faults = format!("{}/_emulator/faults", emu.base_url());
    let queue = |fault: Value| http.send("POST", &faults, None, &fault.to_string());

    assert_eq!(queue(json!({"code": 500, "message": "boom"})).0, 200);
    let (status, _, body) = http.send("GET", &format!("{url}?page=1"), Some(emu.token()), "");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, &v["code"], &v["message"]),
        (200, &json!(500), &json!("boom"))
    );

    assert_eq!(queue(json!({"retry_after": "3"})).0, 200);
    let (status, ra, _) = http.send("GET", &format!("{url}?page=1"), Some(emu.token()), "");
    assert_eq!((status, ra.as_deref()), (200, Some("3")));

    for bad in [
        json!({"status": 99}),
        json!({"status": 101}),
        json!({"status": 999}),
        json!({"headers": {"bad name": "x"}}),
        json!({"headers": {"x-ok": "a\r\nb"}}),
        json!({"content_type": "a\r\nb"}),
        // No body to truncate, pad or fill on a 204 or 304.
        json!({"status": 204, "truncate": true}),
        json!({"status": 304, "body": "{}"}),
        json!({"status": 204, "message": "x"}),
        // A method no request has matched no request and stayed queued.
        json!({"method": "GTE"}),
        json!({"method": ""}),
    ] {
        let (status, _, body) = queue(bad.clone());
        assert_eq!(status, 400, "{bad}: {body}");
    }
    assert_eq!(emu.pending_faults(), 0);
    // A bare 204 is an empty answer (a method in any case, as it is matched).
    assert_eq!(queue(json!({"status": 204, "method": "get"})).0, 200);
    let (status, _, body) = http.send("GET", &format!("{url}?page=1"), Some(emu.token()), "");
    assert_eq!((status, body.as_str()), (204, ""));
}

/// A connection that sends no request head, half of one, or never finishes its TLS handshake
/// is closed after the head-read timeout (75 s; shortened here): each held a file descriptor
/// of the test process, the handshake for good.
#[test]
fn connections_that_send_nothing_are_closed() {
    use std::io::{Read, Write};
    use std::time::Duration;
    for tls in [false, true] {
        let emu = Emulator::builder()
            .tls(tls)
            .head_read_timeout_for_tests(Duration::from_millis(300))
            .start()
            .unwrap();
        let addr = emu.base_url().split("//").nth(1).unwrap().to_owned();
        // Nothing; half a head (or half a ClientHello).
        let half: &[u8] = if tls {
            b"\x16\x03\x01\x02\x00\x01"
        } else {
            b"GET / HTTP/1.1\r\nHo"
        };
        for sent in [&b""[..], half] {
            let mut s = std::net::TcpStream::connect(&addr).unwrap();
            s.write_all(sent).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let started = std::time::Instant::now();
            let mut rest = Vec::new();
            // Closed by the server: the read ends (EOF or a reset), long before 20 s.
            let _ = s.read_to_end(&mut rest);
            let waited = started.elapsed();
            assert!(
                waited >= Duration::from_millis(250) && waited < Duration::from_secs(10),
                "tls {tls}, sent {sent:?}: closed after {waited:?}"
            );
        }
    }
}
