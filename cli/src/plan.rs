//! `apply`: a plan per account (create / update with a diff / unchanged / delete), then the
//! writes, accounts concurrently (bounded), each account's default-group change last.

use dialtime::{Client, DialTimeGroup, DialTimeGroupUpdate, NewDialTimeGroup, Weekday};
use futures_util::StreamExt;
use serde_json::{json, Value};

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::file::Account;

/// One limiter shared by every worker of a run: a 429 (after the call's own retries) slows
/// every worker down (at least the server's Retry-After, and a pause that grows by half each
/// time, at most 10 s) and each success speeds them up again (the pause halves).
#[derive(Debug, Default)]
pub struct Limiter {
    state: Mutex<LimiterState>,
}

#[derive(Debug, Default)]
struct LimiterState {
    pause: Duration,
    until: Option<Instant>,
    /// How many 429s slowed the run down (for the summary and tests).
    throttled: u64,
}

impl Limiter {
    const MAX_PAUSE: Duration = Duration::from_secs(10);

    fn lock(&self) -> std::sync::MutexGuard<'_, LimiterState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits as long as the limiter asks before a write.
    pub async fn wait(&self) {
        let sleep = {
            let s = self.lock();
            let until = s.until.map_or(Duration::ZERO, |u| {
                u.saturating_duration_since(Instant::now())
            });
            until.max(s.pause)
        };
        if !sleep.is_zero() {
            tokio::time::sleep(sleep).await;
        }
    }

    /// A 429: everyone waits the whole `retry_after` (else the pause, grown by half).
    /// Returns `false`, not to try again, when the platform asks for more than the clients'
    /// longest wait ([`dialtime::MAX_RETRY_AFTER_WAIT`], 60 s): that account fails.
    pub fn throttled(&self, retry_after: Option<Duration>) -> bool {
        if retry_after.is_some_and(|d| d > dialtime::MAX_RETRY_AFTER_WAIT) {
            return false;
        }
        let mut s = self.lock();
        s.throttled += 1;
        s.pause = (s.pause * 3 / 2)
            .max(Duration::from_millis(20))
            .min(Self::MAX_PAUSE);
        let wait = retry_after.unwrap_or(s.pause);
        let until = Instant::now() + wait;
        s.until = Some(s.until.map_or(until, |u| u.max(until)));
        true
    }

    /// A success: the pause halves.
    pub fn succeeded(&self) {
        let mut s = self.lock();
        s.pause /= 2;
        if s.pause < Duration::from_millis(5) {
            s.pause = Duration::ZERO;
        }
    }

    /// How many 429s slowed this run down.
    pub fn throttled_count(&self) -> u64 {
        self.lock().throttled
    }
}

/// How often one write is tried again after a 429 before its account fails.
const MAX_THROTTLED_TRIES: u32 = 30;

/// The longest one read or write of an account waits out 429s in all, unless `--deadline`
/// says otherwise: 30 tries of 60 s each kept an apply waiting half an hour per write,
/// silently, and `--deadline` (which bounds each call) did not bound them.
const MAX_THROTTLED_WAIT: Duration = Duration::from_secs(300);

/// Whether a read or write throttled since `started` may wait `retry_after` and try again:
/// within `--deadline` when given, else [`MAX_THROTTLED_WAIT`].
fn within_budget(client: &Client, started: Instant, retry_after: Option<Duration>) -> bool {
    let budget = client.deadline().unwrap_or(MAX_THROTTLED_WAIT);
    started.elapsed() + retry_after.unwrap_or_default() < budget
}

/// What to do with one group of one account.
#[derive(Debug, Clone)]
pub enum Action {
    Create(NewDialTimeGroup),
    Update {
        id: i64,
        was_default: bool,
        group: NewDialTimeGroup,
        diff: Vec<String>,
    },
    Unchanged {
        name: String,
    },
    Delete {
        id: i64,
        name: String,
    },
}

impl Action {
    fn name(&self) -> &str {
        match self {
            Action::Create(g) | Action::Update { group: g, .. } => &g.name,
            Action::Unchanged { name } | Action::Delete { name, .. } => name,
        }
    }

    fn verb(&self) -> &'static str {
        match self {
            Action::Create(_) => "create",
            Action::Update { .. } => "update",
            Action::Unchanged { .. } => "unchanged",
            Action::Delete { .. } => "delete",
        }
    }

    /// The order writes run in, so an account never loses a default it had: other groups
    /// first, then the groups that become default, then those that stop being it, deletes last.
    fn order(&self) -> u8 {
        match self {
            Action::Unchanged { .. } => 3,
            Action::Delete { .. } => 4,
            _ if self.becomes_default() => 1,
            Action::Update {
                was_default: true, ..
            } => 2,
            _ => 0,
        }
    }

    fn becomes_default(&self) -> bool {
        matches!(self, Action::Create(g) | Action::Update { group: g, .. } if g.is_default)
    }
}

