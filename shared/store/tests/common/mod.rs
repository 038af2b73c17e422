//! What the store's adapter tests share: a fresh SQLite store, and a fresh DynamoDB table on the
//! moto server that `scripts/test` starts (`MOTO_ENDPOINT`).

use std::sync::Arc;

use kt_domain::SystemClock;
use kt_store::{DynamoStore, SqliteStore, Store};

/// A SQLite store in a temporary directory (kept alive by the returned guard).
pub fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("portal.db"), Arc::new(SystemClock)).expect("open sqlite");
    (Arc::new(store), dir)
}

/// A table of its own on the moto server, named `<prefix>-<ulid>`.
pub async fn dynamodb(prefix: &str) -> Arc<dyn Store> {
    let endpoint = std::env::var("MOTO_ENDPOINT")
        .expect("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server");
    let creds = aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "tests");
    let conf = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(creds)
        .load()
        .await;
    let table = format!("{prefix}-{}", ulid::Ulid::new().to_string().to_lowercase());
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&conf), table, Arc::new(SystemClock));
    store.ensure_table().await.expect("create table on moto");
    Arc::new(store)
}
