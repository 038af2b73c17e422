//! Heat: the capacity DynamoDB would bill for what the application does, per partition (table
//! and index partitions alike) and per second, counted around any [`Store`] so that a run on
//! the embedded SQLite store shows where a deployment would get hot.
//!
//! The units follow DynamoDB's rules for on-demand tables:
//! * reads: 1 RCU per 4 KB of each item read strongly consistently (GetItem, BatchGetItem and
//!   table queries here), half that eventually consistently (index queries); a query rounds the
//!   sum of its items' sizes up once; reading nothing still costs one unit;
//! * writes: 1 WCU per 1 KB of the larger of the old and the new item, also when a condition
//!   fails; every index whose key the item has (before or after) is written too, in the index's
//!   own partition, twice when the key moved (a delete there and a put elsewhere); a keys-only
//!   index ([`Index::keys_only`]) only when its key changes, at the size of the keys;
//! * transactions: 2 units per unit above for each item (condition checks bill as writes);
//!   their index writes are ordinary writes;
//! * TTL deletions are free.
//!
//! Sizes are [`limits::item_size`], DynamoDB's own count. To know the old item of a write, the
//! meter reads it from the inner store first (not billed: the real table reads nothing extra).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use kt_domain::Clock;

use crate::limits::item_size;
use crate::{Cond, Index, Item, Key, Page, Query, Store, StoreError, TxOp};

/// A partition of the table or of one of its indexes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Partition {
    pub index: Index,
    pub pk: String,
}

/// Capacity units.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Units {
    pub rcu: f64,
    pub wcu: f64,
}

impl std::ops::AddAssign for Units {
    fn add_assign(&mut self, o: Units) {
        self.rcu += o.rcu;
        self.wcu += o.wcu;
    }
}

/// One partition's load: its total and its busiest second.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionHeat {
    pub partition: Partition,
    pub total: Units,
    pub peak_rcu_per_sec: f64,
    pub peak_wcu_per_sec: f64,
}

/// Counts units per partition and per second of the given clock (a simulated day runs on a
/// manual clock, so its seconds are the day's seconds however fast the run goes).
pub struct Meter {
    clock: Arc<dyn Clock>,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    total: HashMap<Partition, Units>,
    per_second: HashMap<(Partition, i64), Units>,
}

impl Meter {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        Self { clock, counts: Mutex::new(Counts::default()) }
    }

    fn add(&self, index: Index, pk: &str, units: Units) {
        let second = self.clock.now_unix();
        let partition = Partition { index, pk: pk.to_owned() };
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *counts.total.entry(partition.clone()).or_default() += units;
        *counts.per_second.entry((partition, second)).or_default() += units;
    }

    /// Every partition's load, the hottest (by peak units per second, writes weighed by
    /// DynamoDB's per-partition limits: 1,000 WCU/s against 3,000 RCU/s) first.
    pub fn report(&self) -> Vec<PartitionHeat> {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let mut heat: HashMap<&Partition, PartitionHeat> = HashMap::new();
        for (partition, total) in &counts.total {
            heat.insert(
                partition,
                PartitionHeat {
                    partition: partition.clone(),
                    total: *total,
                    peak_rcu_per_sec: 0.0,
                    peak_wcu_per_sec: 0.0,
                },
            );
        }
        for ((partition, _), units) in &counts.per_second {
            if let Some(h) = heat.get_mut(partition) {
                h.peak_rcu_per_sec = h.peak_rcu_per_sec.max(units.rcu);
                h.peak_wcu_per_sec = h.peak_wcu_per_sec.max(units.wcu);
            }
        }
        let mut out: Vec<PartitionHeat> = heat.into_values().collect();
        out.sort_by(|a, b| load(b).total_cmp(&load(a)).then_with(|| a.partition.cmp(&b.partition)));
        out
    }

    /// Units over every partition.
    pub fn total(&self) -> Units {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let mut sum = Units::default();
        for u in counts.total.values() {
            sum += *u;
        }
        sum
    }

    pub fn reset(&self) {
        *self.counts.lock().unwrap_or_else(|e| e.into_inner()) = Counts::default();
    }
}

