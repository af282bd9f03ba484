//! Mirrors `dialtime::model`: a builder for a group to save, and a saved-group handle.

use std::ffi::{c_char, CString};
use std::ptr;

use dialtime::{
    DialTimeGroup, DialTimeGroupUpdate, DialTimeGroupUpdateBuilder, NewDialTimeGroup,
    NewDialTimeGroupBuilder,
};

use super::error::{dialtime_error, dialtime_status};
use super::ffi::{
    c_string, free_box, guard, handle, handle_mut, invalid, opt_str_arg, out_arg, str_arg,
    write_out, write_string,
};

/// A day of the week as the platform numbers it. The `week` parameters take an `int32_t`, so
/// these values and plain numbers are both accepted.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum dialtime_weekday {
    Sunday = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 3,
    Thursday = 4,
    Friday = 5,
    Saturday = 6,
}

/// A group being built for dialtime_dial_time_groups_create (and _ensure). Nothing is checked
/// while it is built: every problem (with its path, e.g. "content[1].times[0].end_time") is
/// reported at once when it is validated or sent, by the core's builder. Not thread-safe while
/// being modified. Free with dialtime_new_group_free.
pub struct dialtime_new_group {
    pub(crate) builder: NewDialTimeGroupBuilder,
}

impl dialtime_new_group {
    /// The group, every rule checked by the core's builder.
    pub(crate) fn build(&self) -> dialtime::Result<NewDialTimeGroup> {
        self.builder.clone().build()
    }
}

/// Applies a consuming builder step to a builder held in place (without copying it: a
/// million add_time calls stay linear).
fn edit<B: Default>(slot: &mut B, step: impl FnOnce(B) -> B) {
    *slot = step(std::mem::take(slot));
}

/// Starts a group named `name` (copied), with no days, is_default and skip_holiday false.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_new(
    name: *const c_char,
    out: *mut *mut dialtime_new_group,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let name = unsafe { str_arg("name", name) }?;
        let builder = NewDialTimeGroup::builder(name);
        write_out(out, dialtime_new_group { builder });
        Ok(())
    })
}

/// Starts a group from JSON text exactly as in the platform's docs (all of it checked:
/// DIALTIME_STATUS_VALIDATION lists every problem). Add to it or send it as any other group.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_from_json(
    json: *const c_char,
    out: *mut *mut dialtime_new_group,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let group = dialtime::validate::new_group_from_json_str(unsafe { str_arg("json", json) }?)?;
        let builder = NewDialTimeGroupBuilder::from(group);
        write_out(out, dialtime_new_group { builder });
        Ok(())
    })
}

/// Adds the range [begin, end) ("HH:MM", "24:00" = end of day) to weekday `week` (0 = Sunday …
/// 6 = Saturday), after that day's earlier ranges; days keep the order first added. Only
/// NULL and UTF-8 are checked here; the week, the times, their order and overlaps are checked
/// (all at once, with paths) when the group is validated or sent.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_add_time(
    group: *mut dialtime_new_group,
    week: i32,
    begin: *const c_char,
    end: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let g = unsafe { handle_mut("group", group) }?;
        let begin = unsafe { str_arg("begin", begin) }?.to_owned();
        let end = unsafe { str_arg("end", end) }?.to_owned();
        edit(&mut g.builder, |b| {
            b.window_number(i64::from(week), begin, end)
        });
        Ok(())
    })
}

/// Whether the group becomes the user's default. NULL `group` is ignored.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_set_is_default(
    group: *mut dialtime_new_group,
    yes: bool,
) {
    if let Some(g) = unsafe { group.as_mut() } {
        edit(&mut g.builder, |b| b.is_default(yes));
    }
}

/// Whether China's public holidays are skipped. NULL `group` is ignored.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_set_skip_holiday(
    group: *mut dialtime_new_group,
    yes: bool,
) {
    if let Some(g) = unsafe { group.as_mut() } {
        edit(&mut g.builder, |b| b.skip_holiday(yes));
    }
}

/// Saves the group for a sub-account (a UUID, copied; checked when validated or sent).
/// NULL `sub_user_id` clears it.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_set_sub_user_id(
    group: *mut dialtime_new_group,
    sub_user_id: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let g = unsafe { handle_mut("group", group) }?;
        let sub = unsafe { opt_str_arg("sub_user_id", sub_user_id) }?.map(str::to_owned);
        edit(&mut g.builder, |b| b.with_sub_user_id(sub));
        Ok(())
    })
}

/// Checks the group against every rule without sending it: DIALTIME_STATUS_VALIDATION lists
/// every problem, each with its path.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_validate(
    group: *const dialtime_new_group,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        unsafe { handle("group", group) }?.build()?;
        Ok(())
    })
}

