//! API keys: `T#<t>#APIKEY#<id>` / `APIKEY`, listed per owner through gsi1
//! `T#<t>#USER#<owner>#APIKEYS` / id; per-minute request counters
//! `T#<t>#APIKEY#<id>` / `RATE#<minute>` expire after two minutes.

use kt_domain::auth::ApiKey;
use kt_domain::identity::{TenantId, UserId};

use crate::entity::{self, Versioned};
use crate::{Index, IndexKey, Item, Key, Query, Store, StoreError};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#APIKEY#{id}"), "APIKEY")
}

pub fn rate_key(tenant: &TenantId, id: &str, minute: i64) -> Key {
    Key::new(format!("T#{tenant}#APIKEY#{id}"), format!("RATE#{minute}"))
}

pub fn item(k: &ApiKey, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&k.tenant, &k.id), k, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#USER#{}#APIKEYS", k.tenant, k.owner), k.id.clone())))
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<ApiKey>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

pub async fn of_owner(store: &dyn Store, tenant: &TenantId, owner: &UserId) -> Result<Vec<ApiKey>, StoreError> {
    let page = store.query(Query::partition(Index::Gsi1, format!("T#{tenant}#USER#{owner}#APIKEYS"))).await?;
    page.items.iter().map(Item::to_entity).collect()
}

/// Counts one request in the current minute; returns the count so far.
pub async fn count_request(store: &dyn Store, tenant: &TenantId, id: &str, now_unix: i64) -> Result<i64, StoreError> {
    let minute = now_unix / 60;
    let key = rate_key(tenant, id, minute);
    let n = store.increment(&key, "n", 1).await?;
    if n == 1 {
        // Counters are swept two minutes later (DynamoDB TTL locally and in AWS).
        if let Some(item) = store.get(&key).await? {
            let expiring = item.with_expiry((minute + 2) * 60);
            store.put(expiring, crate::Cond::None).await?;
        }
    }
    Ok(n)
}
