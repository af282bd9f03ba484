//! The dial-time-group resource: `client.dial_time_groups().create(…)`.
//!
//! Each method validates its arguments (all problems at once) before anything is sent.

use reqwest::Method;

use crate::client::{Client, Idempotent};
use crate::error::Result;
use crate::model::{DialTimeGroup, DialTimeGroupUpdate, NewDialTimeGroup};
use crate::validate::Checker;

/// What `data` holds in the answers of this resource, for error messages.
const GROUP: &str = "a dial time group in `data`";

/// The dial-time-group endpoints of one [`Client`].
#[derive(Debug, Clone, Copy)]
pub struct DialTimeGroups<'c> {
    client: &'c Client,
}

impl<'c> DialTimeGroups<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Saves a new group for `user_id` (`POST /agent-api/user/{user_id}/dial-time-group`).
    ///
    /// Never retried once the request may have reached the server (the platform has no
    /// idempotency key, so a retry could save the group twice).
    pub async fn create(&self, user_id: &str, group: &NewDialTimeGroup) -> Result<DialTimeGroup> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.new_group(group);
        check.finish()?;
        let body = encode(group)?;
        let url = self
            .client
            .url(format_args!("user/{user_id}/dial-time-group"));
        let saved = self
            .client
            .call(Method::POST, url, Some(body.into()), Idempotent::No, GROUP)
            .await?;
        Ok(saved.data)
    }

    /// Changes a saved group (`PUT /agent-api/user/{user_id}/dial-time-group/{group_id}`);
    /// fields left unset in `changes` keep their values. Returns the whole updated group.
    /// Safe to retry (the same update twice has the effect of one).
    pub async fn update(
        &self,
        user_id: &str,
        group_id: i64,
        changes: &DialTimeGroupUpdate,
    ) -> Result<DialTimeGroup> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.group_id(group_id);
        check.update(changes);
        check.finish()?;
        let url = self
            .client
            .url(format_args!("user/{user_id}/dial-time-group/{group_id}"));
        let saved = self
            .client
            .call(
                Method::PUT,
                url,
                Some(encode(changes)?.into()),
                Idempotent::Yes,
                GROUP,
            )
            .await?;
        Ok(saved.data)
    }

    /// Deletes a group (`DELETE /agent-api/user/{user_id}/dial-time-group/{group_id}`), of the
    /// sub-account `sub_user_id` when given (sent in the query). An unknown id is `NotFound`.
    pub async fn delete(
        &self,
        user_id: &str,
        group_id: i64,
        sub_user_id: Option<&str>,
    ) -> Result<()> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.group_id(group_id);
        if let Some(id) = sub_user_id {
            check.uuid("sub_user_id", id);
        }
        check.finish()?;
        // Both ids are checked UUIDs: safe in a path and a query without escaping.
        let url = match sub_user_id {
            Some(sub) => self.client.url(format_args!(
                "user/{user_id}/dial-time-group/{group_id}?sub_user_id={sub}"
            )),
            None => self
                .client
                .url(format_args!("user/{user_id}/dial-time-group/{group_id}")),
        };
        self.client
            .call::<serde::de::IgnoredAny>(Method::DELETE, url, None, Idempotent::Yes, "any `data`")
            .await?;
        Ok(())
    }
}

fn encode<T: serde::Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|e| crate::Error::Config {
        message: format!("cannot encode the request: {e}"),
    })
}
