//! The payment provider's events for a tenant (`POST /api/v1/webhooks/stripe/{tenant_id}`):
//! the `Stripe-Signature` checked with the tenant's signing secret (HMAC-SHA256 over the raw
//! body, 300 s tolerance, constant-time compare) before anything is read; each event handled
//! once (its id marked in the same transaction as what it changes). Payments and refunds enter
//! the ledger under the provider's own ids, so whatever the order and however often events
//! arrive, each moves the invoice once.

use kt_domain::identity::TenantId;
use kt_domain::invoice::ledger::{Entry, EntryKind, Method};
use kt_platform::payments::webhook;
use kt_store::payments as store;
use kt_store::{TxOp, entity, invoices};
use serde_json::Value;

use super::checkout::{intent_key, keys};
use crate::identity::tenancy;
use crate::{AppError, AppState};

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// It changed an invoice.
    Applied,
    /// Handled before (a redelivery): nothing changed.
    Duplicate,
    /// Not one the portal acts on (or about nothing it knows): acknowledged.
    Ignored,
}

fn rejected(why: &str) -> AppError {
    AppError::invalid("Stripe-Signature", why)
}

pub async fn receive(
    app: &AppState,
    tenant_id: &TenantId,
    body: &[u8],
    signature: Option<&str>,
) -> Result<Received, AppError> {
    let Some((_, _, secret)) = keys(app, tenant_id).await? else { return Err(AppError::NotFound) };
    let header = signature.ok_or_else(|| rejected("is missing"))?;
    webhook::verify(&secret, header, body, app.clock.now_unix(), webhook::TOLERANCE_SECS)
        .map_err(|e| rejected(&e.to_string()))?;
    let event: Value = serde_json::from_slice(body).map_err(|_| AppError::invalid("body", "is not a JSON event"))?;
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(AppError::invalid("body", "has no event id or type"));
    };
    let s = app.store.as_ref();
    if store::event_seen(s, tenant_id, id).await? {
        return Ok(Received::Duplicate);
    }
    let object = &event["data"]["object"];
    let on =
        time::OffsetDateTime::from_unix_timestamp(event["created"].as_i64().unwrap_or_else(|| app.clock.now_unix()))
            .map(|t| t.date())
            .unwrap_or_else(|_| app.clock.now().date());
    let (intent, entries) = match kind {
        "payment_intent.succeeded" => {
            let pi = object["id"].as_str().unwrap_or_default().to_owned();
            let minor =
                object["amount_received"].as_i64().filter(|a| *a > 0).or(object["amount"].as_i64()).unwrap_or(0);
            let ach =
                object["payment_method_types"].as_array().is_some_and(|m| m.iter().any(|t| t == "us_bank_account"))
                    && !object["payment_method_types"].as_array().is_some_and(|m| m.iter().any(|t| t == "card"));
            let method = if ach { Method::Ach } else { Method::Card };
            (pi.clone(), vec![(pi, EntryKind::Payment { method }, minor)])
        }
        "charge.refunded" => {
            let pi = object["payment_intent"].as_str().unwrap_or_default().to_owned();
            let refunds = object["refunds"]["data"].as_array().cloned().unwrap_or_default();
            let entries = refunds
                .iter()
                .filter_map(|r| {
                    Some((
                        r["id"].as_str()?.to_owned(),
                        EntryKind::Refund { payment: pi.clone() },
                        -r["amount"].as_i64()?,
                    ))
                })
                .collect();
            (pi, entries)
        }
        _ => (String::new(), Vec::new()),
    };
    let mark = |now| store::event_op(tenant_id, id, now);
    let invoice =
        if intent.is_empty() { None } else { entity::pointer(s, &intent_key(tenant_id, &intent), "invoice").await? };
    let (Some(invoice), false) = (invoice, entries.is_empty()) else {
        return match s.transact(vec![mark(app.clock.now_unix())]).await {
            Ok(()) => Ok(Received::Ignored),
            Err(e) if e.is_conflict() => Ok(Received::Duplicate),
            Err(e) => Err(e.into()),
        };
    };
    let tenant = tenancy::get(app, tenant_id).await?;
    for _ in 0..10 {
        let Some(current) = invoices::get(s, tenant_id, &invoice).await? else { return Ok(Received::Ignored) };
        let currency = current.value.currency;
        let have = invoices::entries(s, tenant_id, &invoice).await?;
        let new: Vec<Entry> = entries
            .iter()
            .filter(|(eid, _, _)| !have.iter().any(|h| &h.id == eid))
            .map(|(eid, kind, minor)| Entry {
                id: eid.clone(),
                kind: kind.clone(),
                amount: currency.from_minor(*minor),
                on,
                reference: eid.clone(),
                recorded_by: None,
                at: app.clock.now(),
            })
            .collect();
        if new.is_empty() {
            return match s.transact(vec![mark(app.clock.now_unix())]).await {
                Ok(()) => Ok(Received::Duplicate),
                Err(e) if e.is_conflict() => Ok(Received::Duplicate),
                Err(e) => Err(e.into()),
            };
        }
        let mut extra: Vec<TxOp> = vec![mark(app.clock.now_unix())];
        // The payer asked to keep the card: it pays the party's automatic charges from now on.
        if kind == "payment_intent.succeeded"
            && object["setup_future_usage"] == "off_session"
            && let Some(method) = object["payment_method"].as_str()
        {
            let provider = keys(app, tenant_id).await?.map(|(c, _, _)| c.provider).unwrap_or_default();
            let card = store::SavedCard { method: method.to_owned(), provider, at: app.clock.now() };
            let scope = current.value.billed.scope();
            extra.push(TxOp::Put {
                item: store::saved_card_item(tenant_id, &scope, &card)?,
                cond: kt_store::Cond::None,
            });
        }
        match super::payments::settle(app, &tenant, current, new, None, extra).await {
            Ok(Some(_)) => return Ok(Received::Applied),
            Ok(None) => continue,
            // Another delivery or change came first: read again (a duplicate then finds its mark).
            Err(AppError::PreconditionFailed) => {
                if store::event_seen(s, tenant_id, id).await? {
                    return Ok(Received::Duplicate);
                }
                continue;
            }
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Unavailable("the invoice kept changing; the provider will deliver the event again".into()))
}
