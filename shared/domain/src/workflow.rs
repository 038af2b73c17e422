//! Ticket workflow (PRD 4.2 "Workflow Features"): canned responses and their variables,
//! auto-assignment rules and how an agent is picked, satisfaction ratings.
//!
//! # Auto-assignment
//!
//! A rule matches a ticket by tenant, organization and category (each optional: absent
//! matches all) and names its agents, a strategy and a per-agent capacity. An agent's *load*
//! is the number of tickets assigned to them that are not Resolved or Closed ([`counts_as_load`]).
//!
//! * Only unassigned tickets waiting in the queue are assigned, oldest first within the
//!   highest priority first (the queue's own order).
//! * Rules are tried in their order; the first matching rule with an agent under capacity
//!   assigns. When every agent of every matching rule is at capacity the ticket stays
//!   unassigned in the queue, and is assigned as soon as capacity frees up (an assigned
//!   ticket is resolved, closed or handed back).
//! * Round robin takes the next agent under capacity after the one the rule assigned last;
//!   least loaded takes the agent with the lowest load, ties going round robin.
//! * Assigning does not change the status: the ticket keeps its place in the queue until its
//!   agent takes it (In Progress).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::identity::{Invalid, OrgId, TenantId, UserId};
use crate::ticket::{Category, Status, Ticket};

// ---------------------------------------------------------------------------------------------
// Canned responses

/// A reusable reply with `{{variables}}`, owned by one tenant (the house's are the house
/// staff's; a partner's are its team's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CannedResponse {
    pub id: String,
    pub tenant: TenantId,
    pub title: String,
    /// Markdown with variables, e.g. `Hi {{requester.first_name}}`.
    pub body: String,
    /// Typed after `/` in the reply box to insert it, e.g. `thanks`.
    #[serde(default)]
    pub shortcut: Option<String>,
    pub created_by: UserId,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub updated_at: time::OffsetDateTime,
}

/// Every variable a canned response may use, with what it stands for.
pub const CANNED_VARIABLES: [(&str, &str); 11] = [
    ("ticket.number", "the ticket's number, e.g. ACME-1001"),
    ("ticket.subject", "the ticket's subject"),
    ("ticket.status", "the ticket's status, e.g. In Progress"),
    ("ticket.priority", "the ticket's priority, e.g. High"),
    ("ticket.category", "the ticket's category, e.g. Billing"),
    ("requester.name", "the requester's full name"),
    ("requester.first_name", "the requester's first name"),
    ("agent.name", "the name of the person replying"),
    ("agent.first_name", "the first name of the person replying"),
    ("organization.name", "the client organization's name"),
    ("portal.name", "the portal's name, e.g. Acme Support"),
];

pub const MAX_CANNED_TITLE_CHARS: usize = 100;
pub const MAX_CANNED_BODY_CHARS: usize = 10_000;
/// How many canned responses one tenant keeps.
pub const MAX_CANNED_PER_TENANT: usize = 500;

/// One piece of a template: text as is, or a variable's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Text(&'a str),
    Var(&'a str),
}

/// Splits a template into text and `{{ name }}` variables; an unclosed `{{` is an error.
pub(crate) fn pieces(body: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push(Piece::Text(&rest[..start]));
        }
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            return Err("has a {{ without its closing }}".into());
        };
        out.push(Piece::Var(after[..end].trim()));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    Ok(out)
}

