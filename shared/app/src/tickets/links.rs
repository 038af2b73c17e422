//! Related tickets and merging, within one tenant.
//!
//! * A link joins two tickets of a tenant both ways (one item in each ticket's partition, in
//!   one transaction). A list shows only the linked tickets the reader may see: a client never
//!   learns of another organization's ticket through a link.
//! * Merging (two tickets of one organization: whoever reads the target reads what moves)
//!   closes the source ticket with a link to the target, in one transaction with its
//!   queue exit, the load counter, the activity lines on both tickets, the source's
//!   description copied into the target's conversation at its place in time, and a
//!   `ticket.merged` event. Its replies, notes, attachments and time entries then move to the
//!   target, each in a transaction that writes it there and removes it here. Moving is
//!   idempotent and resumes: right after the commit, again from the events worker on
//!   `ticket.merged`, and when the same merge is asked for again.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::{Role, TenantId, TicketId};
use kt_domain::policy::{Actor, Permission};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Message, Status, Ticket, display_number, number_in_portal};
use kt_store::workflow::{self, Link};
use kt_store::{Cond, Item, Key, Query, SkCond, TxOp, accounts, limits, tickets};

use super::{activity_op, event_op, get, move_ticket, resource};
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState, markdown, permit};

/// Most links one ticket holds.
pub const MAX_LINKS: usize = 50;

/// A linked ticket as the reader may see it.
#[derive(Debug, Clone)]
pub struct Linked {
    pub link: Link,
    pub ticket: Ticket,
}

/// A ticket of `tenant` named by id or by number (`ACME-1002`, or `1002`).
pub async fn resolve(app: &AppState, tenant: &Tenant, raw: &str, field: &'static str) -> Result<TicketId, AppError> {
    let raw = raw.trim();
    if let Ok(id) = TicketId::try_from(raw.to_owned()) {
        return Ok(id);
    }
    let id = match number_in_portal(raw, tenant.ticket_prefix.as_str()).ok().flatten() {
        Some(n) => tickets::id_by_number(app.store.as_ref(), &tenant.id, n).await?,
        None => None,
    };
    id.ok_or_else(|| AppError::invalid(field, "is not a ticket of this portal"))
}

/// The other ticket of a link or merge: one the actor works, of the same tenant.
async fn other(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    field: &'static str,
) -> Result<kt_store::entity::Versioned<Ticket>, AppError> {
    match get(app, actor, tenant, id).await {
        Ok(t) => {
            permit(actor, Permission::ManageTenantTickets, &resource(&t.value))
                .map_err(|_| AppError::invalid(field, "is not a ticket you work"))?;
            Ok(t)
        }
        Err(AppError::NotFound) => Err(AppError::invalid(field, "is not a ticket of this portal")),
        Err(e) => Err(e),
    }
}

/// The tickets linked to `id` that the actor may see, oldest first.
pub async fn list(app: &AppState, actor: &Actor, tenant: &Tenant, id: &TicketId) -> Result<Vec<Linked>, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    let links = workflow::links(app.store.as_ref(), &t.tenant, &t.id).await?;
    let mut out = Vec::with_capacity(links.len());
    for link in links {
        if let Ok(other) = get(app, actor, tenant, &link.ticket).await {
            out.push(Linked { link, ticket: other.value });
        }
    }
    Ok(out)
}

fn link_ops(app: &AppState, actor: Option<&Actor>, a: &Ticket, b: &Ticket, kind: &str) -> Result<Vec<TxOp>, AppError> {
    let at = app.clock.now();
    let by = actor.map(|x| x.user.clone());
    let ab = Link { ticket: b.id.clone(), kind: kind.into(), created_by: by.clone(), at };
    let ba = Link { ticket: a.id.clone(), kind: kind.into(), created_by: by, at };
    Ok(vec![
        TxOp::Put { item: workflow::link_item(&a.tenant, &a.id, &ab)?, cond: Cond::None },
        TxOp::Put { item: workflow::link_item(&b.tenant, &b.id, &ba)?, cond: Cond::None },
    ])
}

