//! Invoices, their ledgers, numbers, a tenant's billing settings and invoice counters.
//!
//! * `T#<t>#INV#<id>` / `INV`: the invoice (issued by tenant `t`); gsi1 `T#<t>#INVOICES` / id
//!   (the tenant's invoices, newest last), gsi2 `T#<t>#<scope>#INVOICES` / id (those billing
//!   one party: `ORG#<org>` or `PARTNER#<tenant>`), gsi3 `T#<t>#INVOICES#<status>` / id (keys
//!   only: the lists by status, read back by table key).
//! * `T#<t>#INV#<id>` / `PAY#<ulid>`: its ledger (payments, refunds, credits), in order.
//! * `T#<t>#COUNTERS` / `INVOICES` (and `CREDITNOTES`): the last sequence value taken
//!   (attribute `n`), versioned; `T#<t>#INVNUM` (`CNNUM`) / `<number>`: the invoice (credit
//!   note) a number belongs to.
//! * `T#<t>#BILLING` / `SETTINGS`: the tenant's billing settings; `TERMS#<scope>`: the payment
//!   terms of one billed party (`ORG#<org>`, `PARTNER#<tenant>`).
//! * `T#<t>#INVSTATS` / `<status>#<currency>#n` and `#minor`: how many invoices stand in each
//!   status and what they hold (the balance of open ones, the total of the others), in minor units, kept in the same transaction as each
//!   change (attribute `n`).
//!
//! * `INVDUE#<yyyy-mm-dd>#<shard>` / `<tenant>#<invoice>`: the sweep looks at this invoice on
//!   this day (reminders, overdue, late charges), spread over [`DUE_SHARDS`] partitions by
//!   invoice; `INVDUE` / `CURSOR`: the oldest day the sweep has still to read (attribute `day`).
//!   `RECURDUE#...` likewise for recurring schedules with a period to generate.
//!
//! Every other partition is one tenant's (or one invoice's): a tenant's invoices are written at
//! the pace its staff and clients work, never by other tenants.
//!
//! A number is taken in the transaction that sends the invoice: the sequence item is written
//! under the version read (or "not there yet"), so of two sends that read the same value one
//! commits and the other reads again. Nothing is drawn outside a commit, so the numbers of a
//! tenant have no gaps, however many sends run at once.

use kt_domain::identity::TenantId;
use kt_domain::invoice::Status;
use kt_domain::invoice::entity::Invoice;
use kt_domain::invoice::ledger::Entry;
use kt_domain::invoice::settings::BillingSettings;
use kt_domain::invoice::terms::Terms;
use kt_domain::money::Currency;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use time::Date;

use crate::entity::{self, Versioned, pointer, pointer_item};
use crate::{Cond, Index, IndexKey, Item, Key, Query, SkCond, Store, StoreError, TxOp};

pub fn key(tenant: &TenantId, id: &str) -> Key {
    Key::new(partition(tenant, id), "INV")
}

fn partition(tenant: &TenantId, id: &str) -> String {
    format!("T#{tenant}#INV#{id}")
}

pub fn list_partition(tenant: &TenantId) -> String {
    format!("T#{tenant}#INVOICES")
}

/// The list of invoices `tenant` issued to one billed party (`scope`: `ORG#<org>`, `PARTNER#<t>`).
pub fn billed_partition(tenant: &TenantId, scope: &str) -> String {
    format!("T#{tenant}#{scope}#INVOICES")
}

pub fn status_partition(tenant: &TenantId, status: Status) -> String {
    format!("T#{tenant}#INVOICES#{}", status.as_str())
}

pub fn item(inv: &Invoice, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(key(&inv.tenant, &inv.id), inv, version)?
        .with_index(Index::Gsi1, IndexKey::new(list_partition(&inv.tenant), inv.id.as_str()))
        .with_index(Index::Gsi2, IndexKey::new(billed_partition(&inv.tenant, &inv.billed.scope()), inv.id.as_str()))
        .with_index(Index::Gsi3, IndexKey::new(status_partition(&inv.tenant, inv.status), inv.id.as_str())))
}

