//! Keeping subscribers' positions current, in proportion to what they would see change.
//!
//! A change of a ticket tells that ticket's own subscribers at once (its status, its place).
//! A change of a queue (an entry, an exit, a move between priorities) is *coalesced per queue*:
//! the first change after a quiet second is pushed at once; later changes within that second
//! collapse into one push at its end. A push walks the queue's watchers and the queue itself
//! once (keys only), ranks every watcher, and sends only to those whose label ("#3 of 12 in the
//! High queue") differs from the last one sent them ([`SentLabels`]). So a subscriber gets at
//! most one queue message a second, and the last one it gets is where its ticket stands after
//! the last change: every change is followed by a push that reads the queue after it. A ticket
//! that waits and changed queues is told through those queues' pushes; one out of the queue
//! (or moving within it without changing queues) is told at once, and only when what its
//! subscribers see changed (status, priority, place).
//!
//! The window of each queue is one item, `LIVE#<priority>` / `WINDOW`: `next_at_ms` (when the
//! next push may start) and `scheduled` (a timer message for it is on its way). An event that
//! finds the window open starts a push and closes the window for a second; one that finds it
//! closed and unscheduled sends the timer (a `queue.flush` event, delayed to the window's end
//! on the events queue) and marks it scheduled; one that finds a timer scheduled is covered by
//! it, since the timer's push reads the queue later. Each step is a write conditional on the
//! window's version, so concurrent workers agree; the item is written at most about twice a
//! second per queue, whatever the rate of changes. A failed push fails its message, which is
//! delivered again: a push may repeat, never go missing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::TicketId;
use kt_domain::ticket::{Priority, Ticket, default_first_response_secs, estimate};
use kt_platform::PushError;
use kt_store::{Cond, Index, Item, Key, Query, StoreError, tickets};
use serde_json::{Value, json};

use super::{
    CONNECTION_TTL_SECS, QueuePosition, WATCH_SHARDS, disconnect, position_message, subscription_item, waiting_message,
    watch_partition,
};
use crate::tickets::EVENTS;
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState};

/// The coalescing window of a queue: at most one push per this long.
pub const WINDOW_MS: i64 = 1000;
/// The kind of the timer event that ends a queue's window.
pub const FLUSH_KIND: &str = "queue.flush";

/// Messages formatted and handed over at a time. On the local host the hub takes a chunk at
/// once and the other core writes it to the sockets while the next is formatted; on AWS each
/// chunk is posted (64 at a time) before the next is formatted.
const PUSH_CHUNK: usize = 256;

/// What this process sent each watcher of a queue in its last push of that queue, by the push's
/// number. The memory is used only when this process also made the queue's previous push (the
/// window item numbers the pushes), so no other process's push came between; labels carry the
/// subscription's index nonce, renewed whenever its subscriber is sent something outside the
/// queue's pushes. A subscriber is skipped only when it certainly shows that label already.
#[derive(Default)]
pub struct SentLabels(Mutex<HashMap<Priority, (u64, HashMap<String, String>)>>);

impl SentLabels {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Priority, (u64, HashMap<String, String>)>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Which of `candidates` (connection, label) push number `push` must send.
    fn changed<'a, T>(&self, priority: Priority, push: u64, candidates: &'a [(String, String, T)]) -> Vec<bool> {
        let all = self.lock();
        match all.get(&priority) {
            Some((last, sent)) if *last + 1 == push => {
                candidates.iter().map(|(conn, label, _)| sent.get(conn) != Some(label)).collect()
            }
            _ => vec![true; candidates.len()],
        }
    }

    /// What push number `push` leaves each subscriber showing (labels of those it skipped or
    /// delivered to).
    fn remember(&self, priority: Priority, push: u64, showing: HashMap<String, String>) {
        self.lock().insert(priority, (push, showing));
    }
}

/// A waiting subscriber's label: its subscription's index entry and its place.
fn label(entry: &str, at: &QueuePosition) -> String {
    format!("{entry}|{}|{}|{}", at.priority.as_str(), at.position, at.length)
}

/// Pushes each message to its connection, pruning those that are gone. Returns how many got one.
pub async fn push_all(app: &AppState, pushes: Vec<(String, String)>) -> usize {
    delivered(app, &pushes).await.into_iter().filter(|d| *d).count()
}

/// Pushes each message; for each, whether it was delivered. Gone connections are forgotten.
async fn delivered(app: &AppState, pushes: &[(String, String)]) -> Vec<bool> {
    let results = app.push.send_many(pushes).await;
    let mut out = Vec::with_capacity(pushes.len());
    for ((conn, _), result) in pushes.iter().zip(results) {
        out.push(result.is_ok());
        match result {
            Ok(()) => {}
            Err(PushError::Gone) => {
                if let Err(e) = disconnect(app, conn).await {
                    tracing::warn!(error = %e, conn, "could not prune a gone connection");
                }
            }
            Err(e) => tracing::warn!(error = %e, conn, "push failed"),
        }
    }
    out
}

