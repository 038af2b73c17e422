//! Live updates over WebSocket. A connection is recorded at `$connect` with the actor it
//! authenticated as; it subscribes to topics the policy allows:
//!
//! * `ticket:<id>`: that ticket's standing ("#3 of 12 in the High queue", the estimate, its
//!   status) whenever it changes;
//! * `queue`: every queue's length (house staff);
//! * `user:<id>`: one's own notifications (only one's own id).
//!
//! Items: `WSCONN#<conn>` / `CONN` (actor, topics; 2-hour TTL, API Gateway's limit),
//! `WSTOPIC#<topic>` / `<conn>` (one per subscription). A subscription to a waiting ticket is
//! also indexed on gsi1 as `QWATCH#<priority>` / `<queue number>#<conn>`, so when a queue
//! changes the [`LiveConsumer`] finds every watcher of that queue in one query, computes all
//! their positions from one batched read of the Fenwick nodes, and pushes to each.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::identity::{TicketId, UserId};
use kt_domain::policy::{Actor, Permission};
use kt_domain::ticket::{Priority, Ticket, default_first_response_secs, estimate};
use kt_domain::{DomainEvent, policy};
use kt_platform::PushError;
use kt_store::{Cond, Index, IndexKey, Item, Key, Query, tickets};
use serde::Serialize;
use serde_json::{Value, json};

use super::{QueuePosition, QueueStanding, resource};
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState, permit};

/// API Gateway closes every WebSocket connection after two hours.
pub const CONNECTION_TTL_SECS: i64 = 2 * 3600;
/// Topics one connection may hold.
pub const MAX_TOPICS: usize = 50;

pub fn connection_key(connection_id: &str) -> Key {
    Key::new(format!("WSCONN#{connection_id}"), "CONN")
}

fn topic_key(topic: &str, connection_id: &str) -> Key {
    Key::new(format!("WSTOPIC#{topic}"), connection_id)
}

fn watch_partition(priority: Priority) -> String {
    format!("QWATCH#{}", priority.as_str())
}

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// Records a connection for `actor`.
pub async fn connect(app: &AppState, connection_id: &str, actor: &Actor) -> Result<(), AppError> {
    let now = app.clock.now_unix();
    let actor = serde_json::to_value(actor).map_err(|e| AppError::Internal(e.to_string()))?;
    let item =
        Item::new(connection_key(connection_id), obj(json!({"actor": actor, "topics": [], "connected_at": now})))
            .with_expiry(now + CONNECTION_TTL_SECS);
    app.store.put(item, Cond::None).await?;
    Ok(())
}

/// Forgets a connection and its subscriptions.
pub async fn disconnect(app: &AppState, connection_id: &str) -> Result<(), AppError> {
    let key = connection_key(connection_id);
    if let Some(item) = app.store.get(&key).await? {
        for topic in topics_of(&item) {
            app.store.delete(&topic_key(&topic, connection_id), Cond::None).await?;
        }
    }
    app.store.delete(&key, Cond::None).await?;
    Ok(())
}

