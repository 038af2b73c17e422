//! Transactional outbox: a state change and the events it causes commit in one `transact`;
//! the relay then moves each event to its queue and deletes the outbox item. Sending before
//! deleting means a crash in between delivers twice (consumers deduplicate), never zero times.
//!
//! Outbox items live in a few partitions (`OUTBOX#0`..`OUTBOX#3`) so a busy tenant cannot make
//! one DynamoDB partition hot; on AWS the table's stream (filtered to `OUTBOX#`) feeds the relay
//! function, locally an in-process poller calls [`Relay::relay_pending`].

use std::sync::Arc;

use kt_domain::DomainEvent;
use kt_platform::Queue;
use kt_store::{Cond, Item, Key, Query, Store, TxOp};
use serde::{Deserialize, Serialize};

use crate::AppError;

pub const SHARDS: u32 = 4;
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

    /// Sends one outbox entry to its queue, then deletes the outbox item.
    pub async fn relay(&self, key: &Key, entry: &OutboxEntry) -> Result<(), AppError> {
        let body = serde_json::to_string(&entry.event).map_err(|e| AppError::Internal(e.to_string()))?;
        self.queue.send(&entry.queue, &body, std::time::Duration::ZERO).await?;
        self.store.delete(key, Cond::None).await?;
        Ok(())
    }

    /// Relays every pending outbox item (oldest first per shard), up to `limit` per shard.
    /// Returns how many were relayed.
    pub async fn relay_pending(&self, limit: u32) -> Result<usize, AppError> {
        let mut relayed = 0;
        for shard in 0..SHARDS {
            let page = self.store.query(Query::table(format!("{PREFIX}{shard}")).limit(limit)).await?;
            for item in page.items {
                match item.to_entity::<OutboxEntry>() {
                    Ok(entry) => {
                        self.relay(&item.key, &entry).await?;
                        relayed += 1;
                    }
                    Err(e) => {
                        tracing::error!(pk = %item.key.pk, sk = %item.key.sk, error = %e, "unreadable outbox item left in place")
                    }
                }
            }
        }
        Ok(relayed)
    }
}
