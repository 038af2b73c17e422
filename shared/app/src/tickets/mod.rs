//! Ticket use cases: filing a ticket (tenant-numbered, entering the queue), reading it under
//! the policy, its place in the queue with an estimated response time, and edits that move it
//! in or out of the queue by the rules of [`kt_domain::ticket`]. Every change commits with its
//! activity entries, its aggregate counters and a `ticket.*` event on the `events` queue, in
//! one transaction.
//!
//! [`conversation`] holds replies and internal notes, [`listing`] the filtered lists, counts
//! and the cross-tenant queue, [`live`] the WebSocket subscriptions and position pushes,
//! [`sla`] the clocks and sweeps, [`time_entries`] the (internal) time tracking.

pub mod assignment;
pub mod attachments;
pub mod bulk;
pub mod canned;
pub mod conversation;
pub mod links;
pub mod listing;
pub mod live;
pub mod renumber;
pub mod reports;
pub mod satisfaction;
pub mod sla;
pub mod time_entries;

use kt_domain::DomainEvent;
use kt_domain::identity::{Invalid, OrgId, Role, TenantId, TicketId, UserId};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::{Tenant, UserStatus};
use kt_domain::ticket::{
    Category, Priority, QueueMove, QueueSlot, Status, Ticket, default_first_response_secs, display_number, estimate,
    parse_body, parse_subject, parse_tags, queue_move,
};
use kt_store::entity::Versioned;
use kt_store::{Cond, Item, TxOp, accounts, tickets};
use serde::{Deserialize, Serialize};

use crate::idempotency::{Guard, Recorded};
use crate::identity::sessions::ClientInfo;
use crate::identity::tenancy;
use crate::{AppError, AppState, outbox, permit};

/// The queue ticket events travel on.
pub const EVENTS: &str = "events";

#[derive(Debug, Clone)]
pub struct NewTicket {
    /// Required unless the actor is a client of exactly one organization.
    pub org: Option<OrgId>,
    pub subject: String,
    pub description: String,
    pub priority: Priority,
    pub category: Category,
    pub tags: Vec<String>,
}

/// One line of a ticket's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub id: String,
    pub actor: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// Entries about internal notes are shown only to those who see internal notes.
    #[serde(default)]
    pub internal: bool,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub at: time::OffsetDateTime,
}

/// "#3 of 12 in the High queue".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePosition {
    pub priority: Priority,
    pub position: u64,
    pub length: u64,
}

/// A position with its estimated time to a first response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueStanding {
    pub at: QueuePosition,
    pub estimate: estimate::Estimate,
}

pub(crate) fn resource(t: &Ticket) -> Resource<'_> {
    Resource { tenant: &t.tenant, org: Some(&t.org), owner: Some(&t.requester) }
}

/// Whether the actor writes from the client's side of this ticket (a client, or whoever filed it).
pub(crate) fn client_side(actor: &Actor, t: &Ticket) -> bool {
    actor.role == Role::Client || actor.user == t.requester
}

