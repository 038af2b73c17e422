//! What the tenant's people do with received mail: the inbound address and the policy for
//! unknown senders, the review list (accept, adding the sender as a client, or discard), the
//! dead-letter list (retry) and the raw message of any received mail. The people who work the
//! tenant's tickets do this (super admins, staff, the partner for its own tenant).

use std::time::Duration;

use kt_domain::identity::OrgId;
use kt_domain::identity::Role;
use kt_domain::mail::address;
use kt_domain::mail::inbound::{Action, InboundMail, Reason, Status, UnknownSenders};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::inbound::{self as store, List, Settings};
use kt_store::{Cond, accounts};

use crate::identity::accounts::{NewUser, create_user};
use crate::identity::sessions::ClientInfo;
use crate::{AppError, AppState, permit};

/// How long a raw message's download link holds.
const RAW_URL_SECS: u64 = 5 * 60;

fn require(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    permit(actor, Permission::ManageTenantTickets, &Resource { tenant: &tenant.id, org: None, owner: None })
}

/// The tenant's inbound address, its settings and their version.
pub async fn settings(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
) -> Result<(String, Versioned<Settings>), AppError> {
    require(actor, tenant)?;
    let s = store::settings(app.store.as_ref(), &tenant.id).await?;
    Ok((address::tenant_address(&tenant.slug, &app.config.mail_inbound_domain), s))
}

/// Changes the settings (under the version read, `If-Match`).
pub async fn set_settings(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    unknown_senders: &str,
    forwarded_from: Vec<String>,
    version: Option<u64>,
) -> Result<Versioned<Settings>, AppError> {
    require(actor, tenant)?;
    let mut errors = Vec::new();
    let unknown_senders = match unknown_senders.trim() {
        "hold" => UnknownSenders::Hold,
        "refuse" => UnknownSenders::Refuse,
        _ => {
            errors.push(kt_domain::identity::Invalid::new("unknown_senders", "use hold or refuse"));
            UnknownSenders::Hold
        }
    };
    let mut forwarded = Vec::new();
    if forwarded_from.len() > 10 {
        errors.push(kt_domain::identity::Invalid::new("forwarded_from", "list at most 10 addresses"));
    }
    for (i, a) in forwarded_from.iter().enumerate() {
        match kt_domain::identity::Email::parse(a) {
            Ok(e) if !forwarded.contains(&e.as_str().to_owned()) => forwarded.push(e.as_str().to_owned()),
            Ok(_) => {}
            Err(_) => errors
                .push(kt_domain::identity::Invalid::new(format!("forwarded_from[{i}]"), "is not an email address")),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    let current = store::settings(app.store.as_ref(), &tenant.id).await?;
    if version.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let next = Settings { unknown_senders, forwarded_from: forwarded };
    let cond = if current.version == 0 { Cond::NotExists } else { Cond::Version(current.version) };
    app.store
        .put(store::settings_item(&tenant.id, &next, current.version + 1)?, cond)
        .await
        .map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    Ok(Versioned { value: next, version: current.version + 1 })
}

/// Which received mail to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    All,
    Held,
    Dead,
}

/// One page of received mail, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    which: Which,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<InboundMail>, Option<String>), AppError> {
    require(actor, tenant)?;
    let list = match which {
        Which::All => None,
        Which::Held => Some(List::Held),
        Which::Dead => Some(List::Dead),
    };
    Ok(store::page(app.store.as_ref(), &tenant.id, list, limit, cursor).await?)
}

pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Versioned<InboundMail>, AppError> {
    require(actor, tenant)?;
    store::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)
}

