//! Delivery of one notification: the in-app item, the branded mail (by the person's settings),
//! written once per (event, person), and the unread-count push.

use kt_domain::identity::{TenantId, TicketId, UserId};
use kt_domain::mail::template::TemplateKind;
use kt_domain::notification::preferences::{Channel, Decision, Outcome, Reach, decide, effective};
use kt_domain::notification::{Kind, may_receive};
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_platform::MailAddress;
use kt_store::notifications::{self as store, Notification, TTL_SECS};
use kt_store::{Cond, Key, TxOp, accounts, held};
use serde_json::json;

use crate::identity::tenancy;
use crate::mail::letter::{Extra, Letter};
use crate::tickets::live;
use crate::{AppError, AppState, mail, outbox};

/// Title and body of one notification.
pub(crate) struct Text {
    pub title: String,
    pub body: String,
    /// The satisfaction survey's link, for its one recipient (the requester of a resolved ticket).
    pub survey: Option<(UserId, String)>,
}

/// What a notification is about: where it links and how its mails are threaded.
#[derive(Debug, Clone)]
pub(crate) enum About {
    /// A ticket, with its number when known (for the reply address of its mails).
    Ticket(TicketId, Option<u64>),
    /// An invoice of the tenant that issued it (which may not be the recipient's).
    Invoice { tenant: TenantId, id: String },
    /// A conversation of the tenant it belongs to.
    Conversation { tenant: TenantId, id: String },
    /// A quote of the tenant that wrote it.
    Quote { tenant: TenantId, id: String },
    /// A service request of the tenant it belongs to.
    ServiceRequest { tenant: TenantId, id: String },
    /// An announcement, sent only the ways its author chose.
    Announcement { tenant: TenantId, id: String, channels: Vec<Channel> },
}

impl About {
    fn link(&self, tenant: &TenantId) -> String {
        match self {
            About::Ticket(t, _) => format!("/tickets/{tenant}/{t}"),
            About::Invoice { tenant, id } => format!("/invoices/{tenant}/{id}"),
            About::Conversation { tenant, id } => format!("/messages/{tenant}/{id}"),
            About::ServiceRequest { tenant, id } => format!("/service-requests/{tenant}/{id}"),
            About::Quote { tenant, id } => format!("/quotes/{tenant}/{id}"),
            About::Announcement { tenant, id, .. } => format!("/announcements/{tenant}/{id}"),
        }
    }

    fn thread(&self, domain: &str) -> String {
        match self {
            About::Ticket(t, _) => format!("<ticket-{t}@{domain}>"),
            About::Invoice { id, .. } => format!("<invoice-{id}@{domain}>"),
            About::Conversation { id, .. } => format!("<conversation-{id}@{domain}>"),
            About::ServiceRequest { id, .. } => format!("<service-request-{id}@{domain}>"),
            About::Quote { id, .. } => format!("<quote-{id}@{domain}>"),
            About::Announcement { id, .. } => format!("<announcement-{id}@{domain}>"),
        }
    }

    fn button(&self) -> &'static str {
        match self {
            About::Ticket(..) => "View the ticket",
            About::Invoice { .. } => "View the invoice",
            About::Conversation { .. } => "Open the conversation",
            About::ServiceRequest { .. } => "View the request",
            About::Quote { .. } => "View the quote",
            About::Announcement { .. } => "Read the announcement",
        }
    }

    fn ticket(&self) -> Option<String> {
        match self {
            About::Ticket(t, _) => Some(t.to_string()),
            About::Invoice { .. }
            | About::Conversation { .. }
            | About::ServiceRequest { .. }
            | About::Quote { .. }
            | About::Announcement { .. } => None,
        }
    }
}

/// The person, wherever they sign in: the ticket's tenant, or the house for Kre8ivTech staff.
pub(crate) async fn find_user(app: &AppState, tenant: &TenantId, user: &UserId) -> Result<Option<User>, AppError> {
    let store = app.store.as_ref();
    if let Some(u) = accounts::get_user(store, tenant, user).await? {
        return Ok(Some(u.value));
    }
    match tenancy::house(store).await? {
        Some(house) if &house != tenant => Ok(accounts::get_user(store, &house, user).await?.map(|u| u.value)),
        _ => Ok(None),
    }
}

