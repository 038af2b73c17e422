//! The notification center: [`NotificationConsumer`] turns ticket events into in-app items and
//! branded mail for the people [`kt_domain::notification::recipients`] names, honouring each
//! person's settings, and pushes the unread count to their open sockets; it also tells a
//! requester when their ticket reaches the top three of its queue. The use cases below list,
//! count and mark one's own notifications and keep one's settings.
//!
//! Each (event, person) notification has a fixed id, written with its mail request and its
//! unread increment in one transaction that fails on a second attempt: a redelivered event
//! notifies nobody twice.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::{TenantId, TicketId, UserId};
use kt_domain::notification::{Happened, Kind, Parties, recipients};
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_domain::ticket::{Priority, Ticket, display_number};
use kt_store::{Cond, Key, TxOp, accounts, tickets};
use serde_json::{Value, json};

mod center;
pub(crate) mod delivery;
pub mod digests;
mod invoices;
pub mod push;
mod quotes;
mod service;
pub mod settings;

pub use center::*;
pub use delivery::push_unread;
use delivery::{About, Text, notify};

use crate::identity::tenancy;
use crate::tickets::live;
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState};

/// The `events` consumer that notifies people.
pub struct NotificationConsumer {
    pub app: AppState,
}

impl NotificationConsumer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

#[async_trait]
impl Consumer for NotificationConsumer {
    fn name(&self) -> &'static str {
        "notifications"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("ticket.")
            || kind.starts_with("invoice.")
            || kind.starts_with("announcement.")
            || kind.starts_with("service_request.")
            || kind.starts_with("quote.")
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        handle(&self.app, event).await.map_err(|e| HandlerError(e.to_string()))
    }
}

fn user_id(v: &Value) -> Option<UserId> {
    v.as_str().and_then(|s| UserId::try_from(s.to_owned()).ok())
}

/// What the event says happened, for [`recipients`].
fn happened(event: &DomainEvent) -> Option<Happened> {
    let p = &event.payload;
    let flag = |k: &str| p.get(k).and_then(Value::as_bool).unwrap_or(false);
    let fields: Vec<&str> = p
        .get("fields")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    match event.kind.as_str() {
        "ticket.created" => Some(Happened::Created),
        "ticket.replied" => Some(Happened::Replied { internal: flag("internal"), from_client: flag("from_client") }),
        "ticket.changed" | "ticket.merged" => {
            let h = Happened::Changed { status: fields.contains(&"status"), assigned: fields.contains(&"assignee") };
            (h != Happened::Changed { status: false, assigned: false }).then_some(h)
        }
        "ticket.sla_warning" | "ticket.sla_breached" => Some(Happened::SlaAlarm),
        _ => None,
    }
}

async fn handle(app: &AppState, event: &DomainEvent) -> Result<(), AppError> {
    if event.kind.starts_with("invoice.") {
        return invoices::handle(app, event).await;
    }
    if event.kind.starts_with("quote.") {
        return quotes::handle(app, event).await;
    }
    if event.kind.starts_with("service_request.") {
        return service::handle(app, event).await;
    }
    if event.kind.starts_with("announcement.") {
        return crate::announcements::delivery::handle(app, event).await;
    }
    let p = &event.payload;
    let (Some(tenant_id), Some(ticket_id)) = (
        event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()),
        p.get("ticket").and_then(Value::as_str).and_then(|t| TicketId::try_from(t.to_owned()).ok()),
    ) else {
        return Ok(());
    };
    let tenant = tenancy::get(app, &tenant_id).await?;
    if let Some(what) = happened(event) {
        let parties = Parties {
            requester: p.get("requester").and_then(user_id),
            assignee: p.get("assignee").and_then(user_id),
            watchers: p
                .get("watchers")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(user_id).collect())
                .unwrap_or_default(),
            actor: p.get("actor").and_then(user_id),
            workers: Vec::new(),
        };
        let ticket = tickets::get(app.store.as_ref(), &tenant_id, &ticket_id).await?.map(|v| v.value);
        let parties = match (&what, &ticket) {
            (Happened::Created, Some(t)) => Parties { workers: workers(app, &tenant, t).await?, ..parties },
            _ => parties,
        };
        for (user, kind) in recipients(&what, &parties) {
            let text = describe(app, &tenant, kind, event, ticket.as_ref()).await?;
            let about = About::Ticket(ticket_id.clone(), ticket.as_ref().map(|t| t.number));
            notify(app, &tenant, &user, kind, &event.id.to_string(), &about, text, vec![]).await?;
        }
    }
    // Positions move when a queue changes: whoever just reached the top three hears of it.
    let queues: Vec<Priority> = p
        .get("queues_changed")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|q| serde_json::from_value(q.clone()).ok()).collect())
        .unwrap_or_default();
    for priority in queues {
        near_front(app, priority).await?;
    }
    Ok(())
}

