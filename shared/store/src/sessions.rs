//! Sign-in sessions: `T#<t>#SESSION#<id>` / `SESSION`, expiring with the session, listed per
//! user through gsi1 `T#<t>#USER#<user>#SESSIONS` / created time.

use kt_domain::auth::Session;
use kt_domain::identity::{TenantId, UserId};

use crate::entity::{self, Versioned};
use crate::{Index, IndexKey, Item, Key, Query, Store, StoreError};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#SESSION#{id}"), "SESSION")
}

pub fn item(session: &Session, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&session.tenant, &session.id), session, version)?
        .with_index(
            Index::Gsi1,
            IndexKey::new(format!("T#{}#USER#{}#SESSIONS", session.tenant, session.user), session.id.clone()),
        )
        .with_expiry(session.ends_at.unix_timestamp()))
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<Session>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

/// Every live session of `user`, oldest first.
pub async fn of_user(store: &dyn Store, tenant: &TenantId, user: &UserId) -> Result<Vec<Session>, StoreError> {
    let page = store.query(Query::partition(Index::Gsi1, format!("T#{tenant}#USER#{user}#SESSIONS"))).await?;
    page.items.iter().map(Item::to_entity).collect()
}
