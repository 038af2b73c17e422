//! Time an invoice bills: billable time entries of the tickets it links, chosen by issuers who
//! may read time (Kre8ivTech's super admins and staff; time is internal, PRD 4.2). Each entry
//! is billed by one invoice at most: a claim beside the entry (`TIMEBILL#<entry>` on its
//! ticket's partition) is written with the invoice, and given up when the invoice lets go of
//! the entry, is discarded or is voided.

use kt_domain::identity::TicketId;
use kt_domain::invoice::entity::{Invoice, TimeLink};
use kt_domain::policy::{self, Actor, Permission};
use kt_domain::tenancy::Tenant;
use kt_store::entity::pointer_item;
use kt_store::{Cond, TxOp, tickets};

use crate::{AppError, AppState};

/// Most time entries one invoice bills.
pub const MAX_ENTRIES: usize = 200;

/// Sets the time entries `inv` bills: `ids` when given (checked: billable entries of its
/// tickets, not billed by another invoice), else the links it had on tickets it still links.
pub(crate) async fn settle(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    inv: &mut Invoice,
    ids: Option<Vec<String>>,
) -> Result<(), AppError> {
    let Some(mut ids) = ids else {
        inv.time_entries.retain(|l| inv.tickets.contains(&l.ticket));
        return Ok(());
    };
    if !ids.is_empty() && !policy::may(actor, Permission::ViewTimeReports) {
        return Err(AppError::invalid("time_entry_ids", "time is billed by Kre8ivTech's staff"));
    }
    if ids.len() > MAX_ENTRIES {
        return Err(AppError::invalid("time_entry_ids", format!("bill at most {MAX_ENTRIES} time entries")));
    }
    ids.dedup();
    let s = app.store.as_ref();
    let mut found: Vec<(TicketId, kt_domain::ticket::TimeEntry, Option<String>)> = Vec::new();
    for t in &inv.tickets {
        let bills = tickets::time_bills(s, &tenant.id, t).await?;
        for e in tickets::time_entries(s, &tenant.id, t).await? {
            let billed = bills.iter().find(|(entry, _)| entry == &e.id).map(|(_, i)| i.clone());
            found.push((t.clone(), e, billed));
        }
    }
    let mut links = Vec::with_capacity(ids.len());
    let mut errors = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let field = format!("time_entry_ids[{i}]");
        match found.iter().find(|(_, e, _)| &e.id == id) {
            None => errors.push(kt_domain::identity::Invalid::new(field, "is not a time entry of the linked tickets")),
            Some((_, e, _)) if !e.billable => {
                errors.push(kt_domain::identity::Invalid::new(field, "is not billable time"))
            }
            Some((_, _, Some(other))) if other != &inv.id => {
                errors.push(kt_domain::identity::Invalid::new(field, "is billed on another invoice already"))
            }
            Some((t, e, _)) => links.push(TimeLink {
                ticket: t.clone(),
                entry: e.id.clone(),
                minutes: e.minutes,
                work_date: e.work_date,
            }),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    inv.time_entries = links;
    Ok(())
}

/// The claims that follow `after`'s links from `before`'s: new ones taken (refused when another
/// invoice took the entry meanwhile), dropped ones given up.
pub(crate) fn claim_ops(tenant: &Tenant, before: &[TimeLink], after: &Invoice) -> Vec<TxOp> {
    let mut ops = Vec::new();
    for l in after.time_entries.iter().filter(|l| !before.iter().any(|b| b.entry == l.entry)) {
        let key = tickets::time_bill_key(&tenant.id, &l.ticket, &l.entry);
        ops.push(TxOp::Put { item: pointer_item(key, "invoice", &after.id), cond: Cond::NotExists });
        // The entry is still there (not removed meanwhile).
        ops.push(TxOp::Check { key: tickets::time_entry_key(&tenant.id, &l.ticket, &l.entry), cond: Cond::Exists });
    }
    ops.extend(release_ops(tenant, before.iter().filter(|b| !after.time_entries.iter().any(|l| l.entry == b.entry))));
    ops
}

/// Gives up the claims of `links` (the entry may be billed again).
pub(crate) fn release_ops<'a>(tenant: &Tenant, links: impl Iterator<Item = &'a TimeLink>) -> Vec<TxOp> {
    links
        .map(|l| TxOp::Delete { key: tickets::time_bill_key(&tenant.id, &l.ticket, &l.entry), cond: Cond::None })
        .collect()
}
