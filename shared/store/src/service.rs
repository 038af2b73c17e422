//! Service types and service requests with their activity.
//!
//! * `SVCTYPES` / `<type>`: the service types the house offers every tenant (a handful; one
//!   partition read lists them, written only when a super admin edits one).
//! * `T#<t>#SR` / `<request>`: a tenant's requests, newest first (ids are ULIDs); gsi1
//!   `T#<t>#ORG#<org>#SR` / `<request>`: an organization's. While a request waits for review
//!   (submitted, in review) gsi2 `SRPENDING#<shard>` / `<request>` lists it for the house,
//!   spread over [`PENDING_SHARDS`] partitions by id so no partition takes every tenant's
//!   requests; the attributes go when it moves on (a sparse index).
//! * `T#<t>#SR#<request>#LOG` / `<entry>`: its activity, oldest first (status moves, comments).

use kt_domain::identity::{OrgId, TenantId};
use kt_domain::service::{Activity, ServiceRequest, ServiceType};

use crate::entity::{self, Versioned};
use crate::{Cond, Index, IndexKey, Item, Key, Query, Store, StoreError, TxOp};

pub const PENDING_SHARDS: u64 = 8;

fn type_key(id: &str) -> Key {
    Key::new("SVCTYPES", id)
}

pub fn type_item(t: &ServiceType, version: u64) -> Result<Item, StoreError> {
    entity::item(type_key(&t.id), t, version)
}

pub async fn service_type(store: &dyn Store, id: &str) -> Result<Option<Versioned<ServiceType>>, StoreError> {
    entity::get(store, &type_key(id)).await
}

/// Every service type, in `position` order.
pub async fn types(store: &dyn Store) -> Result<Vec<Versioned<ServiceType>>, StoreError> {
    let page = store.query(Query::table("SVCTYPES").limit(200)).await?;
    let mut out: Vec<Versioned<ServiceType>> = page
        .items
        .into_iter()
        .map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? }))
        .collect::<Result<_, StoreError>>()?;
    out.sort_by(|a, b| a.value.position.cmp(&b.value.position).then_with(|| a.value.id.cmp(&b.value.id)));
    Ok(out)
}

fn request_key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#SR"), id)
}

pub fn request_item(r: &ServiceRequest, version: u64) -> Result<Item, StoreError> {
    let mut item = entity::item(request_key(&r.tenant, &r.id), r, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#ORG#{}#SR", r.tenant, r.org), r.id.clone()));
    if r.status.pending() {
        let shard = kt_domain::shard_of(&r.id, PENDING_SHARDS);
        item = item.with_index(Index::Gsi2, IndexKey::new(format!("SRPENDING#{shard}"), r.id.clone()));
    }
    Ok(item)
}

pub async fn request(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<Versioned<ServiceRequest>>, StoreError> {
    entity::get(store, &request_key(tenant, id)).await
}

/// A page of a tenant's requests, or one organization's, newest first.
pub async fn requests(
    store: &dyn Store,
    tenant: &TenantId,
    org: Option<&OrgId>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<ServiceRequest>, Option<String>), StoreError> {
    let q = match org {
        Some(o) => Query::partition(Index::Gsi1, format!("T#{tenant}#ORG#{o}#SR")),
        None => Query::table(format!("T#{tenant}#SR")),
    };
    let page = store.query(q.desc().limit(limit).after(cursor)).await?;
    Ok((page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?, page.next_cursor))
}

/// The newest `limit` requests waiting for review in every tenant (one read per shard).
pub async fn pending(store: &dyn Store, limit: u32) -> Result<Vec<ServiceRequest>, StoreError> {
    let mut out: Vec<ServiceRequest> = Vec::new();
    for shard in 0..PENDING_SHARDS {
        let page = store.query(Query::partition(Index::Gsi2, format!("SRPENDING#{shard}")).desc().limit(limit)).await?;
        for item in &page.items {
            out.push(item.to_entity()?);
        }
    }
    out.sort_by(|a, b| b.id.cmp(&a.id));
    out.truncate(limit as usize);
    Ok(out)
}

fn log_partition(tenant: &TenantId, id: &str) -> String {
    format!("T#{tenant}#SR#{id}#LOG")
}

pub fn activity_op(tenant: &TenantId, request: &str, a: &Activity) -> Result<TxOp, StoreError> {
    let item = entity::item(Key::new(log_partition(tenant, request), a.id.clone()), a, 1)?;
    Ok(TxOp::Put { item, cond: Cond::NotExists })
}

/// A request's activity, oldest first.
pub async fn activity(
    store: &dyn Store,
    tenant: &TenantId,
    request: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Activity>, Option<String>), StoreError> {
    let page = store.query(Query::table(log_partition(tenant, request)).limit(limit).after(cursor)).await?;
    Ok((page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?, page.next_cursor))
}
