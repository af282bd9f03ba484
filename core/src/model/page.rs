//! Lists: one page of results, and the bookkeeping that walks every page safely.

use std::collections::{HashSet, VecDeque};

use serde::Deserialize;

use super::lenient;
use crate::error::Error;

/// Which page of a list to read, and for which sub-account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListParams {
    /// 1-based. Default 1.
    pub page: u32,
    /// The sub-account whose groups to read.
    pub sub_user_id: Option<String>,
}

impl Default for ListParams {
    fn default() -> Self {
        ListParams {
            page: 1,
            sub_user_id: None,
        }
    }
}

/// One page of a list, with the platform's pagination when it sent any (some list shapes
/// have no `meta`: then only `current_page` and `has_more` are known).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The groups of this page.
    pub data: Vec<T>,
    /// The page number (1-based).
    pub current_page: u32,
    /// The last page number, when the platform says.
    pub last_page: Option<u32>,
    /// The page size, when the platform says.
    pub per_page: Option<u32>,
    /// How many there are in all, when the platform says.
    pub total: Option<u64>,
    /// Whether a later page may hold more: `current_page < last_page` with `meta`, else
    /// "this page was not empty".
    pub has_more: bool,
}

/// Every `meta` shape the platform uses: its own (`per_page` as a string or a number,
/// `has_pages`) and Laravel's resource meta (`from`, `to`, `path`); unknown keys ignored.
#[derive(Deserialize)]
struct Meta {
    #[serde(default, deserialize_with = "lenient::opt_int")]
    current_page: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    last_page: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    per_page: Option<i64>,
    #[serde(default, deserialize_with = "lenient::opt_int")]
    total: Option<i64>,
}

impl<T> Page<T> {
    /// Builds the page answered to a request for page `asked`. A `meta` that names another
    /// page is an error: following it could loop or skip.
    pub(crate) fn read(
        data: Vec<T>,
        meta: Option<&serde_json::value::RawValue>,
        asked: u32,
    ) -> Result<Page<T>, String> {
        let meta = match meta.map(|m| serde_json::from_str::<Option<Meta>>(m.get())) {
            Some(Ok(meta)) => meta,
            Some(Err(e)) => return Err(format!("unreadable pagination `meta`: {e}")),
            None => None,
        };
        let Some(meta) = meta else {
            let has_more = !data.is_empty();
            return Ok(Page {
                data,
                current_page: asked,
                last_page: None,
                per_page: None,
                total: None,
                has_more,
            });
        };
        let number = |v: Option<i64>| v.and_then(|n| u32::try_from(n).ok());
        let current_page = number(meta.current_page).unwrap_or(asked);
        if current_page != asked {
            return Err(format!(
                "asked for page {asked}, the platform answered page {current_page}"
            ));
        }
        let last_page = number(meta.last_page);
        let has_more = match last_page {
            Some(last) => current_page < last,
            None => !data.is_empty(),
        };
        Ok(Page {
            data,
            current_page,
            last_page,
            per_page: number(meta.per_page),
            total: meta.total.and_then(|n| u64::try_from(n).ok()),
            has_more,
        })
    }
}

/// Walks pages for `list_all`: asks for the next page only when the buffer is empty, never
/// yields an id twice, and stops when the platform repeats itself.
pub(crate) struct Pager<T> {
    next_page: Option<u32>,
    buffer: VecDeque<T>,
    seen: HashSet<i64>,
    /// The platform's count (`meta.total`) on the last page read, when it sent one.
    total: Option<u64>,
    /// The count on the first page that had one, and whether a later page counted otherwise.
    first_total: Option<u64>,
    recounted: bool,
    /// Pages taken so far.
    pages: u32,
}

/// Why a walk's list cannot be trusted (see [`Pager::incomplete`]).
pub(crate) enum Incomplete {
    /// The platform counted more groups than the pages held different ones.
    Short { total: u64, listed: usize },
    /// The platform's count changed between pages: a group added or deleted meanwhile
    /// shifts the pages after it, and the walk may have missed one.
    Recounted { first: u64, last: u64 },
}

