//! Mirrors `dialtime::dial_time_groups`: saving a group, typed or from JSON.

use std::ffi::c_char;

use super::client::{dialtime_client, dialtime_request_options, per_call};
use super::error::{dialtime_error, dialtime_status};
use dialtime::{ListParams, Outcome};

use super::ffi::{
    free_box, guard, handle, handle_mut, invalid, opt_str_arg, out_arg, str_arg, write_out,
    write_string,
};
use super::model::{dialtime_group, dialtime_group_update, dialtime_new_group, dialtime_page};

/// Saves `group` for `user_id` (a UUID). Validated first: DIALTIME_STATUS_VALIDATION means
/// nothing was sent. On success `*out` receives the saved group, owned by the caller (free
/// with dialtime_group_free). Blocks; thread-safe on a shared client. `options` (here and in
/// every call) overrides the client's timeout, deadline or retries for this call; NULL keeps
/// them.
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_create(
    client: *const dialtime_client,
    user_id: *const c_char,
    group: *const dialtime_new_group,
    options: *const dialtime_request_options,
    out: *mut *mut dialtime_group,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let group = unsafe { handle("group", group) }?
            .build()
            .map_err(|e| client.as_async().token().scrub(e))?;
        let saved = client.dial_time_groups().create(user_id, &group)?;
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
    options: *const dialtime_request_options,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let group = dialtime::validate::new_group_from_json_str(unsafe { str_arg("json", json) }?)
            .map_err(|e| client.as_async().token().scrub(e))?;
        let saved = client.dial_time_groups().create(user_id, &group)?;
        let text = serde_json::to_string(&saved).map_err(|e| invalid(e.to_string()))?;
        write_string(out_json, text);
        Ok(())
    })
}

/// What dialtime_dial_time_groups_ensure did.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dialtime_outcome {
    /// No group had the name: it was created.
    Created = 1,
    /// The group with the name differed: it was updated.
    Updated = 2,
    /// The group already was as wanted: nothing was sent.
    Unchanged = 3,
}

/// Reads page `page` (1-based) of the user's groups, of the sub-account `sub_user_id` when
/// not NULL. On success `*out` is a page owned by the caller (free with dialtime_page_free).
/// Loop while dialtime_page_has_more, asking for dialtime_page_current_page + 1.
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_list(
    client: *const dialtime_client,
    user_id: *const c_char,
    page: u32,
    sub_user_id: *const c_char,
    options: *const dialtime_request_options,
    out: *mut *mut dialtime_page,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let sub_user_id = unsafe { opt_str_arg("sub_user_id", sub_user_id) }?.map(str::to_owned);
        let params = ListParams { page, sub_user_id };
        let listed = client.dial_time_groups().list(user_id, &params)?;
        write_out(out, dialtime_page::from(listed));
        Ok(())
    })
}

/// Every group of the user (of `sub_user_id` when not NULL), as a cursor: each
/// dialtime_group_cursor_next fetches a page only when the previous one is used up, never
/// yields a group twice, ends with DIALTIME_STATUS_DECODE when the pages held fewer groups than
/// the platform's `meta.total` counts or when that count changes between pages (a group added
/// or deleted during the walk), and ends when the platform repeats a page (walked past while its
/// `meta` names later pages). On success `*out` is owned
/// by the caller (free with dialtime_group_cursor_free); it holds its own handle on the
/// client's pool, so it may outlive `client`. Not thread-safe: use one cursor per thread.
/// `options` (timeout, deadline, retries) apply to each page's fetch: the walk is driven by
/// the caller, who may take its time between pages.
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_list_all(
    client: *const dialtime_client,
    user_id: *const c_char,
    sub_user_id: *const c_char,
    options: *const dialtime_request_options,
    out: *mut *mut dialtime_group_cursor,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let sub_user_id = unsafe { opt_str_arg("sub_user_id", sub_user_id) }?;
        let walk = client.dial_time_groups().list_all(user_id, sub_user_id);
        write_out(out, dialtime_group_cursor { walk });
        Ok(())
    })
}

/// A walk over every group of a user: see dialtime_dial_time_groups_list_all.
pub struct dialtime_group_cursor {
    walk: dialtime::blocking::GroupCursor,
}

