//! Canned responses: each tenant's team keeps its own (the house's are Kre8ivTech staff's);
//! on a ticket, whoever works it gets the ones they may use with the variables filled in for
//! that ticket, ready to edit and send as a reply.

use std::collections::BTreeMap;

use kt_domain::identity::TicketId;
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::Tenant;
use kt_domain::workflow::{CannedResponse, MAX_CANNED_PER_TENANT, check_canned, first_name, render_canned};
use kt_store::entity::Versioned;
use kt_store::{Cond, accounts, workflow};

use super::{get, resource};
use crate::identity::tenancy;
use crate::{AppError, AppState, permit};

#[derive(Debug, Clone)]
pub struct CannedInput {
    pub title: String,
    pub body: String,
    pub shortcut: Option<String>,
}

fn manage(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    permit(actor, Permission::ManageTenantTickets, &Resource { tenant: &tenant.id, org: None, owner: None })
}

/// A tenant's canned responses, as written (variables unfilled), by title.
pub async fn list(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Vec<Versioned<CannedResponse>>, AppError> {
    manage(actor, tenant)?;
    let mut out = workflow::canned(app.store.as_ref(), &tenant.id).await?;
    out.sort_by_key(|c| c.value.title.to_lowercase());
    Ok(out)
}

/// Whether another of `all` (all but `except`) uses `shortcut`.
fn shortcut_taken(all: &[Versioned<CannedResponse>], shortcut: Option<&str>, except: Option<&str>) -> bool {
    let Some(s) = shortcut else { return false };
    all.iter().any(|c| c.value.shortcut.as_deref() == Some(s) && Some(c.value.id.as_str()) != except)
}

pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: CannedInput,
) -> Result<CannedResponse, AppError> {
    manage(actor, tenant)?;
    let (title, body, shortcut) =
        check_canned(&input.title, &input.body, input.shortcut.as_deref()).map_err(AppError::from_invalid)?;
    let all = workflow::canned(app.store.as_ref(), &tenant.id).await?;
    if all.len() >= MAX_CANNED_PER_TENANT {
        return Err(AppError::Conflict(format!("keep at most {MAX_CANNED_PER_TENANT} canned responses")));
    }
    if shortcut_taken(&all, shortcut.as_deref(), None) {
        return Err(AppError::invalid("shortcut", "another canned response uses it"));
    }
    let c = CannedResponse {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        title,
        body,
        shortcut,
        created_by: actor.user.clone(),
        updated_at: app.clock.now(),
    };
    app.store.put(workflow::canned_item(&c, 1)?, Cond::NotExists).await?;
    Ok(c)
}

pub async fn update(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    input: CannedInput,
    if_match: Option<u64>,
) -> Result<Versioned<CannedResponse>, AppError> {
    manage(actor, tenant)?;
    let current = workflow::get_canned(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let (title, body, shortcut) =
        check_canned(&input.title, &input.body, input.shortcut.as_deref()).map_err(AppError::from_invalid)?;
    let all = workflow::canned(app.store.as_ref(), &tenant.id).await?;
    if shortcut_taken(&all, shortcut.as_deref(), Some(id)) {
        return Err(AppError::invalid("shortcut", "another canned response uses it"));
    }
    let c = CannedResponse { title, body, shortcut, updated_at: app.clock.now(), ..current.value };
    let version = current.version + 1;
    match app.store.put(workflow::canned_item(&c, version)?, Cond::Version(current.version)).await {
        Ok(()) => Ok(Versioned { value: c, version }),
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<(), AppError> {
    manage(actor, tenant)?;
    workflow::get_canned(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    app.store.delete(&workflow::canned_key(&tenant.id, id), Cond::None).await?;
    Ok(())
}

/// A canned response filled in for one ticket.
#[derive(Debug, Clone)]
pub struct Filled {
    pub canned: CannedResponse,
    /// The body with the ticket's values in place of its variables.
    pub body: String,
}

/// The canned responses the actor may use on a ticket (its tenant's, then the house's for
/// Kre8ivTech staff), filled in for it.
pub async fn for_ticket(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
) -> Result<Vec<Filled>, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    permit(actor, Permission::ManageTenantTickets, &resource(&t))?;
    let store = app.store.as_ref();
    let mut sources = vec![tenant.id.clone()];
    if actor.role.is_house_staff()
        && !actor.tenant_bound
        && let Some(house) = tenancy::house(store).await?
        && house != tenant.id
    {
        sources.push(house);
    }
    let mut all = Vec::new();
    for s in &sources {
        let mut own: Vec<CannedResponse> = workflow::canned(store, s).await?.into_iter().map(|c| c.value).collect();
        own.sort_by_key(|c| c.title.to_lowercase());
        all.extend(own);
    }
    if all.is_empty() {
        return Ok(vec![]);
    }
    let name_of = |u: Option<Versioned<kt_domain::tenancy::User>>| u.map(|u| u.value.name).unwrap_or_default();
    let mut requester = name_of(accounts::get_user(store, &t.tenant, &t.requester).await?);
    if requester.is_empty() {
        requester = name_of(accounts::get_user(store, &actor.tenant, &t.requester).await?);
    }
    let agent = name_of(accounts::get_user(store, &actor.tenant, &actor.user).await?);
    let org = accounts::get_org(store, &t.tenant, &t.org).await?.map(|o| o.value.name).unwrap_or_default();
    let values = BTreeMap::from([
        ("ticket.number", kt_domain::ticket::display_number(tenant.ticket_prefix.as_str(), t.number)),
        ("ticket.subject", t.subject.clone()),
        ("ticket.status", t.status.label().to_owned()),
        ("ticket.priority", t.priority.label().to_owned()),
        ("ticket.category", t.category.label().to_owned()),
        ("requester.first_name", first_name(&requester)),
        ("requester.name", requester),
        ("agent.first_name", first_name(&agent)),
        ("agent.name", agent),
        ("organization.name", org),
        ("portal.name", tenant.branding.portal_name.clone()),
    ]);
    Ok(all.into_iter().map(|c| Filled { body: render_canned(&c.body, &values), canned: c }).collect())
}
