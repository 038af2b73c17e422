//! Service requests (PRD 4.3): a client (or a partner for a client) picks a service type, fills
//! the form bound to it (briefs and assets as its file answers), and the request moves through
//! review, a quote, the client's approval and into a project. Who may do what, the statuses and
//! their allowed moves live here.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::{Invalid, OrgId, Role, TenantId, UserId};
use crate::policy::{Actor, Resource, visible};

/// The service types a new portal offers (PRD 4.3), each `(id, name, description)`; super admins
/// rename, describe, bind forms to, order and retire them.
pub const DEFAULT_TYPES: [(&str, &str, &str); 8] = [
    ("website", "New website development", "A new site, from the first brief to launch."),
    ("maintenance", "Website maintenance/updates", "Changes, fixes and updates to a site you have."),
    ("hosting", "Hosting setup", "A home for your site: hosting, domains, mail and backups."),
    ("plugin", "Plugin development", "A WordPress plugin built for you (ForgeWP)."),
    ("seo", "SEO services", "Being found: audits, content and technical SEO."),
    ("design", "Design work", "Logos, layouts, graphics and brand material."),
    ("integration", "Custom integrations", "Connecting your site with the services you use."),
    ("consulting", "Consulting/strategy", "Advice and a plan for your web presence."),
];

pub const MAX_TITLE: usize = 200;
pub const MAX_DETAILS: usize = 10_000;
pub const MAX_COMMENT: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceType {
    /// A key of a-z, 0-9 and _ (`website`).
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The form a request of this type is asked with (its published version).
    #[serde(default)]
    pub form: Option<String>,
    /// A calculated field of that form whose value is the request's estimate (an automatic
    /// quote prices the request by it).
    #[serde(default)]
    pub price_field: Option<String>,
    /// Prices a request at once: a request whose price field computes a positive amount gets a
    /// sent quote of one item (the type at that price), issued in the name of the super admin
    /// who switched it on. Without it, a reviewer writes the quote.
    #[serde(default)]
    pub auto_quote: Option<AutoQuote>,
    /// Offered to people (retired types keep their requests).
    pub active: bool,
    /// Where it is listed (lowest first).
    pub position: u32,
}

/// How a type quotes by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoQuote {
    /// Days the quote stays valid (1 to 365).
    pub valid_days: u16,
    /// Who switched it on: the quotes are written in their name.
    pub by: UserId,
}

/// Checks a type's words (its form and price field are checked against the form by the app).
pub fn check_type(name: &str, description: &str) -> Result<(String, String), Vec<Invalid>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.contains(['\n', '\r']) {
        errors.push(Invalid::new("name", "use 1 to 120 characters on one line"));
    }
    if description.chars().count() > 2_000 {
        errors.push(Invalid::new("description", "use at most 2,000 characters"));
    }
    if errors.is_empty() { Ok((name.to_owned(), description.trim().to_owned())) } else { Err(errors) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Submitted,
    InReview,
    Quoted,
    Approved,
    Declined,
    Converted,
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Submitted,
        Status::InReview,
        Status::Quoted,
        Status::Approved,
        Status::Declined,
        Status::Converted,
        Status::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::InReview => "in_review",
            Status::Quoted => "quoted",
            Status::Approved => "approved",
            Status::Declined => "declined",
            Status::Converted => "converted",
            Status::Withdrawn => "withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Submitted => "Submitted",
            Status::InReview => "In review",
            Status::Quoted => "Quoted",
            Status::Approved => "Approved",
            Status::Declined => "Declined",
            Status::Converted => "Converted to a project",
            Status::Withdrawn => "Withdrawn",
        }
    }

    /// Waiting for the house or the partner to act (the "pending" lists and widgets).
    pub fn pending(self) -> bool {
        matches!(self, Status::Submitted | Status::InReview)
    }

    pub fn is_final(self) -> bool {
        matches!(self, Status::Declined | Status::Converted | Status::Withdrawn)
    }
}

/// Who moves a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mover {
    /// Those who review it: house staff, and the partner of the client's tenant.
    Reviewer,
    /// The client's side: its organization's members and whoever asked for it.
    Requester,
    /// The portal itself: a quote sent, accepted or turned into a project.
    System,
}