/// One account's plan, or why it could not be made.
#[derive(Debug, Clone)]
pub struct AccountPlan {
    pub account: Account,
    pub actions: Vec<Action>,
    /// What the writes change beyond the groups they name (a saved default the file does not
    /// list stops being the default), for the plan to say.
    pub notes: Vec<String>,
    pub error: Option<String>,
    /// How many of `actions`' writes were made (an apply stopped by an error made some).
    pub applied: usize,
    /// Whether the write that stopped the apply may have been made all the same (sent, not
    /// answered).
    pub uncertain: bool,
}

fn ranges(days: &[dialtime::DaySchedule], w: Weekday) -> String {
    let mut r: Vec<String> = days
        .iter()
        .filter(|d| d.week == w)
        .flat_map(|d| {
            d.times
                .iter()
                .map(|t| format!("{}–{}", t.begin_time, t.end_time))
        })
        .collect();
    r.sort();
    if r.is_empty() {
        "none".to_owned()
    } else {
        r.join(", ")
    }
}

/// What changes from `saved` to `wanted`, one line per day or flag.
fn diff(saved: &DialTimeGroup, wanted: &NewDialTimeGroup) -> Vec<String> {
    let mut out = Vec::new();
    for w in Weekday::ALL {
        let (a, b) = (ranges(&saved.content, w), ranges(&wanted.content, w));
        if a != b {
            out.push(format!("{}: {a} → {b}", &w.name()[..3]));
        }
    }
    if saved.is_default != wanted.is_default {
        out.push(format!(
            "is_default: {} → {}",
            saved.is_default, wanted.is_default
        ));
    }
    if saved.skip_holiday != wanted.skip_holiday {
        out.push(format!(
            "skip_holiday: {} → {}",
            saved.skip_holiday, wanted.skip_holiday
        ));
    }
    out
}

/// Every saved group of `account`.
pub async fn saved_groups(
    client: &Client,
    account: &Account,
) -> dialtime::Result<Vec<DialTimeGroup>> {
    client
        .dial_time_groups()
        .cursor(&account.user_id, account.sub_user_id.as_deref())
        .collect_settled()
        .await
}

/// [`saved_groups`] slowed down by the run's limiter: a 429 (after the client's own retries)
/// waits as a write's does and reads the list again.
async fn saved_groups_limited(
    client: &Client,
    limiter: &Limiter,
    account: &Account,
) -> dialtime::Result<Vec<DialTimeGroup>> {
    let mut tries = 0;
    let started = Instant::now();
    loop {
        limiter.wait().await;
        match saved_groups(client, account).await {
            Err(e)
                if e.kind() == dialtime::ErrorKind::RateLimited
                    && tries < MAX_THROTTLED_TRIES
                    && within_budget(client, started, e.retry_after())
                    && limiter.throttled(e.retry_after()) =>
            {
                tries += 1;
            }
            Ok(saved) => {
                limiter.succeeded();
                return Ok(saved);
            }
            Err(e) => return Err(e),
        }
    }
}

