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

/// Reads and checks `path`; every problem is one line `FILE: group "NAME": PATH: MESSAGE`.
pub fn load(path: &Path) -> Result<GroupsFile, Vec<String>> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| vec![format!("{shown}: {e}")])?;
    parse(&shown, &text)
}

/// [`load`] on text (`shown` names the file in messages).
pub fn parse(shown: &str, text: &str) -> Result<GroupsFile, Vec<String>> {
    let doc: Value = if shown.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| vec![format!("{shown}: not JSON: {e}")])?
    } else {
        serde_yaml_ng::from_str(text).map_err(|e| vec![format!("{shown}: not YAML: {e}")])?
    };
    let mut problems = Vec::new();
    let Some(obj) = doc.as_object() else {
        return Err(vec![format!("{shown}: must be a mapping with `groups`")]);
    };
    for key in obj.keys() {
        if key != "groups" && key != "accounts" {
            problems.push(format!(
                "{shown}: {key}: is not a known key (expected groups, accounts)"
            ));
        }
    }
    let mut groups = Vec::new();
    match obj.get("groups").and_then(Value::as_array) {
        None => problems.push(format!("{shown}: groups: is required (a list of groups)")),
        Some(list) => {
            for (i, g) in list.iter().enumerate() {
                let label = match g.get("name").and_then(Value::as_str) {
                    Some(name) => format!("group {name:?}"),
                    None => format!("groups[{i}]"),
                };
                match dialtime::validate::new_group_from_json(g) {
                    Ok(group) => {
                        if groups
                            .iter()
                            .any(|o: &NewDialTimeGroup| o.name.trim() == group.name.trim())
                        {
                            problems
                                .push(format!("{shown}: {label}: name: is used twice in the file"));
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
            let Some(user) = a.get("user_id").and_then(Value::as_str) else {
                problems.push(format!("{shown}: accounts[{i}].user_id: is required"));
                continue;
            };
            if dialtime::validate::user_id(user).is_err() {
                problems.push(format!(
                    "{shown}: accounts[{i}].user_id: must be a UUID, got {user:?}"
                ));
            }
            let subs: Vec<String> = a
                .get("sub_users")
                .and_then(Value::as_array)
                .map(|s| {
                    s.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
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

/// Groups as a file (`export`): the same shape `parse` reads, so applying it changes nothing.
pub fn render(groups: &[dialtime::DialTimeGroup]) -> String {
    let list: Vec<Value> = groups
        .iter()
        .map(|g| {
            serde_json::json!({
                "name": g.name,
                "content": g.content,
                "is_default": g.is_default,
                "skip_holiday": g.skip_holiday,
            })
        })
        .collect();
    serde_yaml_ng::to_string(&serde_json::json!({ "groups": list })).unwrap_or_default()
}
