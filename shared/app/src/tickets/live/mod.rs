//! Live updates over WebSocket. A connection is recorded at `$connect` with the actor it
//! authenticated as; it subscribes to topics the policy allows:
//!
//! * `ticket:<id>`: that ticket's standing ("#3 of 12 in the High queue", the estimate, its
//!   status) whenever it changes, and `ticket.message` when a reply is added (an internal
//!   note only to those who may read notes);
//! * `queue`: every queue's length (house staff; its subscriptions spread over 8 partitions);
//! * `user:<id>`: one's own notifications (only one's own id);
//! * `conversation:<id>`: a conversation's new, edited and deleted messages (its members).
//!
//! Items: `WSCONN#<conn>` / `CONN` (actor, topics; 2-hour TTL, API Gateway's limit),
//! `WSTOPIC#<topic>` / `<conn>` (one per subscription). A subscription to a waiting ticket is
//! also indexed on gsi1 as `QWATCH#<priority>` / `<queue number>#<ticket>#<conn>`, so when a
//! queue changes [`fanout`] finds every watcher of that queue in one walk and ranks them in
//! one walk of the queue, at most once a second per queue.

pub mod fanout;

pub use fanout::{LiveConsumer, push_all, subscribers};

use kt_domain::identity::{TicketId, UserId};
use kt_domain::policy;
use kt_domain::policy::{Actor, Permission};
use kt_domain::ticket::{Priority, Ticket, estimate};
use kt_store::{Cond, Index, IndexKey, Item, Key, tickets};
use serde::Serialize;
use serde_json::{Value, json};

use super::{QueuePosition, QueueStanding, resource};
use crate::{AppError, AppState, permit};

/// API Gateway closes every WebSocket connection after two hours.
pub const CONNECTION_TTL_SECS: i64 = 2 * 3600;
/// Topics one connection may hold.
pub const MAX_TOPICS: usize = 50;

pub fn connection_key(connection_id: &str) -> Key {
    Key::new(format!("WSCONN#{connection_id}"), "CONN")
}

/// The staff-wide topic: every tenant's staff subscribe to it, so its subscriptions are spread
/// over [`WATCH_SHARDS`] partitions by connection. Other topics are one ticket's or one
/// person's.
const QUEUE_TOPIC: &str = "queue";

fn topic_key(topic: &str, connection_id: &str) -> Key {
    if topic == QUEUE_TOPIC {
        return Key::new(format!("WSTOPIC#{topic}#{}", watch_shard(connection_id)), connection_id);
    }
    Key::new(format!("WSTOPIC#{topic}"), connection_id)
}

/// The partitions holding a topic's subscriptions (for `queue`, also the unsharded one of
/// stores from before).
fn topic_partitions(topic: &str) -> Vec<String> {
    let bare = format!("WSTOPIC#{topic}");
    if topic != QUEUE_TOPIC {
        return vec![bare];
    }
    (0..WATCH_SHARDS).map(|s| format!("{bare}#{s}")).chain([bare.clone()]).collect()
}

/// Index partitions a queue's watchers are spread over (by connection): subscribing writes
/// one of them, a push reads them all at once.
pub const WATCH_SHARDS: u32 = 8;

fn watch_partition(priority: Priority, shard: u32) -> String {
    format!("QWATCH#{}#{shard}", priority.as_str())
}

fn watch_shard(connection_id: &str) -> u32 {
    kt_domain::shard_of(connection_id, WATCH_SHARDS as u64) as u32
}

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

/// Records a connection for `actor`.
pub async fn connect(app: &AppState, connection_id: &str, actor: &Actor) -> Result<(), AppError> {
    let now = app.clock.now_unix();
    crate::messaging::presence::touch(app, actor, true).await?;
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
        // A sign of life for presence: sent while the page is open (`active`: the person did
        // something since the last one).
        (Some("presence"), _) => {
            let active = message.get("active").and_then(Value::as_bool).unwrap_or(false);
            match connection(app, connection_id).await {
                Ok((_, actor)) => match crate::messaging::presence::touch(app, &actor, active).await {
                    Ok(()) => vec![],
                    Err(e) => {
                        tracing::warn!(error = %e, "presence not noted");
                        vec![]
                    }
                },
                Err(_) => vec![error("unauthenticated", "sign in again", None)],
            }
        }
        (Some("typing"), Some(topic)) => match typing(app, connection_id, topic).await {
            Ok(()) => vec![],
            Err(AppError::Unauthenticated) => vec![error("unauthenticated", "sign in again", Some(topic))],
            Err(AppError::NotFound) => vec![error("not-found", "subscribe to the conversation first", Some(topic))],
            Err(e) => {
                tracing::warn!(error = %e, topic, "typing indicator failed");
                vec![]
            }
        },
        (Some("subscribe" | "unsubscribe" | "typing"), None) => vec![error("bad-message", "name a \"topic\"", None)],
        (Some(other), _) => vec![error("unknown-type", format!("unknown message type {other:?}"), None)],
        (None, _) => vec![error("bad-message", "send JSON objects with a \"type\"", None)],
    }
}

