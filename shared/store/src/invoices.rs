//! Invoices' numbers: a tenant's sequence and the pointer from each number to its invoice.
//!
//! * `T#<t>#COUNTERS` / `INVOICES`: the last sequence value taken (attribute `n`), versioned;
//! * `T#<t>#INVNUM` / `<number>`: the invoice a number belongs to (attribute `invoice`).
//!
//! A number is taken in the transaction that sends the invoice: the sequence item is written
//! under the version read (or "not there yet"), so of two sends that read the same value one
//! commits and the other reads again. Nothing is drawn outside a commit, so the numbers of a
//! tenant have no gaps, however many sends run at once.

use kt_domain::identity::TenantId;
use serde_json::{Map, Value};

use crate::entity::pointer_item;
use crate::{Cond, Item, Key, Store, StoreError, TxOp};

pub fn sequence_key(tenant: &TenantId) -> Key {
    Key::new(format!("T#{tenant}#COUNTERS"), "INVOICES")
}

pub fn number_key(tenant: &TenantId, number: &str) -> Key {
    Key::new(format!("T#{tenant}#INVNUM"), number)
}

/// The last value taken and the sequence item's version (`None`: nothing taken yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sequence {
    pub last: u64,
    pub version: Option<u64>,
}

pub async fn sequence(store: &dyn Store, tenant: &TenantId) -> Result<Sequence, StoreError> {
    Ok(match store.get(&sequence_key(tenant)).await? {
        Some(item) => {
            Sequence { last: item.attrs.get("n").and_then(Value::as_u64).unwrap_or(0), version: Some(item.version) }
        }
        None => Sequence { last: 0, version: None },
    })
}

/// The operations taking `seq.last + 1` as `number` for invoice `invoice`: the sequence moved
/// on under the version read, and the number's pointer (which must not exist).
pub fn take_ops(tenant: &TenantId, seq: Sequence, number: &str, invoice: &str) -> Vec<TxOp> {
    let mut attrs = Map::new();
    attrs.insert("n".into(), (seq.last + 1).into());
    let mut item = Item::new(sequence_key(tenant), attrs);
    let cond = match seq.version {
        Some(v) => {
            item.version = v + 1;
            Cond::Version(v)
        }
        None => Cond::NotExists,
    };
    vec![
        TxOp::Put { item, cond },
        TxOp::Put { item: pointer_item(number_key(tenant, number), "invoice", invoice), cond: Cond::NotExists },
    ]
}
