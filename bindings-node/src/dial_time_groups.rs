//! Mirrors `dialtime::dial_time_groups`: `client.dialTimeGroups.create(userId, group)`, `list`,
//! `listAll`, `update`, `delete`, `ensure`.

use std::sync::Arc;

use dialtime::__private::{page_number, quick_new_group, quick_update, whole_number};
use dialtime::ListParams;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::call::{promise, promise_with_signal};
use crate::error::OrThrow;
use crate::log::LoggerRef;
use crate::model::{DialTimeGroup, EnsureResult, ListOptions, Page, ScopeOptions};
use crate::options::{self, per_call, RequestOptions, REQUEST_OPTIONS};
use crate::refs::RawRef;
use crate::validate::read_payload;

/// `client.dialTimeGroups`.
#[napi]
pub struct DialTimeGroups {
    client: dialtime::Client,
    /// The client's `logger` option: kept by this object's JavaScript side, and by each call
    /// until it settles.
    logger: Option<LoggerRef>,
}

impl DialTimeGroups {
    pub(crate) fn new(client: dialtime::Client, logger: Option<LoggerRef>) -> Self {
        Self { client, logger }
    }

    /// A payload read by the core's rules (`read`), its problems without the token: a field
    /// given the token by mistake (`sub_user_id`) is quoted in the problem.
    fn payload<T>(
        &self,
        env: &Env,
        value: Unknown<'_>,
        quick: fn(&str) -> Option<T>,
        read: fn(&serde_json::Value) -> dialtime::Result<T>,
    ) -> dialtime::Result<T> {
        read_payload(env, value, quick, |p| read(&p)).map_err(|e| self.client.token().scrub(e))
    }

    /// As a JavaScript object that keeps the logger (see `js::keep`).
    pub(crate) fn into_kept_instance(self, env: &Env) -> Result<ClassInstance<'_, Self>> {
        let logger = self.logger.clone();
        let instance = self.into_instance(env)?;
        if let Some(l) = logger {
            let object = l.value(env);
            if !object.is_null() {
                crate::js::keep(env, instance.value, &[object])?;
            }
        }
        Ok(instance)
    }

    /// What keeps this object's logger alive until a call settles.
    fn keep_for_call(&self, env: &Env) -> Option<RawRef> {
        crate::log::for_call(env, self.logger.as_ref())
    }
}

/// The keys of `ListOptions` and `ScopeOptions`.
const LIST_OPTIONS: [&str; 7] = [
    "page",
    "subUserId",
    "timeoutMs",
    "deadlineMs",
    "maxRetries",
    "signal",
    "recorder",
];
const SCOPE_OPTIONS: [&str; 6] = [
    "subUserId",
    "timeoutMs",
    "deadlineMs",
    "maxRetries",
    "signal",
    "recorder",
];

/// The client for one call with its `RequestOptions` (the last argument): a `TypeError` now
/// for an unknown key; an out-of-range value rejects the promise like any argument error.
fn request_options<'v>(
    env: &Env,
    client: &dialtime::Client,
    options: Option<Unknown<'v>>,
) -> Result<(dialtime::Result<dialtime::Client>, Option<Object<'v>>)> {
    let (o, signal, recorder) = options::read_with_signal::<RequestOptions>(
        env,
        options,
        &REQUEST_OPTIONS,
        "the request options",
    )?;
    Ok((
        options::recording(o.unwrap_or_default().apply(client), recorder),
        signal,
    ))
}

/// A JavaScript number as a group id (an integer, checked by the core's rules).
fn group_id(id: f64) -> dialtime::Result<i64> {
    whole_number("group_id", id)
}

