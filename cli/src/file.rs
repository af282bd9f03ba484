//! The groups file: the platform's JSON shape for each group, in YAML or JSON, and optionally
//! the accounts it applies to.
//!
//! ```yaml
//! accounts:                      # optional; --user / --sub-user on the command line win
//!   - user_id: 5832d184-dd53-42a0-8ace-0bf8d660f4cc
//!     sub_users: [0b6e1a4e-6f0e-4a53-9d43-1f7d2b7c9a10]
//! groups:
//!   - name: 工作日白天
//!     content:
//!       - {week: 1, times: [{begin_time: "09:00", end_time: "18:00"}]}
//!     is_default: true
//!     skip_holiday: true
//! ```

use std::path::Path;

use dialtime::NewDialTimeGroup;
use serde_json::Value;

/// One account a file applies to: a user, and optionally some of its sub-accounts (the user
/// itself is included only when `sub_users` is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub user_id: String,
    pub sub_user_id: Option<String>,
}

impl std::fmt::Display for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.sub_user_id {
            Some(sub) => write!(f, "{}/{sub}", self.user_id),
            None => f.write_str(&self.user_id),
        }
    }
}

/// A checked groups file.
#[derive(Debug, Clone)]
pub struct GroupsFile {
    pub groups: Vec<NewDialTimeGroup>,
    pub accounts: Vec<Account>,
}

/// The largest file the command line reads (a groups file is a few KB): `/dev/zero` or a
/// log passed by mistake is refused, not read until memory runs out.
pub const MAX_FILE_BYTES: u64 = 8 << 20;

/// How deep `[` and `{` may nest in a file: the YAML reader takes time quadratic in the depth
/// (40,000 deep: 5 s) before it reports its own limit.
const MAX_NESTING: usize = 128;

/// A text file of at most [`MAX_FILE_BYTES`], read as UTF-8. (`-` is a file called `-` here:
/// only the groups file reads standard input, so `--sub-users -` cannot find it used up and
/// fall back to the user's own account.)
pub fn read_text(path: &Path) -> std::io::Result<String> {
    read_from(std::fs::File::open(path)?)
}

/// [`read_text`] of any source.
fn read_from(source: impl std::io::Read) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    source.take(MAX_FILE_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {} MiB",
            MAX_FILE_BYTES >> 20
        )));
    }
    // A byte order mark (Windows editors write one) is no part of the text: JSON refused it,
    // a sub-users file read it into the first UUID, a token file into the token.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_owned();
    }
    Ok(text)
}

/// Reads and checks `path` (`-`: standard input, read as YAML, which JSON also is); every
/// problem is one line `FILE: group "NAME": PATH: MESSAGE`.
pub fn load(path: &Path) -> Result<GroupsFile, Vec<String>> {
    let stdin = path.as_os_str() == "-";
    let shown = match stdin {
        true => "<stdin>".to_owned(),
        false => path.display().to_string(),
    };
    let text = match stdin {
        true => read_from(std::io::stdin().lock()),
        false => read_text(path),
    }
    .map_err(|e| vec![format!("{shown}: {e}")])?;
    parse(&shown, &text)
}

/// How deep `[` and `{` nest, counted everywhere, in quoted text and comments too (a rough
/// count: it only has to tell a real file from one nested thousands deep). Following YAML's
/// quoting instead was bypassed by any quote it read differently (`# say "hi`, `a-"b`,
/// `'it''s ['`, a block scalar), and the YAML reader then took minutes on the nesting after
/// it. A real file would need over a hundred unclosed brackets in its names to be refused.
fn nesting(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for b in text.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// A key of the file for a message: as it is when it is a short printable name, else quoted
/// and cut (a key of control characters cleared the terminal and forged lines of the report;
/// a 4 MB one was written out whole with each problem).
fn shown_key(key: &str) -> String {
    if key.chars().count() <= 60 && !key.chars().any(dialtime::__private::unsafe_to_print) {
        key.to_owned()
    } else {
        quoted_always(key)
    }
}

/// `s` quoted with its control characters escaped, cut after 60 characters.
fn quoted_always(s: &str) -> String {
    dialtime::__private::quoted(s, 60)
}

/// The most values a file may hold, aliases expanded: far more than any groups file
/// (15,000 groups are about 300,000), far fewer than a YAML alias bomb expands to (50,000
/// references to a 200,000-value anchor took 3 GB and minutes).
const MAX_VALUES: usize = 2_000_000;

/// The most bytes of text (strings and keys) a file may hold, aliases expanded: four times the
/// largest file read. One anchored 1 MB string referred to 100,000 times in a 1.3 MB file
/// counted as 100,000 values and expanded to 100 GB (the process aborted when memory ran out).
const MAX_TEXT_BYTES: usize = 4 * (MAX_FILE_BYTES as usize);

thread_local! {
    /// Values [`StrictVisitor`] may still make in this thread's current parse.
    static VALUES_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_VALUES) };
    /// Bytes of text it may still make.
    static TEXT_LEFT: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_TEXT_BYTES) };
}

