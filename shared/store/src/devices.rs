//! Browsers subscribed to push, per person.
//!
//! * `T#<t>#USER#<u>#PUSHSUBS` / `<id>`: one subscription; the id is derived from its endpoint
//!   (by the caller), so subscribing the same browser again replaces it.

use kt_domain::identity::{TenantId, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{Cond, Item, Key, Query, Store, StoreError};

/// A person has at most this many browsers subscribed.
pub const MAX_DEVICES: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    pub id: String,
    /// The push service's URL for this browser.
    pub endpoint: String,
    /// The browser's keys (base64url): its P-256 public key and auth secret.
    pub p256dh: String,
    pub auth: String,
    /// What the person calls it ("Firefox on the office laptop"), or the browser's own name.
    pub label: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
}

fn partition(tenant: &TenantId, user: &UserId) -> String {
    format!("T#{tenant}#USER#{user}#PUSHSUBS")
}

pub fn key(tenant: &TenantId, user: &UserId, id: &str) -> Key {
    Key::new(partition(tenant, user), id)
}

pub async fn list(store: &dyn Store, tenant: &TenantId, user: &UserId) -> Result<Vec<Device>, StoreError> {
    let page = store.query(Query::table(partition(tenant, user)).limit(MAX_DEVICES as u32 * 2)).await?;
    page.items.iter().map(|i| i.to_entity()).collect()
}

pub async fn put(store: &dyn Store, tenant: &TenantId, user: &UserId, device: &Device) -> Result<(), StoreError> {
    store.put(Item::from_entity(key(tenant, user, &device.id), device)?, Cond::None).await
}

/// Removes one; `false` when there was none.
pub async fn delete(store: &dyn Store, tenant: &TenantId, user: &UserId, id: &str) -> Result<bool, StoreError> {
    match store.delete(&key(tenant, user, id), Cond::Exists).await {
        Ok(()) => Ok(true),
        Err(e) if e.is_conflict() => Ok(false),
        Err(e) => Err(e),
    }
}
