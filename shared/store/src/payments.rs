//! A tenant's payment-provider connection, its customers, the intents made for invoices, and
//! the provider events already handled.
//!
//! * `T#<t>#BILLING` / `STRIPE`: the tenant's connection (keys sealed by the app).
//! * `T#<t>#BILLING` / `CUSTOMER#<scope>`: the provider's customer of one billed party
//!   (`ORG#<org>`, `PARTNER#<tenant>`), attribute `customer`.
//! * `T#<t>#INV#<invoice>` / `PI#<intent>`: an intent made to pay the invoice (in the invoice's
//!   partition, so its page reads them with its ledger).
//! * `T#<t>#PAYEVT#<shard>` / `<event id>`: a provider event handled (30-day TTL), spread over
//!   [`EVENT_SHARDS`] partitions, written in the transaction that acts on it.

use kt_domain::identity::TenantId;
use serde::{Deserialize, Serialize};
use serde_json::Map;

use crate::entity::{self, Versioned, pointer, pointer_item};
use crate::{Cond, Item, Key, Query, SkCond, Store, StoreError, TxOp};

pub const EVENT_SHARDS: u64 = 4;
pub const EVENT_TTL_SECS: i64 = 30 * 24 * 3600;

/// A tenant's connection to its payment provider. The keys are sealed by the app; the
/// publishable key is public (the browser loads the payment form with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// `stripe`, or `local` (the stand-in `scripts/dev` uses).
    pub provider: String,
    pub secret_key_sealed: String,
    pub webhook_secret_sealed: String,
    pub publishable_key: String,
    /// Live keys (`sk_live_`), not test keys.
    pub live: bool,
    /// USD invoices may also be paid by US bank account (ACH) debit (the account must have
    /// that payment method turned on at Stripe).
    #[serde(default)]
    pub bank_debits: bool,
    pub connected_by: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub connected_at: time::OffsetDateTime,
}

pub fn connection_key(tenant: &TenantId) -> Key {
    Key::new(format!("T#{tenant}#BILLING"), "STRIPE")
}

pub async fn connection(store: &dyn Store, tenant: &TenantId) -> Result<Option<Versioned<Connection>>, StoreError> {
    entity::get(store, &connection_key(tenant)).await
}

pub fn customer_key(tenant: &TenantId, scope: &str) -> Key {
    Key::new(format!("T#{tenant}#BILLING"), format!("CUSTOMER#{scope}"))
}

pub async fn customer(store: &dyn Store, tenant: &TenantId, scope: &str) -> Result<Option<String>, StoreError> {
    pointer(store, &customer_key(tenant, scope), "customer").await
}

pub fn customer_item(tenant: &TenantId, scope: &str, customer: &str) -> Item {
    pointer_item(customer_key(tenant, scope), "customer", customer)
}

/// An intent made to pay an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkout {
    pub intent: String,
    pub provider: String,
    pub amount_minor: i64,
    pub by: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub at: time::OffsetDateTime,
    /// The payer asked to keep the card for automatic payments.
    #[serde(default)]
    pub save: bool,
    /// `card`, or `ach` (a US bank account debit).
    #[serde(default = "card")]
    pub method: String,
}

fn card() -> String {
    "card".into()
}

/// A billed party's card kept for automatic payments (`T#<t>#BILLING` / `CARD#<scope>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCard {
    /// The provider's payment method id.
    pub method: String,
    pub provider: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub at: time::OffsetDateTime,
}

pub fn saved_card_key(tenant: &TenantId, scope: &str) -> Key {
    Key::new(format!("T#{tenant}#BILLING"), format!("CARD#{scope}"))
}

pub fn saved_card_item(tenant: &TenantId, scope: &str, card: &SavedCard) -> Result<Item, StoreError> {
    Item::from_entity(saved_card_key(tenant, scope), card)
}

pub async fn saved_card(store: &dyn Store, tenant: &TenantId, scope: &str) -> Result<Option<SavedCard>, StoreError> {
    store.get(&saved_card_key(tenant, scope)).await?.map(|i| i.to_entity()).transpose()
}

pub fn checkout_key(tenant: &TenantId, invoice: &str, intent: &str) -> Key {
    Key::new(format!("T#{tenant}#INV#{invoice}"), format!("PI#{intent}"))
}

pub fn checkout_item(tenant: &TenantId, invoice: &str, c: &Checkout) -> Result<Item, StoreError> {
    Item::from_entity(checkout_key(tenant, invoice, &c.intent), c)
}

/// The intents made for an invoice, oldest first.
pub async fn checkouts(store: &dyn Store, tenant: &TenantId, invoice: &str) -> Result<Vec<Checkout>, StoreError> {
    let q = Query::table(format!("T#{tenant}#INV#{invoice}")).sk(SkCond::BeginsWith("PI#".into()));
    store.query(q).await?.items.iter().map(Item::to_entity).collect()
}

pub fn event_key(tenant: &TenantId, event: &str) -> Key {
    Key::new(format!("T#{tenant}#PAYEVT#{}", kt_domain::shard_of(event, EVENT_SHARDS)), event)
}

pub async fn event_seen(store: &dyn Store, tenant: &TenantId, event: &str) -> Result<bool, StoreError> {
    Ok(store.get(&event_key(tenant, event)).await?.is_some())
}

/// The operation marking `event` handled; it fails if it was (so a duplicate changes nothing).
pub fn event_op(tenant: &TenantId, event: &str, now_unix: i64) -> TxOp {
    TxOp::Put {
        item: Item::new(event_key(tenant, event), Map::new()).with_expiry(now_unix + EVENT_TTL_SECS),
        cond: Cond::NotExists,
    }
}