/// Links two tickets of the tenant as related (staff, partners and partner staff). Linking
/// twice is harmless.
pub async fn link(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    other_raw: &str,
) -> Result<Linked, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    permit(actor, Permission::ManageTenantTickets, &resource(&t))?;
    let other_id = resolve(app, tenant, other_raw, "ticket").await?;
    if other_id == t.id {
        return Err(AppError::invalid("ticket", "a ticket cannot be linked to itself"));
    }
    let o = other(app, actor, tenant, &other_id, "ticket").await?.value;
    let store = app.store.as_ref();
    let existing = workflow::links(store, &t.tenant, &t.id).await?;
    if let Some(l) = existing.iter().find(|l| l.ticket == o.id) {
        return Ok(Linked { link: l.clone(), ticket: o });
    }
    if existing.len() >= MAX_LINKS || workflow::links(store, &o.tenant, &o.id).await?.len() >= MAX_LINKS {
        return Err(AppError::Conflict(format!("a ticket holds at most {MAX_LINKS} links")));
    }
    let mut ops = link_ops(app, Some(actor), &t, &o, "related")?;
    let (tn, on) = (
        display_number(tenant.ticket_prefix.as_str(), t.number),
        display_number(tenant.ticket_prefix.as_str(), o.number),
    );
    ops.push(activity_op(app, &t, actor, "linked", None, Some(on))?);
    ops.push(activity_op(app, &o, actor, "linked", None, Some(tn))?);
    store.transact(ops).await?;
    let link = Link {
        ticket: o.id.clone(),
        kind: "related".into(),
        created_by: Some(actor.user.clone()),
        at: app.clock.now(),
    };
    Ok(Linked { link, ticket: o })
}

/// Removes a link (both sides).
pub async fn unlink(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    other_id: &TicketId,
) -> Result<(), AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    permit(actor, Permission::ManageTenantTickets, &resource(&t))?;
    let store = app.store.as_ref();
    if store.get(&workflow::link_key(&t.tenant, &t.id, other_id)).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let mut ops = vec![
        TxOp::Delete { key: workflow::link_key(&t.tenant, &t.id, other_id), cond: Cond::None },
        TxOp::Delete { key: workflow::link_key(&t.tenant, other_id, &t.id), cond: Cond::None },
    ];
    let number = match tickets::get(store, &t.tenant, other_id).await? {
        Some(o) => display_number(tenant.ticket_prefix.as_str(), o.value.number),
        None => other_id.to_string(),
    };
    ops.push(activity_op(app, &t, actor, "unlinked", Some(number), None)?);
    store.transact(ops).await?;
    Ok(())
}