fn topics_of(item: &Item) -> Vec<String> {
    item.attrs
        .get("topics")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

fn error(code: &str, message: impl Into<String>, topic: Option<&str>) -> Value {
    json!({"type": "error", "code": code, "message": message.into(), "topic": topic})
}

/// Answers one client message; the replies go back to the same connection in order.
pub async fn handle_message(app: &AppState, connection_id: &str, body: Option<&str>) -> Vec<Value> {
    let message: Value = body.and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
    let topic = message.get("topic").and_then(Value::as_str);
    match (message.get("type").and_then(Value::as_str), topic) {
        (Some("ping"), _) => vec![json!({"type": "pong"})],
        (Some("subscribe"), Some(topic)) => match subscribe(app, connection_id, topic).await {
            Ok(mut replies) => {
                replies.insert(0, json!({"type": "subscribed", "topic": topic}));
                replies
            }
            Err(AppError::Unauthenticated) => vec![error("unauthenticated", "sign in again", Some(topic))],
            Err(AppError::Invalid(e)) => {
                vec![error("bad-topic", e.first().map(|f| f.message.clone()).unwrap_or_default(), Some(topic))]
            }
            Err(AppError::NotFound | AppError::Forbidden) => vec![error("not-found", "no such topic", Some(topic))],
            Err(e) => {
                tracing::warn!(error = %e, topic, "subscription failed");
                vec![error("unavailable", "try again", Some(topic))]
            }
        },
        (Some("unsubscribe"), Some(topic)) => match unsubscribe(app, connection_id, topic).await {
            Ok(()) => vec![json!({"type": "unsubscribed", "topic": topic})],
            Err(e) => {
                tracing::warn!(error = %e, topic, "unsubscribe failed");
                vec![error("unavailable", "try again", Some(topic))]
            }
        },
        (Some("subscribe" | "unsubscribe"), None) => vec![error("bad-message", "name a \"topic\"", None)],
        (Some(other), _) => vec![error("unknown-type", format!("unknown message type {other:?}"), None)],
        (None, _) => vec![error("bad-message", "send JSON objects with a \"type\"", None)],
    }
}

/// What a topic names.
enum Topic {
    Ticket(TicketId),
    Queue,
    User(UserId),
}

fn parse_topic(topic: &str) -> Result<Topic, AppError> {
    let bad = || AppError::invalid("topic", "topics are ticket:<id>, queue or user:<id>");
    match topic.split_once(':') {
        Some(("ticket", id)) => TicketId::try_from(id.to_owned()).map(Topic::Ticket).map_err(|_| bad()),
        Some(("user", id)) => UserId::try_from(id.to_owned()).map(Topic::User).map_err(|_| bad()),
        None if topic == "queue" => Ok(Topic::Queue),
        _ => Err(bad()),
    }
}

async fn connection(app: &AppState, connection_id: &str) -> Result<(Item, Actor), AppError> {
    let item = app.store.get(&connection_key(connection_id)).await?.ok_or(AppError::Unauthenticated)?;
    let actor: Actor = item
        .attrs
        .get("actor")
        .cloned()
        .and_then(|a| serde_json::from_value(a).ok())
        .ok_or(AppError::Unauthenticated)?;
    Ok((item, actor))
}

/// The subscription item; for a waiting ticket, indexed among its queue's watchers.
fn subscription_item(topic: &str, connection_id: &str, ticket: Option<&Ticket>, expires_at: i64) -> Item {
    let mut attrs = json!({"conn": connection_id});
    if let Some(t) = ticket {
        attrs["ticket"] = json!(t.id.to_string());
        attrs["tenant"] = json!(t.tenant.to_string());
    }
    let mut item = Item::new(topic_key(topic, connection_id), obj(attrs)).with_expiry(expires_at);
    if let Some((t, slot)) = ticket.and_then(|t| t.queue.filter(|_| t.status.waits_for_staff()).map(|s| (t, s))) {
        // Number, ticket and connection in the index key: the fan-out walks it keys only.
        let sk = format!("{}#{}#{connection_id}", tickets::queue_sort_key(slot.number), t.id);
        item = item.with_index(Index::Gsi1, IndexKey::new(watch_partition(t.priority), sk));
    }
    item
}

async fn subscribe(app: &AppState, connection_id: &str, topic: &str) -> Result<Vec<Value>, AppError> {
    let (conn, actor) = connection(app, connection_id).await?;
    let mut topics = topics_of(&conn);
    if !topics.iter().any(|t| t == topic) && topics.len() >= MAX_TOPICS {
        return Err(AppError::invalid("topic", format!("a connection holds at most {MAX_TOPICS} topics")));
    }
    let expires = conn.expires_at.unwrap_or(app.clock.now_unix() + CONNECTION_TTL_SECS);
    let (item, snapshot) = match parse_topic(topic)? {
        Topic::Ticket(id) => {
            let (_, t) = super::get_by_id(app, &actor, &id).await?;
            permit(&actor, Permission::ViewQueuePosition, &resource(&t))?;
            let standing = super::standing(app, &t).await?;
            let as_of = kt_domain::timestamp(t.updated_at);
            let snapshot = position_message(&t, standing.as_ref(), as_of).to_value();
            (subscription_item(topic, connection_id, Some(&t), expires), Some(snapshot))
        }
        Topic::Queue => {
            if !actor.role.is_house_staff() || actor.tenant_bound || !policy::may(&actor, Permission::ManageAllTickets)
            {
                return Err(AppError::NotFound);
            }
            (subscription_item(topic, connection_id, None, expires), None)
        }
        Topic::User(id) => {
            if id != actor.user {
                return Err(AppError::NotFound);
            }
            (subscription_item(topic, connection_id, None, expires), None)
        }
    };
    app.store.put(item, Cond::None).await?;
    if !topics.iter().any(|t| t == topic) {
        topics.push(topic.to_owned());
        let mut conn = conn;
        conn.attrs.insert("topics".into(), json!(topics));
        app.store.put(conn, Cond::None).await?;
    }
    Ok(snapshot.into_iter().collect())
}

async fn unsubscribe(app: &AppState, connection_id: &str, topic: &str) -> Result<(), AppError> {
    app.store.delete(&topic_key(topic, connection_id), Cond::None).await?;
    if let Some(mut conn) = app.store.get(&connection_key(connection_id)).await? {
        let topics: Vec<String> = topics_of(&conn).into_iter().filter(|t| t != topic).collect();
        conn.attrs.insert("topics".into(), json!(topics));
        app.store.put(conn, Cond::None).await?;
    }
    Ok(())
}

/// "#3 of 12 in the High queue".
pub fn position_label(at: &QueuePosition) -> String {
    format!("#{} of {} in the {} queue", at.position, at.length, at.priority.label())
}

/// What a ticket's subscribers get (`ticket.position`): where it stands now. Serialized
/// straight to text: a fan-out writes thousands of them.
#[derive(Debug, Serialize)]
pub struct PositionMessage<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    topic: String,
    ticket: &'a str,
    status: &'a str,
    priority: &'a str,
    in_queue: bool,
    position: Option<u64>,
    length: Option<u64>,
    label: Option<String>,
    estimate: Option<estimate::Estimate>,
    /// When the state was read (RFC 3339): clients keep the newest.
    as_of: String,
}

