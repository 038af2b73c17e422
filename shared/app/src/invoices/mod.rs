//! Invoicing use cases (PRD 4.4): drafts, sending with the tenant's next number, what the
//! billed party sees, payments, void; the tenant's billing settings.
//!
//! **Who may do what** (PRD 3.2): super admins, staff and partners create invoices (staff for
//! Kre8ivTech's own clients and partners, partners for their own tenant's clients); super admins
//! and partners read their tenant's invoices; the billed party reads what it is billed (a
//! client its organizations' invoices, a partner what Kre8ivTech bills it), never drafts.
//! Staff see only the invoices they drafted; partner staff see none.
//!
//! **One commit path**: every change of an invoice goes through [`commit`]: the invoice under
//! the version read, its status counters, what else the change writes (ledger entries, the
//! number), and an `invoice.*` event on the events queue, in one transaction.

pub mod autocharge;
pub mod automation;
pub mod checkout;
pub mod credits;
pub mod documents;
pub mod drafts;
pub mod issuing;
pub mod payments;
pub mod plans;
pub mod recurring;
pub mod settings;
pub mod time;
pub mod webhooks;

use kt_domain::DomainEvent;
use kt_domain::identity::{OrgId, Role, TenantId, UserId};
use kt_domain::invoice::Status;
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::invoice::totals::Totals;
use kt_domain::invoice::{Event, draft};
use kt_domain::policy::{self, Actor, Permission};
use kt_domain::tenancy::{Tenant, TenantKind};
use kt_store::entity::Versioned;
use kt_store::invoices::{self, List, Standing};
use kt_store::{Cond, StoreError, TxOp};

use crate::{AppError, AppState, outbox};

/// The queue invoice events travel on.
pub const EVENTS: &str = crate::tickets::EVENTS;

/// How the actor stands to an invoice of `tenant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Issues and manages the tenant's invoices (super admins anywhere, partners in their own
    /// tenant, staff in Kre8ivTech's).
    Issuer,
    /// Reads the invoices billed to it (clients, partners billed by Kre8ivTech).
    Billed,
}

/// Whether the actor issues invoices in `tenant`.
pub fn issues(actor: &Actor, tenant: &Tenant) -> bool {
    if !policy::may(actor, Permission::CreateInvoices) {
        return false;
    }
    match actor.role {
        Role::SuperAdmin => !actor.tenant_bound || actor.tenant == tenant.id,
        Role::Staff => tenant.kind == TenantKind::House && (actor.tenant == tenant.id || !actor.tenant_bound),
        Role::Partner => actor.tenant == tenant.id,
        _ => false,
    }
}

/// The billed party the actor reads as in `tenant`: its organizations (client) or itself
/// (a partner reading what Kre8ivTech bills it). `None`: the actor is billed nothing here.
pub(crate) fn billed_scopes(actor: &Actor, tenant: &Tenant) -> Vec<String> {
    if !policy::may(actor, Permission::ViewOwnInvoices) {
        return Vec::new();
    }
    match actor.role {
        Role::Client if actor.tenant == tenant.id => {
            actor.orgs.iter().map(|o| Billed::Org { org: o.clone() }.scope()).collect()
        }
        Role::Partner if tenant.kind == TenantKind::House && actor.tenant != tenant.id => {
            vec![Billed::Partner { tenant: actor.tenant.clone() }.scope()]
        }
        _ => Vec::new(),
    }
}

/// How the actor may see `inv`; `NotFound` when not at all (existence is not revealed).
pub fn side(actor: &Actor, tenant: &Tenant, inv: &Invoice) -> Result<Side, AppError> {
    side_of(actor, tenant, &inv.billed, &inv.created_by, inv.status == Status::Draft)
}

/// How the actor may see a document of `tenant` billing `billed`, made by `created_by`
/// (`draft`: not yet sent, so its party does not see it).
pub fn side_of(
    actor: &Actor,
    tenant: &Tenant,
    billed: &Billed,
    created_by: &UserId,
    draft: bool,
) -> Result<Side, AppError> {
    if issues(actor, tenant) {
        // Staff see what they drafted; super admins and partners everything of the tenant.
        if actor.role != Role::Staff || created_by == &actor.user {
            return Ok(Side::Issuer);
        }
    }
    if !draft && billed_scopes(actor, tenant).contains(&billed.scope()) {
        return Ok(Side::Billed);
    }
    Err(AppError::NotFound)
}

