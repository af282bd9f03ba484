//! The dial-time-group resource: `client.dial_time_groups().create(…)`.
//!
//! Each method validates its arguments (all problems at once) before anything is sent, then
//! runs an owned exchange (a `'static` future holding a handle on the client): awaited here,
//! or run on dialtime's runtime by the blocking client.

use std::future::Future;

use futures_util::Stream;
use reqwest::Method;

use crate::client::response::Success;
use crate::client::{Client, Idempotent};
use crate::error::Result;
use crate::model::page::{decode_error, Incomplete, Pager};
use crate::model::{
    DialTimeGroup, DialTimeGroupUpdate, ListParams, NewDialTimeGroup, Outcome, Page,
};
use crate::validate::Checker;

/// What `data` holds in the answers of this resource, for error messages.
const GROUP: &str = "a dial time group in `data`";
/// What `data` holds in a list answer, for error messages.
const GROUPS: &str = "a list of dial time groups in `data`";

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
        self.create_exchange(user_id, group)?.await
    }

    pub(crate) fn create_exchange(
        &self,
        user_id: &str,
        group: &NewDialTimeGroup,
    ) -> Result<impl Future<Output = Result<DialTimeGroup>> + Send + 'static> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.new_group(group);
        self.client.checked(check)?;
        let body = encode(group)?;
        let url = self
            .client
            .url(format_args!("user/{user_id}/dial-time-group"));
        let client = self.client.clone();
        Ok(async move {
            let saved = client
                .call(Method::POST, url, Some(body.into()), Idempotent::No, GROUP)
                .await?;
            Ok(saved.data)
        })
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
        self.update_exchange(user_id, group_id, changes)?.await
    }

    pub(crate) fn update_exchange(
        &self,
        user_id: &str,
        group_id: i64,
        changes: &DialTimeGroupUpdate,
    ) -> Result<impl Future<Output = Result<DialTimeGroup>> + Send + 'static> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.group_id(group_id);
        check.update(changes);
        self.client.checked(check)?;
        let body = encode(changes)?;
        let url = self
            .client
            .url(format_args!("user/{user_id}/dial-time-group/{group_id}"));
        let client = self.client.clone();
        Ok(async move {
            let saved = client
                .call(Method::PUT, url, Some(body.into()), Idempotent::Yes, GROUP)
                .await?;
            Ok(saved.data)
        })
    }

    /// Deletes a group (`DELETE /agent-api/user/{user_id}/dial-time-group/{group_id}`), of the
    /// sub-account `sub_user_id` when given (sent in the query). An unknown id is `NotFound`.
    ///
    /// Retried like a read. A retry answered 404 after an attempt that may have reached the
    /// server without an answer (a timeout, a broken connection, a gateway's 502 or 504) is
    /// success: that attempt deleted it. Any 2xx without the `{code, status}` envelope (an
    /// empty `204`, `{"message": "…"}`) is success too: the platform does not document the
    /// answer.
    pub async fn delete(
        &self,
        user_id: &str,
        group_id: i64,
        sub_user_id: Option<&str>,
    ) -> Result<()> {
        self.delete_exchange(user_id, group_id, sub_user_id)?.await
    }

    pub(crate) fn delete_exchange(
        &self,
        user_id: &str,
        group_id: i64,
        sub_user_id: Option<&str>,
    ) -> Result<impl Future<Output = Result<()>> + Send + 'static> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.group_id(group_id);
        if let Some(id) = sub_user_id {
            check.uuid("sub_user_id", id);
        }
        self.client.checked(check)?;
        // Both ids are checked UUIDs: safe in a path and a query without escaping.
        let url = match sub_user_id {
            Some(sub) => self.client.url(format_args!(
                "user/{user_id}/dial-time-group/{group_id}?sub_user_id={sub}"
            )),
            None => self
                .client
                .url(format_args!("user/{user_id}/dial-time-group/{group_id}")),
        };
        let client = self.client.clone();
        Ok(async move {
            client
                .call::<serde::de::IgnoredAny>(
                    Method::DELETE,
                    url,
                    None,
                    Idempotent::Removal,
                    "any `data`",
                )
                .await?;
            Ok(())
        })
    }

    /// One page of the user's groups (`GET /agent-api/user/{user_id}/dial-time-group?page=N`),
    /// of the sub-account `params.sub_user_id` when given. Read from every list shape the
    /// platform uses (with or without `meta`).
    pub async fn list(&self, user_id: &str, params: &ListParams) -> Result<Page<DialTimeGroup>> {
        self.list_exchange(user_id, params)?.await
    }

    pub(crate) fn list_exchange(
        &self,
        user_id: &str,
        params: &ListParams,
    ) -> Result<impl Future<Output = Result<Page<DialTimeGroup>>> + Send + 'static> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.page(params.page);
        if let Some(id) = &params.sub_user_id {
            check.uuid("sub_user_id", id);
        }
        self.client.checked(check)?;
        let page = params.page;
        // Checked UUIDs and a number: safe in a URL without escaping.
        let url = match &params.sub_user_id {
            Some(sub) => self.client.url(format_args!(
                "user/{user_id}/dial-time-group?page={page}&sub_user_id={sub}"
            )),
            None => self
                .client
                .url(format_args!("user/{user_id}/dial-time-group?page={page}")),
        };
        let client = self.client.clone();
        Ok(async move {
            let read = |answer: Success<Vec<DialTimeGroup>>| {
                let meta = answer.meta.as_deref();
                Page::read(answer.data, meta, page).map_err(|detail| {
                    decode_error(detail, meta.map_or("", |m| m.get()), client.secret())
                })
            };
            client
                .call_then(Method::GET, url, None, Idempotent::Yes, GROUPS, read)
                .await
        })
    }

    /// Every group of the user (or of `sub_user_id`), page after page, fetching the next page
    /// only when the previous one is used up. Never yields a group twice; ends with a
    /// `Decode` error when the platform's `meta.total` counts more groups than its pages
    /// held, or changes between pages (a group added or deleted during the walk shifts the
    /// pages after it: an incomplete list, what `ensure` acts on). A page of nothing
    /// new is walked past while the platform's `meta` names later pages (up to
    /// [`MAX_LIST_PAGES`]) and ends the stream without `meta`; an answer for another page
    /// than asked ends it with a `Decode` error. The stream owns what it needs (`'static`).
    /// The client's timeout, deadline and retries apply to each page's fetch (the caller
    /// drives the walk and may take its time between pages).
    pub fn list_all(
        &self,
        user_id: &str,
        sub_user_id: Option<&str>,
    ) -> impl Stream<Item = Result<DialTimeGroup>> + Send + 'static {
        futures_util::stream::unfold(self.cursor(user_id, sub_user_id), |mut pages| async move {
            pages.next().await.map(|item| (item, pages))
        })
    }

    /// The same walk as [`Self::list_all`] as an owned cursor with `next().await`, for code
    /// (and bindings) that drive it by hand.
    pub fn cursor(&self, user_id: &str, sub_user_id: Option<&str>) -> GroupCursor {
        GroupCursor {
            client: self.client.clone(),
            user_id: user_id.to_owned(),
            sub_user_id: sub_user_id.map(str::to_owned),
            pager: Pager::new(),
            bytes: 0,
        }
    }

    /// Makes it so: the group named `group.name` in the (user, sub-user) scope becomes
    /// `group`. Creates it when absent, updates it when it differs (flags, or the schedule —
    /// the order of days and ranges does not count), and sends nothing when it already
    /// matches. Running it twice never creates a second group; `ensure`s of one group running
    /// at once in this process (any client of the same base URL) take turns. Other processes
    /// are not coordinated with: the platform has no conditional write. Two groups already
    /// sharing the name is a `Validation` error naming both ids. The deadline bounds the whole
    /// operation (the walk of the list, the write and any wait for its turn).
    pub async fn ensure(
        &self,
        user_id: &str,
        group: &NewDialTimeGroup,
    ) -> Result<(DialTimeGroup, Outcome)> {
        self.ensure_exchange(user_id, group)?.await
    }

    pub(crate) fn ensure_exchange(
        &self,
        user_id: &str,
        group: &NewDialTimeGroup,
    ) -> Result<impl Future<Output = Result<(DialTimeGroup, Outcome)>> + Send + 'static> {
        let mut check = Checker::default();
        check.uuid("user_id", user_id);
        check.new_group(group);
        self.client.checked(check)?;
        let (client, user_id, group) = (self.client.clone(), user_id.to_owned(), group.clone());
        Ok(async move {
            // The deadline bounds the whole walk-then-write, not each call of it.
            let client = client.deadline_from_now();
            // Two `ensure`s of one group at once (threads, tasks, two clients) both found it
            // absent and both created it: within this process, they take turns.
            // UUIDs name the same account in either case, as the platform reads them.
            let _turn = client
                .ensure_lock((
                    user_id.to_ascii_lowercase(),
                    group.sub_user_id.as_deref().map(str::to_ascii_lowercase),
                    group.name.trim().to_owned(),
                ))
                .await?;
            let groups = client.dial_time_groups();
            let mut found: Vec<DialTimeGroup> = groups
                .cursor(&user_id, group.sub_user_id.as_deref())
                .collect_settled()
                .await?
                .into_iter()
                .filter(|saved| group.has_name_of(saved))
                .collect();
            let mut check = Checker::default();
            check.unique_name(&group.name, &found.iter().map(|g| g.id).collect::<Vec<_>>());
            client.checked(check)?;
            let Some(saved) = found.pop() else {
                return Ok((groups.create(&user_id, &group).await?, Outcome::Created));
            };
            if group.matches(&saved) {
                return Ok((saved, Outcome::Unchanged));
            }
            let changes = DialTimeGroupUpdate {
                name: group.name.clone(),
                content: Some(group.content.clone()),
                is_default: Some(group.is_default),
                skip_holiday: Some(group.skip_holiday),
                sub_user_id: group.sub_user_id.clone(),
            };
            let updated = groups.update(&user_id, saved.id, &changes).await?;
            Ok((updated, Outcome::Updated))
        })
    }
}

