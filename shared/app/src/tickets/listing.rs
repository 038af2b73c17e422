//! Ticket lists: a tenant's (or one organization's) tickets with filters, newest first; the
//! aggregate counts partners see; and the work queue across tenants that staff work from.
//!
//! Filters are applied to the pages read, as a DynamoDB filter expression would: a page reads
//! at most [`SCAN_BUDGET`] items, so a rare filter returns short pages with a cursor rather
//! than reading the whole list in one request.

use std::collections::BTreeMap;

use kt_domain::identity::{OrgId, Role, UserId};
use kt_domain::policy::{Actor, Permission, Resource, visible};
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::{Category, Priority, Status, Ticket, number_in_portal};
use kt_store::cursor::Position;
use kt_store::{Item, tickets};
use time::OffsetDateTime;

use super::{QueuePosition, resource};
use crate::{AppError, AppState, permit};

/// Most items one list request reads before it answers with what it found.
pub const SCAN_BUDGET: usize = 500;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub org: Option<OrgId>,
    /// Any of these statuses (all when empty).
    pub status: Vec<Status>,
    pub priority: Option<Priority>,
    pub category: Option<Category>,
    pub assignee: Option<UserId>,
    pub requester: Option<UserId>,
    pub created_from: Option<OffsetDateTime>,
    pub created_to: Option<OffsetDateTime>,
    /// A ticket number as people write it (`ACME-1002`, or `1002`): at most that one ticket,
    /// read through the number's pointer instead of walking the list.
    pub number: Option<String>,
}

impl Filter {
    pub fn matches(&self, t: &Ticket) -> bool {
        (self.status.is_empty() || self.status.contains(&t.status))
            && self.priority.is_none_or(|p| p == t.priority)
            && self.category.is_none_or(|c| c == t.category)
            && self.assignee.as_ref().is_none_or(|a| t.assignee.as_ref() == Some(a))
            && self.requester.as_ref().is_none_or(|r| *r == t.requester)
            && self.created_from.is_none_or(|f| t.created_at >= f)
            && self.created_to.is_none_or(|to| t.created_at < to)
    }
}

/// One page of the tickets the actor may see in `tenant`, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    filter: &Filter,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Ticket>, Option<String>), AppError> {
    let scope = Resource { tenant: &tenant.id, org: filter.org.as_ref(), owner: None };
    if filter.org.is_some() || actor.role != Role::Client {
        permit(actor, Permission::ViewOwnTickets, &scope)?;
    } else if tenant.id != actor.tenant {
        return Err(AppError::NotFound);
    }
    if let (Some(from), Some(to)) = (filter.created_from, filter.created_to)
        && from >= to
    {
        return Err(AppError::invalid("created_to", "must be after created_from"));
    }
    if let Some(raw) = filter.number.as_deref() {
        return Ok((by_number(app, actor, tenant, filter, raw).await?.into_iter().collect(), None));
    }
    // A client of one organization reads that organization's list directly.
    let org = match (&filter.org, actor.role, actor.orgs.as_slice()) {
        (Some(o), _, _) => Some(o.clone()),
        (None, Role::Client, [only]) => Some(only.clone()),
        _ => None,
    };
    let base = tickets::list_query(&tenant.id, org.as_ref()).desc();
    let mut found = Vec::new();
    let mut scanned = 0usize;
    let mut cursor = cursor;
    loop {
        let want = (limit as usize).saturating_sub(found.len());
        let page_size = (want * 4).clamp(25, 200) as u32;
        let page = app.store.query(base.clone().limit(page_size).after(cursor.clone())).await?;
        let read = page.items.len();
        for (i, item) in page.items.iter().enumerate() {
            let t: Ticket = item.to_entity()?;
            if visible(actor, &resource(&t)) && filter.matches(&t) {
                found.push(t);
                if found.len() == limit as usize {
                    let more = i + 1 < read || page.next_cursor.is_some();
                    return Ok((found, more.then(|| resume_after(base.index, item))));
                }
            }
        }
        scanned += read;
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok((found, None));
        }
        if scanned >= SCAN_BUDGET {
            return Ok((found, cursor));
        }
    }
}

