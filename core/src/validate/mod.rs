//! The rules dialtime enforces before sending (`api.md`, "Rules dialtime enforces").
//!
//! Every problem is reported at once, in payload order, each with its path
//! (`content[1].times[0].end_time`) and a message naming the rule and the offending value.
//! The same checker serves the typed structs, the builder and raw JSON input, so the
//! rules exist once.
//!
//! | path | rule |
//! |---|---|
//! | `name` | a string, not empty after trimming, at most 255 characters |
//! | `content` | an array of at least one day |
//! | `content[i].week` | an integer 0 (Sunday) … 6 (Saturday), each weekday at most once |
//! | `content[i].times` | an array of at least one range |
//! | `….begin_time` | `H:MM` or `HH:MM`, 00:00–23:59 |
//! | `….end_time` | `H:MM` or `HH:MM`, 00:01–24:00, later than `begin_time` |
//! | `content[i].times[j]` | does not overlap another range of the day (touching is fine) |
//! | `is_default`, `skip_holiday` | booleans |
//! | `sub_user_id`, `user_id` | UUIDs, 8-4-4-4-12 hex digits |
//! | `group_id` | a positive integer |
//! | any other key | not a field of the payload (a typo caught before it reaches production) |

pub(crate) mod fast;
pub(crate) mod host;
pub(crate) mod json;
pub(crate) mod rules;

use serde_json::Value;

use crate::error::Error;
use crate::model::{DialTimeGroupUpdate, NewDialTimeGroup};

use json::UnknownFields;
pub(crate) use rules::{time_message, week_message, Checker};

/// The longest `name` the platform stores (Laravel's `max:255`, in characters).
pub const NAME_MAX_CHARS: usize = 255;

/// Checks a group built in Rust.
pub fn new_group(group: &NewDialTimeGroup) -> Result<(), Error> {
    let mut check = Checker::default();
    check.new_group(group);
    check.finish()
}

/// Checks a JSON payload as a caller would write it and returns the typed group.
/// Keys that are not fields of the payload are reported, so a typo never reaches the platform.
pub fn new_group_from_json(payload: &Value) -> Result<NewDialTimeGroup, Error> {
    json::read_new_group(payload, UnknownFields::Reject)
}

/// [`new_group_from_json`] on JSON text; text that is not JSON is a problem at path `$`.
pub fn new_group_from_json_str(payload: &str) -> Result<NewDialTimeGroup, Error> {
    // A well-formed payload is read without a `Value` tree; any other gets every problem.
    if let Some(group) = fast::new_group(payload) {
        return Ok(group);
    }
    new_group_from_json(&json::parse_json(payload)?)
}

/// [`update_from_json`] on JSON text; text that is not JSON is a problem at path `$`.
pub fn update_from_json_str(payload: &str) -> Result<DialTimeGroupUpdate, Error> {
    if let Some(update) = fast::update(payload) {
        return Ok(update);
    }
    update_from_json(&json::parse_json(payload)?)
}

/// Checks an update payload (`name` required; `content`, `is_default`, `skip_holiday`,
/// `sub_user_id` optional, `null` meaning "not sent") and returns the typed update.
pub fn update_from_json(payload: &Value) -> Result<DialTimeGroupUpdate, Error> {
    json::read_update(payload, UnknownFields::Reject)
}

/// Reads a schedule's `content` and `skip_holiday` from a group's JSON (other keys ignored).
pub(crate) fn schedule_from_json(
    payload: &Value,
) -> Result<(Vec<crate::model::DaySchedule>, bool), Error> {
    json::read_schedule(payload)
}

/// Checks a user id (path parameter).
pub fn user_id(user_id: &str) -> Result<(), Error> {
    let mut check = Checker::default();
    check.uuid("user_id", user_id);
    check.finish()
}

/// Checks a group id (path parameter).
pub fn group_id(group_id: i64) -> Result<(), Error> {
    let mut check = Checker::default();
    check.group_id(group_id);
    check.finish()
}

/// Whether `s` is a UUID in its 8-4-4-4-12 hex form.
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}