async fn plan_account(
    client: &Client,
    limiter: &Limiter,
    account: Account,
    groups: &[NewDialTimeGroup],
    prune: bool,
) -> AccountPlan {
    let failed = |account, error: String| AccountPlan {
        account,
        actions: Vec::new(),
        notes: Vec::new(),
        error: Some(error),
        applied: 0,
        uncertain: false,
    };
    let saved = match saved_groups_limited(client, limiter, &account).await {
        Ok(s) => s,
        Err(e) => return failed(account, e.to_string()),
    };
    let mut actions = Vec::new();
    for g in groups {
        let mut group = g.clone();
        group.sub_user_id = account.sub_user_id.clone();
        let named: Vec<&DialTimeGroup> = saved.iter().filter(|s| group.has_name_of(s)).collect();
        if named.len() > 1 {
            // Which one the file means is unknown (a later run would only ever look at the
            // first, and --prune keeps the others): the account is not planned.
            let ids: Vec<String> = named.iter().map(|s| s.id.to_string()).collect();
            return failed(
                account,
                format!(
                    "{} saved groups are named {:?} (ids {}): delete or rename all but one first",
                    named.len(),
                    group.name,
                    ids.join(", ")
                ),
            );
        }
        match named.first().copied() {
            None => actions.push(Action::Create(group)),
            Some(s) if group.matches(s) => actions.push(Action::Unchanged {
                name: s.name.clone(),
            }),
            Some(s) => actions.push(Action::Update {
                id: s.id,
                was_default: s.is_default,
                diff: diff(s, &group),
                group,
            }),
        }
    }
    if prune {
        for s in &saved {
            if !groups.iter().any(|g| g.has_name_of(s)) {
                actions.push(Action::Delete {
                    id: s.id,
                    name: s.name.clone(),
                });
            }
        }
    }
    // The platform keeps one default per account: a group the file makes the default takes
    // the flag from a saved default the file does not list (nor deletes), and the plan said
    // nothing of it.
    let mut notes = Vec::new();
    let new_default = actions.iter().find_map(|a| match a {
        Action::Create(g)
        | Action::Update {
            group: g,
            was_default: false,
            ..
        } if g.is_default => Some(g),
        _ => None,
    });
    if let Some(g) = new_default {
        for s in saved.iter().filter(|s| s.is_default && !g.has_name_of(s)) {
            let listed = groups.iter().any(|f| f.has_name_of(s));
            if !listed && !prune {
                notes.push(format!(
                    "{:?} (id {}) stops being the default: {:?} becomes it, and the platform \
                     keeps one",
                    s.name, s.id, g.name
                ));
            }
        }
    }
    AccountPlan {
        account,
        actions,
        notes,
        error: None,
        applied: 0,
        uncertain: false,
    }
}

/// Plans every account, `concurrency` at a time, slowed down by `limiter` on 429s.
pub async fn plan(
    client: &Client,
    limiter: &Limiter,
    accounts: Vec<Account>,
    groups: &[NewDialTimeGroup],
    prune: bool,
    concurrency: usize,
) -> Vec<AccountPlan> {
    let mut plans: Vec<AccountPlan> = futures_util::stream::iter(accounts)
        .map(|a| plan_account(client, limiter, a, groups, prune))
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    plans.sort_by_key(|p| p.account.to_string());
    plans
}

async fn apply_account(client: &Client, limiter: &Limiter, plan: &mut AccountPlan) {
    if plan.error.is_some() {
        return;
    }
    // Unchanged groups make no request (and no success for the limiter to count).
    let mut writes: Vec<&Action> = plan
        .actions
        .iter()
        .filter(|a| !matches!(a, Action::Unchanged { .. }))
        .collect();
    writes.sort_by_key(|a| a.order());
    let total = writes.len();
    let groups = client.dial_time_groups();
    let user = plan.account.user_id.clone();
    let sub = plan.account.sub_user_id.clone();
    for action in writes {
        let mut tries = 0;
        let started = Instant::now();
        // Whether a try made before the last one may have made the change: each try after a
        // 429 is a call of its own, and the last one's error speaks for itself only.
        let mut maybe = false;
        let done = loop {
            limiter.wait().await;
            let done = write(&groups, &user, sub.as_deref(), action).await;
            match &done {
                // A removal an earlier try may have made is not found now: it was made.
                Err(e)
                    if maybe
                        && e.kind() == dialtime::ErrorKind::NotFound
                        && matches!(action, Action::Delete { .. }) =>
                {
                    limiter.succeeded();
                    break Ok(());
                }
                Err(e)
                    if e.kind() == dialtime::ErrorKind::RateLimited
                        && tries < MAX_THROTTLED_TRIES
                        && within_budget(client, started, e.retry_after())
                        && limiter.throttled(e.retry_after()) =>
                {
                    maybe |= e.may_have_been_applied();
                    tries += 1;
                }
                Ok(()) => {
                    limiter.succeeded();
                    break done;
                }
                Err(_) => break done,
            }
        };
        if let Err(e) = done {
            // An attempt got no answer (a timeout, a connection lost, an answer cut short), a
            // gateway's 502/504 or a 2xx that could not be read, in this try or an earlier
            // one: the platform may have made it ("Nothing applied" said otherwise).
            let unknown = if maybe || e.may_have_been_applied() {
                "; the platform may have made this change anyway: run again to converge"
            } else {
                ""
            };
            plan.error = Some(format!(
                "{} {:?}: {e} ({} of {total} changes made before it{unknown})",
                action.verb(),
                action.name(),
                plan.applied
            ));
            plan.uncertain = !unknown.is_empty();
            return;
        }
        plan.applied += 1;
    }
}