/// Advances the cursor. On success `*out` is the next group, owned by the caller (free with
/// dialtime_group_free), or NULL at the end. After a failure the walk is over.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_cursor_next(
    cursor: *mut dialtime_group_cursor,
    out: *mut *mut dialtime_group,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let cursor = unsafe { handle_mut("cursor", cursor) }?;
        match cursor.walk.next().transpose()? {
            Some(group) => write_out(out, dialtime_group::from(group)),
            // SAFETY: checked non-NULL by `out_arg`.
            None => unsafe { *out = std::ptr::null_mut() },
        }
        Ok(())
    })
}

/// Frees a cursor. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_cursor_free(cursor: *mut dialtime_group_cursor) {
    unsafe { free_box(cursor) }
}

/// Changes group `group_id` as `update` says: its name, and whatever else the update sets (an
/// update with no ranges keeps the saved content; an unset flag keeps its value). On success
/// `*out` is the updated group, owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_update(
    client: *const dialtime_client,
    user_id: *const c_char,
    group_id: i64,
    update: *const dialtime_group_update,
    options: *const dialtime_request_options,
    out: *mut *mut dialtime_group,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let changes = unsafe { handle("update", update) }?
            .builder
            .clone()
            .build()
            .map_err(|e| client.as_async().token().scrub(e))?;
        let saved = client
            .dial_time_groups()
            .update(user_id, group_id, &changes)?;
        write_out(out, dialtime_group::from(saved));
        Ok(())
    })
}

/// Changes group `group_id` from JSON text (`name` required; `content`, `is_default`,
/// `skip_holiday`, `sub_user_id` only when present). On success `*out_json` is the updated
/// group as canonical JSON, owned by the caller (free with dialtime_string_free).
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_update_json(
    client: *const dialtime_client,
    user_id: *const c_char,
    group_id: i64,
    json: *const c_char,
    options: *const dialtime_request_options,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let changes = dialtime::validate::update_from_json_str(unsafe { str_arg("json", json) }?)
            .map_err(|e| client.as_async().token().scrub(e))?;
        let saved = client
            .dial_time_groups()
            .update(user_id, group_id, &changes)?;
        let text = serde_json::to_string(&saved).map_err(|e| invalid(e.to_string()))?;
        write_string(out_json, text);
        Ok(())
    })
}

/// Deletes group `group_id` (of the sub-account `sub_user_id` when not NULL).
/// DIALTIME_STATUS_NOT_FOUND when it does not exist in that scope.
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_delete(
    client: *const dialtime_client,
    user_id: *const c_char,
    group_id: i64,
    sub_user_id: *const c_char,
    options: *const dialtime_request_options,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let sub_user_id = unsafe { opt_str_arg("sub_user_id", sub_user_id) }?;
        client
            .dial_time_groups()
            .delete(user_id, group_id, sub_user_id)?;
        Ok(())
    })
}

/// Makes the group named like `group` be exactly `group` in its (user, sub-user) scope:
/// created, updated, or left unchanged (`*outcome`). Running it twice never creates a second
/// group; ensures of one group running at once in one process (threads, several clients of
/// one base URL) take turns (other processes are not coordinated with). The deadline bounds
/// the whole operation.
/// On success `*out` is the group as it now is, owned by the caller.
#[no_mangle]
pub unsafe extern "C" fn dialtime_dial_time_groups_ensure(
    client: *const dialtime_client,
    user_id: *const c_char,
    group: *const dialtime_new_group,
    options: *const dialtime_request_options,
    out: *mut *mut dialtime_group,
    outcome: *mut dialtime_outcome,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        if outcome.is_null() {
            return Err(invalid("outcome must not be NULL".to_owned()));
        }
        let client = unsafe { per_call(client, options) }?;
        let user_id = unsafe { str_arg("user_id", user_id) }?;
        let group = unsafe { handle("group", group) }?
            .build()
            .map_err(|e| client.as_async().token().scrub(e))?;
        let (saved, what) = client.dial_time_groups().ensure(user_id, &group)?;
        write_out(out, dialtime_group::from(saved));
        let what = match what {
            Outcome::Created => dialtime_outcome::Created,
            Outcome::Updated => dialtime_outcome::Updated,
            Outcome::Unchanged => dialtime_outcome::Unchanged,
        };
        // SAFETY: checked non-NULL above.
        unsafe { *outcome = what };
        Ok(())
    })
}
