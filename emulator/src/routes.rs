//! Routing: the bearer check, the user check, the four endpoints, reading payloads as a
//! tolerant server would (with the core's rules), and answering with the platform's shapes.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use dialtime::__private::{read_new_group, read_update, UnknownFields};
use dialtime::{DialTimeGroupUpdate, NewDialTimeGroup, Problem};
use serde_json::Value;

use crate::envelopes::{status_message, validation_answer, Answer, CreatedRecord, ErrorEnvelope};
use crate::fault::{Fault, FaultId};
use crate::requests::{Arrived, RecordedRequest, RequestLog};
use crate::store::{Store, PAGE_SIZE};

/// A request body larger than this is refused with 413.
pub(crate) const MAX_REQUEST_BYTES: usize = 1024 * 1024;

/// The most faults `POST /_emulator/faults` queues (each up to [`MAX_REQUEST_BYTES`]).
pub(crate) const MAX_QUEUED_FAULTS: u64 = 256;

/// What the server threads share: the account, the counters, the log, the store and the
/// faults.
pub(crate) struct Shared {
    pub token: String,
    /// `Bearer <token>`, the one `Authorization` value accepted.
    bearer: String,
    pub user_id: String,
    /// The sub-accounts requests may name (`None`: any).
    pub sub_users: Option<Vec<String>>,
    pub requests: AtomicU64,
    /// API requests that may change data (every method but GET).
    pub writes: AtomicU64,
    log: Mutex<RequestLog>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    store: Store,
    faults: VecDeque<(FaultId, Fault)>,
    next_fault_id: u64,
}

