//! Mirrors `dialtime::model`: plain objects with the platform's (snake_case) field names.

use napi::bindgen_prelude::{Either, Null};
use napi_derive::napi;

/// One calling window `[begin_time, end_time)`, times `HH:MM` (`24:00` = end of day).
#[napi(object)]
pub struct TimeRange {
    #[napi(js_name = "begin_time")]
    pub begin_time: String,
    #[napi(js_name = "end_time")]
    pub end_time: String,
}

/// The ranges of one weekday; `week` 0 = Sunday … 6 = Saturday.
#[napi(object)]
pub struct DaySchedule {
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
    #[napi(js_name = "sub_user_id")]
    pub sub_user_id: Option<String>,
}

/// Which sub-account a call acts on.
#[napi(object)]
#[derive(Default)]
pub struct ScopeOptions {
    #[napi(js_name = "sub_user_id")]
    pub sub_user_id: Option<String>,
}

/// One page of a list, with the platform's pagination (`null` where it sent none).
#[napi(object)]
pub struct Page {
    pub data: Vec<DialTimeGroup>,
    #[napi(js_name = "current_page")]
    pub current_page: u32,
    #[napi(js_name = "last_page", ts_type = "number | null")]
    pub last_page: Either<u32, Null>,
    #[napi(js_name = "per_page", ts_type = "number | null")]
    pub per_page: Either<u32, Null>,
    #[napi(ts_type = "number | null")]
    pub total: Either<i64, Null>,
    /// Whether a later page may hold more groups.
    #[napi(js_name = "has_more")]
    pub has_more: bool,
}

impl From<dialtime::Page<dialtime::DialTimeGroup>> for Page {
    fn from(p: dialtime::Page<dialtime::DialTimeGroup>) -> Self {
        fn or_null<T>(v: Option<T>) -> Either<T, Null> {
            v.map_or(Either::B(Null), Either::A)
        }
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
#[napi(object)]
pub struct EnsureResult {
    pub group: DialTimeGroup,
    #[napi(ts_type = "'created' | 'updated' | 'unchanged'")]
    pub outcome: String,
}

/// A saved group, as the platform returns it. Timestamps are China time (Asia/Shanghai),
/// `YYYY-MM-DD HH:MM:SS`, as on the wire.
#[napi(object)]
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
    #[napi(js_name = "created_at")]
    pub created_at: String,
    #[napi(js_name = "updated_at")]
    pub updated_at: String,
}

impl From<dialtime::DialTimeGroup> for DialTimeGroup {
    fn from(g: dialtime::DialTimeGroup) -> Self {
        DialTimeGroup {
            id: g.id,
            created_at: dialtime::model::format_datetime(&g.created_at).to_string(),
            updated_at: dialtime::model::format_datetime(&g.updated_at).to_string(),
            name: g.name,
            user_id: g.user_id,
            content: g.content.into_iter().map(DaySchedule::from).collect(),
            is_default: g.is_default,
            skip_holiday: g.skip_holiday,
            remark: g.remark.map_or(Either::B(Null), Either::A),
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