/// A partition's busiest second as a share of DynamoDB's per-partition limits.
pub fn load(h: &PartitionHeat) -> f64 {
    (h.peak_wcu_per_sec / 1000.0).max(h.peak_rcu_per_sec / 3000.0)
}

fn read_units(bytes: usize, consistent: bool) -> f64 {
    let units = bytes.div_ceil(4096).max(1) as f64;
    if consistent { units } else { units / 2.0 }
}

fn write_units(bytes: usize) -> f64 {
    bytes.div_ceil(1024).max(1) as f64
}

/// A [`Store`] that bills every call to a [`Meter`] and passes it on.
pub struct MeteredStore {
    inner: Arc<dyn Store>,
    meter: Arc<Meter>,
}

impl MeteredStore {
    pub fn new(inner: Arc<dyn Store>, meter: Arc<Meter>) -> Self {
        Self { inner, meter }
    }

    /// Bills writing `new` over `old` (either may be absent), `factor` 2 in a transaction.
    fn bill_write(&self, key: &Key, old: Option<&Item>, new: Option<&Item>, factor: f64) {
        let bytes = old.map(item_size).unwrap_or(0).max(new.map(item_size).unwrap_or(0));
        self.meter.add(Index::Table, &key.pk, Units { rcu: 0.0, wcu: factor * write_units(bytes) });
        for index in Index::GSIS {
            let before = old.and_then(|i| i.index_key(index));
            let after = new.and_then(|i| i.index_key(index));
            if index.keys_only() {
                if before != after {
                    for (k, item) in [(before, old), (after, new)] {
                        if let (Some(k), Some(item)) = (k, item) {
                            let bytes = item.key.pk.len() + item.key.sk.len() + k.pk.len() + k.sk.len() + 16;
                            self.meter.add(index, &k.pk, Units { rcu: 0.0, wcu: write_units(bytes) });
                        }
                    }
                }
                continue;
            }
            match (before, after) {
                (Some(b), Some(a)) if b == a => {
                    let bytes = old.map(item_size).unwrap_or(0).max(new.map(item_size).unwrap_or(0));
                    self.meter.add(index, &a.pk, Units { rcu: 0.0, wcu: write_units(bytes) });
                }
                (b, a) => {
                    if let (Some(b), Some(old)) = (b, old) {
                        self.meter.add(index, &b.pk, Units { rcu: 0.0, wcu: write_units(item_size(old)) });
                    }
                    if let (Some(a), Some(new)) = (a, new) {
                        self.meter.add(index, &a.pk, Units { rcu: 0.0, wcu: write_units(item_size(new)) });
                    }
                }
            }
        }
    }

    async fn current(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        self.inner.get(key).await
    }
}

/// `item` with `field` moved by `by` (what an increment leaves).
fn incremented(old: Option<&Item>, key: &Key, field: &str, by: i64) -> Item {
    let mut item = old.cloned().unwrap_or_else(|| Item::new(key.clone(), serde_json::Map::new()));
    let n = item.attrs.get(field).and_then(serde_json::Value::as_i64).unwrap_or(0) + by;
    item.attrs.insert(field.to_owned(), n.into());
    item
}

