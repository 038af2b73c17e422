//! How tickets look to their viewers: the ticket with its place in the queue, estimate, SLA
//! clocks and satisfaction, as each role may see it.

use kt_app::tickets::QueueStanding;
use kt_app::tickets::live::position_label;
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Ticket, display_number};
use serde::Serialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    kt_domain::timestamp(t)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EstimateView {
    /// The estimated first response falls between these many seconds from now...
    pub low_secs: u64,
    /// ...and these.
    pub high_secs: u64,
    /// `history` (recent first responses at this priority) or `sla_target` (too little history:
    /// the first-response target is the bound).
    pub basis: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    #[schema(example = "high")]
    pub priority: String,
    pub position: u64,
    pub length: u64,
    /// `#3 of 12 in the High queue`.
    pub label: String,
    pub estimate: EstimateView,
}

pub(crate) fn queue_view(s: &QueueStanding) -> QueueView {
    QueueView {
        priority: s.at.priority.as_str().into(),
        position: s.at.position,
        length: s.at.length,
        label: position_label(&s.at),
        estimate: EstimateView {
            low_secs: s.estimate.low_secs,
            high_secs: s.estimate.high_secs,
            basis: serde_json::to_value(s.estimate.basis)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
        },
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlaClockView {
    pub target_secs: i64,
    /// Business seconds used when the ticket was last changed (plus the running time since).
    pub used_secs: i64,
    /// `running`, `paused` or `stopped`.
    pub state: String,
    pub warned: bool,
    pub breached: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SlaView {
    pub policy: String,
    pub first_response_due_at: Option<String>,
    pub resolution_due_at: Option<String>,
    pub first_response: SlaClockView,
    pub resolution: SlaClockView,
}

pub(crate) fn clock_view(c: &kt_domain::sla::Clock, now: OffsetDateTime) -> SlaClockView {
    let state = if c.stopped_at.is_some() {
        "stopped"
    } else if c.running_since.is_some() {
        "running"
    } else {
        "paused"
    };
    // Wall time since the run began: the calendar is not at hand here, so this is an upper bound
    // that the due times (computed on the calendar) make exact.
    let running = c.running_since.map(|s| (now - s).whole_seconds().max(0)).unwrap_or(0);
    SlaClockView {
        target_secs: c.target_secs,
        used_secs: c.used_secs + running,
        state: state.into(),
        warned: c.warned,
        breached: c.breached,
    }
}

pub(crate) fn sla_view(s: &kt_domain::ticket::TicketSla, now: OffsetDateTime) -> SlaView {
    SlaView {
        policy: s.policy.clone(),
        first_response_due_at: s.first_response_due_at.map(rfc3339),
        resolution_due_at: s.resolution_due_at.map(rfc3339),
        first_response: clock_view(&s.first_response, now),
        resolution: clock_view(&s.resolution, now),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    pub id: String,
    /// Tenant-prefixed number, e.g. `ACME-1001`.
    pub number: String,
    pub tenant_id: String,
    pub org_id: String,
    pub subject: String,
    /// Markdown as written.
    pub description: String,
    /// The description rendered to sanitized HTML (absent in lists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description_html: Option<String>,
    /// `low`, `medium`, `high` or `critical`.
    pub priority: String,
    /// `new`, `open`, `in_progress`, `pending_client`, `resolved` or `closed`.
    pub status: String,
    /// `technical_support`, `billing`, `general_inquiry`, `bug_report` or `feature_request`.
    pub category: String,
    pub requester_id: String,
    pub assignee_id: Option<String>,
    pub watcher_ids: Vec<String>,
    pub tags: Vec<String>,
    /// Where it stands while it waits for staff.
    pub queue: Option<QueueView>,
    /// Service-level clocks (not shown to clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sla: Option<SlaView>,
    pub created_at: String,
    pub updated_at: String,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    /// The ticket this one was merged into (it is then Closed).
    pub merged_into_id: Option<String>,
    /// The requester's rating, once given.
    pub satisfaction: Option<SatisfactionView>,
    /// Who filed it (a single ticket's read): name, organization and, for those who work
    /// tickets, email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester: Option<PersonView>,
    /// The mail it was filed from, with how that mail authenticated.
    pub via_mail: Option<crate::mail::MailOriginView>,
    /// Send back in `If-Match` to edit.
    pub version: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionView {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub rating: u8,
    pub comment: String,
    /// `portal` or `email`.
    pub via: String,
    pub at: String,
}

pub(crate) fn satisfaction_view(s: &kt_domain::workflow::Satisfaction) -> SatisfactionView {
    SatisfactionView { rating: s.rating, comment: s.comment.clone(), via: s.via.clone(), at: rfc3339(s.at) }
}

pub(crate) fn name_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A ticket as `viewer` may see it (`full`: with the rendered description).
pub(crate) fn ticket_view(
    tenant: &Tenant,
    t: &Ticket,
    version: u64,
    standing: Option<&QueueStanding>,
    full: bool,
    viewer: &kt_domain::policy::Actor,
) -> TicketView {
    let now = OffsetDateTime::now_utc();
    TicketView {
        id: t.id.to_string(),
        number: display_number(tenant.ticket_prefix.as_str(), t.number),
        tenant_id: t.tenant.to_string(),
        org_id: t.org.to_string(),
        subject: t.subject.clone(),
        description: t.description.clone(),
        description_html: full.then(|| kt_app::markdown::render(&t.description)),
        priority: t.priority.as_str().into(),
        status: t.status.as_str().into(),
        category: name_of(t.category),
        requester_id: t.requester.to_string(),
        assignee_id: t.assignee.as_ref().map(|a| a.to_string()),
        watcher_ids: t.watchers.iter().map(|w| w.to_string()).collect(),
        tags: t.tags.clone(),
        queue: standing.map(queue_view),
        sla: t.sla.as_ref().filter(|_| kt_domain::ticket::sees_internal(viewer.role)).map(|s| sla_view(s, now)),
        created_at: rfc3339(t.created_at),
        updated_at: rfc3339(t.updated_at),
        first_response_at: t.first_response_at.map(rfc3339),
        resolved_at: t.resolved_at.map(rfc3339),
        merged_into_id: t.merged_into.as_ref().map(|m| m.to_string()),
        satisfaction: t.satisfaction.as_ref().map(satisfaction_view),
        requester: None,
        via_mail: t.mail.as_ref().map(crate::mail::origin_view),
        version,
    }
}

/// A person beside what they did.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    /// Up to two initials of the name, for an avatar.
    pub initials: String,
    /// Shown to those who work tickets (staff, partners, partner staff), not to clients.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The organization the ticket was filed for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org: Option<OrgView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub id: String,
    pub name: String,
}