/// Every subscription item of a topic.
pub async fn subscribers(app: &AppState, topic: &str) -> Result<Vec<Item>, AppError> {
    let reads = super::topic_partitions(topic).into_iter().map(|pk| async move {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let page = app.store.query(Query::table(pk.clone()).limit(1000).after(cursor)).await?;
            out.extend(page.items);
            cursor = page.next_cursor;
            if cursor.is_none() {
                return Ok::<_, StoreError>(out);
            }
        }
    });
    Ok(futures::future::try_join_all(reads).await?.into_iter().flatten().collect())
}

/// When a pushed state was read ([`kt_domain::timestamp`]): clients keep the newest.
fn as_of(app: &AppState) -> String {
    kt_domain::timestamp(app.clock.now())
}

fn now_ms(app: &AppState) -> i64 {
    (app.clock.now().unix_timestamp_nanos() / 1_000_000) as i64
}

/// After a visible change of `ticket` (status, priority, place): its subscriptions are
/// re-indexed where it stands now, and, when `tell`, its subscribers are sent its standing.
/// Returns how many got it.
pub async fn push_own(app: &AppState, ticket: &Ticket, tell: bool) -> Result<usize, AppError> {
    let own_topic = format!("ticket:{}", ticket.id);
    let own = subscribers(app, &own_topic).await?;
    if own.is_empty() {
        return Ok(0);
    }
    let mut conns = Vec::with_capacity(own.len());
    for sub in &own {
        let conn = sub.key.sk.clone();
        let expires = sub.expires_at.unwrap_or(app.clock.now_unix() + CONNECTION_TTL_SECS);
        let item = subscription_item(&own_topic, &conn, Some(ticket), expires, &app.ids.ulid().to_string());
        app.store.put(item, Cond::None).await?;
        conns.push(conn);
    }
    if !tell {
        return Ok(0);
    }
    let standing = super::super::standing(app, ticket).await?;
    let message = position_message(ticket, standing.as_ref(), as_of(app)).to_text();
    Ok(push_all(app, conns.into_iter().map(|c| (c, message.clone())).collect()).await)
}

fn window_key(priority: Priority) -> Key {
    Key::new(format!("LIVE#{}", priority.as_str()), "WINDOW")
}

struct Window {
    next_at_ms: i64,
    scheduled: bool,
    /// Pushes started so far.
    pushes: u64,
    /// 0: no item yet.
    version: u64,
}

async fn read_window(app: &AppState, priority: Priority) -> Result<Window, AppError> {
    Ok(match app.store.get(&window_key(priority)).await? {
        None => Window { next_at_ms: 0, scheduled: false, pushes: 0, version: 0 },
        Some(item) => Window {
            next_at_ms: item.attrs.get("next_at_ms").and_then(Value::as_i64).unwrap_or(0),
            scheduled: item.attrs.get("scheduled").and_then(Value::as_bool).unwrap_or(false),
            pushes: item.attrs.get("pushes").and_then(Value::as_u64).unwrap_or(0),
            version: item.version,
        },
    })
}

/// Replaces the window read as `seen`; `false` when another worker changed it first. A push
/// starting counts itself in `pushes`.
async fn write_window(
    app: &AppState,
    priority: Priority,
    seen: &Window,
    next_at_ms: i64,
    scheduled: bool,
    pushes: u64,
) -> Result<bool, AppError> {
    let attrs = json!({"next_at_ms": next_at_ms, "scheduled": scheduled, "pushes": pushes});
    let item = Item::new(window_key(priority), attrs.as_object().cloned().unwrap_or_default())
        .with_version(seen.version + 1)
        // A window older than a day means nothing: let the table forget idle queues.
        .with_expiry(next_at_ms / 1000 + 86_400);
    let cond = if seen.version == 0 { Cond::NotExists } else { Cond::Version(seen.version) };
    match app.store.put(item, cond).await {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict { .. }) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// What became of a queue change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coalesced {
    /// Pushed now: `sent` messages, `unchanged` watchers skipped.
    Pushed { sent: usize, unchanged: usize },
    /// A push at the end of the current window will carry it.
    Deferred,
}

