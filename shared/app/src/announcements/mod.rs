//! Announcements (PRD 4.12): written by super admins (to everyone from the house, or to any
//! tenant) and partners (their own tenant), shown as banners and modals while live, sent as
//! notifications and emails once when they start ([`delivery`]), read counts for their authors.

pub mod delivery;

use kt_domain::DomainEvent;
use kt_domain::announcement::{self as domain, Announcement, Display, Draft, Reader, Scope, State};
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantKind};
use kt_store::announcements as store;
use kt_store::due::DueIndex;
use kt_store::entity::Versioned;
use kt_store::{Cond, TxOp};
use serde_json::json;

use crate::{AppError, AppState, outbox};

/// The queue announcement events travel on.
pub const EVENTS: &str = crate::tickets::EVENTS;

/// An announcement with its counts, for its authors.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub announcement: Announcement,
    pub version: u64,
    pub reads: u64,
    pub reached: u64,
}

fn allowed(actor: &Actor, tenant: &Tenant, scope: &Scope) -> bool {
    actor.scopes.is_none()
        && !(actor.tenant_bound && actor.tenant != tenant.id)
        && domain::may_announce(actor.role, &actor.tenant, &tenant.id, tenant.kind == TenantKind::House, scope)
}

/// Whether the actor manages `tenant`'s announcements at all (any scope but everyone's):
/// answered before anything else about a request is looked at.
pub fn manages(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    if allowed(actor, tenant, &Scope::Tenant) {
        Ok(())
    } else if actor.tenant == tenant.id || actor.role.is_house_staff() {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

async fn check(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    d: &Draft,
) -> Result<(String, String, time::OffsetDateTime), AppError> {
    manages(actor, tenant)?;
    let (checked, mut errors) = match domain::check(d, app.clock.now()) {
        Ok(v) => (Some(v), vec![]),
        Err(e) => (None, e),
    };
    if !allowed(actor, tenant, &d.scope) {
        errors.push(kt_domain::identity::Invalid::new("scope", "only Kre8ivTech's super admins announce to everyone"));
    }
    if let Scope::Organization(org) = &d.scope
        && kt_store::accounts::get_org(app.store.as_ref(), &tenant.id, org).await?.is_none()
    {
        errors.push(kt_domain::identity::Invalid::new("org_id", "is not an organization of this tenant"));
    }
    match checked {
        Some(v) if errors.is_empty() => Ok(v),
        _ => Err(AppError::from_invalid(errors)),
    }
}

fn started_event(app: &AppState, a: &Announcement) -> DomainEvent {
    DomainEvent::new(
        app.ids.ulid(),
        "announcement.started",
        Some(a.tenant.to_string()),
        app.clock.now(),
        json!({"announcement": a.id}),
    )
}

/// What starting `a` now writes: it is marked started and, when it goes out as notifications or
/// emails, their delivery is queued.
fn start_ops(app: &AppState, a: &mut Announcement) -> Result<Vec<(&'static str, DomainEvent)>, AppError> {
    a.started = true;
    Ok(if a.shows(Display::Notification) || a.shows(Display::Email) {
        vec![(EVENTS, started_event(app, a))]
    } else {
        vec![]
    })
}

/// Writes a new announcement; live at once unless it starts later.
pub async fn create(app: &AppState, actor: &Actor, tenant: &Tenant, d: Draft) -> Result<(Announcement, u64), AppError> {
    let (title, body, starts_at) = check(app, actor, tenant, &d).await?;
    let now = app.clock.now();
    let mut a = Announcement {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        title,
        body,
        severity: d.severity,
        display: d.display,
        scope: d.scope,
        roles: d.roles,
        starts_at,
        ends_at: d.ends_at,
        created_by: actor.user.clone(),
        created_at: now,
        updated_at: None,
        started: false,
    };
    let mut ops = vec![store::home_op(&a)];
    let events = if a.starts_at <= now {
        start_ops(app, &mut a)?
    } else {
        ops.push(DueIndex::put(store::start_key(&a)));
        vec![]
    };
    ops.push(TxOp::Put { item: store::item(&a, 1)?, cond: Cond::NotExists });
    outbox::publish(app, ops, events).await?;
    Ok((a, 1))
}

async fn load(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Versioned<Announcement>, AppError> {
    manages(actor, tenant)?;
    if id.len() != 26 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let a = store::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    // A partner sees none of what the house announced to their tenant.
    if !allowed(actor, tenant, &a.value.scope) {
        return Err(AppError::NotFound);
    }
    Ok(a)
}

async fn sheet(app: &AppState, v: Versioned<Announcement>) -> Result<Sheet, AppError> {
    let (reads, reached) = store::counts(app.store.as_ref(), &v.value.id).await?;
    Ok(Sheet { announcement: v.value, version: v.version, reads, reached })
}

pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Sheet, AppError> {
    let v = load(app, actor, tenant, id).await?;
    sheet(app, v).await
}

/// A page of the tenant's announcements, newest first, with their counts.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Sheet>, Option<String>), AppError> {
    manages(actor, tenant)?;
    let (page, next) = store::list(app.store.as_ref(), &tenant.id, limit, cursor).await?;
    let mut out = Vec::with_capacity(page.len());
    for v in page.into_iter().filter(|v| allowed(actor, tenant, &v.value.scope)) {
        out.push(sheet(app, v).await?);
    }
    Ok((out, next))
}

/// Rewrites an announcement. Once started, who it is for and how it was sent stay (its
/// notifications and emails went out); its text, look and end may still change.
pub async fn update(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    d: Draft,
    if_match: Option<u64>,
) -> Result<(Announcement, u64), AppError> {
    let current = load(app, actor, tenant, id).await?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let before = &current.value;
    if before.started
        && (d.scope != before.scope
            || d.roles != before.roles
            || d.display != before.display
            || d.starts_at.is_some_and(|s| s != before.starts_at))
    {
        return Err(AppError::Conflict(
            "it has started: its audience, channels and start stay; change its text or end, or write a new one".into(),
        ));
    }
    let d = Draft { starts_at: d.starts_at.or(Some(before.starts_at)), ..d };
    let (title, body, starts_at) = if before.started {
        // Its start is in the past: check only what may change.
        let probe = Draft { starts_at: None, ..d.clone() };
        let (t, b, _) = check(app, actor, tenant, &probe).await?;
        (t, b, before.starts_at)
    } else {
        check(app, actor, tenant, &d).await?
    };
    let now = app.clock.now();
    let mut a = Announcement {
        title,
        body,
        severity: d.severity,
        display: d.display,
        scope: d.scope,
        roles: d.roles,
        starts_at,
        ends_at: d.ends_at,
        updated_at: Some(now),
        ..before.clone()
    };
    let mut ops = Vec::new();
    let events = if !a.started && a.starts_at <= now {
        start_ops(app, &mut a)?
    } else {
        if !a.started && a.starts_at != before.starts_at {
            ops.push(DueIndex::put(store::start_key(&a)));
        }
        vec![]
    };
    let version = current.version + 1;
    ops.push(TxOp::Put { item: store::item(&a, version)?, cond: Cond::Version(current.version) });
    match outbox::publish(app, ops, events).await {
        Ok(()) => Ok((a, version)),
        Err(AppError::Conflict(_)) => Err(AppError::PreconditionFailed),
        Err(e) => Err(e),
    }
}

/// Removes an announcement (its banner and modal go at once; what was sent stays sent).
pub async fn delete(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<(), AppError> {
    let current = load(app, actor, tenant, id).await?;
    match app.store.transact(store::delete_ops(&current.value, current.version)).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

/// The reader the actor is.
pub fn reader_of(actor: &Actor) -> Reader {
    Reader { tenant: actor.tenant.clone(), role: actor.role, orgs: actor.orgs.clone() }
}

/// The live announcements meant for the actor, with whether they read them, newest first.
pub async fn live_for(app: &AppState, actor: &Actor) -> Result<Vec<(Announcement, bool)>, AppError> {
    if actor.scopes.is_some() {
        return Ok(vec![]);
    }
    let reader = reader_of(actor);
    let now = app.clock.now();
    let s = app.store.as_ref();
    let mut live: Vec<Announcement> = store::open_for(s, &reader, now)
        .await?
        .into_iter()
        .map(|v| v.value)
        .filter(|a| a.state(now) == State::Live && a.reaches(&reader))
        .collect();
    live.sort_by(|a, b| b.starts_at.cmp(&a.starts_at).then(b.id.cmp(&a.id)));
    let ids: Vec<String> = live.iter().map(|a| a.id.clone()).collect();
    let read = store::read_by(s, &actor.tenant, &actor.user, &ids).await?;
    Ok(live.into_iter().zip(read).collect())
}

/// Marks an announcement read (dismissed) by the actor; counted once.
pub async fn mark_read(app: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    if id.len() != 26 || !id.chars().all(|c| c.is_ascii_alphanumeric()) || actor.scopes.is_some() {
        return Err(AppError::NotFound);
    }
    let s = app.store.as_ref();
    let tenant = store::home(s, id).await?.ok_or(AppError::NotFound)?;
    let a = store::get(s, &tenant, id).await?.ok_or(AppError::NotFound)?.value;
    if a.state(app.clock.now()) == State::Scheduled || !a.reaches(&reader_of(actor)) {
        return Err(AppError::NotFound);
    }
    match s.transact(store::read_ops(&actor.tenant, &actor.user, id, app.clock.now())).await {
        Ok(()) => Ok(()),
        // Read before: counted then.
        Err(e) if e.is_conflict() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Starts the scheduled announcements whose time has come (each once).
pub async fn sweep(app: &AppState) -> Result<usize, AppError> {
    let s = app.store.as_ref();
    let now = app.clock.now();
    let (due, hour) = store::STARTS.until(s, now, 72).await?;
    let mut started = 0;
    for d in due {
        let Some((t, id)) = d.rest.split_once('#') else { continue };
        let Ok(tenant) = kt_domain::identity::TenantId::try_from(t.to_owned()) else { continue };
        let drop = TxOp::Delete { key: d.key.clone(), cond: Cond::None };
        let Some(v) = store::get(s, &tenant, id).await? else {
            s.transact(vec![drop]).await?;
            continue;
        };
        if v.value.started || v.value.starts_at > now {
            // Started already, or moved later (its new entry waits).
            s.transact(vec![drop]).await?;
            continue;
        }
        let mut a = v.value.clone();
        let events = start_ops(app, &mut a)?;
        let ops = vec![drop, TxOp::Put { item: store::item(&a, v.version + 1)?, cond: Cond::Version(v.version) }];
        match outbox::publish(app, ops, events).await {
            Ok(()) => started += 1,
            // Changed meanwhile: the next sweep looks again.
            Err(AppError::Conflict(_)) => return Ok(started),
            Err(e) => return Err(e),
        }
    }
    store::STARTS.set_cursor(s, hour).await?;
    Ok(started)
}