pub(crate) fn activity_op(
    app: &AppState,
    t: &Ticket,
    actor: &Actor,
    kind: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<TxOp, AppError> {
    activity_entry(app, t, Some(&actor.user), kind, from, to)
}

/// An activity entry by `actor`, or by the portal itself (`None`: sweeps, rules).
pub(crate) fn activity_entry(
    app: &AppState,
    t: &Ticket,
    actor: Option<&UserId>,
    kind: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<TxOp, AppError> {
    let id = app.ids.ulid().to_string();
    let a = Activity {
        id: id.clone(),
        actor: actor.map(|u| u.to_string()),
        kind: kind.into(),
        from,
        to,
        internal: kind == "note",
        at: app.clock.now(),
    };
    let key = tickets::activity_key(&t.tenant, &t.id, &id);
    Ok(TxOp::Put { item: Item::from_entity(key, &a)?, cond: Cond::NotExists })
}

/// The `ticket.*` event for `t`; `queues` names the priorities whose queue changed, so the
/// live worker knows whose positions to push.
pub(crate) fn event_op(
    app: &AppState,
    kind: &str,
    t: &Ticket,
    tenant: &Tenant,
    actor: Option<&Actor>,
    queues: &[Priority],
    extra: serde_json::Value,
) -> Result<TxOp, AppError> {
    let mut payload = serde_json::json!({
        "ticket": t.id.to_string(),
        "number": display_number(tenant.ticket_prefix.as_str(), t.number),
        "subject": t.subject,
        "org": t.org.to_string(),
        "requester": t.requester.to_string(),
        "assignee": t.assignee.as_ref().map(|a| a.to_string()),
        "watchers": t.watchers.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        "actor": actor.map(|a| a.user.to_string()),
        "status": t.status.as_str(),
        "priority": t.priority.as_str(),
        "queue_number": t.queue.map(|q| q.number),
        "queues_changed": queues.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
    });
    if let (Some(p), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    let event = DomainEvent::new(app.ids.ulid(), kind, Some(tenant.id.to_string()), app.clock.now(), payload);
    outbox::record(EVENTS, event)
}

/// Enters ticket `id` into `priority`'s queue at the back: its queue number (this moment), the
/// position it starts from, and the count-tree increments.
async fn enter_queue(app: &AppState, id: &TicketId, priority: Priority) -> Result<(QueueSlot, Vec<TxOp>), AppError> {
    let entered_at = app.clock.now();
    let number = kt_domain::queue::next_number(entered_at, id.as_str());
    let entered_position = tickets::length(app.store.as_ref(), priority).await? + 1;
    let slot = QueueSlot { number, entered_at, entered_position };
    Ok((slot, tickets::queue_ops(priority, number, id, 1)))
}

/// Moves `t` to `to_status` / `to_priority`: the queue operations (by [`queue_move`]), the
/// counter operations and the timestamps. Returns the operations and the queues touched.
pub(crate) async fn move_ticket(
    app: &AppState,
    t: &mut Ticket,
    to_status: Status,
    to_priority: Priority,
) -> Result<(Vec<TxOp>, Vec<Priority>), AppError> {
    let mut ops = Vec::new();
    let mut touched = Vec::new();
    match queue_move(t.status, t.priority, to_status, to_priority) {
        QueueMove::Stay => {}
        QueueMove::Enter(p) => {
            let (slot, enter) = enter_queue(app, &t.id, p).await?;
            t.queue = Some(slot);
            ops.extend(enter);
            touched.push(p);
        }
        QueueMove::Leave(p) => {
            if let Some(slot) = t.queue.take() {
                ops.extend(tickets::queue_ops(p, slot.number, &t.id, -1));
                touched.push(p);
            }
        }
        QueueMove::Switch { from, to } => {
            if let Some(slot) = t.queue {
                ops.extend(tickets::queue_ops(from, slot.number, &t.id, -1));
                ops.extend(tickets::queue_ops(to, slot.number, &t.id, 1));
                touched.extend([from, to]);
            }
        }
    }
    ops.extend(tickets::stat_change_ops(t, (t.status, t.priority), (to_status, to_priority)));
    let now = app.clock.now();
    if to_status == Status::Resolved && t.status != Status::Resolved {
        t.resolved_at = Some(now);
    } else if !matches!(to_status, Status::Resolved | Status::Closed) {
        t.resolved_at = None;
    }
    t.status = to_status;
    t.priority = to_priority;
    t.updated_at = now;
    Ok((ops, touched))
}

/// Files a ticket: draws the tenant's next number and a queue number, and commits the ticket,
/// its number, its place in the queue, the counters, the activity entry and `ticket.created`
/// at once.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewTicket,
    client: &ClientInfo,
) -> Result<Ticket, AppError> {
    Ok(create_once(app, actor, tenant, input, client, None).await?.0)
}

/// [`create`] guarded by an idempotency key: the key's record commits with the ticket, and a
/// key already recorded answers with its ticket (`true`: replayed) without filing another.
pub async fn create_once(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewTicket,
    _client: &ClientInfo,
    guard: Option<&Guard>,
) -> Result<(Ticket, bool), AppError> {
    create_with(app, actor, tenant, input, guard, None, &|_| Ok(vec![])).await
}

/// Operations a caller commits with the ticket it files (made once the ticket is known).
pub type WithTicket<'a> = &'a (dyn Fn(&Ticket) -> Result<Vec<TxOp>, AppError> + Sync);

/// The one way a ticket is filed: [`create_once`], and mail filing a ticket, which names the
/// mail it came from and commits its own record (`extra`) in the ticket's transaction.
pub async fn create_with(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewTicket,
    guard: Option<&Guard>,
    mail: Option<kt_domain::mail::inbound::MailOrigin>,
    extra: WithTicket<'_>,
) -> Result<(Ticket, bool), AppError> {
    if let Some(g) = guard
        && let Some(t) = filed_before(app, actor, tenant, g).await?
    {
        return Ok((t, true));
    }
    let mut errors: Vec<Invalid> = Vec::new();
    let subject = parse_subject(&input.subject).map_err(|e| errors.push(e)).ok();
    let description = parse_body(&input.description, "description").map_err(|e| errors.push(e)).ok();
    let tags = parse_tags(&input.tags).map_err(|e| errors.push(e)).ok();
    let org = match (input.org, actor.orgs.as_slice()) {
        (Some(o), _) => Some(o),
        (None, [only]) if actor.role == Role::Client => Some(only.clone()),
        (None, _) => {
            errors.push(Invalid::new("org_id", "name the organization the ticket is for"));
            None
        }
    };
    let (Some(subject), Some(description), Some(tags), Some(org), true) =
        (subject, description, tags, org, errors.is_empty())
    else {
        return Err(AppError::from_invalid(errors));
    };
    // No owner yet: a client files only into their own organizations.
    permit(actor, Permission::SubmitTickets, &Resource { tenant: &tenant.id, org: Some(&org), owner: None })?;
    if accounts::get_org(app.store.as_ref(), &tenant.id, &org).await?.is_none() {
        return Err(AppError::invalid("org_id", "is not an organization of this portal"));
    }
    let store = app.store.as_ref();
    let number = tickets::next_number(store, &tenant.id).await?;
    let id = TicketId::new(app.ids.ulid());
    let (slot, queue_ops) = enter_queue(app, &id, input.priority).await?;
    let now = app.clock.now();
    let mut ticket = Ticket {
        id,
        tenant: tenant.id.clone(),
        org,
        number,
        subject,
        description,
        priority: input.priority,
        status: Status::New,
        category: input.category,
        requester: actor.user.clone(),
        assignee: None,
        watchers: vec![],
        tags,
        queue: Some(slot),
        first_response_at: None,
        resolved_at: None,
        sla: None,
        merged_into: None,
        satisfaction: None,
        mail,
        created_at: now,
        updated_at: now,
    };
    let policy = sla::policy_for(app, &tenant.id, &ticket.org).await?;
    let sla_ops = sla::reconcile(&mut ticket, &policy, now);
    let mut ops = vec![
        TxOp::Put { item: tickets::item(&ticket, 1)?, cond: Cond::NotExists },
        TxOp::Put { item: tickets::number_item(&ticket), cond: Cond::NotExists },
        TxOp::Put { item: tickets::ref_item(&ticket), cond: Cond::NotExists },
    ];
    ops.extend(queue_ops);
    ops.extend(sla_ops);
    ops.extend(tickets::stat_ops(&ticket, ticket.status, ticket.priority, 1));
    ops.extend(kt_store::daily::ops(&tenant.id, now, kt_store::daily::CREATED, 1));
    ops.push(activity_op(app, &ticket, actor, "created", None, Some(ticket.status.as_str().into()))?);
    ops.push(event_op(app, "ticket.created", &ticket, tenant, Some(actor), &[ticket.priority], serde_json::json!({}))?);
    ops.extend(extra(&ticket)?);
    if let Some(g) = guard {
        ops.push(g.record(&format!("ticket:{}", ticket.id), now.unix_timestamp())?);
    }
    let guard_op = ops.len() - 1;
    match store.transact(ops).await {
        Ok(()) => {}
        // A copy of this request committed first: answer with its ticket.
        Err(kt_store::StoreError::Conflict { op: Some(i) }) if guard.is_some() && i == guard_op => {
            let g = guard.ok_or_else(|| AppError::Internal("guard".into()))?;
            return filed_before(app, actor, tenant, g).await?.map(|t| (t, true)).ok_or(AppError::PreconditionFailed);
        }
        Err(e) => return Err(e.into()),
    }
    app.outbox_wake.notify_one();
    Ok((ticket, false))
}

/// The ticket an idempotency key already filed, if any; a key used with another body is refused.
async fn filed_before(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    guard: &Guard,
) -> Result<Option<Ticket>, AppError> {
    match guard.recorded(app.store.as_ref()).await? {
        None => Ok(None),
        Some(Recorded::OtherBody) => Err(Guard::other_body()),
        Some(Recorded::Made(resource)) => {
            let id = resource
                .strip_prefix("ticket:")
                .and_then(|id| TicketId::try_from(id.to_owned()).ok())
                .ok_or_else(|| AppError::Internal(format!("idempotency record names {resource}")))?;
            Ok(Some(get(app, actor, tenant, &id).await?.value))
        }
    }
}

/// A ticket the actor may see (404 otherwise).
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &TicketId) -> Result<Versioned<Ticket>, AppError> {
    let t = tickets::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    permit(actor, Permission::ViewOwnTickets, &resource(&t.value))?;
    Ok(t)
}

/// A ticket named only by its id (WebSocket topics), with its tenant.
pub async fn get_by_id(app: &AppState, actor: &Actor, id: &TicketId) -> Result<(Tenant, Ticket), AppError> {
    let tenant_id = tickets::tenant_of(app.store.as_ref(), id).await?.ok_or(AppError::NotFound)?;
    let tenant = tenancy::get(app, &tenant_id).await?;
    let t = get(app, actor, &tenant, id).await?.value;
    Ok((tenant, t))
}

/// Where a ticket stands in its queue, with the estimate; `None` when it is not waiting.
pub async fn position(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
) -> Result<Option<QueueStanding>, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    permit(actor, Permission::ViewQueuePosition, &resource(&t))?;
    standing(app, &t).await
}

