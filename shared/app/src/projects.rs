//! Projects: written by the house's staff (any tenant) and partners (their own), read by
//! everyone who sees the organization (clients their own organizations'), made by hand or by an
//! accepted quote ([`from_quote`]). One commit path: [`commit`].

use kt_domain::identity::{OrgId, Role, TicketId, UserId};
use kt_domain::policy::{Actor, Resource, visible};
use kt_domain::project::{Links, Milestone, Project, ProjectStatus, check_project};
use kt_domain::quote::Quote;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::{Cond, TxOp, projects as store};
use time::Date;

use crate::{AppError, AppState};

/// What the editor sends.
#[derive(Debug, Clone)]
pub struct ProjectInput {
    pub org: OrgId,
    pub name: String,
    pub status: ProjectStatus,
    pub owner: Option<UserId>,
    /// (title, due, done)
    pub milestones: Vec<(String, Option<Date>, bool)>,
    pub links: Links,
}

/// Whether `actor` writes `tenant`'s projects.
pub fn manages(actor: &Actor, tenant: &Tenant) -> bool {
    (actor.role.is_house_staff() && !actor.tenant_bound) || (actor.role == Role::Partner && actor.tenant == tenant.id)
}

fn sees(actor: &Actor, p: &Project) -> bool {
    visible(actor, &Resource { tenant: &p.tenant, org: Some(&p.org), owner: None })
}

async fn commit(app: &AppState, p: &Project, version: u64, previous: Option<u64>) -> Result<(), AppError> {
    let op = TxOp::Put { item: store::item(p, version)?, cond: previous.map_or(Cond::NotExists, Cond::Version) };
    let indexed = crate::search::indexing::touch(app, &p.tenant, "project", &p.id)?;
    app.store
        .transact(vec![op, indexed])
        .await
        .map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { AppError::from(e) })?;
    app.outbox_wake.notify_one();
    Ok(())
}

pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Versioned<Project>, AppError> {
    let p = store::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if sees(actor, &p.value) { Ok(p) } else { Err(AppError::NotFound) }
}

/// A page of the tenant's projects the actor may see (clients: an organization of theirs,
/// their first by default).
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    org: Option<OrgId>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Project>>, Option<String>), AppError> {
    crate::identity::tenancy::in_reach(actor, tenant)?;
    let client = actor.role == Role::Client;
    let org = match org {
        Some(o) if visible(actor, &Resource { tenant: &tenant.id, org: Some(&o), owner: None }) => Some(o),
        Some(_) => return Err(AppError::NotFound),
        None if !client => None,
        None => Some(actor.orgs.first().cloned().ok_or(AppError::NotFound)?),
    };
    let (items, next) = store::list(app.store.as_ref(), &tenant.id, org.as_ref(), limit, cursor).await?;
    Ok((items.into_iter().filter(|p| sees(actor, &p.value)).collect(), next))
}