/// An invoice with its figures and the version to change it under.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub invoice: Invoice,
    pub version: u64,
    pub figures: Totals,
    pub side: Side,
}

pub fn figures(inv: &Invoice) -> Totals {
    draft::figures(inv.currency, &inv.lines, inv.discount, &inv.tax_rates)
}

/// Reads an invoice the actor may see.
pub async fn load(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
) -> Result<(Versioned<Invoice>, Side), AppError> {
    if id.len() != 26 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let inv = invoices::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    let side = side(actor, tenant, &inv.value)?;
    Ok((inv, side))
}

/// Reads invoice `id` for a change by its issuer: 403 for its billed party, 412 when
/// `if_match` is not the version read.
pub async fn load_for_issuer(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    if_match: Option<u64>,
) -> Result<Versioned<Invoice>, AppError> {
    let (current, side) = load(app, actor, tenant, id).await?;
    if side != Side::Issuer {
        return Err(AppError::Forbidden);
    }
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    Ok(current)
}

/// The invoice as the actor sees it. The billed party's first look marks it viewed.
pub async fn open(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Sheet, AppError> {
    let (mut inv, side) = load(app, actor, tenant, id).await?;
    if side == Side::Billed && inv.value.viewed_at.is_none() {
        let mut seen = inv.value.clone();
        seen.viewed_at = Some(app.clock.now());
        seen.status = seen.status.after(Event::View).unwrap_or(seen.status);
        match commit(app, tenant, Some(&inv), seen.clone(), Vec::new(), Some(("invoice.viewed", Some(actor)))).await {
            Ok(version) => inv = Versioned { value: seen, version },
            // Someone changed it meanwhile: show it as it is now, marked next time.
            Err(AppError::PreconditionFailed) => {
                inv = invoices::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Sheet { figures: figures(&inv.value), invoice: inv.value, version: inv.version, side })
}

/// A list filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<Status>,
    pub org: Option<OrgId>,
    pub partner: Option<TenantId>,
}

/// Which of a tenant's billing documents a list shows the actor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The issuer's lists: every party's (`None`) or one party's.
    Issuer(Option<String>),
    /// The billed party's own.
    Billed(String),
}

/// The list the actor may read with `filter` (an organization or partner named or not): the
/// issuer's (super admins, partners in their own tenant), or its own as the billed party.
/// Staff and partner staff list none (403).
pub fn list_scope(actor: &Actor, tenant: &Tenant, filter: &Filter) -> Result<Scope, AppError> {
    let party = match (&filter.org, &filter.partner) {
        (Some(_), Some(_)) => return Err(AppError::invalid("partner_id", "filter by an organization or a partner")),
        (Some(o), None) => Some(Billed::Org { org: o.clone() }.scope()),
        (None, Some(p)) => Some(Billed::Partner { tenant: p.clone() }.scope()),
        (None, None) => None,
    };
    if issues(actor, tenant) && actor.role != Role::Staff {
        return Ok(Scope::Issuer(party));
    }
    let scopes = billed_scopes(actor, tenant);
    Ok(Scope::Billed(match (party, scopes.as_slice()) {
        (_, []) if actor.tenant == tenant.id || actor.role.is_house_staff() => return Err(AppError::Forbidden),
        (_, []) => return Err(AppError::NotFound),
        (Some(p), _) if scopes.contains(&p) => p,
        (Some(_), _) => return Err(AppError::NotFound),
        (None, [only]) => only.clone(),
        (None, _) => return Err(AppError::invalid("org_id", "name the organization whose invoices to list")),
    }))
}

/// One page of the invoices the actor may list in `tenant`, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    filter: &Filter,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Invoice>, Option<String>), AppError> {
    let store = app.store.as_ref();
    let (list, keep_drafts) = match list_scope(actor, tenant, filter)? {
        Scope::Issuer(Some(scope)) => (List::Billed(scope), true),
        Scope::Issuer(None) => (filter.status.map_or(List::All, List::Status), true),
        Scope::Billed(scope) => (List::Billed(scope), false),
    };
    let (page, next) = invoices::page(store, &tenant.id, &list, limit, cursor).await?;
    let items = page
        .into_iter()
        .map(|v| v.value)
        .filter(|i| keep_drafts || i.status != Status::Draft)
        .filter(|i| filter.status.is_none_or(|s| s == i.status))
        .collect();
    Ok((items, next))
}

