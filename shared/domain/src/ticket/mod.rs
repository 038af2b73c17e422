//! Tickets (PRD 4.2): priorities, statuses and the transitions between them, categories,
//! tenant-prefixed numbers, and the rules of the work queue.
//!
//! # The queue
//!
//! There is one queue per priority, across all tenants (Kre8ivTech staff work everyone's
//! tickets). It holds the tickets waiting for staff: those in a [`Status::waits_for_staff`]
//! status (New, Open). Order is first in, first out by the moment a ticket *entered* the
//! queue, recorded as its queue number ([`crate::queue::number`]: that moment, to a fraction of
//! a millisecond).
//!
//! * A new ticket enters at the back of its priority's queue.
//! * Leaving a waiting status (staff take it: In Progress; or Pending Client, Resolved,
//!   Closed) leaves the queue.
//! * Coming back to a waiting status from a status that does not wait (a client replies to a
//!   Pending Client ticket, a resolved ticket is reopened) enters again at the back: a new
//!   queue number. Moving between the two waiting statuses (New to Open) keeps the place.
//! * A priority change while waiting moves the ticket to the other priority's queue *keeping
//!   its queue number*: it stands where it would have stood had it been filed with that
//!   priority (an escalated ticket jumps ahead of newer ones, not of older ones).
//!
//! The position of a waiting ticket is 1 + the number of waiting tickets of the same priority
//! with a smaller queue number. [`crate::queue`] keeps that count readable in a bounded number of
//! items, with no item written by every change.

use serde::{Deserialize, Serialize};

use crate::identity::{Invalid, OrgId, TenantId, TicketId, UserId};

mod attachment;
pub mod estimate;
mod time_entry;

pub use attachment::*;
pub use time_entry::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Priority::Low, Priority::Medium, Priority::High, Priority::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }

    /// As clients read it: "#3 of 12 in the High queue".
    pub fn label(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
            Priority::Critical => "Critical",
        }
    }

    /// One step up, for escalations (Critical stays Critical).
    pub fn raised(self) -> Priority {
        match self {
            Priority::Low => Priority::Medium,
            Priority::Medium => Priority::High,
            Priority::High | Priority::Critical => Priority::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    New,
    Open,
    InProgress,
    PendingClient,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] =
        [Status::New, Status::Open, Status::InProgress, Status::PendingClient, Status::Resolved, Status::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::PendingClient => "pending_client",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::New => "New",
            Status::Open => "Open",
            Status::InProgress => "In Progress",
            Status::PendingClient => "Pending Client",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
        }
    }

    /// Whether a ticket in this status is in the work queue.
    pub fn waits_for_staff(self) -> bool {
        matches!(self, Status::New | Status::Open)
    }

    /// Whether SLA clocks run (they pause while the client owes an answer, and stop at the end).
    pub fn sla_clock_runs(self) -> bool {
        matches!(self, Status::New | Status::Open | Status::InProgress)
    }

    /// The statuses a ticket may move to from this one.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            New => &[Open, InProgress, PendingClient, Resolved, Closed],
            Open => &[InProgress, PendingClient, Resolved, Closed],
            InProgress => &[Open, PendingClient, Resolved, Closed],
            PendingClient => &[Open, InProgress, Resolved, Closed],
            // Reopening is the way back from Resolved; Closed is final (a follow-up is a new ticket).
            Resolved => &[Open, Closed],
            Closed => &[],
        }
    }

    pub fn can_become(self, to: Status) -> bool {
        self.next().contains(&to)
    }

    /// Checks a transition, naming the field and the allowed targets when it is refused.
    pub fn transition(self, to: Status) -> Result<Status, Invalid> {
        if self.can_become(to) {
            return Ok(to);
        }
        let allowed: Vec<&str> = self.next().iter().map(|s| s.label()).collect();
        let message = if allowed.is_empty() {
            format!("a {} ticket cannot change status", self.label())
        } else {
            format!("a {} ticket can become {}", self.label(), allowed.join(", "))
        };
        Err(Invalid::new("status", message))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    TechnicalSupport,
    Billing,
    GeneralInquiry,
    BugReport,
    FeatureRequest,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::TechnicalSupport,
        Category::Billing,
        Category::GeneralInquiry,
        Category::BugReport,
        Category::FeatureRequest,
    ];

    /// The word in the API and in keys (`technical_support`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::TechnicalSupport => "technical_support",
            Category::Billing => "billing",
            Category::GeneralInquiry => "general_inquiry",
            Category::BugReport => "bug_report",
            Category::FeatureRequest => "feature_request",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::TechnicalSupport => "Technical Support",
            Category::Billing => "Billing",
            Category::GeneralInquiry => "General Inquiry",
            Category::BugReport => "Bug Report",
            Category::FeatureRequest => "Feature Request",
        }
    }
}

