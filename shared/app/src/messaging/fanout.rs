//! What a message event does, in the events worker (at least once, so every step is
//! idempotent): the conversation's subscribers are told live on `conversation:<id>`, each
//! member's standing moves to the message (a `max`, never back; the author has read their
//! own), and each mentioned member (and in a small conversation every other
//! member) hears of it through the notification center once, by their settings.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::{TenantId, UserId};
use kt_domain::messaging::{Conversation, Kind, Membership, Message};
use kt_domain::notification::Kind as Notice;
use kt_store::messaging as store;
use kt_store::{Cond, Store};
use serde_json::{Value, json};

use crate::identity::tenancy;
use crate::notifications::delivery::{About, Text, notify};
use crate::tickets::live::{push_all, subscribers};
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState};

/// Members whose standings one worker moves at once (one read of them all, one transaction;
/// within DynamoDB's 100 items per read and per transaction).
const BATCH: usize = 50;
/// Members moved one by one at once when a batch's transaction meets a concurrent change.
const PARALLEL: usize = 16;

pub struct MessageConsumer {
    app: AppState,
}

impl MessageConsumer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

#[async_trait]
impl Consumer for MessageConsumer {
    fn name(&self) -> &'static str {
        "messaging"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("message.")
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        handle(&self.app, event).await.map_err(|e| HandlerError(e.to_string()))
    }
}

/// The topic a conversation's live updates go out on.
pub fn topic(conversation: &str) -> String {
    format!("conversation:{conversation}")
}

pub async fn handle(app: &AppState, event: &DomainEvent) -> Result<(), AppError> {
    let p = &event.payload;
    let (Some(tenant), Some(id), Some(seq)) = (
        event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()),
        p.get("conversation").and_then(Value::as_str),
        p.get("seq").and_then(Value::as_u64),
    ) else {
        return Ok(());
    };
    let s = app.store.as_ref();
    let (Some(c), Some(m)) = (store::conversation(s, &tenant, id).await?, store::message(s, &tenant, id, seq).await?)
    else {
        return Ok(());
    };
    // Live first: the people looking at the conversation see the message before the standings
    // of a large channel's members have all moved.
    let live = json!({"type": event.kind, "topic": topic(id), "conversation": id, "seq": seq}).to_string();
    let conns: Vec<(String, String)> =
        subscribers(app, &topic(id)).await?.into_iter().map(|i| (i.key.sk, live.clone())).collect();
    push_all(app, conns).await;
    if event.kind == "message.posted" {
        for group in c.value.members.chunks(BATCH) {
            advance_batch(s, &c.value, group, &m.value).await?;
        }
    }
    if event.kind == "message.posted" {
        notify_members(app, &tenant, &c.value, &m.value, &event.id.to_string()).await?;
        away_reply(app, &tenant, &c.value, &m.value).await?;
    }
    Ok(())
}

fn fresh(c: &Conversation, user: &UserId) -> Membership {
    Membership {
        tenant: c.tenant.clone(),
        user: user.clone(),
        conversation: c.id.clone(),
        last_read_seq: 0,
        last_seq: 0,
        last_message_at: None,
        muted: false,
    }
}

/// `standing` moved to message `m`, or `None` when it is there already.
fn moved(mut standing: Membership, user: &UserId, m: &Message) -> Option<Membership> {
    let authored = &m.author == user;
    if standing.last_seq >= m.seq && (!authored || standing.last_read_seq >= m.seq) {
        return None;
    }
    standing.last_seq = standing.last_seq.max(m.seq);
    if standing.last_message_at.is_none_or(|at| at < m.at) {
        standing.last_message_at = Some(m.at);
    }
    if authored {
        standing.last_read_seq = standing.last_read_seq.max(m.seq);
    }
    Some(standing)
}

