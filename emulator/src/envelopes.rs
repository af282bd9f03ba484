//! The platform's answer shapes: the success and error envelopes, Laravel's field errors, and
//! the group records in the documented key orders.

use dialtime::model::wire_timestamp;
use dialtime::{DaySchedule, DialTimeGroup, Problem};
use serde::Serialize;

/// One answer: status, extra headers, body, and how it is sent.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub content_type: String,
    /// Send half of the body, then close the connection (a `truncate` fault).
    pub truncate: bool,
}

impl Answer {
    pub(crate) fn raw(status: u16, body: Vec<u8>) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body,
            content_type: "application/json".to_owned(),
            truncate: false,
        }
    }

    pub(crate) fn json(status: u16, body: &impl Serialize) -> Answer {
        Answer::raw(status, serde_json::to_vec(body).unwrap_or_default())
    }

    /// The platform's error envelope with `code` = the HTTP status.
    pub(crate) fn error(status: u16, message: &str) -> Answer {
        Answer::json(status, &ErrorEnvelope::new(i64::from(status), message))
    }

    /// `{"code":200,"status":"success","message":…,"data":…}`.
    pub(crate) fn success(message: &str, data: impl Serialize) -> Answer {
        Answer::json(
            200,
            &SuccessEnvelope {
                code: 200,
                status: "success",
                message,
                data,
            },
        )
    }
}

#[derive(Serialize)]
struct SuccessEnvelope<'a, T: Serialize> {
    code: i64,
    status: &'static str,
    message: &'a str,
    data: T,
}

#[derive(Serialize)]
pub(crate) struct ErrorEnvelope<'a> {
    code: i64,
    status: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<FieldErrors>,
}

impl<'a> ErrorEnvelope<'a> {
    pub(crate) fn new(code: i64, message: &'a str) -> Self {
        Self {
            code,
            status: "error",
            message,
            errors: None,
        }
    }
}

/// Laravel's `errors` object, in payload order: `{"content.1.week": ["…"], …}`.
struct FieldErrors(Vec<(String, Vec<String>)>);

impl Serialize for FieldErrors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The create answer's record: keys in the order of the platform's documented example, and
/// no `remark`.
#[derive(Serialize)]
pub(crate) struct CreatedRecord<'a> {
    name: &'a str,
    content: &'a [DaySchedule],
    is_default: bool,
    skip_holiday: bool,
    user_id: &'a str,
    updated_at: Option<String>,
    created_at: Option<String>,
    id: i64,
}

impl<'a> From<&'a DialTimeGroup> for CreatedRecord<'a> {
    fn from(g: &'a DialTimeGroup) -> Self {
        CreatedRecord {
            name: &g.name,
            content: &g.content,
            is_default: g.is_default,
            skip_holiday: g.skip_holiday,
            user_id: &g.user_id,
            updated_at: g.updated_at.as_ref().map(wire_timestamp),
            created_at: g.created_at.as_ref().map(wire_timestamp),
            id: g.id,
        }
    }
}

/// 422 with Laravel's `errors`: dot paths (`content.1.times.0.end_time`) to messages, in one
/// pass whatever the number of problems.
pub(crate) fn validation_answer(problems: &[Problem]) -> Answer {
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in problems {
        let key = laravel_key(&p.path);
        match index.get(&key) {
            Some(&i) => {
                if let Some((_, messages)) = errors.get_mut(i) {
                    messages.push(p.message.clone());
                }
            }
            None => {
                index.insert(key.clone(), errors.len());
                errors.push((key, vec![p.message.clone()]));
            }
        }
    }
    let mut env = ErrorEnvelope::new(422, "参数校验失败");
    env.errors = Some(FieldErrors(errors));
    Answer::json(422, &env)
}

/// `content[1].times[0].end_time` → `content.1.times.0.end_time`
fn laravel_key(path: &str) -> String {
    path.replace('[', ".").replace(']', "")
}

pub(crate) fn too_large() -> Answer {
    Answer::error(413, "请求体过大")
}

/// The platform's (Chinese) message for an error status.
pub(crate) fn status_message(status: u16) -> &'static str {
    match status {
        400 => "请求参数错误",
        401 => "未授权：token 无效或已过期",
        403 => "无权访问",
        404 => "资源不存在",
        405 => "请求方法不被允许",
        422 => "参数校验失败",
        429 => "请求过于频繁，请稍后再试",
        500..=599 => "服务器内部错误",
        _ => "请求失败",
    }
}
