//! What a test of the user's own code needs from the emulator: the request log, scoped and
//! removable faults, sub-accounts and seed groups, and options in their JSON form.

use dialtime::{BlockingClient, ListParams, NewDialTimeGroup, Weekday};
use dialtime_emulator::{Emulator, Fault};
use serde_json::json;

const SUB: &str = "0b3c3a51-5b8f-4c43-9a71-1f7c1d2f0a11";
const OTHER_SUB: &str = "9e0d7a3c-1111-4a2b-8c3d-2e4f6a8b0c1d";

fn client(emu: &Emulator) -> BlockingClient {
    BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(0)
        .build_blocking()
        .unwrap()
}

fn weekday_group(name: &str, sub_user_id: Option<&str>) -> NewDialTimeGroup {
    NewDialTimeGroup::builder(name)
        .window(Weekday::Monday, "09:00", "18:00")
        .with_sub_user_id(sub_user_id.map(str::to_owned))
        .build()
        .unwrap()
}

fn page(page: u32, sub_user_id: Option<&str>) -> ListParams {
    ListParams {
        page,
        sub_user_id: sub_user_id.map(str::to_owned),
    }
}

#[test]
fn the_log_records_method_path_query_headers_body_and_never_the_token() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let user = emu.user_id().to_owned();
    let saved = c
        .dial_time_groups()
        .create(&user, &weekday_group("白天", Some(SUB)))
        .unwrap();
    c.dial_time_groups()
        .list(&user, &page(1, Some(SUB)))
        .unwrap();
    c.dial_time_groups()
        .delete(&user, saved.id, None)
        .unwrap_err();

    let log = emu.requests();
    assert_eq!(log.len(), 3);
    let create = &log[0];
    assert_eq!(create.method, "POST");
    assert_eq!(
        create.path,
        format!("/agent-api/user/{user}/dial-time-group")
    );
    assert_eq!(create.body.as_ref().unwrap()["name"], "白天");
    assert_eq!(create.body.as_ref().unwrap()["sub_user_id"], SUB);
    assert_eq!(create.headers["authorization"], "[present]");
    assert!(create.authorized);
    assert!(create.headers["user-agent"].starts_with("dialtime/"));
    assert_eq!(create.request_id, "emu-1");
    let list = &log[1];
    assert_eq!((list.method.as_str(), list.body.as_ref()), ("GET", None));
    assert_eq!(list.query["page"], "1");
    assert_eq!(list.query["sub_user_id"], SUB);
    assert_eq!(log[2].method, "DELETE");
    assert_eq!(
        log[2].path,
        format!("/agent-api/user/{user}/dial-time-group/{}", saved.id)
    );
    assert!(log[0].time <= log[2].time);
    assert_eq!(emu.last_request().unwrap(), log[2]);

    let text = serde_json::to_string(&log.iter().map(|r| r.to_json()).collect::<Vec<_>>()).unwrap();
    assert!(
        !text.contains(emu.token()),
        "the token never reaches the log"
    );

    emu.clear_requests();
    assert!(emu.requests().is_empty());
    assert_eq!(emu.request_count(), 3, "the counter keeps counting");
}

#[test]
fn the_log_keeps_a_non_json_body_as_text_and_a_wrong_token_as_unauthorized() {
    let emu = Emulator::start().unwrap();
    let url = format!(
        "{}/agent-api/user/{}/dial-time-group",
        emu.base_url(),
        emu.user_id()
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        reqwest::Client::new()
            .post(&url)
            .bearer_auth("not-the-token")
            .body("name=x&y")
            .send()
            .await
            .unwrap();
    });
    let r = emu.last_request().unwrap();
    assert!(!r.authorized);
    assert_eq!(r.body, None);
    assert_eq!(r.body_text.as_deref(), Some("name=x&y"));
    assert_eq!(r.headers["authorization"], "[present]");
}

