//! Credit notes (their numbers are a [`Series`](crate::invoices::Series) of their own).
//!
//! * `T#<t>#CN#<id>` / `CN`: the note; gsi1 `T#<t>#CREDITNOTES` / id (the tenant's, newest
//!   last), gsi2 `T#<t>#<scope>#CREDITNOTES` / id (those of one billed party), gsi3
//!   `T#<t>#INV#<invoice>#CREDITNOTES` / id (keys only: those crediting one invoice).
//!
//! A note is written with the invoice it is applied to, in that invoice's commit.

use kt_domain::identity::TenantId;
use kt_domain::invoice::credit::CreditNote;

use crate::entity::{self, Versioned};
use crate::{Index, IndexKey, Item, Key, Query, Store, StoreError};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#CN#{id}"), "CN")
}

fn list_partition(tenant: &TenantId) -> String {
    format!("T#{tenant}#CREDITNOTES")
}

fn billed_partition(tenant: &TenantId, scope: &str) -> String {
    format!("T#{tenant}#{scope}#CREDITNOTES")
}

fn invoice_partition(tenant: &TenantId, invoice: &str) -> String {
    format!("T#{tenant}#INV#{invoice}#CREDITNOTES")
}

pub fn item(n: &CreditNote, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&n.tenant, &n.id), n, version)?
        .with_index(Index::Gsi1, IndexKey::new(list_partition(&n.tenant), n.id.as_str()))
        .with_index(Index::Gsi2, IndexKey::new(billed_partition(&n.tenant, &n.billed.scope()), n.id.as_str()))
        .with_index(Index::Gsi3, IndexKey::new(invoice_partition(&n.tenant, &n.invoice), n.id.as_str())))
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<CreditNote>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

fn versioned(items: Vec<Item>) -> Result<Vec<Versioned<CreditNote>>, StoreError> {
    items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? })).collect()
}

/// One page of the tenant's notes (`scope`: only one billed party's), newest first.
pub async fn page(
    store: &dyn Store,
    tenant: &TenantId,
    scope: Option<&str>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<CreditNote>>, Option<String>), StoreError> {
    let q = match scope {
        None => Query::partition(Index::Gsi1, list_partition(tenant)),
        Some(s) => Query::partition(Index::Gsi2, billed_partition(tenant, s)),
    };
    let page = store.query(q.desc().limit(limit).after(cursor)).await?;
    Ok((versioned(page.items)?, page.next_cursor))
}

/// The notes crediting one invoice, oldest first.
pub async fn of_invoice(
    store: &dyn Store,
    tenant: &TenantId,
    invoice: &str,
) -> Result<Vec<Versioned<CreditNote>>, StoreError> {
    let page = store.query(Query::partition(Index::Gsi3, invoice_partition(tenant, invoice)).keys_only()).await?;
    let mut out = Vec::with_capacity(page.items.len());
    for chunk in page.items.chunks(crate::limits::MAX_BATCH_GET) {
        let keys: Vec<Key> = chunk.iter().map(|i| i.key.clone()).collect();
        out.extend(store.get_many(&keys).await?.into_iter().flatten());
    }
    versioned(out)
}