impl<T> Pager<T> {
    pub(crate) fn new() -> Self {
        Pager {
            next_page: Some(1),
            buffer: VecDeque::new(),
            seen: HashSet::new(),
            total: None,
            first_total: None,
            recounted: false,
            pages: 0,
        }
    }

    /// How many pages the walk has taken.
    pub(crate) fn pages(&self) -> u32 {
        self.pages
    }

    /// The next item already fetched.
    pub(crate) fn pop(&mut self) -> Option<T> {
        self.buffer.pop_front()
    }

    /// The page to fetch next, or `None` when the list is exhausted.
    pub(crate) fn next_page(&self) -> Option<u32> {
        self.next_page
    }

    /// Takes a fetched page; `id` identifies items. Where the platform's `meta` names the last
    /// page, the walk goes on to it even past a page of nothing new (groups inserted at the
    /// head of the list during the walk shift a whole page; stopping there left the rest
    /// unread, and `ensure` created a duplicate of a group on it); `MAX_LIST_PAGES` bounds it.
    /// Without `meta`, a page of nothing new ends the walk (the platform ignoring `page` and
    /// repeating one).
    pub(crate) fn accept(&mut self, page: Page<T>, id: impl Fn(&T) -> i64) {
        let asked = page.current_page;
        self.pages = self.pages.saturating_add(1);
        let before = self.buffer.len();
        for item in page.data {
            if self.seen.insert(id(&item)) {
                self.buffer.push_back(item);
            }
        }
        if let Some(now) = page.total {
            match self.first_total {
                None => self.first_total = Some(now),
                Some(first) if first != now => self.recounted = true,
                Some(_) => {}
            }
        }
        self.total = page.total;
        let fresh = self.buffer.len() > before;
        let go_on = page.has_more && (fresh || page.last_page.is_some());
        self.next_page = match (go_on, asked.checked_add(1)) {
            (true, Some(next)) => Some(next),
            _ => None,
        };
    }

    /// Ends the walk (after an error).
    pub(crate) fn stop(&mut self) {
        self.next_page = None;
        self.buffer.clear();
        self.total = None;
        self.recounted = false;
    }

    /// At the end of a walk, once: why its list cannot be trusted, if it cannot. The platform
    /// counted more groups than the pages held different ones (a page repeated, or the list
    /// shifted under the walk), or its count changed between pages (a group deleted during
    /// the walk moved the first group of the next page onto the page already read: 19 listed
    /// of 19 counted, one missed). Acting on such a list (`ensure`, the command line's plan)
    /// created the groups it missed a second time.
    pub(crate) fn incomplete(&mut self) -> Option<Incomplete> {
        if self.next_page.is_some() || !self.buffer.is_empty() {
            return None;
        }
        let total = self.total.take()?;
        if std::mem::take(&mut self.recounted) {
            return Some(Incomplete::Recounted {
                first: self.first_total.unwrap_or(total),
                last: total,
            });
        }
        let listed = self.seen.len();
        u64::try_from(listed)
            .is_ok_and(|n| n < total)
            .then_some(Incomplete::Short { total, listed })
    }
}

/// A list answer that is not a usable page. `body` (the answer's `meta`, any size, any text)
/// is kept as an excerpt with `secret` (the token) redacted, as every decode error's.
pub(crate) fn decode_error(detail: String, body: &str, secret: &str) -> Error {
    Error::Decode {
        http_status: 200,
        expected: "a list page".to_owned(),
        // serde's message quotes the value it could not read: the token, echoed.
        detail: crate::client::response::shown(crate::client::response::redact(detail, secret)),
        body_excerpt: crate::client::response::excerpt(body.as_bytes(), secret),
        call: None,
    }
}
