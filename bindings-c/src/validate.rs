//! Mirrors `dialtime::validate`.

use std::ffi::c_char;

use super::error::{dialtime_error, dialtime_status};
use super::ffi::{guard, str_arg};

/// Checks a create payload (JSON text, as in the platform's docs) against every rule.
/// DIALTIME_STATUS_VALIDATION lists every problem in `err`. Thread-safe.
#[no_mangle]
pub unsafe extern "C" fn dialtime_validate_json(
    json: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let json = unsafe { str_arg("json", json) }?;
        dialtime::validate::new_group_from_json_str(json)?;
        Ok(())
    })
}
