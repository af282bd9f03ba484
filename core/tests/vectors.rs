//! The shared vectors in `tests/vectors/`, read by every language's tests.

use std::path::PathBuf;
use std::time::Duration;

use dialtime::__private::RawResponse;
use dialtime::{validate, DialTimeGroup, NewDialTimeGroup};
use serde_json::Value;

fn vectors(file: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// A JSON array of strings.
fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect()
}

fn paths_of(err: &dialtime::Error) -> Vec<&str> {
    err.problems().iter().map(|p| p.path.as_str()).collect()
}

#[test]
fn valid_payloads_are_accepted_and_sent_canonically() {
    let v = vectors("new_group.json");
    let cases = v["valid"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let group = validate::new_group_from_json(&case["payload"])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            serde_json::to_value(&group).unwrap(),
            case["wire"],
            "{name}"
        );
        // The typed path agrees: the wire form reads back and passes the same rules.
        let typed: NewDialTimeGroup = serde_json::from_value(case["wire"].clone()).unwrap();
        assert_eq!(typed, group, "{name}");
        typed.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        // And the JSON-text entry point.
        let text = case["payload"].to_string();
        assert_eq!(
            validate::new_group_from_json_str(&text).unwrap(),
            group,
            "{name}"
        );
    }
}

#[test]
fn invalid_payloads_report_every_problem_with_its_path() {
    let v = vectors("new_group.json");
    let cases = v["invalid"].as_array().unwrap();
    assert!(cases.len() >= 40);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let err = validate::new_group_from_json(&case["payload"]).expect_err(name);
        assert_eq!(err.kind(), dialtime::ErrorKind::Validation, "{name}");
        let paths = paths_of(&err);
        let expected = strings(&case["problems"]);
        assert_eq!(paths, expected, "{name}: {err}");
        for p in err.problems() {
            assert!(p.message.len() > 8, "{name}: message too thin: {p}");
        }
        // The JSON-text entry point (its quick reading of well-formed payloads) says the same.
        let text = case["payload"].to_string();
        let from_text = validate::new_group_from_json_str(&text).expect_err(name);
        assert_eq!(from_text.problems(), err.problems(), "{name}");
    }
}

#[test]
fn rule_breaks_are_caught_by_the_typed_path_too() {
    // Payloads that serde can read into a NewDialTimeGroup (serde reads tolerantly, so type
    // errors like `"week": "1"` may pass) must fail `validate()` on the rule breaks, with the
    // same paths: the rules exist once.
    let v = vectors("new_group.json");
    let mut checked = 0;
    for case in v["invalid"].as_array().unwrap() {
        let Ok(typed) = serde_json::from_value::<NewDialTimeGroup>(case["payload"].clone()) else {
            continue;
        };
        let name = case["name"].as_str().unwrap();
        let expected = strings(&case["problems"]);
        let Err(err) = typed.validate() else {
            continue;
        };
        let paths = paths_of(&err);
        let mut rest = expected.iter();
        for p in &paths {
            assert!(
                rest.any(|e| e == p),
                "{name}: {p} not expected (or out of order) in {expected:?}"
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 15,
        "only {checked} cases reached the typed rules"
    );
}

fn raw(case: &Value) -> RawResponse {
    let retry_after = case["headers"]
        .get("retry-after")
        .and_then(Value::as_str)
        .and_then(dialtime::__private::parse_retry_after);
    RawResponse {
        status: case["status"].as_u64().unwrap() as u16,
        retry_after,
        headers: Default::default(),
        body: case["body"].as_str().unwrap().to_owned().into(),
    }
}

#[test]
fn responses_decode_or_fail_as_the_vectors_say() {
    let v = vectors("group_responses.json");
    let cases = v["responses"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let result =
            dialtime::__private::decode::<DialTimeGroup>(&raw(case), "a dial time group", "");
        match (&case.get("group"), result) {
            (Some(expected), Ok(ok)) => {
                assert_eq!(
                    &serde_json::to_value(&ok.data).unwrap(),
                    *expected,
                    "{name}"
                );
            }
            (None, Err(err)) => {
                let e = &case["error"];
                assert_eq!(
                    err.kind().as_str(),
                    e["kind"].as_str().unwrap(),
                    "{name}: {err}"
                );
                assert_eq!(
                    err.http_status(),
                    Some(e["http_status"].as_u64().unwrap() as u16),
                    "{name}"
                );
                if let Some(api) = err.api_error() {
                    assert_eq!(api.envelope_code, e["code"].as_i64(), "{name}");
                    assert_eq!(
                        Some(api.api_message.as_str()),
                        e["message"].as_str(),
                        "{name}"
                    );
                }
                let paths = paths_of(&err);
                let expected = strings(&e["problems"]);
                assert_eq!(paths, expected, "{name}");
                assert_eq!(
                    err.retry_after(),
                    e["retry_after_ms"].as_u64().map(Duration::from_millis),
                    "{name}"
                );
                assert!(
                    err.body_excerpt().is_some(),
                    "{name}: the error keeps the body"
                );
            }
            (_, other) => panic!("{name}: unexpected {other:?}"),
        }
    }
}

#[test]
fn update_payloads_are_read_as_the_vectors_say() {
    let v = vectors("update_payloads.json");
    for case in v["valid"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let update = dialtime::validate::update_from_json(&case["payload"])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            serde_json::to_value(&update).unwrap(),
            case["wire"],
            "{name}"
        );
        let text = case["payload"].to_string();
        let from_text = dialtime::validate::update_from_json_str(&text)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(from_text, update, "{name}");
    }
    for case in v["invalid"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let err = dialtime::validate::update_from_json(&case["payload"]).unwrap_err();
        assert_eq!(paths_of(&err), strings(&case["problems"]), "{name}");
        let text = case["payload"].to_string();
        let from_text = dialtime::validate::update_from_json_str(&text).unwrap_err();
        assert_eq!(from_text.problems(), err.problems(), "{name}");
    }
}

#[test]
fn ensure_comparisons_are_semantic() {
    let v = vectors("ensure_comparisons.json");
    for case in v["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let saved = dialtime::validate::new_group_from_json(&case["saved"]).unwrap();
        let wanted = dialtime::validate::new_group_from_json(&case["wanted"]).unwrap();
        let as_saved = dialtime::DialTimeGroup {
            id: 1,
            name: saved.name,
            user_id: "u".into(),
            content: saved.content,
            is_default: saved.is_default,
            skip_holiday: saved.skip_holiday,
            remark: None,
            created_at: Some("2022-01-01T00:00:00+08:00[Asia/Shanghai]".parse().unwrap()),
            updated_at: Some("2022-01-01T00:00:00+08:00[Asia/Shanghai]".parse().unwrap()),
        };
        assert_eq!(
            wanted.matches(&as_saved),
            case["equal"].as_bool().unwrap(),
            "{name}"
        );
    }
}
