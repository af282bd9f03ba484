//! The groups the emulator keeps: increasing ids, one default per (user, sub-user) scope,
//! partial updates, pages of 15, oldest first. Records are the core's `DialTimeGroup`.

use dialtime::{DialTimeGroup, DialTimeGroupUpdate, NewDialTimeGroup};
use jiff::ZonedDateTime;

/// The emulator's page size (the platform's is unknown).
pub(crate) const PAGE_SIZE: usize = 15;

/// A saved group and the sub-account it belongs to (`None`: the main account).
pub(crate) struct Stored {
    pub group: DialTimeGroup,
    pub sub_user_id: Option<String>,
}

pub(crate) struct Store {
    next_id: i64,
    groups: Vec<Stored>,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            next_id: 1,
            groups: Vec::new(),
        }
    }
}

/// Whether two sub-account scopes are the same (UUIDs: case does not count).
fn same_scope(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => false,
    }
}

impl Stored {
    fn is_in(&self, user: &str, sub_user_id: Option<&str>) -> bool {
        self.group.user_id == user && same_scope(self.sub_user_id.as_deref(), sub_user_id)
    }
}

impl Store {
    /// Saves `group` for `user`; a new default clears the scope's old one.
    pub(crate) fn create(
        &mut self,
        user: &str,
        group: NewDialTimeGroup,
        now: ZonedDateTime,
    ) -> DialTimeGroup {
        let id = self.next_id;
        self.next_id += 1;
        let scope = group.sub_user_id.as_deref();
        if group.is_default {
            self.clear_default(user, scope);
        }
        let saved = DialTimeGroup {
            id,
            name: group.name.trim().to_owned(),
            user_id: user.to_owned(),
            content: group.content,
            is_default: group.is_default,
            skip_holiday: group.skip_holiday,
            remark: None,
            created_at: Some(now.clone()),
            updated_at: Some(now),
        };
        self.groups.push(Stored {
            group: saved.clone(),
            sub_user_id: group.sub_user_id,
        });
        saved
    }

    /// Applies `changes` to group `id` of the scope; `None` when there is no such group.
    pub(crate) fn update(
        &mut self,
        user: &str,
        id: i64,
        changes: DialTimeGroupUpdate,
        now: ZonedDateTime,
    ) -> Option<&DialTimeGroup> {
        let scope = changes.sub_user_id.clone();
        let index = self.find(user, id, scope.as_deref())?;
        if changes.is_default == Some(true) {
            self.clear_default(user, scope.as_deref());
        }
        let g = &mut self.groups.get_mut(index)?.group;
        g.name = changes.name.trim().to_owned();
        if let Some(content) = changes.content {
            g.content = content;
        }
        if let Some(yes) = changes.is_default {
            g.is_default = yes;
        }
        if let Some(yes) = changes.skip_holiday {
            g.skip_holiday = yes;
        }
        g.updated_at = Some(now);
        Some(g)
    }

    /// Page `page` (1-based) of the scope's groups, and how many there are in all.
    pub(crate) fn page(
        &self,
        user: &str,
        sub_user_id: Option<&str>,
        page: u32,
    ) -> (Vec<&DialTimeGroup>, usize) {
        let scope: Vec<&DialTimeGroup> = self
            .groups
            .iter()
            .filter(|s| s.is_in(user, sub_user_id))
            .map(|s| &s.group)
            .collect();
        let total = scope.len();
        let start = (page as usize).saturating_sub(1).saturating_mul(PAGE_SIZE);
        let data = scope.into_iter().skip(start).take(PAGE_SIZE).collect();
        (data, total)
    }

    /// Deletes group `id` of the scope; false when there is no such group.
    pub(crate) fn delete(&mut self, user: &str, id: i64, sub_user_id: Option<&str>) -> bool {
        match self.find(user, id, sub_user_id) {
            Some(index) => {
                self.groups.remove(index);
                true
            }
            None => false,
        }
    }

    fn find(&self, user: &str, id: i64, sub_user_id: Option<&str>) -> Option<usize> {
        self.groups
            .iter()
            .position(|s| s.group.id == id && s.is_in(user, sub_user_id))
    }

    fn clear_default(&mut self, user: &str, sub_user_id: Option<&str>) {
        for s in self
            .groups
            .iter_mut()
            .filter(|s| s.is_in(user, sub_user_id))
        {
            s.group.is_default = false;
        }
    }
}
