//! Service requests: asked for an organization with the type's form answered (the submission
//! and the request in one transaction, the request taking the submission's id), read by the
//! client's side and its reviewers, moved through the flow by whose turn it is, and discussed
//! in its activity log. One commit path: [`commit`].

use kt_domain::DomainEvent;
use kt_domain::identity::OrgId;
use kt_domain::policy::Actor;
use kt_domain::service::{
    Activity, Happening, MAX_COMMENT, Mover, ServiceRequest, Status, check_request, may_move, may_request, mover,
    reviews,
};
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::service as store;
use kt_store::{Cond, TxOp};
use serde_json::{Map, Value, json};

use super::types;
use crate::idempotency::{Guard, Recorded};
use crate::{AppError, AppState, outbox};

/// What someone asks for.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub service_type: String,
    pub org: OrgId,
    pub title: String,
    pub details: String,
    /// The answers to the type's form (required when it has one).
    pub answers: Option<Map<String, Value>>,
}

fn event(app: &AppState, r: &ServiceRequest, kind: &str, actor: &Actor, extra: Value) -> DomainEvent {
    let mut payload = json!({"request": r.id, "actor": actor.user.to_string()});
    if let (Some(p), Value::Object(more)) = (payload.as_object_mut(), extra) {
        p.extend(more);
    }
    DomainEvent::new(app.ids.ulid(), kind, Some(r.tenant.to_string()), app.clock.now(), payload)
}

fn activity(app: &AppState, actor: &Actor, what: Happening) -> Activity {
    Activity { id: app.ids.ulid().to_string(), actor: Some(actor.user.clone()), what, at: app.clock.now() }
}

/// The operations that write `r` (at `version`, over `previous`), its activity and its event.
fn commit(
    r: &ServiceRequest,
    version: u64,
    previous: Option<u64>,
    log: &Activity,
    event: DomainEvent,
) -> Result<Vec<TxOp>, AppError> {
    let cond = previous.map_or(Cond::NotExists, Cond::Version);
    Ok(vec![
        TxOp::Put { item: store::request_item(r, version)?, cond },
        store::activity_op(&r.tenant, &r.id, log)?,
        outbox::record(crate::tickets::EVENTS, event)?,
    ])
}

async fn write(app: &AppState, ops: Vec<TxOp>) -> Result<(), AppError> {
    app.store.transact(ops).await.map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    app.outbox_wake.notify_one();
    Ok(())
}

