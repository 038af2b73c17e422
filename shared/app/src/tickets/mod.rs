//! Ticket use cases: filing a ticket (tenant-numbered, entering the queue), reading it under
//! the policy, its place in the queue, and status / priority changes that move it in or out
//! of the queue by the rules of [`kt_domain::ticket`]. Every change commits with its activity
//! entry and a `ticket.*` event on the `events` queue, in one transaction.

use kt_domain::DomainEvent;
use kt_domain::identity::{Invalid, OrgId, TicketId};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{
    Category, Priority, QueueMove, QueueSlot, Status, Ticket, display_number, parse_body, parse_subject, parse_tags,
    queue_move,
};
use kt_store::entity::Versioned;
use kt_store::{Cond, Item, Key, TxOp, accounts, tickets};
use serde::{Deserialize, Serialize};

use crate::identity::sessions::ClientInfo;
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
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
}

/// "#3 of 12 in the High queue".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePosition {
    pub priority: Priority,
    pub position: u64,
    pub length: u64,
}

fn resource<'a>(t: &'a Ticket) -> Resource<'a> {
    Resource { tenant: &t.tenant, org: Some(&t.org), owner: Some(&t.requester) }
}

fn activity_op(
    app: &AppState,
    t: &Ticket,
    actor: &Actor,
    kind: &str,
    from: Option<String>,
    to: Option<String>,
) -> Result<TxOp, AppError> {
    let id = app.ids.ulid().to_string();
    let a = Activity {
        id: id.clone(),
        actor: Some(actor.user.to_string()),
        kind: kind.into(),
        from,
        to,
        at: app.clock.now(),
    };
    let key = Key::new(format!("T#{}#TICKET#{}", t.tenant, t.id), format!("ACT#{id}"));
    Ok(TxOp::Put { item: Item::from_entity(key, &a)?, cond: Cond::NotExists })
}

fn event_op(
    app: &AppState,
    kind: &str,
    t: &Ticket,
    tenant: &Tenant,
    extra: serde_json::Value,
) -> Result<TxOp, AppError> {
    let mut payload = serde_json::json!({
        "ticket": t.id.to_string(),
        "number": display_number(tenant.ticket_prefix.as_str(), t.number),
        "org": t.org.to_string(),
        "status": t.status.as_str(),
        "priority": t.priority.as_str(),
        "queue_number": t.queue.map(|q| q.number),
    });
    if let (Some(p), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    let event = DomainEvent::new(app.ids.ulid(), kind, Some(tenant.id.to_string()), app.clock.now(), payload);
    outbox::record(EVENTS, event)
}

/// Files a ticket: draws the tenant's next number and a queue number, and commits the ticket,
/// its number, its place in the queue, the activity entry and `ticket.created` at once.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewTicket,
    _client: &ClientInfo,
) -> Result<Ticket, AppError> {
    let mut errors: Vec<Invalid> = Vec::new();
    let subject = parse_subject(&input.subject).map_err(|e| errors.push(e)).ok();
    let description = parse_body(&input.description, "description").map_err(|e| errors.push(e)).ok();
    let tags = parse_tags(&input.tags).map_err(|e| errors.push(e)).ok();
    let org = match (input.org, actor.orgs.as_slice()) {
        (Some(o), _) => Some(o),
        (None, [only]) if actor.role == kt_domain::identity::Role::Client => Some(only.clone()),
        (None, _) => {
            errors.push(Invalid::new("org", "name the organization the ticket is for"));
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
        return Err(AppError::invalid("org", "is not an organization of this portal"));
    }
    let store = app.store.as_ref();
    let number = tickets::next_number(store, &tenant.id).await?;
    let queue_number = tickets::next_queue_number(store).await?;
    let now = app.clock.now();
    let ticket = Ticket {
        id: TicketId::new(app.ids.ulid()),
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
        queue: Some(QueueSlot { number: queue_number, entered_at: now }),
        created_at: now,
        updated_at: now,
    };
    let mut ops = vec![
        TxOp::Put { item: tickets::item(&ticket, 1)?, cond: Cond::NotExists },
        TxOp::Put { item: tickets::number_item(&ticket), cond: Cond::NotExists },
    ];
    ops.extend(tickets::queue_ops(ticket.priority, queue_number, 1));
    ops.push(activity_op(app, &ticket, actor, "created", None, Some(ticket.status.as_str().into()))?);
    ops.push(event_op(app, "ticket.created", &ticket, tenant, serde_json::json!({}))?);
    store.transact(ops).await?;
    Ok(ticket)
}

/// A ticket the actor may see (404 otherwise).
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &TicketId) -> Result<Versioned<Ticket>, AppError> {
    let t = tickets::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    permit(actor, Permission::ViewOwnTickets, &resource(&t.value))?;
    Ok(t)
}

