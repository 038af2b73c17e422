//! Payment plans: the issuer splits a sent invoice's balance into instalments (or takes the
//! plan away). The invoice's due date becomes the last instalment's, and its look-days for the
//! sweep move with the plan (a reminder on each instalment's day, Overdue the day after one
//! passes unpaid).

use kt_domain::invoice::Event;
use kt_domain::invoice::plan::{self, Instalment, Plan};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::invoices;
use time::Date;

use super::{Sheet, Side, commit, figures, load_for_issuer};
use crate::{AppError, AppState};

/// Splits invoice `id`'s balance into `instalments` (day, amount).
pub async fn set(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    instalments: Vec<(Date, String)>,
    if_match: Option<u64>,
) -> Result<Sheet, AppError> {
    let current = load_for_issuer(app, actor, tenant, id, if_match).await?;
    let inv = &current.value;
    if !inv.status.is_open() {
        return Err(AppError::Conflict(format!("a {} invoice takes no payment plan", inv.status.as_str())));
    }
    let mut errors = Vec::new();
    let mut items = Vec::with_capacity(instalments.len());
    for (i, (day, amount)) in instalments.iter().enumerate() {
        match inv.currency.parse_amount(format!("instalments[{i}].amount"), amount) {
            Ok(a) => items.push((*day, a)),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    let today = app.clock.now().date();
    plan::check(inv.currency, inv.balance(), today, &items).map_err(AppError::from_invalid)?;
    let mut after = inv.clone();
    after.plan = Some(Plan {
        base: inv.paid,
        instalments: items.into_iter().map(|(due_on, amount)| Instalment { due_on, amount, reminded: false }).collect(),
    });
    after.due_on = after.plan.as_ref().and_then(Plan::last_day);
    moved(app, tenant, current, after, actor, "invoice.plan_set").await
}

/// Takes invoice `id`'s plan away: it is due on the day its terms gave it again.
pub async fn clear(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    if_match: Option<u64>,
) -> Result<Sheet, AppError> {
    let current = load_for_issuer(app, actor, tenant, id, if_match).await?;
    if current.value.plan.is_none() {
        return Err(AppError::Conflict("this invoice has no payment plan".into()));
    }
    let mut after = current.value.clone();
    after.plan = None;
    after.due_on = match (&after.terms, after.issued_on) {
        (Some(t), Some(sent)) => Some(t.due_date(sent)),
        _ => after.due_on,
    };
    moved(app, tenant, current, after, actor, "invoice.plan_cleared").await
}

/// Commits a plan change with the status it leaves and the sweep's next look.
async fn moved(
    app: &AppState,
    tenant: &Tenant,
    current: kt_store::entity::Versioned<kt_domain::invoice::entity::Invoice>,
    mut after: kt_domain::invoice::entity::Invoice,
    actor: &Actor,
    event: &str,
) -> Result<Sheet, AppError> {
    let today = app.clock.now().date();
    after.status = after
        .status
        .after(Event::Settled {
            paid: after.paid,
            total: after.total,
            past_due: after.past_due(today),
            viewed: after.viewed_at.is_some(),
        })
        .map_err(|e| AppError::Conflict(e.0.into()))?;
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let look = super::automation::schedule_ops(&after, &settings.reminders, today);
    let version = commit(app, tenant, Some(&current), after.clone(), look, Some((event, Some(actor)))).await?;
    Ok(Sheet { figures: figures(&after), invoice: after, version, side: Side::Issuer })
}
