//! The automatic quote (PRD 4.3 step 4): a service type switched to quote by itself prices a
//! request by its form's price field. When the answers compute a positive amount, the request is
//! answered at once with a sent quote of one item (the type, at that amount), valid for the
//! type's days and written in the name of the super admin who switched it on; the request starts
//! as quoted. The quote, the request and their events are written by the request's own
//! transaction: the quote takes the request's id, so a retried request makes no second quote.
//! Without an amount (or without the setting) a reviewer writes the quote.

use kt_domain::DomainEvent;
use kt_domain::invoice::draft::{LineDraft, check_lines};
use kt_domain::money::Currency;
use kt_domain::quote::{ItemKind, Quote, QuoteItem, QuoteStatus};
use kt_domain::service::{Activity, Happening, ServiceRequest, ServiceType, Status};
use kt_store::{Cond, TxOp, quotes as store};
use rust_decimal::Decimal;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::{AppError, AppState, outbox};

/// The amount `estimate` prices at in `currency`, when it is a positive number within bounds.
pub fn price(currency: Currency, estimate: Option<&str>) -> Option<Decimal> {
    let amount: Decimal = estimate?.trim().parse().ok()?;
    let amount = currency.round(amount);
    (amount > Decimal::ZERO && amount <= kt_domain::money::max_amount()).then_some(amount)
}

/// Answers `request` (new, of type `kind`) with its automatic quote when the type quotes by
/// itself and the answers priced it: the request is set to quoted, and the operations that
/// write the quote, the request's status entry and the quote's event are returned.
pub(crate) fn answer(
    app: &AppState,
    kind: &ServiceType,
    currency: Currency,
    request: &mut ServiceRequest,
    now: OffsetDateTime,
) -> Result<Vec<TxOp>, AppError> {
    let (Some(auto), Some(amount)) = (&kind.auto_quote, price(currency, request.estimate.as_deref())) else {
        return Ok(Vec::new());
    };
    let draft = LineDraft {
        description: format!("{}: {}", kind.name, request.title),
        quantity: "1".into(),
        unit_price: amount.to_string(),
        discount: None,
        tax_rate_ids: Vec::new(),
    };
    let Ok((mut lines, _)) = check_lines(currency, &[draft], None, &[]) else {
        // The estimate cannot be billed as it is: a reviewer prices it.
        return Ok(Vec::new());
    };
    let q = Quote {
        id: request.id.clone(),
        tenant: request.tenant.clone(),
        org: request.org.clone(),
        request: Some(request.id.clone()),
        title: request.title.clone(),
        currency,
        items: vec![QuoteItem { id: "i1".into(), line: lines.remove(0), kind: ItemKind::Required }],
        discount: None,
        tax_rates: Vec::new(),
        notes: format!("Priced from your answers to the {} form.", kind.name),
        valid_until: now.date() + Duration::days(i64::from(auto.valid_days)),
        status: QuoteStatus::Sent,
        revision: 1,
        history: Vec::new(),
        acceptance: None,
        decline_reason: None,
        invoice: None,
        deposit: None,
        deposit_invoice: None,
        planned: None,
        project: None,
        reminded: Vec::new(),
        created_by: auto.by.clone(),
        created_at: now,
        updated_at: now,
        sent_at: Some(now),
    };
    request.status = Status::Quoted;
    request.quote = Some(q.id.clone());
    let log = Activity {
        id: app.ids.ulid().to_string(),
        actor: None,
        what: Happening::Status {
            from: Status::Submitted,
            to: Status::Quoted,
            note: Some(format!("Quoted automatically: {}", q.title)),
        },
        at: now,
    };
    let sent = DomainEvent::new(
        app.ids.ulid(),
        "quote.sent",
        Some(q.tenant.to_string()),
        now,
        json!({"quote": q.id, "actor": auto.by.to_string(), "revision": 1, "automatic": true}),
    );
    let mut ops = vec![
        TxOp::Put { item: store::item(&q, 1)?, cond: Cond::NotExists },
        kt_store::service::activity_op(&request.tenant, &request.id, &log)?,
        outbox::record(crate::tickets::EVENTS, sent)?,
    ];
    ops.extend(super::reminders::schedule(&q, now));
    Ok(ops)
}
