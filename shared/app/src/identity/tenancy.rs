//! Tenants and the hosts that reach them. `{slug}.<portal domain>` and mapped custom domains
//! resolve to their tenant, the bare portal domain to the house; lookups are cached per
//! process for a few seconds and dropped at once when this process changes a tenant.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use kt_domain::identity::{TenantId, TenantSlug, TicketPrefix};
use kt_domain::tenancy::{Branding, Tenant, TenantKind, TenantSettings, TenantStatus, parse_name};
use kt_store::{Store, tenants};

use crate::{AppError, AppState};

/// How long a resolved host is trusted without asking the store again.
pub const CACHE_TTL: Duration = Duration::from_secs(5);

#[derive(Default)]
pub struct TenantCache {
    hosts: RwLock<HashMap<String, (Option<TenantId>, Instant)>>,
    tenants: RwLock<HashMap<TenantId, (Tenant, Instant)>>,
    /// Kre8ivTech's own tenant (set once by the seed; asked on every search).
    house: RwLock<Option<(Option<TenantId>, Instant)>>,
}

impl TenantCache {
    fn host(&self, host: &str) -> Option<Option<TenantId>> {
        let map = self.hosts.read().unwrap_or_else(|e| e.into_inner());
        map.get(host).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(t, _)| t.clone())
    }

    fn tenant(&self, id: &TenantId) -> Option<Tenant> {
        let map = self.tenants.read().unwrap_or_else(|e| e.into_inner());
        map.get(id).filter(|(_, at)| at.elapsed() < CACHE_TTL).map(|(t, _)| t.clone())
    }

    /// Forgets what `host` resolved to, including "nothing" (call after mapping it).
    pub fn forget_host(&self, host: &str) {
        self.hosts.write().unwrap_or_else(|e| e.into_inner()).remove(host);
    }

    /// Forgets everything about `tenant` (call after changing it).
    pub fn invalidate(&self, tenant: &TenantId) {
        self.tenants.write().unwrap_or_else(|e| e.into_inner()).remove(tenant);
        self.hosts.write().unwrap_or_else(|e| e.into_inner()).retain(|_, (t, _)| t.as_ref() != Some(tenant));
    }
}

/// The host without port or trailing dot, lower-cased.
pub fn normalize_host(host: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_lowercase();
    if let Some((h, port)) = host.rsplit_once(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && (!h.contains(':') || h.ends_with(']'))
    {
        return h.to_owned();
    }
    host
}

/// The tenant a host serves, or `NotFound` for unknown hosts.
pub async fn resolve_host(app: &AppState, host: &str) -> Result<Tenant, AppError> {
    let host = normalize_host(host);
    let id = match app.tenant_cache.host(&host) {
        Some(cached) => cached,
        None => {
            let id = lookup_host(app, &host).await?;
            app.tenant_cache
                .hosts
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(host.clone(), (id.clone(), Instant::now()));
            id
        }
    };
    let id = id.ok_or(AppError::NotFound)?;
    get(app, &id).await
}

async fn lookup_host(app: &AppState, host: &str) -> Result<Option<TenantId>, AppError> {
    let domain = app.config.portal_domain.to_lowercase();
    let store = app.store.as_ref();
    if host == domain {
        return Ok(tenants::house(store).await?);
    }
    if let Some(sub) = host.strip_suffix(&format!(".{domain}")) {
        return match TenantSlug::parse(sub) {
            Ok(slug) if !sub.contains('.') => Ok(tenants::by_slug(store, &slug).await?),
            _ => Ok(None),
        };
    }
    Ok(tenants::by_domain(store, host).await?)
}

/// A tenant by id (cached).
pub async fn get(app: &AppState, id: &TenantId) -> Result<Tenant, AppError> {
    if let Some(t) = app.tenant_cache.tenant(id) {
        return Ok(t);
    }
    let tenant = tenants::get(app.store.as_ref(), id).await?.ok_or(AppError::NotFound)?.value;
    app.tenant_cache
        .tenants
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .insert(id.clone(), (tenant.clone(), Instant::now()));
    Ok(tenant)
}

/// What a new tenant needs.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub name: String,
    pub slug: String,
    pub ticket_prefix: String,
}

/// Checks a new tenant's fields, all at once.
pub fn parse_new_tenant(input: &NewTenant) -> Result<(String, TenantSlug, TicketPrefix), AppError> {
    let mut errors = Vec::new();
    let name = parse_name(&input.name, "name").map_err(|e| errors.push(e)).ok();
    let slug = TenantSlug::parse(&input.slug).map_err(|e| errors.push(e)).ok();
    let prefix = TicketPrefix::parse(&input.ticket_prefix).map_err(|e| errors.push(e)).ok();
    match (name, slug, prefix) {
        (Some(n), Some(s), Some(p)) => Ok((n, s, p)),
        _ => Err(AppError::from_invalid(errors)),
    }
}

/// Creates a tenant; the house is created once (`portal seed` / first start).
pub async fn create(app: &AppState, input: &NewTenant, kind: TenantKind) -> Result<Tenant, AppError> {
    let (name, slug, ticket_prefix) = parse_new_tenant(input)?;
    let tenant = Tenant {
        id: TenantId::new(app.ids.ulid()),
        branding: Branding::default_for(&name),
        name,
        slug,
        kind,
        ticket_prefix,
        status: TenantStatus::Active,
        settings: TenantSettings::default(),
        created_at: app.clock.now(),
    };
    let ops = tenants::create_ops(&tenant, kind == TenantKind::House)?;
    match app.store.transact(ops).await {
        Ok(()) => Ok(tenant),
        Err(e) if e.is_conflict() => Err(match kind {
            TenantKind::House => AppError::Conflict("the house tenant already exists".into()),
            TenantKind::Partner => AppError::invalid("slug", "is already taken"),
        }),
        Err(e) => Err(e.into()),
    }
}

