//! Projects (the minimal module later ones build on): a client organization's piece of work
//! with a name, a status, an owner, milestones with due dates, and links to the service request,
//! quote, invoices, tickets and conversation it came with. Made by hand, or by an accepted quote.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::identity::{Invalid, OrgId, TenantId, UserId};

pub const MAX_MILESTONES: usize = 100;
pub const MAX_LINKS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    Active,
    OnHold,
    Completed,
    Cancelled,
}

impl ProjectStatus {
    pub const ALL: [ProjectStatus; 5] = [
        ProjectStatus::Planned,
        ProjectStatus::Active,
        ProjectStatus::OnHold,
        ProjectStatus::Completed,
        ProjectStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Planned => "planned",
            ProjectStatus::Active => "active",
            ProjectStatus::OnHold => "on_hold",
            ProjectStatus::Completed => "completed",
            ProjectStatus::Cancelled => "cancelled",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, ProjectStatus::Planned | ProjectStatus::Active | ProjectStatus::OnHold)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    pub due: Option<Date>,
    #[serde(default)]
    pub done: bool,
}

/// What a project links to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Links {
    #[serde(default)]
    pub request: Option<String>,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub invoices: Vec<String>,
    #[serde(default)]
    pub tickets: Vec<String>,
    #[serde(default)]
    pub conversation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub tenant: TenantId,
    pub org: OrgId,
    pub name: String,
    pub status: ProjectStatus,
    pub owner: UserId,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    #[serde(default)]
    pub links: Links,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Project {
    /// Milestones done, of all.
    pub fn progress(&self) -> (usize, usize) {
        (self.milestones.iter().filter(|m| m.done).count(), self.milestones.len())
    }

    /// The next milestone not done (the earliest due first, undated last).
    pub fn next_milestone(&self) -> Option<&Milestone> {
        self.milestones.iter().filter(|m| !m.done).min_by_key(|m| (m.due.is_none(), m.due))
    }
}

/// Checks a project's name and milestones' titles: every fault named.
pub fn check_project(name: &str, milestones: &[(String, Option<Date>)]) -> Result<String, Vec<Invalid>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.contains(['\n', '\r']) {
        errors.push(Invalid::new("name", "use 1 to 200 characters on one line"));
    }
    if milestones.len() > MAX_MILESTONES {
        errors.push(Invalid::new("milestones", format!("use at most {MAX_MILESTONES} milestones")));
    }
    for (n, (title, _)) in milestones.iter().enumerate() {
        let t = title.trim();
        if t.is_empty() || t.chars().count() > 200 || t.contains(['\n', '\r']) {
            errors.push(Invalid::new(format!("milestones[{n}].title"), "use 1 to 200 characters on one line"));
        }
    }
    if errors.is_empty() { Ok(name.to_owned()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn progress_and_the_next_milestone() {
        let m = |id: &str, due: Option<Date>, done: bool| Milestone { id: id.into(), title: id.into(), due, done };
        let p = Project {
            id: "p".into(),
            tenant: TenantId::new(ulid::Ulid::new()),
            org: OrgId::new(ulid::Ulid::new()),
            name: "Site".into(),
            status: ProjectStatus::Active,
            owner: UserId::new(ulid::Ulid::new()),
            milestones: vec![
                m("launch", None, false),
                m("design", Some(date!(2027 - 01 - 10)), true),
                m("build", Some(date!(2027 - 02 - 01)), false),
            ],
            links: Links::default(),
            created_at: datetime!(2026-12-01 10:00 UTC),
            updated_at: datetime!(2026-12-01 10:00 UTC),
        };
        assert_eq!(p.progress(), (1, 3));
        assert_eq!(p.next_milestone().map(|m| m.id.as_str()), Some("build"));
        assert!(check_project("Site", &[("".into(), None)]).is_err());
    }
}
