//! Mirrors `dialtime::model`: plain objects. Wire records (groups, days, ranges) keep the
//! platform's snake_case field names; what dialtime adds (options, pages) is camelCase.

use napi::bindgen_prelude::{Either, Null, ToNapiValue};
use napi_derive::napi;

/// One calling window `[begin_time, end_time)`, times `HH:MM` (`24:00` = end of day).
#[napi(object)]
pub struct TimeRange {
    #[napi(js_name = "begin_time")]
    pub begin_time: String,
    #[napi(js_name = "end_time")]
    pub end_time: String,
}

/// A day of the week as the platform numbers it (`Weekday.Sunday === 0` … `Saturday === 6`,
/// unlike `Date.getDay()`… which happens to agree); plain numbers are accepted too.
#[napi]
pub enum Weekday {
    Sunday = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 3,
    Thursday = 4,
    Friday = 5,
    Saturday = 6,
}

/// The ranges of one weekday; `week` 0 = Sunday … 6 = Saturday (a `Weekday`).
#[napi(object)]
pub struct DaySchedule {
    #[napi(ts_type = "Weekday | number")]
    pub week: u8,
    pub times: Vec<TimeRange>,
}

/// A group to save, exactly as in the platform's docs.
#[napi(object)]
// Declares the TypeScript type of `create`'s argument; the argument itself is read as JSON.
#[allow(dead_code)]
pub struct NewDialTimeGroup {
    pub name: String,
    pub content: Vec<DaySchedule>,
    #[napi(js_name = "is_default")]
    pub is_default: bool,
    #[napi(js_name = "skip_holiday")]
    pub skip_holiday: bool,
    #[napi(js_name = "sub_user_id")]
    pub sub_user_id: Option<String>,
}

/// Changes to a saved group: `name` always, every other field only when set.
#[napi(object)]
// Declares the TypeScript type of `update`'s argument; the argument itself is read as JSON.
#[allow(dead_code)]
pub struct DialTimeGroupUpdate {
    pub name: String,
    pub content: Option<Vec<DaySchedule>>,
    #[napi(js_name = "is_default")]
    pub is_default: Option<bool>,
    #[napi(js_name = "skip_holiday")]
    pub skip_holiday: Option<bool>,
    #[napi(js_name = "sub_user_id")]
    pub sub_user_id: Option<String>,
}

/// Which page to read (`page` default 1) and for which sub-account.
#[napi(object)]
#[derive(Default)]
pub struct ListOptions {
    /// 1-based; an integer (checked, never truncated).
    pub page: Option<f64>,
    /// The sub-account whose groups to read (a UUID).
    pub sub_user_id: Option<String>,
    /// Per-call override: the longest one attempt may take, in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Per-call override: the longest the whole call may take, in milliseconds.
    pub deadline_ms: Option<f64>,
    /// Per-call override: how often the call may be retried.
    pub max_retries: Option<f64>,
}

/// Which sub-account a call acts on.
#[napi(object)]
#[derive(Default)]
pub struct ScopeOptions {
    /// The sub-account (a UUID).
    pub sub_user_id: Option<String>,
    /// Per-call override: the longest one attempt may take, in milliseconds.
    pub timeout_ms: Option<f64>,
    /// Per-call override: the longest the whole call may take, in milliseconds.
    pub deadline_ms: Option<f64>,
    /// Per-call override: how often the call may be retried.
    pub max_retries: Option<f64>,
}

/// One page of a list, with the platform's pagination (`null` where it sent none).
#[napi(object, object_from_js = false)]
pub struct Page {
    pub data: Vec<DialTimeGroup>,
    /// The page number (1-based).
    pub current_page: u32,
    /// The last page number, or null when the platform did not say.
    #[napi(ts_type = "number | null")]
    pub last_page: Either<u32, Null>,
    /// The page size, or null.
    #[napi(ts_type = "number | null")]
    pub per_page: Either<u32, Null>,
    /// How many groups in all, or null.
    #[napi(ts_type = "number | null")]
    pub total: Either<i64, Null>,
    /// Whether a later page may hold more groups.
    pub has_more: bool,
}

/// `null` for `None`, as the declarations type a value the platform may not have.
fn or_null<T>(v: Option<T>) -> Either<T, Null> {
    v.map_or(Either::B(Null), Either::A)
}

