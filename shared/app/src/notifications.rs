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
use kt_domain::notification::{Happened, Kind, Parties, Preferences, may_receive, recipients};
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_domain::ticket::{Priority, Ticket, display_number};
use kt_platform::{Mail, MailAddress};
use kt_store::notifications::{self as store, Notification, TTL_SECS};
use kt_store::{Cond, Key, TxOp, accounts, tickets};
use serde_json::{Value, json};

use crate::identity::tenancy;
use crate::tickets::live;
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState, mail, outbox};

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
            notify(app, &tenant, &user, kind, &event.id.to_string(), &ticket_id, text, vec![]).await?;
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

/// Title and body of one notification.
struct Text {
    title: String,
    body: String,
    /// The satisfaction survey's link, for its one recipient (the requester of a resolved ticket).
    survey: Option<(UserId, String)>,
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

/// The person, wherever they sign in: the ticket's tenant, or the house for Kre8ivTech staff.
async fn find_user(app: &AppState, tenant: &TenantId, user: &UserId) -> Result<Option<User>, AppError> {
    let store = app.store.as_ref();
    if let Some(u) = accounts::get_user(store, tenant, user).await? {
        return Ok(Some(u.value));
    }
    match tenancy::house(store).await? {
        Some(house) if &house != tenant => Ok(accounts::get_user(store, &house, user).await?.map(|u| u.value)),
        _ => Ok(None),
    }
}

/// Writes one notification (and its mail, by the person's settings) once, then pushes the
/// unread count. `extra` joins the same transaction (e.g. a once-only marker).
#[allow(clippy::too_many_arguments)]
async fn notify(
    app: &AppState,
    ticket_tenant: &Tenant,
    user: &UserId,
    kind: Kind,
    event_id: &str,
    ticket: &TicketId,
    text: Text,
    extra: Vec<TxOp>,
) -> Result<(), AppError> {
    let Some(person) = find_user(app, &ticket_tenant.id, user).await? else { return Ok(()) };
    if person.status != UserStatus::Active || !may_receive(person.role, kind) {
        return Ok(());
    }
    let survey = text.survey.clone();
    let prefs = store::preferences(app.store.as_ref(), &person.tenant, &person.id).await?;
    let channels = prefs.channels(kind);
    if !channels.in_app && !channels.email {
        return Ok(());
    }
    let now = app.clock.now();
    let link = format!("/tickets/{}/{ticket}", ticket_tenant.id);
    let n = Notification {
        id: format!("{event_id}-{}", person.id),
        kind,
        title: text.title,
        body: text.body,
        link,
        ticket: Some(ticket.to_string()),
        created_at: now,
        read_at: None,
    };
    let mut ops = extra;
    if channels.in_app {
        ops.extend(store::add_ops(&person.tenant, &person.id, &n, app.clock.now_unix() + TTL_SECS)?);
    } else {
        // Mail only: a marker makes the mail once-only all the same.
        let marker = Key::new(format!("T#{}#USER#{}#NOTIF", person.tenant, person.id), format!("SENT#{}", n.id));
        ops.push(TxOp::Put {
            item: kt_store::Item::new(marker, Default::default()).with_expiry(app.clock.now_unix() + TTL_SECS),
            cond: Cond::NotExists,
        });
    }
    if channels.email {
        // Mail goes out in the branding of the portal the person signs in to.
        let portal = if person.tenant == ticket_tenant.id {
            ticket_tenant.clone()
        } else {
            tenancy::get(app, &person.tenant).await?
        };
        let survey = survey.filter(|(requester, _)| *requester == person.id).map(|(_, url)| url);
        let m = branded_mail(app, &portal, &person, &n, ticket, survey.as_deref());
        let requested = mail::requested(app.ids.ulid(), Some(portal.id.to_string()), now, &m)?;
        ops.push(outbox::record(mail::QUEUE, requested)?);
    }
    match app.store.transact(ops).await {
        Ok(()) => app.outbox_wake.notify_one(),
        // Already written by an earlier delivery of the same event.
        Err(e) if e.is_conflict() => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    if channels.in_app {
        push_unread(app, &person.tenant, &person.id).await?;
    }
    Ok(())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A notification as mail in the portal's branding: its name, colours and logo, a button to
/// the ticket, and thread headers so a mail client groups one ticket's mails.
fn branded_mail(
    app: &AppState,
    portal: &Tenant,
    person: &User,
    n: &Notification,
    ticket: &TicketId,
    survey: Option<&str>,
) -> Mail {
    let b = &portal.branding;
    let base = crate::seed::portal_url(app, portal);
    let url = format!("{base}{}", n.link);
    let logo = b
        .logo_key
        .as_ref()
        .map(|k| {
            format!(
                "<img src=\"{}\" alt=\"{}\" style=\"max-height:48px\">",
                esc(&format!("{base}/api/v1/branding/logo?v={}", k.rsplit('-').next().unwrap_or_default())),
                esc(&b.portal_name)
            )
        })
        .unwrap_or_else(|| {
            format!("<strong style=\"font-size:20px;color:{}\">{}</strong>", b.primary.as_str(), esc(&b.portal_name))
        });
    // One link per rating: it opens the survey with that rating chosen, and sending the form
    // records it (a mail scanner following the links records nothing).
    let survey_html = survey
        .map(|url| {
            let links: Vec<String> = (1..=5)
                .map(|r| {
                    format!(
                        "<a href=\"{}\" style=\"display:inline-block;padding:8px 12px;margin-right:4px;border:1px solid {};border-radius:6px;text-decoration:none;color:#0f172a\">{r}</a>",
                        esc(&format!("{url}?rating={r}")),
                        b.primary.as_str()
                    )
                })
                .collect();
            format!("<p>How did we do? Rate this ticket from 1 (poor) to 5 (excellent):</p><p>{}</p>", links.join(""))
        })
        .unwrap_or_default();
    let survey_text = survey.map(|url| format!("How did we do? Rate this ticket: {url}\n")).unwrap_or_default();
    let html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#0f172a\">\
         <div style=\"border-top:4px solid {primary};padding:16px 0\">{logo}</div>\
         <h1 style=\"font-size:18px\">{title}</h1><p>{body}</p>\
         <p><a href=\"{url}\" style=\"background:{primary};color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none\">View the ticket</a></p>\
         {survey_html}<p style=\"font-size:12px;color:#475569\">You get this mail because of your notification settings in {portal}. \
         Change them under Notifications in the portal.</p></body></html>",
        primary = b.primary.as_str(),
        title = esc(&n.title),
        body = esc(&n.body),
        url = esc(&url),
        portal = esc(&b.portal_name),
        survey_html = survey_html,
    );
    let domain = app.config.portal_domain.clone();
    let thread = format!("<ticket-{ticket}@{domain}>");
    Mail {
        from: MailAddress::new(Some(&b.portal_name), &app.config.mail_from),
        to: vec![MailAddress::new(Some(&person.name), person.email.as_str())],
        reply_to: b.support_email.as_ref().map(|e| MailAddress::new(None, e.as_str())),
        subject: n.title.clone(),
        text: format!("{}\n\n{}\n\nView the ticket: {url}\n{survey_text}", n.title, n.body),
        html: Some(html),
        attachments: vec![],
        headers: vec![("In-Reply-To".into(), thread.clone()), ("References".into(), thread)],
    }
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
            notify(app, &tenant, &user, kind, &id, &t.id, text, vec![mark]).await?;
        }
    }
    Ok(())
}