/// Merges `source` into `into`: see the module documentation. Answers the target as it
/// stands after the merge. Asking again for the same merge finishes moving and answers the
/// same; merging a ticket already merged elsewhere is a conflict.
pub async fn merge(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    source: &TicketId,
    into_raw: &str,
) -> Result<(Ticket, Ticket), AppError> {
    let src = get(app, actor, tenant, source).await?;
    permit(actor, Permission::ManageTenantTickets, &resource(&src.value))?;
    let into = resolve(app, tenant, into_raw, "into_ticket").await?;
    if into == src.value.id {
        return Err(AppError::invalid("into_ticket", "a ticket cannot be merged into itself"));
    }
    let dst = other(app, actor, tenant, &into, "into_ticket").await?;
    match &src.value.merged_into {
        Some(m) if *m == dst.value.id => {
            move_conversation(app, &src.value.tenant, &src.value.id, &dst.value.id).await?;
            return Ok((dst.value, src.value));
        }
        Some(_) => return Err(AppError::Conflict("this ticket was already merged into another".into())),
        None => {}
    }
    if src.value.status == Status::Closed {
        return Err(AppError::Conflict("a closed ticket cannot be merged".into()));
    }
    if dst.value.status == Status::Closed || dst.value.merged_into.is_some() {
        return Err(AppError::invalid("into_ticket", "is closed: merge into an open ticket"));
    }
    // Everyone who reads the target would read the source's conversation: same organization only.
    if dst.value.org != src.value.org {
        return Err(AppError::invalid(
            "into_ticket",
            "belongs to another organization: merge tickets of one organization",
        ));
    }
    let store = app.store.as_ref();
    let before = src.value.clone();
    let mut s = src.value;
    let d = dst.value;
    let priority = s.priority;
    let (mut ops, touched) = move_ticket(app, &mut s, Status::Closed, priority).await?;
    s.merged_into = Some(d.id.clone());
    let now = app.clock.now();
    let policy = super::sla::policy_for(app, &s.tenant, &s.org).await?;
    ops.extend(super::sla::reconcile(&mut s, &policy, now));
    ops.extend(workflow::load_ops(before.assignee.as_ref(), before.status, s.assignee.as_ref(), s.status));
    // The source's description joins the target's conversation where it was written.
    let author_role = match accounts::get_user(store, &s.tenant, &s.requester).await? {
        Some(u) => u.value.role,
        None => Role::Client,
    };
    let stamp = ulid::Ulid::from_parts(
        (s.created_at.unix_timestamp_nanos() / 1_000_000).max(0) as u64,
        ulid::Ulid::from_string(s.id.as_str()).map(|u| u.random()).unwrap_or(0),
    );
    let prefix = tenant.ticket_prefix.as_str();
    let (sn, dn) = (display_number(prefix, s.number), display_number(prefix, d.number));
    let body = format!("**Merged from {sn}: {}**\n\n{}", s.subject, s.description);
    let opening = Message {
        id: stamp.to_string(),
        ticket: d.id.clone(),
        author: s.requester.clone(),
        author_role,
        html: markdown::render(&body),
        body,
        internal: false,
        mail: None,
        created_at: s.created_at,
    };
    ops.push(TxOp::Put { item: tickets::message_item(&d.tenant, &opening)?, cond: Cond::None });
    ops.extend(link_ops(app, Some(actor), &s, &d, "merged")?);
    ops.push(activity_op(
        app,
        &s,
        actor,
        "status",
        Some(before.status.as_str().into()),
        Some(s.status.as_str().into()),
    )?);
    ops.push(activity_op(app, &s, actor, "merged_into", None, Some(dn.clone()))?);
    ops.push(activity_op(app, &d, actor, "merged_from", Some(sn.clone()), None)?);
    s.updated_at = now;
    ops.insert(0, TxOp::Put { item: tickets::item(&s, src.version + 1)?, cond: Cond::Version(src.version) });
    ops.push(TxOp::Check { key: tickets::key(&d.tenant, &d.id), cond: Cond::Version(dst.version) });
    let extra = serde_json::json!({
        "fields": ["status"],
        "from_status": before.status.as_str(),
        "from_priority": before.priority.as_str(),
        "from_assignee": before.assignee.as_ref().map(|a| a.to_string()),
        "into": d.id.to_string(),
        "into_number": dn,
    });
    ops.push(event_op(app, "ticket.merged", &s, tenant, Some(actor), &touched, extra)?);
    match store.transact(ops).await {
        Ok(()) => app.outbox_wake.notify_one(),
        Err(e) if e.is_conflict() => return Err(AppError::PreconditionFailed),
        Err(e) => return Err(e.into()),
    }
    if let Err(e) = move_conversation(app, &s.tenant, &s.id, &d.id).await {
        // The events worker finishes it on `ticket.merged`.
        tracing::warn!(error = %e, source = %s.id, "moving a merged ticket's conversation failed; the worker retries");
    }
    let d = tickets::get(store, &d.tenant, &d.id).await?.map(|v| v.value).unwrap_or(d);
    Ok((d, s))
}