/// A short-lived link to the raw message as it was received: for the tenant's ticket workers,
/// and for its sender while they may read the ticket it became (another person's original may
/// quote what was cut from the reply, so readers get only their own).
pub async fn raw_url(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<String, AppError> {
    let m = store::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?.value;
    let allowed = require(actor, tenant).is_ok()
        || match (&m.ticket, &m.sender) {
            (Some(t), Some(sender)) if sender == &actor.user && !m.internal => {
                crate::tickets::get(app, actor, tenant, t).await.is_ok()
            }
            _ => false,
        };
    if !allowed {
        return Err(AppError::NotFound);
    }
    let name = format!("mail-{}.eml", m.id.to_lowercase());
    Ok(app.blobs.presign_download(&m.raw_key, Duration::from_secs(RAW_URL_SECS), Some(&name)).await?)
}

/// Files a held mail: a sender the portal does not know becomes a client of `org` (invited by
/// mail), then the mail is filed or added to its thread as theirs, whatever held it.
pub async fn accept(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    org: Option<OrgId>,
    client: &ClientInfo,
) -> Result<InboundMail, AppError> {
    let current = get(app, actor, tenant, id).await?;
    if current.value.status != Status::Held {
        return Err(AppError::Conflict(format!("this mail is {}, not held", current.value.status.as_str())));
    }
    let from = current.value.from.clone().ok_or_else(|| AppError::Conflict("this mail names no sender".into()))?;
    let mut who = super::sender(app, tenant, &from.email).await?;
    if who.is_none() {
        let org = org.ok_or_else(|| AppError::invalid("org_id", "name the organization the new client belongs to"))?;
        if accounts::get_org(app.store.as_ref(), &tenant.id, &org).await?.is_none() {
            return Err(AppError::invalid("org_id", "is not an organization of this portal"));
        }
        let name = from.name.clone().unwrap_or_else(|| from.email.split('@').next().unwrap_or_default().to_owned());
        let input =
            NewUser { email: from.email.clone(), name, role: Role::Client, password: None, orgs: vec![org.clone()] };
        let user = create_user(app, Some(actor), tenant, input, client).await?;
        let person = Actor {
            user: user.id.clone(),
            tenant: tenant.id.clone(),
            role: Role::Client,
            orgs: vec![org],
            scopes: None,
            optional_enabled: tenant.settings.client_api_enabled,
            tenant_bound: false,
        };
        who = Some((user, person));
    }
    let raw = app
        .blobs
        .get(&current.value.raw_key)
        .await?
        .ok_or_else(|| AppError::Conflict("the raw message is no longer kept".into()))?;
    let parsed = super::parse(&raw.bytes);
    let reply = address::route(&current.value.recipient, &app.config.mail_inbound_domain).and_then(|r| r.reply);
    let ticket = super::thread_of(app, tenant, &parsed, reply.as_ref()).await?;
    let action = match &ticket {
        Some(t) if t.status != kt_domain::ticket::Status::Closed => Action::Reply,
        _ => Action::File,
    };
    let automation = current.value.automation;
    super::act::commit(app, tenant, &current, &parsed, automation, who, ticket, action).await
}

/// Drops a held mail from the review list (kept in the log, with its raw message).
pub async fn discard(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<InboundMail, AppError> {
    let current = get(app, actor, tenant, id).await?;
    if current.value.status != Status::Held {
        return Err(AppError::Conflict(format!("this mail is {}, not held", current.value.status.as_str())));
    }
    let mut m = current.value.clone();
    m.status = Status::Discarded;
    m.updated_at = app.clock.now();
    let ops = store::write_ops(&m, current.version + 1, Some(current.value.status))?;
    app.store.transact(ops).await.map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    Ok(m)
}

/// Processes a dead letter again.
pub async fn retry(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<InboundMail, AppError> {
    let current = get(app, actor, tenant, id).await?;
    if current.value.status != Status::Failed {
        return Err(AppError::Conflict(format!("this mail is {}, not failed", current.value.status.as_str())));
    }
    super::process(app, tenant, id).await
}

/// What staff read of why a mail was held, refused or ignored.
pub fn reason_text(r: Reason) -> &'static str {
    r.text()
}