/// One write of a plan.
async fn write(
    groups: &dialtime::DialTimeGroups<'_>,
    user: &str,
    sub: Option<&str>,
    action: &Action,
) -> dialtime::Result<()> {
    {
        match action {
            Action::Create(g) => groups.create(user, g).await.map(drop),
            Action::Update { id, group, .. } => {
                let changes = DialTimeGroupUpdate {
                    name: group.name.clone(),
                    content: Some(group.content.clone()),
                    is_default: Some(group.is_default),
                    skip_holiday: Some(group.skip_holiday),
                    sub_user_id: sub.map(str::to_owned),
                };
                groups.update(user, *id, &changes).await.map(drop)
            }
            Action::Delete { id, .. } => groups.delete(user, *id, sub).await,
            Action::Unchanged { .. } => Ok(()),
        }
    }
}

/// Applies every plan, `concurrency` accounts at a time; a failing account never stops
/// the others (its error is kept in its plan).
pub async fn apply(
    client: &Client,
    limiter: &Limiter,
    plans: &mut [AccountPlan],
    concurrency: usize,
    progress: &Mutex<Progress<'_>>,
) {
    futures_util::stream::iter(plans.iter_mut())
        .for_each_concurrent(concurrency.max(1), |p| async move {
            apply_account(client, limiter, p).await;
            progress.lock().unwrap_or_else(|e| e.into_inner()).done(p);
        })
        .await;
}

/// Progress of an apply on standard error: one line redrawn on a terminal, else one line per
/// account.
pub struct Progress<'w> {
    pub out: &'w mut dyn std::io::Write,
    pub terminal: bool,
    pub total: usize,
    pub finished: usize,
}

impl Progress<'_> {
    fn done(&mut self, p: &AccountPlan) {
        self.finished += 1;
        let writes = p
            .actions
            .iter()
            .filter(|a| !matches!(a, Action::Unchanged { .. }))
            .count();
        // What was made, not what was planned: a failed account made `applied` of them.
        let outcome = match &p.error {
            Some(_) => format!("failed ({} of {writes} changes made)", p.applied),
            None => format!(
                "done ({writes} change{})",
                if writes == 1 { "" } else { "s" }
            ),
        };
        // One line, one write: standard error is unbuffered, and `write!` on it would make a
        // system call per formatted piece.
        let line = if self.terminal {
            let end = if self.finished == self.total {
                "\n"
            } else {
                ""
            };
            format!("\r{}/{} accounts{end}", self.finished, self.total)
        } else {
            format!(
                "[{}/{}] {}: {outcome}\n",
                self.finished, self.total, p.account
            )
        };
        let _ = self.out.write_all(line.as_bytes());
    }
}

/// Counts of a plan: (create, update, delete, unchanged).
pub fn counts(plans: &[AccountPlan]) -> (usize, usize, usize, usize) {
    let mut c = (0, 0, 0, 0);
    for a in plans.iter().flat_map(|p| &p.actions) {
        match a {
            Action::Create(_) => c.0 += 1,
            Action::Update { .. } => c.1 += 1,
            Action::Delete { .. } => c.2 += 1,
            Action::Unchanged { .. } => c.3 += 1,
        }
    }
    c
}

/// The plan as text, one line per action.
pub fn render_text(plans: &[AccountPlan]) -> String {
    let mut out = String::new();
    for p in plans {
        for a in &p.actions {
            out.push_str(&format!("{}: {} {:?}", p.account, a.verb(), a.name()));
            if let Action::Update { diff, .. } = a {
                out.push_str(&format!(": {}", diff.join("; ")));
            }
            if let Action::Delete { id, .. } = a {
                out.push_str(&format!(" (id {id})"));
            }
            out.push('\n');
        }
        for note in &p.notes {
            out.push_str(&format!("{}: note: {note}\n", p.account));
        }
    }
    let (c, u, d, n) = counts(plans);
    out.push_str(&format!(
        "Plan: {c} to create, {u} to update, {d} to delete, {n} unchanged ({} account{})\n",
        plans.len(),
        if plans.len() == 1 { "" } else { "s" }
    ));
    out
}

/// The plan (and after apply, each account's error) as JSON.
pub fn render_json(plans: &[AccountPlan]) -> Value {
    let (c, u, d, n) = counts(plans);
    json!({
        "accounts": plans.iter().map(|p| json!({
            "user_id": p.account.user_id,
            "sub_user_id": p.account.sub_user_id,
            "actions": p.actions.iter().map(|a| {
                let mut v = json!({"action": a.verb(), "name": a.name()});
                if let Action::Update { diff, .. } = a { v["diff"] = json!(diff); }
                v
            }).collect::<Vec<_>>(),
            "notes": p.notes,
            "error": p.error,
            "applied": p.applied,
        })).collect::<Vec<_>>(),
        "summary": {"create": c, "update": u, "delete": d, "unchanged": n,
                    "failed": plans.iter().filter(|p| p.error.is_some()).count()},
    })
}
