//! Audit entries: `T#<t>#AUDIT` / `<ulid>` (time-ordered), expiring after the retention period.

use kt_domain::audit::{AuditEntry, RETENTION_DAYS};
use kt_domain::identity::TenantId;

use crate::entity;
use crate::{Item, Key, Order, Query, SkCond, Store, StoreError};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#AUDIT"), id)
}

pub fn item(entry: &AuditEntry) -> Result<Item, StoreError> {
    let expires = entry.at.unix_timestamp() + RETENTION_DAYS * 24 * 3600;
    Ok(entity::item(key(&entry.tenant, &entry.id), entry, 1)?.with_expiry(expires))
}

/// A page of a tenant's entries between two ids (ULIDs, so times), newest first.
pub async fn page(
    store: &dyn Store,
    tenant: &TenantId,
    from_id: &str,
    to_id: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<AuditEntry>, Option<String>), StoreError> {
    let q = Query::table(format!("T#{tenant}#AUDIT"))
        .sk(SkCond::Between(from_id.to_owned(), to_id.to_owned()))
        .limit(limit)
        .after(cursor);
    let q = Query { order: Order::Desc, ..q };
    let page = store.query(q).await?;
    Ok((page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?, page.next_cursor))
}
