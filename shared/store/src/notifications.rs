//! The notification center's items, per person.
//!
//! * `T#<t>#USER#<u>#NOTIF` / `N#<ulid>`: one notification (90-day TTL), newest last; the ulid
//!   comes from the event and the person, so a redelivered event writes nothing new;
//!   gsi1 `T#<t>#USER#<u>#NOTIF#<kind>` / `<ulid>`: the same, by kind (the filter).
//! * `T#<t>#USER#<u>#NOTIF` / `UNREAD` (attribute `n`): the unread count, kept in the same
//!   transaction as each notification and each read mark.
//! * `T#<t>#USER#<u>` / `NOTIFPREFS`: the person's settings (kinds they set, zone, quiet hours).
//! * `T#<t>#NOTIFDEFAULTS` / `<role>`: the tenant's defaults per role.
//! * Held notifications and the decision log: [`crate::held`].

use kt_domain::identity::{Role, TenantId, UserId};
use kt_domain::notification::{Kind, Preferences, RoleDefaults};
use serde::{Deserialize, Serialize};

use crate::{Cond, Index, IndexKey, Item, Key, Query, SkCond, Store, StoreError, TxOp};

/// Notifications are history for 90 days.
pub const TTL_SECS: i64 = 90 * 24 * 3600;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub body: String,
    /// Where clicking it leads, a path of the portal (`/tickets/<tenant>/<id>`).
    pub link: String,
    #[serde(default)]
    pub ticket: Option<String>,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub created_at: time::OffsetDateTime,
    #[serde(default, with = "kt_domain::clock::rfc3339_ms::option")]
    pub read_at: Option<time::OffsetDateTime>,
}

fn partition(tenant: &TenantId, user: &UserId) -> String {
    format!("T#{tenant}#USER#{user}#NOTIF")
}

pub fn key(tenant: &TenantId, user: &UserId, id: &str) -> Key {
    Key::new(partition(tenant, user), format!("N#{id}"))
}

pub fn unread_key(tenant: &TenantId, user: &UserId) -> Key {
    Key::new(partition(tenant, user), "UNREAD")
}

pub fn item(
    tenant: &TenantId,
    user: &UserId,
    n: &Notification,
    version: u64,
    expires_at: i64,
) -> Result<Item, StoreError> {
    Ok(Item::from_entity(key(tenant, user, &n.id), n)?.with_version(version).with_expiry(expires_at).with_index(
        Index::Gsi1,
        IndexKey::new(format!("{}#{}", partition(tenant, user), n.kind.as_str()), n.id.clone()),
    ))
}

/// The operations that add `n` (once: a second add of the same id conflicts) and count it unread.
pub fn add_ops(tenant: &TenantId, user: &UserId, n: &Notification, expires_at: i64) -> Result<Vec<TxOp>, StoreError> {
    Ok(vec![
        TxOp::Put { item: item(tenant, user, n, 1, expires_at)?, cond: Cond::NotExists },
        TxOp::Increment { key: unread_key(tenant, user), field: "n".into(), by: 1 },
    ])
}

pub async fn get(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    id: &str,
) -> Result<Option<(Notification, Item)>, StoreError> {
    match store.get(&key(tenant, user, id)).await? {
        Some(i) => Ok(Some((i.to_entity()?, i))),
        None => Ok(None),
    }
}

/// One page, newest first; `kind` narrows to one kind.
pub async fn list(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    kind: Option<Kind>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Notification>, Option<String>), StoreError> {
    let q = match kind {
        Some(k) => Query::partition(Index::Gsi1, format!("{}#{}", partition(tenant, user), k.as_str())),
        None => Query::table(partition(tenant, user)).sk(SkCond::BeginsWith("N#".into())),
    };
    let page = store.query(q.desc().limit(limit).after(cursor)).await?;
    let items = page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?;
    Ok((items, page.next_cursor))
}

pub async fn unread(store: &dyn Store, tenant: &TenantId, user: &UserId) -> Result<u64, StoreError> {
    let item = store.get(&unread_key(tenant, user)).await?;
    Ok(item.and_then(|i| i.attrs.get("n").and_then(|v| v.as_i64())).unwrap_or(0).max(0) as u64)
}

pub fn prefs_key(tenant: &TenantId, user: &UserId) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}"), "NOTIFPREFS")
}

pub async fn preferences(store: &dyn Store, tenant: &TenantId, user: &UserId) -> Result<Preferences, StoreError> {
    Ok(store.get(&prefs_key(tenant, user)).await?.map(|i| i.to_entity()).transpose()?.unwrap_or_default())
}

pub fn prefs_item(tenant: &TenantId, user: &UserId, prefs: &Preferences) -> Result<Item, StoreError> {
    Item::from_entity(prefs_key(tenant, user), prefs)
}

/// `T#<t>#NOTIFDEFAULTS` / `<role>`: a tenant's notification defaults for one role.
pub fn role_defaults_key(tenant: &TenantId, role: Role) -> Key {
    Key::new(format!("T#{tenant}#NOTIFDEFAULTS"), role.as_str())
}

pub async fn role_defaults(
    store: &dyn Store,
    tenant: &TenantId,
    role: Role,
) -> Result<Option<RoleDefaults>, StoreError> {
    store.get(&role_defaults_key(tenant, role)).await?.map(|i| i.to_entity()).transpose()
}

pub fn role_defaults_item(tenant: &TenantId, role: Role, defaults: &RoleDefaults) -> Result<Item, StoreError> {
    Item::from_entity(role_defaults_key(tenant, role), defaults)
}
