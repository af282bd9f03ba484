//! update and delete against the emulator, blocking and async: partial updates, the default
//! flag moving between groups, sub-user scoping, and not-found for unknown ids.

mod common;

use common::{client, SUB};
use dialtime::{DaySchedule, DialTimeGroupUpdate, ErrorKind, NewDialTimeGroup, TimeRange, Weekday};
use dialtime_emulator::Emulator;

fn group(name: &str, is_default: bool) -> NewDialTimeGroup {
    NewDialTimeGroup::builder(name)
        .window(Weekday::Monday, "08:00", "20:00")
        .is_default(is_default)
        .build()
        .unwrap()
}

#[test]
fn update_changes_only_what_is_set() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let groups = c.dial_time_groups();
    let saved = groups.create(emu.user_id(), &group("原名", false)).unwrap();

    let renamed = groups
        .update(emu.user_id(), saved.id, &DialTimeGroupUpdate::new("新名"))
        .unwrap();
    assert_eq!(renamed.id, saved.id);
    assert_eq!(renamed.name, "新名");
    assert_eq!(renamed.content, saved.content, "content kept when not sent");
    assert!(!renamed.is_default);

    let friday = vec![DaySchedule::new(
        Weekday::Friday,
        vec![TimeRange::parse("9:00", "12:00").unwrap()],
    )];
    let changed = DialTimeGroupUpdate::new("新名")
        .content(friday.clone())
        .skip_holiday(true);
    // The same update through the async client.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let updated = rt
        .block_on(
            c.as_async()
                .dial_time_groups()
                .update(emu.user_id(), saved.id, &changed),
        )
        .unwrap();
    assert_eq!(updated.content, friday);
    assert!(updated.skip_holiday);
    assert_eq!(updated.remark, None);
}

#[test]
fn the_default_flag_moves_between_groups() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let groups = c.dial_time_groups();
    let a = groups.create(emu.user_id(), &group("A", true)).unwrap();
    let b = groups.create(emu.user_id(), &group("B", false)).unwrap();
    assert!(a.is_default && !b.is_default);
    let b = groups
        .update(
            emu.user_id(),
            b.id,
            &DialTimeGroupUpdate::new("B").is_default(true),
        )
        .unwrap();
    assert!(b.is_default);
    // A lost its flag: renaming it shows the stored value.
    let a = groups
        .update(emu.user_id(), a.id, &DialTimeGroupUpdate::new("A"))
        .unwrap();
    assert!(!a.is_default);
}

#[test]
fn unknown_ids_and_other_scopes_are_not_found() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let groups = c.dial_time_groups();
    let main = groups.create(emu.user_id(), &group("main", false)).unwrap();
    let mut sub_group = group("sub", false);
    sub_group.sub_user_id = Some(SUB.to_owned());
    let sub = groups.create(emu.user_id(), &sub_group).unwrap();

    let kind = |r: dialtime::Result<()>| r.unwrap_err().kind();
    assert_eq!(
        kind(groups.delete(emu.user_id(), 999, None)),
        ErrorKind::NotFound
    );
    // A sub-account's group is not the main account's, and the other way round.
    assert_eq!(
        kind(groups.delete(emu.user_id(), sub.id, None)),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(groups.delete(emu.user_id(), main.id, Some(SUB))),
        ErrorKind::NotFound
    );
    let err = groups
        .update(emu.user_id(), 999, &DialTimeGroupUpdate::new("x"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.http_status(), Some(404));

    groups.delete(emu.user_id(), sub.id, Some(SUB)).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(
        c.as_async()
            .dial_time_groups()
            .delete(emu.user_id(), main.id, None),
    )
    .unwrap();
    assert_eq!(
        kind(groups.delete(emu.user_id(), main.id, None)),
        ErrorKind::NotFound
    );
}

#[test]
fn invalid_updates_and_ids_are_refused_before_sending() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let groups = c.dial_time_groups();
    let bad = DialTimeGroupUpdate::new(" ")
        .content(Vec::new())
        .sub_user_id("nope");
    let err = groups.update("not-a-uuid", 0, &bad).unwrap_err();
    let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["user_id", "group_id", "name", "content", "sub_user_id"]
    );
    let err = groups.delete(emu.user_id(), -3, Some("x")).unwrap_err();
    let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["group_id", "sub_user_id"]);
    // An id no answer may hold (above 2^53 - 1) is refused before the write, not after it.
    let err = groups
        .delete(emu.user_id(), (1 << 53) + 1, None)
        .unwrap_err();
    assert_eq!(err.problems()[0].path, "group_id", "{err}");
    assert!(
        err.to_string().contains("at most 9007199254740991"),
        "{err}"
    );
    assert_eq!(emu.request_count(), 0);
}

#[test]
fn an_update_sends_only_the_fields_that_are_set() {
    let body = serde_json::to_value(DialTimeGroupUpdate::new("n").is_default(false)).unwrap();
    assert_eq!(body, serde_json::json!({"name": "n", "is_default": false}));
}

#[test]
fn update_json_is_read_with_paths_and_nulls_mean_not_sent() {
    let ok = dialtime::validate::update_from_json(&serde_json::json!({
        "name": "n", "content": null, "is_default": true, "skip_holiday": null
    }))
    .unwrap();
    assert_eq!(ok, DialTimeGroupUpdate::new("n").is_default(true));
    let err = dialtime::validate::update_from_json(&serde_json::json!({
        "content": [{"week": 9, "times": []}], "is_default": "yes", "skipHoliday": true
    }))
    .unwrap_err();
    let paths: Vec<&str> = err.problems().iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "name",
            "content[0].week",
            "content[0].times",
            "is_default",
            "skipHoliday"
        ]
    );
}

