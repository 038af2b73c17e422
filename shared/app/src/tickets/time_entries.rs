//! Time entries on tickets. Time tracking is internal (PRD 4.2): Kre8ivTech staff and admins
//! log it (the LogTime permission) and read it (ViewTimeReports); partners, partner staff and
//! clients neither see the entries nor learn that any exist (their reads answer 404, and the
//! activity log keeps the `time` lines from them).

use kt_domain::identity::TicketId;
use kt_domain::policy::{self, Actor, Permission};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{TimeEntry, check_time_entry};
use kt_store::{Cond, TxOp, tickets};

use super::{activity_op, get, resource};
use crate::{AppError, AppState, permit};

#[derive(Debug, Clone)]
pub struct NewTimeEntry {
    pub minutes: u32,
    /// Defaults to today (UTC).
    pub work_date: Option<time::Date>,
    pub note: String,
    pub billable: bool,
}

/// A ticket's entries with their totals.
#[derive(Debug, Clone)]
pub struct TimeSheet {
    pub entries: Vec<TimeEntry>,
    /// (entry, invoice) for each entry an invoice bills.
    pub billed: Vec<(String, String)>,
    pub total_minutes: u64,
    pub billable_minutes: u64,
}

/// The ticket, when the actor may see time on it; 404 otherwise (time is not theirs to know of).
async fn ticket_for_time(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    permission: Permission,
) -> Result<kt_domain::ticket::Ticket, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    if !policy::may(actor, permission) {
        return Err(AppError::NotFound);
    }
    permit(actor, permission, &resource(&t))?;
    Ok(t)
}

/// Logs time on a ticket, with a `time` line in its activity log, in one transaction.
pub async fn log(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    input: NewTimeEntry,
) -> Result<TimeEntry, AppError> {
    let t = ticket_for_time(app, actor, tenant, id, Permission::LogTime).await?;
    let now = app.clock.now();
    let work_date = input.work_date.unwrap_or(now.date());
    let note = input.note.trim().to_owned();
    check_time_entry(input.minutes, work_date, &note, now).map_err(AppError::from_invalid)?;
    let entry = TimeEntry {
        id: app.ids.ulid().to_string(),
        ticket: t.id.clone(),
        user: actor.user.clone(),
        minutes: input.minutes,
        work_date,
        note,
        billable: input.billable,
        created_at: now,
    };
    let ops = vec![
        TxOp::Put { item: tickets::time_entry_item(&t.tenant, &entry)?, cond: Cond::NotExists },
        activity_op(app, &t, actor, "time", None, Some(format!("{} min", entry.minutes)))?,
    ];
    app.store.transact(ops).await?;
    Ok(entry)
}

/// Every entry of the ticket, oldest first, with totals.
pub async fn sheet(app: &AppState, actor: &Actor, tenant: &Tenant, id: &TicketId) -> Result<TimeSheet, AppError> {
    let t = ticket_for_time(app, actor, tenant, id, Permission::ViewTimeReports).await?;
    let entries = tickets::time_entries(app.store.as_ref(), &t.tenant, &t.id).await?;
    let total_minutes = entries.iter().map(|e| u64::from(e.minutes)).sum();
    let billable_minutes = entries.iter().filter(|e| e.billable).map(|e| u64::from(e.minutes)).sum();
    let billed = tickets::time_bills(app.store.as_ref(), &t.tenant, &t.id).await?;
    Ok(TimeSheet { entries, billed, total_minutes, billable_minutes })
}

/// Removes an entry: its author, or a super admin. The activity log keeps a line of it.
pub async fn remove(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    entry_id: &str,
) -> Result<(), AppError> {
    let t = ticket_for_time(app, actor, tenant, id, Permission::LogTime).await?;
    let key = tickets::time_entry_key(&t.tenant, &t.id, entry_id);
    let entry: TimeEntry = app.store.get(&key).await?.ok_or(AppError::NotFound)?.to_entity()?;
    if entry.user != actor.user && actor.role != kt_domain::identity::Role::SuperAdmin {
        return Err(AppError::Forbidden);
    }
    // Billed time stays (the claim must not exist when the entry goes).
    let claim = tickets::time_bill_key(&t.tenant, &t.id, entry_id);
    if let Some(inv) = kt_store::entity::pointer(app.store.as_ref(), &claim, "invoice").await? {
        return Err(AppError::Conflict(format!("invoice {inv} bills this time; take it off the invoice first")));
    }
    let ops = vec![
        TxOp::Delete { key, cond: Cond::Exists },
        TxOp::Check { key: claim, cond: Cond::NotExists },
        activity_op(app, &t, actor, "time", Some(format!("{} min", entry.minutes)), None)?,
    ];
    app.store.transact(ops).await?;
    Ok(())
}

/// Whether the actor may see `time` lines of the activity log.
pub fn sees_time(actor: &Actor) -> bool {
    policy::may(actor, Permission::ViewTimeReports) && actor.role.is_house_staff()
}
