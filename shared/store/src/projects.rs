//! Projects.
//!
//! * `T#<t>#PROJECT` / `<project>`: a tenant's projects, newest first; gsi1
//!   `T#<t>#ORG#<org>#PROJECT` / `<project>`: an organization's (what its clients read).

use kt_domain::identity::{OrgId, TenantId};
use kt_domain::project::Project;

use crate::entity::{self, Versioned};
use crate::{Index, IndexKey, Item, Key, Query, Store, StoreError};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#PROJECT"), id)
}

pub fn item(p: &Project, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&p.tenant, &p.id), p, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#ORG#{}#PROJECT", p.tenant, p.org), p.id.clone())))
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<Project>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

/// A page of a tenant's projects, or one organization's, newest first.
pub async fn list(
    store: &dyn Store,
    tenant: &TenantId,
    org: Option<&OrgId>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Project>>, Option<String>), StoreError> {
    let q = match org {
        Some(o) => Query::partition(Index::Gsi1, format!("T#{tenant}#ORG#{o}#PROJECT")),
        None => Query::table(format!("T#{tenant}#PROJECT")),
    };
    entity::page(store, q.desc().limit(limit).after(cursor)).await
}
