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

use crate::due::{DueIndex, DueItem};
use crate::{Item, Key, Query, SkCond, Store, StoreError, TxOp};

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

/// The index of pending alarms, spread by ticket.
pub const DUE: DueIndex = DueIndex { prefix: "SLADUE", shards: SHARDS, legacy_bucket: true };

/// The key of one pending alarm.
pub fn due_key(at: OffsetDateTime, tenant: &TenantId, ticket: &TicketId, clock: ClockName, alarm: &str) -> Key {
    DUE.key(at, ticket.as_str(), &format!("{tenant}#{ticket}#{clock}#{alarm}"))
}

pub fn due_put(key: Key) -> TxOp {
    DueIndex::put(key)
}

/// A due-item as the sweep reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub key: Key,
    pub at: i64,
    pub tenant: TenantId,
    pub ticket: TicketId,
}

fn parse_due(item: DueItem) -> Option<Due> {
    let mut parts = item.rest.split('#');
    let tenant = TenantId::try_from(parts.next()?.to_owned()).ok()?;
    let ticket = TicketId::try_from(parts.next()?.to_owned()).ok()?;
    Some(Due { key: item.key, at: item.at, tenant, ticket })
}

/// Every due-item up to `now`, from the hour the last sweep left off (at most `max_hours`
/// back). Returns them with the hour the next sweep should start from.
pub async fn due_until(store: &dyn Store, now: OffsetDateTime, max_hours: i64) -> Result<(Vec<Due>, i64), StoreError> {
    let (items, hour) = DUE.until(store, now, max_hours).await?;
    Ok((items.into_iter().filter_map(parse_due).collect(), hour))
}

pub async fn set_cursor(store: &dyn Store, hour: i64) -> Result<(), StoreError> {
    DUE.set_cursor(store, hour).await
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