/// The ticket numbered `raw` in `tenant`, when the actor may see it and it matches the rest
/// of the filter. Another portal's prefix or an unused number finds nothing; text that is not
/// a ticket number is refused, naming `number`.
async fn by_number(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    filter: &Filter,
    raw: &str,
) -> Result<Option<Ticket>, AppError> {
    let number = number_in_portal(raw, tenant.ticket_prefix.as_str())
        .map_err(|_| AppError::invalid("number", "use a ticket number such as ACME-1002, or 1002"))?;
    let store = app.store.as_ref();
    let Some(id) = (match number {
        Some(n) => tickets::id_by_number(store, &tenant.id, n).await?,
        None => None,
    }) else {
        return Ok(None);
    };
    let Some(t) = tickets::get(store, &tenant.id, &id).await?.map(|v| v.value) else { return Ok(None) };
    let in_org = filter.org.as_ref().is_none_or(|o| *o == t.org);
    Ok((in_org && visible(actor, &resource(&t)) && filter.matches(&t)).then_some(t))
}

fn resume_after(index: kt_store::Index, item: &Item) -> String {
    Position::after(index, item).encode()
}

/// Aggregate counts by status and priority, for the tenant or one organization.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub by_status: BTreeMap<Status, i64>,
    pub by_priority: BTreeMap<Priority, i64>,
    pub total: i64,
    /// Satisfaction ratings of the same scope.
    pub satisfaction: super::satisfaction::Figures,
}

pub async fn counts(app: &AppState, actor: &Actor, tenant: &Tenant, org: Option<&OrgId>) -> Result<Counts, AppError> {
    match org {
        Some(o) => {
            permit(actor, Permission::ViewOwnTickets, &Resource { tenant: &tenant.id, org: Some(o), owner: None })?
        }
        // The whole tenant's figures are for those who manage its tickets.
        None => {
            permit(actor, Permission::ManageTenantTickets, &Resource { tenant: &tenant.id, org: None, owner: None })?
        }
    }
    let scope = org.map(|o| format!("org:{o}")).unwrap_or_else(|| "all".into());
    let raw = tickets::stats(app.store.as_ref(), &tenant.id, &scope).await?;
    let mut counts = Counts::default();
    for s in Status::ALL {
        let n = raw.get(&tickets::status_counter(s)).copied().unwrap_or(0).max(0);
        counts.by_status.insert(s, n);
        counts.total += n;
    }
    for p in Priority::ALL {
        counts.by_priority.insert(p, raw.get(&tickets::priority_counter(p)).copied().unwrap_or(0).max(0));
    }
    counts.satisfaction = super::satisfaction::figures(&raw);
    Ok(counts)
}

/// A waiting ticket with its position.
#[derive(Debug, Clone)]
pub struct Queued {
    pub ticket: Ticket,
    pub at: QueuePosition,
}

/// One page of `priority`'s queue across tenants, first in first (house staff only).
/// `cursor` is the previous page's; positions count from the queue's head.
/// Every priority's queue length, most urgent first (house staff, as [`queue`]): the top of
/// each count tree, one batch read per priority.
pub async fn queue_lengths(app: &AppState, actor: &Actor) -> Result<Vec<(Priority, u64)>, AppError> {
    if !actor.role.is_house_staff() || actor.tenant_bound {
        return Err(AppError::NotFound);
    }
    permit(actor, Permission::ManageAllTickets, &Resource { tenant: &actor.tenant, org: None, owner: None })?;
    let lengths = Priority::ALL.iter().rev().map(|p| tickets::length(app.store.as_ref(), *p));
    let lengths = futures::future::try_join_all(lengths).await?;
    Ok(Priority::ALL.iter().rev().copied().zip(lengths).collect())
}

pub async fn queue(
    app: &AppState,
    actor: &Actor,
    priority: Priority,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Queued>, Option<String>), AppError> {
    if !actor.role.is_house_staff() || actor.tenant_bound {
        return Err(AppError::NotFound);
    }
    permit(actor, Permission::ManageAllTickets, &Resource { tenant: &actor.tenant, org: None, owner: None })?;
    let (page, next_cursor) = tickets::queue_page(app.store.as_ref(), priority, limit, cursor).await?;
    let mut out = Vec::with_capacity(page.len());
    let length = tickets::length(app.store.as_ref(), priority).await?;
    let mut next_position = None;
    for t in page {
        let t = t.value;
        let Some(slot) = t.queue else { continue };
        // The first of the page by the tree, then counting on.
        let position = match next_position {
            Some(p) => p,
            None => tickets::position(app.store.as_ref(), priority, slot.number).await?.0,
        };
        next_position = Some(position + 1);
        out.push(Queued { at: QueuePosition { priority, position: position.min(length.max(1)), length }, ticket: t });
    }
    Ok((out, next_cursor))
}
