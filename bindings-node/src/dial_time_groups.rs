//! Mirrors `dialtime::dial_time_groups`: `client.dialTimeGroups.create(userId, group)`, `list`,
//! `listAll`, `update`, `delete`, `ensure`.

use std::sync::Arc;

use dialtime::ListParams;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::error;
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

#[napi]
impl DialTimeGroups {
    /// Saves a dial time group for `userId`. The payload is validated first (the promise
    /// rejects with `ValidationError` and nothing is sent); the call runs off the JS thread.
    #[napi(ts_args_type = "userId: string, group: NewDialTimeGroup")]
    pub fn create<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group: Unknown<'_>,
    ) -> Result<PromiseRaw<'env, DialTimeGroup>> {
        let payload = payload_json(env, group);
        let client = self.client.clone();
        // The future never fails as a napi call: the core's outcome is turned into a value or
        // an error class instance on the JS thread, where the classes live.
        env.spawn_future_with_callback(
            async move {
                let outcome =
                    match payload.and_then(|p| dialtime::validate::new_group_from_json(&p)) {
                        Ok(group) => client.dial_time_groups().create(&user_id, &group).await,
                        Err(e) => Err(e),
                    };
                Ok(outcome)
            },
            |env, outcome| {
                outcome
                    .map(DialTimeGroup::from)
                    .map_err(|e| error::to_js(env, &e))
            },
        )
    }

    /// One page of the user's groups (15 per page on the platform).
    #[napi(ts_return_type = "Promise<Page>")]
    pub fn list<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        options: Option<ListOptions>,
    ) -> Result<PromiseRaw<'env, Page>> {
        let o = options.unwrap_or_default();
        let params = ListParams {
            page: o.page.unwrap_or(1),
            sub_user_id: o.sub_user_id,
        };
        let client = self.client.clone();
        env.spawn_future_with_callback(
            async move { Ok(client.dial_time_groups().list(&user_id, &params).await) },
            |env, outcome| outcome.map(Page::from).map_err(|e| error::to_js(env, &e)),
        )
    }

    /// Every group of the user, page by page as the iteration needs them:
    /// `for await (const group of client.dialTimeGroups.listAll(userId)) …`.
    #[napi(ts_return_type = "AsyncIterable<DialTimeGroup> & GroupCursor")]
    pub fn list_all(&self, user_id: String, options: Option<ScopeOptions>) -> GroupCursor {
        let sub = options.unwrap_or_default().sub_user_id;
        let walk = self
            .client
            .dial_time_groups()
            .pages(&user_id, sub.as_deref());
        GroupCursor(Arc::new(tokio::sync::Mutex::new(walk)))
    }

    /// Changes a group: `name` always, every other field only when set.
    #[napi(ts_args_type = "userId: string, groupId: number, changes: DialTimeGroupUpdate")]
    pub fn update<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group_id: i64,
        changes: Unknown<'_>,
    ) -> Result<PromiseRaw<'env, DialTimeGroup>> {
        let payload = payload_json(env, changes);
        let client = self.client.clone();
        env.spawn_future_with_callback(
            async move {
                let outcome = match payload.and_then(|p| dialtime::validate::update_from_json(&p)) {
                    Ok(changes) => {
                        client
                            .dial_time_groups()
                            .update(&user_id, group_id, &changes)
                            .await
                    }
                    Err(e) => Err(e),
                };
                Ok(outcome)
            },
            |env, outcome| {
                outcome
                    .map(DialTimeGroup::from)
                    .map_err(|e| error::to_js(env, &e))
            },
        )
    }

    /// Deletes a group; rejects with `NotFoundError` when it does not exist (in that scope).
    #[napi(ts_return_type = "Promise<void>")]
    pub fn delete<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group_id: i64,
        options: Option<ScopeOptions>,
    ) -> Result<PromiseRaw<'env, ()>> {
        let sub = options.unwrap_or_default().sub_user_id;
        let client = self.client.clone();
        env.spawn_future_with_callback(
            async move {
                Ok(client
                    .dial_time_groups()
                    .delete(&user_id, group_id, sub.as_deref())
                    .await)
            },
            |env, outcome| outcome.map_err(|e| error::to_js(env, &e)),
        )
    }

    /// Makes the group named `group.name` be exactly `group`: created, updated, or unchanged.
    #[napi(
        ts_args_type = "userId: string, group: NewDialTimeGroup",
        ts_return_type = "Promise<EnsureResult>"
    )]
    pub fn ensure<'env>(
        &self,
        env: &'env Env,
        user_id: String,
        group: Unknown<'_>,
    ) -> Result<PromiseRaw<'env, EnsureResult>> {
        let payload = payload_json(env, group);
        let client = self.client.clone();
        env.spawn_future_with_callback(
            async move {
                let outcome =
                    match payload.and_then(|p| dialtime::validate::new_group_from_json(&p)) {
                        Ok(group) => client.dial_time_groups().ensure(&user_id, &group).await,
                        Err(e) => Err(e),
                    };
                Ok(outcome)
            },
            |env, outcome| {
                outcome
                    .map(|(group, outcome)| EnsureResult {
                        group: DialTimeGroup::from(group),
                        outcome: outcome.as_str().to_owned(),
                    })
                    .map_err(|e| error::to_js(env, &e))
            },
        )
    }
}

/// The walk `listAll` returns; async-iterable (`for await`). `nextGroup()` resolves to the
/// next group, or `null` at the end.
#[napi]
pub struct GroupCursor(Arc<tokio::sync::Mutex<dialtime::dial_time_groups::ListAll>>);

#[napi]
impl GroupCursor {
    #[napi(ts_return_type = "Promise<DialTimeGroup | null>")]
    pub fn next_group<'env>(
        &self,
        env: &'env Env,
    ) -> Result<PromiseRaw<'env, Option<DialTimeGroup>>> {
        let walk = self.0.clone();
        env.spawn_future_with_callback(
            async move { Ok(walk.lock().await.next().await) },
            |env, next| match next {
                Some(Ok(group)) => Ok(Some(DialTimeGroup::from(group))),
                Some(Err(e)) => Err(error::to_js(env, &e)),
                None => Ok(None),
            },
        )
    }
}
