//! Addresses mail no longer goes to. SES reports a permanent bounce or a complaint (through SNS
//! and a queue to the inbound-mail function; on the local host, mail to SES's simulator
//! addresses is answered alike, see [`super::simulated_feedback`]); the
//! address is stopped for every tenant and listed for the tenant whose mail it was. Mail to it
//! is then dropped when sent, until it is confirmed again: by its owner through a link mailed
//! to it (the one mail that goes to a stopped address), or, after a bounce, by the tenant's
//! admins once the mailbox is fixed. A complaint only its owner can take back.

use kt_domain::identity::Email;
use kt_domain::mail::suppression::{self, StopReason};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::{Tenant, User};
use kt_store::entity::Versioned;
use kt_store::mail_out::{self as store, Stopped};
use kt_store::{Cond, TxOp};

use crate::{AppError, AppState, permit};

/// How often a stop is tried again when another report for the same address wrote first.
const ATTEMPTS: usize = 5;

/// Records what an SES report stops; returns how many addresses it named. Idempotent: a
/// redelivered report leaves the same records.
pub async fn record(app: &AppState, report: &serde_json::Value) -> Result<usize, AppError> {
    let stops = suppression::stops_in(report).map_err(|e| AppError::invalid("report", e))?;
    for s in &stops {
        let tenant = s.tenant.clone().and_then(|t| kt_domain::identity::TenantId::try_from(t).ok());
        let mut attempt = 0;
        loop {
            attempt += 1;
            let current = store::stopped(app.store.as_ref(), &s.email).await?;
            let mut tenants = current.as_ref().map(|c| c.value.tenants.clone()).unwrap_or_default();
            if let Some(t) = &tenant
                && !tenants.contains(t)
            {
                tenants.push(t.clone());
            }
            // A complaint outweighs a bounce: only the owner takes it back.
            let reason = match current.as_ref().map(|c| c.value.reason) {
                Some(StopReason::Complaint) => StopReason::Complaint,
                _ => s.reason,
            };
            let next =
                Stopped { email: s.email.clone(), reason, detail: s.detail.clone(), at: app.clock.now(), tenants };
            match app.store.transact(write_ops(&next, current.as_ref())?).await {
                Ok(()) => break,
                Err(e) if e.is_conflict() && attempt < ATTEMPTS => continue,
                Err(e) => return Err(e.into()),
            }
        }
        tracing::info!(reason = ?s.reason, "mail to an address stopped");
    }
    Ok(stops.len())
}

fn write_ops(next: &Stopped, current: Option<&Versioned<Stopped>>) -> Result<Vec<TxOp>, AppError> {
    let (version, cond) = match current {
        Some(c) => (c.version + 1, Cond::Version(c.version)),
        None => (1, Cond::NotExists),
    };
    let mut ops = vec![TxOp::Put { item: kt_store::entity::item(store::stop_key(&next.email), next, version)?, cond }];
    for t in &next.tenants {
        ops.push(TxOp::Put {
            item: kt_store::entity::item(store::listed_key(t, &next.email), next, version)?,
            cond: Cond::None,
        });
    }
    Ok(ops)
}

/// Whether mail to `email` is stopped.
pub async fn is_stopped(app: &AppState, email: &Email) -> Result<bool, AppError> {
    Ok(store::stopped(app.store.as_ref(), email).await?.is_some())
}

/// Starts mail to `email` again: the stop and every tenant's listing of it go.
async fn clear(app: &AppState, current: &Versioned<Stopped>) -> Result<(), AppError> {
    let mut ops =
        vec![TxOp::Delete { key: store::stop_key(&current.value.email), cond: Cond::Version(current.version) }];
    for t in &current.value.tenants {
        ops.push(TxOp::Delete { key: store::listed_key(t, &current.value.email), cond: Cond::None });
    }
    app.store.transact(ops).await.map_err(|e| {
        if e.is_conflict() { AppError::Conflict("the address was reported again; look again".into()) } else { e.into() }
    })
}

fn require(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    permit(actor, Permission::ManageTenantTickets, &Resource { tenant: &tenant.id, org: None, owner: None })
}

/// One page of the tenant's stopped addresses.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Stopped>, Option<String>), AppError> {
    require(actor, tenant)?;
    Ok(store::listed(app.store.as_ref(), &tenant.id, limit, cursor).await?)
}

/// An admin starts mail again to an address of the tenant's list whose mail bounced (the
/// mailbox was fixed). A complaint is refused: only its owner can take it back.
pub async fn start_again(app: &AppState, actor: &Actor, tenant: &Tenant, email: &str) -> Result<(), AppError> {
    require(actor, tenant)?;
    let email = Email::parse(email).map_err(|_| AppError::NotFound)?;
    let current = store::stopped(app.store.as_ref(), &email).await?.ok_or(AppError::NotFound)?;
    if !current.value.tenants.contains(&tenant.id) {
        return Err(AppError::NotFound);
    }
    if current.value.reason == StopReason::Complaint {
        return Err(AppError::Conflict(
            "its owner reported our mail as spam: only they can start it again, by confirming the address from their settings"
                .into(),
        ));
    }
    clear(app, &current).await
}

/// Whether mail to `user` is stopped, and why.
pub async fn of_user(app: &AppState, user: &User) -> Result<Option<Stopped>, AppError> {
    Ok(store::stopped(app.store.as_ref(), &user.email).await?.map(|v| v.value))
}

/// The owner confirmed the address through the link mailed to it: mail starts again.
pub(crate) async fn confirmed(app: &AppState, user: &User) -> Result<(), AppError> {
    match store::stopped(app.store.as_ref(), &user.email).await? {
        Some(current) => clear(app, &current).await,
        None => Ok(()),
    }
}