/// [`load`] on text (`shown` names the file in messages).
pub fn parse(shown: &str, text: &str) -> Result<GroupsFile, Vec<String>> {
    if nesting(text) > MAX_NESTING {
        return Err(vec![format!(
            "{shown}: nests deeper than {MAX_NESTING} levels of [ and {{"
        )]);
    }
    VALUES_LEFT.with(|left| left.set(MAX_VALUES));
    TEXT_LEFT.with(|left| left.set(MAX_TEXT_BYTES));
    let doc: Strict = if shown.to_ascii_lowercase().ends_with(".json") {
        serde_json::from_str(text).map_err(|e| vec![format!("{shown}: not JSON: {e}")])?
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| vec![format!("{shown}: not YAML: {e}")])?
    };
    let doc = doc.0;
    let mut problems = Vec::new();
    let Some(obj) = doc.as_object() else {
        return Err(vec![format!("{shown}: must be a mapping with `groups`")]);
    };
    for key in obj.keys() {
        if key != "groups" && key != "accounts" {
            problems.push(format!(
                "{shown}: {}: is not a known key (expected groups, accounts)",
                shown_key(key)
            ));
        }
    }
    let mut groups = Vec::new();
    let mut names = std::collections::HashSet::new();
    let mut default: Option<String> = None;
    match obj.get("groups").and_then(Value::as_array) {
        None => problems.push(format!("{shown}: groups: is required (a list of groups)")),
        Some(list) => {
            for (i, g) in list.iter().enumerate() {
                let label = match g.get("name").and_then(Value::as_str) {
                    Some(name) => format!("group {}", quoted_always(name)),
                    None => format!("groups[{i}]"),
                };
                match dialtime::validate::new_group_from_json(g) {
                    // The groups apply to every account the run names: a sub-account in one
                    // was read, then replaced by the run's account (the group landed
                    // elsewhere than the file said).
                    Ok(group) if group.sub_user_id.is_some() => problems.push(format!(
                        "{shown}: {label}: sub_user_id: a group names no account in a groups \
                         file (list sub-accounts under `accounts`, or pass --sub-user)"
                    )),
                    Ok(group) => {
                        if !names.insert(group.name.trim().to_owned()) {
                            problems
                                .push(format!("{shown}: {label}: name: is used twice in the file"));
                        }
                        // A user has one default group: with two, each run moved the flag to
                        // the other one and the file never converged.
                        if group.is_default {
                            match &default {
                                Some(first) => problems.push(format!(
                                    "{shown}: {label}: is_default: only one group can be the \
                                     default, and {first:?} is"
                                )),
                                None => default = Some(group.name.clone()),
                            }
                        }
                        groups.push(group);
                    }
                    Err(e) => {
                        for p in e.problems() {
                            problems.push(format!("{shown}: {label}: {}: {}", p.path, p.message));
                        }
                    }
                }
            }
        }
    }
    let mut accounts = Vec::new();
    if let Some(list) = obj.get("accounts") {
        let Some(list) = list.as_array() else {
            return Err(vec![format!("{shown}: accounts: must be a list")]);
        };
        for (i, a) in list.iter().enumerate() {
            // Every key is known and `sub_users` a list of strings: a misspelt `sub_user` or a
            // single id not in a list read as "no sub-accounts", which means the user itself
            // (and with --prune deleted its groups).
            let Some(entry) = a.as_object() else {
                problems.push(format!(
                    "{shown}: accounts[{i}]: must be a mapping with user_id (and sub_users)"
                ));
                continue;
            };
            for key in entry.keys() {
                if key != "user_id" && key != "sub_users" {
                    problems.push(format!(
                        "{shown}: accounts[{i}].{}: is not a known key (expected user_id, sub_users)",
                        shown_key(key)
                    ));
                }
            }
            let Some(user) = a.get("user_id").and_then(Value::as_str) else {
                problems.push(format!("{shown}: accounts[{i}].user_id: is required"));
                continue;
            };
            if dialtime::validate::user_id(user).is_err() {
                problems.push(format!(
                    "{shown}: accounts[{i}].user_id: must be a UUID, got {user:?}"
                ));
            }
            let mut subs: Vec<String> = Vec::new();
            match entry.get("sub_users") {
                None => {}
                // An empty list applied to the user itself (and --prune deleted its groups):
                // leaving the key out says that.
                Some(Value::Array(list)) if list.is_empty() => problems.push(format!(
                    "{shown}: accounts[{i}].sub_users: is empty: leave it out to apply to the \
                     user itself"
                )),
                Some(Value::Array(list)) => {
                    for (j, v) in list.iter().enumerate() {
                        match v.as_str() {
                            Some(sub) => subs.push(sub.to_owned()),
                            None => problems.push(format!(
                                "{shown}: accounts[{i}].sub_users[{j}]: must be a UUID string, got {v}"
                            )),
                        }
                    }
                }
                Some(other) => problems.push(format!(
                    "{shown}: accounts[{i}].sub_users: must be a list of UUIDs, got {other}"
                )),
            }
            if subs.is_empty() {
                accounts.push(Account {
                    user_id: user.to_owned(),
                    sub_user_id: None,
                });
            }
            for (j, sub) in subs.into_iter().enumerate() {
                if !dialtime::validate::is_uuid(&sub) {
                    problems.push(format!(
                        "{shown}: accounts[{i}].sub_users[{j}]: must be a UUID, got {sub:?}"
                    ));
                }
                accounts.push(Account {
                    user_id: user.to_owned(),
                    sub_user_id: Some(sub),
                });
            }
        }
    }
    if problems.is_empty() {
        Ok(GroupsFile { groups, accounts })
    } else {
        Err(problems)
    }
}

