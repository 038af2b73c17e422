//! Notifications held back for a digest or until quiet hours end, and the log of what was
//! decided for each notification.
//!
//! * `T#<t>#USER#<u>#HELD` / `<release unix, 12 digits>#<notification id>`: one held
//!   notification, kept (with an expiry) after its release so a digest can be shown again.
//! * `T#<t>#USER#<u>#HELD` / `SENT#<release>`: the release went out; written once, in the same
//!   transaction as the mail it sends, so a period is summed up exactly once. Holding a
//!   notification checks this marker is absent: one arriving after its release went out is
//!   delivered at once instead.
//! * `HELDDUE#<hour>#<shard>` / `<release>#<t>#<u>`: the [`DueIndex`] the sweep works from,
//!   one item per person and release (writes spread over [`SHARDS`] partitions by person).
//! * `T#<t>#USER#<u>#NOTIFLOG` / `<created unix ms, 13 digits>#<notification id>`: the
//!   [`Decision`] taken for one notification, newest first on read.

use kt_domain::identity::{TenantId, UserId};
use kt_domain::notification::Kind;
use kt_domain::notification::preferences::{Channel, Decision, Hold};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::due::DueIndex;
use crate::{Cond, Item, Key, Query, SkCond, Store, StoreError, TxOp};

pub const SHARDS: u64 = 8;
pub const DUE: DueIndex = DueIndex { prefix: "HELDDUE", shards: SHARDS, legacy_bucket: false };
/// Held items and decisions are kept 60 days.
pub const KEEP_SECS: i64 = 60 * 86_400;

/// One notification waiting for its release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub id: String,
    pub kind: Kind,
    pub title: String,
    pub body: String,
    pub link: String,
    /// The channels that held it (those that go out at the release).
    pub channels: Vec<Channel>,
    pub hold: Hold,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
}

fn partition(tenant: &TenantId, user: &UserId) -> String {
    format!("T#{tenant}#USER#{user}#HELD")
}

fn stamp(t: OffsetDateTime) -> String {
    format!("{:012}", t.unix_timestamp().max(0))
}

pub fn sent_key(tenant: &TenantId, user: &UserId, release: OffsetDateTime) -> Key {
    Key::new(partition(tenant, user), format!("SENT#{}", stamp(release)))
}

/// Holds `held` until `release`: the item, the due entry, and the check that this release has
/// not gone out yet.
pub fn hold_ops(
    tenant: &TenantId,
    user: &UserId,
    release: OffsetDateTime,
    held: &Held,
) -> Result<Vec<TxOp>, StoreError> {
    let key = Key::new(partition(tenant, user), format!("{}#{}", stamp(release), held.id));
    let expires = release.unix_timestamp() + KEEP_SECS;
    Ok(vec![
        TxOp::Put { item: Item::from_entity(key, held)?.with_expiry(expires), cond: Cond::NotExists },
        DueIndex::put(DUE.key(release, user.as_str(), &format!("{tenant}#{user}"))),
        TxOp::Check { key: sent_key(tenant, user, release), cond: Cond::NotExists },
    ])
}

/// Everything held for one release, in the order it arrived (up to 500).
pub async fn at_release(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    release: OffsetDateTime,
) -> Result<Vec<Held>, StoreError> {
    let q = Query::table(partition(tenant, user)).sk(SkCond::BeginsWith(format!("{}#", stamp(release)))).limit(500);
    let page = store.query(q).await?;
    let mut out: Vec<Held> = page.items.iter().map(|i| i.to_entity()).collect::<Result<_, _>>()?;
    out.sort_by_key(|h| h.created_at);
    Ok(out)
}

/// A release that is due: whose, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub key: Key,
    pub at: OffsetDateTime,
    pub tenant: TenantId,
    pub user: UserId,
}

/// The releases due up to `now` and the hour the next sweep starts from.
pub async fn due(store: &dyn Store, now: OffsetDateTime) -> Result<(Vec<Release>, i64), StoreError> {
    let (items, hour) = DUE.until(store, now, 24 * 8).await?;
    let releases = items
        .into_iter()
        .filter_map(|i| {
            let (tenant, user) = i.rest.split_once('#')?;
            Some(Release {
                at: OffsetDateTime::from_unix_timestamp(i.at).ok()?,
                tenant: TenantId::try_from(tenant.to_owned()).ok()?,
                user: UserId::try_from(user.to_owned()).ok()?,
                key: i.key,
            })
        })
        .collect();
    Ok((releases, hour))
}

/// Marks `release` sent and drops its due entry: joins the transaction of what it sends.
pub fn released_ops(r: &Release) -> Vec<TxOp> {
    let mut marker = Item::new(sent_key(&r.tenant, &r.user, r.at), serde_json::Map::new());
    marker = marker.with_expiry(r.at.unix_timestamp() + KEEP_SECS);
    vec![TxOp::Put { item: marker, cond: Cond::NotExists }, TxOp::Delete { key: r.key.clone(), cond: Cond::None }]
}

pub async fn set_cursor(store: &dyn Store, hour: i64) -> Result<(), StoreError> {
    DUE.set_cursor(store, hour).await
}

/// One entry of the decision log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub id: String,
    pub title: String,
    pub link: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
    pub decision: Decision,
}

fn log_partition(tenant: &TenantId, user: &UserId) -> String {
    format!("T#{tenant}#USER#{user}#NOTIFLOG")
}

pub fn log_op(tenant: &TenantId, user: &UserId, entry: &Logged) -> Result<TxOp, StoreError> {
    let ms = (entry.created_at.unix_timestamp_nanos() / 1_000_000).max(0);
    let key = Key::new(log_partition(tenant, user), format!("{ms:013}#{}", entry.id));
    let expires = entry.created_at.unix_timestamp() + KEEP_SECS;
    Ok(TxOp::Put { item: Item::from_entity(key, entry)?.with_expiry(expires), cond: Cond::None })
}

/// One page of the log, newest first.
pub async fn log(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Logged>, Option<String>), StoreError> {
    let page = store.query(Query::table(log_partition(tenant, user)).desc().limit(limit).after(cursor)).await?;
    let items = page.items.iter().map(|i| i.to_entity()).collect::<Result<_, _>>()?;
    Ok((items, page.next_cursor))
}
