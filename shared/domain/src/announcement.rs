//! Announcements (PRD 4.12): broadcasts from Kre8ivTech to everyone, or from a tenant's admins to
//! their tenant, one of its organizations or some roles, shown as a banner, a modal, an in-app
//! notification and/or an email between a start and an optional end, with read counts for their
//! author.
//!
//! **Who announces**: super admins anything (everyone only from the house's tenant); partners
//! to their own tenant, its organizations and roles; nobody else.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::{Invalid, OrgId, Role, TenantId, UserId};

pub const MAX_TITLE: usize = 120;
pub const MAX_BODY: usize = 5_000;

/// Who an announcement is for, within its tenant (or everywhere).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "org")]
pub enum Scope {
    /// Everyone on the platform, every tenant (the house's announcements only).
    Everyone,
    /// Everyone of the announcement's tenant.
    Tenant,
    /// The people of one client organization of the tenant (its clients; and the tenant's
    /// staff and admins when their roles are named).
    Organization(OrgId),
}

/// How it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Display {
    /// A strip across the top of every page until dismissed or ended.
    Banner,
    /// A dialog at the next page load, once.
    Modal,
    /// An item in the notification center (and push, by each person's settings).
    Notification,
    /// An email (by each person's settings for announcements).
    Email,
}

impl Display {
    pub const ALL: [Display; 4] = [Display::Banner, Display::Modal, Display::Notification, Display::Email];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    #[default]
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Info, Severity::Warning, Severity::Critical];
}

/// Where an announcement stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Scheduled,
    Live,
    Ended,
}

impl State {
    pub const ALL: [State; 3] = [State::Scheduled, State::Live, State::Ended];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Announcement {
    pub id: String,
    /// Whose announcement it is (Kre8ivTech's tenant for platform-wide ones).
    pub tenant: TenantId,
    pub title: String,
    /// Markdown.
    pub body: String,
    #[serde(default)]
    pub severity: Severity,
    pub display: Vec<Display>,
    pub scope: Scope,
    /// Only these roles (none: every role in scope).
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub starts_at: OffsetDateTime,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub ends_at: Option<OffsetDateTime>,
    pub created_by: UserId,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// Whether its notifications and emails went out (once, when it started).
    #[serde(default)]
    pub started: bool,
}

/// A reader, as announcements see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub tenant: TenantId,
    pub role: Role,
    pub orgs: Vec<OrgId>,
}

impl Announcement {
    pub fn state(&self, now: OffsetDateTime) -> State {
        if now < self.starts_at {
            State::Scheduled
        } else if self.ends_at.is_some_and(|e| now >= e) {
            State::Ended
        } else {
            State::Live
        }
    }

    /// Whether it is meant for `reader`.
    pub fn reaches(&self, reader: &Reader) -> bool {
        let in_scope = match &self.scope {
            Scope::Everyone => true,
            Scope::Tenant => reader.tenant == self.tenant,
            Scope::Organization(org) => {
                reader.tenant == self.tenant && (reader.role != Role::Client || reader.orgs.contains(org))
            }
        };
        let role_ok = if self.roles.is_empty() {
            // An organization's announcement is for its clients unless roles say otherwise.
            !matches!(self.scope, Scope::Organization(_)) || reader.role == Role::Client
        } else {
            self.roles.contains(&reader.role)
        };
        in_scope && role_ok
    }

    pub fn shows(&self, d: Display) -> bool {
        self.display.contains(&d)
    }
}

/// Whether someone of `role` in `actor_tenant` may announce from `tenant` to `scope`.
pub fn may_announce(role: Role, actor_tenant: &TenantId, tenant: &TenantId, is_house: bool, scope: &Scope) -> bool {
    match role {
        Role::SuperAdmin => is_house || *scope != Scope::Everyone,
        Role::Partner => actor_tenant == tenant && !is_house && *scope != Scope::Everyone,
        _ => false,
    }
}

/// What an author writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub title: String,
    pub body: String,
    pub severity: Severity,
    pub display: Vec<Display>,
    pub scope: Scope,
    pub roles: Vec<Role>,
    pub starts_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
}

