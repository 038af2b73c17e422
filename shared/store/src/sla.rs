//! Service levels: policies, the due-items the sweep works from, and compliance counters.
//!
//! * `SLAPOLICY` / `DEFAULT`: the platform's default policy; `T#<t>#SLAPOLICY` / `TENANT` and
//!   `T#<t>#SLAPOLICY` / `ORG#<org>`: a tenant's and an organization's own (the most specific wins).
//! * `SLADUE#<yyyy-mm-ddThh>#<shard>` / `<due unix, 12 digits>#<tenant>#<ticket>#<clock>#<alarm>`:
//!   one item per pending warning or breach, bucketed by hour so a sweep reads only what is
//!   due, and spread over [`SHARDS`] partitions by ticket so no partition takes every tenant's
//!   alarms; `SLADUE` / `CURSOR`: the oldest hour the sweep has still to read.
//! * `SLASTATS#<shard>` / `<yyyy-mm>#<priority>#<clock>#<met|missed>` (all tenants, spread over
//!   [`SHARDS`] partitions by tenant, summed on read) and `T#<t>#SLASTATS` / the same (one
//!   tenant): compliance counters, attribute `n`.
//!
//! Stores written before the spreading keep their alarms in `SLADUE#<hour>` and their platform
//! counts in `SLASTATS`: both are still read (one more small query each), so nothing in flight
//! is lost.

use kt_domain::identity::{OrgId, TenantId, TicketId};
use kt_domain::sla::Policy;
use kt_domain::ticket::Priority;
use time::OffsetDateTime;

use crate::{Cond, Item, Key, Query, SkCond, Store, StoreError, TxOp};

pub fn default_key() -> Key {
    Key::new("SLAPOLICY", "DEFAULT")
}

pub fn tenant_key(tenant: &TenantId) -> Key {
    Key::new(format!("T#{tenant}#SLAPOLICY"), "TENANT")
}

pub fn org_key(tenant: &TenantId, org: &OrgId) -> Key {
    Key::new(format!("T#{tenant}#SLAPOLICY"), format!("ORG#{org}"))
}

pub fn policy_item(key: Key, policy: &Policy) -> Result<Item, StoreError> {
    Item::from_entity(key, policy)
}

/// The policy that applies to an organization's tickets: its own, else its tenant's, else the
/// platform default (one batch read); `None` when none is stored.
pub async fn effective(store: &dyn Store, tenant: &TenantId, org: &OrgId) -> Result<Option<Policy>, StoreError> {
    let items = store.get_many(&[org_key(tenant, org), tenant_key(tenant), default_key()]).await?;
    items.into_iter().flatten().next().map(|item| item.to_entity()).transpose()
}

pub async fn get(store: &dyn Store, key: &Key) -> Result<Option<Policy>, StoreError> {
    store.get(key).await?.map(|i| i.to_entity()).transpose()
}

/// `first` or `resolution`.
pub type ClockName = &'static str;

/// Partitions the platform-wide SLA items are spread over.
pub const SHARDS: u64 = 8;

fn shard_of(text: &str) -> u64 {
    kt_domain::shard_of(text, SHARDS)
}

fn hour_bucket(t: OffsetDateTime) -> String {
    format!("SLADUE#{:04}-{:02}-{:02}T{:02}", t.year(), t.month() as u8, t.day(), t.hour())
}

/// The partitions of one hour's alarms: every shard, then the bucket of stores written before
/// the spreading.
fn hour_partitions(t: OffsetDateTime) -> Vec<String> {
    let bucket = hour_bucket(t);
    (0..SHARDS).map(|s| format!("{bucket}#{s}")).chain([bucket.clone()]).collect()
}

/// The key of one pending alarm.
pub fn due_key(at: OffsetDateTime, tenant: &TenantId, ticket: &TicketId, clock: ClockName, alarm: &str) -> Key {
    Key::new(
        format!("{}#{}", hour_bucket(at), shard_of(ticket.as_str())),
        format!("{:012}#{tenant}#{ticket}#{clock}#{alarm}", at.unix_timestamp().max(0)),
    )
}

pub fn due_put(key: Key) -> TxOp {
    TxOp::Put { item: Item::new(key, serde_json::Map::new()), cond: Cond::None }
}

/// A due-item as the sweep reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub key: Key,
    pub at: i64,
    pub tenant: TenantId,
    pub ticket: TicketId,
}

fn parse_due(key: &Key) -> Option<Due> {
    let mut parts = key.sk.split('#');
    let at = parts.next()?.parse().ok()?;
    let tenant = TenantId::try_from(parts.next()?.to_owned()).ok()?;
    let ticket = TicketId::try_from(parts.next()?.to_owned()).ok()?;
    Some(Due { key: key.clone(), at, tenant, ticket })
}

