//! No input makes dialtime panic: random payloads go through validation, random bytes through
//! response decoding, random strings through the time parser.

use dialtime::__private::RawResponse;
use dialtime::{validate, DialTimeGroup, TimeOfDay};
use proptest::prelude::*;
use serde_json::{json, Value};

/// JSON values shaped like payloads, with plausible and implausible leaves.
fn payload_like() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-3i64..30).prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[0-9]{0,3}:[0-9]{0,3}".prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::from),
        prop_oneof![Just("24:00"), Just("00:00"), Just("9:00"), Just("23:59")]
            .prop_map(Value::from),
    ];
    let range =
        (leaf.clone(), leaf.clone()).prop_map(|(b, e)| json!({"begin_time": b, "end_time": e}));
    let day = (
        leaf.clone(),
        prop::collection::vec(prop_oneof![range, leaf.clone()], 0..5),
    )
        .prop_map(|(w, t)| json!({"week": w, "times": t}));
    (
        leaf.clone(),
        prop::collection::vec(prop_oneof![day, leaf.clone()], 0..8),
        leaf.clone(),
        leaf.clone(),
        leaf,
    )
        .prop_map(|(name, content, d, h, s)| {
            json!({"name": name, "content": content, "is_default": d, "skip_holiday": h, "sub_user_id": s})
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn validation_never_panics_and_every_problem_has_a_path(v in payload_like()) {
        match validate::new_group_from_json(&v) {
            Ok(group) => prop_assert!(group.validate().is_ok()),
            Err(e) => {
                prop_assert!(!e.problems().is_empty());
                for p in e.problems() {
                    prop_assert!(!p.path.is_empty() && !p.message.is_empty());
                }
            }
        }
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..300)) {
        let raw = RawResponse { status, retry_after: None, headers: Default::default(), body: body.into() };
        let _ = dialtime::__private::decode::<DialTimeGroup>(&raw, "a group", "secret");
    }

    #[test]
    fn arbitrary_bytes_in_a_200_are_a_decode_error(body in prop::collection::vec(any::<u8>(), 0..300)) {
        let raw = RawResponse { status: 200, retry_after: None, headers: Default::default(), body: body.into() };
        let err = dialtime::__private::decode::<DialTimeGroup>(&raw, "a group", "").unwrap_err();
        prop_assert_eq!(err.kind(), dialtime::ErrorKind::Decode);
        prop_assert_eq!(err.http_status(), Some(200));
    }

    #[test]
    fn decoding_arbitrary_success_envelopes_never_panics(data in payload_like()) {
        let body = json!({"code": 200, "status": "success", "data": data}).to_string();
        let raw = RawResponse { status: 200, retry_after: None, headers: Default::default(), body: body.into() };
        if let Err(e) = dialtime::__private::decode::<DialTimeGroup>(&raw, "a group", "") {
            prop_assert_eq!(e.kind(), dialtime::ErrorKind::Decode);
        }
    }

    #[test]
    fn time_parsing_round_trips(s in "\\PC{0,8}") {
        if let Ok(t) = TimeOfDay::parse(&s) {
            prop_assert_eq!(TimeOfDay::parse(&t.to_string()), Ok(t));
            prop_assert!(t <= TimeOfDay::END_OF_DAY);
        }
    }
}
