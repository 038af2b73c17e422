//! Meters the driver wraps around the ports, beside [`kt_store::heat::MeteredStore`]:
//!
//! * [`PostMeter`] stands where API Gateway's `@connections` endpoint would: it counts every
//!   post, per connection and per second of the simulated clock, and accepts it;
//! * [`TxMeter`] counts, per item and per second, the transactions that write it: DynamoDB
//!   cancels concurrent transactions on one item, so an item many transactions write each
//!   second is where they would start to conflict.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use kt_domain::Clock;
use kt_platform::{Push, PushError};
use kt_store::{Cond, Item, Key, Page, Query, Store, StoreError, TxOp};

#[derive(Default)]
struct PostCounts {
    total: u64,
    positions: u64,
    /// connection -> (second, posts in it, most in any second)
    per_connection: HashMap<String, (i64, u32, u32)>,
}

pub struct PostMeter {
    clock: Arc<dyn Clock>,
    counts: Mutex<PostCounts>,
}

/// What the sockets were sent.
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct Posts {
    pub total: u64,
    /// `ticket.position` messages.
    pub positions: u64,
    /// The most any one connection was sent within one second.
    pub max_per_connection_second: u32,
}

impl PostMeter {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, counts: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PostCounts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        *self.lock() = PostCounts::default();
    }

    pub fn posts(&self) -> Posts {
        let c = self.lock();
        Posts {
            total: c.total,
            positions: c.positions,
            max_per_connection_second: c.per_connection.values().map(|(_, _, max)| *max).max().unwrap_or(0),
        }
    }
}

#[async_trait]
impl Push for PostMeter {
    async fn send(&self, connection_id: &str, message: &str) -> Result<(), PushError> {
        let second = self.clock.now_unix();
        let mut c = self.lock();
        c.total += 1;
        if message.contains("\"ticket.position\"") {
            c.positions += 1;
        }
        let entry = c.per_connection.entry(connection_id.to_owned()).or_insert((second, 0, 0));
        if entry.0 != second {
            *entry = (second, 0, entry.2);
        }
        entry.1 += 1;
        entry.2 = entry.2.max(entry.1);
        Ok(())
    }
}

/// The item most written by transactions within one second.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct BusiestItem {
    pub pk: String,
    pub sk: String,
    pub transactions_per_second: u32,
}

pub struct TxMeter {
    inner: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    counts: Mutex<HashMap<(String, String, i64), u32>>,
}

impl TxMeter {
    pub fn new(inner: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { inner, clock, counts: Mutex::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String, i64), u32>> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        self.lock().clear();
    }

    pub fn busiest(&self) -> BusiestItem {
        self.lock()
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|((pk, sk, _), n)| BusiestItem { pk: pk.clone(), sk: sk.clone(), transactions_per_second: *n })
            .unwrap_or_default()
    }
}

#[async_trait]
impl Store for TxMeter {
    fn adapter(&self) -> &'static str {
        self.inner.adapter()
    }
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.inner.get_many(keys).await
    }
    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        self.inner.put(item, cond).await
    }
    async fn delete(&self, key: &Key, cond: Cond) -> Result<(), StoreError> {
        self.inner.delete(key, cond).await
    }
    async fn delete_many(&self, keys: &[Key]) -> Result<(), StoreError> {
        self.inner.delete_many(keys).await
    }
    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        self.inner.query(query).await
    }
    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        let second = self.clock.now_unix();
        {
            let mut counts = self.lock();
            for op in &ops {
                let key = op.key();
                *counts.entry((key.pk.clone(), key.sk.clone(), second)).or_default() += 1;
            }
        }
        self.inner.transact(ops).await
    }
    async fn increment(&self, key: &Key, field: &str, by: i64) -> Result<i64, StoreError> {
        self.inner.increment(key, field, by).await
    }
    async fn sweep_expired(&self) -> Result<u64, StoreError> {
        self.inner.sweep_expired().await
    }
}