/// Numbers start here in every tenant (`KT-1001`).
pub const FIRST_TICKET_NUMBER: u64 = 1001;

/// `PREFIX-NUMBER`, e.g. `ACME-1001`.
pub fn display_number(prefix: &str, number: u64) -> String {
    format!("{prefix}-{number}")
}

/// Splits `ACME-1001` into its prefix and number.
pub fn parse_number(raw: &str) -> Option<(String, u64)> {
    let (prefix, n) = raw.trim().rsplit_once('-')?;
    let number = n.parse().ok().filter(|n| *n >= FIRST_TICKET_NUMBER)?;
    (!prefix.is_empty()).then(|| (prefix.to_uppercase(), number))
}

/// `raw` is not a ticket number at all (neither `PREFIX-digits` nor digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotATicketNumber;

/// The number `raw` names among the tickets of the portal whose prefix is `prefix`, as people
/// write it: `ACME-1002` (any case) or `1002`. Another portal's `KT-1002`, or a number below
/// the first, names none here (`Ok(None)`); other text is no ticket number.
pub fn number_in_portal(raw: &str, prefix: &str) -> Result<Option<u64>, NotATicketNumber> {
    let raw = raw.trim();
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    match raw.rsplit_once('-') {
        Some((p, d)) if !p.is_empty() && digits(d) => {
            Ok(parse_number(raw).and_then(|(p, n)| (p == prefix.to_uppercase()).then_some(n)))
        }
        None if digits(raw) => Ok(raw.parse::<u64>().ok()),
        _ => Err(NotATicketNumber),
    }
}

/// What a status or priority change does to a ticket's place in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueMove {
    /// Nothing changes.
    Stay,
    /// Enters `priority`'s queue at the back (draws a new queue number).
    Enter(Priority),
    /// Leaves `priority`'s queue.
    Leave(Priority),
    /// Moves from one priority's queue to another's, keeping its queue number.
    Switch { from: Priority, to: Priority },
}

/// The queue consequence of a ticket going from (`status`, `priority`) to (`to_status`,
/// `to_priority`); see the module documentation for the rules.
pub fn queue_move(status: Status, priority: Priority, to_status: Status, to_priority: Priority) -> QueueMove {
    match (status.waits_for_staff(), to_status.waits_for_staff()) {
        (false, false) => QueueMove::Stay,
        (false, true) => QueueMove::Enter(to_priority),
        (true, false) => QueueMove::Leave(priority),
        (true, true) if priority == to_priority => QueueMove::Stay,
        (true, true) => QueueMove::Switch { from: priority, to: to_priority },
    }
}

/// A ticket's place in the queue while it waits for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSlot {
    /// The queue number of the moment the ticket entered ([`crate::queue::number`]).
    pub number: u64,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub entered_at: time::OffsetDateTime,
    /// Its position when it entered (the basis of response-time history).
    #[serde(default)]
    pub entered_position: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub tenant: TenantId,
    pub org: OrgId,
    /// Per-tenant number, shown with the tenant's prefix (`ACME-1001`).
    pub number: u64,
    pub subject: String,
    /// Markdown as written.
    pub description: String,
    pub priority: Priority,
    pub status: Status,
    pub category: Category,
    pub requester: UserId,
    #[serde(default)]
    pub assignee: Option<UserId>,
    #[serde(default)]
    pub watchers: Vec<UserId>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Present while the ticket waits for staff.
    #[serde(default)]
    pub queue: Option<QueueSlot>,
    /// When staff first answered in public (the end of the first wait).
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub first_response_at: Option<time::OffsetDateTime>,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub resolved_at: Option<time::OffsetDateTime>,
    /// Service-level clocks (absent on tickets filed before SLAs existed: started on next change).
    #[serde(default)]
    pub sla: Option<TicketSla>,
    /// Set when the ticket was merged into another (it is then Closed, its conversation moved).
    #[serde(default)]
    pub merged_into: Option<TicketId>,
    /// The requester's rating, once given (at most one per ticket).
    #[serde(default)]
    pub satisfaction: Option<crate::workflow::Satisfaction>,
    /// The mail it was filed from, when it came by mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<crate::mail::inbound::MailOrigin>,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub updated_at: time::OffsetDateTime,
}

