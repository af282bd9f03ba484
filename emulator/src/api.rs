//! The API itself: routing, the bearer check, the store, and the platform's answer shapes.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use dialtime::validate::{self, UnknownFields};
use dialtime::{DaySchedule, DialTimeGroupUpdate, NewDialTimeGroup, Problem};
use jiff::civil::DateTime;
use serde::Serialize;
use serde_json::Value;

use crate::fault::Fault;

/// A request body larger than this is refused with 413.
const MAX_REQUEST_BYTES: usize = 1024 * 1024;

pub(crate) struct Shared {
    pub token: String,
    pub user_id: String,
    pub requests: AtomicU64,
    pub state: Mutex<State>,
}

#[derive(Default)]
pub(crate) struct State {
    next_id: i64,
    groups: Vec<Stored>,
    faults: VecDeque<Fault>,
}

struct Stored {
    id: i64,
    user_id: String,
    sub_user_id: Option<String>,
    name: String,
    content: Vec<DaySchedule>,
    is_default: bool,
    skip_holiday: bool,
    remark: Option<String>,
    created_at: DateTime,
    updated_at: DateTime,
}

/// The API routes (after the user segment is read).
enum Route<'p> {
    Create,
    List,
    Update(&'p str),
    Delete(&'p str),
}

/// Whether two sub-account scopes are the same (UUIDs: case does not count).
fn same_scope(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

/// One answer: status, extra headers, JSON or raw body. `None` from the handler means
/// "drop the connection".
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
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

    fn json(status: u16, body: &impl Serialize) -> Answer {
        Answer::raw(status, serde_json::to_vec(body).unwrap_or_default())
    }

    fn error(status: u16, message: &str) -> Answer {
        Answer::json(status, &ErrorEnvelope::new(i64::from(status), message))
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
struct ErrorEnvelope<'a> {
    code: i64,
    status: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<FieldErrors>,
}

/// Laravel's `errors` object, in payload order: `{"content.1.week": ["…"], …}`.
struct FieldErrors(Vec<(String, Vec<String>)>);

impl Serialize for FieldErrors {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

impl<'a> ErrorEnvelope<'a> {
    fn new(code: i64, message: &'a str) -> Self {
        Self {
            code,
            status: "error",
            message,
            errors: None,
        }
    }
}

/// The create answer, keys in the order of the platform's documented example (no `remark`).
#[derive(Serialize)]
struct CreatedRecord<'a> {
    name: &'a str,
    content: &'a [DaySchedule],
    is_default: bool,
    skip_holiday: bool,
    user_id: &'a str,
    updated_at: String,
    created_at: String,
    id: i64,
}

/// A stored group as the update (and list) answers show it, in the documented key order.
#[derive(Serialize)]
struct Record<'a> {
    id: i64,
    name: &'a str,
    user_id: &'a str,
    content: &'a [DaySchedule],
    is_default: bool,
    skip_holiday: bool,
    remark: Option<&'a str>,
    created_at: String,
    updated_at: String,
}

impl Stored {
    fn record(&self) -> Record<'_> {
        Record {
            id: self.id,
            name: &self.name,
            user_id: &self.user_id,
            content: &self.content,
            is_default: self.is_default,
            skip_holiday: self.skip_holiday,
            remark: self.remark.as_deref(),
            created_at: timestamp(&self.created_at),
            updated_at: timestamp(&self.updated_at),
        }
    }
}