/// The relay's view of the table: on AWS the table's stream hands it new outbox items (stream
/// reads by a Lambda trigger are not billed as table reads), so its reads of the outbox
/// partitions go to the unmetered store; everything else, its deletes included, is billed.
pub struct StreamView {
    pub metered: Arc<dyn Store>,
    pub unmetered: Arc<dyn Store>,
}

#[async_trait]
impl Store for StreamView {
    fn adapter(&self) -> &'static str {
        self.metered.adapter()
    }
    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.metered.get(key).await
    }
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        self.metered.get_many(keys).await
    }
    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        self.metered.put(item, cond).await
    }
    async fn delete(&self, key: &Key, cond: Cond) -> Result<(), StoreError> {
        self.metered.delete(key, cond).await
    }
    async fn delete_many(&self, keys: &[Key]) -> Result<(), StoreError> {
        self.metered.delete_many(keys).await
    }
    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        if query.pk.starts_with("OUTBOX#") {
            self.unmetered.query(query).await
        } else {
            self.metered.query(query).await
        }
    }
    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        self.metered.transact(ops).await
    }
    async fn increment(&self, key: &Key, field: &str, by: i64) -> Result<i64, StoreError> {
        self.metered.increment(key, field, by).await
    }
    async fn sweep_expired(&self) -> Result<u64, StoreError> {
        self.metered.sweep_expired().await
    }
}

/// Counts the SQS requests the queue port makes (each call is one request; a batch of up to
/// ten is one).
pub struct QueueMeter {
    inner: Arc<dyn kt_platform::Queue>,
    requests: std::sync::atomic::AtomicU64,
}

impl QueueMeter {
    pub fn new(inner: Arc<dyn kt_platform::Queue>) -> Self {
        Self { inner, requests: Default::default() }
    }

    fn count(&self) {
        self.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn reset(&self) {
        self.requests.store(0, std::sync::atomic::Ordering::Relaxed);
    }
}

#[async_trait]
impl kt_platform::Queue for QueueMeter {
    async fn send(
        &self,
        queue: &str,
        body: &str,
        delay: std::time::Duration,
    ) -> Result<String, kt_platform::QueueError> {
        self.count();
        self.inner.send(queue, body, delay).await
    }
    async fn send_batch(
        &self,
        queue: &str,
        bodies: &[String],
    ) -> Result<Vec<Result<String, kt_platform::QueueError>>, kt_platform::QueueError> {
        self.count();
        self.inner.send_batch(queue, bodies).await
    }
    async fn receive(
        &self,
        queue: &str,
        max: u32,
        visibility: std::time::Duration,
        wait: std::time::Duration,
    ) -> Result<Vec<kt_platform::Received>, kt_platform::QueueError> {
        let got = self.inner.receive(queue, max, visibility, wait).await?;
        // Lambda's poller pays for its receives whether or not they find anything; here a
        // receive counts when it found work (the poller's idle polls are a fixed few a second).
        if !got.is_empty() {
            self.count();
        }
        Ok(got)
    }
    async fn ack(&self, queue: &str, receipt: &str) -> Result<(), kt_platform::QueueError> {
        self.count();
        self.inner.ack(queue, receipt).await
    }
    async fn retry_after(
        &self,
        queue: &str,
        receipt: &str,
        delay: std::time::Duration,
    ) -> Result<(), kt_platform::QueueError> {
        self.count();
        self.inner.retry_after(queue, receipt, delay).await
    }
    async fn dead_letters(
        &self,
        queue: &str,
        max: u32,
    ) -> Result<Vec<kt_platform::DeadLetter>, kt_platform::QueueError> {
        self.inner.dead_letters(queue, max).await
    }
    async fn replay_dead_letters(&self, queue: &str, max: u32) -> Result<u32, kt_platform::QueueError> {
        self.inner.replay_dead_letters(queue, max).await
    }
    async fn replay_dead_letter(&self, queue: &str, id: &str) -> Result<bool, kt_platform::QueueError> {
        self.inner.replay_dead_letter(queue, id).await
    }
}