/// Moves the standings of `users` in `c` to message `m` (never back): one read of them all and
/// one transaction of the moves, each under its version; when someone's standing changed
/// meanwhile (a read mark), each is moved on its own instead.
async fn advance_batch(s: &dyn Store, c: &Conversation, users: &[UserId], m: &Message) -> Result<(), AppError> {
    let keys: Vec<kt_store::Key> = users.iter().map(|u| store::membership_key(&c.tenant, u, &c.id)).collect();
    let found = s.get_many(&keys).await?;
    let mut ops = Vec::new();
    for (user, item) in users.iter().zip(found) {
        let (standing, cond, version) = match item {
            Some(i) => {
                let v = i.version;
                (i.to_entity::<Membership>()?, Cond::Version(v), v + 1)
            }
            None => (fresh(c, user), Cond::NotExists, 1),
        };
        if let Some(after) = moved(standing, user, m) {
            ops.push(kt_store::TxOp::Put { item: store::membership_item(&after, version)?, cond });
        }
    }
    if ops.is_empty() {
        return Ok(());
    }
    match s.transact(ops).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => {
            for group in users.chunks(PARALLEL) {
                futures::future::try_join_all(group.iter().map(|u| advance(s, c, u, m))).await?;
            }
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Moves `user`'s standing in `c` to message `m` (never back).
async fn advance(s: &dyn Store, c: &Conversation, user: &UserId, m: &Message) -> Result<(), AppError> {
    for _ in 0..20 {
        let current = store::membership(s, &c.tenant, user, &c.id).await?;
        let (standing, cond, version) = match current {
            Some(v) => (v.value, Cond::Version(v.version), v.version + 1),
            None => (fresh(c, user), Cond::NotExists, 1),
        };
        let Some(standing) = moved(standing, user, m) else { return Ok(()) };
        match s.put(store::membership_item(&standing, version)?, cond).await {
            Ok(()) => return Ok(()),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("a member's standing kept changing".into()))
}

/// Direct and group conversations up to this size tell each member of every message (as
/// [`Kind::Message`], by their settings); larger ones and channels only of mentions.
pub const MESSAGE_NOTICE_MAX_MEMBERS: usize = 20;

/// Each mentioned member hears of the mention; in a small conversation every other member
/// hears of the message.
async fn notify_members(
    app: &AppState,
    tenant: &TenantId,
    c: &Conversation,
    m: &Message,
    event: &str,
) -> Result<(), AppError> {
    let small = c.kind != Kind::Channel && c.members.len() <= MESSAGE_NOTICE_MAX_MEMBERS;
    if m.mentions.is_empty() && !small {
        return Ok(());
    }
    let home = tenancy::get(app, tenant).await?;
    let author = crate::notifications::delivery::find_user(app, tenant, &m.author).await?;
    let name = author.map(|a| a.name).unwrap_or_else(|| "Someone".into());
    let place = c.name.clone().map(|n| format!(" in {n}")).unwrap_or_default();
    let excerpt: String = m.body.chars().take(200).collect();
    let about = About::Conversation { tenant: tenant.clone(), id: c.id.clone() };
    for who in m.mentions.iter().filter(|u| *u != &m.author && c.is_member(u)) {
        let text = Text { title: format!("{name} mentioned you{place}"), body: excerpt.clone(), survey: None };
        notify(app, &home, who, Notice::Mention, event, &about, text, vec![]).await?;
    }
    if small {
        let from = c.name.clone().map(|n| format!("{name} in {n}")).unwrap_or(name.clone());
        for who in c.members.iter().filter(|u| *u != &m.author && !m.mentions.contains(u)) {
            let text = Text { title: format!("New message from {from}"), body: excerpt.clone(), survey: None };
            notify(app, &home, who, Notice::Message, event, &about, text, vec![]).await?;
        }
    }
    Ok(())
}

/// Outside the tenant's business hours (the calendar of its service-level policy), a client
/// writing in a direct conversation with the tenant's people is answered once per closed spell:
/// when they are back. The reply is the other member's, marked automatic, so it never answers
/// itself; a marker per reopening time makes it once only, also when the event comes twice.
async fn away_reply(app: &AppState, tenant: &TenantId, c: &Conversation, m: &Message) -> Result<(), AppError> {
    if c.kind != Kind::Direct || m.automatic {
        return Ok(());
    }
    let Some(other) = c.members.iter().find(|u| *u != &m.author) else { return Ok(()) };
    let find = crate::notifications::delivery::find_user;
    let (Some(author), Some(staff)) = (find(app, tenant, &m.author).await?, find(app, tenant, other).await?) else {
        return Ok(());
    };
    if author.role != kt_domain::identity::Role::Client || staff.role == kt_domain::identity::Role::Client {
        return Ok(());
    }
    let s = app.store.as_ref();
    let policy = kt_store::sla::get(s, &kt_store::sla::tenant_key(tenant)).await?.or(kt_store::sla::get(
        s,
        &kt_store::sla::default_key(),
    )
    .await?);
    let Some(calendar) = policy.map(|p| p.calendar) else { return Ok(()) };
    let now = app.clock.now();
    if calendar.is_open(now) {
        return Ok(());
    }
    let Some(opens) = calendar.next_open(now) else { return Ok(()) };
    let home = tenancy::get(app, tenant).await?;
    let body = format!(
        "Thanks for your message. {} is away until {} and will answer then.",
        home.branding.portal_name,
        calendar.local_label(opens)
    );
    let seq = store::next_seq(s, tenant, &c.id).await?;
    let mut reply = Message::new(&c.id, seq, other.clone(), body, now);
    reply.automatic = true;
    let marker =
        kt_store::Key::new(format!("T#{tenant}#CONV#{}", c.id), format!("AWAY#{:012}", opens.unix_timestamp()));
    let ops = vec![
        kt_store::TxOp::Put { item: store::message_item(tenant, &reply, 1)?, cond: Cond::NotExists },
        kt_store::TxOp::Put { item: kt_store::Item::new(marker, Default::default()), cond: Cond::NotExists },
    ];
    let posted = super::messages::event(app, &home, "message.posted", &reply, other);
    match crate::outbox::publish(app, ops, vec![(super::EVENTS, posted)]).await {
        // Already answered in this closed spell (that place stays a gap).
        Ok(()) | Err(AppError::Conflict(_)) => Ok(()),
        Err(e) => Err(e),
    }
}