#[napi]
impl DialTimeGroups {
    /// Saves a dial time group for `userId`. The payload is validated first (the promise
    /// rejects with `ValidationError` and nothing is sent); the call runs off the JS thread.
    #[napi(
        catch_unwind,
        ts_args_type = "userId: string, group: NewDialTimeGroup, options?: RequestOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null"
    )]
    pub fn create<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown<'_>,
        group: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, DialTimeGroup>> {
        let user_id = options::string_arg(env, user_id, "userId")?;
        let group = options::object_arg(env, group, "group")?;
        let (client, signal) = request_options(env, &self.client, options)?;
        let group = self.payload(
            env,
            group,
            quick_new_group,
            dialtime::validate::new_group_from_json,
        );
        promise_with_signal(
            env,
            signal,
            self.keep_for_call(env),
            async move { client?.dial_time_groups().create(&user_id, &group?).await },
            DialTimeGroup::from,
        )
    }

    /// One page of the user's groups (15 per page on the platform).
    #[napi(
        catch_unwind,
        ts_args_type = "userId: string, options?: ListOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null",
        ts_return_type = "Promise<Page>"
    )]
    pub fn list<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, Page>> {
        let user_id = options::string_arg(env, user_id, "userId")?;
        let (o, signal, recorder) = options::read_with_signal::<ListOptions>(
            env,
            options,
            &LIST_OPTIONS,
            "the list options",
        )?;
        let o = o.unwrap_or_default();
        let page = o
            .page
            .map_or(Ok(1), |p| whole_number("page", p).and_then(page_number));
        let client = options::recording(
            per_call(&self.client, o.timeout_ms, o.deadline_ms, o.max_retries),
            recorder,
        );
        promise_with_signal(
            env,
            signal,
            self.keep_for_call(env),
            async move {
                let params = ListParams {
                    page: page?,
                    sub_user_id: o.sub_user_id,
                };
                client?.dial_time_groups().list(&user_id, &params).await
            },
            Page::from,
        )
    }

    /// Every group of the user, page by page as the iteration needs them:
    /// `for await (const group of client.dialTimeGroups.listAll(userId)) …`.
    #[napi(
        catch_unwind,
        ts_args_type = "userId: string, options?: ScopeOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null",
        ts_return_type = "AsyncIterable<DialTimeGroup> & GroupCursor"
    )]
    pub fn list_all<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<ClassInstance<'env, GroupCursor>> {
        let user_id = options::string_arg(env, user_id, "userId")?;
        let (o, signal, recorder) = options::read_with_signal::<ScopeOptions>(
            env,
            options,
            &SCOPE_OPTIONS,
            "the listAll options",
        )?;
        let o = o.unwrap_or_default();
        let client = options::recording(
            per_call(&self.client, o.timeout_ms, o.deadline_ms, o.max_retries),
            recorder,
        )
        .or_throw(env)?;
        let walk = client
            .dial_time_groups()
            .cursor(&user_id, o.sub_user_id.as_deref());
        let cursor = GroupCursor {
            walk: Arc::new(tokio::sync::Mutex::new(walk)),
            signal: match &signal {
                Some(s) => Some(RawRef::weak(env, s.raw())?),
                None => None,
            },
            logger: self.logger.clone(),
        };
        // The cursor keeps its signal and logger, V8 seeing through it (see `js::keep`).
        let mut kept = Vec::with_capacity(2);
        if let Some(s) = &signal {
            kept.push(s.raw());
        }
        if let Some(l) = &self.logger {
            let object = l.value(env);
            if !object.is_null() {
                kept.push(object);
            }
        }
        let instance = cursor.into_instance(env)?;
        if !kept.is_empty() {
            crate::js::keep(env, instance.value, &kept)?;
        }
        Ok(instance)
    }

    /// Changes a group: `name` always, every other field only when set.
    #[napi(
        catch_unwind,
        ts_args_type = "userId: string, groupId: number, changes: DialTimeGroupUpdate, options?: RequestOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null"
    )]
    pub fn update<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown<'_>,
        group_id_arg: Unknown<'_>,
        changes: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, DialTimeGroup>> {
        let user_id = options::string_arg(env, user_id, "userId")?;
        let group_id_arg = options::number_arg(env, group_id_arg, "groupId")?;
        let changes = options::object_arg(env, changes, "changes")?;
        let (client, signal) = request_options(env, &self.client, options)?;
        let id = group_id(group_id_arg);
        let changes = self.payload(
            env,
            changes,
            quick_update,
            dialtime::validate::update_from_json,
        );
        promise_with_signal(
            env,
            signal,
            self.keep_for_call(env),
            async move {
                let (id, changes) = (id?, changes?);
                client?
                    .dial_time_groups()
                    .update(&user_id, id, &changes)
                    .await
            },
            DialTimeGroup::from,
        )
    }

    /// Deletes a group; rejects with `NotFoundError` when it does not exist (in that scope).
    #[napi(
        catch_unwind,
        ts_args_type = "userId: string, groupId: number, options?: ScopeOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null",
        ts_return_type = "Promise<void>"
    )]
    pub fn delete<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown<'_>,
        group_id_arg: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, ()>> {
        let user_id = options::string_arg(env, user_id, "userId")?;
        let group_id_arg = options::number_arg(env, group_id_arg, "groupId")?;
        let (o, signal, recorder) = options::read_with_signal::<ScopeOptions>(
            env,
            options,
            &SCOPE_OPTIONS,
            "the delete options",
        )?;
        let o = o.unwrap_or_default();
        let id = group_id(group_id_arg);
        let sub = o.sub_user_id;
        let client = options::recording(
            per_call(&self.client, o.timeout_ms, o.deadline_ms, o.max_retries),
            recorder,
        );
        promise_with_signal(
            env,
            signal,
            self.keep_for_call(env),
            async move {
                client?
                    .dial_time_groups()
                    .delete(&user_id, id?, sub.as_deref())
                    .await
            },
            |()| (),
        )
    }

    /// Makes the group named `group.name` be exactly `group`: created, updated, or unchanged.
    #[napi(
        catch_unwind,
        ts_args_type = "userId: string, group: NewDialTimeGroup, options?: RequestOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null",
        ts_return_type = "Promise<EnsureResult>"
    )]
    pub fn ensure<'env>(
        &self,
        env: &'env Env,
        user_id: Unknown<'_>,
        group: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<PromiseRaw<'env, EnsureResult>> {
        let user_id = options::string_arg(env, user_id, "userId")?;
        let group = options::object_arg(env, group, "group")?;
        let (client, signal) = request_options(env, &self.client, options)?;
        let group = self.payload(
            env,
            group,
            quick_new_group,
            dialtime::validate::new_group_from_json,
        );
        promise_with_signal(
            env,
            signal,
            self.keep_for_call(env),
            async move { client?.dial_time_groups().ensure(&user_id, &group?).await },
            |(group, outcome)| EnsureResult {
                group: DialTimeGroup::from(group),
                outcome: outcome.as_str().to_owned(),
            },
        )
    }
}

