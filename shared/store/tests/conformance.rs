//! One conformance suite for the Store port, run against every adapter: SQLite always, and
//! DynamoDB on the moto server that `scripts/test` starts (`MOTO_ENDPOINT`). Test names carry
//! the adapter (`sqlite::...`, `dynamodb::...`), so a failure names it.

use std::collections::BTreeSet;
use std::sync::Arc;

use futures::stream::{self, StreamExt};
use kt_domain::{Clock, SystemClock};
use kt_store::limits::MAX_ITEM_BYTES;
use kt_store::*;
use serde_json::{Map, Value, json};

fn attrs(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn now() -> i64 {
    SystemClock.now_unix()
}

pub struct Fixture {
    pub store: Arc<dyn Store>,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("portal.db"), Arc::new(SystemClock)).expect("open sqlite");
    Fixture { store: Arc::new(store), _dir: Some(dir) }
}

pub async fn dynamodb() -> Fixture {
    let endpoint = std::env::var("MOTO_ENDPOINT")
        .expect("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server");
    let creds = aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "tests");
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(creds)
        .load()
        .await;
    let table = format!("conformance-{}", ulid::Ulid::new().to_string().to_lowercase());
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&conf), table, Arc::new(SystemClock));
    store.ensure_table().await.expect("create table on moto");
    Fixture { store: Arc::new(store), _dir: None }
}