/// Pushes `user`'s unread count to their open sockets, stamped with when it was counted
/// (`as_of`): pushes from different workers may arrive out of order, and clients keep the
/// newest.
pub async fn push_unread(app: &AppState, tenant: &TenantId, user: &UserId) -> Result<(), AppError> {
    let as_of = kt_domain::timestamp(app.clock.now());
    let unread = store::unread(app.store.as_ref(), tenant, user).await?;
    let topic = format!("user:{user}");
    let subscribers = live::subscribers(app, &topic).await?;
    let message = json!({"type": "notifications.unread", "topic": topic, "unread": unread, "as_of": as_of}).to_string();
    live::push_all(app, subscribers.iter().map(|i| (i.key.sk.clone(), message.clone())).collect()).await;
    Ok(())
}

/// One page of the actor's notifications, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    kind: Option<Kind>,
    unread_only: bool,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Notification>, Option<String>), AppError> {
    let (mut items, next) = store::list(app.store.as_ref(), &actor.tenant, &actor.user, kind, limit, cursor).await?;
    if unread_only {
        items.retain(|n| n.read_at.is_none());
    }
    Ok((items, next))
}

pub async fn unread_count(app: &AppState, actor: &Actor) -> Result<u64, AppError> {
    Ok(store::unread(app.store.as_ref(), &actor.tenant, &actor.user).await?)
}