/// Writes one notification once for one person, as their settings decide (see
/// [`kt_domain::notification::preferences::decide`]): the in-app item, mail and text through
/// the outbox, what is held for a digest or quiet hours, and the decision itself (the log that
/// explains it). Then pushes the unread count. `extra` joins the same transaction (e.g. a
/// once-only marker).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn notify(
    app: &AppState,
    ticket_tenant: &Tenant,
    user: &UserId,
    kind: Kind,
    event_id: &str,
    about: &About,
    text: Text,
    extra: Vec<TxOp>,
) -> Result<(), AppError> {
    let Some(person) = find_user(app, &ticket_tenant.id, user).await? else { return Ok(()) };
    if person.status != UserStatus::Active || !may_receive(person.role, kind) {
        return Ok(());
    }
    let store = app.store.as_ref();
    let (prefs, defaults, creds, devices) = futures::try_join!(
        store::preferences(store, &person.tenant, &person.id),
        store::role_defaults(store, &person.tenant, person.role),
        accounts::get_credentials(store, &person.tenant, &person.id),
        kt_store::devices::list(store, &person.tenant, &person.id),
    )?;
    let phone = creds.and_then(|c| c.value.sms.map(|s| s.phone));
    let reach = Reach { phone: phone.is_some(), push_devices: !devices.is_empty() };
    let now = app.clock.now();
    let (mut setting, source) = effective(kind, &prefs, defaults.as_ref());
    if let About::Announcement { channels, .. } = about {
        // The author's choice bounds the person's.
        setting.in_app &= channels.contains(&Channel::InApp);
        setting.email &= channels.contains(&Channel::Email);
        setting.sms = false;
        setting.push &= channels.contains(&Channel::InApp);
    }
    let mut decision = decide(kind, (setting, source), &prefs, reach, now);
    if !decision.reaches() {
        return Ok(());
    }
    let n = Notification {
        id: format!("{event_id}-{}", person.id),
        kind,
        title: text.title.clone(),
        body: text.body.clone(),
        link: about.link(&ticket_tenant.id),
        ticket: about.ticket(),
        created_at: now,
        read_at: None,
    };
    // Mail goes out in the branding of the portal the person signs in to.
    let portal = if person.tenant == ticket_tenant.id {
        ticket_tenant.clone()
    } else {
        tenancy::get(app, &person.tenant).await?
    };
    // A ticket's mail is answered to its reply address (none where the data key is not wired).
    let (reply_address, ticket_number) = match about {
        About::Ticket(_, Some(number)) => (
            crate::inbound::reply_address(app, ticket_tenant, *number).ok(),
            Some(kt_domain::ticket::display_number(ticket_tenant.ticket_prefix.as_str(), *number)),
        ),
        _ => (None, None),
    };
    // Twice at most: a hold whose release went out meanwhile is delivered at once instead.
    for _ in 0..2 {
        let reach = Recipient {
            portal: &portal,
            person: &person,
            reply_address: reply_address.as_deref(),
            ticket_number: ticket_number.as_deref(),
        };
        let ops = delivery_ops(app, &reach, &n, about, &text, &decision, phone.as_ref(), extra.clone())?;
        match app.store.transact(ops).await {
            Ok(()) => {
                app.outbox_wake.notify_one();
                if decision.outcome(Channel::InApp) == Outcome::Sent {
                    push_unread(app, &person.tenant, &person.id).await?;
                }
                return Ok(());
            }
            Err(e) if e.is_conflict() => {
                let gone = held_releases(&decision);
                let mut released = false;
                for at in &gone {
                    released |= store.get(&held::sent_key(&person.tenant, &person.id, *at)).await?.is_some();
                }
                if !released {
                    // Already written by an earlier delivery of the same event.
                    return Ok(());
                }
                decision = decision.released();
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn held_releases(d: &Decision) -> Vec<time::OffsetDateTime> {
    let mut out: Vec<_> = d.holds().into_iter().map(|(at, _, _)| at).collect();
    out.dedup();
    out
}

/// Who a delivery is for: the person, the portal whose brand they read, and where their
/// answer by mail goes.
struct Recipient<'a> {
    portal: &'a Tenant,
    person: &'a User,
    reply_address: Option<&'a str>,
    /// The ticket's number as people read it (`ACME-1001`), for a ticket's mail.
    ticket_number: Option<&'a str>,
}

/// The transaction of one delivery.
#[allow(clippy::too_many_arguments)]
fn delivery_ops(
    app: &AppState,
    to: &Recipient<'_>,
    n: &Notification,
    about: &About,
    text: &Text,
    decision: &Decision,
    phone: Option<&kt_domain::identity::PhoneNumber>,
    extra: Vec<TxOp>,
) -> Result<Vec<TxOp>, AppError> {
    let (portal, person) = (to.portal, to.person);
    let now = n.created_at;
    let mut ops = extra;
    if decision.outcome(Channel::InApp) == Outcome::Sent {
        ops.extend(store::add_ops(&person.tenant, &person.id, n, app.clock.now_unix() + TTL_SECS)?);
    } else {
        // Nothing in the app: a marker makes the rest once-only all the same.
        let marker = Key::new(format!("T#{}#USER#{}#NOTIF", person.tenant, person.id), format!("SENT#{}", n.id));
        ops.push(TxOp::Put {
            item: kt_store::Item::new(marker, Default::default()).with_expiry(app.clock.now_unix() + TTL_SECS),
            cond: Cond::NotExists,
        });
    }
    if decision.outcome(Channel::Email) == Outcome::Sent {
        let survey = text.survey.clone().filter(|(requester, _)| *requester == person.id).map(|(_, url)| url);
        let letter = branded_letter(app, to, n, about, survey.as_deref());
        let requested = mail::requested(app.ids.ulid(), now, &letter)?;
        ops.push(outbox::record(mail::QUEUE, requested)?);
    }
    if let (Outcome::Sent, Some(phone)) = (decision.outcome(Channel::Sms), phone) {
        let body = mail::text_body(&portal.branding.portal_name, &n.title, &crate::seed::portal_url(app, portal));
        let requested = mail::text_requested(app.ids.ulid(), Some(portal.id.to_string()), now, phone, &body)?;
        ops.push(outbox::record(mail::QUEUE, requested)?);
    }
    if decision.outcome(Channel::Push) == Outcome::Sent {
        let message = super::push::PushMessage {
            tenant: person.tenant.clone(),
            user: person.id.clone(),
            title: n.title.clone(),
            body: n.body.clone(),
            url: format!("{}{}", crate::seed::portal_url(app, portal), n.link),
            tag: n.id.clone(),
        };
        ops.push(outbox::record(mail::QUEUE, super::push::requested(app.ids.ulid(), now, &message)?)?);
    }
    for (at, hold, channels) in decision.holds() {
        let item = held::Held {
            id: n.id.clone(),
            kind: n.kind,
            title: n.title.clone(),
            body: n.body.clone(),
            link: n.link.clone(),
            channels,
            hold,
            created_at: now,
        };
        ops.extend(held::hold_ops(&person.tenant, &person.id, at, &item)?);
    }
    let logged = held::Logged {
        id: n.id.clone(),
        title: n.title.clone(),
        link: n.link.clone(),
        created_at: now,
        decision: decision.clone(),
    };
    ops.push(held::log_op(&person.tenant, &person.id, &logged)?);
    Ok(ops)
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A notification as a letter in the portal's template and branding: a button to what it is
/// about, and thread headers so a mail client groups one ticket's mails.
fn branded_letter(app: &AppState, to: &Recipient<'_>, n: &Notification, about: &About, survey: Option<&str>) -> Letter {
    let (portal, person) = (to.portal, to.person);
    let base = crate::seed::portal_url(app, portal);
    let thread = about.thread(&app.config.portal_domain);
    let mut letter = Letter::new(
        TemplateKind::Notification(n.kind),
        portal,
        MailAddress::new(Some(&person.name), person.email.as_str()),
    )
    .value("notification.title", n.title.clone())
    .value("notification.body", n.body.clone())
    .button(about.button(), format!("{base}{}", n.link));
    if let Some(number) = to.ticket_number {
        letter = letter.value("ticket.number", number);
    }
    letter.extra = survey.map(|url| Extra::Survey { url: url.to_owned() });
    letter.headers = vec![("In-Reply-To".into(), thread.clone()), ("References".into(), thread)];
    // Answers to a ticket's mail go to its reply address, which files them on the ticket.
    letter.reply_to = to.reply_address.map(|a| MailAddress::new(Some(&portal.branding.portal_name), a));
    letter.thread = about.ticket().map(|t| format!("ticket-{t}"));
    letter
}

/// The headers every notification mail carries: it is automatic (RFC 3834), so other systems'
/// auto-replies stay away, and it says where to unsubscribe (RFC 2369: the notification
/// settings).
pub(crate) fn notification_headers(base: &str) -> Vec<(String, String)> {
    vec![
        ("Auto-Submitted".into(), "auto-generated".into()),
        ("X-Auto-Response-Suppress".into(), "All".into()),
        ("List-Unsubscribe".into(), format!("<{base}/settings>")),
    ]
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
