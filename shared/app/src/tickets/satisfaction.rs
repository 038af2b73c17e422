//! Satisfaction surveys: once a ticket is resolved its requester rates it (1-5) with an
//! optional comment, once, in the portal or through the signed link of the resolution mail
//! (no sign-in needed; the link names one ticket and one person and expires). Ratings count
//! into the tenant's and the organization's figures (`csat:count`, `csat:sum`,
//! `csat:<rating>`) in the same transaction.

use kt_domain::identity::{TenantId, TicketId, UserId};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_domain::ticket::Ticket;
use kt_domain::workflow::{Satisfaction, check_rating, may_rate};
use kt_store::{Cond, TxOp, tickets};
use serde::{Deserialize, Serialize};

use super::{activity_entry, event_op, get};
use crate::identity::tenancy;
use crate::{AppError, AppState};

/// How long a survey link works.
pub const LINK_DAYS: i64 = 30;
const SEAL_OWNER: &str = "survey-link";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    t: String,
    k: String,
    u: String,
    /// Expiry, Unix seconds.
    e: i64,
}

/// The signed, sealed token of a survey link for the ticket's requester.
pub fn link_token(app: &AppState, t: &Ticket) -> Result<String, AppError> {
    let claims = Claims {
        t: t.tenant.to_string(),
        k: t.id.to_string(),
        u: t.requester.to_string(),
        e: app.clock.now_unix() + LINK_DAYS * 86_400,
    };
    let plain = serde_json::to_vec(&claims).map_err(|e| AppError::Internal(e.to_string()))?;
    app.sealer.seal(&plain, SEAL_OWNER)
}

/// The ticket a survey link names, with its tenant and the person it is for; 404 for a link
/// that does not open, names nothing, has expired, or is opened on another tenant's portal
/// than `host` (the tenant whose host serves the request).
pub async fn open_link(app: &AppState, host: &TenantId, token: &str) -> Result<(Tenant, Ticket, UserId), AppError> {
    let plain = app.sealer.open(token.trim(), SEAL_OWNER).map_err(|_| AppError::NotFound)?;
    let c: Claims = serde_json::from_slice(&plain).map_err(|_| AppError::NotFound)?;
    if c.e < app.clock.now_unix() {
        return Err(AppError::NotFound);
    }
    let (Ok(tenant), Ok(id), Ok(user)) = (TenantId::try_from(c.t), TicketId::try_from(c.k), UserId::try_from(c.u))
    else {
        return Err(AppError::NotFound);
    };
    if &tenant != host {
        return Err(AppError::NotFound);
    }
    let t = tickets::get(app.store.as_ref(), &tenant, &id).await?.ok_or(AppError::NotFound)?.value;
    if t.requester != user {
        return Err(AppError::NotFound);
    }
    Ok((tenancy::get(app, &tenant).await?, t, user))
}

fn csat_ops(t: &Ticket, rating: u8) -> Vec<TxOp> {
    let org_scope = format!("org:{}", t.org);
    let mut ops = Vec::new();
    for scope in ["all", org_scope.as_str()] {
        for (counter, by) in
            [("csat:count".to_owned(), 1), ("csat:sum".to_owned(), rating as i64), (format!("csat:{rating}"), 1)]
        {
            ops.push(TxOp::Increment {
                key: tickets::stat_key(&t.tenant, scope, &counter),
                field: tickets::NODE_FIELD.into(),
                by,
            });
        }
    }
    ops
}

/// Records the requester's rating of a ticket (once; only when it is resolved or closed).
async fn record(
    app: &AppState,
    tenant: &Tenant,
    id: &TicketId,
    user: &UserId,
    rating: u8,
    comment: &str,
    via: &str,
) -> Result<Ticket, AppError> {
    let comment = check_rating(rating, comment).map_err(AppError::from_invalid)?;
    for _ in 0..3 {
        let current = tickets::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
        let mut t = current.value;
        if &t.requester != user {
            return Err(AppError::Forbidden);
        }
        if t.satisfaction.is_some() {
            return Err(AppError::Conflict("this ticket has been rated already".into()));
        }
        if !may_rate(t.status) {
            return Err(AppError::Conflict("a ticket can be rated once it is resolved".into()));
        }
        t.satisfaction = Some(Satisfaction { rating, comment: comment.clone(), via: via.into(), at: app.clock.now() });
        let mut ops =
            vec![TxOp::Put { item: tickets::item(&t, current.version + 1)?, cond: Cond::Version(current.version) }];
        ops.extend(csat_ops(&t, rating));
        let now = app.clock.now();
        ops.extend(kt_store::daily::ops(&t.tenant, now, kt_store::daily::RATINGS, 1));
        ops.extend(kt_store::daily::ops(&t.tenant, now, kt_store::daily::RATING_SUM, rating as i64));
        ops.push(activity_entry(app, &t, Some(user), "satisfaction", None, Some(rating.to_string()))?);
        let extra = serde_json::json!({"rating": rating, "via": via, "fields": []});
        ops.push(event_op(app, "ticket.rated", &t, tenant, None, &[], extra)?);
        match app.store.transact(ops).await {
            Ok(()) => {
                app.outbox_wake.notify_one();
                return Ok(t);
            }
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("the ticket is being changed by others; try again".into()))
}

/// The requester rates their ticket in the portal.
pub async fn rate(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &TicketId,
    rating: u8,
    comment: &str,
) -> Result<Ticket, AppError> {
    let t = get(app, actor, tenant, id).await?.value;
    if t.requester != actor.user {
        return Err(AppError::Forbidden);
    }
    record(app, tenant, id, &actor.user, rating, comment, "portal").await
}

/// The requester rates their ticket through the mail's link.
pub async fn rate_by_link(
    app: &AppState,
    host: &TenantId,
    token: &str,
    rating: u8,
    comment: &str,
) -> Result<(Tenant, Ticket), AppError> {
    let (tenant, t, user) = open_link(app, host, token).await?;
    let t = record(app, &tenant, &t.id, &user, rating, comment, "email").await?;
    Ok((tenant, t))
}

/// A tenant's (or an organization's) satisfaction figures from its counters.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Figures {
    pub count: i64,
    /// Mean rating (0 when there is none).
    pub average: f64,
    /// How many gave each rating, 1 to 5.
    pub by_rating: [i64; 5],
}

pub fn figures(raw: &std::collections::BTreeMap<String, i64>) -> Figures {
    let count = raw.get("csat:count").copied().unwrap_or(0).max(0);
    let sum = raw.get("csat:sum").copied().unwrap_or(0).max(0);
    let mut by_rating = [0; 5];
    for (i, slot) in by_rating.iter_mut().enumerate() {
        *slot = raw.get(&format!("csat:{}", i + 1)).copied().unwrap_or(0).max(0);
    }
    let average = if count > 0 { (sum as f64 / count as f64 * 100.0).round() / 100.0 } else { 0.0 };
    Figures { count, average, by_rating }
}
