//! Several counters of one item changed by one write (`TxOp::Add`), inside a transaction with
//! other operations, all or nothing; and its limits. On SQLite always, and on DynamoDB (moto)
//! under scripts/test.

mod common;

use std::sync::Arc;

use kt_store::{Cond, Item, Key, Store, StoreError, TxOp, Violation};
use serde_json::json;

async fn adds(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let key = Key::new("T#acme#FORM#f1#STATS#3", "N");
    let add = |fields: &[(&str, i64)]| TxOp::Add {
        key: key.clone(),
        fields: fields.iter().map(|(f, n)| ((*f).to_owned(), *n)).collect(),
    };
    // Counters come into being at their first add.
    s.transact(vec![add(&[("views", 1), ("starts", 1)])]).await.expect("first");
    s.transact(vec![
        add(&[("views", 2), ("completions", 1), ("f_budget_sum", -150)]),
        TxOp::Put { item: Item::new(Key::new("T#acme#FORM#f1#SUB", "s1"), Default::default()), cond: Cond::NotExists },
    ])
    .await
    .expect("with a put");
    let got = s.get(&key).await.expect("get").expect("present");
    assert_eq!(
        (&got.attrs["views"], &got.attrs["starts"], &got.attrs["completions"], &got.attrs["f_budget_sum"]),
        (&json!(3), &json!(1), &json!(1), &json!(-150))
    );

    // All or nothing: a failing condition elsewhere leaves the counters as they were.
    let failing = vec![
        add(&[("views", 100)]),
        TxOp::Put { item: Item::new(Key::new("T#acme#FORM#f1#SUB", "s1"), Default::default()), cond: Cond::NotExists },
    ];
    assert!(s.transact(failing).await.expect_err("conflict").is_conflict());
    assert_eq!(s.get(&key).await.expect("get").expect("present").attrs["views"], json!(3));

    // Limits: 1 to 50 distinct counters, names the store allows.
    let too_many: Vec<(String, i64)> = (0..51).map(|i| (format!("c{i}"), 1)).collect();
    let refused = s.transact(vec![TxOp::Add { key: key.clone(), fields: too_many }]).await;
    assert!(matches!(refused, Err(StoreError::Invalid(Violation::TooManyCounters { count: 51, .. }))), "{refused:?}");
    let twice = s.transact(vec![add(&[("views", 1), ("views", 1)])]).await;
    assert!(matches!(twice, Err(StoreError::Invalid(Violation::TooManyCounters { .. }))), "{twice:?}");
    assert!(matches!(s.transact(vec![add(&[("version", 1)])]).await, Err(StoreError::Invalid(_))));
    let fifty: Vec<(String, i64)> = (0..50).map(|i| (format!("c{i}"), i)).collect();
    s.transact(vec![TxOp::Add { key: key.clone(), fields: fifty }]).await.expect("fifty");
    assert_eq!(s.get(&key).await.expect("get").expect("present").attrs["c49"], json!(49));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_adds_to_many_counters_in_one_write() {
    let (store, _dir) = common::sqlite();
    adds(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_adds_to_many_counters_in_one_write() {
    adds(common::dynamodb("counters").await).await;
}
