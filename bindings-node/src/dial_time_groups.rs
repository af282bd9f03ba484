//! Mirrors `dialtime::dial_time_groups`: `client.dialTimeGroups.create(userId, group)`.

use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::error;
use crate::model::DialTimeGroup;
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
}