impl PositionMessage<'_> {
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// The position message of a waiting ticket.
fn waiting_message<'a>(
    ticket: &'a str,
    at: &QueuePosition,
    estimate: estimate::Estimate,
    as_of: String,
) -> PositionMessage<'a> {
    PositionMessage {
        kind: "ticket.position",
        topic: format!("ticket:{ticket}"),
        ticket,
        status: "waiting",
        priority: at.priority.as_str(),
        in_queue: true,
        position: Some(at.position),
        length: Some(at.length),
        label: Some(position_label(at)),
        estimate: Some(estimate),
        as_of,
    }
}

/// The message of `t`'s subscribers, as of `as_of`.
pub fn position_message<'a>(t: &'a Ticket, standing: Option<&QueueStanding>, as_of: String) -> PositionMessage<'a> {
    PositionMessage {
        kind: "ticket.position",
        topic: format!("ticket:{}", t.id),
        ticket: t.id.as_str(),
        status: t.status.as_str(),
        priority: t.priority.as_str(),
        in_queue: standing.is_some(),
        position: standing.map(|s| s.at.position),
        length: standing.map(|s| s.at.length),
        label: standing.map(|s| position_label(&s.at)),
        estimate: standing.map(|s| s.estimate),
        as_of,
    }
}

/// Pushes each message to its connection, pruning those that are gone. Returns how many got one.
pub async fn push_all(app: &AppState, pushes: Vec<(String, String)>) -> usize {
    let results = app.push.send_many(&pushes).await;
    let mut delivered = 0;
    for ((conn, _), result) in pushes.iter().zip(results) {
        match result {
            Ok(()) => delivered += 1,
            Err(PushError::Gone) => {
                if let Err(e) = disconnect(app, conn).await {
                    tracing::warn!(error = %e, conn, "could not prune a gone connection");
                }
            }
            Err(e) => tracing::warn!(error = %e, conn, "push failed"),
        }
    }
    delivered
}

/// Every subscription item of a topic.
async fn subscribers(app: &AppState, topic: &str) -> Result<Vec<Item>, AppError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = app.store.query(Query::table(format!("WSTOPIC#{topic}")).limit(1000).after(cursor)).await?;
        out.extend(page.items);
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}