/// Groups as a file (`export`): the same shape `parse` reads, so applying it changes nothing
/// (unless the platform holds what a file may not: `export` then says what on stderr).
/// Written by hand rather than by a YAML serializer, so that it reads the same to every YAML
/// reader: each string is double-quoted (unquoted, `09:00` is the number 540 to a YAML 1.1
/// reader such as PyYAML, and names like `yes`, `on`, `2026-01-01` or `1_000` a boolean, a
/// date or a number), keys come in the order a person writes them, one day per line.
pub fn render(groups: &[dialtime::DialTimeGroup]) -> String {
    use std::fmt::Write as _;
    if groups.is_empty() {
        return "groups: []\n".to_owned();
    }
    let mut out = String::from("groups:\n");
    for g in groups {
        // `write!` to a String cannot fail.
        let _ = writeln!(out, "  - name: {}", quoted(&g.name));
        if g.content.is_empty() {
            out.push_str("    content: []\n");
        } else {
            out.push_str("    content:\n");
        }
        for day in &g.content {
            let _ = write!(out, "      - {{week: {}, times: [", day.week.number());
            for (i, t) in day.times.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                let _ = write!(
                    out,
                    "{sep}{{begin_time: \"{}\", end_time: \"{}\"}}",
                    t.begin_time, t.end_time
                );
            }
            out.push_str("]}\n");
        }
        let _ = writeln!(out, "    is_default: {}", g.is_default);
        let _ = writeln!(out, "    skip_holiday: {}", g.skip_holiday);
    }
    out
}

/// `text` as a YAML double-quoted scalar that every YAML version reads back unchanged: `"`
/// and `\\` escaped, and every character YAML does not allow raw or reads as a line break
/// (controls, DEL, C1 controls with NEL, U+2028/U+2029, which a reader folds into a space,
/// and U+FEFF, U+FFFE, U+FFFF) written as `\\u` escapes; everything else as it is.
fn quoted(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{20}'..='\u{7e}' => out.push(c),
            '\u{0}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A document read with every mapping's keys checked for repeats: the JSON and YAML readers
/// keep the last of two equal keys, and a second `groups:` silently replaced the first (with
/// --prune, its groups were deleted).
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

/// Counts one value against [`MAX_VALUES`].
fn one_more<E: serde::de::Error>() -> Result<(), E> {
    VALUES_LEFT.with(|left| match left.get().checked_sub(1) {
        Some(n) => {
            left.set(n);
            Ok(())
        }
        None => Err(E::custom(format!(
            "more than {MAX_VALUES} values (YAML aliases expanded): not a groups file"
        ))),
    })
}

/// Counts `bytes` of text against [`MAX_TEXT_BYTES`], before the text is copied.
fn text<E: serde::de::Error>(bytes: usize) -> Result<(), E> {
    TEXT_LEFT.with(|left| match left.get().checked_sub(bytes) {
        Some(n) => {
            left.set(n);
            Ok(())
        }
        None => Err(E::custom(format!(
            "more than {} MiB of text (YAML aliases expanded): not a groups file",
            MAX_TEXT_BYTES >> 20
        ))),
    })
}

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON data")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        one_more()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        one_more()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        one_more()?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        one_more()?;
        if !v.is_finite() {
            // Read as null, `name: .inf` was "name: is required".
            return Err(E::custom(format!(
                "{v} (YAML's .inf or .nan) is not a number JSON can hold"
            )));
        }
        Ok(Value::from(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        one_more()?;
        text(v.len())?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Value, E> {
        one_more()?;
        text(v.len())?;
        Ok(Value::String(v))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        one_more()?;
        Ok(Value::Null)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        one_more()?;
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        one_more()?;
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        one_more()?;
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            text(key.len())?;
            // A merge key reads as a field called `<<` (and every merged field as missing),
            // wherever it is: said for what it is, with its position.
            if key == "<<" {
                return Err(serde::de::Error::custom(
                    "YAML merge keys (`<<: *anchor`) are not read: a groups file spells each \
                     mapping out (an alias of a whole value works)",
                ));
            }
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key {key:?} appears twice in one mapping"
                )));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}
