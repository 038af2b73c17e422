//! Transactional outbox: a state change and the events it causes commit in one `transact`;
//! the relay then moves each event to its queue and deletes the outbox item. Sending before
//! deleting means a crash in between delivers twice (consumers deduplicate), never zero times.
//!
//! Outbox items live in a few partitions (`OUTBOX#0`..`OUTBOX#3`) so a busy tenant cannot make
//! one DynamoDB partition hot; on AWS the table's stream (filtered to `OUTBOX#`) feeds the relay
//! function, locally an in-process poller calls [`Relay::relay_pending`].

use std::sync::Arc;

use futures::StreamExt;
use kt_platform::queue::{MAX_BATCH, MAX_BODY_BYTES};
use kt_store::limits::MAX_BATCH_GET;

use kt_domain::DomainEvent;
use kt_platform::Queue;
use kt_store::{Cond, Item, Key, Query, Store, TxOp};
use serde::{Deserialize, Serialize};

use crate::AppError;

/// Partitions the outbox is spread over (by event id): every commit of every tenant writes one
/// item and the relay deletes it, so each partition takes 1/16 of that. On AWS the stream hands
/// the relay new items (no reads); the local relay queries every shard each round.
pub const SHARDS: u32 = 16;
/// Batches sent (and deleted) at once by one relay call.
const CONCURRENT_BATCHES: usize = 8;
pub const PREFIX: &str = "OUTBOX#";

/// What an outbox item holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub queue: String,
    pub event: DomainEvent,
}

fn shard_of(event: &DomainEvent) -> u32 {
    (event.id.random() % SHARDS as u128) as u32
}

/// The transaction operation that records `event` for delivery to `queue`.
pub fn record(queue: &str, event: DomainEvent) -> Result<TxOp, AppError> {
    let key = Key::new(format!("{PREFIX}{}", shard_of(&event)), event.id.to_string());
    let entry = OutboxEntry { queue: queue.to_owned(), event };
    let item = Item::from_entity(key, &entry).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(TxOp::Put { item, cond: Cond::NotExists })
}

/// [`commit`], then wakes the local host's relay so the events leave at once (on AWS the
/// table's stream does).
pub async fn publish(app: &crate::AppState, ops: Vec<TxOp>, events: Vec<(&str, DomainEvent)>) -> Result<(), AppError> {
    commit(app.store.as_ref(), ops, events).await?;
    app.outbox_wake.notify_one();
    Ok(())
}

/// Commits `ops` together with `events` (each to its queue): all or nothing.
pub async fn commit(store: &dyn Store, mut ops: Vec<TxOp>, events: Vec<(&str, DomainEvent)>) -> Result<(), AppError> {
    for (queue, event) in events {
        ops.push(record(queue, event)?);
    }
    store.transact(ops).await?;
    Ok(())
}

#[derive(Clone)]
pub struct Relay {
    store: Arc<dyn Store>,
    queue: Arc<dyn Queue>,
}

impl Relay {
    pub fn new(store: Arc<dyn Store>, queue: Arc<dyn Queue>) -> Self {
        Self { store, queue }
    }

    /// Sends entries to their queues in batches of up to ten (several batches at once), then
    /// deletes the sent items in batches. Each entry gets its outcome, in order; one that
    /// failed stays in the outbox (or, from the stream, is retried) and may be sent again,
    /// which consumers absorb.
    pub async fn relay_all(&self, entries: &[(Key, OutboxEntry)]) -> Vec<Result<(), String>> {
        let mut outcomes: Vec<Result<(), String>> = vec![Ok(()); entries.len()];
        let mut batches: Vec<(String, Vec<usize>, Vec<String>)> = Vec::new();
        for (i, (_, entry)) in entries.iter().enumerate() {
            let body = match serde_json::to_string(&entry.event) {
                Ok(b) => b,
                Err(e) => {
                    outcomes[i] = Err(e.to_string());
                    continue;
                }
            };
            let open = batches.iter_mut().rev().find(|(q, idx, bodies)| {
                *q == entry.queue
                    && idx.len() < MAX_BATCH
                    && bodies.iter().map(String::len).sum::<usize>() + body.len() <= MAX_BODY_BYTES
            });
            match open {
                Some((_, idx, bodies)) => {
                    idx.push(i);
                    bodies.push(body);
                }
                None => batches.push((entry.queue.clone(), vec![i], vec![body])),
            }
        }
        // Owned futures: the relay loop of the local host runs in a spawned task.
        let sends: Vec<_> = batches
            .into_iter()
            .map(|(name, idx, bodies)| {
                let queue = self.queue.clone();
                async move { (idx, queue.send_batch(&name, &bodies).await) }
            })
            .collect();
        let sends = futures::stream::iter(sends).buffer_unordered(CONCURRENT_BATCHES).collect::<Vec<_>>().await;
        for (idx, sent) in sends {
            match sent {
                Ok(results) => {
                    for (&i, r) in idx.iter().zip(results) {
                        if let Err(e) = r {
                            outcomes[i] = Err(e.to_string());
                        }
                    }
                }
                Err(e) => idx.iter().for_each(|&i| outcomes[i] = Err(e.to_string())),
            }
        }
        let sent: Vec<usize> = (0..entries.len()).filter(|&i| outcomes[i].is_ok()).collect();
        let deletes: Vec<_> = sent
            .chunks(MAX_BATCH_GET)
            .map(|chunk| {
                let (store, chunk) = (self.store.clone(), chunk.to_vec());
                let keys: Vec<Key> = chunk.iter().map(|&i| entries[i].0.clone()).collect();
                async move { (chunk, store.delete_many(&keys).await) }
            })
            .collect();
        let deletes = futures::stream::iter(deletes).buffer_unordered(CONCURRENT_BATCHES).collect::<Vec<_>>().await;
        for (chunk, deleted) in deletes {
            if let Err(e) = deleted {
                // Sent but still in the outbox: relayed again later, absorbed by the consumers.
                chunk.iter().for_each(|&i| outcomes[i] = Err(format!("sent, but not removed from the outbox: {e}")));
            }
        }
        outcomes
    }

    /// Relays every pending outbox item (oldest first per shard), up to `limit` per shard, the
    /// shards at once. Returns how many were relayed.
    pub async fn relay_pending(&self, limit: u32) -> Result<usize, AppError> {
        let pages = futures::future::join_all(
            (0..SHARDS).map(|shard| self.store.query(Query::table(format!("{PREFIX}{shard}")).limit(limit))),
        )
        .await;
        let mut entries = Vec::new();
        for page in pages {
            for item in page?.items {
                match item.to_entity::<OutboxEntry>() {
                    Ok(entry) => entries.push((item.key, entry)),
                    Err(e) => {
                        tracing::error!(pk = %item.key.pk, sk = %item.key.sk, error = %e, "unreadable outbox item left in place")
                    }
                }
            }
        }
        let outcomes = self.relay_all(&entries).await;
        if let Some(((key, _), Err(e))) = entries.iter().zip(&outcomes).find(|(_, o)| o.is_err()) {
            tracing::warn!(pk = %key.pk, sk = %key.sk, error = %e, "outbox entry not relayed; will retry");
        }
        Ok(outcomes.iter().filter(|o| o.is_ok()).count())
    }
}
