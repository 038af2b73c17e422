//! The invoice sweep (run with the other sweeps, every minute on AWS): on the days
//! [`schedule::next_look`] named, it sends the reminders due, marks invoices Overdue and adds
//! late fees and interest as their own lines. Each look commits the invoice, its events and the
//! removal of the day's due-item (which must still exist) with the next one in one transaction,
//! so a sweep that runs twice, or two at once, or late, acts once.

use kt_domain::invoice::entity::Invoice;
use kt_domain::invoice::{Event, schedule};
use kt_store::invoices::{self, Due};
use kt_store::{Cond, TxOp};
use serde_json::json;
use time::{Date, OffsetDateTime};

use super::{commit_ops, event_op, figures, store_conflict};
use crate::identity::tenancy;
use crate::{AppError, AppState};

/// How far back a sweep that did not run reads: an invoice's next look-day is its only
/// due-item, so a sweep reads back over a year rather than lose one (a normal run reads the
/// day before and today).
const MAX_DAYS_BACK: i64 = 400;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub looked: usize,
    pub reminders: usize,
    pub overdue: usize,
    pub charges: usize,
    /// Due-items of invoices that needed nothing any more (paid, void, gone).
    pub stale: usize,
}

pub async fn sweep(app: &AppState, now: OffsetDateTime) -> Result<Swept, AppError> {
    let today = now.date();
    let (due, next) = invoices::due_until(app.store.as_ref(), today, MAX_DAYS_BACK).await?;
    let mut swept = Swept::default();
    for d in &due {
        match look(app, d, today).await {
            Ok(Some(s)) => {
                swept.looked += 1;
                swept.reminders += s.reminders;
                swept.overdue += s.overdue;
                swept.charges += s.charges;
            }
            Ok(None) => swept.stale += 1,
            Err(e) => {
                tracing::warn!(error = %e, invoice = %d.invoice, "invoice sweep: not done; the next sweep retries")
            }
        }
    }
    invoices::set_due_cursor(app.store.as_ref(), next).await?;
    Ok(swept)
}

/// The operations scheduling the first look at a just-sent invoice.
pub fn schedule_ops(inv: &Invoice, reminders: &[i16], today: Date) -> Vec<TxOp> {
    schedule::next_look(inv, reminders, today)
        .map(|day| invoices::due_put(invoices::due_key(day, &inv.tenant, &inv.id)))
        .into_iter()
        .collect()
}

/// Looks at one invoice; `None` when nothing was due (the due-item is removed).
async fn look(app: &AppState, d: &Due, today: Date) -> Result<Option<Swept>, AppError> {
    let store = app.store.as_ref();
    for _ in 0..5 {
        let Some(current) = invoices::get(store, &d.tenant, &d.invoice).await? else {
            store.delete(&d.key, Cond::None).await?;
            return Ok(None);
        };
        let (settings, _) = invoices::settings(store, &d.tenant).await?;
        let actions = schedule::due_actions(&current.value, &settings.reminders, today);
        let mut inv = current.value.clone();
        schedule::apply(&mut inv, &actions);
        if !actions.charges.is_empty() {
            inv.total = figures(&inv).total;
        }
        if actions.overdue || !actions.charges.is_empty() {
            let settled = Event::Settled {
                paid: inv.paid,
                total: inv.total,
                past_due: inv.past_due(today),
                viewed: inv.viewed_at.is_some(),
            };
            inv.status = inv.status.after(settled).unwrap_or(inv.status);
        }
        let mut extra = vec![TxOp::Delete { key: d.key.clone(), cond: Cond::Exists }];
        if let Some(next) = schedule::next_look(&inv, &settings.reminders, today) {
            let key = invoices::due_key(next, &inv.tenant, &inv.id);
            if key != d.key {
                extra.push(invoices::due_put(key));
            }
        }
        if actions.is_empty() {
            match store.transact(extra).await {
                Ok(()) => return Ok(None),
                Err(e) if e.is_conflict() => return Ok(None),
                Err(e) => return Err(e.into()),
            }
        }
        let tenant = tenancy::get(app, &d.tenant).await?;
        let mut events: Vec<(&str, serde_json::Value)> = Vec::new();
        if actions.overdue {
            events.push(("invoice.overdue", json!({})));
        }
        // Overdue says what a reminder would; the reminder and the instalment otherwise.
        if actions.remind.is_some() && !actions.overdue {
            events.push(("invoice.reminder", json!({"days": actions.remind})));
        }
        if let (Some(i), Some(plan), false) = (actions.instalment, &inv.plan, actions.overdue) {
            let x = &plan.instalments[i];
            let fields = json!({"instalment": i + 1, "of": plan.instalments.len(), "amount": x.amount.to_string(), "instalment_due_on": x.due_on.to_string()});
            events.push(("invoice.instalment_due", fields));
        }
        if !actions.charges.is_empty() {
            events.push(("invoice.late_fee", json!({})));
        }
        let mut ops = commit_ops(app, &tenant, Some(&current), &mut inv, extra, None)?;
        for (kind, fields) in events {
            ops.push(event_op(app, kind, &inv, None, fields)?);
        }
        match store.transact(ops).await {
            Ok(()) => {
                app.outbox_wake.notify_one();
                return Ok(Some(Swept {
                    looked: 1,
                    reminders: usize::from(actions.remind.is_some()) + usize::from(actions.instalment.is_some()),
                    overdue: usize::from(actions.overdue),
                    charges: actions.charges.len(),
                    stale: 0,
                }));
            }
            // The due-item is gone: another sweep looked already.
            Err(e) if store_conflict(&e) == Some(1) => return Ok(None),
            // The invoice changed meanwhile (a payment): look again.
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict(format!("invoice {} kept changing", d.invoice)))
}