/// Pages of a move read again after a concurrent change, at most, per call.
const MAX_MOVE_CONFLICTS: u32 = 10;

/// The sort-key prefixes of what moves with a merge.
const MOVING: [&str; 3] = ["MSG#", "ATT#", "TIME#"];

/// Moves the source's replies, notes, attachments and time entries to the target: each item
/// is written there and removed here in one transaction (25 at a time, fewer when they would
/// pass DynamoDB's 4 MB for a transaction), the removal under the
/// version read, so an item changed meanwhile (an upload confirmed) is read again rather than
/// moved as it was. Safe to repeat.
pub async fn move_conversation(
    app: &AppState,
    tenant: &TenantId,
    source: &TicketId,
    into: &TicketId,
) -> Result<usize, AppError> {
    let store = app.store.as_ref();
    let from_pk = tickets::key(tenant, source).pk;
    let to_pk = tickets::key(tenant, into).pk;
    let mut moved = 0;
    let mut conflicts = 0;
    for prefix in MOVING {
        loop {
            let page =
                store.query(Query::table(from_pk.clone()).sk(SkCond::BeginsWith(prefix.into())).limit(25)).await?;
            if page.items.is_empty() {
                break;
            }
            let mut ops = Vec::with_capacity(page.items.len() * 2);
            let mut bytes = 0;
            for item in page.items {
                let copy = if prefix == "ATT#" {
                    // Rebuilt whole: a pending upload stays listed for the sweep, under its new ticket.
                    let mut a: kt_domain::ticket::Attachment = item.to_entity()?;
                    a.ticket = into.clone();
                    tickets::attachment_item(tenant, &a)?
                } else {
                    let mut attrs = item.attrs.clone();
                    attrs.insert("ticket".into(), serde_json::Value::String(into.to_string()));
                    let mut copy = Item::new(Key::new(to_pk.clone(), item.key.sk.clone()), attrs);
                    copy.expires_at = item.expires_at;
                    copy
                };
                let pair = [
                    TxOp::Put { item: copy, cond: Cond::None },
                    TxOp::Delete { key: item.key, cond: Cond::Version(item.version) },
                ];
                let size: usize = pair.iter().map(limits::op_size).sum();
                // Large messages: fewer per transaction (the rest are the next page's).
                if !ops.is_empty() && bytes + size > limits::MAX_TRANSACT_BYTES {
                    break;
                }
                bytes += size;
                ops.extend(pair);
            }
            let count = ops.len() / 2;
            match store.transact(ops).await {
                Ok(()) => moved += count,
                // Something on the page changed since it was read: read it again (a bounded
                // number of times; the events worker retries the rest).
                Err(e) if e.is_conflict() && conflicts < MAX_MOVE_CONFLICTS => conflicts += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(moved)
}

/// The events worker's step that finishes moving a merged ticket's conversation.
pub struct MergeConsumer {
    app: AppState,
}

impl MergeConsumer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

#[async_trait]
impl Consumer for MergeConsumer {
    fn name(&self) -> &'static str {
        "merge"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == "ticket.merged"
    }

    /// Moving what is left is idempotent: a repeat finds nothing to move.
    fn needs_claim(&self) -> bool {
        false
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let p = &event.payload;
        let id = |k: &str| p.get(k).and_then(|v| v.as_str()).and_then(|s| TicketId::try_from(s.to_owned()).ok());
        let tenant = event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok());
        let (Some(tenant), Some(source), Some(into)) = (tenant, id("ticket"), id("into")) else { return Ok(()) };
        // Only when the source really was merged there (the event is not trusted blindly).
        let merged = tickets::get(self.app.store.as_ref(), &tenant, &source)
            .await
            .map_err(|e| HandlerError(e.to_string()))?
            .is_some_and(|t| t.value.merged_into.as_ref() == Some(&into));
        if merged {
            move_conversation(&self.app, &tenant, &source, &into).await.map_err(|e| HandlerError(e.to_string()))?;
        }
        Ok(())
    }
}