/// Asks for a service. A retry with the same guard answers the request the first attempt made
/// (`true`).
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewRequest,
    guard: Option<&Guard>,
) -> Result<(Versioned<ServiceRequest>, bool), AppError> {
    crate::identity::tenancy::in_reach(actor, tenant)?;
    if let Some(g) = guard {
        match g.recorded(app.store.as_ref()).await? {
            None => {}
            Some(Recorded::OtherBody) => return Err(Guard::other_body()),
            Some(Recorded::Made(resource)) => {
                let id = resource.strip_prefix("service_request:").unwrap_or(&resource);
                let r = store::request(app.store.as_ref(), &tenant.id, id).await?;
                return Ok((r.ok_or_else(|| AppError::Internal("a recorded request is missing".into()))?, true));
            }
        }
    }
    if !may_request(actor, &tenant.id, &input.org) {
        return Err(AppError::NotFound);
    }
    kt_store::accounts::get_org(app.store.as_ref(), &tenant.id, &input.org)
        .await?
        .ok_or_else(|| AppError::invalid("org_id", "is no organization of this portal"))?;
    let kind = types::get(app, &input.service_type)
        .await
        .ok()
        .filter(|t| t.value.active)
        .ok_or_else(|| AppError::invalid("service_type", "is not a service offered"))?
        .value;
    let (title, details) = check_request(&input.title, &input.details).map_err(AppError::from_invalid)?;
    let now = app.clock.now();
    let draft =
        |id: String, form: Option<String>, submission: Option<String>, estimate: Option<String>| ServiceRequest {
            id,
            tenant: tenant.id.clone(),
            org: input.org.clone(),
            requested_by: actor.user.clone(),
            service_type: kind.id.clone(),
            type_name: kind.name.clone(),
            title: title.clone(),
            details: details.clone(),
            form,
            submission,
            estimate,
            status: Status::Submitted,
            quote: None,
            project: None,
            created_at: now,
            updated_at: now,
        };
    // The currency an automatic quote is written in. Types are the house's, so they quote by
    // themselves only Kre8ivTech's own clients: a partner prices its clients' requests itself.
    let currency = match &kind.auto_quote {
        Some(_) if tenant.kind == kt_domain::tenancy::TenantKind::House => {
            Some(kt_store::invoices::settings(app.store.as_ref(), &tenant.id).await?.0.currency)
        }
        _ => None,
    };
    let made = |r: &ServiceRequest| -> Result<Vec<TxOp>, AppError> {
        let mut r = r.clone();
        let log = activity(app, actor, Happening::Created);
        let quote = match currency {
            Some(c) => crate::quotes::automatic::answer(app, &kind, c, &mut r, now)?,
            None => Vec::new(),
        };
        let e = event(app, &r, "service_request.created", actor, json!({}));
        let mut ops = commit(&r, 1, None, &log, e)?;
        ops.extend(quote);
        if let Some(g) = guard {
            ops.push(g.record(&format!("service_request:{}", r.id), now.unix_timestamp())?);
        }
        Ok(ops)
    };
    let r = match &kind.form {
        Some(form) => {
            let answers = input.answers.ok_or_else(|| AppError::invalid("answers", "answer the service's form"))?;
            let price = kind.price_field.clone();
            let made_for = |s: &kt_domain::forms::Submission| {
                let estimate = price.as_ref().and_then(|k| s.values.get(k)).and_then(Value::as_str).map(str::to_owned);
                made(&draft(s.id.clone(), Some(form.clone()), Some(s.id.clone()), estimate))
            };
            let (s, _) = crate::forms::fill::submit_with(app, actor, form, answers, None, &made_for).await?;
            if currency.is_some() {
                // It may have been quoted as it was made: answer what was written.
                let written = store::request(app.store.as_ref(), &tenant.id, &s.id).await?;
                return Ok((written.ok_or_else(|| AppError::Internal("a new request is missing".into()))?, false));
            }
            let estimate = price.as_ref().and_then(|k| s.values.get(k)).and_then(Value::as_str).map(str::to_owned);
            draft(s.id.clone(), Some(form.clone()), Some(s.id), estimate)
        }
        None => {
            if input.answers.as_ref().is_some_and(|a| !a.is_empty()) {
                return Err(AppError::invalid("answers", "this service has no form to answer"));
            }
            let r = draft(app.ids.ulid().to_string(), None, None, None);
            write(app, made(&r)?).await?;
            r
        }
    };
    Ok((Versioned { version: 1, value: r }, false))
}

/// The request, when the actor may see it.
pub async fn get(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
) -> Result<Versioned<ServiceRequest>, AppError> {
    let r = store::request(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if mover(actor, &r.value).is_some() { Ok(r) } else { Err(AppError::NotFound) }
}

/// A page of the tenant's requests the actor may see: an organization's (clients: theirs only;
/// `org` defaults to their first), or all of the tenant's (its reviewers and partner staff).
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    org: Option<OrgId>,
    status: Option<Status>,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<ServiceRequest>, Option<String>), AppError> {
    crate::identity::tenancy::in_reach(actor, tenant)?;
    let whole_tenant =
        kt_domain::policy::visible(actor, &kt_domain::policy::Resource { tenant: &tenant.id, org: None, owner: None })
            && actor.role != kt_domain::identity::Role::Client;
    let org = match (org, whole_tenant) {
        (Some(o), _) if may_request(actor, &tenant.id, &o) => Some(o),
        (Some(_), _) => return Err(AppError::NotFound),
        (None, true) => None,
        (None, false) => Some(actor.orgs.first().cloned().ok_or(AppError::NotFound)?),
    };
    // A status filter reads on (a few pages at most) until the page is full, each read asking
    // only for what is missing, so the cursor answered is exact.
    let (mut out, mut next) = (Vec::new(), cursor);
    for _ in 0..8 {
        let want = limit.saturating_sub(out.len() as u32).max(1);
        let (items, after) = store::requests(app.store.as_ref(), &tenant.id, org.as_ref(), want, next).await?;
        out.extend(items.into_iter().filter(|r| status.is_none_or(|s| r.status == s)));
        next = after;
        if status.is_none() || next.is_none() || out.len() as u32 >= limit {
            break;
        }
    }
    Ok((out, next))
}

