//! Invoice numbers are gap-free under concurrency: 100 sends racing for a tenant's next number
//! each commit exactly one number, the numbers are 1..=100 with none twice, and the sequence
//! ends at 100. On SQLite always, and on DynamoDB (moto) when `scripts/test` provides it.

use std::collections::BTreeSet;
use std::sync::Arc;

use kt_domain::SystemClock;
use kt_domain::identity::TenantId;
use kt_store::invoices::{Series, number_key, sequence, take_ops};
use kt_store::{SqliteStore, Store, StoreError};

/// Sends invoice `id`: takes the next number, reading again whenever another send got there first.
async fn send(store: &dyn Store, tenant: &TenantId, id: &str) -> u64 {
    for _ in 0..10_000 {
        let seq = sequence(store, tenant, Series::Invoices).await.expect("read the sequence");
        let number = format!("INV-{:04}", seq.last + 1);
        match store.transact(take_ops(tenant, seq, &number, id)).await {
            Ok(()) => return seq.last + 1,
            Err(StoreError::Conflict { .. }) => tokio::task::yield_now().await,
            Err(e) => panic!("send {id}: {e}"),
        }
    }
    panic!("send {id} never got a number")
}

async fn hundred_concurrent_sends(store: Arc<dyn Store>, count: u64) {
    let tenant = TenantId::new(ulid::Ulid::new());
    let sends = (0..count).map(|i| {
        let (store, tenant) = (store.clone(), tenant.clone());
        tokio::spawn(async move { (send(store.as_ref(), &tenant, &format!("inv-{i}")).await, i) })
    });
    let taken: Vec<(u64, u64)> = futures::future::join_all(sends).await.into_iter().map(|r| r.expect("join")).collect();
    let numbers: BTreeSet<u64> = taken.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (1..=count).collect::<BTreeSet<_>>(), "every number once, no gaps");
    assert_eq!(sequence(store.as_ref(), &tenant, Series::Invoices).await.expect("sequence").last, count);
    for (n, i) in taken {
        let pointer = store
            .get(&number_key(&tenant, Series::Invoices, &format!("INV-{n:04}")))
            .await
            .expect("get")
            .expect("pointer");
        assert_eq!(pointer.attrs["invoice"], format!("inv-{i}"), "the number points at the invoice that took it");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_hundred_concurrent_sends_take_numbers_without_gaps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("portal.db"), Arc::new(SystemClock)).expect("open");
    hundred_concurrent_sends(Arc::new(store), 100).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dynamodb_hundred_concurrent_sends_take_numbers_without_gaps() {
    let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") else {
        panic!("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server");
    };
    let creds = aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "tests");
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(creds)
        .load()
        .await;
    let table = format!("numbers-{}", ulid::Ulid::new().to_string().to_lowercase());
    let store = kt_store::DynamoStore::new(aws_sdk_dynamodb::Client::new(&conf), table, Arc::new(SystemClock));
    store.ensure_table().await.expect("create table on moto");
    hundred_concurrent_sends(Arc::new(store), 100).await;
}
