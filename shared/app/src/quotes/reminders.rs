//! Reminders before a quote expires: when a quote is sent, one due entry per reminder day (3 days
//! and 1 day before its last valid day, at 09:00 UTC) joins the send's transaction; the sweep
//! tells the client organization's members (`quote.expiring`) if the quote is still waiting on
//! them with that last day, and marks the reminder sent on the quote in the same transaction as
//! the event, so a second sweep of the same entry says nothing twice. Entries of a quote
//! answered, withdrawn or revised to another day since are dropped.

use kt_domain::DomainEvent;
use kt_domain::identity::TenantId;
use kt_domain::quote::{Quote, QuoteStatus};
use kt_store::due::{DueIndex, DueItem};
use kt_store::quotes::REMINDERS;
use kt_store::{Cond, TxOp};
use serde_json::json;
use time::{Duration, OffsetDateTime, Time};

use super::commit;
use crate::{AppError, AppState, uploads};

/// Days before the last valid day a reminder goes out.
pub const DAYS_BEFORE: [i64; 2] = [3, 1];
/// How far back a sweep looks for entries it missed.
const HOURS_BACK: i64 = 72;

/// When the reminder `days` before `q`'s last day is due.
fn due_at(q: &Quote, days: i64) -> OffsetDateTime {
    (q.valid_until - Duration::days(days)).with_time(Time::from_hms(9, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc()
}

/// The entries that will remind of `q`'s expiry (those still ahead of `now`).
pub(crate) fn schedule(q: &Quote, now: OffsetDateTime) -> Vec<TxOp> {
    DAYS_BEFORE
        .iter()
        .filter(|d| due_at(q, **d) > now)
        .map(|d| DueIndex::put(REMINDERS.key(due_at(q, *d), &q.id, &format!("{}#{}#{d}", q.tenant, q.id))))
        .collect()
}

/// Sends the reminders due by now; answers how many went out.
pub async fn sweep(app: &AppState) -> Result<usize, AppError> {
    uploads::sweep_due(app, &REMINDERS, HOURS_BACK, "quote reminders", |d| async move { remind(app, &d).await }).await
}

async fn remind(app: &AppState, due: &DueItem) -> Result<bool, AppError> {
    let s = app.store.as_ref();
    let mut parts = due.rest.splitn(3, '#');
    let (tenant, id, days) = match (parts.next(), parts.next(), parts.next()) {
        (Some(t), Some(id), Some(d)) => (TenantId::try_from(t.to_owned()).ok(), id, d.parse::<i64>().ok()),
        _ => (None, "", None),
    };
    let found = match &tenant {
        Some(t) => kt_store::quotes::get(s, t, id).await?,
        None => None,
    };
    let now = app.clock.now();
    let sent = match (found, days) {
        (Some(v), Some(days))
            if v.value.status == QuoteStatus::Sent
                && !v.value.expired(now.date())
                && due_at(&v.value, days).unix_timestamp() == due.at
                && !v.value.reminded.contains(&days) =>
        {
            let mut q = v.value.clone();
            q.reminded.push(days);
            let e = DomainEvent::new(
                app.ids.ulid(),
                "quote.expiring",
                Some(q.tenant.to_string()),
                now,
                json!({"quote": q.id, "days": days, "valid_until": q.valid_until.to_string()}),
            );
            match commit(app, &q, v.version + 1, Some(v.version), Vec::new(), vec![e]).await {
                Ok(()) => true,
                // Changed meanwhile: the next sweep reads it again.
                Err(AppError::PreconditionFailed) => return Err(AppError::Unavailable("the quote changed".into())),
                Err(e) => return Err(e),
            }
        }
        _ => false,
    };
    s.delete(&due.key, Cond::None).await?;
    Ok(sent)
}
