//! The heat meter bills what DynamoDB would bill: per partition, per second, for reads, writes,
//! transactions and index writes (against the real SQLite adapter underneath).

#![cfg(feature = "sqlite")]

use std::sync::Arc;

use kt_domain::{Clock, ManualClock};
use kt_store::heat::{Meter, MeteredStore, Partition, Units};
use kt_store::{Cond, Index, IndexKey, Item, Key, Query, SqliteStore, Store, TxOp};
use serde_json::{Map, Value, json};

fn item(pk: &str, sk: &str, bytes: usize) -> Item {
    let mut attrs = Map::new();
    attrs.insert("body".into(), Value::String("x".repeat(bytes)));
    Item::new(Key::new(pk, sk), attrs)
}

fn units_of(meter: &Meter, index: Index, pk: &str) -> Units {
    meter
        .report()
        .into_iter()
        .find(|h| h.partition == Partition { index, pk: pk.to_owned() })
        .map(|h| h.total)
        .unwrap_or_default()
}

async fn metered() -> (MeteredStore, Arc<Meter>, Arc<ManualClock>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::new(time::macros::datetime!(2026-12-04 10:00 UTC)));
    let inner = SqliteStore::open(dir.path().join("heat.db"), clock.clone()).expect("sqlite");
    let meter = Arc::new(Meter::new(clock.clone() as Arc<dyn Clock>));
    (MeteredStore::new(Arc::new(inner), meter.clone()), meter, clock, dir)
}

#[tokio::test]
async fn writes_bill_per_kilobyte_of_the_larger_version_and_each_index_they_touch() {
    let (store, meter, _clock, _dir) = metered().await;
    // About 1.5 KB: two write units; in gsi1 too: two more in that index's partition.
    let first = item("T#1", "A", 1500).with_index(Index::Gsi1, IndexKey::new("QUEUE#high", "1"));
    store.put(first.clone(), Cond::NotExists).await.expect("put");
    assert_eq!(units_of(&meter, Index::Table, "T#1"), Units { rcu: 0.0, wcu: 2.0 });
    assert_eq!(units_of(&meter, Index::Gsi1, "QUEUE#high"), Units { rcu: 0.0, wcu: 2.0 });
    // Moving the index key: a delete in the old index partition and a put in the new one.
    let moved = item("T#1", "A", 100).with_index(Index::Gsi1, IndexKey::new("QUEUE#low", "1"));
    store.put(moved, Cond::Version(1)).await.expect("move");
    assert_eq!(units_of(&meter, Index::Table, "T#1").wcu, 4.0, "billed by the larger (old) version");
    assert_eq!(units_of(&meter, Index::Gsi1, "QUEUE#high").wcu, 4.0);
    assert_eq!(units_of(&meter, Index::Gsi1, "QUEUE#low").wcu, 1.0);
    // A failed condition costs its write all the same.
    assert!(store.put(item("T#1", "A", 10), Cond::NotExists).await.is_err());
    assert_eq!(units_of(&meter, Index::Table, "T#1").wcu, 5.0);
}

/// A keys-only index (gsi3) is written only when the item's key there changes, at the size of
/// the keys: rewriting a waiting ticket costs nothing in the queue's partition.
#[tokio::test]
async fn a_keys_only_index_is_billed_only_when_its_key_changes() {
    let (store, meter, _clock, _dir) = metered().await;
    let queued = |size, sk: &str| item("T#1", "A", size).with_index(Index::Gsi3, IndexKey::new("QUEUE#high", sk));
    store.put(queued(1500, "1"), Cond::NotExists).await.expect("enter");
    assert_eq!(units_of(&meter, Index::Gsi3, "QUEUE#high").wcu, 1.0, "the keys, not the 1.5 KB item");
    store.put(queued(3000, "1").with_version(2), Cond::Version(1)).await.expect("rewrite");
    assert_eq!(units_of(&meter, Index::Gsi3, "QUEUE#high").wcu, 1.0, "same key: no index write");
    store.put(queued(100, "2").with_version(3), Cond::Version(2)).await.expect("move");
    assert_eq!(units_of(&meter, Index::Gsi3, "QUEUE#high").wcu, 3.0, "a delete and a put");
}

#[tokio::test]
async fn reads_bill_per_four_kilobytes_and_index_queries_half() {
    let (store, meter, _clock, _dir) = metered().await;
    for (i, sk) in ["a", "b", "c"].iter().enumerate() {
        let it = item("P", sk, 3000).with_index(Index::Gsi2, IndexKey::new("G", format!("{i}")));
        store.put(it, Cond::None).await.expect("put");
    }
    meter.reset();
    store.get(&Key::new("P", "a")).await.expect("get");
    store.get(&Key::new("P", "missing")).await.expect("get nothing");
    assert_eq!(units_of(&meter, Index::Table, "P").rcu, 2.0, "one unit each, even for nothing");
    // Three items of ~3 KB: 9 KB rounded up once = 3 units; eventually consistent on an index.
    store.query(Query::partition(Index::Table, "P")).await.expect("query");
    assert_eq!(units_of(&meter, Index::Table, "P").rcu, 5.0);
    store.query(Query::partition(Index::Gsi2, "G")).await.expect("index query");
    assert_eq!(units_of(&meter, Index::Gsi2, "G").rcu, 1.5);
}

#[tokio::test]
async fn transactions_bill_double_and_peaks_are_per_second() {
    let (store, meter, clock, _dir) = metered().await;
    let ops = vec![
        TxOp::Put { item: item("A", "1", 10), cond: Cond::NotExists },
        TxOp::Increment { key: Key::new("COUNTER", "c"), field: "n".into(), by: 1 },
        TxOp::Check { key: Key::new("B", "1"), cond: Cond::NotExists },
    ];
    store.transact(ops).await.expect("transact");
    assert_eq!(units_of(&meter, Index::Table, "A").wcu, 2.0);
    assert_eq!(units_of(&meter, Index::Table, "COUNTER").wcu, 2.0);
    assert_eq!(units_of(&meter, Index::Table, "B").wcu, 2.0, "a condition check bills as a write");
    // Ten increments in one second, then ten spread over ten seconds: the peak is the first.
    for _ in 0..10 {
        store.increment(&Key::new("COUNTER", "c"), "n", 1).await.expect("inc");
    }
    for _ in 0..10 {
        clock.advance(time::Duration::seconds(1));
        store.increment(&Key::new("COUNTER", "c"), "n", 1).await.expect("inc");
    }
    let hottest = meter.report().into_iter().next().expect("a partition");
    assert_eq!(hottest.partition.pk, "COUNTER");
    assert_eq!((hottest.total.wcu, hottest.peak_wcu_per_sec), (22.0, 12.0));
    assert_eq!(json!(meter.total().wcu), json!(26.0));
}