/// The walk `listAll` returns; async-iterable (`for await`). `nextGroup()` resolves to the
/// next group, or `null` at the end. After a rejection the walk is over (later calls resolve
/// to `null`): start a new `listAll` to try again. A `signal` given to `listAll` cancels every
/// page fetch of the walk once aborted.
#[napi(custom_finalize)]
pub struct GroupCursor {
    walk: Arc<tokio::sync::Mutex<dialtime::GroupCursor>>,
    /// The `AbortSignal` of `listAll`, referred to weakly: the cursor's JavaScript object
    /// keeps it (see `js::keep`).
    signal: Option<RawRef>,
    /// The client's `logger` option, kept the same way.
    logger: Option<LoggerRef>,
}

impl ObjectFinalize for GroupCursor {
    fn finalize(self, env: Env) -> Result<()> {
        if let Some(signal) = self.signal {
            signal.delete(&env);
        }
        Ok(())
    }
}

#[napi]
impl GroupCursor {
    #[napi(catch_unwind, ts_return_type = "Promise<DialTimeGroup | null>")]
    pub fn next_group<'env>(
        &self,
        env: &'env Env,
    ) -> Result<PromiseRaw<'env, Option<DialTimeGroup>>> {
        let walk = self.walk.clone();
        // The signal lives while the cursor does (this call's `this` keeps it).
        let signal = match self.signal.as_ref().map(|r| r.value(env)) {
            Some(v) if !v.is_null() => Some(unsafe { Object::from_napi_value(env.raw(), v) }?),
            _ => None,
        };
        promise_with_signal(
            env,
            signal,
            crate::log::for_call(env, self.logger.as_ref()),
            async move { walk.lock().await.next().await.transpose() },
            |next| next.map(DialTimeGroup::from),
        )
    }
}

/// For the panic-boundary tests only: panics on the JS thread (`where = "sync"`) or inside
/// the async work (`"async"`), so a test can show a panic becomes a `DialtimeError`.
#[doc(hidden)]
#[napi(catch_unwind, js_name = "__panicForTests", skip_typescript)]
pub fn panic_for_tests<'env>(env: &'env Env, place: String) -> Result<PromiseRaw<'env, ()>> {
    crate::call::guard(env, || {
        #[allow(clippy::panic)]
        if place == "sync" {
            panic!("dialtime: test panic on the JS thread");
        }
        Ok(())
    })?;
    promise(
        env,
        async move {
            #[allow(clippy::panic)]
            if place == "async" {
                panic!("dialtime: test panic in the async work");
            }
            Ok(())
        },
        #[allow(clippy::panic)]
        |()| panic!("dialtime: test panic while converting the result"),
    )
}
