//! Tenant items and the pointers that find them.
//!
//! * `T#<tenant>` / `TENANT`: the tenant (gsi1 `TENANTS` / slug, for the super admin's list)
//! * `SLUG#<slug>` / `SLUG`: slug -> tenant (claims the slug: unique)
//! * `DOMAIN#<host>` / `DOMAIN`: custom domain -> tenant
//! * `SYSTEM` / `HOUSE`: which tenant is the house (Kre8ivTech)

use kt_domain::identity::{TenantId, TenantSlug};
use kt_domain::tenancy::Tenant;

use crate::entity::{self, Versioned, pointer, pointer_item};
use crate::{Cond, Index, IndexKey, Item, Key, Page, Query, Store, StoreError, TxOp};

pub fn key(id: &TenantId) -> Key {
    Key::new(format!("T#{id}"), "TENANT")
}

pub fn slug_key(slug: &TenantSlug) -> Key {
    Key::new(format!("SLUG#{slug}"), "SLUG")
}

pub fn domain_key(host: &str) -> Key {
    Key::new(format!("DOMAIN#{host}"), "DOMAIN")
}

pub fn house_key() -> Key {
    Key::new("SYSTEM", "HOUSE")
}

pub fn item(tenant: &Tenant, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&tenant.id), tenant, version)?
        .with_index(Index::Gsi1, IndexKey::new("TENANTS", tenant.slug.as_str())))
}

/// Operations creating `tenant` and claiming its slug (and the house pointer for the house).
pub fn create_ops(tenant: &Tenant, house: bool) -> Result<Vec<TxOp>, StoreError> {
    let mut ops = vec![
        TxOp::Put { item: item(tenant, 1)?, cond: Cond::NotExists },
        TxOp::Put { item: pointer_item(slug_key(&tenant.slug), "tenant", tenant.id.as_str()), cond: Cond::NotExists },
    ];
    if house {
        ops.push(TxOp::Put { item: pointer_item(house_key(), "tenant", tenant.id.as_str()), cond: Cond::NotExists });
    }
    Ok(ops)
}

pub async fn get(store: &dyn Store, id: &TenantId) -> Result<Option<Versioned<Tenant>>, StoreError> {
    entity::get(store, &key(id)).await
}

fn tenant_id(raw: Option<String>) -> Option<TenantId> {
    raw.and_then(|s| TenantId::try_from(s).ok())
}

pub async fn by_slug(store: &dyn Store, slug: &TenantSlug) -> Result<Option<TenantId>, StoreError> {
    Ok(tenant_id(pointer(store, &slug_key(slug), "tenant").await?))
}

pub async fn by_domain(store: &dyn Store, host: &str) -> Result<Option<TenantId>, StoreError> {
    Ok(tenant_id(pointer(store, &domain_key(host), "tenant").await?))
}

pub async fn house(store: &dyn Store) -> Result<Option<TenantId>, StoreError> {
    Ok(tenant_id(pointer(store, &house_key(), "tenant").await?))
}

/// Tenants in slug order, a page at a time.
pub async fn list(
    store: &dyn Store,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Tenant>, Option<String>), StoreError> {
    let Page { items, next_cursor, .. } =
        store.query(Query::partition(Index::Gsi1, "TENANTS").limit(limit).after(cursor)).await?;
    Ok((items.iter().map(Item::to_entity).collect::<Result<_, _>>()?, next_cursor))
}