/// The requests waiting for review in every tenant (house staff).
pub async fn pending(app: &AppState, actor: &Actor, limit: u32) -> Result<Vec<ServiceRequest>, AppError> {
    if !(actor.role.is_house_staff() && !actor.tenant_bound) {
        return Err(AppError::Forbidden);
    }
    Ok(store::pending(app.store.as_ref(), limit).await?)
}

/// Moves the request to `to` (under `expected`, its version), with an optional note.
pub async fn change_status(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    to: Status,
    note: Option<String>,
    expected: Option<u64>,
) -> Result<Versioned<ServiceRequest>, AppError> {
    let current = get(app, actor, tenant, id).await?;
    if expected.is_some_and(|e| e != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let by = mover(actor, &current.value).ok_or(AppError::NotFound)?;
    let from = current.value.status;
    if from == to {
        return Ok(current);
    }
    if !may_move(from, to, by) {
        return Err(AppError::Conflict(format!(
            "a request that is {} cannot be moved to {} by {}",
            from.label().to_lowercase(),
            to.label().to_lowercase(),
            if by == Mover::Reviewer { "its reviewers" } else { "its requester" }
        )));
    }
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_COMMENT) {
        return Err(AppError::invalid("note", "use at most 10,000 characters"));
    }
    let mut r = current.value.clone();
    r.status = to;
    r.updated_at = app.clock.now();
    let log = activity(app, actor, Happening::Status { from, to, note: note.clone() });
    let e = event(app, &r, "service_request.status", actor, json!({"from": from.as_str(), "to": to.as_str()}));
    write(app, commit(&r, current.version + 1, Some(current.version), &log, e)?).await?;
    Ok(Versioned { version: current.version + 1, value: r })
}

/// Adds a comment to the request's conversation (its client side and its reviewers).
pub async fn comment(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    body: &str,
) -> Result<Activity, AppError> {
    let current = get(app, actor, tenant, id).await?;
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_COMMENT {
        return Err(AppError::invalid("body", "write 1 to 10,000 characters"));
    }
    let mut r = current.value.clone();
    r.updated_at = app.clock.now();
    let log = activity(app, actor, Happening::Comment { body: body.to_owned() });
    let from_reviewer = reviews(actor, &r.tenant);
    let e = event(app, &r, "service_request.comment", actor, json!({"from_reviewer": from_reviewer, "entry": log.id}));
    write(app, commit(&r, current.version + 1, Some(current.version), &log, e)?).await?;
    Ok(log)
}

/// A page of the request's activity, oldest first.
pub async fn activity_log(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Activity>, Option<String>), AppError> {
    get(app, actor, tenant, id).await?;
    Ok(store::activity(app.store.as_ref(), &tenant.id, id, limit, cursor).await?)
}

/// The names of `people` (of the tenant, or Kre8ivTech's staff), for an activity log.
pub async fn names(
    app: &AppState,
    tenant: &kt_domain::identity::TenantId,
    people: &[kt_domain::identity::UserId],
) -> Result<std::collections::HashMap<kt_domain::identity::UserId, String>, AppError> {
    let mut wanted: Vec<kt_domain::identity::UserId> = people.to_vec();
    wanted.sort();
    wanted.dedup();
    let mut out = std::collections::HashMap::new();
    let store = app.store.as_ref();
    let keys: Vec<_> = wanted.iter().map(|u| (tenant.clone(), u.clone())).collect();
    for u in kt_store::accounts::get_users(store, &keys).await?.into_iter().flatten() {
        out.insert(u.id.clone(), u.name);
    }
    let missing: Vec<_> = wanted.iter().filter(|u| !out.contains_key(*u)).cloned().collect();
    if let (false, Some(house)) = (missing.is_empty(), crate::identity::tenancy::house(store).await?) {
        let keys: Vec<_> = missing.iter().map(|u| (house.clone(), u.clone())).collect();
        for u in kt_store::accounts::get_users(store, &keys).await?.into_iter().flatten() {
            out.insert(u.id.clone(), u.name);
        }
    }
    Ok(out)
}