/// A change of `priority`'s queue happened (and committed): push now, or make sure a push
/// follows at the end of the current window.
pub async fn queue_changed(app: &AppState, priority: Priority) -> Result<Coalesced, AppError> {
    loop {
        let window = read_window(app, priority).await?;
        let now = now_ms(app);
        if window.scheduled {
            return Ok(Coalesced::Deferred);
        }
        if now >= window.next_at_ms {
            if write_window(app, priority, &window, now + WINDOW_MS, false, window.pushes + 1).await? {
                return push_queue(app, priority, window.pushes + 1).await;
            }
            continue;
        }
        // The timer first: a window marked scheduled must have one on its way. A spare timer
        // (another worker scheduled first) finds nothing to do.
        send_timer(app, priority, window.next_at_ms - now).await?;
        if write_window(app, priority, &window, window.next_at_ms, true, window.pushes).await? {
            return Ok(Coalesced::Deferred);
        }
    }
}

async fn send_timer(app: &AppState, priority: Priority, delay_ms: i64) -> Result<(), AppError> {
    let event =
        DomainEvent::new(app.ids.ulid(), FLUSH_KIND, None, app.clock.now(), json!({"priority": priority.as_str()}));
    let body = serde_json::to_string(&event).map_err(|e| AppError::Internal(e.to_string()))?;
    let delay = std::time::Duration::from_millis(delay_ms.max(0) as u64);
    app.queue.send(EVENTS, &body, delay).await.map_err(|e| AppError::Unavailable(e.to_string()))?;
    Ok(())
}

/// A window's timer fired: push if the window is still scheduled and due (early timers wait
/// again; spare ones end here).
pub async fn window_ended(app: &AppState, priority: Priority) -> Result<Option<Coalesced>, AppError> {
    loop {
        let window = read_window(app, priority).await?;
        if !window.scheduled {
            return Ok(None);
        }
        let now = now_ms(app);
        if now < window.next_at_ms {
            send_timer(app, priority, window.next_at_ms - now).await?;
            return Ok(None);
        }
        if write_window(app, priority, &window, now + WINDOW_MS, false, window.pushes + 1).await? {
            return push_queue(app, priority, window.pushes + 1).await.map(Some);
        }
    }
}

/// A queue watcher's connection and where its ticket stands now.
struct Ranked {
    conn: String,
    /// The subscription's index entry (number, ticket, nonce).
    entry: String,
    ticket: String,
    at: QueuePosition,
    estimate: estimate::Estimate,
}

/// Push number `push` of `priority`'s queue: the queue as it stands now to every watcher whose
/// label changed, and its length to staff watching the queues.
async fn push_queue(app: &AppState, priority: Priority, push: u64) -> Result<Coalesced, AppError> {
    let started = std::time::Instant::now();
    let summary_key = tickets::summary_key(priority);
    let (watchers, queue, summary, staff) = tokio::join!(
        watchers(app, priority),
        tickets::queue_numbers(app.store.as_ref(), priority),
        app.store.get(&summary_key),
        subscribers(app, "queue"),
    );
    // Stamped when the state was read, before anything is sent.
    let as_of = as_of(app);
    let (watchers, queue, staff) = (watchers?, queue?, staff?);
    let summary = summary?.and_then(|i| i.to_entity::<estimate::Summary>().ok());
    let target = default_first_response_secs(priority);
    let length = queue.len() as u64;
    let ranked: Vec<Ranked> = watchers
        .into_iter()
        // A watcher whose ticket left the queue heard from that ticket's own update.
        .filter_map(|w| {
            let position = queue.binary_search(&w.number).ok()? as u64 + 1;
            let at = QueuePosition { priority, position, length };
            let estimate = estimate::estimate(summary.as_ref(), position, target);
            Some(Ranked { conn: w.conn, entry: w.entry, ticket: w.ticket, at, estimate })
        })
        .collect();
    let candidates: Vec<(String, String, &Ranked)> =
        ranked.iter().map(|r| (r.conn.clone(), label(&r.entry, &r.at), r)).collect();
    let send = app.live_labels.changed(priority, push, &candidates);
    let unchanged = send.iter().filter(|s| !**s).count();
    let mut showing: HashMap<String, String> = HashMap::with_capacity(candidates.len());
    let mut changed = Vec::with_capacity(candidates.len() - unchanged);
    for ((conn, label, r), send) in candidates.iter().zip(send) {
        if send {
            changed.push((conn, label, *r));
        } else {
            showing.insert(conn.clone(), label.clone());
        }
    }
    let mut sent = 0;
    for chunk in changed.chunks(PUSH_CHUNK) {
        let pushes: Vec<(String, String)> = chunk
            .iter()
            .map(|(conn, _, r)| {
                ((*conn).clone(), waiting_message(&r.ticket, &r.at, r.estimate, as_of.clone()).to_text())
            })
            .collect();
        for ((conn, label, _), ok) in chunk.iter().zip(delivered(app, &pushes).await) {
            if ok {
                sent += 1;
                showing.insert((*conn).clone(), (*label).clone());
            }
        }
    }
    app.live_labels.remember(priority, push, showing);
    if !staff.is_empty() {
        let message =
            json!({"type": "queue.changed", "topic": "queue", "priority": priority.as_str(), "length": length})
                .to_string();
        sent += push_all(app, staff.iter().map(|s| (s.key.sk.clone(), message.clone())).collect()).await;
    }
    tracing::debug!(
        priority = priority.as_str(),
        watchers = ranked.len(),
        sent,
        unchanged,
        length,
        total_ms = started.elapsed().as_secs_f64() * 1000.0,
        "queue pushed"
    );
    Ok(Coalesced::Pushed { sent, unchanged })
}