pub async fn get(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<Invoice>>, StoreError> {
    entity::get(store, &key(tenant, id)).await
}

/// The invoice a number names.
pub async fn id_by_number(store: &dyn Store, tenant: &TenantId, number: &str) -> Result<Option<String>, StoreError> {
    pointer(store, &number_key(tenant, Series::Invoices, number), "invoice").await
}

fn versioned(items: Vec<Item>) -> Result<Vec<Versioned<Invoice>>, StoreError> {
    items.into_iter().map(|i| Ok(Versioned { version: i.version, value: i.to_entity()? })).collect()
}

/// Which list a page reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum List {
    /// Every invoice the tenant issued.
    All,
    /// Those billing one party (`Billed::scope`).
    Billed(String),
    /// Those standing in one status.
    Status(Status),
}

/// One page of `tenant`'s invoices, newest first.
pub async fn page(
    store: &dyn Store,
    tenant: &TenantId,
    list: &List,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Invoice>>, Option<String>), StoreError> {
    let q = match list {
        List::All => Query::partition(Index::Gsi1, list_partition(tenant)),
        List::Billed(scope) => Query::partition(Index::Gsi2, billed_partition(tenant, scope)),
        List::Status(s) => Query::partition(Index::Gsi3, status_partition(tenant, *s)).keys_only(),
    };
    let page = store.query(q.desc().limit(limit).after(cursor)).await?;
    let items = if matches!(list, List::Status(_)) {
        let mut out = Vec::with_capacity(page.items.len());
        for chunk in page.items.chunks(crate::limits::MAX_BATCH_GET) {
            let keys: Vec<Key> = chunk.iter().map(|i| i.key.clone()).collect();
            out.extend(store.get_many(&keys).await?.into_iter().flatten());
        }
        out
    } else {
        page.items
    };
    Ok((versioned(items)?, page.next_cursor))
}

pub fn entry_key(tenant: &TenantId, invoice: &str, entry: &str) -> Key {
    Key::new(partition(tenant, invoice), format!("PAY#{entry}"))
}

pub fn entry_item(tenant: &TenantId, invoice: &str, e: &Entry) -> Result<Item, StoreError> {
    Item::from_entity(entry_key(tenant, invoice, &e.id), e)
}

/// An invoice's ledger, oldest first.
pub async fn entries(store: &dyn Store, tenant: &TenantId, invoice: &str) -> Result<Vec<Entry>, StoreError> {
    let q = Query::table(partition(tenant, invoice)).sk(SkCond::BeginsWith("PAY#".into()));
    store.query(q).await?.items.iter().map(Item::to_entity).collect()
}

pub fn settings_key(tenant: &TenantId) -> Key {
    Key::new(format!("T#{tenant}#BILLING"), "SETTINGS")
}

/// The tenant's billing settings (the defaults until someone saves them), with the version to
/// save under (`None`: never saved).
pub async fn settings(store: &dyn Store, tenant: &TenantId) -> Result<(BillingSettings, Option<u64>), StoreError> {
    Ok(match entity::get::<BillingSettings>(store, &settings_key(tenant)).await? {
        Some(v) => (v.value, Some(v.version)),
        None => (BillingSettings::default(), None),
    })
}

pub fn terms_key(tenant: &TenantId, scope: &str) -> Key {
    Key::new(format!("T#{tenant}#BILLING"), format!("TERMS#{scope}"))
}

/// The terms set for one billed party, if any.
pub async fn party_terms(store: &dyn Store, tenant: &TenantId, scope: &str) -> Result<Option<Terms>, StoreError> {
    Ok(entity::get::<Terms>(store, &terms_key(tenant, scope)).await?.map(|v| v.value))
}

/// Every party's own terms in the tenant: (scope, terms).
pub async fn all_party_terms(store: &dyn Store, tenant: &TenantId) -> Result<Vec<(String, Terms)>, StoreError> {
    let q = Query::table(format!("T#{tenant}#BILLING")).sk(SkCond::BeginsWith("TERMS#".into()));
    let page = store.query(q).await?;
    page.items.iter().map(|i| Ok((i.key.sk.trim_start_matches("TERMS#").to_owned(), i.to_entity()?))).collect()
}

pub fn stat_key(tenant: &TenantId, status: Status, currency: Currency, what: &str) -> Key {
    Key::new(format!("T#{tenant}#INVSTATS"), format!("{}#{}#{what}", status.as_str(), currency.code()))
}

/// What an invoice adds to its tenant's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: Status,
    pub currency: Currency,
    pub balance: Decimal,
}

impl Standing {
    /// What is owed on an open invoice; the total of a draft, a paid or a void one.
    pub fn of(inv: &Invoice) -> Self {
        let amount = if inv.status.is_open() { inv.balance() } else { inv.total };
        Self { status: inv.status, currency: inv.currency, balance: amount }
    }
}

