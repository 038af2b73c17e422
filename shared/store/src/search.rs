//! Search's own items: each person's saved searches, the KB suggestions shown while filing a
//! ticket (one item per filing, in a partition per tenant and month), and the words people
//! searched for that found no article (one counter per tenant and wording).

use kt_domain::identity::{TenantId, UserId};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::entity::{self, Versioned};
use crate::{Cond, Item, Key, Query, Store, StoreError};

pub fn saved_partition(tenant: &TenantId, user: &UserId) -> String {
    format!("T#{tenant}#U#{user}#SEARCHES")
}

pub fn saved_key(tenant: &TenantId, user: &UserId, id: &str) -> Key {
    Key::new(saved_partition(tenant, user), id)
}

/// A person's saved searches (at most `limit`), oldest first.
pub async fn saved<T: DeserializeOwned>(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    limit: u32,
) -> Result<Vec<Versioned<T>>, StoreError> {
    Ok(entity::page(store, Query::table(saved_partition(tenant, user)).limit(limit)).await?.0)
}

/// The partition of a month's filings (`2026-12`).
pub fn filing_key(tenant: &TenantId, month: &str, id: &str) -> Key {
    Key::new(format!("T#{tenant}#FILING#{month}"), id)
}

/// One page of a month's filings.
pub async fn filings<T: DeserializeOwned>(
    store: &dyn Store,
    tenant: &TenantId,
    month: &str,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<T>>, Option<String>), StoreError> {
    entity::page(store, Query::table(format!("T#{tenant}#FILING#{month}")).limit(500).after(cursor)).await
}

pub fn miss_key(tenant: &TenantId, words: &str) -> Key {
    Key::new(format!("T#{tenant}#SEARCHMISS"), words)
}

/// The tenant's searches that found nothing: `(words, times)`, read up to `max` wordings.
pub async fn misses(store: &dyn Store, tenant: &TenantId, max: u32) -> Result<Vec<(String, i64)>, StoreError> {
    let page = store.query(Query::table(format!("T#{tenant}#SEARCHMISS")).limit(max)).await?;
    Ok(page.items.iter().map(|i| (i.key.sk.clone(), i.attrs.get("n").and_then(|v| v.as_i64()).unwrap_or(0))).collect())
}

/// Writes `entity` at `key` under `cond`.
pub async fn put<T: Serialize>(
    store: &dyn Store,
    key: Key,
    entity: &T,
    version: u64,
    cond: Cond,
) -> Result<(), StoreError> {
    let item: Item = entity::item(key, entity, version)?;
    store.put(item, cond).await
}
