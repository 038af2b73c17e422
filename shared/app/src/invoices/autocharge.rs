//! Automatic payments: an invoice a recurring schedule sent with `auto_charge` is charged to
//! the billed party's saved card, without them, as the `invoice.sent` event is handled (at
//! least once; the provider's idempotency key is the invoice's, so a retried handling charges
//! once). A charge that succeeds lands through the provider's webhook like any payment; one
//! that fails tells the billed party, and the invoice waits to be paid by hand.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::TenantId;
use kt_platform::payments::{IntentRequest, IntentStatus};
use kt_store::payments::{self as store, Checkout};
use kt_store::{Cond, TxOp, invoices};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::checkout::{customer, deliver_local, intent_key, keys};
use crate::identity::tenancy;
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState};

pub struct AutoChargeConsumer {
    app: AppState,
}

impl AutoChargeConsumer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

#[async_trait]
impl Consumer for AutoChargeConsumer {
    fn name(&self) -> &'static str {
        "auto_charge"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == "invoice.sent"
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        charge(&self.app, event).await.map(|_| ()).map_err(|e| HandlerError(e.to_string()))
    }
}

/// What handling an `invoice.sent` event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charged {
    /// Not a recurring invoice to charge (or nothing owed, or no card, or no provider).
    Skipped,
    Succeeded,
    Failed,
    /// The provider is working on it (its webhook tells the outcome).
    Pending,
}

pub async fn charge(app: &AppState, event: &DomainEvent) -> Result<Charged, AppError> {
    let (Some(tenant_id), Some(id)) = (
        event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()),
        event.payload.get("invoice").and_then(Value::as_str),
    ) else {
        return Ok(Charged::Skipped);
    };
    let s = app.store.as_ref();
    let Some(inv) = invoices::get(s, &tenant_id, id).await?.map(|v| v.value) else { return Ok(Charged::Skipped) };
    let Some(from) = &inv.recurring else { return Ok(Charged::Skipped) };
    let Some(schedule) = kt_store::recurring::get(s, &tenant_id, &from.schedule).await?.map(|v| v.value) else {
        return Ok(Charged::Skipped);
    };
    if !schedule.auto_charge || !inv.status.is_open() || inv.balance() <= Decimal::ZERO {
        return Ok(Charged::Skipped);
    }
    let scope = inv.billed.scope();
    let (Some(card), Some((conn, account, secret))) =
        (store::saved_card(s, &tenant_id, &scope).await?, keys(app, &tenant_id).await?)
    else {
        return Ok(Charged::Skipped);
    };
    if card.provider != conn.provider {
        return Ok(Charged::Skipped);
    }
    let tenant = tenancy::get(app, &tenant_id).await?;
    let gateway = app.payments.for_provider(&conn.provider);
    let customer = customer(app, &tenant, &inv, gateway, &account).await?;
    let minor = inv.currency.to_minor(inv.balance()).ok_or_else(|| AppError::Internal("amount".into()))?;
    let req = IntentRequest {
        amount_minor: minor,
        currency: inv.currency.code().to_ascii_lowercase(),
        customer,
        metadata: vec![
            ("tenant".into(), tenant_id.to_string()),
            ("invoice".into(), inv.id.clone()),
            ("number".into(), inv.number.clone().unwrap_or_default()),
        ],
        idempotency_key: format!("autocharge-{}", inv.id),
        save_method: false,
        charge_saved: Some(card.method.clone()),
        methods: Vec::new(),
    };
    let intent = gateway.create_intent(&account, &req).await.map_err(super::checkout::provider_error)?;
    let record = Checkout {
        intent: intent.id.clone(),
        provider: conn.provider.clone(),
        amount_minor: minor,
        by: "auto_charge".into(),
        at: app.clock.now(),
        save: false,
        method: "card".into(),
    };
    s.transact(vec![
        TxOp::Put { item: store::checkout_item(&tenant_id, &inv.id, &record)?, cond: Cond::None },
        TxOp::Put {
            item: kt_store::entity::pointer_item(intent_key(&tenant_id, &intent.id), "invoice", &inv.id),
            cond: Cond::None,
        },
    ])
    .await?;
    if conn.provider == "local" {
        deliver_local(app, &tenant, &inv.id, &intent, false, &secret).await?;
    }
    Ok(match intent.status {
        IntentStatus::Succeeded => Charged::Succeeded,
        IntentStatus::RequiresPaymentMethod | IntentStatus::RequiresAction | IntentStatus::Canceled => {
            let why = intent.last_error.unwrap_or_else(|| "the card was not charged".into());
            let fields = json!({"reason": why});
            let op = super::event_op(app, "invoice.charge_failed", &inv, None, fields)?;
            s.transact(vec![op]).await?;
            app.outbox_wake.notify_one();
            Charged::Failed
        }
        _ => Charged::Pending,
    })
}