/// Messages formatted and handed over at a time. On the local host the hub takes a chunk at
/// once and the other core writes it to the sockets while the next is formatted; on AWS each
/// chunk is posted (64 at a time) before the next is formatted.
const PUSH_CHUNK: usize = 256;

/// After a change of `ticket` that touched `queues`: re-indexes the ticket's own watchers,
/// then pushes fresh positions to every watcher of every touched queue and the new lengths to
/// staff watching the queues. Returns the number of pushes delivered.
pub async fn fan_out(app: &AppState, ticket: &Ticket, queues: &[Priority]) -> Result<usize, AppError> {
    let started = std::time::Instant::now();
    // The three parts read independently: they run at once.
    let (own, watchers, staff) = tokio::join!(
        own_pushes(app, ticket),
        futures::future::try_join_all(queues.iter().map(|&p| queue_watchers(app, p, &ticket.id))),
        staff_pushes(app, queues),
    );
    // Stamped when the state was read, before anything is sent (sending may take a while
    // on AWS; a later stamp could outrank a fresher concurrent push).
    let as_of = as_of(app);
    let mut pushes = own?;
    pushes.extend(staff?);
    let ranked: Vec<Ranked> = watchers?.into_iter().flatten().collect();
    let computed = started.elapsed();
    let count = pushes.len() + ranked.len();
    let mut delivered = push_all(app, pushes).await;
    for chunk in ranked.chunks(PUSH_CHUNK) {
        delivered += push_all(app, chunk.iter().map(|r| r.push(&as_of)).collect()).await;
    }
    tracing::debug!(
        ticket = %ticket.id,
        pushes = count,
        delivered,
        ranked_ms = computed.as_secs_f64() * 1000.0,
        total_ms = started.elapsed().as_secs_f64() * 1000.0,
        "positions pushed"
    );
    Ok(delivered)
}

/// The ticket's own watchers: re-indexed where it stands now, and told.
async fn own_pushes(app: &AppState, ticket: &Ticket) -> Result<Vec<(String, String)>, AppError> {
    let own_topic = format!("ticket:{}", ticket.id);
    let own = subscribers(app, &own_topic).await?;
    if own.is_empty() {
        return Ok(Vec::new());
    }
    let standing = super::standing(app, ticket).await?;
    let message = position_message(ticket, standing.as_ref(), as_of(app)).to_text();
    let mut pushes = Vec::with_capacity(own.len());
    for sub in &own {
        let conn = sub.key.sk.clone();
        let expires = sub.expires_at.unwrap_or(app.clock.now_unix() + CONNECTION_TTL_SECS);
        app.store.put(subscription_item(&own_topic, &conn, Some(ticket), expires), Cond::None).await?;
        pushes.push((conn, message.clone()));
    }
    Ok(pushes)
}

/// Staff watching the queues hear the new lengths of those that changed.
async fn staff_pushes(app: &AppState, queues: &[Priority]) -> Result<Vec<(String, String)>, AppError> {
    if queues.is_empty() {
        return Ok(Vec::new());
    }
    let staff = subscribers(app, "queue").await?;
    if staff.is_empty() {
        return Ok(Vec::new());
    }
    let mut pushes = Vec::new();
    for p in queues {
        let length = tickets::length(app.store.as_ref(), *p).await?;
        let message =
            json!({"type": "queue.changed", "topic": "queue", "priority": p.as_str(), "length": length}).to_string();
        pushes.extend(staff.iter().map(|s| (s.key.sk.clone(), message.clone())));
    }
    Ok(pushes)
}

/// A queue watcher's connection and where its ticket stands now.
struct Ranked {
    conn: String,
    ticket: String,
    at: QueuePosition,
    estimate: estimate::Estimate,
}

impl Ranked {
    fn push(&self, as_of: &str) -> (String, String) {
        (self.conn.clone(), waiting_message(&self.ticket, &self.at, self.estimate, as_of.to_owned()).to_text())
    }
}