impl From<dialtime::Page<dialtime::DialTimeGroup>> for Page {
    fn from(p: dialtime::Page<dialtime::DialTimeGroup>) -> Self {
        Page {
            current_page: p.current_page,
            last_page: or_null(p.last_page),
            per_page: or_null(p.per_page),
            total: or_null(p.total.and_then(|t| i64::try_from(t).ok())),
            has_more: p.has_more,
            data: p.data.into_iter().map(DialTimeGroup::from).collect(),
        }
    }
}

/// What `ensure` did, and the group as it now is.
#[napi(object, object_from_js = false)]
pub struct EnsureResult {
    pub group: DialTimeGroup,
    #[napi(ts_type = "'created' | 'updated' | 'unchanged'")]
    pub outcome: String,
}

/// A saved group, as the platform returns it. `created_at`/`updated_at` are `Date`s (the
/// instants the platform means: China time); `created_at_text`/`updated_at_text` are the same
/// as ISO 8601 with the +08:00 offset. Each is null where the platform has no time for the
/// group (none sent, `null`, or MySQL's zero date).
// Made into a JavaScript object by `index.js`'s `makeGroup` (`js.rs`); napi-rs only types it.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct DialTimeGroup {
    pub id: i64,
    pub name: String,
    #[napi(js_name = "user_id")]
    pub user_id: String,
    pub content: Vec<DaySchedule>,
    #[napi(js_name = "is_default")]
    pub is_default: bool,
    #[napi(js_name = "skip_holiday")]
    pub skip_holiday: bool,
    #[napi(ts_type = "string | null")]
    pub remark: Either<String, Null>,
    #[napi(js_name = "created_at", ts_type = "Date | null")]
    pub created_at: Either<Date, Null>,
    #[napi(js_name = "updated_at", ts_type = "Date | null")]
    pub updated_at: Either<Date, Null>,
    /// `created_at` as ISO 8601 with its offset, `2026-12-01T14:54:23+08:00`, or null.
    #[napi(js_name = "created_at_text", ts_type = "string | null")]
    pub created_at_text: Either<String, Null>,
    /// `updated_at` as ISO 8601 with its offset, or null.
    #[napi(js_name = "updated_at_text", ts_type = "string | null")]
    pub updated_at_text: Either<String, Null>,
}

/// A `Date`: milliseconds since the epoch, made into a JavaScript `Date` when converted.
pub struct Date(f64);

impl From<&jiff::ZonedDateTime> for Date {
    fn from(t: &jiff::ZonedDateTime) -> Self {
        Date(t.timestamp().as_millisecond() as f64)
    }
}

impl Date {
    /// Milliseconds since the epoch.
    pub(crate) fn millis(&self) -> f64 {
        self.0
    }
}

impl ToNapiValue for DialTimeGroup {
    unsafe fn to_napi_value(
        env: napi::sys::napi_env,
        value: Self,
    ) -> napi::Result<napi::sys::napi_value> {
        crate::js::group(env, value)
    }
}

impl From<dialtime::DialTimeGroup> for DialTimeGroup {
    fn from(g: dialtime::DialTimeGroup) -> Self {
        DialTimeGroup {
            id: g.id,
            created_at: or_null(g.created_at.as_ref().map(Date::from)),
            updated_at: or_null(g.updated_at.as_ref().map(Date::from)),
            created_at_text: or_null(g.created_at.as_ref().map(dialtime::model::iso_timestamp)),
            updated_at_text: or_null(g.updated_at.as_ref().map(dialtime::model::iso_timestamp)),
            name: g.name,
            user_id: g.user_id,
            content: g.content.into_iter().map(DaySchedule::from).collect(),
            is_default: g.is_default,
            skip_holiday: g.skip_holiday,
            remark: or_null(g.remark),
        }
    }
}

impl From<dialtime::DaySchedule> for DaySchedule {
    fn from(d: dialtime::DaySchedule) -> Self {
        DaySchedule {
            week: d.week.number(),
            times: d
                .times
                .into_iter()
                .map(|t| TimeRange {
                    begin_time: t.begin_time.to_string(),
                    end_time: t.end_time.to_string(),
                })
                .collect(),
        }
    }
}