/// Frees a group being built. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_new_group_free(group: *mut dialtime_new_group) {
    unsafe { free_box(group) }
}

/// Changes to a saved group, for dialtime_dial_time_groups_update: `name` always; the content
/// only when at least one range was added; each flag and the sub-account only when set. Like
/// dialtime_new_group, checked (all problems at once) when sent. Free with
/// dialtime_group_update_free.
pub struct dialtime_group_update {
    pub(crate) builder: DialTimeGroupUpdateBuilder,
}

/// Starts an update that renames the group to `name` (or keeps it: pass its current name).
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_update_new(
    name: *const c_char,
    out: *mut *mut dialtime_group_update,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let name = unsafe { str_arg("name", name) }?;
        let builder = DialTimeGroupUpdate::builder(name);
        write_out(out, dialtime_group_update { builder });
        Ok(())
    })
}

/// Starts an update from JSON text as the platform's docs show it (`name` required;
/// `content`, `is_default`, `skip_holiday`, `sub_user_id` optional, `null` meaning not sent),
/// all of it checked (DIALTIME_STATUS_VALIDATION lists every problem). Add to it or send it as
/// any other update.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_update_from_json(
    json: *const c_char,
    out: *mut *mut dialtime_group_update,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out", out)?;
        let update = dialtime::validate::update_from_json_str(unsafe { str_arg("json", json) }?)?;
        let builder = DialTimeGroupUpdateBuilder::from(update);
        write_out(out, dialtime_group_update { builder });
        Ok(())
    })
}

/// Adds a range to the new content (the first one replaces the saved content), as
/// dialtime_new_group_add_time.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_update_add_time(
    update: *mut dialtime_group_update,
    week: i32,
    begin: *const c_char,
    end: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let u = unsafe { handle_mut("update", update) }?;
        let begin = unsafe { str_arg("begin", begin) }?.to_owned();
        let end = unsafe { str_arg("end", end) }?.to_owned();
        edit(&mut u.builder, |b| {
            b.window_number(i64::from(week), begin, end)
        });
        Ok(())
    })
}

/// Sets is_default (sent only when set). NULL `update` is ignored.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_update_set_is_default(
    update: *mut dialtime_group_update,
    yes: bool,
) {
    if let Some(u) = unsafe { update.as_mut() } {
        edit(&mut u.builder, |b| b.is_default(yes));
    }
}

/// Sets skip_holiday (sent only when set). NULL `update` is ignored.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_update_set_skip_holiday(
    update: *mut dialtime_group_update,
    yes: bool,
) {
    if let Some(u) = unsafe { update.as_mut() } {
        edit(&mut u.builder, |b| b.skip_holiday(yes));
    }
}

/// Acts on this sub-account's group (a UUID, copied; checked when sent). NULL clears it.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_update_set_sub_user_id(
    update: *mut dialtime_group_update,
    sub_user_id: *const c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        let u = unsafe { handle_mut("update", update) }?;
        let sub = unsafe { opt_str_arg("sub_user_id", sub_user_id) }?.map(str::to_owned);
        edit(&mut u.builder, |b| b.with_sub_user_id(sub));
        Ok(())
    })
}

/// Frees an update. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_update_free(update: *mut dialtime_group_update) {
    unsafe { free_box(update) }
}

/// A saved group, as the platform returned it. Immutable, so safe to read from many threads.
/// Strings from its accessors are borrowed from it: valid until dialtime_group_free.
pub struct dialtime_group {
    group: DialTimeGroup,
    user_id: CString,
    name: CString,
    remark: Option<CString>,
    created_at_text: Option<CString>,
    updated_at_text: Option<CString>,
    days: Vec<(u8, Vec<(TimeText, TimeText)>)>,
}

/// A range's begin or end as the C string "HH:MM", held inline (no allocation per time).
type TimeText = [u8; 6];

fn time_text(t: dialtime::TimeOfDay) -> TimeText {
    let [h1, h2, colon, m1, m2] = t.ascii();
    [h1, h2, colon, m1, m2, 0]
}

impl From<DialTimeGroup> for dialtime_group {
    fn from(group: DialTimeGroup) -> Self {
        let days = group
            .content
            .iter()
            .map(|d| {
                let times = d
                    .times
                    .iter()
                    .map(|t| (time_text(t.begin_time), time_text(t.end_time)))
                    .collect();
                (d.week.number(), times)
            })
            .collect();
        dialtime_group {
            user_id: c_string(group.user_id.as_str()),
            name: c_string(group.name.as_str()),
            remark: group.remark.as_deref().map(c_string),
            created_at_text: group
                .created_at
                .as_ref()
                .map(|t| c_string(dialtime::model::iso_timestamp(t))),
            updated_at_text: group
                .updated_at
                .as_ref()
                .map(|t| c_string(dialtime::model::iso_timestamp(t))),
            days,
            group,
        }
    }
}