#[test]
fn the_log_is_bounded_and_keeps_the_most_recent() {
    let emu = Emulator::builder().request_log_limit(2).start().unwrap();
    let c = client(&emu);
    for n in 1..=4 {
        c.dial_time_groups()
            .list(emu.user_id(), &page(n, None))
            .unwrap();
    }
    let pages: Vec<_> = emu
        .requests()
        .iter()
        .map(|r| r.query["page"].clone())
        .collect();
    assert_eq!(pages, ["3", "4"]);
    let none = Emulator::builder().request_log_limit(0).start().unwrap();
    client(&none)
        .dial_time_groups()
        .list(none.user_id(), &page(1, None))
        .unwrap();
    assert!(none.requests().is_empty());
    assert_eq!(none.request_count(), 1);
}

#[test]
fn a_scoped_fault_is_removed_at_the_end_of_its_scope() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    {
        let _outage = emu.fault(Fault::status(503).times(5));
        let e = c
            .dial_time_groups()
            .list(emu.user_id(), &page(1, None))
            .unwrap_err();
        assert_eq!(e.http_status(), Some(503));
        assert_eq!(emu.pending_faults(), 4);
    }
    assert_eq!(emu.pending_faults(), 0, "the unused rest does not leak");
    c.dial_time_groups()
        .list(emu.user_id(), &page(1, None))
        .unwrap();

    let used_up = emu.push_fault(Fault::status(500));
    let kept = emu.push_fault(Fault::status(502).for_method("POST"));
    assert_eq!(
        c.dial_time_groups()
            .list(emu.user_id(), &page(1, None))
            .unwrap_err()
            .http_status(),
        Some(500)
    );
    assert!(!emu.remove_fault(used_up), "used up already");
    assert!(emu.remove_fault(kept));
    assert!(!emu.remove_fault(kept), "removed once");
    c.dial_time_groups()
        .create(emu.user_id(), &weekday_group("x", None))
        .unwrap();
}