/// Counter operations for an invoice moving from `before` (`None`: new) to `after`.
pub fn stat_ops(tenant: &TenantId, before: Option<Standing>, after: Standing) -> Vec<TxOp> {
    if before == Some(after) {
        return Vec::new();
    }
    let minor = |s: &Standing| s.currency.to_minor(s.balance).unwrap_or(0);
    let mut deltas: Vec<(Key, i64)> = Vec::new();
    let mut add = |key: Key, by: i64| match deltas.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += by,
        None => deltas.push((key, by)),
    };
    if let Some(b) = before {
        add(stat_key(tenant, b.status, b.currency, "n"), -1);
        add(stat_key(tenant, b.status, b.currency, "minor"), -minor(&b));
    }
    add(stat_key(tenant, after.status, after.currency, "n"), 1);
    add(stat_key(tenant, after.status, after.currency, "minor"), minor(&after));
    deltas
        .into_iter()
        .filter(|(_, by)| *by != 0)
        .map(|(key, by)| TxOp::Increment { key, field: "n".into(), by })
        .collect()
}

/// One counter: invoices in `status` and `currency`, and their balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusTotal {
    pub status: Status,
    pub currency: Currency,
    pub count: u64,
    pub balance: Decimal,
}

/// The tenant's counters, by status and currency (one query of one partition).
pub async fn status_totals(store: &dyn Store, tenant: &TenantId) -> Result<Vec<StatusTotal>, StoreError> {
    let page = store.query(Query::table(format!("T#{tenant}#INVSTATS"))).await?;
    let mut out: Vec<StatusTotal> = Vec::new();
    for item in &page.items {
        let mut parts = item.key.sk.split('#');
        let (Some(status), Some(code), Some(what)) = (parts.next(), parts.next(), parts.next()) else { continue };
        let Some(status) = Status::ALL.into_iter().find(|s| s.as_str() == status) else { continue };
        let Ok(currency) = Currency::parse(code) else { continue };
        let n = item.attrs.get("n").and_then(Value::as_i64).unwrap_or(0);
        let i = match out.iter().position(|t| t.status == status && t.currency == currency) {
            Some(i) => i,
            None => {
                out.push(StatusTotal { status, currency, count: 0, balance: Decimal::ZERO });
                out.len() - 1
            }
        };
        match what {
            "n" => out[i].count = n.max(0) as u64,
            _ => out[i].balance = currency.from_minor(n),
        }
    }
    out.retain(|t| t.count > 0);
    Ok(out)
}

/// A gap-free numbering of one of a tenant's document kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Invoices,
    CreditNotes,
}

impl Series {
    fn counter(self) -> &'static str {
        match self {
            Series::Invoices => "INVOICES",
            Series::CreditNotes => "CREDITNOTES",
        }
    }

    fn numbers(self) -> &'static str {
        match self {
            Series::Invoices => "INVNUM",
            Series::CreditNotes => "CNNUM",
        }
    }

    /// The pointer attribute naming the document a number belongs to.
    fn names(self) -> &'static str {
        match self {
            Series::Invoices => "invoice",
            Series::CreditNotes => "credit_note",
        }
    }
}

pub fn sequence_key(tenant: &TenantId, series: Series) -> Key {
    Key::new(format!("T#{tenant}#COUNTERS"), series.counter())
}

pub fn number_key(tenant: &TenantId, series: Series, number: &str) -> Key {
    Key::new(format!("T#{tenant}#{}", series.numbers()), number)
}

/// The last value taken and the sequence item's version (`None`: nothing taken yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sequence {
    pub series: Series,
    pub last: u64,
    pub version: Option<u64>,
}

pub async fn sequence(store: &dyn Store, tenant: &TenantId, series: Series) -> Result<Sequence, StoreError> {
    Ok(match store.get(&sequence_key(tenant, series)).await? {
        Some(item) => Sequence {
            series,
            last: item.attrs.get("n").and_then(Value::as_u64).unwrap_or(0),
            version: Some(item.version),
        },
        None => Sequence { series, last: 0, version: None },
    })
}

