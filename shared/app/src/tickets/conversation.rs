//! A ticket's conversation: public replies and internal notes (Markdown, stored with its
//! sanitized HTML), and the activity log. A reply moves the ticket by
//! [`kt_domain::ticket::status_after_reply`] unless its author names a status; staff's first
//! public answer ends the first wait and becomes response-time history. Internal notes and
//! their activity entries never reach a client: every read here filters them out.

use kt_domain::identity::TicketId;
use kt_domain::policy::{Actor, Permission};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Message, Status, Ticket, estimate, parse_body, sees_internal, status_after_reply};
use kt_store::{Cond, Item, TxOp, tickets};

use super::{Activity, activity_op, client_side, event_op, get, move_ticket, resource};
use crate::{AppError, AppState, markdown, permit};

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub body: String,
    pub internal: bool,
    /// The status to leave the ticket in (people who manage tickets only); `None` applies the
    /// reply rule.
    pub status: Option<Status>,
}

/// How many times a reply re-reads the ticket when a concurrent edit got there first.
const REPLY_ATTEMPTS: usize = 5;

/// Adds a reply or an internal note. Returns the message and the ticket as it now stands.
pub async fn reply(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    input: NewMessage,
) -> Result<(Message, Ticket), AppError> {
    reply_with(app, actor, tenant, id, input, None, &|_, _| Ok(vec![])).await
}

/// Operations a caller commits with the reply it adds.
pub type WithReply<'a> = &'a (dyn Fn(&Ticket, &Message) -> Result<Vec<TxOp>, AppError> + Sync);

/// The one way a reply is added: [`reply`], and a reply by mail, which names the mail it came
/// in and commits the mail's record (`extra`) in the reply's transaction. A conflict on the
/// extra operations ends the attempts like any other (the caller reads why).
pub async fn reply_with(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    input: NewMessage,
    mail: Option<kt_domain::mail::inbound::MailOrigin>,
    extra: WithReply<'_>,
) -> Result<(Message, Ticket), AppError> {
    let body = parse_body(&input.body, "body")?;
    let html = markdown::render(&body);
    for _ in 0..REPLY_ATTEMPTS {
        let current = get(app, actor, tenant, id).await?;
        let mut t = current.value;
        if input.internal || input.status.is_some() {
            permit(actor, Permission::ManageTenantTickets, &resource(&t))?;
        }
        if t.status == Status::Closed {
            return Err(AppError::Conflict("a closed ticket takes no more replies; file a new one".into()));
        }
        let from_client = client_side(actor, &t);
        let to_status = match input.status.filter(|s| *s != t.status) {
            Some(s) => t.status.transition(s).map_err(|e| AppError::from_invalid(vec![e]))?,
            None => status_after_reply(t.status, from_client, input.internal),
        };
        let before = t.clone();
        let now = app.clock.now();
        let message = Message {
            id: app.ids.ulid().to_string(),
            ticket: t.id.clone(),
            author: actor.user.clone(),
            author_role: actor.role,
            body: body.clone(),
            html: html.clone(),
            internal: input.internal,
            mail: mail.clone(),
            created_at: now,
        };
        let mut ops = vec![TxOp::Put { item: tickets::message_item(&t.tenant, &message)?, cond: Cond::NotExists }];
        // Staff's first public answer ends the first wait: history for the estimates.
        let first_response = !input.internal && !from_client && t.first_response_at.is_none();
        let mut sample = None;
        if first_response {
            t.first_response_at = Some(now);
            if let Some(slot) = before.queue.filter(|_| before.status.waits_for_staff()) {
                let wait = (now - slot.entered_at).whole_seconds().max(0) as u64;
                let s = estimate::Sample { wait_secs: wait, position: slot.entered_position.max(1) };
                let expires = app.clock.now_unix() + estimate::WINDOW_SECS;
                ops.push(tickets::history_op(before.priority, &message.id, s, expires)?);
                sample = Some(before.priority);
            }
        }
        let priority = t.priority;
        let (moves, touched) = move_ticket(app, &mut t, to_status, priority).await?;
        ops.extend(moves);
        t.updated_at = now;
        let policy = super::sla::policy_for(app, &t.tenant, &t.org).await?;
        ops.extend(super::sla::reconcile(&mut t, &policy, now));
        ops.extend(kt_store::workflow::load_ops(
            before.assignee.as_ref(),
            before.status,
            t.assignee.as_ref(),
            t.status,
        ));
        ops.insert(
            0,
            TxOp::Put { item: tickets::item(&t, current.version + 1)?, cond: Cond::Version(current.version) },
        );
        let kind = if input.internal { "note" } else { "reply" };
        ops.push(activity_op(app, &t, actor, kind, None, Some(message.id.clone()))?);
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
        let payload = serde_json::json!({
            "message": message.id,
            "internal": message.internal,
            "from_client": from_client,
            "first_response": first_response,
            "from_status": before.status.as_str(),
            // Never the body of an internal note: events reach workers that write to clients.
            "excerpt": if message.internal { String::new() } else { excerpt(&message.body) },
        });
        ops.push(event_op(app, "ticket.replied", &t, tenant, Some(actor), &touched, payload)?);
        ops.extend(extra(&t, &message)?);
        match app.store.transact(ops).await {
            Ok(()) => {
                app.outbox_wake.notify_one();
                if let Some(priority) = sample {
                    refresh_summary(app, priority).await;
                }
                return Ok((message, t));
            }
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("the ticket is being changed by others; try again".into()))
}

/// The first line of a reply, for notifications.
fn excerpt(body: &str) -> String {
    let line = body.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim();
    let mut out: String = line.chars().take(140).collect();
    if line.chars().count() > 140 {
        out.push('…');
    }
    out
}

/// Recomputes a priority's history summary from the recent samples. Derived data: a failure
/// is logged and the next first response recomputes it.
pub async fn refresh_summary(app: &AppState, priority: kt_domain::ticket::Priority) {
    let result = async {
        let samples = tickets::history(app.store.as_ref(), priority).await?;
        if let Some(summary) = estimate::summarize(&samples) {
            app.store.put(tickets::summary_item(priority, &summary)?, Cond::None).await?;
        }
        Ok::<_, kt_store::StoreError>(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, priority = priority.as_str(), "response-time summary not refreshed");
    }
}

/// One page of the conversation the actor may read, oldest first.
pub async fn messages(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Message>, Option<String>), AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    let (mut items, next) = tickets::messages(app.store.as_ref(), &t.tenant, &t.id, limit, cursor).await?;
    if !sees_internal(actor.role) {
        items.retain(|m| !m.internal);
    }
    Ok((items, next))
}

/// One page of the activity log the actor may read, oldest first.
pub async fn activity(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Activity>, Option<String>), AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    let page = tickets::activity(app.store.as_ref(), &t.tenant, &t.id, limit, cursor).await?;
    let mut items: Vec<Activity> = page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?;
    if !sees_internal(actor.role) {
        items.retain(|a| !a.internal);
    }
    if !super::time_entries::sees_time(actor) {
        items.retain(|a| a.kind != "time");
    }
    Ok((items, page.next_cursor))
}