/// The standing of a ticket already read: one batch read of O(log n) items (the Fenwick
/// prefix, the root and the history summary).
pub async fn standing(app: &AppState, t: &Ticket) -> Result<Option<QueueStanding>, AppError> {
    let Some(slot) = t.queue.filter(|_| t.status.waits_for_staff()) else {
        return Ok(None);
    };
    let (position, length, summary) =
        tickets::position_with_summary(app.store.as_ref(), t.priority, slot.number).await?;
    let at = QueuePosition { priority: t.priority, position, length };
    let estimate = estimate::estimate(summary.as_ref(), position, default_first_response_secs(t.priority));
    Ok(Some(QueueStanding { at, estimate }))
}

/// The queue position alone (kept for callers that need no estimate).
pub async fn queue_position(app: &AppState, t: &Ticket) -> Result<Option<QueuePosition>, AppError> {
    match t.queue.filter(|_| t.status.waits_for_staff()) {
        None => Ok(None),
        Some(slot) => {
            let (position, length) = tickets::position(app.store.as_ref(), t.priority, slot.number).await?;
            Ok(Some(QueuePosition { priority: t.priority, position, length }))
        }
    }
}

/// An edit of a ticket's fields. `None` leaves a field as it is; `assignee: Some(None)` unassigns.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub subject: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub category: Option<Category>,
    pub assignee: Option<Option<UserId>>,
    pub tags: Option<Vec<String>>,
    pub watchers: Option<Vec<UserId>>,
}

