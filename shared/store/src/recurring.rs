//! Recurring invoice schedules.
//!
//! * `T#<t>#RECUR#<id>` / `RECUR`: the schedule; gsi1 `T#<t>#RECURRING` / id (the tenant's),
//!   gsi2 `T#<t>#<scope>#RECURRING` / id (those billing one party).
//!
//! The days a schedule has a period to generate are due-items of
//! [`RECURRING_DAYS`](crate::invoices::RECURRING_DAYS).

use kt_domain::identity::TenantId;
use kt_domain::invoice::recurring::Recurring;

use crate::entity::{self, Versioned};
use crate::{Index, IndexKey, Item, Key, Query, Store, StoreError};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#RECUR#{id}"), "RECUR")
}

fn list_partition(tenant: &TenantId) -> String {
    format!("T#{tenant}#RECURRING")
}

fn billed_partition(tenant: &TenantId, scope: &str) -> String {
    format!("T#{tenant}#{scope}#RECURRING")
}

pub fn item(r: &Recurring, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&r.tenant, &r.id), r, version)?
        .with_index(Index::Gsi1, IndexKey::new(list_partition(&r.tenant), r.id.as_str()))
        .with_index(Index::Gsi2, IndexKey::new(billed_partition(&r.tenant, &r.billed.scope()), r.id.as_str())))
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<Recurring>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

/// One page of the tenant's schedules (`scope`: one billed party's), newest first.
pub async fn page(
    store: &dyn Store,
    tenant: &TenantId,
    scope: Option<&str>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Recurring>>, Option<String>), StoreError> {
    let q = match scope {
        None => Query::partition(Index::Gsi1, list_partition(tenant)),
        Some(s) => Query::partition(Index::Gsi2, billed_partition(tenant, s)),
    };
    let page = store.query(q.desc().limit(limit).after(cursor)).await?;
    let items = page.items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? }));
    Ok((items.collect::<Result<_, StoreError>>()?, page.next_cursor))
}