fn with<'a, R>(g: *const dialtime_group, default: R, f: impl FnOnce(&'a dialtime_group) -> R) -> R {
    // SAFETY: NULL or a live handle (header contract).
    unsafe { g.as_ref() }.map_or(default, f)
}

/// The group's id; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_group_id(g: *const dialtime_group) -> i64 {
    with(g, 0, |g| g.group.id)
}

/// The owner's user id. Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn dialtime_group_user_id(g: *const dialtime_group) -> *const c_char {
    with(g, ptr::null(), |g| g.user_id.as_ptr())
}

/// The name. Borrowed; NULL for NULL.
#[no_mangle]
pub extern "C" fn dialtime_group_name(g: *const dialtime_group) -> *const c_char {
    with(g, ptr::null(), |g| g.name.as_ptr())
}

#[no_mangle]
pub extern "C" fn dialtime_group_is_default(g: *const dialtime_group) -> bool {
    with(g, false, |g| g.group.is_default)
}

#[no_mangle]
pub extern "C" fn dialtime_group_skip_holiday(g: *const dialtime_group) -> bool {
    with(g, false, |g| g.group.skip_holiday)
}

/// The remark. Borrowed; NULL when the platform sent none (or for NULL).
#[no_mangle]
pub extern "C" fn dialtime_group_remark(g: *const dialtime_group) -> *const c_char {
    with(g, ptr::null(), |g| c_str_or_null(g.remark.as_ref()))
}

/// When the group was saved, as Unix seconds (the instant the platform means: its timestamps
/// are China time); 0 where the platform has no time for it (none sent, null, or MySQL's zero
/// date: dialtime_group_created_at_text is NULL then), and for NULL.
#[no_mangle]
pub extern "C" fn dialtime_group_created_at(g: *const dialtime_group) -> i64 {
    with(g, 0, |g| unix_seconds(g.group.created_at.as_ref()))
}

/// `created_at` as ISO 8601 with its offset, "2026-12-01T14:54:23+08:00". Borrowed; NULL
/// where the platform has no time for the group, and for NULL.
#[no_mangle]
pub extern "C" fn dialtime_group_created_at_text(g: *const dialtime_group) -> *const c_char {
    with(g, ptr::null(), |g| {
        c_str_or_null(g.created_at_text.as_ref())
    })
}

/// When the group last changed, as Unix seconds; 0 where the platform has no time for it
/// (dialtime_group_updated_at_text is NULL then), and for NULL.
#[no_mangle]
pub extern "C" fn dialtime_group_updated_at(g: *const dialtime_group) -> i64 {
    with(g, 0, |g| unix_seconds(g.group.updated_at.as_ref()))
}

/// `updated_at` as ISO 8601 with its offset. Borrowed; NULL where the platform has no time
/// for the group, and for NULL.
#[no_mangle]
pub extern "C" fn dialtime_group_updated_at_text(g: *const dialtime_group) -> *const c_char {
    with(g, ptr::null(), |g| {
        c_str_or_null(g.updated_at_text.as_ref())
    })
}

fn unix_seconds(t: Option<&jiff::ZonedDateTime>) -> i64 {
    t.map_or(0, |t| t.timestamp().as_second())
}

fn c_str_or_null(s: Option<&CString>) -> *const c_char {
    s.map_or(ptr::null(), |s| s.as_ptr())
}

/// How many weekdays the group lists.
#[no_mangle]
pub extern "C" fn dialtime_group_day_count(g: *const dialtime_group) -> usize {
    with(g, 0, |g| g.days.len())
}

/// The weekday (0 = Sunday … 6 = Saturday) of day `i`; 255 when `i` is out of range.
#[no_mangle]
pub extern "C" fn dialtime_group_day_week(g: *const dialtime_group, i: usize) -> u8 {
    with(g, u8::MAX, |g| g.days.get(i).map_or(u8::MAX, |d| d.0))
}

/// How many ranges day `i` has; 0 when `i` is out of range.
#[no_mangle]
pub extern "C" fn dialtime_group_day_range_count(g: *const dialtime_group, i: usize) -> usize {
    with(g, 0, |g| g.days.get(i).map_or(0, |d| d.1.len()))
}

