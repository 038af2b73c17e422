//! Service levels: policies, the due-items the sweep works from, and compliance counters.
//!
//! * `SLAPOLICY` / `DEFAULT`: the platform's default policy; `T#<t>#SLAPOLICY` / `TENANT` and
//!   `T#<t>#SLAPOLICY` / `ORG#<org>`: a tenant's and an organization's own (the most specific wins).
//! * `SLADUE#<yyyy-mm-ddThh>` / `<due unix, 12 digits>#<tenant>#<ticket>#<clock>#<alarm>`: one
//!   item per pending warning or breach, bucketed by hour so a sweep reads only what is due;
//!   `SLADUE` / `CURSOR`: the oldest hour the sweep has still to read.
//! * `SLASTATS` / `<yyyy-mm>#<priority>#<clock>#<met|missed>` (all tenants) and
//!   `T#<t>#SLASTATS` / the same (one tenant): compliance counters, attribute `n`.

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

fn hour_bucket(t: OffsetDateTime) -> String {
    format!("SLADUE#{:04}-{:02}-{:02}T{:02}", t.year(), t.month() as u8, t.day(), t.hour())
}

/// The key of one pending alarm.
pub fn due_key(at: OffsetDateTime, tenant: &TenantId, ticket: &TicketId, clock: ClockName, alarm: &str) -> Key {
    Key::new(hour_bucket(at), format!("{:012}#{tenant}#{ticket}#{clock}#{alarm}", at.unix_timestamp().max(0)))
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
    while h <= now_hour {
        let t = OffsetDateTime::from_unix_timestamp(h).unwrap_or(now);
        let upper = format!("{:012}~", now.unix_timestamp());
        let mut cursor = None;
        loop {
            let q = Query::table(hour_bucket(t)).sk(SkCond::Le(upper.clone())).limit(500).after(cursor);
            let page = store.query(q).await?;
            out.extend(page.items.iter().filter_map(|i| parse_due(&i.key)));
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        h += 3600;
    }
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
    [format!("T#{tenant}#SLASTATS"), "SLASTATS".to_owned()]
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
    let pk = match tenant {
        Some(t) => format!("T#{t}#SLASTATS"),
        None => "SLASTATS".into(),
    };
    let page = store.query(Query::table(pk).sk(SkCond::Between(from.to_owned(), format!("{to}#~")))).await?;
    Ok(page
        .items
        .iter()
        .filter_map(|i| {
            let mut p = i.key.sk.split('#');
            let (month, priority, clock, met) = (p.next()?, p.next()?, p.next()?, p.next()?);
            Some(Outcome {
                month: month.into(),
                priority: priority.into(),
                clock: clock.into(),
                met: met == "met",
                count: i.attrs.get("n")?.as_i64()?,
            })
        })
        .collect())
}
