//! Money in and out of an invoice: payments recorded by hand (bank transfer, ACH, cheque,
//! PayPal, cash) and, through [`settle`], every other entry of its ledger. The invoice's
//! `paid` and status move in the same transaction as the entry, and an entry id is written
//! once (`NotExists`), so a payment delivered twice counts once.

use kt_domain::invoice::entity::Invoice;
use kt_domain::invoice::ledger::{self, Entry, EntryKind, Method};
use kt_domain::invoice::{Event, Status, terms};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::{Cond, TxOp, invoices};
use rust_decimal::Decimal;
use time::Date;

use super::{Sheet, Side, commit_ops, figures, load, load_for_issuer, store_conflict};
use crate::{AppError, AppState};

#[derive(Debug, Clone)]
pub struct ManualPayment {
    pub amount: String,
    pub method: Method,
    /// Defaults to today.
    pub received_on: Option<Date>,
    pub reference: String,
}

/// Records a payment received outside the portal (the issuer's staff).
pub async fn record(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    input: ManualPayment,
) -> Result<(Sheet, Entry), AppError> {
    let current = load_for_issuer(app, actor, tenant, id, None).await?;
    if !current.value.status.is_open() {
        return Err(AppError::Conflict(format!("a {} invoice takes no payments", current.value.status.as_str())));
    }
    let inv = &current.value;
    let amount = inv.currency.parse_amount("amount", &input.amount).map_err(|e| AppError::from_invalid(vec![e]))?;
    let today = app.clock.now().date();
    let on = input.received_on.unwrap_or(today);
    let reference = input.reference.trim().to_owned();
    ledger::check_manual(amount, inv.balance(), input.method, on, today, &reference).map_err(AppError::from_invalid)?;
    let entry = Entry {
        id: app.ids.ulid().to_string(),
        kind: EntryKind::Payment { method: input.method },
        amount,
        on,
        reference,
        recorded_by: Some(actor.user.clone()),
        at: app.clock.now(),
    };
    let sheet = settle(app, tenant, current, vec![entry.clone()], Some(actor), Vec::new())
        .await?
        .ok_or(AppError::PreconditionFailed)?;
    Ok((Sheet { side: Side::Issuer, ..sheet }, entry))
}

/// Adds `entries` to the invoice's ledger and moves its `paid` and status, in one transaction
/// with `extra` operations; a payment in time also earns the early-payment discount (its own
/// entry). `None` when an entry with one of these ids is there already (a duplicate delivery):
/// nothing changes. Money that reaches a void invoice is recorded all the same (and stays to be
/// refunded); a draft takes none. A concurrent change of the invoice answers
/// [`AppError::PreconditionFailed`].
pub async fn settle(
    app: &AppState,
    tenant: &Tenant,
    current: Versioned<Invoice>,
    entries: Vec<Entry>,
    actor: Option<&Actor>,
    extra: Vec<TxOp>,
) -> Result<Option<Sheet>, AppError> {
    let inv = current.value.clone();
    settle_as(app, tenant, current, inv, entries, actor, extra, None).await
}

/// [`settle`] with the invoice as changed besides (`inv`: e.g. what it has been credited) and
/// the event to record instead of the payment's (its kind and extra fields).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn settle_as(
    app: &AppState,
    tenant: &Tenant,
    current: Versioned<Invoice>,
    mut inv: Invoice,
    mut entries: Vec<Entry>,
    actor: Option<&Actor>,
    extra: Vec<TxOp>,
    event: Option<(&str, serde_json::Value)>,
) -> Result<Option<Sheet>, AppError> {
    if inv.status == Status::Draft {
        return Err(AppError::Conflict("a draft takes no payments".into()));
    }
    let void = inv.status == Status::Void;
    let paid_in: Decimal = entries.iter().map(|e| e.amount).sum();
    if let (Some(terms), Some(sent), Some(first)) = (&inv.terms, inv.issued_on, entries.first())
        && matches!(first.kind, EntryKind::Payment { .. })
        && !has_discount(app, tenant, &inv).await?
    {
        let discount = terms::early_discount(terms, inv.currency, sent, first.on, inv.total);
        if discount > Decimal::ZERO && paid_in + discount >= inv.balance() && paid_in < inv.balance() {
            entries.push(Entry {
                id: format!("{}-discount", first.id),
                kind: EntryKind::EarlyDiscount,
                amount: inv.balance() - paid_in,
                on: first.on,
                reference: format!(
                    "{}% early-payment discount",
                    terms.early_discount.map(|d| d.percent).unwrap_or_default()
                ),
                recorded_by: None,
                at: app.clock.now(),
            });
        }
    }
    let before = inv.paid;
    inv.paid += entries.iter().map(|e| e.amount).sum::<Decimal>();
    let today = app.clock.now().date();
    let past_due = inv.due_on.is_some_and(|d| today > d);
    if !void {
        inv.status = inv
            .status
            .after(Event::Settled { paid: inv.paid, total: inv.total, past_due, viewed: inv.viewed_at.is_some() })
            .map_err(|e| AppError::Conflict(e.0.into()))?;
    }
    let kind = if let Some((kind, _)) = &event {
        kind
    } else if inv.paid < before {
        "invoice.refunded"
    } else if inv.status == Status::Paid {
        "invoice.paid"
    } else {
        "invoice.payment"
    };
    let mut writes = Vec::with_capacity(entries.len() + extra.len());
    for e in &entries {
        writes.push(TxOp::Put { item: invoices::entry_item(&tenant.id, &inv.id, e)?, cond: Cond::NotExists });
    }
    writes.extend(extra);
    let mut ops = commit_ops(app, tenant, Some(&current), &mut inv, writes, None)?;
    let fields = event.map(|(_, f)| f).unwrap_or_else(|| serde_json::json!({}));
    ops.push(super::event_op(app, kind, &inv, actor, fields)?);
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            let version = current.version + 1;
            Ok(Some(Sheet { figures: figures(&inv), invoice: inv, version, side: Side::Issuer }))
        }
        Err(e) if store_conflict(&e).is_some_and(|i| (1..=entries.len()).contains(&i)) => Ok(None),
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

async fn has_discount(app: &AppState, tenant: &Tenant, inv: &Invoice) -> Result<bool, AppError> {
    let entries = invoices::entries(app.store.as_ref(), &tenant.id, &inv.id).await?;
    Ok(entries.iter().any(|e| e.kind == EntryKind::EarlyDiscount))
}

/// The invoice's ledger, oldest first (whoever may see the invoice).
pub async fn ledger(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
) -> Result<(kt_domain::money::Currency, Vec<Entry>), AppError> {
    let (inv, _) = load(app, actor, tenant, id).await?;
    Ok((inv.value.currency, invoices::entries(app.store.as_ref(), &tenant.id, &inv.value.id).await?))
}