/// The begin ("HH:MM") of range `j` of day `i`. Borrowed; NULL when out of range.
#[no_mangle]
pub extern "C" fn dialtime_group_day_range_begin(
    g: *const dialtime_group,
    i: usize,
    j: usize,
) -> *const c_char {
    with(g, ptr::null(), |g| {
        range(g, i, j).map_or(ptr::null(), |r| r.0.as_ptr().cast())
    })
}

/// The end ("HH:MM") of range `j` of day `i`. Borrowed; NULL when out of range.
#[no_mangle]
pub extern "C" fn dialtime_group_day_range_end(
    g: *const dialtime_group,
    i: usize,
    j: usize,
) -> *const c_char {
    with(g, ptr::null(), |g| {
        range(g, i, j).map_or(ptr::null(), |r| r.1.as_ptr().cast())
    })
}

fn range(g: &dialtime_group, i: usize, j: usize) -> Option<&(TimeText, TimeText)> {
    g.days.get(i).and_then(|d| d.1.get(j))
}

/// The group as canonical JSON (the platform's shape). On success `*out_json` is owned by the
/// caller: free with dialtime_string_free.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_to_json(
    g: *const dialtime_group,
    out_json: *mut *mut c_char,
    err: *mut *mut dialtime_error,
) -> dialtime_status {
    guard(err, || {
        out_arg("out_json", out_json)?;
        let g = unsafe { handle("g", g) }?;
        let json = serde_json::to_string(&g.group).map_err(|e| invalid(e.to_string()))?;
        write_string(out_json, json);
        Ok(())
    })
}

/// One page of a list. Immutable; its groups and strings are borrowed from it.
pub struct dialtime_page {
    groups: Vec<dialtime_group>,
    current_page: u32,
    last_page: u32,
    per_page: u32,
    total: i64,
    has_more: bool,
}

impl From<dialtime::Page<DialTimeGroup>> for dialtime_page {
    fn from(p: dialtime::Page<DialTimeGroup>) -> Self {
        dialtime_page {
            current_page: p.current_page,
            last_page: p.last_page.unwrap_or(0),
            per_page: p.per_page.unwrap_or(0),
            total: p.total.and_then(|t| i64::try_from(t).ok()).unwrap_or(-1),
            has_more: p.has_more,
            groups: p.data.into_iter().map(dialtime_group::from).collect(),
        }
    }
}

fn with_page<R>(p: *const dialtime_page, default: R, f: impl FnOnce(&dialtime_page) -> R) -> R {
    // SAFETY: NULL or a live handle (header contract).
    unsafe { p.as_ref() }.map_or(default, f)
}

/// How many groups the page holds; 0 for NULL.
#[no_mangle]
pub extern "C" fn dialtime_page_count(p: *const dialtime_page) -> usize {
    with_page(p, 0, |p| p.groups.len())
}

/// Group `i` of the page, borrowed from it (do not free it); NULL when out of range.
#[no_mangle]
pub extern "C" fn dialtime_page_group(p: *const dialtime_page, i: usize) -> *const dialtime_group {
    with_page(p, ptr::null(), |p| {
        p.groups.get(i).map_or(ptr::null(), |g| g as *const _)
    })
}

/// The page number (1-based).
#[no_mangle]
pub extern "C" fn dialtime_page_current_page(p: *const dialtime_page) -> u32 {
    with_page(p, 0, |p| p.current_page)
}

/// The last page number; 0 when the platform did not say.
#[no_mangle]
pub extern "C" fn dialtime_page_last_page(p: *const dialtime_page) -> u32 {
    with_page(p, 0, |p| p.last_page)
}

/// The page size; 0 when the platform did not say.
#[no_mangle]
pub extern "C" fn dialtime_page_per_page(p: *const dialtime_page) -> u32 {
    with_page(p, 0, |p| p.per_page)
}

/// How many groups there are in all; -1 when the platform did not say.
#[no_mangle]
pub extern "C" fn dialtime_page_total(p: *const dialtime_page) -> i64 {
    with_page(p, -1, |p| p.total)
}

/// Whether a later page may hold more groups: ask for `current_page + 1` while true.
#[no_mangle]
pub extern "C" fn dialtime_page_has_more(p: *const dialtime_page) -> bool {
    with_page(p, false, |p| p.has_more)
}

/// Frees a page (and the groups borrowed from it). Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_page_free(p: *mut dialtime_page) {
    unsafe { free_box(p) }
}

/// Frees a saved group. Accepts NULL.
#[no_mangle]
pub unsafe extern "C" fn dialtime_group_free(g: *mut dialtime_group) {
    unsafe { free_box(g) }
}
