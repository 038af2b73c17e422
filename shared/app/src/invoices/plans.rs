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

/// The day `months` months after `day` (the month's last day when it is shorter).
pub fn months_after(day: Date, months: u32) -> Date {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + months as i32;
    let (year, month) = (index.div_euclid(12), u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1));
    let month = time::Month::try_from(month).unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

/// Sends draft `id`, made by the portal itself (an accepted quote's invoices), unless it was
/// sent already; with `instalments` (two or more), its total is split into that many monthly
/// instalments, the first a month from today. Sending it twice at once sends it once.
pub(crate) async fn send_made(
    app: &AppState,
    tenant: &Tenant,
    id: &str,
    instalments: Option<u8>,
) -> Result<(), AppError> {
    let Some(current) = invoices::get(app.store.as_ref(), &tenant.id, id).await? else {
        return Err(AppError::Internal(format!("invoice {id} was not made")));
    };
    let mut draft = current.value.clone();
    if draft.status != kt_domain::invoice::Status::Draft {
        return Ok(());
    }
    let total = figures(&draft).total;
    let minor = draft.currency.to_minor(total).unwrap_or(0);
    // No more instalments than there are minor units to share; fewer than two is no plan (the
    // invoice is due by its terms).
    let instalments = instalments.map(|n| i64::from(n).min(minor)).filter(|n| *n >= 2);
    if let Some(n) = instalments.and_then(|n| u8::try_from(n).ok()) {
        let today = app.clock.now().date();
        let share = minor / i64::from(n);
        let items: Vec<(Date, rust_decimal::Decimal)> = (1..=u32::from(n))
            .map(|k| {
                let amount = if k == u32::from(n) { minor - share * (i64::from(n) - 1) } else { share };
                (months_after(today, k), draft.currency.from_minor(amount))
            })
            .collect();
        plan::check(draft.currency, total, today, &items).map_err(AppError::from_invalid)?;
        draft.plan = Some(Plan {
            base: rust_decimal::Decimal::ZERO,
            instalments: items
                .into_iter()
                .map(|(due_on, amount)| Instalment { due_on, amount, reminded: false })
                .collect(),
        });
    }
    match super::issuing::issue(app, tenant, Some(&current), draft, Vec::new(), None).await {
        Ok(_) | Err(AppError::PreconditionFailed) => Ok(()),
        Err(e) => Err(e),
    }
}
