//! Sending (the draft takes the tenant's next number and its payment terms) and voiding.

use kt_domain::invoice::Event;
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::invoice::terms::{self, Terms};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::{TxOp, invoices};

use super::{Sheet, Side, commit, commit_ops, figures, load_for_issuer, store_conflict};
use crate::{AppError, AppState};

/// Attempts at taking a number before giving up (each failed one means another send of the
/// same tenant committed in between).
const SEND_ATTEMPTS: usize = 200;

/// The terms that apply to an invoice billing `billed` (see [`terms::resolve`]).
pub async fn terms_for(app: &AppState, tenant: &Tenant, billed: &Billed) -> Result<Terms, AppError> {
    let store = app.store.as_ref();
    let (settings, _) = invoices::settings(store, &tenant.id).await?;
    let own = invoices::party_terms(store, &tenant.id, &billed.scope()).await?;
    Ok(match billed {
        Billed::Org { .. } => terms::resolve(own.as_ref(), None, settings.terms.as_ref()),
        Billed::Partner { .. } => terms::resolve(None, own.as_ref(), settings.terms.as_ref()),
    })
}

/// Sends a draft: it takes the tenant's next number (gap-free: the number and the sequence
/// move in the same transaction as the invoice), the terms that apply and its due date.
pub async fn send(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    if_match: Option<u64>,
) -> Result<Sheet, AppError> {
    let current = load_for_issuer(app, actor, tenant, id, if_match).await?;
    let (sent, version) = issue(app, tenant, Some(&current), current.value.clone(), Vec::new(), Some(actor)).await?;
    Ok(Sheet { figures: figures(&sent), invoice: sent, version, side: Side::Issuer })
}

/// Sends `draft` (stored at `before`, or new): it takes the tenant's next number, the terms
/// that apply and its due date, in one transaction with `extra` (which follow the invoice, the
/// sequence and the number). Returns the sent invoice and its version. A failed condition of
/// the invoice or of `extra` answers [`AppError::PreconditionFailed`].
pub(crate) async fn issue(
    app: &AppState,
    tenant: &Tenant,
    before: Option<&Versioned<Invoice>>,
    draft: Invoice,
    extra: Vec<TxOp>,
    actor: Option<&Actor>,
) -> Result<(Invoice, u64), AppError> {
    let status = draft.status.after(Event::Send).map_err(|e| AppError::Conflict(e.0.into()))?;
    let terms = terms_for(app, tenant, &draft.billed).await?;
    let store = app.store.as_ref();
    let (settings, _) = invoices::settings(store, &tenant.id).await?;
    let today = app.clock.now().date();
    for _ in 0..SEND_ATTEMPTS {
        let seq = invoices::sequence(store, &tenant.id, invoices::Series::Invoices).await?;
        let number = settings.number_format.render(today.year(), today.month().into(), seq.last + 1);
        let mut sent: Invoice = draft.clone();
        sent.status = status;
        sent.number = Some(number.clone());
        sent.seq = Some(seq.last + 1);
        sent.issued_on = Some(today);
        // A plan made with the draft (an accepted quote's balance) sets the last day.
        sent.due_on =
            sent.plan.as_ref().and_then(kt_domain::invoice::plan::Plan::last_day).or(Some(terms.due_date(today)));
        sent.terms = Some(terms.clone());
        if sent.terms_text.is_empty() {
            sent.terms_text = settings.footer.clone();
        }
        let mut take = invoices::take_ops(&tenant.id, seq, &number, &sent.id);
        take.extend(super::automation::schedule_ops(&sent, &settings.reminders, today));
        take.extend(extra.iter().cloned());
        let ops = commit_ops(app, tenant, before, &mut sent, take, Some(("invoice.sent", actor)))?;
        match store.transact(ops).await {
            Ok(()) => {
                app.outbox_wake.notify_one();
                return Ok((sent, before.map_or(1, |b| b.version + 1)));
            }
            // The sequence moved on (another send committed): read it again.
            Err(e) if store_conflict(&e) == Some(1) => continue,
            Err(e) if store_conflict(&e) == Some(2) => {
                return Err(AppError::Conflict(format!(
                    "the number {number} is taken already; change the number format so new numbers differ"
                )));
            }
            Err(e) if e.is_conflict() => return Err(AppError::PreconditionFailed),
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unavailable("too many invoices sent at once; try again".into()))
}

/// Voids a sent invoice that nothing was paid on (its number stays taken, shown as void).
pub async fn void(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    reason: &str,
    if_match: Option<u64>,
) -> Result<Sheet, AppError> {
    let current = load_for_issuer(app, actor, tenant, id, if_match).await?;
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::invalid("reason", "say why, in 1 to 500 characters"));
    }
    let mut inv = current.value.clone();
    if inv.status == kt_domain::invoice::Status::Draft {
        return Err(AppError::Conflict("a draft is discarded, not voided".into()));
    }
    inv.status = inv.status.after(Event::Void { paid: inv.paid }).map_err(|e| AppError::Conflict(e.0.into()))?;
    inv.void_reason = Some(reason.to_owned());
    // The time it billed may be billed again.
    let released = super::time::release_ops(tenant, inv.time_entries.iter());
    let version =
        commit(app, tenant, Some(&current), inv.clone(), released, Some(("invoice.voided", Some(actor)))).await?;
    Ok(Sheet { figures: figures(&inv), invoice: inv, version, side: Side::Issuer })
}
