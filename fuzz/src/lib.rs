//! The fuzz harnesses: each takes arbitrary bytes, feeds them to one entry point that reads
//! outside data, and checks the properties that must hold whatever the input (no panic is
//! checked by libFuzzer itself).

use dialtime::__private::{decode, excerpt, parse_retry_after, RawResponse};
use dialtime::{DialTimeGroup, ErrorKind};

/// The C ABI, compiled from its sources into the fuzzer (so it is instrumented too).
#[path = "../../bindings-c/src/lib.rs"]
#[allow(dead_code, unused_imports, unreachable_pub)]
pub mod c_abi;

const SECRET: &str = "fuzz-secret-token";

/// `[status hi, status lo, retry-after bytes…, 0xFF, body…]`: the response decoder on every
/// status, header and body.
pub fn response(data: &[u8]) {
    let (status, rest) = match data {
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]) % 1000, rest),
        _ => return,
    };
    let (header, body) = match rest.iter().position(|b| *b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let retry_after = parse_retry_after(&String::from_utf8_lossy(header));
    let raw = RawResponse {
        status,
        retry_after,
        headers: Default::default(),
        body: bytes::Bytes::copy_from_slice(body),
    };
    for outcome in [
        decode::<DialTimeGroup>(&raw, "a group", SECRET).map(drop),
        decode::<Vec<DialTimeGroup>>(&raw, "groups", SECRET).map(drop),
        decode::<serde::de::IgnoredAny>(&raw, "anything", SECRET).map(drop),
    ] {
        if let Err(e) = outcome {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(SECRET), "the secret leaked: {shown}");
            if (200..300).contains(&status) && e.kind() == ErrorKind::Validation {
                panic!("a response is never a validation error: {e}");
            }
        }
    }
    assert!(excerpt(body, SECRET).len() <= dialtime::__private::BODY_EXCERPT_BYTES + 3);
}

/// JSON text as a caller writes a create or update payload: all problems, never a panic.
pub fn payload(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for result in [
        dialtime::validate::new_group_from_json_str(text).map(drop),
        dialtime::validate::update_from_json_str(text).map(drop),
    ] {
        if let Err(e) = result {
            assert_eq!(e.kind(), ErrorKind::Validation);
            assert!(!e.problems().is_empty());
            assert!(e.problems().len() <= dialtime::error::MAX_PROBLEMS + 1);
        }
    }
    // Accepted groups write canonical JSON that reads back to the same group.
    if let Ok(group) = dialtime::validate::new_group_from_json_str(text) {
        let wire = serde_json::to_string(&group).expect("a group always encodes");
        let again =
            dialtime::validate::new_group_from_json_str(&wire).expect("canonical JSON reads back");
        assert_eq!(again.content, group.content);
    }
}

/// The Retry-After parser on any text.
pub fn retry_after(data: &[u8]) {
    if let Some(d) = parse_retry_after(&String::from_utf8_lossy(data)) {
        assert!(d <= dialtime::__private::RETRY_AFTER_MAX);
    }
}

/// The C JSON entry points: a C string of arbitrary bytes (cut at the first NUL).
pub fn c_json(data: &[u8]) {
    use std::ffi::CString;
    let end = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let Ok(text) = CString::new(&data[..end]) else {
        return;
    };
    // SAFETY: a valid NUL-terminated string; every handle made here is freed here.
    unsafe {
        let mut err = std::ptr::null_mut();
        c_abi::dialtime_validate_json(text.as_ptr(), &mut err);
        c_abi::dialtime_error_free(err);

        let mut group = std::ptr::null_mut();
        let mut err = std::ptr::null_mut();
        if c_abi::dialtime_new_group_from_json(text.as_ptr(), &mut group, &mut err)
            == c_abi::dialtime_status::Ok
        {
            let mut verr = std::ptr::null_mut();
            let status = c_abi::dialtime_new_group_validate(group, &mut verr);
            assert_eq!(
                status,
                c_abi::dialtime_status::Ok,
                "a group read from JSON is valid"
            );
            c_abi::dialtime_error_free(verr);
        } else {
            let n = c_abi::dialtime_error_problem_count(err);
            for i in 0..=n {
                let _ = c_abi::dialtime_error_problem_path(err, i);
            }
        }
        c_abi::dialtime_new_group_free(group);
        c_abi::dialtime_error_free(err);
    }
}
