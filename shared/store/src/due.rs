//! A due index: items that a sweep must act on at a time, across every tenant.
//!
//! `<PREFIX>#<yyyy-mm-ddThh>#<shard>` / `<due unix, 12 digits>#<rest>`: bucketed by hour, so a
//! sweep reads only what is due, and spread over shards by an id of the caller's choice, so no
//! one partition takes every tenant's writes. `<PREFIX>` / `CURSOR` remembers the oldest hour
//! the sweep has still to read. SLA alarms (`SLADUE`) and held notifications (`HELDDUE`) use it.

use time::OffsetDateTime;

use crate::{Cond, Item, Key, Query, SkCond, Store, StoreError, TxOp};

/// One due index.
#[derive(Debug, Clone, Copy)]
pub struct DueIndex {
    pub prefix: &'static str,
    pub shards: u64,
    /// Also read the unsharded `<PREFIX>#<hour>` bucket of stores written before sharding.
    pub legacy_bucket: bool,
}

/// One due item as the sweep reads it: its key, when it is due and the rest of its sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub key: Key,
    pub at: i64,
    pub rest: String,
}

impl DueIndex {
    fn bucket(&self, t: OffsetDateTime) -> String {
        format!("{}#{:04}-{:02}-{:02}T{:02}", self.prefix, t.year(), t.month() as u8, t.day(), t.hour())
    }

    /// The key of one due item, sharded by `spread` (e.g. a ticket or user id).
    pub fn key(&self, at: OffsetDateTime, spread: &str, rest: &str) -> Key {
        Key::new(
            format!("{}#{}", self.bucket(at), kt_domain::shard_of(spread, self.shards)),
            format!("{:012}#{rest}", at.unix_timestamp().max(0)),
        )
    }

    pub fn put(key: Key) -> TxOp {
        TxOp::Put { item: Item::new(key, serde_json::Map::new()), cond: Cond::None }
    }

    fn cursor_key(&self) -> Key {
        Key::new(self.prefix, "CURSOR")
    }

    /// Every item due up to `now`, oldest first, from the hour the last sweep left off (at most
    /// `max_hours` back), with the hour the next sweep should start from.
    pub async fn until(
        &self,
        store: &dyn Store,
        now: OffsetDateTime,
        max_hours: i64,
    ) -> Result<(Vec<DueItem>, i64), StoreError> {
        let hour = |t: i64| t - t.rem_euclid(3600);
        let now_hour = hour(now.unix_timestamp());
        let from = match store.get(&self.cursor_key()).await? {
            Some(i) => i.attrs.get("hour").and_then(|v| v.as_i64()).unwrap_or(now_hour),
            None => now_hour - 3600,
        }
        .max(now_hour - max_hours * 3600);
        let mut out = Vec::new();
        let mut h = from;
        let upper = format!("{:012}~", now.unix_timestamp());
        while h <= now_hour {
            let t = OffsetDateTime::from_unix_timestamp(h).unwrap_or(now);
            let bucket = self.bucket(t);
            let mut partitions: Vec<String> = (0..self.shards).map(|s| format!("{bucket}#{s}")).collect();
            if self.legacy_bucket {
                partitions.push(bucket);
            }
            let reads = partitions.into_iter().map(|pk| {
                let upper = upper.clone();
                async move {
                    let mut found = Vec::new();
                    let mut cursor = None;
                    loop {
                        let q = Query::table(pk.clone()).sk(SkCond::Le(upper.clone())).limit(500).after(cursor);
                        let page = store.query(q).await?;
                        found.extend(page.items.iter().filter_map(|i| parse(&i.key)));
                        cursor = page.next_cursor;
                        if cursor.is_none() {
                            return Ok::<_, StoreError>(found);
                        }
                    }
                }
            });
            out.extend(futures::future::try_join_all(reads).await?.into_iter().flatten());
            h += 3600;
        }
        out.sort_by(|a, b| a.key.sk.cmp(&b.key.sk));
        Ok((out, now_hour))
    }

    pub async fn set_cursor(&self, store: &dyn Store, hour: i64) -> Result<(), StoreError> {
        let mut attrs = serde_json::Map::new();
        attrs.insert("hour".into(), hour.into());
        store.put(Item::new(self.cursor_key(), attrs), Cond::None).await
    }
}

fn parse(key: &Key) -> Option<DueItem> {
    let (at, rest) = key.sk.split_once('#')?;
    Some(DueItem { key: key.clone(), at: at.parse().ok()?, rest: rest.to_owned() })
}
