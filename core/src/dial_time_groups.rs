//! The dial-time-group resource: `client.dial_time_groups().create(…)`.
//!
//! Each method validates its arguments (all problems at once) before anything is sent.

use reqwest::Method;

use crate::client::{Client, Idempotent};
use crate::error::Result;
use crate::model::{DialTimeGroup, NewDialTimeGroup};
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
        let body = serde_json::to_vec(group).map_err(|e| crate::Error::Config {
            message: format!("cannot encode the group: {e}"),
        })?;
        let url = self
            .client
            .url(format_args!("user/{user_id}/dial-time-group"));
        let saved = self
            .client
            .call(Method::POST, url, Some(body.into()), Idempotent::No, GROUP)
            .await?;
        Ok(saved.data)
    }
}
