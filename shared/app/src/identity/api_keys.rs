//! API keys (PRD 3.2's API rows): full, tenant-scoped and read-only, shown once, stored as a
//! hash with a visible prefix, with last-used time, optional expiry, revocation and a per-key
//! request rate (429 with Retry-After beyond it).
//!
//! A key reads `kt_<tenant id>_<key id>_<secret>`: the ids find the item without any global
//! index, the secret proves possession.

use kt_domain::auth::{ApiKey, ApiKeyKind};
use kt_domain::policy::{Actor, Cell, Permission, cell, may};
use kt_domain::tenancy::{Tenant, TenantStatus, UserStatus};
use kt_store::{Cond, accounts, api_keys};

use super::sessions::ClientInfo;
use super::tokens::{hash_secret, new_secret, secret_matches};
use super::{audit, tenancy};
use crate::{AppError, AppState};

pub const DEFAULT_RATE_PER_MINUTE: u32 = 600;
pub const PREFIX: &str = "kt_";

#[derive(Debug, Clone)]
pub struct NewApiKey {
    pub name: String,
    pub kind: ApiKeyKind,
    pub scopes: Vec<Permission>,
    pub expires_in_days: Option<u32>,
    pub rate_per_minute: Option<u32>,
}

/// Creates a key for the actor; returns it with the secret, which is never shown again.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewApiKey,
    client: &ClientInfo,
) -> Result<(ApiKey, String), AppError> {
    let name = kt_domain::tenancy::parse_name(&input.name, "name")?;
    let permission = input.kind.permission();
    let allowed = match cell(actor.role, permission) {
        // Staff hold full keys only with explicit scopes, each one the role may use itself.
        Cell::Scoped => !input.scopes.is_empty() && input.scopes.iter().all(|p| may(actor, *p)),
        _ => may(actor, permission),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if input.rate_per_minute.is_some_and(|r| r == 0 || r > 10_000) {
        return Err(AppError::invalid("rate_per_minute", "use 1 to 10000"));
    }
    if input.expires_in_days.is_some_and(|d| d == 0 || d > 3650) {
        return Err(AppError::invalid("expires_in_days", "use 1 to 3650"));
    }
    let id = app.ids.ulid().to_string();
    let secret = new_secret();
    let full = format!("{PREFIX}{}_{id}_{secret}", tenant.id);
    let now = app.clock.now();
    let key = ApiKey {
        id: id.clone(),
        tenant: tenant.id.clone(),
        owner: actor.user.clone(),
        name,
        kind: input.kind,
        scopes: if cell(actor.role, permission) == Cell::Scoped { input.scopes } else { vec![] },
        prefix: format!("{PREFIX}…{}", &secret[..6]),
        hash: hash_secret(&secret),
        rate_per_minute: input.rate_per_minute.unwrap_or(DEFAULT_RATE_PER_MINUTE),
        created_at: now,
        last_used_at: None,
        ends_at: input.expires_in_days.map(|d| now + time::Duration::days(d as i64)),
        revoked: false,
    };
    let e = audit::entry(app, &tenant.id, Some(&actor.user), "api_key.created", Some(id), client);
    app.store
        .transact(vec![kt_store::TxOp::Put { item: api_keys::item(&key, 1)?, cond: Cond::NotExists }, audit::op(&e)?])
        .await?;
    Ok((key, full))
}

pub async fn list(app: &AppState, actor: &Actor) -> Result<Vec<ApiKey>, AppError> {
    Ok(api_keys::of_owner(app.store.as_ref(), &actor.tenant, &actor.user).await?)
}

pub async fn revoke(app: &AppState, actor: &Actor, id: &str, client: &ClientInfo) -> Result<(), AppError> {
    let store = app.store.as_ref();
    let current = api_keys::get(store, &actor.tenant, id).await?.ok_or(AppError::NotFound)?;
    if current.value.owner != actor.user {
        return Err(AppError::NotFound);
    }
    let mut key = current.value;
    key.revoked = true;
    let e = audit::entry(app, &actor.tenant, Some(&actor.user), "api_key.revoked", Some(id.to_owned()), client);
    store
        .transact(vec![
            kt_store::TxOp::Put {
                item: api_keys::item(&key, current.version + 1)?,
                cond: Cond::Version(current.version),
            },
            audit::op(&e)?,
        ])
        .await?;
    Ok(())
}

/// The actor behind an API key, after counting the request against its rate.
/// Returns the key's kind too (read-only keys may only read).
pub async fn authenticate(app: &AppState, presented: &str) -> Result<(Actor, ApiKeyKind), AppError> {
    let rest = presented.strip_prefix(PREFIX).ok_or(AppError::Unauthenticated)?;
    let mut parts = rest.splitn(3, '_');
    let (Some(tid), Some(id), Some(secret)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(AppError::Unauthenticated);
    };
    let tenant_id = kt_domain::identity::TenantId::try_from(tid.to_owned()).map_err(|_| AppError::Unauthenticated)?;
    let store = app.store.as_ref();
    let stored = api_keys::get(store, &tenant_id, id).await?.ok_or(AppError::Unauthenticated)?;
    let key = stored.value;
    let now = app.clock.now();
    if key.revoked || key.ends_at.is_some_and(|e| e <= now) || !secret_matches(secret, &key.hash) {
        return Err(AppError::Unauthenticated);
    }
    let tenant = tenancy::get(app, &tenant_id).await.map_err(|_| AppError::Unauthenticated)?;
    if tenant.status != TenantStatus::Active {
        return Err(AppError::Unauthenticated);
    }
    let owner = accounts::get_user(store, &tenant_id, &key.owner).await?.map(|v| v.value);
    let Some(owner) = owner.filter(|u| u.status == UserStatus::Active) else { return Err(AppError::Unauthenticated) };
    let used = api_keys::count_request(store, &tenant_id, id, now.unix_timestamp()).await?;
    if used > key.rate_per_minute as i64 {
        return Err(AppError::RateLimited { retry_after_secs: (60 - now.unix_timestamp() % 60).max(1) as u64 });
    }
    if key.last_used_at.is_none_or(|t| now - t > time::Duration::minutes(1)) {
        let mut touched = key.clone();
        touched.last_used_at = Some(now);
        // Best effort: a concurrent touch winning is just as good.
        let _ = store.put(api_keys::item(&touched, stored.version + 1)?, Cond::Version(stored.version)).await;
    }
    let orgs = accounts::orgs_of(store, &tenant_id, &owner.id).await?;
    let actor = Actor {
        user: owner.id,
        tenant: tenant_id,
        role: owner.role,
        orgs,
        scopes: if key.kind == ApiKeyKind::Full && !key.scopes.is_empty() { Some(key.scopes.clone()) } else { None },
        optional_enabled: tenant.settings.client_api_enabled,
        tenant_bound: key.kind != ApiKeyKind::Full,
    };
    Ok((actor, key.kind))
}