macro_rules! conformance {
    ($adapter:ident) => {
        mod $adapter {
            use super::*;

            async fn store() -> Fixture {
                super::$adapter().await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn put_get_delete_round_trip() {
                let f = store().await;
                super::put_get_delete_round_trip(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn batch_reads_answer_in_key_order() {
                let f = store().await;
                super::batch_reads(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn fifty_concurrent_creates_of_one_key_have_one_winner() {
                let f = store().await;
                super::fifty_concurrent_creates(f.store.clone()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn version_conditions() {
                let f = store().await;
                super::version_conditions(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn transaction_failing_at_op_7_of_10_applies_nothing() {
                let f = store().await;
                super::transaction_failing_midway(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn transaction_applies_every_kind_of_op() {
                let f = store().await;
                super::transaction_applies_all(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sort_key_conditions_in_both_orders() {
                let f = store().await;
                super::sort_key_conditions(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn cursor_round_trip_over_a_thousand_items() {
                let f = store().await;
                super::cursor_round_trip(f.store.clone()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn cursor_survives_items_added_between_pages() {
                let f = store().await;
                super::cursor_with_concurrent_inserts(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn count_only() {
                let f = store().await;
                super::count_only(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn hundred_concurrent_increments_give_one_to_hundred_once_each() {
                let f = store().await;
                super::concurrent_increments(f.store.clone()).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn expired_items_are_invisible() {
                let f = store().await;
                super::ttl_invisibility(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn gsi_reads() {
                let f = store().await;
                super::gsi_reads(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn a_keys_only_index_answers_keys() {
                let f = store().await;
                super::keys_only_index(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn dynamodb_limits_reject_bad_input_and_write_nothing() {
                let f = store().await;
                super::limits(&*f.store).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn cursors_are_bound_to_their_query() {
                let f = store().await;
                super::bad_cursors(&*f.store).await;
            }
        }
    };
}

conformance!(sqlite);
conformance!(dynamodb);

fn item(pk: &str, sk: &str, body: Value) -> Item {
    Item::new(Key::new(pk, sk), attrs(body))
}

async fn put_all(store: &dyn Store, items: Vec<Item>) {
    stream::iter(items)
        .for_each_concurrent(16, |i| async move {
            store.put(i, Cond::None).await.expect("put");
        })
        .await;
}

fn sks(page: &Page) -> Vec<String> {
    page.items.iter().map(|i| i.key.sk.clone()).collect()
}

async fn put_get_delete_round_trip(store: &dyn Store) {
    let key = Key::new("T#acme#TICKET#1", "META");
    let body = json!({
        "subject": "Printer on fire", "priority": "high", "count": 3, "ratio": 0.5,
        "tags": ["a", "b"], "nested": {"x": null, "y": true}, "empty": ""
    });
    let written = Item::new(key.clone(), attrs(body.clone()))
        .with_index(Index::Gsi1, IndexKey::new("QUEUE#high", "0001"))
        .with_version(1);
    store.put(written.clone(), Cond::NotExists).await.expect("create");
    let read = store.get(&key).await.expect("get").expect("present");
    assert_eq!(read, written);
    assert_eq!(Value::Object(read.attrs), body);
    store.delete(&key, Cond::Exists).await.expect("delete");
    assert_eq!(store.get(&key).await.expect("get"), None);
    // Deleting what is not there succeeds without a condition and conflicts with one.
    store.delete(&key, Cond::None).await.expect("idempotent delete");
    assert!(store.delete(&key, Cond::Exists).await.unwrap_err().is_conflict());
}

async fn batch_reads(store: &dyn Store) {
    // 100 keys, every other one present, one present but expired.
    let keys: Vec<Key> = (0..100).map(|i| Key::new(format!("T#acme#FW#{}", i % 7), format!("n{i:03}"))).collect();
    let present: Vec<Item> =
        keys.iter().step_by(2).enumerate().map(|(n, k)| Item::new(k.clone(), attrs(json!({"n": n})))).collect();
    put_all(store, present).await;
    store.put(Item::new(keys[1].clone(), attrs(json!({}))).with_expiry(now() - 5), Cond::None).await.expect("expired");
    let got = store.get_many(&keys).await.expect("batch");
    assert_eq!(got.len(), 100);
    for (i, (key, item)) in keys.iter().zip(&got).enumerate() {
        match item {
            Some(item) => {
                assert_eq!(i % 2, 0, "{key:?} was never written (or expired)");
                assert_eq!((&item.key, &item.attrs["n"]), (key, &json!(i / 2)));
            }
            None => assert_eq!(i % 2, 1, "{key:?} was written"),
        }
    }
    assert_eq!(store.get_many(&[]).await.expect("empty"), Vec::<Option<Item>>::new());
    let too_many: Vec<Key> = (0..101).map(|i| Key::new("T#acme#FW", format!("{i}"))).collect();
    assert!(matches!(store.get_many(&too_many).await, Err(StoreError::Invalid(Violation::BatchSize { .. }))));
    let twice = vec![keys[0].clone(), keys[0].clone()];
    assert!(matches!(store.get_many(&twice).await, Err(StoreError::Invalid(Violation::DuplicateBatchKey { .. }))));

    // Batch deletes: all 100 (present or not) in one call, across more than one DynamoDB
    // request; the same limits as reads.
    store.delete_many(&keys).await.expect("batch delete");
    assert!(store.get_many(&keys).await.expect("batch").iter().all(Option::is_none), "every item deleted");
    assert!(matches!(store.delete_many(&too_many).await, Err(StoreError::Invalid(Violation::BatchSize { .. }))));
    assert!(matches!(store.delete_many(&twice).await, Err(StoreError::Invalid(Violation::DuplicateBatchKey { .. }))));
}

async fn fifty_concurrent_creates(store: Arc<dyn Store>) {
    let key = Key::new("T#acme#COUNTERS", "race");
    let results = futures::future::join_all((0..50).map(|i| {
        let store = store.clone();
        let key = key.clone();
        tokio::spawn(async move { store.put(Item::new(key, attrs(json!({"writer": i}))), Cond::NotExists).await })
    }))
    .await;
    let mut winners = vec![];
    for (i, r) in results.into_iter().enumerate() {
        match r.expect("task") {
            Ok(()) => winners.push(i as i64),
            Err(e) => assert!(e.is_conflict(), "unexpected error: {e}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one create wins");
    let stored = store.get(&key).await.expect("get").expect("present");
    assert_eq!(stored.attrs["writer"], json!(winners[0]));
}

async fn version_conditions(store: &dyn Store) {
    let key = Key::new("T#acme#TICKET#2", "META");
    assert!(store.put(item(&key.pk, &key.sk, json!({"n": 0})), Cond::Exists).await.unwrap_err().is_conflict());
    assert!(store.put(item(&key.pk, &key.sk, json!({"n": 0})), Cond::Version(1)).await.unwrap_err().is_conflict());
    store.put(item(&key.pk, &key.sk, json!({"n": 1})), Cond::NotExists).await.expect("create v1");
    assert!(store.put(item(&key.pk, &key.sk, json!({"n": 9})), Cond::NotExists).await.unwrap_err().is_conflict());
    store
        .put(item(&key.pk, &key.sk, json!({"n": 2})).with_version(2), Cond::Version(1))
        .await
        .expect("update v1 -> v2");
    // A writer still holding version 1 loses.
    let lost = store.put(item(&key.pk, &key.sk, json!({"n": 3})).with_version(2), Cond::Version(1)).await;
    assert!(lost.unwrap_err().is_conflict());
    assert!(store.delete(&key, Cond::Version(1)).await.unwrap_err().is_conflict());
    let current = store.get(&key).await.expect("get").expect("present");
    assert_eq!((current.version, current.attrs["n"].clone()), (2, json!(2)));
    store.put(item(&key.pk, &key.sk, json!({"n": 4})), Cond::Exists).await.expect("exists holds");
    store.delete(&key, Cond::Version(1)).await.expect("put above wrote version 1 again");
}

async fn transaction_failing_midway(store: &dyn Store) {
    store.put(item("T#acme#X", "existing", json!({"v": "old"})), Cond::None).await.expect("seed");
    let mut ops: Vec<TxOp> = (0..6)
        .map(|i| TxOp::Put { item: item("T#acme#X", &format!("new{i}"), json!({"i": i})), cond: Cond::NotExists })
        .collect();
    // Op 7 (index 6) fails: the item exists.
    ops.push(TxOp::Put { item: item("T#acme#X", "existing", json!({"v": "new"})), cond: Cond::NotExists });
    ops.push(TxOp::Increment { key: Key::new("T#acme#X", "counter"), field: "n".into(), by: 1 });
    ops.push(TxOp::Delete { key: Key::new("T#acme#X", "existing2"), cond: Cond::None });
    ops.push(TxOp::Check { key: Key::new("T#acme#X", "existing3"), cond: Cond::NotExists });
    assert_eq!(ops.len(), 10);
    match store.transact(ops).await {
        Err(StoreError::Conflict { op }) => assert_eq!(op, Some(6)),
        other => panic!("expected a conflict at op 6, got {other:?}"),
    }
    let page = store.query(Query::table("T#acme#X")).await.expect("query");
    assert_eq!(sks(&page), vec!["existing"], "nothing of the transaction was applied");
    assert_eq!(page.items[0].attrs["v"], json!("old"));
}

async fn transaction_applies_all(store: &dyn Store) {
    store.put(item("T#acme#Y", "doomed", json!({})), Cond::None).await.expect("seed");
    store.put(item("T#acme#Y", "guard", json!({})), Cond::None).await.expect("seed");
    store.increment(&Key::new("T#acme#Y", "counter"), "n", 41).await.expect("seed counter");
    store
        .transact(vec![
            TxOp::Put { item: item("T#acme#Y", "a", json!({"x": 1})), cond: Cond::NotExists },
            TxOp::Delete { key: Key::new("T#acme#Y", "doomed"), cond: Cond::Exists },
            TxOp::Check { key: Key::new("T#acme#Y", "guard"), cond: Cond::Exists },
            TxOp::Increment { key: Key::new("T#acme#Y", "counter"), field: "n".into(), by: 1 },
        ])
        .await
        .expect("transaction");
    let page = store.query(Query::table("T#acme#Y")).await.expect("query");
    assert_eq!(sks(&page), vec!["a", "counter", "guard"]);
    assert_eq!(page.items[1].attrs["n"], json!(42));
}

async fn sort_key_conditions(store: &dyn Store) {
    let keys = ["a", "b", "ba", "bb", "c", "d"];
    put_all(store, keys.iter().map(|k| item("T#acme#S", k, json!({}))).collect()).await;
    let s = |v: &str| v.to_owned();
    let cases: Vec<(SkCond, Vec<&str>)> = vec![
        (SkCond::Eq(s("b")), vec!["b"]),
        (SkCond::BeginsWith(s("b")), vec!["b", "ba", "bb"]),
        (SkCond::Between(s("b"), s("c")), vec!["b", "ba", "bb", "c"]),
        (SkCond::Lt(s("b")), vec!["a"]),
        (SkCond::Le(s("b")), vec!["a", "b"]),
        (SkCond::Gt(s("bb")), vec!["c", "d"]),
        (SkCond::Ge(s("bb")), vec!["bb", "c", "d"]),
    ];
    for (cond, expected) in cases {
        let asc = store.query(Query::table("T#acme#S").sk(cond.clone())).await.expect("asc");
        assert_eq!(sks(&asc), expected, "{cond:?} ascending");
        let desc = store.query(Query::table("T#acme#S").sk(cond.clone()).desc()).await.expect("desc");
        let mut reversed = expected.clone();
        reversed.reverse();
        assert_eq!(sks(&desc), reversed, "{cond:?} descending");
    }
    let all = store.query(Query::table("T#acme#S").desc().limit(2)).await.expect("limit");
    assert_eq!(sks(&all), vec!["d", "c"]);
    assert!(all.next_cursor.is_some());
    let other = store.query(Query::table("T#acme#NONE")).await.expect("empty partition");
    assert_eq!((other.count, other.next_cursor), (0, None));
}

async fn cursor_round_trip(store: Arc<dyn Store>) {
    let expected: Vec<String> = (0..1050).map(|i| format!("item#{i:05}")).collect();
    put_all(&*store, expected.iter().map(|k| item("T#acme#BIG", k, json!({"k": k}))).collect()).await;
    for desc in [false, true] {
        let mut seen = Vec::new();
        let mut cursor = None;
        let mut pages = 0;
        loop {
            let mut q = Query::table("T#acme#BIG").limit(100).after(cursor.take());
            if desc {
                q = q.desc();
            }
            let page = store.query(q).await.expect("page");
            pages += 1;
            assert!(page.items.len() <= 100);
            seen.extend(sks(&page));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        let mut want = expected.clone();
        if desc {
            want.reverse();
        }
        assert_eq!(seen, want, "desc={desc}");
        assert_eq!(pages, 11, "ten full pages and one of fifty");
    }
}

async fn cursor_with_concurrent_inserts(store: &dyn Store) {
    put_all(store, (0..30).map(|i| item("T#acme#GROW", &format!("k{:03}", i * 2), json!({}))).collect()).await;
    let first = store.query(Query::table("T#acme#GROW").limit(10)).await.expect("page 1");
    assert_eq!(first.items.last().map(|i| i.key.sk.as_str()), Some("k018"));
    // Added meanwhile: one before the cursor (not seen), two after it (seen once each).
    put_all(store, ["k001", "k019", "k999"].iter().map(|k| item("T#acme#GROW", k, json!({}))).collect()).await;
    let mut seen = sks(&first);
    let mut cursor = first.next_cursor;
    while let Some(c) = cursor {
        let page = store.query(Query::table("T#acme#GROW").limit(10).after(Some(c))).await.expect("page");
        seen.extend(sks(&page));
        cursor = page.next_cursor;
    }
    let unique: BTreeSet<_> = seen.iter().cloned().collect();
    assert_eq!(unique.len(), seen.len(), "no item twice");
    assert!(!seen.contains(&"k001".to_owned()));
    assert!(seen.contains(&"k019".to_owned()) && seen.contains(&"k999".to_owned()));
    assert_eq!(seen.len(), 32);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
}

async fn count_only(store: &dyn Store) {
    put_all(
        store,
        (0..120)
            .map(|i| item("T#acme#C", &format!("{}#{i:03}", if i % 3 == 0 { "x" } else { "y" }), json!({})))
            .collect(),
    )
    .await;
    let all = store.query(Query::table("T#acme#C").count()).await.expect("count");
    assert_eq!((all.count, all.items.len()), (120, 0));
    let xs = store.query(Query::table("T#acme#C").sk(SkCond::BeginsWith("x#".into())).count()).await.expect("count x");
    assert_eq!(xs.count, 40);
}

async fn concurrent_increments(store: Arc<dyn Store>) {
    let key = Key::new("T#acme#COUNTERS", "ticket_number");
    let handles = (0..100).map(|_| {
        let store = store.clone();
        let key = key.clone();
        tokio::spawn(async move { store.increment(&key, "next", 1).await })
    });
    let mut got: Vec<i64> =
        futures::future::join_all(handles).await.into_iter().map(|r| r.expect("task").expect("increment")).collect();
    got.sort();
    assert_eq!(got, (1..=100).collect::<Vec<_>>());
    let stored = store.get(&key).await.expect("get").expect("present");
    assert_eq!(stored.attrs["next"], json!(100));
}

async fn ttl_invisibility(store: &dyn Store) {
    let past = now() - 10;
    let future = now() + 3600;
    store.put(item("T#acme#TTL", "gone", json!({})).with_expiry(past), Cond::None).await.expect("put expired");
    store
        .put(
            item("T#acme#TTL", "alive", json!({}))
                .with_expiry(future)
                .with_index(Index::Gsi1, IndexKey::new("TTLIDX", "1")),
            Cond::None,
        )
        .await
        .expect("put live");
    store
        .put(
            item("T#acme#TTL", "gone2", json!({}))
                .with_expiry(past)
                .with_index(Index::Gsi1, IndexKey::new("TTLIDX", "2")),
            Cond::None,
        )
        .await
        .expect("put expired indexed");
    assert_eq!(store.get(&Key::new("T#acme#TTL", "gone")).await.expect("get"), None);
    assert!(store.get(&Key::new("T#acme#TTL", "alive")).await.expect("get").is_some());
    let page = store.query(Query::table("T#acme#TTL")).await.expect("query");
    assert_eq!(sks(&page), vec!["alive"]);
    assert_eq!(store.query(Query::table("T#acme#TTL").count()).await.expect("count").count, 1);
    let gsi = store.query(Query::partition(Index::Gsi1, "TTLIDX")).await.expect("gsi");
    assert_eq!(sks(&gsi), vec!["alive"]);
    // Conditions treat expired items as absent.
    assert!(store.put(item("T#acme#TTL", "gone", json!({})), Cond::Exists).await.unwrap_err().is_conflict());
    store.put(item("T#acme#TTL", "gone", json!({"back": true})), Cond::NotExists).await.expect("recreate over expired");
    assert!(store.get(&Key::new("T#acme#TTL", "gone")).await.expect("get").is_some());
    let swept = store.sweep_expired().await.expect("sweep");
    if store.adapter() == "sqlite" {
        assert_eq!(swept, 1, "gone2 swept");
    }
    assert_eq!(store.query(Query::table("T#acme#TTL")).await.expect("query").count, 2);
}

/// gsi3 holds keys only: a query of it answers the table's key and its own, nothing else, in
/// order, on both adapters.
async fn keys_only_index(store: &dyn Store) {
    assert!(Index::Gsi3.keys_only() && !Index::Gsi1.keys_only());
    let items: Vec<Item> = (0..3)
        .map(|n| {
            item(&format!("T#a#TICKET#{n}"), "TICKET", json!({"subject": "secret", "n": n}))
                .with_index(Index::Gsi3, IndexKey::new("QUEUE#high", format!("{:03}#org#billing#u", 10 - n)))
        })
        .collect();
    put_all(store, items).await;
    let page = store.query(Query::partition(Index::Gsi3, "QUEUE#high")).await.expect("query");
    let keys: Vec<(&str, String)> = page
        .items
        .iter()
        .map(|i| (i.key.pk.as_str(), i.index_key(Index::Gsi3).map(|k| k.sk).unwrap_or_default()))
        .collect();
    assert_eq!(
        keys,
        [
            ("T#a#TICKET#2", "008#org#billing#u".to_owned()),
            ("T#a#TICKET#1", "009#org#billing#u".to_owned()),
            ("T#a#TICKET#0", "010#org#billing#u".to_owned()),
        ]
    );
    assert!(page.items.iter().all(|i| i.attrs.is_empty()), "no attributes: {:?}", page.items[0].attrs);
    // The items themselves are whole in the table.
    let whole = store.get(&Key::new("T#a#TICKET#2", "TICKET")).await.expect("get").expect("item");
    assert_eq!(whole.attrs["subject"], "secret");
}

async fn gsi_reads(store: &dyn Store) {
    // Three tenants' tickets in one cross-tenant queue index; ties on the index sort key.
    let mut items = vec![];
    for (i, tenant) in ["a", "b", "c"].iter().enumerate() {
        for n in 0..5 {
            items.push(
                item(&format!("T#{tenant}#TICKET#{n}"), "META", json!({"t": tenant}))
                    .with_index(Index::Gsi1, IndexKey::new("QUEUE#high", format!("{:04}", n * 10 + i % 2))),
            );
        }
    }
    items.push(item("T#a#TICKET#99", "META", json!({})));
    put_all(store, items).await;
    let all = store.query(Query::partition(Index::Gsi1, "QUEUE#high")).await.expect("gsi query");
    assert_eq!(all.count, 15, "the unindexed item is not in the sparse index");
    let order: Vec<(String, String)> = all
        .items
        .iter()
        .map(|i| (i.gsi[0].as_ref().map(|g| g.sk.clone()).unwrap_or_default(), i.key.pk.clone()))
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "ordered by index sort key, ties by table key");
    let mut paged = vec![];
    let mut cursor = None;
    loop {
        let page = store
            .query(Query::partition(Index::Gsi1, "QUEUE#high").desc().limit(4).after(cursor.take()))
            .await
            .expect("gsi page");
        paged.extend(page.items.iter().map(|i| i.key.pk.clone()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let mut want: Vec<String> = order.iter().map(|(_, pk)| pk.clone()).collect();
    want.reverse();
    assert_eq!(paged, want);
    let range = store
        .query(Query::partition(Index::Gsi1, "QUEUE#high").sk(SkCond::Lt("0010".into())))
        .await
        .expect("gsi range");
    assert_eq!(range.count, 3);
    let counted = store
        .query(Query::partition(Index::Gsi1, "QUEUE#high").sk(SkCond::Ge("0030".into())).count())
        .await
        .expect("count");
    assert_eq!(counted.count, 6);
    // Keys only: the same order and keys, versions and expiry, no bodies; pages as usual.
    let mut keys = vec![];
    let mut cursor = None;
    loop {
        let page = store
            .query(Query::partition(Index::Gsi1, "QUEUE#high").keys_only().limit(6).after(cursor.take()))
            .await
            .expect("keys-only page");
        for i in &page.items {
            assert!(i.attrs.is_empty(), "no body: {:?}", i.attrs);
            assert!(i.gsi[0].is_some() && i.version >= 1);
            keys.push((i.gsi[0].as_ref().map(|g| g.sk.clone()).unwrap_or_default(), i.key.pk.clone()));
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(keys, order);
}

async fn limits(store: &dyn Store) {
    let big = item("T#acme#L", "big", json!({"body": "x".repeat(MAX_ITEM_BYTES)}));
    match store.put(big, Cond::None).await {
        Err(StoreError::Invalid(Violation::ItemTooLarge { .. })) => {}
        other => panic!("expected ItemTooLarge, got {other:?}"),
    }
    let long = Item::new(Key::new("T#acme#L", "s".repeat(1025)), Map::new());
    assert!(matches!(
        store.put(long, Cond::None).await,
        Err(StoreError::Invalid(Violation::KeyTooLong { attr: "sk", .. }))
    ));
    let ops: Vec<TxOp> =
        (0..101).map(|i| TxOp::Put { item: item("T#acme#L", &format!("{i}"), json!({})), cond: Cond::None }).collect();
    assert!(matches!(
        store.transact(ops).await,
        Err(StoreError::Invalid(Violation::TransactionSize { count: 101, .. }))
    ));
    let dup = vec![
        TxOp::Put { item: item("T#acme#L", "same", json!({})), cond: Cond::None },
        TxOp::Increment { key: Key::new("T#acme#L", "same"), field: "n".into(), by: 1 },
    ];
    assert!(matches!(store.transact(dup).await, Err(StoreError::Invalid(Violation::DuplicateTransactionItem { .. }))));
    let reserved = item("T#acme#L", "r", json!({"pk": "evil"}));
    assert!(matches!(store.put(reserved, Cond::None).await, Err(StoreError::Invalid(Violation::ReservedAttribute(_)))));
    assert!(matches!(store.increment(&Key::new("T#acme#L", "c"), "version", 1).await, Err(StoreError::Invalid(_))));
    let hundred: Vec<TxOp> = (0..100)
        .map(|i| TxOp::Put { item: item("T#acme#L100", &format!("{i:03}"), json!({})), cond: Cond::NotExists })
        .collect();
    store.transact(hundred).await.expect("a hundred ops is allowed");
    assert_eq!(store.query(Query::table("T#acme#L100").count()).await.expect("count").count, 100);
    assert_eq!(store.query(Query::table("T#acme#L")).await.expect("query").count, 0, "nothing written");
}

async fn bad_cursors(store: &dyn Store) {
    put_all(
        store,
        (0..5)
            .map(|i| {
                item("T#a#P", &format!("{i}"), json!({})).with_index(Index::Gsi2, IndexKey::new("G", format!("{i}")))
            })
            .collect(),
    )
    .await;
    let page = store.query(Query::table("T#a#P").limit(2)).await.expect("page");
    let cursor = page.next_cursor.expect("more pages");
    let other_partition = store.query(Query::table("T#b#P").limit(2).after(Some(cursor.clone()))).await;
    assert!(matches!(other_partition, Err(StoreError::Invalid(Violation::BadCursor))));
    let other_index = store.query(Query::partition(Index::Gsi2, "G").after(Some(cursor))).await;
    assert!(matches!(other_index, Err(StoreError::Invalid(Violation::BadCursor))));
    let garbage = store.query(Query::table("T#a#P").after(Some("not-a-cursor".into()))).await;
    assert!(matches!(garbage, Err(StoreError::Invalid(Violation::BadCursor))));
    assert!(matches!(
        store.query(Query::table("T#a#P").limit(0)).await,
        Err(StoreError::Invalid(Violation::ZeroLimit))
    ));
}