/// Whether `by` may move a request from `from` to `to`.
pub fn may_move(from: Status, to: Status, by: Mover) -> bool {
    use Status::*;
    match (from, to, by) {
        (Submitted, InReview, Mover::Reviewer) => true,
        (Submitted | InReview, Declined, Mover::Reviewer) => true,
        (Submitted | InReview | Quoted, Withdrawn, Mover::Requester) => true,
        // A quote sent; revised (back to review) or declined by the client.
        (Submitted | InReview, Quoted, Mover::System) => true,
        (Quoted, InReview, Mover::Reviewer | Mover::System) => true,
        (Quoted, Declined, Mover::Requester | Mover::System) => true,
        // The quote accepted, then the project made.
        (Quoted, Approved, Mover::System) => true,
        (Approved, Converted, Mover::System) => true,
        _ => false,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceRequest {
    /// The id of the form submission it was asked with, when its type has a form (one
    /// idempotent write makes both).
    pub id: String,
    pub tenant: TenantId,
    /// The client organization it is for.
    pub org: OrgId,
    /// Who asked (a client, or a partner or staff member on the client's behalf).
    pub requested_by: UserId,
    pub service_type: String,
    /// The type's name when asked (types may be renamed).
    pub type_name: String,
    pub title: String,
    #[serde(default)]
    pub details: String,
    /// The form and its submission holding the answers and files.
    #[serde(default)]
    pub form: Option<String>,
    #[serde(default)]
    pub submission: Option<String>,
    /// The estimate from the form's price field (decimal string), when the type has one.
    #[serde(default)]
    pub estimate: Option<String>,
    pub status: Status,
    /// The quote sent for it, and the project it became (later modules).
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl ServiceRequest {
    pub fn resource(&self) -> Resource<'_> {
        Resource { tenant: &self.tenant, org: Some(&self.org), owner: Some(&self.requested_by) }
    }
}

/// Whether `actor` may ask for a service for organization `org` of `tenant`: its own
/// organization (clients), a client organization of their tenant (partners and partner staff),
/// any tenant's (house staff).
pub fn may_request(actor: &Actor, tenant: &TenantId, org: &OrgId) -> bool {
    visible(actor, &Resource { tenant, org: Some(org), owner: None })
}

/// Whether `actor` reviews requests of `tenant`: house staff every tenant's, partners their own.
pub fn reviews(actor: &Actor, tenant: &TenantId) -> bool {
    (actor.role.is_house_staff() && !actor.tenant_bound) || (actor.role == Role::Partner && &actor.tenant == tenant)
}

/// How `actor` moves `r`: as a reviewer, as the requesting side, or not at all.
pub fn mover(actor: &Actor, r: &ServiceRequest) -> Option<Mover> {
    if reviews(actor, &r.tenant) {
        Some(Mover::Reviewer)
    } else if visible(actor, &r.resource()) {
        Some(Mover::Requester)
    } else {
        None
    }
}

/// Checks a request's title and details; answers them trimmed.
pub fn check_request(title: &str, details: &str) -> Result<(String, String), Vec<Invalid>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE || title.contains(['\n', '\r']) {
        errors.push(Invalid::new("title", "use 1 to 200 characters on one line"));
    }
    if details.chars().count() > MAX_DETAILS {
        errors.push(Invalid::new("details", "use at most 10,000 characters"));
    }
    if errors.is_empty() { Ok((title.to_owned(), details.trim().to_owned())) } else { Err(errors) }
}

/// One line of a request's activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: String,
    pub actor: Option<UserId>,
    pub what: Happening,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Happening {
    Created,
    Status {
        from: Status,
        to: Status,
        note: Option<String>,
    },
    /// A message between the client's side and the reviewers: the request's conversation.
    Comment {
        body: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_follow_the_flow_and_whose_turn_it_is() {
        use Status::*;
        assert!(may_move(Submitted, InReview, Mover::Reviewer));
        assert!(!may_move(Submitted, InReview, Mover::Requester), "clients do not review");
        assert!(may_move(InReview, Withdrawn, Mover::Requester));
        assert!(!may_move(InReview, Withdrawn, Mover::Reviewer), "only the client withdraws");
        assert!(!may_move(InReview, Approved, Mover::Reviewer), "approval is the client's, through the quote");
        assert!(may_move(Quoted, Approved, Mover::System));
        assert!(may_move(Approved, Converted, Mover::System));
        for s in Status::ALL.into_iter().filter(|s| s.is_final()) {
            for to in Status::ALL {
                for by in [Mover::Reviewer, Mover::Requester, Mover::System] {
                    assert!(!may_move(s, to, by), "{s:?} is final");
                }
            }
        }
    }

    #[test]
    fn the_eight_types_of_the_prd_have_distinct_keys() {
        let mut ids: Vec<&str> = DEFAULT_TYPES.iter().map(|t| t.0).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 8);
    }

    #[test]
    fn titles_are_one_line() {
        assert!(check_request("Relaunch", "").is_ok());
        assert_eq!(check_request("a\nb", "").map_err(|e| e[0].field.to_string()), Err("title".into()));
    }
}