impl Change {
    pub fn status(status: Status) -> Self {
        Self { status: Some(status), ..Self::default() }
    }

    pub fn priority(priority: Priority) -> Self {
        Self { priority: Some(priority), ..Self::default() }
    }
}

/// Someone who may work a ticket of `tenant`: active house staff, or an active partner or
/// partner staff member of the tenant.
pub(crate) async fn check_worker(
    app: &AppState,
    tenant: &TenantId,
    user: &UserId,
    field: &'static str,
) -> Result<(), AppError> {
    let store = app.store.as_ref();
    let mut candidates = vec![tenant.clone()];
    if let Some(house) = tenancy::house(store).await?
        && &house != tenant
    {
        candidates.push(house);
    }
    for t in candidates {
        if let Some(u) = accounts::get_user(store, &t, user).await? {
            let works = matches!(u.value.role, Role::SuperAdmin | Role::Staff | Role::Partner | Role::PartnerStaff);
            if works && u.value.status == UserStatus::Active {
                return Ok(());
            }
        }
    }
    Err(AppError::invalid(field, "is not an active staff member who can work this ticket"))
}

/// Changes a ticket's fields (staff, partners and partner staff), moving it in or out of the
/// queue. `if_match` is the version the caller read (`If-Match`).
pub async fn change(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    change: Change,
    if_match: Option<u64>,
) -> Result<Versioned<Ticket>, AppError> {
    let current = get(app, actor, tenant, id).await?;
    permit(actor, Permission::ManageTenantTickets, &resource(&current.value))?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let before = current.value.clone();
    let mut t = current.value;

    let mut errors: Vec<Invalid> = Vec::new();
    let subject = change.subject.as_deref().map(parse_subject).transpose().map_err(|e| errors.push(e)).ok().flatten();
    let tags = change.tags.as_deref().map(parse_tags).transpose().map_err(|e| errors.push(e)).ok().flatten();
    let to_status = match change.status.filter(|s| *s != t.status) {
        Some(s) => t.status.transition(s).map_err(|e| errors.push(e)).unwrap_or(t.status),
        None => t.status,
    };
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    if let Some(Some(a)) = &change.assignee {
        check_worker(app, &t.tenant, a, "assignee_id").await?;
    }
    if let Some(ws) = &change.watchers {
        if ws.len() > 50 {
            return Err(AppError::invalid("watcher_ids", "use at most 50 watchers"));
        }
        for w in ws {
            check_worker(app, &t.tenant, w, "watcher_ids").await?;
        }
    }
    let to_priority = change.priority.unwrap_or(t.priority);

    let (mut ops, touched) = move_ticket(app, &mut t, to_status, to_priority).await?;
    // (field, from, to) for each change, logged once the ticket holds them all.
    let mut changed: Vec<(&'static str, Option<String>, Option<String>)> = Vec::new();
    if before.status != t.status {
        changed.push(("status", Some(before.status.as_str().into()), Some(t.status.as_str().into())));
    }
    if before.priority != t.priority {
        changed.push(("priority", Some(before.priority.as_str().into()), Some(t.priority.as_str().into())));
    }
    if let Some(s) = subject.filter(|s| *s != before.subject) {
        changed.push(("subject", Some(before.subject.clone()), Some(s.clone())));
        t.subject = s;
    }
    if let Some(c) = change.category.filter(|c| *c != before.category) {
        let name = |c: Category| serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_owned));
        changed.push(("category", name(before.category), name(c)));
        t.category = c;
    }
    if let Some(a) = change.assignee.filter(|a| *a != before.assignee) {
        changed.push(("assignee", before.assignee.as_ref().map(|u| u.to_string()), a.as_ref().map(|u| u.to_string())));
        t.assignee = a;
    }
    if let Some(tags) = tags.filter(|tags| *tags != before.tags) {
        changed.push(("tags", Some(before.tags.join(",")), Some(tags.join(","))));
        t.tags = tags;
    }
    if let Some(mut ws) = change.watchers {
        ws.sort();
        ws.dedup();
        if ws != before.watchers {
            changed.push(("watchers", Some(before.watchers.len().to_string()), Some(ws.len().to_string())));
            t.watchers = ws;
        }
    }
    if changed.is_empty() {
        return Ok(Versioned { value: before, version: current.version });
    }
    let fields: Vec<&str> = changed.iter().map(|(f, _, _)| *f).collect();
    for (kind, from, to) in changed.iter().cloned() {
        ops.push(activity_op(app, &t, actor, kind, from, to)?);
    }
    t.updated_at = app.clock.now();
    let policy = sla::policy_for(app, &t.tenant, &t.org).await?;
    let now = t.updated_at;
    ops.extend(sla::reconcile(&mut t, &policy, now));
    ops.extend(kt_store::workflow::load_ops(before.assignee.as_ref(), before.status, t.assignee.as_ref(), t.status));
    let version = current.version + 1;
    ops.insert(0, TxOp::Put { item: tickets::item(&t, version)?, cond: Cond::Version(current.version) });
    let extra = serde_json::json!({
        "fields": fields,
        "from_status": before.status.as_str(),
        "from_priority": before.priority.as_str(),
        "from_assignee": before.assignee.as_ref().map(|a| a.to_string()),
    });
    ops.push(event_op(app, "ticket.changed", &t, tenant, Some(actor), &touched, extra)?);
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok(Versioned { value: t, version })
        }
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}