/// Checks a canned response's title, body (variables known, braces closed) and shortcut;
/// every failing field is named. Returns the cleaned `(title, body, shortcut)`.
pub fn check_canned(
    title: &str,
    body: &str,
    shortcut: Option<&str>,
) -> Result<(String, String, Option<String>), Vec<Invalid>> {
    let mut errors = Vec::new();
    let title = title.trim();
    if title.is_empty() || title.chars().count() > MAX_CANNED_TITLE_CHARS || title.chars().any(char::is_control) {
        errors.push(Invalid::new("title", format!("use 1 to {MAX_CANNED_TITLE_CHARS} characters on one line")));
    }
    let body = body.trim_end();
    if body.trim().is_empty() {
        errors.push(Invalid::new("body", "is required"));
    } else if body.chars().count() > MAX_CANNED_BODY_CHARS {
        errors.push(Invalid::new("body", format!("use at most {MAX_CANNED_BODY_CHARS} characters")));
    } else {
        match pieces(body) {
            Err(e) => errors.push(Invalid::new("body", e)),
            Ok(ps) => {
                let unknown: Vec<&str> = ps
                    .iter()
                    .filter_map(|p| match p {
                        Piece::Var(v) if !CANNED_VARIABLES.iter().any(|(k, _)| k == v) => Some(*v),
                        _ => None,
                    })
                    .collect();
                if !unknown.is_empty() {
                    let known: Vec<&str> = CANNED_VARIABLES.iter().map(|(k, _)| *k).collect();
                    errors.push(Invalid::new(
                        "body",
                        format!("{{{{{}}}}} is not a variable; use {}", unknown[0], known.join(", ")),
                    ));
                }
            }
        }
    }
    let shortcut = shortcut.map(|s| s.trim().trim_start_matches('/').to_lowercase()).filter(|s| !s.is_empty());
    if let Some(s) = &shortcut {
        let ok = s.len() <= 32 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            errors.push(Invalid::new("shortcut", "use 1 to 32 letters, digits, - and _"));
        }
    }
    if errors.is_empty() { Ok((title.to_owned(), body.to_owned(), shortcut)) } else { Err(errors) }
}

/// Fills a (checked) template's variables from `values`; a variable without a value becomes
/// empty text. Values are inserted as written: the reply is Markdown rendered and sanitized
/// like any other.
pub fn render_canned(body: &str, values: &BTreeMap<&str, String>) -> String {
    let Ok(ps) = pieces(body) else { return body.to_owned() };
    let mut out = String::with_capacity(body.len());
    for p in ps {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Var(v) => out.push_str(values.get(v).map(String::as_str).unwrap_or("")),
        }
    }
    out
}

/// The first word of a name (`Dana Scully` -> `Dana`).
pub fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------------------------
// Auto-assignment

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    RoundRobin,
    LeastLoaded,
}

impl Strategy {
    /// Every Strategy, in the order the API lists them.
    pub const ALL: [Strategy; 2] = [Strategy::RoundRobin, Strategy::LeastLoaded];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentRule {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    /// Rules are tried in ascending order.
    pub position: u32,
    /// Only this tenant's tickets (absent: every tenant's).
    #[serde(default)]
    pub tenant: Option<TenantId>,
    /// Only this organization's tickets (needs `tenant`).
    #[serde(default)]
    pub org: Option<OrgId>,
    /// Only these categories (empty: every category).
    #[serde(default)]
    pub categories: Vec<Category>,
    pub agents: Vec<UserId>,
    pub strategy: Strategy,
    /// Open tickets an agent carries before this rule passes them over.
    pub capacity: u32,
}

pub const MAX_RULE_AGENTS: usize = 50;
pub const MAX_CAPACITY: u32 = 500;
pub const MAX_RULES: usize = 100;

impl AssignmentRule {
    pub fn matches(&self, t: &Ticket) -> bool {
        self.matches_parts(&t.tenant, &t.org, t.category.as_str())
    }

    /// [`Self::matches`] from what the queue's keys hold: tenant, organization and the
    /// category's word.
    pub fn matches_parts(&self, tenant: &TenantId, org: &OrgId, category: &str) -> bool {
        self.enabled
            && self.tenant.as_ref().is_none_or(|x| x == tenant)
            && self.org.as_ref().is_none_or(|o| o == org)
            && (self.categories.is_empty() || self.categories.iter().any(|c| c.as_str() == category))
    }

    /// Whether any of this rule's agents is under capacity.
    pub fn has_capacity(&self, loads: &BTreeMap<UserId, u32>) -> bool {
        self.agents.iter().any(|a| loads.get(a).copied().unwrap_or(0) < self.capacity)
    }

