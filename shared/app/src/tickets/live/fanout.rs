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
pub struct SentLabels(Mutex<Sent>);

/// Per priority: the push number, and each subscriber's last label.
type Sent = HashMap<Priority, (u64, HashMap<String, String>)>;

impl SentLabels {
    fn lock(&self) -> std::sync::MutexGuard<'_, Sent> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What the previous push of `priority` left each subscriber showing, when this process
    /// made it and it was push number `push - 1`; taken out (the push puts back its own).
    fn take_previous(&self, priority: Priority, push: u64) -> Option<HashMap<String, String>> {
        match self.lock().remove(&priority) {
            Some((last, sent)) if last + 1 == push => Some(sent),
            _ => None,
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
        let notes = sub.attrs.get("notes").and_then(Value::as_bool).unwrap_or(false);
        let item = subscription_item(&own_topic, &conn, Some(ticket), expires, &app.ids.ulid().to_string(), notes);
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

/// A reply was added to a ticket: its subscribers are told (`ticket.message`, naming the
/// message; the page reads it with the conversation), an internal note only those who may read
/// notes. Returns how many were told.
pub async fn push_reply(app: &AppState, ticket: &TicketId, message: &str, internal: bool) -> Result<usize, AppError> {
    let topic = format!("ticket:{ticket}");
    let text = json!({"type": "ticket.message", "topic": topic, "ticket": ticket.as_str(), "message": message,
        "internal": internal, "as_of": as_of(app)})
    .to_string();
    let told: Vec<(String, String)> = subscribers(app, &topic)
        .await?
        .into_iter()
        .filter(|s| !internal || s.attrs.get("notes").and_then(Value::as_bool).unwrap_or(false))
        .map(|s| (s.key.sk, text.clone()))
        .collect();
    Ok(push_all(app, told).await)
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

/// Queue entries read per page while ranking (index keys; DynamoDB's 1 MB page holds about
/// as many): the watchers a page reaches are sent their place while the next is read.
const RANK_PAGE: u32 = 10_000;

/// Push number `push` of `priority`'s queue: the queue as it stands now to every watcher whose
/// label changed, and its length to staff watching the queues. The watchers and the queue's
/// first page are read at once, then each page of the queue ranks and sends the watchers it
/// reaches while the next is read; the walk stops after the last watcher. The length is the
/// count tree's.
async fn push_queue(app: &AppState, priority: Priority, push: u64) -> Result<Coalesced, AppError> {
    let started = std::time::Instant::now();
    let summary_key = tickets::summary_key(priority);
    let read_page = |cursor| app.store.query(tickets::queue_query(priority).keys_only().limit(RANK_PAGE).after(cursor));
    let (watchers, first, length, summary, staff) = tokio::join!(
        watchers(app, priority),
        read_page(None),
        tickets::length(app.store.as_ref(), priority),
        app.store.get(&summary_key),
        subscribers(app, "queue"),
    );
    // Stamped when the state was read, before anything is sent.
    let as_of = as_of(app);
    let (mut watchers, length, staff) = (watchers?, length?, staff?);
    watchers.sort_unstable_by_key(|w| w.number);
    let watching: Vec<u64> = watchers.iter().map(|w| w.number).collect();
    let summary = summary?.and_then(|i| i.to_entity::<estimate::Summary>().ok());
    let target = default_first_response_secs(priority);
    let previous = app.live_labels.take_previous(priority, push);
    let mut showing: HashMap<String, String> = HashMap::with_capacity(watchers.len());
    let (mut sent, mut unchanged, mut ranked) = (0, 0, 0);
    let (mut next, mut before, mut current) = (0usize, 0u64, Some(first?));
    while let Some(page) = current.take() {
        let numbers: Vec<u64> = page.items.iter().filter_map(tickets::queue_number_of).collect();
        let cursor = page.next_cursor;
        let (reach, places) = rank_page(&watching, next, &numbers, before, cursor.is_some());
        // The next page is read while this one's watchers are sent their place.
        let following = async {
            match cursor.clone() {
                Some(c) if reach < watchers.len() => read_page(Some(c)).await.map(Some),
                _ => Ok(None),
            }
        };
        let mut changed = Vec::new();
        for (i, position) in places {
            let w = &watchers[i];
            ranked += 1;
            let at = QueuePosition { priority, position, length: length.max(position) };
            let label = label(&w.entry, &at);
            if previous.as_ref().is_some_and(|p| p.get(&w.conn) == Some(&label)) {
                unchanged += 1;
                showing.insert(w.conn.clone(), label);
            } else {
                changed.push((w, at, label));
            }
        }
        let send = async {
            let mut sent_now = 0;
            for chunk in changed.chunks(PUSH_CHUNK) {
                let pushes: Vec<(String, String)> = chunk
                    .iter()
                    .map(|(w, at, _)| {
                        let estimate = estimate::estimate(summary.as_ref(), at.position, target);
                        (w.conn.clone(), waiting_message(&w.ticket, at, estimate, as_of.clone()).to_text())
                    })
                    .collect();
                for ((w, _, label), ok) in chunk.iter().zip(delivered(app, &pushes).await) {
                    if ok {
                        sent_now += 1;
                        showing.insert(w.conn.clone(), label.clone());
                    }
                }
            }
            sent_now
        };
        let (sent_now, following) = tokio::join!(send, following);
        sent += sent_now;
        current = following?;
        before += numbers.len() as u64;
        next = reach;
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
        watchers = ranked,
        sent,
        unchanged,
        length,
        total_ms = started.elapsed().as_secs_f64() * 1000.0,
        "queue pushed"
    );
    Ok(Coalesced::Pushed { sent, unchanged })
}

/// What one page of the queue (`numbers`, in order, after `before` entries) tells the watchers
/// (their tickets' numbers, in order) from `next` on: how far it reaches (up to the page's last
/// number, or every watcher left when no page follows: `more`), and the index and position of
/// each one in reach whose ticket is on the page. A watcher whose ticket left the queue is on
/// no page: it heard from that ticket's own update.
fn rank_page(watching: &[u64], next: usize, numbers: &[u64], before: u64, more: bool) -> (usize, Vec<(usize, u64)>) {
    let reach = match (more, numbers.last()) {
        (true, Some(last)) => next + watching[next..].partition_point(|n| n <= last),
        _ => watching.len(),
    };
    let places = (next..reach)
        .filter_map(|i| numbers.binary_search(&watching[i]).ok().map(|at| (i, before + at as u64 + 1)))
        .collect();
    (reach, places)
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
        if event.kind == "ticket.replied"
            && let Some(message) = event.payload.get("message").and_then(Value::as_str)
        {
            let internal = event.payload.get("internal").and_then(Value::as_bool).unwrap_or(true);
            push_reply(app, &id, message, internal).await.map_err(fail)?;
        }
        for p in queues {
            queue_changed(app, p).await.map_err(fail)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::rank_page;
    use proptest::prelude::*;

    proptest! {
        /// Walking the queue page by page places every watcher as one look at the whole queue
        /// would, whatever the page size, and never reads past the last watcher.
        #[test]
        fn paged_ranking_matches_the_whole_queue(
            queue in proptest::collection::btree_set(0u64..500, 0..120),
            gone in proptest::collection::btree_set(0u64..500, 0..20),
            share in 1usize..4,
            page in 1usize..40,
        ) {
            let queue: Vec<u64> = queue.into_iter().collect();
            let mut watching: Vec<u64> = queue.iter().copied().step_by(share).chain(gone).collect();
            watching.sort_unstable();
            let whole: Vec<(usize, u64)> = watching
                .iter()
                .enumerate()
                .filter_map(|(i, n)| queue.binary_search(n).ok().map(|at| (i, at as u64 + 1)))
                .collect();
            // As the store pages it: an empty queue is one empty page.
            let mut chunks: Vec<&[u64]> = queue.chunks(page).collect();
            if chunks.is_empty() {
                chunks.push(&[]);
            }
            let (mut next, mut before, mut placed, mut pages) = (0, 0u64, Vec::new(), 0);
            for (k, chunk) in chunks.iter().enumerate() {
                if k > 0 && next == watching.len() {
                    break;
                }
                pages += 1;
                let (reach, places) = rank_page(&watching, next, chunk, before, k + 1 < chunks.len());
                prop_assert!(reach >= next);
                placed.extend(places);
                before += chunk.len() as u64;
                next = reach;
            }
            prop_assert_eq!(next, watching.len());
            prop_assert_eq!(placed, whole);
            // Pages up to the one reaching the last watcher, and not one more.
            let needed = match watching.last() {
                None => 1,
                Some(last) => chunks.iter().position(|c| c.last() >= Some(last)).map_or(chunks.len(), |k| k + 1),
            };
            prop_assert_eq!(pages, needed);
        }
    }
}