/// The outcome of marking one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marked {
    Done,
    /// Already in that state.
    Unchanged,
    NotFound,
}

/// Marks each of `ids` read (or unread); per-id results, then the unread count.
pub async fn mark(app: &AppState, actor: &Actor, ids: &[String], read: bool) -> Result<(Vec<Marked>, u64), AppError> {
    if ids.is_empty() || ids.len() > 100 {
        return Err(AppError::invalid("ids", "name 1 to 100 notifications"));
    }
    let mut results = Vec::with_capacity(ids.len());
    for id in ids {
        results.push(mark_one(app, actor, id, read).await?);
    }
    push_unread(app, &actor.tenant, &actor.user).await?;
    Ok((results, unread_count(app, actor).await?))
}

async fn mark_one(app: &AppState, actor: &Actor, id: &str, read: bool) -> Result<Marked, AppError> {
    for _ in 0..3 {
        let Some((mut n, item)) = store::get(app.store.as_ref(), &actor.tenant, &actor.user, id).await? else {
            return Ok(Marked::NotFound);
        };
        if n.read_at.is_some() == read {
            return Ok(Marked::Unchanged);
        }
        n.read_at = read.then(|| app.clock.now());
        let expires = item.expires_at.unwrap_or(app.clock.now_unix() + TTL_SECS);
        let ops = vec![
            TxOp::Put {
                item: store::item(&actor.tenant, &actor.user, &n, item.version + 1, expires)?,
                cond: Cond::Version(item.version),
            },
            TxOp::Increment {
                key: store::unread_key(&actor.tenant, &actor.user),
                field: "n".into(),
                by: if read { -1 } else { 1 },
            },
        ];
        match app.store.transact(ops).await {
            Ok(()) => return Ok(Marked::Done),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("the notification kept changing; try again".into()))
}

/// Marks every unread notification read (up to 1,000 at a time); returns how many changed.
pub async fn mark_all_read(app: &AppState, actor: &Actor) -> Result<usize, AppError> {
    let mut changed = 0;
    let mut cursor = None;
    let mut seen = 0;
    loop {
        let (items, next) = store::list(app.store.as_ref(), &actor.tenant, &actor.user, None, 100, cursor).await?;
        seen += items.len();
        for n in items.iter().filter(|n| n.read_at.is_none()) {
            if mark_one(app, actor, &n.id, true).await? == Marked::Done {
                changed += 1;
            }
        }
        cursor = next;
        if cursor.is_none() || seen >= 1000 {
            break;
        }
    }
    push_unread(app, &actor.tenant, &actor.user).await?;
    Ok(changed)
}

pub async fn preferences(app: &AppState, actor: &Actor) -> Result<Preferences, AppError> {
    Ok(store::preferences(app.store.as_ref(), &actor.tenant, &actor.user).await?)
}

pub async fn set_preferences(app: &AppState, actor: &Actor, prefs: Preferences) -> Result<Preferences, AppError> {
    app.store.put(store::prefs_item(&actor.tenant, &actor.user, &prefs)?, Cond::None).await?;
    Ok(prefs)
}
