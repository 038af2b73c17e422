//! Quotes.
//!
//! * `T#<t>#QUOTE` / `<quote>`: a tenant's quotes, newest first (ids are ULIDs); gsi1
//!   `T#<t>#ORG#<org>#QUOTE` / `<quote>`: an organization's (what its clients read). Written
//!   when the issuer edits or sends one and when its client accepts or declines it.

use kt_domain::identity::{OrgId, TenantId};
use kt_domain::quote::Quote;

use crate::entity::{self, Versioned};
use crate::{Index, IndexKey, Item, Key, Query, Store, StoreError};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#QUOTE"), id)
}

pub fn item(q: &Quote, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&q.tenant, &q.id), q, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#ORG#{}#QUOTE", q.tenant, q.org), q.id.clone())))
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<Quote>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

/// A page of a tenant's quotes, or one organization's, newest first.
pub async fn list(
    store: &dyn Store,
    tenant: &TenantId,
    org: Option<&OrgId>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Quote>>, Option<String>), StoreError> {
    let q = match org {
        Some(o) => Query::partition(Index::Gsi1, format!("T#{tenant}#ORG#{o}#QUOTE")),
        None => Query::table(format!("T#{tenant}#QUOTE")),
    };
    entity::page(store, q.desc().limit(limit).after(cursor)).await
}

/// The quotes' expiry reminders: `QUOTEDUE#<hour>#<shard>` / `<t>#<tenant>#<quote>#<days>`, one
/// entry per reminder (days before the last valid day), written when the quote is sent.
pub const REMINDERS: crate::due::DueIndex =
    crate::due::DueIndex { prefix: "QUOTEDUE", shards: 8, legacy_bucket: false };