/// A client for `emu` that retries (the default count) without waiting long.
fn retrying_client(emu: &Emulator) -> dialtime::BlockingClient {
    dialtime::BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .build_blocking()
        .unwrap()
}

#[test]
fn a_delete_whose_answer_was_lost_is_done_when_the_retry_finds_nothing() {
    let emu = Emulator::start().unwrap();
    let c = retrying_client(&emu);
    let groups = c.dial_time_groups();
    let saved = groups.create(emu.user_id(), &group("gone", false)).unwrap();
    // The server deletes it, then the answer breaks off: the retry is told 404.
    let _cut = emu.fault(dialtime_emulator::Fault::default().truncated());
    groups.delete(emu.user_id(), saved.id, None).unwrap();
    let deletes = emu
        .requests()
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 2, "retried once after the broken answer");
    assert_eq!(groups.list_all(emu.user_id(), None).count(), 0);

    // A 404 on the first attempt, or after a refusal the server surely did not act on (a
    // 429), is still NotFound.
    let kind = |r: dialtime::Result<()>| r.unwrap_err().kind();
    assert_eq!(
        kind(groups.delete(emu.user_id(), saved.id, None)),
        ErrorKind::NotFound
    );
    let _busy = emu.fault(dialtime_emulator::Fault::status(429).with_retry_after("0"));
    assert_eq!(
        kind(groups.delete(emu.user_id(), saved.id, None)),
        ErrorKind::NotFound
    );
    drop(_busy);
    // A 503 (a server in maintenance mode) did nothing: the 404 after it stands.
    let _down = emu.fault(dialtime_emulator::Fault::status(503));
    assert_eq!(
        kind(groups.delete(emu.user_id(), saved.id, None)),
        ErrorKind::NotFound
    );
}

/// Whether a failed write may have been made judges every attempt: an update answered 504,
/// then 503 when retried, may have been made by the first (judged by the last answer alone,
/// it was "nothing done").
#[test]
fn a_write_may_have_been_applied_by_any_of_its_attempts() {
    let emu = Emulator::start().unwrap();
    let c = dialtime::BlockingClient::builder()
        .base_url(emu.base_url())
        .token(emu.token())
        .max_retries(1)
        .build_blocking()
        .unwrap();
    let groups = c.dial_time_groups();
    let saved = groups.create(emu.user_id(), &group("g", false)).unwrap();
    let changes = DialTimeGroupUpdate::new("g2");
    let update = || {
        groups
            .update(emu.user_id(), saved.id, &changes)
            .unwrap_err()
    };
    let _gateway = emu.fault(dialtime_emulator::Fault::status(504).with_retry_after("0"));
    let _down = emu.fault(dialtime_emulator::Fault::status(503).with_retry_after("0"));
    let err = update();
    assert_eq!(err.http_status(), Some(503), "{err}");
    assert_eq!(err.call().unwrap().attempts, 2);
    assert!(err.may_have_been_applied(), "the 504 may have: {err}");
    // Two 503s: nothing was done.
    let _down = emu.fault(
        dialtime_emulator::Fault::status(503)
            .with_retry_after("0")
            .times(2),
    );
    let err = update();
    assert_eq!(err.call().unwrap().attempts, 2);
    assert!(!err.may_have_been_applied(), "{err}");
    drop(_down);
    // A create answered 2xx with a body that cannot be read: the server says it made it.
    let _unread = emu.fault(dialtime_emulator::Fault::body("<html>"));
    let err = groups
        .create(emu.user_id(), &group("h", false))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.may_have_been_applied(), "{err}");
    drop(_unread);
    // A read changes nothing, whatever its attempts got; nor does a list under `ensure`.
    let _gateway = emu.fault(
        dialtime_emulator::Fault::status(504)
            .with_retry_after("0")
            .times(2),
    );
    let err = groups.list(emu.user_id(), &Default::default()).unwrap_err();
    assert_eq!(err.http_status(), Some(504), "{err}");
    assert!(!err.may_have_been_applied(), "{err}");
    let _gateway = emu.fault(
        dialtime_emulator::Fault::status(504)
            .with_retry_after("0")
            .times(2),
    );
    let err = groups
        .ensure(emu.user_id(), &group("g3", false))
        .unwrap_err();
    assert_eq!(err.call().unwrap().method, "GET", "{err}");
    assert!(!err.may_have_been_applied(), "{err}");
}

#[test]
fn a_delete_answered_without_the_envelope_is_done() {
    let emu = Emulator::start().unwrap();
    let c = client(&emu);
    let groups = c.dial_time_groups();
    for (status, body) in [
        (204, ""),
        (200, ""),
        (200, "\u{feff}{\"message\":\"删除成功\"}"),
        (200, "{\"message\":\"删除成功\",\"data\":[]}"),
        (200, "{\"code\":200,\"status\":\"success\"}"),
    ] {
        let _answer = emu.fault(dialtime_emulator::Fault::body(body).with_status(status));
        groups
            .delete(emu.user_id(), 1, None)
            .unwrap_or_else(|e| panic!("{status} {body:?}: {e}"));
    }
    // An error envelope inside a 2xx, field errors, `"success": false`, a list, or a body that
    // is not JSON, is not success.
    for body in [
        "{\"code\":404,\"status\":\"error\",\"message\":\"不存在\"}",
        "{\"errors\":{\"id\":[\"无效\"]}}",
        "{\"success\":false,\"message\":\"失败\"}",
        "[]",
        "<html>ok</html>",
    ] {
        let _answer = emu.fault(dialtime_emulator::Fault::body(body));
        let err = groups.delete(emu.user_id(), 1, None).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::NotFound | ErrorKind::Decode),
            "{body}: {err}"
        );
    }
}
