//! Mirrors `dialtime::dial_time_groups`: saving a group, typed or from JSON.

use std::ffi::c_char;

use crate::client::dialtime_client;
use crate::error::{dialtime_error, dialtime_status};
use crate::ffi::{guard, handle, invalid, out_arg, str_arg, write_out, write_string};
use crate::model::{dialtime_group, dialtime_new_group};

/// Saves `group` for `user_id` (a UUID). Validated first: DIALTIME_STATUS_VALIDATION means
/// nothing was sent. On success `*out` receives the saved group, owned by the caller (free
/// with dialtime_group_free). Blocks; thread-safe on a shared client.
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_create(
    client: *const dialtime_client,
    user_id: *const c_char,
    group: *const dialtime_new_group,
    out: *mut *mut dialtime_group,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let client = unsafe { handle("client", client) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let group = unsafe { handle("group", group) }?;
        let saved = client
            .inner
            .dial_time_groups()
            .create(user_id, &group.group)?;
        write_out(out, dialtime_group::from(saved));
        Ok(())
    })
}

/// Saves a group given as JSON text exactly as in the platform's docs
/// (`{"name":…,"content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"20:00"}]}],
/// "is_default":true,"skip_holiday":false}`). On success `*out_json` receives the saved group
/// as canonical JSON, owned by the caller (free with dialtime_string_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_create_json(
    client: *const dialtime_client,
    user_id: *const c_char,
    json: *const c_char,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let client = unsafe { handle("client", client) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let group = dialtime::validate::new_group_from_json_str(unsafe { str_arg("json", json) }?)?;
        let saved = client.inner.dial_time_groups().create(user_id, &group)?;
        let text = serde_json::to_string(&saved).map_err(|e| invalid(e.to_string()))?;
        write_string(out_json, text);
        Ok(())
    })
}