/// Checks a draft at `now`: every field at fault is named. Returns the trimmed title and body,
/// and the start (now when none is given).
pub fn check(d: &Draft, now: OffsetDateTime) -> Result<(String, String, OffsetDateTime), Vec<Invalid>> {
    let mut errors = Vec::new();
    let title = d.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE || title.contains(char::is_control) {
        errors.push(Invalid::new("title", format!("write 1 to {MAX_TITLE} characters on one line")));
    }
    let body = d.body.trim();
    if body.is_empty() || body.chars().count() > MAX_BODY {
        errors.push(Invalid::new("body", format!("write 1 to {MAX_BODY} characters")));
    }
    if d.display.is_empty() {
        errors.push(Invalid::new("display", "choose at least one way to show it"));
    }
    for (i, x) in d.display.iter().enumerate() {
        if d.display[..i].contains(x) {
            errors.push(Invalid::new(format!("display[{i}]"), "is listed twice"));
        }
    }
    for (i, r) in d.roles.iter().enumerate() {
        if d.roles[..i].contains(r) {
            errors.push(Invalid::new(format!("roles[{i}]"), "is listed twice"));
        }
    }
    let starts = d.starts_at.unwrap_or(now);
    if let Some(end) = d.ends_at {
        if end <= starts {
            errors.push(Invalid::new("ends_at", "must be after the start"));
        } else if end <= now {
            errors.push(Invalid::new("ends_at", "must be in the future"));
        }
    }
    if errors.is_empty() { Ok((title.to_owned(), body.to_owned(), starts)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn id(n: u64) -> String {
        ulid::Ulid::from_parts(n, 0).to_string()
    }

    fn tenant(n: u64) -> TenantId {
        TenantId::try_from(id(n)).expect("tenant")
    }

    fn org(n: u64) -> OrgId {
        OrgId::try_from(id(n)).expect("org")
    }

    fn announcement(scope: Scope, roles: Vec<Role>) -> Announcement {
        Announcement {
            id: id(90),
            tenant: tenant(2),
            title: "Maintenance".into(),
            body: "Saturday night".into(),
            severity: Severity::Warning,
            display: vec![Display::Banner],
            scope,
            roles,
            starts_at: datetime!(2026-12-05 10:00 UTC),
            ends_at: Some(datetime!(2026-12-06 10:00 UTC)),
            created_by: UserId::try_from(id(100)).expect("user"),
            created_at: datetime!(2026-12-05 09:00 UTC),
            updated_at: None,
            started: false,
        }
    }

    fn reader(t: u64, role: Role, orgs: &[u64]) -> Reader {
        Reader { tenant: tenant(t), role, orgs: orgs.iter().map(|o| org(*o)).collect() }
    }

    #[test]
    fn who_an_announcement_reaches() {
        let dana = reader(2, Role::Client, &[10]);
        let olga = reader(2, Role::Client, &[11]);
        let sam = reader(2, Role::PartnerStaff, &[]);
        let boss = reader(3, Role::Partner, &[]);
        let cases = [
            (announcement(Scope::Everyone, vec![]), [true, true, true, true]),
            (announcement(Scope::Tenant, vec![]), [true, true, true, false]),
            (announcement(Scope::Tenant, vec![Role::PartnerStaff]), [false, false, true, false]),
            (announcement(Scope::Organization(org(10)), vec![]), [true, false, false, false]),
            (
                announcement(Scope::Organization(org(10)), vec![Role::Client, Role::PartnerStaff]),
                [true, false, true, false],
            ),
        ];
        for (a, want) in cases {
            let got = [&dana, &olga, &sam, &boss].map(|r| a.reaches(r));
            assert_eq!(got, want, "{:?} {:?}", a.scope, a.roles);
        }
    }

    #[test]
    fn states_follow_the_schedule() {
        let a = announcement(Scope::Tenant, vec![]);
        assert_eq!(a.state(datetime!(2026-12-05 09:59 UTC)), State::Scheduled);
        assert_eq!(a.state(datetime!(2026-12-05 10:00 UTC)), State::Live);
        assert_eq!(a.state(datetime!(2026-12-06 10:00 UTC)), State::Ended);
    }

    #[test]
    fn who_may_announce() {
        let (house, acme) = (tenant(1), tenant(2));
        assert!(may_announce(Role::SuperAdmin, &house, &house, true, &Scope::Everyone));
        assert!(!may_announce(Role::SuperAdmin, &house, &acme, false, &Scope::Everyone));
        assert!(may_announce(Role::SuperAdmin, &house, &acme, false, &Scope::Tenant));
        assert!(may_announce(Role::Partner, &acme, &acme, false, &Scope::Organization(org(10))));
        assert!(!may_announce(Role::Partner, &acme, &house, true, &Scope::Tenant));
        assert!(!may_announce(Role::Partner, &acme, &acme, false, &Scope::Everyone));
        assert!(!may_announce(Role::Staff, &house, &house, true, &Scope::Tenant));
        assert!(!may_announce(Role::PartnerStaff, &acme, &acme, false, &Scope::Tenant));
    }

    #[test]
    fn drafts_are_checked_by_field() {
        let now = datetime!(2026-12-05 10:00 UTC);
        let d = Draft {
            title: " ".into(),
            body: "x".into(),
            severity: Severity::Info,
            display: vec![Display::Banner, Display::Banner],
            scope: Scope::Tenant,
            roles: vec![Role::Client, Role::Client],
            starts_at: Some(datetime!(2026-12-05 12:00 UTC)),
            ends_at: Some(datetime!(2026-12-05 11:00 UTC)),
        };
        let fields: Vec<String> = check(&d, now).expect_err("bad").into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["title", "display[1]", "roles[1]", "ends_at"]);
        let ok = Draft { title: "Hi".into(), display: vec![Display::Modal], roles: vec![], ends_at: None, ..d };
        assert_eq!(check(&ok, now).expect("ok").2, datetime!(2026-12-05 12:00 UTC));
    }
}