fn timestamp(dt: &DateTime) -> String {
    dt.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

fn now_in_china() -> DateTime {
    dialtime::platform_zone().to_datetime(jiff::Timestamp::now())
}

impl Shared {
    pub(crate) fn new(token: String, user_id: String) -> Shared {
        Shared {
            token,
            user_id,
            requests: AtomicU64::new(0),
            state: Mutex::new(State {
                next_id: 1,
                ..State::default()
            }),
        }
    }

    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the store inconsistent in a way that
        // matters for a test server; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn push_fault(&self, fault: Fault) {
        if fault.times > 0 {
            self.state().faults.push_back(fault);
        }
    }

    pub(crate) fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// Takes the fault for this request, if one is queued.
    pub(crate) fn next_fault(&self) -> Option<Fault> {
        let mut state = self.state();
        let front = state.faults.front_mut()?;
        front.times -= 1;
        if front.times == 0 {
            state.faults.pop_front()
        } else {
            Some(front.clone())
        }
    }

    /// The answer a fault forces.
    pub(crate) fn fault_answer(fault: &Fault) -> Answer {
        let status = fault.status.unwrap_or(200);
        let mut answer = match &fault.body {
            Some(body) => Answer::raw(status, body.clone().into_bytes()),
            None => {
                let code = fault.code.unwrap_or(i64::from(status));
                let message = fault.message.clone().unwrap_or_else(|| {
                    status_message(u16::try_from(code).unwrap_or(500)).to_owned()
                });
                Answer::json(status, &ErrorEnvelope::new(code, &message))
            }
        };
        if let Some(ra) = &fault.retry_after {
            answer.headers.push(("retry-after", ra.clone()));
        }
        answer
    }

    /// Handles one API request (after faults). `auth` is the `Authorization` header.
    pub(crate) fn handle(
        &self,
        method: &str,
        path: &str,
        query: &str,
        auth: Option<&[u8]>,
        body: &[u8],
    ) -> Answer {
        let expected = format!("Bearer {}", self.token);
        if auth != Some(expected.as_bytes()) {
            return Answer::error(401, status_message(401));
        }
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let (route, user) = match (method, segments.as_slice()) {
            ("POST", ["", "agent-api", "user", user, "dial-time-group"]) => (Route::Create, *user),
            ("GET", ["", "agent-api", "user", user, "dial-time-group"]) => (Route::List, *user),
            ("PUT", ["", "agent-api", "user", user, "dial-time-group", id]) => {
                (Route::Update(id), *user)
            }
            ("DELETE", ["", "agent-api", "user", user, "dial-time-group", id]) => {
                (Route::Delete(id), *user)
            }
            _ => return Answer::error(404, status_message(404)),
        };
        // User ids are UUIDs, compared without regard to case; the store keys on the
        // emulator's own spelling, so every route sees the same groups.
        if !validate::is_uuid(user) {
            return Answer::error(404, status_message(404));
        }
        if !user.eq_ignore_ascii_case(&self.user_id) {
            return Answer::error(403, "无权操作该用户");
        }
        let user = self.user_id.as_str();
        match route {
            Route::Create => self.create(user, body),
            Route::List => self.list(user, query),
            Route::Update(id) => self.update(user, id, body),
            Route::Delete(id) => {
                self.delete(user, id, query_param(query, "sub_user_id").as_deref())
            }
        }
    }

    fn create(&self, user: &str, body: &[u8]) -> Answer {
        let group = match read_payload(body) {
            Ok(g) => g,
            Err(answer) => return answer,
        };
        let now = now_in_china();
        let mut state = self.state();
        let id = state.next_id;
        state.next_id += 1;
        if group.is_default {
            for g in state.groups.iter_mut() {
                if g.user_id == user
                    && same_scope(g.sub_user_id.as_deref(), group.sub_user_id.as_deref())
                {
                    g.is_default = false;
                }
            }
        }
        let stored = Stored {
            id,
            user_id: user.to_owned(),
            sub_user_id: group.sub_user_id,
            name: group.name,
            content: group.content,
            is_default: group.is_default,
            skip_holiday: group.skip_holiday,
            remark: None,
            created_at: now,
            updated_at: now,
        };
        let answer = Answer::json(
            200,
            &SuccessEnvelope {
                code: 200,
                status: "success",
                message: "创建呼叫时间组成功",
                data: CreatedRecord {
                    name: &stored.name,
                    content: &stored.content,
                    is_default: stored.is_default,
                    skip_holiday: stored.skip_holiday,
                    user_id: &stored.user_id,
                    updated_at: timestamp(&stored.updated_at),
                    created_at: timestamp(&stored.created_at),
                    id,
                },
            },
        );
        state.groups.push(stored);
        answer
    }

    /// Partial update: omitted fields keep their values; 404 for an id that is not this
    /// user's (and sub-user's) group.
    fn update(&self, user: &str, id: &str, body: &[u8]) -> Answer {
        let changes: DialTimeGroupUpdate = match read_update(body) {
            Ok(c) => c,
            Err(answer) => return answer,
        };
        let now = now_in_china();
        let mut state = self.state();
        let Some(index) = find(&state.groups, user, id, changes.sub_user_id.as_deref()) else {
            return Answer::error(404, "呼叫时间组不存在");
        };
        if changes.is_default == Some(true) {
            let scope = changes.sub_user_id.clone();
            for g in state.groups.iter_mut() {
                if g.user_id == user && same_scope(g.sub_user_id.as_deref(), scope.as_deref()) {
                    g.is_default = false;
                }
            }
        }
        let Some(g) = state.groups.get_mut(index) else {
            return Answer::error(404, "呼叫时间组不存在");
        };
        g.name = changes.name;
        if let Some(content) = changes.content {
            g.content = content;
        }
        if let Some(yes) = changes.is_default {
            g.is_default = yes;
        }
        if let Some(yes) = changes.skip_holiday {
            g.skip_holiday = yes;
        }
        g.updated_at = now;
        Answer::json(
            200,
            &SuccessEnvelope {
                code: 200,
                status: "success",
                message: "修改成功",
                data: g.record(),
            },
        )
    }

    /// A page of 15, oldest first, with the platform's `meta` (`per_page` as a string, as the
    /// platform echoes it); a page past the end is empty.
    fn list(&self, user: &str, query: &str) -> Answer {
        let page = match query_param(query, "page").map(|p| p.parse::<u32>()) {
            Some(Ok(page)) if page >= 1 => page,
            _ => return validation_answer(&[Problem::new("page", "page 必须是大于 0 的整数")]),
        };
        let sub_user_id = query_param(query, "sub_user_id");
        let state = self.state();
        let scope: Vec<&Stored> = state
            .groups
            .iter()
            .filter(|g| {
                g.user_id == user && same_scope(g.sub_user_id.as_deref(), sub_user_id.as_deref())
            })
            .collect();
        let total = scope.len();
        let last_page = total.div_ceil(PAGE_SIZE).max(1);
        let start = (page as usize - 1).saturating_mul(PAGE_SIZE);
        let data: Vec<Record<'_>> = scope
            .iter()
            .skip(start)
            .take(PAGE_SIZE)
            .map(|g| g.record())
            .collect();
        Answer::json(
            200,
            &serde_json::json!({
                "code": 200,
                "status": "success",
                "message": "获取成功",
                "meta": {
                    "has_pages": total > PAGE_SIZE,
                    "total": total,
                    "last_page": last_page,
                    "current_page": page,
                    "per_page": PAGE_SIZE.to_string(),
                },
                "data": data,
            }),
        )
    }

    fn delete(&self, user: &str, id: &str, sub_user_id: Option<&str>) -> Answer {
        let mut state = self.state();
        let Some(index) = find(&state.groups, user, id, sub_user_id) else {
            return Answer::error(404, "呼叫时间组不存在");
        };
        state.groups.remove(index);
        Answer::json(
            200,
            &SuccessEnvelope {
                code: 200,
                status: "success",
                message: "删除成功",
                data: Value::Null,
            },
        )
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
    }
}