/// The most pages `list_all` (and so `ensure`) walks: 15,000 groups at the platform's 15 per
/// page, far more dial time groups than one account has. A server that keeps inventing new
/// groups page after page ends the walk with a `Decode` error here instead of looping forever.
pub const MAX_LIST_PAGES: u32 = 1_000;

/// Every group of a user, page by page: see [`DialTimeGroups::list_all`]. Owns a handle on
/// the client (cheap: the pool is shared).
pub struct GroupCursor {
    client: Client,
    user_id: String,
    sub_user_id: Option<String>,
    pager: Pager<DialTimeGroup>,
    /// Roughly how much the groups yielded so far take (see [`MAX_LIST_BYTES`]).
    bytes: usize,
}

/// The most a `list_all` walk yields, roughly counted in bytes: far more than any account's
/// groups, far less than 1,000 pages of 8 MiB. A server sending groups with huge names page
/// after page made a caller that keeps them (the command line's plan) run out of memory.
pub const MAX_LIST_BYTES: usize = 256 << 20;

/// What a saved group takes in memory, roughly.
fn footprint(g: &DialTimeGroup) -> usize {
    let times: usize = g.content.iter().map(|d| 32 + d.times.len() * 64).sum();
    256 + g.name.len() + g.user_id.len() + g.remark.as_ref().map_or(0, String::len) + times
}