/// The house tenant, if it exists.
pub async fn house(store: &dyn Store) -> Result<Option<TenantId>, AppError> {
    Ok(tenants::house(store).await?)
}

/// Kre8ivTech's own tenant, cached like hosts.
pub async fn house_cached(app: &AppState) -> Result<Option<TenantId>, AppError> {
    let cached = app.tenant_cache.house.read().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some((id, at)) = cached
        && at.elapsed() < CACHE_TTL
    {
        return Ok(id);
    }
    let id = house(app.store.as_ref()).await?;
    *app.tenant_cache.house.write().unwrap_or_else(|e| e.into_inner()) = Some((id.clone(), Instant::now()));
    Ok(id)
}

/// The tenant `id` with its version, once the actor holds `permission` on it.
async fn load_for(
    app: &AppState,
    actor: &kt_domain::policy::Actor,
    id: &TenantId,
    permission: kt_domain::policy::Permission,
) -> Result<kt_store::entity::Versioned<Tenant>, AppError> {
    let current = tenants::get(app.store.as_ref(), id).await?.ok_or(AppError::NotFound)?;
    super::accounts::require(Some(actor), permission, &current.value)?;
    Ok(current)
}

/// Writes a changed tenant with its audit entry and drops it from the cache.
async fn save(
    app: &AppState,
    actor: &kt_domain::policy::Actor,
    tenant: &Tenant,
    read_version: u64,
    action: &str,
    target: String,
    client: &super::sessions::ClientInfo,
) -> Result<(), AppError> {
    let e = super::audit::entry(app, &tenant.id, Some(&actor.user), action, Some(target), client);
    let put = kt_store::TxOp::Put {
        item: tenants::item(tenant, read_version + 1)?,
        cond: kt_store::Cond::Version(read_version),
    };
    app.store.transact(vec![put, super::audit::op(&e)?]).await?;
    app.tenant_cache.invalidate(&tenant.id);
    Ok(())
}

/// Suspends or reactivates a tenant (super admin). Suspension locks every user out: sign-in
/// and refresh refuse at once, and access tokens stop working as soon as the tenant cache
/// expires elsewhere (immediately in this process).
pub async fn set_status(
    app: &AppState,
    actor: &kt_domain::policy::Actor,
    id: &TenantId,
    status: TenantStatus,
    client: &super::sessions::ClientInfo,
) -> Result<Tenant, AppError> {
    let current = load_for(app, actor, id, kt_domain::policy::Permission::ManageSystemSettings).await?;
    if current.value.kind == TenantKind::House && status == TenantStatus::Suspended {
        return Err(AppError::invalid("status", "the house tenant cannot be suspended"));
    }
    let mut tenant = current.value;
    tenant.status = status;
    let action = if status == TenantStatus::Suspended { "tenant.suspended" } else { "tenant.activated" };
    save(app, actor, &tenant, current.version, action, id.to_string(), client).await?;
    Ok(tenant)
}

/// A change to a tenant's settings; fields left `None` stay as they are.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    /// Roles that must sign in with a second factor.
    pub require_2fa: Option<Vec<kt_domain::identity::Role>>,
    /// The matrix's optional cells: read-only API keys for clients.
    pub client_api_enabled: Option<bool>,
}

/// Changes a tenant's security settings: the tenant's administrators (those who configure its
/// branding: the super admin and the partner). Every role listed must exist on the tenant.
pub async fn update_settings(
    app: &AppState,
    actor: &kt_domain::policy::Actor,
    id: &TenantId,
    change: SettingsChange,
    client: &super::sessions::ClientInfo,
) -> Result<Tenant, AppError> {
    let current = load_for(app, actor, id, kt_domain::policy::Permission::ConfigureBranding).await?;
    let mut tenant = current.value;
    let before = tenant.settings.clone();
    if let Some(mut roles) = change.require_2fa {
        if let Some(r) = roles.iter().find(|r| !kt_domain::tenancy::role_fits_tenant(**r, tenant.kind)) {
            return Err(AppError::invalid("require_2fa", format!("this tenant has no {} role", r.label())));
        }
        roles.sort_by_key(|r| r.column());
        roles.dedup();
        tenant.settings.require_2fa = roles;
    }
    if let Some(enabled) = change.client_api_enabled {
        tenant.settings.client_api_enabled = enabled;
    }
    if tenant.settings == before {
        // Nothing changed: nothing written, nothing audited.
        return Ok(tenant);
    }
    let target = serde_json::to_string(&tenant.settings).unwrap_or_default();
    save(app, actor, &tenant, current.version, "tenant.settings_changed", target, client).await?;
    Ok(tenant)
}

#[cfg(test)]
mod tests {
    use super::normalize_host;

    #[test]
    fn hosts_lose_ports_and_case() {
        assert_eq!(normalize_host("Acme.LocalHost:3000"), "acme.localhost");
        assert_eq!(normalize_host("portal.example.com."), "portal.example.com");
        assert_eq!(normalize_host("[::1]:3000"), "[::1]");
        assert_eq!(normalize_host("localhost"), "localhost");
    }
}

/// Whether `actor` reaches `tenant` at all: house staff every tenant, everyone else their own
/// (404 otherwise: another tenant's requests are never acknowledged).
pub fn in_reach(actor: &kt_domain::policy::Actor, tenant: &Tenant) -> Result<(), AppError> {
    if (actor.role.is_house_staff() && !actor.tenant_bound) || actor.tenant == tenant.id {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