/// The API routes (after the user segment is read).
pub(crate) enum Route<'p> {
    Create,
    List,
    Update(&'p str),
    Delete(&'p str),
}

fn now_in_china() -> jiff::ZonedDateTime {
    jiff::Timestamp::now().to_zoned_datetime(dialtime::platform_zone())
}

impl Shared {
    pub(crate) fn new(
        token: String,
        user_id: String,
        sub_users: Option<Vec<String>>,
        log_limit: usize,
    ) -> Shared {
        Shared {
            bearer: format!("Bearer {token}"),
            token,
            user_id,
            sub_users,
            requests: AtomicU64::new(0),
            writes: AtomicU64::new(0),
            log: Mutex::new(RequestLog::new(log_limit)),
            state: Mutex::new(State::default()),
        }
    }

    /// Saves seed groups, in order, as if they had been created.
    pub(crate) fn seed(&self, groups: Vec<NewDialTimeGroup>) {
        let mut state = self.state();
        for group in groups {
            state.store.create(&self.user_id, group, now_in_china());
        }
    }

    fn log(&self) -> MutexGuard<'_, RequestLog> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts and records an API request under one lock (so the log's order is the ids'
    /// order); returns its request id (`emu-1` for the first).
    pub(crate) fn arrive(
        &self,
        head: &hyper::http::request::Parts,
        authorized: bool,
        body: Option<&bytes::Bytes>,
    ) -> String {
        let mut log = self.log();
        let request_id = format!("emu-{}", self.requests.fetch_add(1, Ordering::Relaxed) + 1);
        log.push(Arrived::new(head, authorized, body, request_id.clone()));
        request_id
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.log().all()
    }

    pub(crate) fn last_request(&self) -> Option<RecordedRequest> {
        self.log().last()
    }

    pub(crate) fn clear_requests(&self) {
        self.log().clear();
    }

    /// Whether `auth` (the `Authorization` header) carries the token.
    pub(crate) fn is_authorized(&self, auth: Option<&[u8]>) -> bool {
        auth == Some(self.bearer.as_bytes())
    }

    /// `Err` (403) when sub-accounts are configured and `sub_user_id` is not one of them.
    fn check_sub_user(&self, sub_user_id: Option<&str>) -> Result<(), Answer> {
        match (&self.sub_users, sub_user_id) {
            (Some(known), Some(sub)) if !known.iter().any(|k| k.eq_ignore_ascii_case(sub)) => {
                Err(Answer::error(403, "无权操作该子账号"))
            }
            _ => Ok(()),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the store inconsistent in a way that
        // matters for a test server; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn push_fault(&self, fault: Fault) -> FaultId {
        let mut state = self.state();
        state.next_fault_id += 1;
        let id = FaultId(state.next_fault_id);
        if fault.times > 0 {
            state.faults.push_back((id, fault));
        }
        id
    }

    /// Removes a queued fault; false when it was used up (or removed) already.
    pub(crate) fn remove_fault(&self, id: FaultId) -> bool {
        let mut state = self.state();
        let before = state.faults.len();
        state.faults.retain(|(queued, _)| *queued != id);
        state.faults.len() != before
    }

    pub(crate) fn clear_faults(&self) {
        self.state().faults.clear();
    }

    /// How many requests the queued faults would still apply to.
    /// How many faults wait in the queue (each may be used several times).
    pub(crate) fn queued_faults(&self) -> u64 {
        self.state().faults.len() as u64
    }

    pub(crate) fn pending_faults(&self) -> u64 {
        self.state()
            .faults
            .iter()
            .map(|(_, f)| u64::from(f.times))
            .sum()
    }

    /// Takes the fault for this request (the first queued one for its method), if any.
    pub(crate) fn next_fault(&self, method: &str) -> Option<Fault> {
        let mut state = self.state();
        let at = state.faults.iter().position(|(_, f)| {
            f.method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let (_, fault) = state.faults.get_mut(at)?;
        fault.times -= 1;
        if fault.times == 0 {
            state.faults.remove(at).map(|(_, f)| f)
        } else {
            Some(fault.clone())
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
            answer.headers.push(("retry-after".to_owned(), ra.clone()));
        }
        answer
    }

    /// Handles one API request (after faults). `auth` is the `Authorization` header.
    ///
    /// `json`: whether the request says its body is JSON (`Content-Type` with `/json` or
    /// `+json`, as Laravel's `isJson()`); any other body is read as no fields at all, as the
    /// platform reads it (a 422 naming the required ones), not parsed as JSON anyway.
    pub(crate) fn handle(
        &self,
        method: &str,
        path: &str,
        query: &str,
        auth: Option<&[u8]>,
        json: bool,
        body: &[u8],
    ) -> Answer {
        let body = if json { body } else { b"{}" };
        let (route, user) = match self.route(method, path, auth) {
            Ok(routed) => routed,
            Err(refused) => return refused,
        };
        match route {
            Route::Create => self.create(user, body),
            Route::List => self.list(user, query),
            Route::Update(id) => self.update(user, id, body),
            Route::Delete(id) => {
                let sub_user_id = match query_sub_user(query) {
                    Ok(sub) => sub,
                    Err(refused) => return refused,
                };
                match self.check_sub_user(sub_user_id.as_deref()) {
                    Ok(()) => self.delete(user, id, sub_user_id.as_deref()),
                    Err(refused) => refused,
                }
            }
        }
    }

    /// The route of a request and its user (the emulator's spelling), or the answer that
    /// refuses it: 404 or 405 (routing comes first, as in Laravel), then 401 (its middleware
    /// checks the token), then 403 for another user.
    pub(crate) fn route<'p>(
        &self,
        method: &str,
        path: &'p str,
        auth: Option<&[u8]>,
    ) -> Result<(Route<'p>, &str), Answer> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        // HEAD is served as GET (hyper sends no body), as Laravel does for GET routes.
        let routed = if method == "HEAD" { "GET" } else { method };
        let (route, user) = match (routed, segments.as_slice()) {
            ("POST", ["", "agent-api", "user", user, "dial-time-group"]) => (Route::Create, *user),
            ("GET", ["", "agent-api", "user", user, "dial-time-group"]) => (Route::List, *user),
            ("PUT", ["", "agent-api", "user", user, "dial-time-group", id]) => {
                (Route::Update(id), *user)
            }
            ("DELETE", ["", "agent-api", "user", user, "dial-time-group", id]) => {
                (Route::Delete(id), *user)
            }
            // A route of the API with another method: 405 and what it allows, as Laravel.
            (_, ["", "agent-api", "user", _, "dial-time-group"]) => {
                return Err(method_not_allowed("GET, HEAD, POST"))
            }
            (_, ["", "agent-api", "user", _, "dial-time-group", _]) => {
                return Err(method_not_allowed("PUT, DELETE"))
            }
            _ => return Err(Answer::error(404, status_message(404))),
        };
        // User ids are UUIDs, compared without regard to case; the store keys on the
        // emulator's own spelling, so every route sees the same groups.
        if !dialtime::validate::is_uuid(user) {
            return Err(Answer::error(404, status_message(404)));
        }
        // The token is checked once the route is known, as Laravel's middleware runs after
        // routing: an unknown route or another method is 404 or 405 with or without one.
        if !self.is_authorized(auth) {
            return Err(Answer::error(401, status_message(401)));
        }
        if !user.eq_ignore_ascii_case(&self.user_id) {
            return Err(Answer::error(403, "无权操作该用户"));
        }
        Ok((route, self.user_id.as_str()))
    }

    fn create(&self, user: &str, body: &[u8]) -> Answer {
        let group = match read_payload(body) {
            Ok(g) => g,
            Err(answer) => return answer,
        };
        if let Err(refused) = self.check_sub_user(group.sub_user_id.as_deref()) {
            return refused;
        }
        let saved = self.state().store.create(user, group, now_in_china());
        Answer::success("创建呼叫时间组成功", CreatedRecord::from(&saved))
    }

    /// Partial update: omitted fields keep their values; 404 for an id that is not this
    /// user's (and sub-user's) group.
    fn update(&self, user: &str, id: &str, body: &[u8]) -> Answer {
        let changes = match read_changes(body) {
            Ok(c) => c,
            Err(answer) => return answer,
        };
        if let Err(refused) = self.check_sub_user(changes.sub_user_id.as_deref()) {
            return refused;
        }
        let mut state = self.state();
        match group_id(id) {
            Some(id) => match state.store.update(user, id, changes, now_in_china()) {
                Some(g) => Answer::success("修改成功", g),
                None => Answer::error(404, "呼叫时间组不存在"),
            },
            None => Answer::error(404, "呼叫时间组不存在"),
        }
    }

    /// A page of 15, oldest first, with the platform's `meta` (`per_page` as a string, as the
    /// platform echoes it); a page past the end is empty.
    fn list(&self, user: &str, query: &str) -> Answer {
        let page = match query_param(query, "page")
            .as_deref()
            .and_then(digits::<u32>)
        {
            Some(page) if page >= 1 => page,
            _ => return validation_answer(&[Problem::new("page", "page 必须是大于 0 的整数")]),
        };
        let sub_user_id = match query_sub_user(query) {
            Ok(sub) => sub,
            Err(refused) => return refused,
        };
        if let Err(refused) = self.check_sub_user(sub_user_id.as_deref()) {
            return refused;
        }
        let state = self.state();
        let (data, total) = state.store.page(user, sub_user_id.as_deref(), page);
        Answer::json(
            200,
            &serde_json::json!({
                "code": 200,
                "status": "success",
                "message": "获取成功",
                "meta": {
                    // Laravel's `hasPages()`: on any page but the first, or more than one.
                    "has_pages": page != 1 || total > PAGE_SIZE,
                    "total": total,
                    "last_page": total.div_ceil(PAGE_SIZE).max(1),
                    "current_page": page,
                    "per_page": PAGE_SIZE.to_string(),
                },
                "data": data,
            }),
        )
    }

    fn delete(&self, user: &str, id: &str, sub_user_id: Option<&str>) -> Answer {
        let deleted =
            group_id(id).is_some_and(|id| self.state().store.delete(user, id, sub_user_id));
        if deleted {
            Answer::success("删除成功", Value::Null)
        } else {
            Answer::error(404, "呼叫时间组不存在")
        }
    }
}

/// One query parameter, decoded as PHP does (`%XX`, `+` a space); the last of repeated ones
/// wins, as in PHP (and in the request log).
fn query_param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
        .rfind(|(k, _)| crate::requests::percent_decode(k) == name)
        .map(|(_, v)| crate::requests::percent_decode(v))
}

/// The `sub_user_id` of the query: none when absent or empty (Laravel turns `""` into null),
/// a 422 naming it when it is not a UUID (as in a body).
fn query_sub_user(query: &str) -> Result<Option<String>, Answer> {
    match query_param(query, "sub_user_id") {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if dialtime::validate::is_uuid(&v) => Ok(Some(v)),
        Some(v) => Err(validation_answer(&[Problem::new(
            "sub_user_id",
            format!("must be a UUID, got {v:?}"),
        )])),
    }
}

/// A number written in digits only (Rust's parsers take a sign: `+1` was page 1).
fn digits<T: std::str::FromStr>(s: &str) -> Option<T> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A group id of the path, in digits.
fn group_id(s: &str) -> Option<i64> {
    digits(s)
}

/// 405 with the methods the route allows.
fn method_not_allowed(allow: &str) -> Answer {
    let mut answer = Answer::error(405, status_message(405));
    answer.headers.push(("allow".to_owned(), allow.to_owned()));
    answer
}

/// A body's fields as Laravel reads a JSON request: what does not decode to an object (`{bad`,
/// an empty body, `[1,2]`, `null`) has none, so the rules name the required ones (422; it was
/// a 400 the platform never sends, and a 422 keyed `$`).
fn fields(body: &[u8]) -> Value {
    match serde_json::from_slice(body) {
        Ok(object @ Value::Object(_)) => object,
        _ => Value::Object(serde_json::Map::new()),
    }
}

/// Parses and validates an update body (name required, the rest optional), tolerantly.
fn read_changes(body: &[u8]) -> Result<DialTimeGroupUpdate, Answer> {
    read_update(&fields(body), UnknownFields::Ignore).map_err(|e| validation_answer(e.problems()))
}

/// Parses and validates a create body as a tolerant server would (unknown keys ignored).
fn read_payload(body: &[u8]) -> Result<NewDialTimeGroup, Answer> {
    read_new_group(&fields(body), UnknownFields::Ignore)
        .map_err(|e| validation_answer(e.problems()))
}
