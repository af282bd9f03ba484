//! The blocking client: a facade that drives the async [`Client`] on the shared runtime
//! that dialtime starts lazily (one per process, fork-safe). Same surface, same errors.

use std::fmt;

use crate::client::config::ClientBuilder;
use crate::client::Client;
use crate::error::Result;
use crate::model::{
    DialTimeGroup, DialTimeGroupUpdate, ListParams, NewDialTimeGroup, Outcome, Page,
};
use crate::runtime::block_on;

/// The blocking client. Cheap to clone; safe to share between threads.
#[derive(Clone)]
pub struct BlockingClient {
    inner: Client,
}

impl BlockingClient {
    /// A client configured from `DIALTIME_TOKEN` and `DIALTIME_BASE_URL`.
    pub fn new() -> Result<BlockingClient> {
        ClientBuilder::new().build_blocking()
    }

    /// A [`ClientBuilder`]; finish it with [`ClientBuilder::build_blocking`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The dial-time-group resource.
    pub fn dial_time_groups(&self) -> DialTimeGroups<'_> {
        DialTimeGroups {
            client: &self.inner,
        }
    }

    /// A copy with per-call settings (see [`Client::with_options`]).
    pub fn with_options(&self, options: &crate::RequestOptions) -> Result<BlockingClient> {
        Ok(self.inner.with_options(options)?.into())
    }

    /// A copy whose successful calls leave their answer in `recorder` (see
    /// [`Client::recording`]).
    pub fn recording(&self, recorder: &crate::ResponseRecorder) -> BlockingClient {
        self.inner.recording(recorder).into()
    }

    /// The async client this one drives.
    pub fn as_async(&self) -> &Client {
        &self.inner
    }
}

impl From<Client> for BlockingClient {
    fn from(inner: Client) -> Self {
        Self { inner }
    }
}

impl fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BlockingClient").field(&self.inner).finish()
    }
}

/// The dial-time-group endpoints, blocking. Mirrors [`crate::DialTimeGroups`]: each call
/// checks its arguments on the caller's thread, then runs the owned exchange on dialtime's
/// runtime and waits for it.
#[derive(Debug, Clone, Copy)]
pub struct DialTimeGroups<'c> {
    client: &'c Client,
}

impl DialTimeGroups<'_> {
    fn groups(&self) -> crate::DialTimeGroups<'_> {
        self.client.dial_time_groups()
    }

    /// See [`crate::DialTimeGroups::create`].
    pub fn create(&self, user_id: &str, group: &NewDialTimeGroup) -> Result<DialTimeGroup> {
        block_on(self.groups().create_exchange(user_id, group)?)?
    }

    /// See [`crate::DialTimeGroups::update`].
    pub fn update(
        &self,
        user_id: &str,
        group_id: i64,
        changes: &DialTimeGroupUpdate,
    ) -> Result<DialTimeGroup> {
        block_on(self.groups().update_exchange(user_id, group_id, changes)?)?
    }

    /// See [`crate::DialTimeGroups::list`].
    pub fn list(&self, user_id: &str, params: &ListParams) -> Result<Page<DialTimeGroup>> {
        block_on(self.groups().list_exchange(user_id, params)?)?
    }

    /// Every group, page after page, as an iterator (see [`crate::DialTimeGroups::list_all`]):
    /// the next page is fetched only when the previous one is used up.
    pub fn list_all(&self, user_id: &str, sub_user_id: Option<&str>) -> GroupCursor {
        GroupCursor {
            walk: Some(self.groups().cursor(user_id, sub_user_id)),
        }
    }

    /// See [`crate::DialTimeGroups::ensure`].
    pub fn ensure(
        &self,
        user_id: &str,
        group: &NewDialTimeGroup,
    ) -> Result<(DialTimeGroup, Outcome)> {
        block_on(self.groups().ensure_exchange(user_id, group)?)?
    }

    /// See [`crate::DialTimeGroups::delete`].
    pub fn delete(&self, user_id: &str, group_id: i64, sub_user_id: Option<&str>) -> Result<()> {
        block_on(
            self.groups()
                .delete_exchange(user_id, group_id, sub_user_id)?,
        )?
    }
}

/// The iterator of [`DialTimeGroups::list_all`]: `Result<DialTimeGroup>` items; after an error
/// it ends. Owns a handle on the client.
pub struct GroupCursor {
    /// The walk, away on the runtime while a page is fetched; `None` once it is over.
    walk: Option<crate::GroupCursor>,
}

impl Iterator for GroupCursor {
    type Item = Result<DialTimeGroup>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut walk = self.walk.take()?;
        let item = match block_on(async move {
            let item = walk.next().await;
            (walk, item)
        }) {
            Ok((walk, item)) => {
                if matches!(item, Some(Ok(_))) {
                    self.walk = Some(walk);
                }
                item
            }
            // Refused to block (inside a runtime): reported once, then the walk is over.
            Err(e) => Some(Err(e)),
        };
        item
    }
}

impl std::iter::FusedIterator for GroupCursor {}