/// One watcher of a queue, from its index entry.
struct Watcher {
    number: u64,
    ticket: String,
    /// Number, ticket and nonce: changes whenever the subscription is re-indexed.
    entry: String,
    conn: String,
}

/// Every watcher of `priority`'s queue: a keys-only walk of each of its [`WATCH_SHARDS`] index
/// partitions, all at once.
async fn watchers(app: &AppState, priority: Priority) -> Result<Vec<Watcher>, AppError> {
    let walks = (0..WATCH_SHARDS).map(|shard| async move {
        let mut out = Vec::new();
        let mut cursor = None;
        loop {
            let q =
                Query::partition(Index::Gsi1, watch_partition(priority, shard)).keys_only().limit(10_000).after(cursor);
            let page = app.store.query(q).await?;
            for item in &page.items {
                let Some(ik) = item.index_key(Index::Gsi1) else { continue };
                let mut parts = ik.sk.splitn(4, '#');
                let (Some(number), Some(ticket), Some(nonce), Some(conn)) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                let Ok(n) = number.parse::<u64>() else { continue };
                let entry = format!("{number}#{ticket}#{nonce}");
                out.push(Watcher { number: n, ticket: ticket.to_owned(), entry, conn: conn.to_owned() });
            }
            cursor = page.next_cursor;
            if cursor.is_none() {
                return Ok::<_, AppError>(out);
            }
        }
    });
    Ok(futures::future::try_join_all(walks).await?.into_iter().flatten().collect())
}

/// The `events` consumer that keeps subscribers' positions current: ticket events tell the
/// ticket's own subscribers and coalesce the queues they changed; `queue.flush` timers end
/// windows.
pub struct LiveConsumer {
    pub app: AppState,
}

impl LiveConsumer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

/// Whether `event` changed what a ticket's subscribers see: its place (a queue changed), its
/// status or its priority, or the ticket is new or merged away.
fn visible_change(event: &DomainEvent, queues_changed: bool) -> bool {
    let p = &event.payload;
    let moved = |field: &str, from: &str| p.get(from).is_some_and(|f| Some(f) != p.get(field));
    queues_changed
        || matches!(event.kind.as_str(), "ticket.created" | "ticket.merged")
        || moved("status", "from_status")
        || moved("priority", "from_priority")
}

fn priority_of(v: &Value) -> Option<Priority> {
    serde_json::from_value(v.clone()).ok()
}

#[async_trait]
impl Consumer for LiveConsumer {
    fn name(&self) -> &'static str {
        "live"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("ticket.") || kind == FLUSH_KIND
    }

    /// A repeated push sends positions read afresh, stamped `as_of`: subscribers keep the
    /// newest, so a redelivery is harmless and the latency-budgeted path skips the claim.
    fn needs_claim(&self) -> bool {
        false
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let fail = |e: AppError| HandlerError(e.to_string());
        let app = &self.app;
        if event.kind == FLUSH_KIND {
            if let Some(p) = event.payload.get("priority").and_then(priority_of) {
                window_ended(app, p).await.map_err(fail)?;
            }
            return Ok(());
        }
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
            .map(|a| a.iter().filter_map(priority_of).collect())
            .unwrap_or_default();
        let lag = app.clock.now() - event.occurred_at;
        tracing::debug!(event = %event.id, lag_ms = lag.whole_milliseconds() as i64, "live update starts");
        if visible_change(event, !queues.is_empty()) {
            // The ticket as it stands now (a later event may have moved it again; pushing the
            // current state is what subscribers want). Waiting in a queue this change touched,
            // it is told by that queue's push.
            if let Some(t) = tickets::get(app.store.as_ref(), &tenant, &id).await.map_err(|e| fail(e.into()))? {
                let t = t.value;
                let told_by_queue = t.queue.is_some() && t.status.waits_for_staff() && queues.contains(&t.priority);
                push_own(app, &t, !told_by_queue).await.map_err(fail)?;
            }
        }
        for p in queues {
            queue_changed(app, p).await.map_err(fail)?;
        }
        Ok(())
    }
}