pub(crate) fn too_large() -> Answer {
    Answer::error(413, "请求体过大")
}

pub(crate) fn max_request_bytes() -> usize {
    MAX_REQUEST_BYTES
}

/// The emulator's page size (the platform's is unknown).
const PAGE_SIZE: usize = 15;

/// The group `id` of `user` in the scope of `sub_user_id` (a sub-account's groups are apart
/// from the main account's).
fn find(groups: &[Stored], user: &str, id: &str, sub_user_id: Option<&str>) -> Option<usize> {
    let id: i64 = id.parse().ok()?;
    groups.iter().position(|g| {
        g.id == id && g.user_id == user && same_scope(g.sub_user_id.as_deref(), sub_user_id)
    })
}

/// One query parameter (the values dialtime sends need no percent-decoding: UUIDs, numbers).
fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// Parses and validates an update body (name required, the rest optional), tolerantly.
fn read_update(body: &[u8]) -> Result<DialTimeGroupUpdate, Answer> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| Answer::error(400, "请求体不是合法的 JSON"))?;
    validate::read_update(&value, UnknownFields::Ignore)
        .map_err(|e| validation_answer(e.problems()))
}

/// Parses and validates a create body as a tolerant server would (unknown keys ignored).
fn read_payload(body: &[u8]) -> Result<NewDialTimeGroup, Answer> {
    let value: Value =
        serde_json::from_slice(body).map_err(|_| Answer::error(400, "请求体不是合法的 JSON"))?;
    validate::read_new_group(&value, UnknownFields::Ignore)
        .map_err(|e| validation_answer(e.problems()))
}

/// 422 with Laravel's `errors`: dot paths (`content.1.times.0.end_time`) to messages.
fn validation_answer(problems: &[Problem]) -> Answer {
    let mut errors: Vec<(String, Vec<String>)> = Vec::new();
    // Where each key is in `errors`: one pass, whatever the number of problems.
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

fn status_message(status: u16) -> &'static str {
    match status {
        400 => "请求参数错误",
        401 => "未授权：token 无效或已过期",
        403 => "无权访问",
        404 => "资源不存在",
        422 => "参数校验失败",
        429 => "请求过于频繁，请稍后再试",
        500..=599 => "服务器内部错误",
        _ => "请求失败",
    }
}