/// Commits `after` over `before` (`None`: a new invoice) with `extra` operations, the status
/// counters and, when `event` names one, that `invoice.*` event; returns the new version. A
/// concurrent change answers [`AppError::PreconditionFailed`].
pub(crate) async fn commit(
    app: &AppState,
    tenant: &Tenant,
    before: Option<&Versioned<Invoice>>,
    mut after: Invoice,
    extra: Vec<TxOp>,
    event: Option<(&str, Option<&Actor>)>,
) -> Result<u64, AppError> {
    let ops = commit_ops(app, tenant, before, &mut after, extra, event)?;
    let version = before.map_or(1, |b| b.version + 1);
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok(version)
        }
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

/// The operations of [`commit`], for callers that must tell one failed condition from another.
pub(crate) fn commit_ops(
    app: &AppState,
    tenant: &Tenant,
    before: Option<&Versioned<Invoice>>,
    after: &mut Invoice,
    extra: Vec<TxOp>,
    event: Option<(&str, Option<&Actor>)>,
) -> Result<Vec<TxOp>, AppError> {
    after.updated_at = app.clock.now();
    let (version, cond) = match before {
        Some(b) => (b.version + 1, Cond::Version(b.version)),
        None => (1, Cond::NotExists),
    };
    let mut ops = vec![TxOp::Put { item: invoices::item(after, version)?, cond }];
    ops.extend(extra);
    ops.extend(invoices::stat_ops(&tenant.id, before.map(|b| Standing::of(&b.value)), Standing::of(after)));
    match event {
        Some((kind, actor)) => ops.push(event_op(app, kind, after, actor, serde_json::json!({}))?),
        // Unannounced changes (a draft's edits) still reach the search index.
        None => ops.push(crate::search::indexing::touch(app, &tenant.id, "invoice", &after.id)?),
    }
    Ok(ops)
}

/// The `invoice.*` event for `inv`, with `extra` fields.
pub(crate) fn event_op(
    app: &AppState,
    kind: &str,
    inv: &Invoice,
    actor: Option<&Actor>,
    extra: serde_json::Value,
) -> Result<TxOp, AppError> {
    let mut payload = serde_json::json!({
        "invoice": inv.id,
        "number": inv.number,
        "billed": inv.billed,
        "status": inv.status.as_str(),
        "currency": inv.currency.code(),
        "total": inv.total.to_string(),
        "paid": inv.paid.to_string(),
        "balance": inv.balance().to_string(),
        "due_on": inv.due_on.map(|d| d.to_string()),
        "actor": actor.map(|a| a.user.to_string()),
    });
    if let (Some(p), serde_json::Value::Object(extra)) = (payload.as_object_mut(), extra) {
        p.extend(extra);
    }
    let event = DomainEvent::new(app.ids.ulid(), kind, Some(inv.tenant.to_string()), app.clock.now(), payload);
    outbox::record(EVENTS, event)
}

pub(crate) fn store_conflict(e: &StoreError) -> Option<usize> {
    match e {
        StoreError::Conflict { op } => *op,
        _ => None,
    }
}

/// How many invoices stand in each status and what they hold, per currency (the issuers who
/// see the tenant's lists).
pub async fn totals(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Vec<invoices::StatusTotal>, AppError> {
    if !issues(actor, tenant) || actor.role == Role::Staff {
        return Err(if actor.tenant == tenant.id || actor.role.is_house_staff() {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    }
    Ok(invoices::status_totals(app.store.as_ref(), &tenant.id).await?)
}