#[test]
fn faults_and_the_log_over_http_control_routes() {
    let emu = Emulator::start().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let http = reqwest::Client::new();
    let base = emu.base_url().to_owned();
    rt.block_on(async {
        let queued: serde_json::Value = http
            .post(format!("{base}/_emulator/faults"))
            .body(r#"{"status":503,"times":3}"#)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str(&t).unwrap())
            .unwrap();
        let id = queued["id"].as_u64().unwrap();
        assert_eq!(emu.pending_faults(), 3);
        let removed = http
            .delete(format!("{base}/_emulator/faults/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(removed.status(), 200);
        assert_eq!(emu.pending_faults(), 0);
        let again = http
            .delete(format!("{base}/_emulator/faults/{id}"))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 404);

        http.get(format!(
            "{base}/agent-api/user/{}/dial-time-group?page=2",
            emu.user_id()
        ))
        .send()
        .await
        .unwrap();
        let log: serde_json::Value = http
            .get(format!("{base}/_emulator/requests"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str(&t).unwrap())
            .unwrap();
        assert_eq!(
            log.as_array().unwrap().len(),
            1,
            "control routes are not recorded"
        );
        assert_eq!(log[0]["query"]["page"], "2");
        assert_eq!(log[0]["authorized"], false);
        assert!(log[0]["time"].as_str().unwrap().ends_with('Z'));
        http.delete(format!("{base}/_emulator/requests"))
            .send()
            .await
            .unwrap();
    });
    assert!(emu.requests().is_empty());
}

#[test]
fn sub_users_limit_what_requests_may_name_and_seeds_are_saved_in_order() {
    let emu = Emulator::builder()
        .sub_users([SUB])
        .group(weekday_group("主账号", None))
        .group(weekday_group("子账号", Some(SUB)))
        .start()
        .unwrap();
    assert_eq!(emu.sub_users(), Some(&[SUB.to_owned()][..]));
    let c = client(&emu);
    let main = c
        .dial_time_groups()
        .list(emu.user_id(), &page(1, None))
        .unwrap();
    assert_eq!(
        main.data
            .iter()
            .map(|g| (g.id, g.name.as_str()))
            .collect::<Vec<_>>(),
        [(1, "主账号")]
    );
    let sub = c
        .dial_time_groups()
        .list(emu.user_id(), &page(1, Some(SUB)))
        .unwrap();
    assert_eq!(sub.data[0].name, "子账号");
    let e = c
        .dial_time_groups()
        .list(emu.user_id(), &page(1, Some(OTHER_SUB)))
        .unwrap_err();
    assert_eq!(e.http_status(), Some(403));
    let e = c
        .dial_time_groups()
        .create(emu.user_id(), &weekday_group("x", Some(OTHER_SUB)))
        .unwrap_err();
    assert_eq!(e.http_status(), Some(403));
    assert_eq!(emu.write_count(), 1);
}

#[test]
fn options_in_json_form_and_what_start_refuses() {
    let emu = dialtime_emulator::EmulatorBuilder::from_json(&json!({
        "token": "tok-1",
        "user_id": "5f2b1c3d-0000-4000-8000-000000000001",
        "sub_users": [SUB],
        "groups": [
            {"id": 99, "name": "种子", "content": [{"week": 1, "times": [{"begin_time": "09:00", "end_time": "12:00"}]}],
             "is_default": true, "skip_holiday": false, "created_at": "2026-01-01 00:00:00"}
        ],
        "request_log_limit": 5
    }))
    .unwrap()
    .start()
    .unwrap();
    assert_eq!(emu.token(), "tok-1");
    assert_eq!(emu.user_id(), "5f2b1c3d-0000-4000-8000-000000000001");
    let first = client(&emu)
        .dial_time_groups()
        .list(emu.user_id(), &page(1, None))
        .unwrap();
    assert_eq!((first.data[0].id, first.data[0].is_default), (1, true));

    let unknown =
        dialtime_emulator::EmulatorBuilder::from_json(&json!({"userId": "x"})).unwrap_err();
    assert!(unknown.to_string().contains("userId"), "{unknown}");
    let bad = dialtime_emulator::EmulatorBuilder::from_json(&json!({
        "groups": [{"name": "ok", "content": [{"week": 2, "times": [{"begin_time": "09:00", "end_time": "10:00"}]}], "is_default": false, "skip_holiday": false},
                   {"name": "", "content": [{"week": 9, "times": []}], "is_default": false, "skip_holiday": false}]
    }))
    .unwrap_err();
    let paths: Vec<_> = bad.problems().iter().map(|p| p.path.as_str()).collect();
    assert!(
        paths.iter().all(|p| p.starts_with("groups[1].")),
        "{paths:?}"
    );
    assert!(paths.contains(&"groups[1].name"), "{paths:?}");

    let e = Emulator::builder()
        .user_id("not-a-uuid")
        .start()
        .unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    assert!(e.to_string().contains("user_id"), "{e}");
    // A token no dialtime client accepts (whitespace) made an emulator nobody could call.
    let e = Emulator::builder().token("a b").start().unwrap_err();
    assert!(e.to_string().contains("without whitespace"), "{e}");
    let e = Emulator::builder()
        .sub_users([SUB])
        .group(weekday_group("x", Some(OTHER_SUB)))
        .start()
        .unwrap_err();
    assert!(e.to_string().contains("groups[0].sub_user_id"), "{e}");
    let e = Emulator::builder()
        .token("line\nbreak")
        .start()
        .unwrap_err();
    assert!(e.to_string().contains("token"), "{e}");
}

/// A fault or options object with a field of the wrong type named only `fault` (or `emulator
/// options`) in its problem, with serde's message; the problem's path is now the field's.
#[test]
fn a_wrong_fault_or_option_names_its_field() {
    for (spec, path) in [
        (json!({"status": "x"}), "fault.status"),
        (json!({"headers": {"x-a": 1}}), "fault.headers.x-a"),
        (json!({"times": -1}), "fault.times"),
        (json!({"nope": 1}), "fault.nope"),
    ] {
        let e = Fault::from_json(spec.clone()).unwrap_err();
        let paths: Vec<_> = e.problems().iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, [path], "{spec}: {e}");
    }
    let e = dialtime_emulator::EmulatorBuilder::from_json(&json!({"tls": "yes"})).unwrap_err();
    let paths: Vec<_> = e.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["tls"], "{e}");
}
