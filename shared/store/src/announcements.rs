//! Announcements and who read them.
//!
//! * `T#<t>#ANN` / `<id>`: an announcement of tenant `t` (Kre8ivTech's tenant for platform-wide
//!   ones); the partition lists a tenant's announcements newest first for their authors. gsi1
//!   `ANNS#ALL` | `ANNS#T#<t>` | `ANNS#T#<t>#ORG#<o>` / `<ends, or 9999>#<id>`: what a reader's
//!   scopes hold, read from now on so ended ones cost nothing (a reader queries their tenant's,
//!   each of their organizations' and the platform's: a handful of small partitions, read-mostly,
//!   written only when an author saves).
//! * `ANN#<id>` / `HOME`: the tenant an announcement belongs to, for routes that name only it.
//! * `T#<t>#USER#<u>#ANNREAD` / `<id>`: that person read (dismissed) it, written once.
//! * `ANN#<id>#READS#<shard>` / `N`: how many read it, counted in [`READ_SHARDS`] partitions so
//!   a platform-wide announcement read by everyone at once spreads its increments;
//!   `ANN#<id>#REACHED` / `N`: how many it was delivered to as a notification or email.
//! * The due index [`STARTS`] (`ANNDUE#<hour>#<shard>`): scheduled announcements whose
//!   notifications and emails go out when they start.

use kt_domain::announcement::{Announcement, Reader, Scope};
use kt_domain::identity::{TenantId, UserId};
use time::OffsetDateTime;

use crate::due::DueIndex;
use crate::entity::{self, Versioned};
use crate::{Cond, Index, IndexKey, Item, Key, Query, SkCond, Store, StoreError, TxOp};

/// Partitions a read count is spread over.
pub const READ_SHARDS: u64 = 8;
/// Scheduled starts.
pub const STARTS: DueIndex = DueIndex { prefix: "ANNDUE", shards: 8, legacy_bucket: false };

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#ANN"), id)
}

fn scope_partition(a: &Announcement) -> String {
    match &a.scope {
        Scope::Everyone => "ANNS#ALL".to_owned(),
        Scope::Tenant => format!("ANNS#T#{}", a.tenant),
        Scope::Organization(org) => format!("ANNS#T#{}#ORG#{org}", a.tenant),
    }
}

fn until_key(t: Option<OffsetDateTime>) -> String {
    t.map(kt_domain::timestamp).unwrap_or_else(|| "9999".to_owned())
}

pub fn item(a: &Announcement, version: u64) -> Result<Item, StoreError> {
    let sk = format!("{}#{}", until_key(a.ends_at), a.id);
    Ok(entity::item(key(&a.tenant, &a.id), a, version)?.with_index(Index::Gsi1, IndexKey::new(scope_partition(a), sk)))
}

fn home_key(id: &str) -> Key {
    Key::new(format!("ANN#{id}"), "HOME")
}

/// Written with a new announcement: where to find it from its id alone.
pub fn home_op(a: &Announcement) -> TxOp {
    TxOp::Put { item: entity::pointer_item(home_key(&a.id), "tenant", a.tenant.as_str()), cond: Cond::NotExists }
}

pub fn delete_ops(a: &Announcement, version: u64) -> Vec<TxOp> {
    vec![
        TxOp::Delete { key: key(&a.tenant, &a.id), cond: Cond::Version(version) },
        TxOp::Delete { key: home_key(&a.id), cond: Cond::None },
    ]
}

pub async fn home(store: &dyn Store, id: &str) -> Result<Option<TenantId>, StoreError> {
    Ok(store.get(&home_key(id)).await?.and_then(|i| {
        i.attrs.get("tenant").and_then(|v| v.as_str()).and_then(|t| TenantId::try_from(t.to_owned()).ok())
    }))
}

pub async fn get(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<Versioned<Announcement>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

/// A page of a tenant's announcements, newest first.
pub async fn list(
    store: &dyn Store,
    tenant: &TenantId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Announcement>>, Option<String>), StoreError> {
    let page = store.query(Query::table(format!("T#{tenant}#ANN")).desc().limit(limit).after(cursor)).await?;
    let items = page.items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? }));
    Ok((items.collect::<Result<_, StoreError>>()?, page.next_cursor))
}

/// Every announcement not ended by `now` in the scopes `reader` belongs to (scheduled ones
/// included; the caller keeps what is live and reaches them).
pub async fn open_for(
    store: &dyn Store,
    reader: &Reader,
    now: OffsetDateTime,
) -> Result<Vec<Versioned<Announcement>>, StoreError> {
    let mut partitions = vec!["ANNS#ALL".to_owned(), format!("ANNS#T#{}", reader.tenant)];
    partitions.extend(reader.orgs.iter().map(|o| format!("ANNS#T#{}#ORG#{o}", reader.tenant)));
    let from = kt_domain::timestamp(now);
    let reads = partitions.into_iter().map(|pk| {
        let from = from.clone();
        async move { store.query(Query::partition(Index::Gsi1, pk).sk(SkCond::Gt(from)).limit(100)).await }
    });
    let mut out = Vec::new();
    for page in futures::future::try_join_all(reads).await? {
        for i in page.items {
            out.push(Versioned { version: i.version, value: i.to_entity()? });
        }
    }
    Ok(out)
}

fn read_key(tenant: &TenantId, user: &UserId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}#ANNREAD"), id)
}

fn reads_key(id: &str, shard: u64) -> Key {
    Key::new(format!("ANN#{id}#READS#{shard}"), "N")
}

fn reached_key(id: &str) -> Key {
    Key::new(format!("ANN#{id}#REACHED"), "N")
}

/// Marks it read by `user` (of `tenant`) and counts the read, once.
pub fn read_ops(tenant: &TenantId, user: &UserId, id: &str, now: OffsetDateTime) -> Vec<TxOp> {
    let mut attrs = serde_json::Map::new();
    attrs.insert("at".into(), kt_domain::timestamp(now).into());
    vec![
        TxOp::Put { item: Item::new(read_key(tenant, user, id), attrs), cond: Cond::NotExists },
        TxOp::Increment {
            key: reads_key(id, kt_domain::shard_of(user.as_str(), READ_SHARDS)),
            field: "n".into(),
            by: 1,
        },
    ]
}

/// Which of `ids` `user` has read.
pub async fn read_by(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    ids: &[String],
) -> Result<Vec<bool>, StoreError> {
    let keys: Vec<Key> = ids.iter().map(|id| read_key(tenant, user, id)).collect();
    Ok(store.get_many(&keys).await?.into_iter().map(|i| i.is_some()).collect())
}

/// How many read it, and how many it was delivered to.
pub async fn counts(store: &dyn Store, id: &str) -> Result<(u64, u64), StoreError> {
    let mut keys: Vec<Key> = (0..READ_SHARDS).map(|s| reads_key(id, s)).collect();
    keys.push(reached_key(id));
    let n = |i: &Option<Item>| i.as_ref().and_then(|i| i.attrs.get("n")).and_then(|v| v.as_u64()).unwrap_or(0);
    let got = store.get_many(&keys).await?;
    let reads = got[..READ_SHARDS as usize].iter().map(n).sum();
    Ok((reads, n(&got[READ_SHARDS as usize])))
}

/// Counts `by` more people reached.
pub fn reached_op(id: &str, by: i64) -> TxOp {
    TxOp::Increment { key: reached_key(id), field: "n".into(), by }
}

/// The due entry of a scheduled start.
pub fn start_key(a: &Announcement) -> Key {
    STARTS.key(a.starts_at, &a.id, &format!("{}#{}", a.tenant, a.id))
}