    /// The agent this rule gives its next ticket to, if any is under capacity. `last` is the
    /// agent it assigned last (round robin resumes after them).
    pub fn pick(&self, loads: &BTreeMap<UserId, u32>, last: Option<&UserId>) -> Option<UserId> {
        let n = self.agents.len();
        if n == 0 {
            return None;
        }
        let start = last.and_then(|l| self.agents.iter().position(|a| a == l)).map(|i| i + 1).unwrap_or(0);
        // Agents in round-robin order from `start`, with their loads, those under capacity only.
        let turn = (0..n)
            .map(|k| &self.agents[(start + k) % n])
            .map(|a| (a, loads.get(a).copied().unwrap_or(0)))
            .filter(|(_, load)| *load < self.capacity);
        match self.strategy {
            Strategy::RoundRobin => turn.map(|(a, _)| a.clone()).next(),
            // `min_by_key` keeps the first of equals: ties go round robin.
            Strategy::LeastLoaded => turn.min_by_key(|(_, load)| *load).map(|(a, _)| a.clone()),
        }
    }
}

/// Checks a rule's name, scope, agents and capacity; every failing field is named.
pub fn check_rule(rule: &AssignmentRule) -> Result<(), Vec<Invalid>> {
    let mut errors = Vec::new();
    let name = rule.name.trim();
    if name.is_empty() || name.chars().count() > MAX_CANNED_TITLE_CHARS {
        errors.push(Invalid::new("name", "use 1 to 100 characters"));
    }
    if rule.org.is_some() && rule.tenant.is_none() {
        errors.push(Invalid::new("org_id", "name the tenant the organization belongs to (tenant_id)"));
    }
    if rule.agents.is_empty() || rule.agents.len() > MAX_RULE_AGENTS {
        errors.push(Invalid::new("agent_ids", format!("name 1 to {MAX_RULE_AGENTS} agents")));
    } else {
        let mut seen = rule.agents.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != rule.agents.len() {
            errors.push(Invalid::new("agent_ids", "name each agent once"));
        }
    }
    if rule.capacity == 0 || rule.capacity > MAX_CAPACITY {
        errors.push(Invalid::new("capacity", format!("use 1 to {MAX_CAPACITY} open tickets per agent")));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// Whether a ticket in `status` counts towards its assignee's load.
pub fn counts_as_load(status: Status) -> bool {
    !matches!(status, Status::Resolved | Status::Closed)
}

/// How an agent's load changes when a ticket goes from (`assignee`, `status`) to
/// (`to_assignee`, `to_status`): `(agent, ±1)` pairs.
pub fn load_changes(
    assignee: Option<&UserId>,
    status: Status,
    to_assignee: Option<&UserId>,
    to_status: Status,
) -> Vec<(UserId, i64)> {
    let before = assignee.filter(|_| counts_as_load(status));
    let after = to_assignee.filter(|_| counts_as_load(to_status));
    if before == after {
        return vec![];
    }
    let mut out = Vec::new();
    if let Some(a) = before {
        out.push((a.clone(), -1));
    }
    if let Some(a) = after {
        out.push((a.clone(), 1));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Satisfaction

/// The requester's rating of how a ticket was handled, given once it is resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Satisfaction {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub rating: u8,
    #[serde(default)]
    pub comment: String,
    /// `portal` or `email` (the signed link in the resolution email).
    pub via: String,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub at: time::OffsetDateTime,
}

pub const MAX_SURVEY_COMMENT_CHARS: usize = 2000;

/// Checks a rating (1-5) and its comment; every failing field is named.
pub fn check_rating(rating: u8, comment: &str) -> Result<String, Vec<Invalid>> {
    let mut errors = Vec::new();
    if !(1..=5).contains(&rating) {
        errors.push(Invalid::new("rating", "rate from 1 (very dissatisfied) to 5 (very satisfied)"));
    }
    let comment = comment.trim();
    if comment.chars().count() > MAX_SURVEY_COMMENT_CHARS {
        errors.push(Invalid::new("comment", format!("use at most {MAX_SURVEY_COMMENT_CHARS} characters")));
    }
    if errors.is_empty() { Ok(comment.to_owned()) } else { Err(errors) }
}

/// Whether a ticket in `status` may be rated (once its work is done).
pub fn may_rate(status: Status) -> bool {
    matches!(status, Status::Resolved | Status::Closed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u8) -> UserId {
        UserId::try_from(format!("01JD00000000000000000000{n:02}")).expect("user id")
    }

    fn rule(strategy: Strategy, capacity: u32) -> AssignmentRule {
        AssignmentRule {
            id: "r".into(),
            name: "Billing".into(),
            enabled: true,
            position: 1,
            tenant: None,
            org: None,
            categories: vec![],
            agents: vec![user(1), user(2), user(3)],
            strategy,
            capacity,
        }
    }

    #[test]
    fn templates_fill_known_variables_and_refuse_unknown_ones() {
        let (_, body, shortcut) =
            check_canned("Thanks", "Hi {{ requester.first_name }}, {{ticket.number}} is fixed.", Some("/Thanks"))
                .expect("valid");
        assert_eq!(shortcut.as_deref(), Some("thanks"));
        let values =
            BTreeMap::from([("requester.first_name", "Dana".to_owned()), ("ticket.number", "ACME-1001".into())]);
        assert_eq!(render_canned(&body, &values), "Hi Dana, ACME-1001 is fixed.");
        let errors = check_canned(" ", "Hi {{requester.nickname}}", Some("no spaces")).expect_err("invalid");
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["title", "body", "shortcut"]);
        assert!(errors[1].message.contains("requester.nickname"), "{}", errors[1].message);
        let unclosed = check_canned("T", "Hi {{agent.name", None).expect_err("unclosed");
        assert!(unclosed[0].message.contains("closing"));
        assert_eq!(first_name("  Dana  Scully "), "Dana");
    }

    #[test]
    fn round_robin_resumes_after_the_last_agent_and_skips_full_ones() {
        let r = rule(Strategy::RoundRobin, 2);
        let mut loads = BTreeMap::new();
        assert_eq!(r.pick(&loads, None), Some(user(1)));
        assert_eq!(r.pick(&loads, Some(&user(1))), Some(user(2)));
        assert_eq!(r.pick(&loads, Some(&user(3))), Some(user(1)), "wraps around");
        loads.insert(user(2), 2);
        assert_eq!(r.pick(&loads, Some(&user(1))), Some(user(3)), "user 2 is at capacity");
        loads.insert(user(1), 2);
        loads.insert(user(3), 5);
        assert_eq!(r.pick(&loads, Some(&user(1))), None, "everyone at capacity: the ticket waits");
        assert!(!r.has_capacity(&loads));
    }

    #[test]
    fn least_loaded_takes_the_lightest_agent_ties_round_robin() {
        let r = rule(Strategy::LeastLoaded, 3);
        let loads = BTreeMap::from([(user(1), 2), (user(2), 1), (user(3), 1)]);
        assert_eq!(r.pick(&loads, None), Some(user(2)));
        assert_eq!(r.pick(&loads, Some(&user(2))), Some(user(3)), "tie: the next after the last");
        let full = BTreeMap::from([(user(1), 3), (user(2), 3), (user(3), 2)]);
        assert_eq!(r.pick(&full, None), Some(user(3)));
    }

    #[test]
    fn rules_are_checked_field_by_field() {
        let mut r = rule(Strategy::RoundRobin, 0);
        r.name = String::new();
        r.agents = vec![user(1), user(1)];
        r.org = Some(OrgId::try_from("01JD00000000000000000000G0".to_owned()).expect("org"));
        let fields: Vec<String> = check_rule(&r).expect_err("invalid").iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["name", "org_id", "agent_ids", "capacity"]);
        assert!(check_rule(&rule(Strategy::LeastLoaded, 10)).is_ok());
    }

    #[test]
    fn load_follows_assignee_and_open_status() {
        let (a, b) = (user(1), user(2));
        assert_eq!(load_changes(None, Status::New, Some(&a), Status::New), vec![(a.clone(), 1)]);
        assert_eq!(
            load_changes(Some(&a), Status::Open, Some(&b), Status::InProgress),
            vec![(a.clone(), -1), (b.clone(), 1)]
        );
        assert_eq!(load_changes(Some(&a), Status::InProgress, Some(&a), Status::Resolved), vec![(a.clone(), -1)]);
        assert_eq!(load_changes(Some(&a), Status::Resolved, Some(&a), Status::Open), vec![(a.clone(), 1)], "reopened");
        assert!(load_changes(Some(&a), Status::New, Some(&a), Status::PendingClient).is_empty());
        assert!(load_changes(Some(&a), Status::Resolved, Some(&a), Status::Closed).is_empty());
    }

    #[test]
    fn ratings_are_one_to_five_with_a_bounded_comment() {
        assert_eq!(check_rating(5, "  Quick, thanks ").expect("valid"), "Quick, thanks");
        let fields: Vec<String> =
            check_rating(0, &"x".repeat(2001)).expect_err("invalid").iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["rating", "comment"]);
        assert!(may_rate(Status::Resolved) && may_rate(Status::Closed) && !may_rate(Status::Open));
    }
}