/// A typing indicator at most this often per connection (milliseconds); more are dropped.
const TYPING_EVERY_MS: i64 = 2_000;

/// Tells the other subscribers of a conversation that the connection's person is typing
/// (nothing is stored but the time, to drop indicators sent too often). Only a connection
/// subscribed to the conversation (checked by the policy then) may.
async fn typing(app: &AppState, connection_id: &str, topic: &str) -> Result<(), AppError> {
    let (mut conn, actor) = connection(app, connection_id).await?;
    if !matches!(parse_topic(topic), Ok(Topic::Conversation(_))) || !topics_of(&conn).iter().any(|t| t == topic) {
        return Err(AppError::NotFound);
    }
    let now_ms = (app.clock.now().unix_timestamp_nanos() / 1_000_000) as i64;
    if conn.attrs.get("typed_at").and_then(Value::as_i64).is_some_and(|t| now_ms - t < TYPING_EVERY_MS) {
        return Ok(());
    }
    conn.attrs.insert("typed_at".into(), json!(now_ms));
    app.store.put(conn, Cond::None).await?;
    let conversation = topic.trim_start_matches("conversation:");
    let message = json!({"type": "typing", "topic": topic, "conversation": conversation, "user": actor.user, "at": kt_domain::timestamp(app.clock.now())}).to_string();
    let others: Vec<(String, String)> = subscribers(app, topic)
        .await?
        .into_iter()
        .filter(|i| i.key.sk != connection_id)
        .map(|i| (i.key.sk, message.clone()))
        .collect();
    push_all(app, others).await;
    Ok(())
}

/// What a topic names.
enum Topic {
    Ticket(TicketId),
    Queue,
    User(UserId),
    Conversation(String),
}

fn parse_topic(topic: &str) -> Result<Topic, AppError> {
    let bad = || AppError::invalid("topic", "topics are ticket:<id>, queue, user:<id> or conversation:<id>");
    match topic.split_once(':') {
        Some(("conversation", id)) if ulid::Ulid::from_string(id).is_ok() => Ok(Topic::Conversation(id.to_owned())),
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

/// The subscription item; for a waiting ticket, indexed among its queue's watchers, with a
/// fresh `nonce`: every (re-)indexing follows something sent to the subscriber outside its
/// queue's pushes (the subscription's snapshot, a change of the ticket itself), so a queue
/// push never takes what it sent before for what the subscriber shows now
/// ([`fanout::SentLabels`]).
/// `notes`: the subscriber may read internal notes (told of new ones as of replies).
fn subscription_item(
    topic: &str,
    connection_id: &str,
    ticket: Option<&Ticket>,
    expires_at: i64,
    nonce: &str,
    notes: bool,
) -> Item {
    let mut attrs = json!({"conn": connection_id});
    if notes {
        attrs["notes"] = json!(true);
    }
    if let Some(t) = ticket {
        attrs["ticket"] = json!(t.id.to_string());
        attrs["tenant"] = json!(t.tenant.to_string());
    }
    let mut item = Item::new(topic_key(topic, connection_id), obj(attrs)).with_expiry(expires_at);
    if let Some((t, slot)) = ticket.and_then(|t| t.queue.filter(|_| t.status.waits_for_staff()).map(|s| (t, s))) {
        // Number, ticket, nonce and connection in the index key: the fan-out walks it keys only.
        let sk = format!("{}#{}#{nonce}#{connection_id}", tickets::queue_sort_key(slot.number), t.id);
        let partition = watch_partition(t.priority, watch_shard(connection_id));
        item = item.with_index(Index::Gsi1, IndexKey::new(partition, sk));
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
            let nonce = app.ids.ulid().to_string();
            let notes = kt_domain::ticket::sees_internal(actor.role);
            (subscription_item(topic, connection_id, Some(&t), expires, &nonce, notes), Some(snapshot))
        }
        Topic::Queue => {
            if !actor.role.is_house_staff() || actor.tenant_bound || !policy::may(&actor, Permission::ManageAllTickets)
            {
                return Err(AppError::NotFound);
            }
            (subscription_item(topic, connection_id, None, expires, "", false), None)
        }
        Topic::User(id) => {
            if id != actor.user {
                return Err(AppError::NotFound);
            }
            (subscription_item(topic, connection_id, None, expires, "", false), None)
        }
        Topic::Conversation(id) => {
            crate::messaging::may_follow(app, &actor, &id).await?;
            (subscription_item(topic, connection_id, None, expires, "", false), None)
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
