//! Mail out: the tenant's own mail templates, the addresses mail no longer goes to, and the
//! Message-IDs of what was sent.
//!
//! * `T#<t>#MAILTPL` / `<kind>`: a tenant's template for one kind of mail (none: the default).
//! * `MAILSTOP#<email>` / `STOP`: mail to this address stopped (a bounce or complaint); one
//!   partition per address, written as SES reports and read before each mail to it.
//! * `T#<t>#MAILSTOP` / `<email>`: the tenant's list of its stopped addresses (for its admins).
//! * `T#<t>#MAILID#<message-id>` / `SENT`: a sent mail's Message-ID and the ticket it was
//!   about, so an answer naming only that id threads (expires after two years).

use kt_domain::identity::Email;
use kt_domain::identity::TenantId;
use kt_domain::mail::suppression::StopReason;
use kt_domain::mail::template::TemplateKind;
use serde::{Deserialize, Serialize};

use crate::entity::{self, Versioned};
use crate::{Item, Key, Query, Store, StoreError};

/// A tenant's template for one kind of mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredTemplate {
    pub kind: TemplateKind,
    pub subject: String,
    pub body: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub updated_at: time::OffsetDateTime,
    pub updated_by: String,
}

pub fn template_key(tenant: &TenantId, kind: TemplateKind) -> Key {
    Key::new(format!("T#{tenant}#MAILTPL"), kind.as_str())
}

pub async fn template(
    store: &dyn Store,
    tenant: &TenantId,
    kind: TemplateKind,
) -> Result<Option<Versioned<StoredTemplate>>, StoreError> {
    entity::get(store, &template_key(tenant, kind)).await
}

/// Every template the tenant has changed (at most one per kind, so one page).
pub async fn templates(store: &dyn Store, tenant: &TenantId) -> Result<Vec<Versioned<StoredTemplate>>, StoreError> {
    let (items, _) = entity::page(store, Query::table(format!("T#{tenant}#MAILTPL")).limit(100)).await?;
    Ok(items)
}

pub fn template_item(tenant: &TenantId, t: &StoredTemplate, version: u64) -> Result<Item, StoreError> {
    entity::item(template_key(tenant, t.kind), t, version)
}

/// Mail to an address stopped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stopped {
    pub email: Email,
    pub reason: StopReason,
    pub detail: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub at: time::OffsetDateTime,
    /// The tenants whose lists show it.
    #[serde(default)]
    pub tenants: Vec<TenantId>,
}

pub fn stop_key(email: &Email) -> Key {
    Key::new(format!("MAILSTOP#{}", email.as_str()), "STOP")
}

pub fn listed_key(tenant: &TenantId, email: &Email) -> Key {
    Key::new(format!("T#{tenant}#MAILSTOP"), email.as_str())
}

pub async fn stopped(store: &dyn Store, email: &Email) -> Result<Option<Versioned<Stopped>>, StoreError> {
    entity::get(store, &stop_key(email)).await
}

/// One page of the tenant's stopped addresses.
pub async fn listed(
    store: &dyn Store,
    tenant: &TenantId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Stopped>, Option<String>), StoreError> {
    let (items, next) =
        entity::page::<Stopped>(store, Query::table(format!("T#{tenant}#MAILSTOP")).limit(limit).after(cursor)).await?;
    Ok((items.into_iter().map(|v| v.value).collect(), next))
}

/// The record of a sent mail's Message-ID (without angle brackets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentId {
    pub message_id: String,
    /// The ticket it was about (its id), if any.
    #[serde(default)]
    pub ticket: Option<String>,
    pub to: Vec<String>,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub at: time::OffsetDateTime,
}

pub fn sent_key(tenant: &TenantId, message_id: &str) -> Key {
    Key::new(format!("T#{tenant}#MAILID#{}", message_id.to_ascii_lowercase()), "SENT")
}

pub async fn sent(store: &dyn Store, tenant: &TenantId, message_id: &str) -> Result<Option<SentId>, StoreError> {
    Ok(entity::get::<SentId>(store, &sent_key(tenant, message_id)).await?.map(|v| v.value))
}