/// A ticket subject: 1-200 characters after trimming, on one line.
pub fn parse_subject(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    if s.is_empty() || s.chars().count() > 200 || s.chars().any(char::is_control) {
        return Err(Invalid::new("subject", "use 1 to 200 characters on one line"));
    }
    Ok(s.to_owned())
}

/// Longest description or reply, in characters.
pub const MAX_BODY_CHARS: usize = 50_000;

/// A description or reply: Markdown, 1 to [`MAX_BODY_CHARS`] characters.
pub fn parse_body(raw: &str, field: &'static str) -> Result<String, Invalid> {
    let s = raw.trim_end();
    if s.trim().is_empty() {
        return Err(Invalid::new(field, "is required"));
    }
    if s.chars().count() > MAX_BODY_CHARS {
        return Err(Invalid::new(field, format!("use at most {MAX_BODY_CHARS} characters")));
    }
    Ok(s.to_owned())
}

/// Tags: lower-case words of letters, digits, `-` and `_` (1-32 characters), at most 20, deduplicated.
pub fn parse_tags<S: AsRef<str>>(raw: &[S]) -> Result<Vec<String>, Invalid> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = t.as_ref().trim().to_lowercase();
        let ok = (1..=32).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            return Err(Invalid::new("tags", format!("{t:?} is not a tag: use letters, digits, - and _")));
        }
        if !out.contains(&t) {
            out.push(t);
        }
    }
    if out.len() > 20 {
        return Err(Invalid::new("tags", "use at most 20 tags"));
    }
    Ok(out)
}

/// A ticket's service-level clocks and the alarms they have pending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketSla {
    pub policy: String,
    pub warn_percent: u8,
    pub first_response: crate::sla::Clock,
    pub resolution: crate::sla::Clock,
    /// Whether each clock's outcome has been counted in the compliance figures.
    #[serde(default)]
    pub first_counted: bool,
    #[serde(default)]
    pub resolution_counted: bool,
    /// When the next alarms fall due (for display), and the store keys of their due-items
    /// (`pk`, `sk`), replaced whenever the clocks change.
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub first_response_due_at: Option<time::OffsetDateTime>,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub resolution_due_at: Option<time::OffsetDateTime>,
    #[serde(default)]
    pub due_items: Vec<(String, String)>,
}

/// A public reply or an internal note. Internal notes are for the people who work the ticket
/// (staff, partners, partner staff) and never reach a client by any path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: String,
    pub ticket: TicketId,
    pub author: UserId,
    pub author_role: crate::identity::Role,
    /// Markdown as written.
    pub body: String,
    /// `body` rendered and sanitized (no scripts, no event handlers, safe links).
    pub html: String,
    pub internal: bool,
    /// The mail it came in, when it came by mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<crate::mail::inbound::MailOrigin>,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: time::OffsetDateTime,
}

/// Who may read internal notes: everyone who works tickets, never a client.
pub fn sees_internal(role: crate::identity::Role) -> bool {
    role != crate::identity::Role::Client
}

/// The status a reply moves a ticket to when the author names none:
/// * a client (or anyone on the client's side) answering a ticket that waited for them, or
///   writing on a resolved one, puts it back in the queue (Open);
/// * staff answering in public a ticket that waits for them hand it to the client (Pending
///   Client), which ends the wait in the queue;
/// * internal notes never move a ticket.
pub fn status_after_reply(status: Status, from_client: bool, internal: bool) -> Status {
    match (internal, from_client, status) {
        (true, _, s) => s,
        (false, true, Status::PendingClient | Status::Resolved) => Status::Open,
        (false, false, Status::New | Status::Open) => Status::PendingClient,
        (false, _, s) => s,
    }
}

/// First-response targets when a tenant has no SLA policy of its own (seconds).
pub fn default_first_response_secs(priority: Priority) -> u64 {
    match priority {
        Priority::Critical => 3600,
        Priority::High => 4 * 3600,
        Priority::Medium => 8 * 3600,
        Priority::Low => 24 * 3600,
    }
}

#[cfg(test)]
mod category_tests {
    use super::Category;