/// The operations taking `seq.last + 1` as `number` for document `id`: the sequence moved on
/// under the version read, and the number's pointer (which must not exist).
pub fn take_ops(tenant: &TenantId, seq: Sequence, number: &str, id: &str) -> Vec<TxOp> {
    let mut attrs = Map::new();
    attrs.insert("n".into(), (seq.last + 1).into());
    let mut item = Item::new(sequence_key(tenant, seq.series), attrs);
    let cond = match seq.version {
        Some(v) => {
            item.version = v + 1;
            Cond::Version(v)
        }
        None => Cond::NotExists,
    };
    vec![
        TxOp::Put { item, cond },
        TxOp::Put {
            item: pointer_item(number_key(tenant, seq.series, number), seq.series.names(), id),
            cond: Cond::NotExists,
        },
    ]
}

/// Partitions of one day's due-items.
pub const DUE_SHARDS: u64 = 8;

/// A calendar of due-items: `<prefix>#<yyyy-mm-dd>#<shard>` / `<tenant>#<id>`, with a cursor
/// `<prefix>` / `CURSOR` (the oldest day the sweep has still to read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar(&'static str);

/// Invoices to look at (reminders, overdue, late charges, instalments).
pub const INVOICE_DAYS: Calendar = Calendar("INVDUE");
/// Recurring schedules with a period to generate.
pub const RECURRING_DAYS: Calendar = Calendar("RECURDUE");

fn day_text(day: Date) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month() as u8, day.day())
}

fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

impl Calendar {
    /// "Look at `id` of `tenant` on `day`".
    pub fn key(self, day: Date, tenant: &TenantId, id: &str) -> Key {
        let shard = kt_domain::shard_of(id, DUE_SHARDS);
        Key::new(format!("{}#{}#{shard}", self.0, day_text(day)), format!("{tenant}#{id}"))
    }

    fn cursor_key(self) -> Key {
        Key::new(self.0, "CURSOR")
    }

    /// Every due-item of the days from where the last sweep left off (at most `max_days`
    /// back) to `today`, and the day the next sweep starts from.
    pub async fn until(self, store: &dyn Store, today: Date, max_days: i64) -> Result<(Vec<Due>, Date), StoreError> {
        let earliest = today - time::Duration::days(max_days);
        let from = match store.get(&self.cursor_key()).await? {
            Some(i) => i.attrs.get("day").and_then(Value::as_str).and_then(parse_day).unwrap_or(today),
            None => today - time::Duration::days(1),
        }
        .max(earliest);
        let mut out = Vec::new();
        let mut day = from;
        while day <= today {
            let reads = (0..DUE_SHARDS).map(|s| {
                let pk = format!("{}#{}#{s}", self.0, day_text(day));
                async move {
                    let mut found = Vec::new();
                    let mut cursor = None;
                    loop {
                        let page = store.query(Query::table(pk.clone()).limit(500).after(cursor)).await?;
                        for i in &page.items {
                            if let Some((t, id)) = i.key.sk.split_once('#')
                                && let Ok(tenant) = TenantId::try_from(t.to_owned())
                            {
                                found.push(Due { key: i.key.clone(), tenant, invoice: id.to_owned() });
                            }
                        }
                        cursor = page.next_cursor;
                        if cursor.is_none() {
                            return Ok::<_, StoreError>(found);
                        }
                    }
                }
            });
            out.extend(futures::future::try_join_all(reads).await?.into_iter().flatten());
            day += time::Duration::days(1);
        }
        Ok((out, today))
    }

    pub async fn set_cursor(self, store: &dyn Store, day: Date) -> Result<(), StoreError> {
        let mut attrs = Map::new();
        attrs.insert("day".into(), day_text(day).into());
        store.put(Item::new(self.cursor_key(), attrs), Cond::None).await
    }
}

/// "Look at `invoice` on `day`".
pub fn due_key(day: Date, tenant: &TenantId, invoice: &str) -> Key {
    INVOICE_DAYS.key(day, tenant, invoice)
}

pub fn due_put(key: Key) -> TxOp {
    TxOp::Put { item: Item::new(key, Map::new()), cond: Cond::None }
}

/// A due-item as the sweep reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub key: Key,
    pub tenant: TenantId,
    /// The invoice (or schedule) to look at.
    pub invoice: String,
}

/// [`Calendar::until`] of the invoices' calendar.
pub async fn due_until(store: &dyn Store, today: Date, max_days: i64) -> Result<(Vec<Due>, Date), StoreError> {
    INVOICE_DAYS.until(store, today, max_days).await
}

pub async fn set_due_cursor(store: &dyn Store, day: Date) -> Result<(), StoreError> {
    INVOICE_DAYS.set_cursor(store, day).await
}