fn cursor_key() -> Key {
    Key::new("SLADUE", "CURSOR")
}

/// Every due-item up to `now`, from the hour the last sweep left off (at most `max_hours`
/// back). Returns them with the hour the next sweep should start from.
pub async fn due_until(store: &dyn Store, now: OffsetDateTime, max_hours: i64) -> Result<(Vec<Due>, i64), StoreError> {
    let hour = |t: i64| t - t.rem_euclid(3600);
    let now_hour = hour(now.unix_timestamp());
    let from = match store.get(&cursor_key()).await? {
        Some(i) => i.attrs.get("hour").and_then(|v| v.as_i64()).unwrap_or(now_hour),
        None => now_hour - 3600,
    }
    .max(now_hour - max_hours * 3600);
    let mut out = Vec::new();
    let mut h = from;
    let upper = format!("{:012}~", now.unix_timestamp());
    while h <= now_hour {
        let t = OffsetDateTime::from_unix_timestamp(h).unwrap_or(now);
        let reads = hour_partitions(t).into_iter().map(|pk| {
            let upper = upper.clone();
            async move {
                let mut found = Vec::new();
                let mut cursor = None;
                loop {
                    let q = Query::table(pk.clone()).sk(SkCond::Le(upper.clone())).limit(500).after(cursor);
                    let page = store.query(q).await?;
                    found.extend(page.items.iter().filter_map(|i| parse_due(&i.key)));
                    cursor = page.next_cursor;
                    if cursor.is_none() {
                        return Ok::<_, StoreError>(found);
                    }
                }
            }
        });
        out.extend(futures::future::try_join_all(reads).await?.into_iter().flatten());
        h += 3600;
    }
    // Oldest first, as one partition per hour gave them.
    out.sort_by(|a, b| a.key.sk.cmp(&b.key.sk));
    Ok((out, now_hour))
}

pub async fn set_cursor(store: &dyn Store, hour: i64) -> Result<(), StoreError> {
    let mut attrs = serde_json::Map::new();
    attrs.insert("hour".into(), hour.into());
    store.put(Item::new(cursor_key(), attrs), Cond::None).await
}

fn month(t: OffsetDateTime) -> String {
    format!("{:04}-{:02}", t.year(), t.month() as u8)
}

/// Counter operations recording one clock met or missed, for the tenant and the platform.
pub fn outcome_ops(
    tenant: &TenantId,
    at: OffsetDateTime,
    priority: Priority,
    clock: ClockName,
    met: bool,
) -> Vec<TxOp> {
    let sk = format!("{}#{}#{clock}#{}", month(at), priority.as_str(), if met { "met" } else { "missed" });
    [format!("T#{tenant}#SLASTATS"), format!("SLASTATS#{}", shard_of(tenant.as_str()))]
        .into_iter()
        .map(|pk| TxOp::Increment { key: Key::new(pk, sk.clone()), field: "n".into(), by: 1 })
        .collect()
}

/// One row of compliance figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub month: String,
    pub priority: String,
    pub clock: String,
    pub met: bool,
    pub count: i64,
}

/// The counters of months `from..=to` (`yyyy-mm`), for one tenant or (`None`) all.
pub async fn outcomes(
    store: &dyn Store,
    tenant: Option<&TenantId>,
    from: &str,
    to: &str,
) -> Result<Vec<Outcome>, StoreError> {
    let partitions: Vec<String> = match tenant {
        Some(t) => vec![format!("T#{t}#SLASTATS")],
        None => (0..SHARDS).map(|s| format!("SLASTATS#{s}")).chain(["SLASTATS".to_owned()]).collect(),
    };
    let reads = partitions
        .into_iter()
        .map(|pk| store.query(Query::table(pk).sk(SkCond::Between(from.to_owned(), format!("{to}#~")))));
    let mut sums: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
    for page in futures::future::try_join_all(reads).await? {
        for i in &page.items {
            *sums.entry(i.key.sk.clone()).or_default() += i.attrs.get("n").and_then(|n| n.as_i64()).unwrap_or(0);
        }
    }
    Ok(sums
        .into_iter()
        .filter_map(|(sk, count)| {
            let mut p = sk.split('#');
            let (month, priority, clock, met) = (p.next()?, p.next()?, p.next()?, p.next()?);
            Some(Outcome {
                month: month.into(),
                priority: priority.into(),
                clock: clock.into(),
                met: met == "met",
                count,
            })
        })
        .collect())
}