    #[test]
    fn category_words_are_the_serialized_ones() {
        for c in Category::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn attachments_are_checked_and_quotas_hold() {
        assert_eq!(check_attachment("C:\\Users\\dana\\report.pdf", "application/pdf", 10).as_deref(), Ok("report.pdf"));
        assert_eq!(check_attachment("../../etc/passwd\n", "text/plain", 10).as_deref(), Ok("passwd"));
        let fields = |r: Result<String, Vec<Invalid>>| r.unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(check_attachment("", "text/html", 0)), ["filename", "content_type", "size"]);
        assert_eq!(fields(check_attachment("big.zip", "application/zip", MAX_ATTACHMENT_BYTES + 1)), ["size"]);
        assert!(check_attachment("max.zip", "application/zip", MAX_ATTACHMENT_BYTES).is_ok());
        assert!(quota_allows(0, DEFAULT_STORAGE_QUOTA_BYTES, DEFAULT_STORAGE_QUOTA_BYTES));
        assert!(!quota_allows(1, DEFAULT_STORAGE_QUOTA_BYTES, DEFAULT_STORAGE_QUOTA_BYTES));
        assert!(!quota_allows(u64::MAX, u64::MAX, 1));
    }

    #[test]
    fn time_entries_are_checked_field_by_field() {
        // Noon UTC on 1 December: already 2 December at UTC+14 (Kiribati), nowhere the 3rd.
        let now = time::macros::datetime!(2026-12-01 12:00 UTC);
        let today = time::macros::date!(2026 - 12 - 01);
        assert!(check_time_entry(30, today, "call with the client", now).is_ok());
        assert!(check_time_entry(30, today.next_day().unwrap(), "logged from Auckland", now).is_ok());
        let tomorrow_everywhere = today + time::Duration::days(2);
        assert!(check_time_entry(MAX_ENTRY_MINUTES, today - time::Duration::days(MAX_ENTRY_AGE_DAYS), "", now).is_ok());
        let fields = |r: Result<(), Vec<Invalid>>| r.unwrap_err().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(check_time_entry(0, today, "", now)), ["minutes"]);
        assert_eq!(fields(check_time_entry(MAX_ENTRY_MINUTES + 1, today, "", now)), ["minutes"]);
        assert_eq!(fields(check_time_entry(5, tomorrow_everywhere, "", now)), ["work_date"]);
        let long_ago = today - time::Duration::days(MAX_ENTRY_AGE_DAYS + 1);
        assert_eq!(fields(check_time_entry(0, long_ago, &"x".repeat(1001), now)), ["minutes", "work_date", "note"]);
        // The 2nd begins somewhere at 10:00 UTC on the 1st.
        let late = time::macros::datetime!(2026-12-01 23:30 UTC);
        assert_eq!(latest_date_anywhere(late), time::macros::date!(2026 - 12 - 02));
        assert_eq!(
            latest_date_anywhere(time::macros::datetime!(2026-12-01 10:00 UTC)),
            time::macros::date!(2026 - 12 - 02)
        );
        assert_eq!(latest_date_anywhere(time::macros::datetime!(2026-12-01 09:59 UTC)), today);
    }

    #[test]
    fn transitions() {
        assert!(Status::New.can_become(Status::InProgress));
        assert!(Status::Resolved.can_become(Status::Open), "reopen");
        assert!(!Status::Closed.can_become(Status::Open), "closed is final");
        assert!(!Status::Open.can_become(Status::New), "nothing goes back to New");
        for s in Status::ALL {
            assert!(!s.can_become(s), "{s:?} to itself is not a transition");
            assert!(!s.can_become(Status::New));
        }
        let e = Status::Closed.transition(Status::Open).unwrap_err();
        assert_eq!(e.field, "status");
        assert_eq!(
            Status::Resolved.transition(Status::InProgress).unwrap_err().message,
            "a Resolved ticket can become Open, Closed"
        );
    }

    #[test]
    fn queue_rules() {
        use Priority::*;
        use Status::*;
        assert_eq!(queue_move(New, High, Open, High), QueueMove::Stay, "New to Open keeps the place");
        assert_eq!(queue_move(Open, High, InProgress, High), QueueMove::Leave(High));
        assert_eq!(queue_move(PendingClient, Low, Open, Low), QueueMove::Enter(Low), "a client reply re-queues");
        assert_eq!(queue_move(Resolved, Low, Open, Critical), QueueMove::Enter(Critical));
        assert_eq!(queue_move(Open, Low, Open, Critical), QueueMove::Switch { from: Low, to: Critical });
        assert_eq!(queue_move(InProgress, Low, InProgress, High), QueueMove::Stay, "not waiting, no queue");
        assert_eq!(queue_move(Open, Low, Closed, High), QueueMove::Leave(Low), "leaves from where it was");
    }

    #[test]
    fn numbers() {
        assert_eq!(display_number("ACME", 1001), "ACME-1001");
        assert_eq!(parse_number(" acme-1042 "), Some(("ACME".into(), 1042)));
        assert_eq!(parse_number("KT-12"), None, "numbers start at 1001");
        assert_eq!(parse_number("1001"), None);
        assert_eq!(parse_number("-1001"), None);
        assert_eq!(number_in_portal(" acme-1042 ", "ACME"), Ok(Some(1042)));
        assert_eq!(number_in_portal("1042", "ACME"), Ok(Some(1042)));
        assert_eq!(number_in_portal("KT-1042", "ACME"), Ok(None), "another portal's");
        assert_eq!(number_in_portal("ACME-999", "ACME"), Ok(None), "below the first");
        for text in ["soon", "ACME-", "-1042", "+1042", "ACME-10a2", ""] {
            assert_eq!(number_in_portal(text, "ACME"), Err(NotATicketNumber), "{text:?}");
        }
    }

    #[test]
    fn replies_move_tickets_by_who_writes() {
        use Status::*;
        assert_eq!(status_after_reply(PendingClient, true, false), Open, "the client answered: back in the queue");
        assert_eq!(status_after_reply(Resolved, true, false), Open, "a client writing on a resolved ticket reopens it");
        assert_eq!(status_after_reply(New, false, false), PendingClient, "staff answered: the client's turn");
        assert_eq!(status_after_reply(InProgress, false, false), InProgress);
        assert_eq!(status_after_reply(New, false, true), New, "notes move nothing");
        assert_eq!(status_after_reply(Open, true, false), Open);
        assert!(!sees_internal(crate::identity::Role::Client));
        assert!(sees_internal(crate::identity::Role::PartnerStaff));
    }

    #[test]
    fn estimates_from_synthetic_histories() {
        use estimate::*;
        // No history: the SLA target, as a bound.
        let e = estimate(None, 3, 4 * 3600);
        assert_eq!((e.low_secs, e.high_secs, e.basis), (0, 4 * 3600, Basis::SlaTarget));
        assert_eq!(summarize(&[Sample { wait_secs: 600, position: 1 }; 4]), None, "four samples are not history");
        // Every place took 10 minutes: position 3 waits about 30 minutes.
        let steady: Vec<Sample> = (1..=20).map(|p| Sample { wait_secs: 600 * p, position: p }).collect();
        let s = summarize(&steady).unwrap();
        assert_eq!((s.per_place_low, s.per_place_high), (600.0, 600.0));
        let e = estimate(Some(&s), 3, 3600);
        assert_eq!((e.low_secs, e.high_secs, e.basis), (1800, 1800, Basis::History));
        // Places took 5 to 15 minutes: a range, wider further back.
        let spread: Vec<Sample> = (0..40).map(|i| Sample { wait_secs: 300 + (i % 3) * 300, position: 1 }).collect();
        let s = summarize(&spread).unwrap();
        let near = estimate(Some(&s), 1, 3600);
        let far = estimate(Some(&s), 10, 3600);
        assert!(near.low_secs <= 600 && near.high_secs >= 600, "{near:?}");
        assert!(far.high_secs - far.low_secs > near.high_secs - near.low_secs, "{near:?} {far:?}");
        assert!(far.low_secs >= 3000 && far.high_secs <= 3 * 3600, "{far:?}");
        // Long waits round to hours and days.
        assert_eq!(round_human(3 * 3600 + 5, true), 4 * 3600);
        assert_eq!(round_human(50 * 3600, false), 2 * 86_400);
        assert_eq!(round_human(10, false), 60, "never 'zero minutes'");
    }

    proptest! {
        /// An estimate is a range, low <= high, growing with the position.
        #[test]
        fn estimates_grow_with_position(waits in proptest::collection::vec((1u64..100_000, 1u64..50), 5..60), p in 1u64..500) {
            let samples: Vec<estimate::Sample> = waits.iter().map(|(w, pos)| estimate::Sample { wait_secs: *w, position: *pos }).collect();
            let s = estimate::summarize(&samples).unwrap();
            let a = estimate::estimate(Some(&s), p, 3600);
            let b = estimate::estimate(Some(&s), p + 1, 3600);
            prop_assert!(a.low_secs <= a.high_secs);
            prop_assert!(a.low_secs <= b.low_secs && a.high_secs <= b.high_secs);
        }
    }
}
