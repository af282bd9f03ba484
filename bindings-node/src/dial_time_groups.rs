//! Mirrors `dialtime::dial_time_groups`: `client.dialTimeGroups.create(userId, group)`, `list`,
//! `listAll`, `update`, `delete`, `ensure`.

use std::sync::Arc;

use dialtime::__private::{page_number, whole_number};
use dialtime::ListParams;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::call::promise;
use crate::model::{DialTimeGroup, EnsureResult, ListOptions, Page, ScopeOptions};
use crate::validate::payload_json;

/// `client.dialTimeGroups`.
#[napi]
pub struct DialTimeGroups {
    client: dialtime::Client,
}

impl DialTimeGroups {
    pub(crate) fn new(client: dialtime::Client) -> Self {
        Self { client }
    }
}

/// A JavaScript number as a group id (an integer, checked by the core's rules).
fn group_id(id: f64) -> dialtime::Result<i64> {
    whole_number("group_id", id)
}

#[napi]
impl DialTimeGroups {
    /// Saves a dial time group for `userId`. The payload is validated first (the promise
    /// rejects with `ValidationError` and nothing is sent); the call runs off the JS thread.
    #[napi(catch_unwind, ts_args_type = "userId: string, group: NewDialTimeGroup")]
    pub fn create<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group: Unknown<'_>,
    ) -> Result<PromiseRaw<'env, DialTimeGroup>> {
        let group =
            payload_json(env, group).and_then(|p| dialtime::validate::new_group_from_json(&p));
        let client = self.client.clone();
        promise(
            env,
            async move { client.dial_time_groups().create(&user_id, &group?).await },
            DialTimeGroup::from,
        )
    }

    /// One page of the user's groups (15 per page on the platform).
    #[napi(catch_unwind, ts_return_type = "Promise<Page>")]
    pub fn list<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        options: Option<ListOptions>,
    ) -> Result<PromiseRaw<'env, Page>> {
        let o = options.unwrap_or_default();
        let page = o
            .page
            .map_or(Ok(1), |p| whole_number("page", p).and_then(page_number));
        let client = self.client.clone();
        promise(
            env,
            async move {
                let params = ListParams {
                    page: page?,
                    sub_user_id: o.sub_user_id,
                };
                client.dial_time_groups().list(&user_id, &params).await
            },
            Page::from,
        )
    }

    /// Every group of the user, page by page as the iteration needs them:
    /// `for await (const group of client.dialTimeGroups.listAll(userId)) …`.
    #[napi(
        catch_unwind,
        ts_return_type = "AsyncIterable<DialTimeGroup> & GroupCursor"
    )]
    pub fn list_all(&self, user_id: String, options: Option<ScopeOptions>) -> GroupCursor {
        let sub = options.unwrap_or_default().sub_user_id;
        let walk = self
            .client
            .dial_time_groups()
            .cursor(&user_id, sub.as_deref());
        GroupCursor(Arc::new(tokio::sync::Mutex::new(walk)))
    }

    /// Changes a group: `name` always, every other field only when set.
    #[napi(
        catch_unwind,
        ts_args_type = "userId: string, groupId: number, changes: DialTimeGroupUpdate"
    )]
    pub fn update<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group_id_arg: f64,
        changes: Unknown<'_>,
    ) -> Result<PromiseRaw<'env, DialTimeGroup>> {
        let id = group_id(group_id_arg);
        let changes =
            payload_json(env, changes).and_then(|p| dialtime::validate::update_from_json(&p));
        let client = self.client.clone();
        promise(
            env,
            async move {
                let (id, changes) = (id?, changes?);
                client
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
        ts_args_type = "userId: string, groupId: number, options?: ScopeOptions | undefined | null",
        ts_return_type = "Promise<void>"
    )]
    pub fn delete<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group_id_arg: f64,
        options: Option<ScopeOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        let id = group_id(group_id_arg);
        let sub = options.unwrap_or_default().sub_user_id;
        let client = self.client.clone();
        promise(
            env,
            async move {
                client
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
        ts_args_type = "userId: string, group: NewDialTimeGroup",
        ts_return_type = "Promise<EnsureResult>"
    )]
    pub fn ensure<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group: Unknown<'_>,
    ) -> Result<PromiseRaw<'env, EnsureResult>> {
        let group =
            payload_json(env, group).and_then(|p| dialtime::validate::new_group_from_json(&p));
        let client = self.client.clone();
        promise(
            env,
            async move { client.dial_time_groups().ensure(&user_id, &group?).await },
            |(group, outcome)| EnsureResult {
                group: DialTimeGroup::from(group),
                outcome: outcome.as_str().to_owned(),
            },
        )
    }
}

/// The walk `listAll` returns; async-iterable (`for await`). `nextGroup()` resolves to the
/// next group, or `null` at the end.
#[napi]
pub struct GroupCursor(Arc<tokio::sync::Mutex<dialtime::GroupCursor>>);

#[napi]
impl GroupCursor {
    #[napi(catch_unwind, ts_return_type = "Promise<DialTimeGroup | null>")]
    pub fn next_group<'env>(
        &self,
        env: &'env Env,
    ) -> Result<PromiseRaw<'env, Option<DialTimeGroup>>> {
        let walk = self.0.clone();
        promise(
            env,
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