/// Where a ticket stands in its queue; `None` when it is not waiting for staff.
pub async fn position(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
) -> Result<Option<QueuePosition>, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    permit(actor, Permission::ViewQueuePosition, &resource(&t))?;
    queue_position(app, &t).await
}

/// The queue position of a ticket already read (O(log n) item reads, one round trip).
pub async fn queue_position(app: &AppState, t: &Ticket) -> Result<Option<QueuePosition>, AppError> {
    match t.queue.filter(|_| t.status.waits_for_staff()) {
        None => Ok(None),
        Some(slot) => {
            let (position, length) = tickets::position(app.store.as_ref(), t.priority, slot.number).await?;
            Ok(Some(QueuePosition { priority: t.priority, position, length }))
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Change {
    pub status: Option<Status>,
    pub priority: Option<Priority>,
}

/// Changes status and/or priority (staff, partners and partner staff), moving the ticket in or
/// out of the queue. `if_match` is the version the caller read (`If-Match`).
pub async fn change(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    change: Change,
    if_match: Option<u64>,
) -> Result<Ticket, AppError> {
    let current = get(app, actor, tenant, id).await?;
    permit(actor, Permission::ManageTenantTickets, &resource(&current.value))?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let before = current.value.clone();
    let mut t = current.value;
    let to_status = match change.status.filter(|s| *s != t.status) {
        Some(s) => t.status.transition(s).map_err(|e| AppError::from_invalid(vec![e]))?,
        None => t.status,
    };
    let to_priority = change.priority.unwrap_or(t.priority);
    if to_status == t.status && to_priority == t.priority {
        return Ok(t);
    }
    let mut ops = Vec::new();
    match queue_move(t.status, t.priority, to_status, to_priority) {
        QueueMove::Stay => {}
        QueueMove::Enter(p) => {
            let number = tickets::next_queue_number(app.store.as_ref()).await?;
            t.queue = Some(QueueSlot { number, entered_at: app.clock.now() });
            ops.extend(tickets::queue_ops(p, number, 1));
        }
        QueueMove::Leave(p) => {
            if let Some(slot) = t.queue.take() {
                ops.extend(tickets::queue_ops(p, slot.number, -1));
            }
        }
        QueueMove::Switch { from, to } => {
            if let Some(slot) = t.queue {
                ops.extend(tickets::queue_ops(from, slot.number, -1));
                ops.extend(tickets::queue_ops(to, slot.number, 1));
            }
        }
    }
    t.status = to_status;
    t.priority = to_priority;
    t.updated_at = app.clock.now();
    ops.insert(0, TxOp::Put { item: tickets::item(&t, current.version + 1)?, cond: Cond::Version(current.version) });
    if before.status != t.status {
        ops.push(activity_op(
            app,
            &t,
            actor,
            "status",
            Some(before.status.as_str().into()),
            Some(t.status.as_str().into()),
        )?);
    }
    if before.priority != t.priority {
        ops.push(activity_op(
            app,
            &t,
            actor,
            "priority",
            Some(before.priority.as_str().into()),
            Some(t.priority.as_str().into()),
        )?);
    }
    let left = before.queue.filter(|_| before.status.waits_for_staff()).map(|q| (before.priority.as_str(), q.number));
    let extra = serde_json::json!({
        "from_status": before.status.as_str(),
        "from_priority": before.priority.as_str(),
        "left_queue": left.map(|(p, n)| serde_json::json!({"priority": p, "number": n})),
    });
    ops.push(event_op(app, "ticket.changed", &t, tenant, extra)?);
    match app.store.transact(ops).await {
        Ok(()) => Ok(t),
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}
