//! A form as its editors keep it: the draft being edited, the versions published (each frozen:
//! a submission keeps the version it answered), templates, limits and an open/close schedule;
//! and a submission as it is kept.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::Document;
use crate::identity::Role;
use crate::identity::{Invalid, OrgId, TenantId, UserId};
use crate::policy::{Actor, Cell, Permission};

/// Most characters of a form's name and description.
pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 2_000;
/// Most bytes of a draft's or a submission's answers (as JSON).
pub const MAX_ANSWERS_BYTES: usize = 256 * 1024;

/// Limits and schedule; each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Most submissions in all.
    #[serde(default)]
    pub max_submissions: Option<u32>,
    /// Most submissions per person.
    #[serde(default)]
    pub max_per_person: Option<u32>,
    /// Not open before.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub opens_at: Option<OffsetDateTime>,
    /// Closed from.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub closes_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// What the editors are working on; published as the next version.
    pub draft: Document,
    /// The latest version published (none yet: not open to anyone).
    #[serde(default)]
    pub published: Option<u32>,
    /// Offered as a starting point when a form is made.
    #[serde(default)]
    pub template: bool,
    #[serde(default)]
    pub settings: Settings,
    /// Closed for good by an editor (kept with its submissions).
    #[serde(default)]
    pub archived: bool,
    pub created_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
}

/// Whether a form takes submissions now, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    Open,
    /// No version published yet.
    Unpublished,
    /// Before `opens_at`.
    NotYetOpen,
    /// From `closes_at`, or archived.
    Closed,
}

impl Form {
    pub fn availability(&self, now: OffsetDateTime) -> Availability {
        if self.archived || self.settings.closes_at.is_some_and(|c| now >= c) {
            Availability::Closed
        } else if self.published.is_none() {
            Availability::Unpublished
        } else if self.settings.opens_at.is_some_and(|o| now < o) {
            Availability::NotYetOpen
        } else {
            Availability::Open
        }
    }
}

impl Availability {
    pub const ALL: [Availability; 4] =
        [Availability::Open, Availability::Unpublished, Availability::NotYetOpen, Availability::Closed];

    /// Why a submission is refused, in words.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Availability::Open => None,
            Availability::Unpublished => Some("This form is not published yet."),
            Availability::NotYetOpen => Some("This form is not open yet."),
            Availability::Closed => Some("This form is closed."),
        }
    }
}

/// Checks a form's name, description and settings (the document is checked by
/// [`super::check_form`]).
pub fn check_head(name: &str, description: &str, s: &Settings) -> Result<(String, String), Vec<Invalid>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.contains(['\n', '\r']) {
        errors.push(Invalid::new("name", "use 1 to 120 characters on one line"));
    }
    if description.chars().count() > MAX_DESCRIPTION {
        errors.push(Invalid::new("description", "use at most 2,000 characters"));
    }
    if s.max_submissions == Some(0) {
        errors.push(Invalid::new("settings.max_submissions", "must be at least 1"));
    }
    if s.max_per_person == Some(0) {
        errors.push(Invalid::new("settings.max_per_person", "must be at least 1"));
    }
    if let (Some(o), Some(c)) = (s.opens_at, s.closes_at)
        && c <= o
    {
        errors.push(Invalid::new("settings.closes_at", "must be after opens_at"));
    }
    if errors.is_empty() { Ok((name.to_owned(), description.trim().to_owned())) } else { Err(errors) }
}

/// Who may create and edit forms (PRD 3.2: super admins and staff).
pub fn may_edit(actor: &Actor) -> bool {
    crate::policy::may(actor, Permission::EditForms) && actor.role.is_house_staff() && !actor.tenant_bound
}

/// Whose submissions `actor` may read: every tenant's (house staff), one tenant's (partners:
/// their own), or only their own (everyone else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionScope {
    All,
    Tenant(TenantId),
    Own,
}

pub fn submission_scope(actor: &Actor) -> SubmissionScope {
    match crate::policy::cell(actor.role, Permission::ViewSubmissions) {
        Cell::Yes if actor.role.is_house_staff() && !actor.tenant_bound => SubmissionScope::All,
        Cell::Yes | Cell::Own if actor.role == Role::Partner || actor.tenant_bound => {
            SubmissionScope::Tenant(actor.tenant.clone())
        }
        _ => SubmissionScope::Own,
    }
}

/// A submitted answer set, frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub id: String,
    pub form: String,
    /// The version answered (`version` is the store's own).
    #[serde(rename = "form_version")]
    pub version: u32,
    /// The submitter's tenant (partners see their tenant's).
    pub tenant: TenantId,
    pub by: UserId,
    /// The submitter's organization, for clients of one.
    #[serde(default)]
    pub org: Option<OrgId>,
    /// The clean answers of the visible fields and the calculated values, as the server
    /// evaluated them.
    pub values: Map<String, Value>,
    /// The pages visited.
    pub path: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

impl Submission {
    pub fn visible_to(&self, actor: &Actor) -> bool {
        match submission_scope(actor) {
            SubmissionScope::All => true,
            SubmissionScope::Tenant(t) => t == self.tenant,
            SubmissionScope::Own => actor.user == self.by && actor.tenant == self.tenant,
        }
    }
}

/// A person's answers in progress, resumed on any device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub form: String,
    /// The version being answered (`version` is the store's own).
    #[serde(rename = "form_version")]
    pub version: u32,
    /// The page they are on.
    pub page: String,
    pub answers: Map<String, Value>,
    /// Pages reached so far (counted once each for the form's drop-off).
    #[serde(default)]
    pub reached: Vec<String>,
    /// Fields answered so far (counted once each).
    #[serde(default)]
    pub answered: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn form(settings: Settings, published: Option<u32>) -> Form {
        Form {
            id: "f".into(),
            name: "Intake".into(),
            description: String::new(),
            draft: Document { pages: vec![], rules: vec![] },
            published,
            template: false,
            settings,
            archived: false,
            created_by: UserId::try_from("01J00000000000000000000000".to_owned()).expect("id"),
            created_at: datetime!(2026-01-01 0:00 UTC),
            updated_at: None,
        }
    }

    #[test]
    fn availability_follows_publication_and_schedule() {
        let now = datetime!(2026-06-01 12:00 UTC);
        assert_eq!(form(Settings::default(), None).availability(now), Availability::Unpublished);
        assert_eq!(form(Settings::default(), Some(1)).availability(now), Availability::Open);
        let later = Settings { opens_at: Some(datetime!(2026-06-02 0:00 UTC)), ..Settings::default() };
        assert_eq!(form(later, Some(1)).availability(now), Availability::NotYetOpen);
        let closed = Settings { closes_at: Some(now), ..Settings::default() };
        assert_eq!(form(closed, Some(1)).availability(now), Availability::Closed);
        let mut archived = form(Settings::default(), Some(1));
        archived.archived = true;
        assert_eq!(archived.availability(now), Availability::Closed);
    }

    #[test]
    fn heads_are_checked_naming_the_field() {
        let bad = Settings {
            max_submissions: Some(0),
            opens_at: Some(datetime!(2026-06-02 0:00 UTC)),
            closes_at: Some(datetime!(2026-06-01 0:00 UTC)),
            ..Settings::default()
        };
        let errors = check_head(" ", "", &bad).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["name", "settings.max_submissions", "settings.closes_at"]);
        assert_eq!(check_head(" Intake ", "", &Settings::default()).expect("valid").0, "Intake");
    }
}