#[async_trait]
impl Store for MeteredStore {
    fn adapter(&self) -> &'static str {
        self.inner.adapter()
    }

    async fn get(&self, key: &Key) -> Result<Option<Item>, StoreError> {
        let item = self.inner.get(key).await?;
        self.meter.add(
            Index::Table,
            &key.pk,
            Units { rcu: read_units(item.as_ref().map(item_size).unwrap_or(0), true), wcu: 0.0 },
        );
        Ok(item)
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Option<Item>>, StoreError> {
        let items = self.inner.get_many(keys).await?;
        for (key, item) in keys.iter().zip(&items) {
            let bytes = item.as_ref().map(item_size).unwrap_or(0);
            self.meter.add(Index::Table, &key.pk, Units { rcu: read_units(bytes, true), wcu: 0.0 });
        }
        Ok(items)
    }

    async fn put(&self, item: Item, cond: Cond) -> Result<(), StoreError> {
        let old = self.current(&item.key).await?;
        let key = item.key.clone();
        let billed = item.clone();
        let result = self.inner.put(item, cond).await;
        // A failed condition is billed like the write it would have been.
        let new = if result.is_ok() { Some(&billed) } else { None };
        match new {
            Some(new) => self.bill_write(&key, old.as_ref(), Some(new), 1.0),
            None => self.meter.add(Index::Table, &key.pk, Units { rcu: 0.0, wcu: write_units(item_size(&billed)) }),
        }
        result
    }

    async fn delete(&self, key: &Key, cond: Cond) -> Result<(), StoreError> {
        let old = self.current(key).await?;
        let result = self.inner.delete(key, cond).await;
        if result.is_ok() {
            self.bill_write(key, old.as_ref(), None, 1.0);
        } else {
            self.meter.add(Index::Table, &key.pk, Units { rcu: 0.0, wcu: 1.0 });
        }
        result
    }

    async fn delete_many(&self, keys: &[Key]) -> Result<(), StoreError> {
        let mut olds = Vec::with_capacity(keys.len());
        for key in keys {
            olds.push(self.current(key).await?);
        }
        self.inner.delete_many(keys).await?;
        for (key, old) in keys.iter().zip(&olds) {
            self.bill_write(key, old.as_ref(), None, 1.0);
        }
        Ok(())
    }

    async fn query(&self, query: Query) -> Result<Page, StoreError> {
        let (index, pk, count_only) = (query.index, query.pk.clone(), query.count_only);
        let page = self.inner.query(query).await?;
        // A count reads the items it counts; their sizes are not returned, so a count is
        // billed as small items (256 bytes each).
        let bytes: usize = if count_only { page.count as usize * 256 } else { page.items.iter().map(item_size).sum() };
        self.meter.add(index, &pk, Units { rcu: read_units(bytes, index == Index::Table), wcu: 0.0 });
        Ok(page)
    }

    async fn transact(&self, ops: Vec<TxOp>) -> Result<(), StoreError> {
        let mut olds = Vec::with_capacity(ops.len());
        for op in &ops {
            olds.push(self.current(op.key()).await?);
        }
        let billed = ops.clone();
        let result = self.inner.transact(ops).await;
        for (op, old) in billed.iter().zip(&olds) {
            match op {
                TxOp::Put { item, .. } if result.is_ok() => self.bill_write(&item.key, old.as_ref(), Some(item), 2.0),
                TxOp::Delete { key, .. } if result.is_ok() => self.bill_write(key, old.as_ref(), None, 2.0),
                TxOp::Increment { key, field, by } if result.is_ok() => {
                    let new = incremented(old.as_ref(), key, field, *by);
                    self.bill_write(key, old.as_ref(), Some(&new), 2.0);
                }
                TxOp::Add { key, fields } if result.is_ok() => {
                    let mut new = old.clone();
                    for (field, by) in fields {
                        new = Some(incremented(new.as_ref(), key, field, *by));
                    }
                    self.bill_write(key, old.as_ref(), new.as_ref(), 2.0);
                }
                op => {
                    let bytes = old.as_ref().map(item_size).unwrap_or(0);
                    self.meter.add(Index::Table, &op.key().pk, Units { rcu: 0.0, wcu: 2.0 * write_units(bytes) });
                }
            }
        }
        result
    }

    async fn increment(&self, key: &Key, field: &str, by: i64) -> Result<i64, StoreError> {
        let old = self.current(key).await?;
        let n = self.inner.increment(key, field, by).await?;
        let new = incremented(old.as_ref(), key, field, by);
        self.bill_write(key, old.as_ref(), Some(&new), 1.0);
        Ok(n)
    }

    async fn sweep_expired(&self) -> Result<u64, StoreError> {
        // TTL deletions cost nothing on DynamoDB.
        self.inner.sweep_expired().await
    }
}
