//! Received mail (`kt_domain::mail::inbound`):
//!
//! * `T#<t>#MAILIN` / `<id>`: every mail a tenant received, newest last (ids are ULIDs of when
//!   it arrived), one partition per tenant (a few writes per mail).
//! * `T#<t>#MAILIN#HELD` / `<id>` and `T#<t>#MAILIN#DEAD` / `<id>`: the review list and the
//!   dead-letter list, copies written and removed in the same transaction as the mail.
//! * `T#<t>#MAILCFG` / `INBOUND`: the tenant's inbound settings.
//! * `T#<t>#MAILRATE#<sender>` / `<hour>`: mail counted per sender and hour (expires).
//! * `MAILDUE#<hour>#<shard>` (due index): mail received but not yet acted on, looked at again
//!   by the sweep when the process that took it stopped before acting.

use kt_domain::identity::TenantId;
use kt_domain::mail::inbound::{InboundMail, Status};
use serde::{Deserialize, Serialize};

use crate::due::DueIndex;
use crate::entity::{self, Versioned};
use crate::{Cond, Item, Key, Query, Store, StoreError, TxOp};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#MAILIN"), id)
}

fn list_pk(tenant: &TenantId, list: List) -> String {
    format!("T#{tenant}#MAILIN#{}", list.as_str())
}

/// The lists a mail may stand in besides the tenant's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Held,
    Dead,
}

impl List {
    fn as_str(self) -> &'static str {
        match self {
            List::Held => "HELD",
            List::Dead => "DEAD",
        }
    }

    fn of(status: Status) -> Option<List> {
        match status {
            Status::Held => Some(List::Held),
            Status::Failed => Some(List::Dead),
            _ => None,
        }
    }
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<InboundMail>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

/// The operations that write `m` at `version` (the first when `version` is 1) and keep the
/// lists in step with its status, coming from `before` (the status it was read in).
pub fn write_ops(m: &InboundMail, version: u64, before: Option<Status>) -> Result<Vec<TxOp>, StoreError> {
    let cond = if version == 1 { Cond::NotExists } else { Cond::Version(version - 1) };
    let mut ops = vec![TxOp::Put { item: entity::item(key(&m.tenant, &m.id), m, version)?, cond }];
    let was = before.and_then(List::of);
    let now = List::of(m.status);
    if let Some(l) = was
        && Some(l) != now
    {
        ops.push(TxOp::Delete { key: Key::new(list_pk(&m.tenant, l), &m.id), cond: Cond::None });
    }
    if let Some(l) = now {
        ops.push(TxOp::Put { item: entity::item(Key::new(list_pk(&m.tenant, l), &m.id), m, 1)?, cond: Cond::None });
    }
    Ok(ops)
}

/// One page of a tenant's log or of one of its lists, newest first.
pub async fn page(
    store: &dyn Store,
    tenant: &TenantId,
    list: Option<List>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<InboundMail>, Option<String>), StoreError> {
    let pk = match list {
        Some(l) => list_pk(tenant, l),
        None => format!("T#{tenant}#MAILIN"),
    };
    let (items, next) = entity::page::<InboundMail>(store, Query::table(pk).desc().limit(limit).after(cursor)).await?;
    Ok((items.into_iter().map(|v| v.value).collect(), next))
}

/// The tenant's inbound settings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub unknown_senders: kt_domain::mail::inbound::UnknownSenders,
    /// The tenant's own addresses that forward to its portal address (shown, and trusted as
    /// the recipient of forwarded mail).
    #[serde(default)]
    pub forwarded_from: Vec<String>,
}

pub fn settings_key(tenant: &TenantId) -> Key {
    Key::new(format!("T#{tenant}#MAILCFG"), "INBOUND")
}

pub async fn settings(store: &dyn Store, tenant: &TenantId) -> Result<Versioned<Settings>, StoreError> {
    Ok(entity::get(store, &settings_key(tenant)).await?.unwrap_or(Versioned { value: Settings::default(), version: 0 }))
}

pub fn settings_item(tenant: &TenantId, s: &Settings, version: u64) -> Result<Item, StoreError> {
    entity::item(settings_key(tenant), s, version)
}

/// The counter of mail from `sender` to `tenant` in the hour starting at `hour` (Unix seconds).
pub fn rate_key(tenant: &TenantId, sender: &str, hour: i64) -> Key {
    Key::new(format!("T#{tenant}#MAILRATE#{}", sender.to_ascii_lowercase()), hour.to_string())
}

/// Mail received and not yet acted on (rest: `<tenant>#<id>`).
pub const DUE: DueIndex = DueIndex { prefix: "MAILDUE", shards: 8, legacy_bucket: false };

pub fn due_key(m: &InboundMail, at: time::OffsetDateTime) -> Key {
    DUE.key(at, &m.id, &format!("{}#{}", m.tenant, m.id))
}