/// The most walks [`GroupCursor::collect_settled`] makes of a list that keeps changing.
pub const SETTLE_WALKS: u32 = 3;

impl GroupCursor {
    /// Every group, as one list to act on (what `ensure` and the command line's plan read):
    /// a list spanning more than one page is walked again until two walks in a row list the
    /// same groups, at most [`SETTLE_WALKS`] walks (a `Decode` error after that). One walk
    /// cannot tell every change made during it: a group deleted on a page already read and
    /// another added after it keep the platform's count, shift the pages between them, and
    /// the group moved onto the page already read was never listed (`ensure` then created
    /// it a second time). Starts from the first page, whatever this cursor yielded before.
    pub async fn collect_settled(mut self) -> Result<Vec<DialTimeGroup>> {
        let mut previous: Option<Vec<i64>> = None;
        for _ in 0..SETTLE_WALKS {
            self.pager = Pager::new();
            self.bytes = 0;
            let mut groups = Vec::new();
            while let Some(group) = self.next().await {
                groups.push(group?);
            }
            if self.pager.pages() <= 1 {
                return Ok(groups);
            }
            let mut ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
            ids.sort_unstable();
            if previous.as_ref() == Some(&ids) {
                return Ok(groups);
            }
            previous = Some(ids);
        }
        Err(decode_error(
            format!(
                "the list changed during each of {SETTLE_WALKS} walks (groups added or \
                 deleted meanwhile); stopped rather than act on a list that may miss one: \
                 try again"
            ),
            "",
            "",
        ))
    }

    /// The next group, fetching a page when needed; `None` at the end. After an error the
    /// walk ends.
    pub async fn next(&mut self) -> Option<Result<DialTimeGroup>> {
        loop {
            if let Some(group) = self.pager.pop() {
                self.bytes += footprint(&group);
                if self.bytes > MAX_LIST_BYTES {
                    self.pager.stop();
                    return Some(Err(decode_error(
                        format!(
                            "the list went on past {} MiB of groups; stopped rather than \
                             hold more",
                            MAX_LIST_BYTES >> 20
                        ),
                        "",
                        "",
                    )));
                }
                return Some(Ok(group));
            }
            let Some(page) = self.pager.next_page() else {
                let why = match self.pager.incomplete()? {
                    Incomplete::Short { total, listed } => format!(
                        "the platform counts {total} groups but its pages listed {listed} \
                         different ones (a page repeated, or the list changed during the \
                         walk); stopped rather than answer with an incomplete list: try again"
                    ),
                    Incomplete::Recounted { first, last } => format!(
                        "the platform counted {first} groups on the first page and {last} on \
                         the last (a group was added or deleted during the walk, which shifts \
                         the pages after it); stopped rather than answer with a list that may \
                         miss one: try again"
                    ),
                };
                return Some(Err(decode_error(why, "", "")));
            };
            if page > MAX_LIST_PAGES {
                self.pager.stop();
                return Some(Err(decode_error(
                    format!(
                        "the list went on past {MAX_LIST_PAGES} pages; stopped rather \
                         than walk a list that never ends"
                    ),
                    "",
                    "",
                )));
            }
            let params = ListParams {
                page,
                sub_user_id: self.sub_user_id.clone(),
            };
            match self
                .client
                .dial_time_groups()
                .list(&self.user_id, &params)
                .await
            {
                Ok(page) => self.pager.accept(page, |g| g.id),
                Err(e) => {
                    self.pager.stop();
                    return Some(Err(e));
                }
            }
        }
    }
}

fn encode<T: serde::Serialize>(body: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|e| crate::Error::Config {
        message: format!("cannot encode the request: {e}"),
    })
}
