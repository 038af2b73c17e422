//! Bulk changes: one status, priority and/or assignee applied to up to [`MAX_BULK`] tickets
//! of a tenant, each as its own edit (its own transaction, activity and event), with a result
//! per ticket: one ticket refusing (not found, a transition it cannot make) leaves the others
//! changed.

use kt_domain::identity::{TicketId, UserId};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Priority, Status, Ticket};
use kt_store::entity::Versioned;

use super::{Change, change};
use crate::{AppError, AppState, permit};

/// Most tickets one bulk request changes.
pub const MAX_BULK: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct BulkChange {
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<UserId>>,
}

/// One ticket's outcome.
#[derive(Debug)]
pub struct BulkResult {
    pub ticket_id: String,
    pub outcome: Result<Versioned<Ticket>, AppError>,
}

/// Whether the actor may change the tenant's tickets in bulk; checked before the input is read.
pub fn authorize(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    permit(actor, Permission::ManageTenantTickets, &Resource { tenant: &tenant.id, org: None, owner: None })
}

pub async fn apply(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    ids: &[String],
    bulk: BulkChange,
) -> Result<Vec<BulkResult>, AppError> {
    authorize(actor, tenant)?;
    let mut distinct: Vec<&String> = ids.iter().collect();
    distinct.sort();
    distinct.dedup();
    if ids.is_empty() || ids.len() > MAX_BULK {
        return Err(AppError::invalid("ticket_ids", format!("name 1 to {MAX_BULK} tickets")));
    }
    if distinct.len() != ids.len() {
        return Err(AppError::invalid("ticket_ids", "name each ticket once"));
    }
    if bulk.status.is_none() && bulk.priority.is_none() && bulk.assignee.is_none() {
        return Err(AppError::invalid("status", "say what to change: status, priority or assignee_id"));
    }
    let mut out = Vec::with_capacity(ids.len());
    for raw in ids {
        let outcome = match TicketId::try_from(raw.clone()) {
            Err(_) => Err(AppError::NotFound),
            Ok(id) => {
                let c = Change {
                    status: bulk.status,
                    priority: bulk.priority,
                    assignee: bulk.assignee.clone(),
                    ..Change::default()
                };
                change(app, actor, tenant, &id, c, None).await
            }
        };
        out.push(BulkResult { ticket_id: raw.clone(), outcome });
    }
    Ok(out)
}