/// Every watcher of `priority`'s queue except those of `skip`, with its ticket's fresh
/// position. When there are any, three reads at once: a keys-only walk of the watchers' index,
/// a keys-only walk of the queue to rank them, the response-time summary.
async fn queue_watchers(app: &AppState, priority: Priority, skip: &TicketId) -> Result<Vec<Ranked>, AppError> {
    // Most changes have no one watching their queue: one key tells, before the queue is walked.
    let probe = Query::partition(Index::Gsi1, watch_partition(priority)).keys_only().limit(1);
    if app.store.query(probe).await?.items.is_empty() {
        return Ok(Vec::new());
    }
    let summary_key = tickets::summary_key(priority);
    let (watchers, queue, summary) = tokio::join!(
        watchers(app, priority, skip),
        tickets::queue_numbers(app.store.as_ref(), priority),
        app.store.get(&summary_key),
    );
    let (watchers, queue) = (watchers?, queue?);
    let summary = summary?.and_then(|i| i.to_entity::<estimate::Summary>().ok());
    let target = default_first_response_secs(priority);
    let length = queue.len() as u64;
    Ok(watchers
        .into_iter()
        // A watcher whose ticket left the queue hears from that ticket's own update.
        .filter_map(|(number, ticket, conn)| {
            let position = queue.binary_search(&number).ok()? as u64 + 1;
            let at = QueuePosition { priority, position, length };
            let estimate = estimate::estimate(summary.as_ref(), position, target);
            Some(Ranked { conn, ticket, at, estimate })
        })
        .collect())
}

/// (number, ticket, connection) of every watcher of `priority`'s queue but `skip`'s.
async fn watchers(app: &AppState, priority: Priority, skip: &TicketId) -> Result<Vec<(u64, String, String)>, AppError> {
    let mut watchers = Vec::new();
    let mut cursor = None;
    loop {
        let q = Query::partition(Index::Gsi1, watch_partition(priority)).keys_only().limit(10_000).after(cursor);
        let page = app.store.query(q).await?;
        for item in &page.items {
            let Some(ik) = item.index_key(Index::Gsi1) else { continue };
            let mut parts = ik.sk.splitn(3, '#');
            let (Some(number), Some(ticket), Some(conn)) = (parts.next(), parts.next(), parts.next()) else { continue };
            let Ok(number) = number.parse::<u64>() else { continue };
            if ticket != skip.as_str() {
                watchers.push((number, ticket.to_owned(), conn.to_owned()));
            }
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(watchers);
        }
    }
}

/// When a pushed state was read ([`kt_domain::timestamp`]): clients keep the newest.
fn as_of(app: &AppState) -> String {
    kt_domain::timestamp(app.clock.now())
}

/// The `events` consumer that keeps subscribers' positions current.
pub struct LiveConsumer {
    pub app: AppState,
}

impl LiveConsumer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

#[async_trait]
impl Consumer for LiveConsumer {
    fn name(&self) -> &'static str {
        "live"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("ticket.")
    }

    /// A repeated push sends positions read afresh, stamped `as_of`: subscribers keep the
    /// newest, so a redelivery is harmless and the latency-budgeted path skips the claim.
    fn needs_claim(&self) -> bool {
        false
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let fail = |e: AppError| HandlerError(e.to_string());
        let (Some(tenant), Some(id)) = (
            event.tenant.as_deref().and_then(|t| kt_domain::identity::TenantId::try_from(t.to_owned()).ok()),
            event.payload.get("ticket").and_then(Value::as_str).and_then(|t| TicketId::try_from(t.to_owned()).ok()),
        ) else {
            return Ok(());
        };
        let queues: Vec<Priority> = event
            .payload
            .get("queues_changed")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|p| serde_json::from_value(p.clone()).ok()).collect())
            .unwrap_or_default();
        // The ticket as it stands now (a later event may have moved it again; pushing the
        // current state is what subscribers want).
        let Some(ticket) = tickets::get(self.app.store.as_ref(), &tenant, &id).await.map_err(|e| fail(e.into()))?
        else {
            return Ok(());
        };
        let lag = self.app.clock.now() - event.occurred_at;
        tracing::debug!(event = %event.id, lag_ms = lag.whole_milliseconds() as i64, "live update starts");
        fan_out(&self.app, &ticket.value, &queues).await.map_err(fail)?;
        Ok(())
    }
}
