//! Credit notes: issued by the invoice's issuer against a sent invoice, numbered in the
//! tenant's own credit-note series (gap-free, taken in the issuing transaction), applied at
//! once to that invoice's balance as far as it goes; the rest stays with the billed party and
//! is applied to its other open invoices later. Each application is a `Credit` entry of the
//! receiving invoice's ledger, committed with the note through [`settle_as`].

use kt_domain::invoice::Status;
use kt_domain::invoice::credit::{self, Application, CreditNote};
use kt_domain::invoice::ledger::{Entry, EntryKind};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::invoices::{self, Series};
use kt_store::{Cond, TxOp, credit_notes};
use rust_decimal::Decimal;
use serde_json::json;

use super::payments::settle_as;
use super::{Side, load};
use crate::idempotency::{Guard, Recorded};
use crate::{AppError, AppState};

/// Tries at taking a number before giving up.
const ATTEMPTS: usize = 100;

/// A credit note and how the reader stands to it.
#[derive(Debug, Clone)]
pub struct NoteSheet {
    pub note: CreditNote,
    pub side: Side,
}

/// Issues a credit note of `amount` against invoice `id` for `reason`. With an idempotency
/// key, a retry answers with the note the first attempt made (`true`).
pub async fn issue(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    amount: &str,
    reason: &str,
    guard: Option<&Guard>,
) -> Result<(NoteSheet, bool), AppError> {
    let store = app.store.as_ref();
    for _ in 0..ATTEMPTS {
        let (current, side) = load(app, actor, tenant, id).await?;
        if side != Side::Issuer {
            return Err(AppError::Forbidden);
        }
        if let Some(g) = guard
            && let Some(made) = made_before(app, actor, tenant, g).await?
        {
            return Ok((made, true));
        }
        let inv = &current.value;
        if matches!(inv.status, Status::Draft | Status::Void) {
            return Err(AppError::Conflict(format!("a {} invoice is not credited", inv.status.as_str())));
        }
        let amount = inv.currency.parse_amount("amount", amount).map_err(|e| AppError::from_invalid(vec![e]))?;
        credit::check_new(inv, inv.credited, amount, reason).map_err(AppError::from_invalid)?;
        let (settings, _) = invoices::settings(store, &tenant.id).await?;
        let seq = invoices::sequence(store, &tenant.id, Series::CreditNotes).await?;
        let now = app.clock.now();
        let today = now.date();
        let number = settings.credit_note_format.render(today.year(), today.month().into(), seq.last + 1);
        let applied = amount.min(inv.balance());
        let mut note = CreditNote {
            id: app.ids.ulid().to_string(),
            tenant: tenant.id.clone(),
            invoice: inv.id.clone(),
            invoice_number: inv.number.clone(),
            billed: inv.billed.clone(),
            number: number.clone(),
            seq: seq.last + 1,
            currency: inv.currency,
            amount,
            reason: reason.trim().to_owned(),
            issued_on: today,
            applied: Vec::new(),
            created_by: actor.user.clone(),
            created_at: now,
        };
        let mut entries = Vec::new();
        if applied > Decimal::ZERO {
            note.applied.push(Application {
                invoice: inv.id.clone(),
                invoice_number: inv.number.clone(),
                amount: applied,
                at: now,
            });
            entries.push(credit_entry(&note, applied, actor, now));
        }
        let mut extra = invoices::take_ops(&tenant.id, seq, &number, &note.id);
        extra.push(TxOp::Put { item: credit_notes::item(&note, 1)?, cond: Cond::NotExists });
        if let Some(g) = guard {
            extra.push(g.record(&format!("credit_note:{}", note.id), now.unix_timestamp())?);
        }
        let mut after = inv.clone();
        after.credited += amount;
        let fields =
            json!({"credit_note": note.number, "credited": amount.to_string(), "applied": applied.to_string()});
        match settle_as(app, tenant, current, after, entries, Some(actor), extra, Some(("invoice.credited", fields)))
            .await
        {
            Ok(Some(_)) => return Ok((NoteSheet { note, side: Side::Issuer }, false)),
            // The sequence moved on, the invoice changed, or a copy of this request won: again.
            Ok(None) | Err(AppError::PreconditionFailed) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Unavailable("too many credit notes issued at once; try again".into()))
}

fn credit_entry(note: &CreditNote, amount: Decimal, actor: &Actor, at: time::OffsetDateTime) -> Entry {
    Entry {
        id: format!("{}-{}", note.id, note.applied.len()),
        kind: EntryKind::Credit { note: note.number.clone() },
        amount,
        on: at.date(),
        reference: note.number.clone(),
        recorded_by: Some(actor.user.clone()),
        at,
    }
}

async fn made_before(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    guard: &Guard,
) -> Result<Option<NoteSheet>, AppError> {
    match guard.recorded(app.store.as_ref()).await? {
        None => Ok(None),
        Some(Recorded::OtherBody) => Err(Guard::other_body()),
        Some(Recorded::Made(resource)) => {
            let id = resource
                .strip_prefix("credit_note:")
                .ok_or_else(|| AppError::Internal(format!("idempotency record names {resource}")))?;
            Ok(Some(get(app, actor, tenant, id).await?))
        }
    }
}

/// Applies what is left of note `id` to another open invoice of the same party (`amount`:
/// default as much as fits).
pub async fn apply(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    invoice: &str,
    amount: Option<&str>,
) -> Result<NoteSheet, AppError> {
    for _ in 0..ATTEMPTS {
        let (current, side) = load_note(app, actor, tenant, id).await?;
        if side != Side::Issuer {
            return Err(AppError::Forbidden);
        }
        let (target, side) = match load(app, actor, tenant, invoice).await {
            Ok(x) => x,
            Err(AppError::NotFound) => return Err(AppError::invalid("invoice_id", "is not an invoice of this portal")),
            Err(e) => return Err(e),
        };
        if side != Side::Issuer {
            return Err(AppError::Forbidden);
        }
        let asked = match amount {
            Some(a) => {
                Some(target.value.currency.parse_amount("amount", a).map_err(|e| AppError::from_invalid(vec![e]))?)
            }
            None => None,
        };
        let take = credit::check_apply(&current.value, &target.value, asked).map_err(AppError::from_invalid)?;
        let now = app.clock.now();
        let mut note = current.value.clone();
        let entry = credit_entry(&note, take, actor, now);
        note.applied.push(Application {
            invoice: target.value.id.clone(),
            invoice_number: target.value.number.clone(),
            amount: take,
            at: now,
        });
        let extra = vec![TxOp::Put {
            item: credit_notes::item(&note, current.version + 1)?,
            cond: Cond::Version(current.version),
        }];
        let after = target.value.clone();
        let fields = json!({"credit_note": note.number, "credited": "0", "applied": take.to_string()});
        match settle_as(app, tenant, target, after, vec![entry], Some(actor), extra, Some(("invoice.credited", fields)))
            .await
        {
            Ok(Some(_)) => return Ok(NoteSheet { note, side: Side::Issuer }),
            Ok(None) | Err(AppError::PreconditionFailed) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Unavailable("the credit note kept changing; try again".into()))
}

/// How the actor may see a note: as the issuer of its invoice, or as its billed party (then
/// the note is the party's own).
fn note_side(actor: &Actor, tenant: &Tenant, note: &CreditNote) -> Result<Side, AppError> {
    super::side_of(actor, tenant, &note.billed, &note.created_by, false)
}

/// A note the actor may see, with its version and how the actor stands to it.
async fn load_note(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
) -> Result<(Versioned<CreditNote>, Side), AppError> {
    if id.len() != 26 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let note = credit_notes::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    let side = note_side(actor, tenant, &note.value)?;
    Ok((note, side))
}

/// One note the actor may see.
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<NoteSheet, AppError> {
    let (note, side) = load_note(app, actor, tenant, id).await?;
    Ok(NoteSheet { note: note.value, side })
}

/// The notes crediting invoice `id` (whoever may see the invoice).
pub async fn of_invoice(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Vec<CreditNote>, AppError> {
    let (inv, _) = load(app, actor, tenant, id).await?;
    let notes = credit_notes::of_invoice(app.store.as_ref(), &tenant.id, &inv.value.id).await?;
    Ok(notes.into_iter().map(|n| n.value).collect())
}

/// One page of the notes the actor may list: the issuer's every note, a billed party's own.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    filter: &super::Filter,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<CreditNote>, Option<String>), AppError> {
    let scope = match super::list_scope(actor, tenant, filter)? {
        super::Scope::Issuer(party) => party,
        super::Scope::Billed(own) => Some(own),
    };
    let (page, next) = credit_notes::page(app.store.as_ref(), &tenant.id, scope.as_deref(), limit, cursor).await?;
    Ok((page.into_iter().map(|v| v.value).collect(), next))
}