async fn describe(
    app: &AppState,
    tenant: &Tenant,
    kind: Kind,
    event: &DomainEvent,
    t: Option<&Ticket>,
) -> Result<Text, AppError> {
    let p = &event.payload;
    let number = p.get("number").and_then(Value::as_str).unwrap_or("A ticket").to_owned();
    let subject = p.get("subject").and_then(Value::as_str).unwrap_or_default().to_owned();
    let label =
        |s: &str| serde_json::from_value::<kt_domain::ticket::Status>(json!(s)).map(|s| s.label()).unwrap_or("changed");
    Ok(match kind {
        Kind::TicketReceived => {
            let standing = match t {
                Some(t) => crate::tickets::standing(app, t).await?,
                None => None,
            };
            let place = standing.map(|s| format!(" It is {}.", live::position_label(&s.at))).unwrap_or_default();
            Text {
                title: format!("{number} received"),
                body: format!("We have your ticket “{subject}”.{place}"),
                survey: None,
            }
        }
        Kind::TicketReply => Text {
            title: format!("New reply on {number}"),
            body: p.get("excerpt").and_then(Value::as_str).unwrap_or_default().to_owned(),
            survey: None,
        },
        Kind::TicketNote => Text {
            title: format!("Internal note on {number}"),
            body: format!("“{subject}”: open the ticket to read it."),
            survey: None,
        },
        Kind::TicketStatus => {
            let resolved = p.get("status").and_then(Value::as_str) == Some("resolved");
            let survey = match t.filter(|t| resolved && t.satisfaction.is_none()) {
                Some(t) => {
                    let token = crate::tickets::satisfaction::link_token(app, t)?;
                    Some((t.requester.clone(), format!("{}/survey/{token}", crate::seed::portal_url(app, tenant))))
                }
                None => None,
            };
            Text {
                title: format!(
                    "{number} is now {}",
                    label(p.get("status").and_then(Value::as_str).unwrap_or_default())
                ),
                body: format!("“{subject}”"),
                survey,
            }
        }
        Kind::TicketNew => {
            let org = match t {
                Some(t) => accounts::get_org(app.store.as_ref(), &tenant.id, &t.org).await?.map(|o| o.value.name),
                None => None,
            };
            let from = org.map(|o| format!(" from {o}")).unwrap_or_default();
            Text { title: format!("New ticket {number}{from}"), body: format!("“{subject}”"), survey: None }
        }
        Kind::TicketAssigned => {
            Text { title: format!("{number} was assigned to you"), body: format!("“{subject}”"), survey: None }
        }
        Kind::SlaAlert => {
            let clock =
                if p.get("clock").and_then(Value::as_str) == Some("first") { "first response" } else { "resolution" };
            let what = if event.kind == "ticket.sla_breached" { "was missed" } else { "is about to be missed" };
            Text {
                title: format!("{number}: the {clock} target {what}"),
                body: format!("“{subject}” in {}", tenant.name),
                survey: None,
            }
        }
        Kind::QueueNearFront => {
            Text { title: format!("{number} is near the front"), body: format!("“{subject}”"), survey: None }
        }
        // Invoice and message events are described by their own modules.
        Kind::InvoiceIssued
        | Kind::InvoiceReminder
        | Kind::InvoicePayment
        | Kind::InvoiceActivity
        | Kind::Mention
        | Kind::Message
        | Kind::Announcement
        | Kind::ServiceRequestNew
        | Kind::ServiceRequestUpdate => Text { title: number, body: subject, survey: None },
    })
}

/// Who works a new ticket (see [`Parties::workers`]): a partner's people for their tenant's
/// tickets; and, when nobody is assigned, the agents of the enabled assignment rules it
/// matches, or, when none does, every active house staff member.
async fn workers(app: &AppState, tenant: &Tenant, t: &Ticket) -> Result<Vec<UserId>, AppError> {
    let store = app.store.as_ref();
    let active = |users: Vec<User>| users.into_iter().filter(|u| u.status == UserStatus::Active).map(|u| u.id);
    let house = tenancy::house(store).await?;
    let mut out: Vec<UserId> = Vec::new();
    if house.as_ref() != Some(&tenant.id) {
        out.extend(active(accounts::staff(store, &tenant.id).await?));
    }
    if t.assignee.is_some() {
        return Ok(out);
    }
    let agents: Vec<UserId> =
        kt_store::workflow::rules(store).await?.into_iter().filter(|r| r.matches(t)).flat_map(|r| r.agents).collect();
    if !agents.is_empty() {
        out.extend(agents);
    } else if let Some(house) = house {
        out.extend(active(
            accounts::staff(store, &house).await?.into_iter().filter(|u| u.role.is_house_staff()).collect(),
        ));
    }
    Ok(out)
}

/// Tells the requesters of tickets now among the first three of `priority`'s queue, once per
/// stay in the queue; tickets that entered there are not told (they knew from the start).
async fn near_front(app: &AppState, priority: Priority) -> Result<(), AppError> {
    let (page, _) = tickets::queue_page(app.store.as_ref(), priority, 3, None).await?;
    for (i, t) in page.into_iter().enumerate() {
        let t: Ticket = t.value;
        let Some(slot) = t.queue else { continue };
        if slot.entered_position <= 3 {
            continue;
        }
        let marker = Key::new(format!("T#{}#TICKET#{}", t.tenant, t.id), format!("NEARFRONT#{}", slot.number));
        if app.store.get(&marker).await?.is_some() {
            continue;
        }
        let tenant = tenancy::get(app, &t.tenant).await?;
        let number = display_number(tenant.ticket_prefix.as_str(), t.number);
        let text = Text {
            title: format!("{number} is #{} in the {} queue", i + 1, priority.label()),
            body: format!("“{}” is near the front: an agent will be with you soon.", t.subject),
            survey: None,
        };
        let mark = TxOp::Put { item: kt_store::Item::new(marker, Default::default()), cond: Cond::NotExists };
        let parties = Parties { requester: Some(t.requester.clone()), ..Parties::default() };
        if let Some((user, kind)) = recipients(&Happened::NearFront, &parties).into_iter().next() {
            // A fresh id keeps the list in time order; the marker makes it once-only.
            let id = app.ids.ulid().to_string();
            notify(app, &tenant, &user, kind, &id, &About::Ticket(t.id.clone(), Some(t.number)), text, vec![mark])
                .await?;
        }
    }
    Ok(())
}