/// Checks `input` against the tenant (the organization, the owner, what it links to) and
/// applies it to `p`.
async fn apply(app: &AppState, tenant: &Tenant, p: &mut Project, input: ProjectInput) -> Result<(), AppError> {
    let store = app.store.as_ref();
    let dated: Vec<(String, Option<Date>)> = input.milestones.iter().map(|(t, d, _)| (t.clone(), *d)).collect();
    let name = check_project(&input.name, &dated).map_err(AppError::from_invalid)?;
    kt_store::accounts::get_org(store, &tenant.id, &input.org)
        .await?
        .ok_or_else(|| AppError::invalid("org_id", "is no organization of this portal"))?;
    if let Some(owner) = &input.owner {
        let found = crate::notifications::delivery::find_user(app, &tenant.id, owner).await?;
        if !found.is_some_and(|u| u.role != Role::Client) {
            return Err(AppError::invalid("owner_id", "is no one who works here"));
        }
    }
    let l = &input.links;
    if l.invoices.len() > kt_domain::project::MAX_LINKS || l.tickets.len() > kt_domain::project::MAX_LINKS {
        return Err(AppError::invalid("links", "link at most 100 invoices and 100 tickets"));
    }
    if let Some(r) = &l.request
        && !kt_store::service::request(store, &tenant.id, r).await?.is_some_and(|x| x.value.org == input.org)
    {
        return Err(AppError::invalid("links.request_id", "is no service request of this organization"));
    }
    if let Some(q) = &l.quote
        && !kt_store::quotes::get(store, &tenant.id, q).await?.is_some_and(|x| x.value.org == input.org)
    {
        return Err(AppError::invalid("links.quote_id", "is no quote of this organization"));
    }
    for (n, i) in l.invoices.iter().enumerate() {
        if kt_store::invoices::get(store, &tenant.id, i).await?.is_none() {
            return Err(AppError::invalid(format!("links.invoice_ids[{n}]"), "is no invoice of this portal"));
        }
    }
    for (n, t) in l.tickets.iter().enumerate() {
        let id = TicketId::try_from(t.clone()).ok();
        let found = match id {
            Some(id) => kt_store::tickets::get(store, &tenant.id, &id).await?.is_some_and(|x| x.value.org == input.org),
            None => false,
        };
        if !found {
            return Err(AppError::invalid(format!("links.ticket_ids[{n}]"), "is no ticket of this organization"));
        }
    }
    p.org = input.org;
    p.name = name;
    p.status = input.status;
    if let Some(o) = input.owner {
        p.owner = o;
    }
    p.milestones = input
        .milestones
        .into_iter()
        .enumerate()
        .map(|(n, (title, due, done))| Milestone {
            id: format!("m{}", n + 1),
            title: title.trim().to_owned(),
            due,
            done,
        })
        .collect();
    p.links = input.links;
    Ok(())
}

pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: ProjectInput,
) -> Result<Versioned<Project>, AppError> {
    crate::identity::tenancy::in_reach(actor, tenant)?;
    if !manages(actor, tenant) {
        return Err(AppError::Forbidden);
    }
    let now = app.clock.now();
    let mut p = Project {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        org: input.org.clone(),
        name: String::new(),
        status: ProjectStatus::Planned,
        owner: actor.user.clone(),
        milestones: Vec::new(),
        links: Links::default(),
        created_at: now,
        updated_at: now,
    };
    apply(app, tenant, &mut p, input).await?;
    commit(app, &p, 1, None).await?;
    Ok(Versioned { version: 1, value: p })
}

pub async fn update(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    input: ProjectInput,
    expected: Option<u64>,
) -> Result<Versioned<Project>, AppError> {
    let current = get(app, actor, tenant, id).await?;
    if !manages(actor, tenant) {
        return Err(AppError::Forbidden);
    }
    if expected.is_some_and(|e| e != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let mut p = current.value.clone();
    apply(app, tenant, &mut p, input).await?;
    p.updated_at = app.clock.now();
    commit(app, &p, current.version + 1, Some(current.version)).await?;
    Ok(Versioned { version: current.version + 1, value: p })
}

/// The project of an accepted quote (once: under the id planned at acceptance), owned by whoever
/// wrote the quote and linked to its request, the quote and its invoices.
pub async fn from_quote(app: &AppState, q: &Quote, id: &str) -> Result<String, AppError> {
    let id = id.to_owned();
    if store::get(app.store.as_ref(), &q.tenant, &id).await?.is_some() {
        return Ok(id);
    }
    let now = app.clock.now();
    let p = Project {
        id: id.clone(),
        tenant: q.tenant.clone(),
        org: q.org.clone(),
        name: q.title.clone(),
        status: ProjectStatus::Planned,
        owner: q.created_by.clone(),
        milestones: Vec::new(),
        links: Links {
            request: q.request.clone(),
            quote: Some(q.id.clone()),
            invoices: q.deposit_invoice.iter().chain(q.invoice.iter()).cloned().collect(),
            tickets: Vec::new(),
            conversation: None,
        },
        created_at: now,
        updated_at: now,
    };
    match commit(app, &p, 1, None).await {
        Ok(()) | Err(AppError::PreconditionFailed) => Ok(id),
        Err(e) => Err(e),
    }
}
