//! Custom domains (PRD 4.1/4.9): a super admin maps `portal.partner.com` to a tenant, after
//! which the host resolves to it; a partner may only request one (the matrix's "Request"),
//! which waits for a super admin. DNS verification and certificates come with white-label.

use kt_domain::identity::Invalid;
use kt_domain::policy::{Actor, Cell, Permission, cell};
use kt_domain::tenancy::Tenant;
use kt_store::{Cond, Item, Key, Query, SkCond, TxOp, tenants};
use serde::{Deserialize, Serialize};

use super::accounts::require;
use super::audit;
use super::sessions::ClientInfo;
use crate::{AppError, AppState};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DomainStatus {
    /// Asked for by the partner; not served yet.
    Requested,
    /// Mapped: the host resolves to the tenant.
    Active,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomDomain {
    pub host: String,
    pub status: DomainStatus,
}

fn listing_key(tenant: &Tenant, host: &str) -> Key {
    Key::new(format!("T#{}", tenant.id), format!("DOMAIN#{host}"))
}

/// A host name a tenant can use: lower-case labels of letters, digits and dashes, at least two
/// labels, and not under the portal's own domain (those are slugs).
pub fn parse_host(raw: &str, portal_domain: &str) -> Result<String, Invalid> {
    let host = raw.trim().trim_end_matches('.').to_lowercase();
    let bad = || Invalid::new("host", "use a domain name such as portal.your-agency.com");
    let labels: Vec<&str> = host.split('.').collect();
    let ok = host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().any(|c| c.is_ascii_alphabetic()));
    if !ok {
        return Err(bad());
    }
    let portal = portal_domain.to_lowercase();
    if host == portal || host.ends_with(&format!(".{portal}")) {
        return Err(Invalid::new("host", "is part of the portal's own domain"));
    }
    Ok(host)
}

/// The pointer that makes `host` resolve to `tenant`; fails if another tenant holds it.
fn mapping_op(tenant: &Tenant, host: &str) -> TxOp {
    TxOp::Put {
        item: kt_store::entity::pointer_item(tenants::domain_key(host), "tenant", tenant.id.as_str()),
        cond: Cond::NotExists,
    }
}

/// Commits a domain change and its audit entry; a taken host is a field error.
async fn commit(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    mut ops: Vec<TxOp>,
    domain: CustomDomain,
    action: &str,
    client: &ClientInfo,
) -> Result<CustomDomain, AppError> {
    ops.push(audit::op(&audit::entry(app, &tenant.id, Some(&actor.user), action, Some(domain.host.clone()), client))?);
    match app.store.transact(ops).await {
        Ok(()) => {}
        Err(e) if e.is_conflict() => return Err(AppError::invalid("host", "is already in use")),
        Err(e) => return Err(e.into()),
    }
    app.tenant_cache.invalidate(&tenant.id);
    app.tenant_cache.forget_host(&domain.host);
    Ok(domain)
}

/// Maps (super admin) or requests (partner) `host` for `tenant`.
pub async fn add(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    host: &str,
    client: &ClientInfo,
) -> Result<CustomDomain, AppError> {
    // Visibility first (404 for other tenants), then the cell decides map or request.
    require_visible(actor, tenant)?;
    let status = match cell(actor.role, Permission::CustomDomainSetup) {
        Cell::Yes => DomainStatus::Active,
        Cell::Request => DomainStatus::Requested,
        _ => return Err(AppError::Forbidden),
    };
    let host = parse_host(host, &app.config.portal_domain)?;
    let domain = CustomDomain { host: host.clone(), status };
    let mut ops =
        vec![TxOp::Put { item: Item::from_entity(listing_key(tenant, &host), &domain)?, cond: Cond::NotExists }];
    if status == DomainStatus::Active {
        ops.push(mapping_op(tenant, &host));
    }
    let action = if status == DomainStatus::Active { "tenant.domain_mapped" } else { "tenant.domain_requested" };
    commit(app, actor, tenant, ops, domain, action, client).await
}

/// Approves a requested domain (super admin).
pub async fn approve(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    host: &str,
    client: &ClientInfo,
) -> Result<CustomDomain, AppError> {
    require_visible(actor, tenant)?;
    if cell(actor.role, Permission::CustomDomainSetup) != Cell::Yes {
        return Err(AppError::Forbidden);
    }
    let key = listing_key(tenant, &host.to_lowercase());
    let current = app.store.get(&key).await?.ok_or(AppError::NotFound)?;
    let mut domain: CustomDomain = current.to_entity()?;
    domain.status = DomainStatus::Active;
    let ops = vec![
        TxOp::Put {
            item: Item::from_entity(key, &domain)?.with_version(current.version + 1),
            cond: Cond::Version(current.version),
        },
        mapping_op(tenant, &domain.host),
    ];
    commit(app, actor, tenant, ops, domain, "tenant.domain_mapped", client).await
}

pub async fn list(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Vec<CustomDomain>, AppError> {
    require(Some(actor), Permission::ConfigureBranding, tenant)?;
    let page =
        app.store.query(Query::table(format!("T#{}", tenant.id)).sk(SkCond::BeginsWith("DOMAIN#".into()))).await?;
    Ok(page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?)
}

fn require_visible(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    let resource = kt_domain::policy::Resource { tenant: &tenant.id, org: None, owner: None };
    if kt_domain::policy::visible(actor, &resource) { Ok(()) } else { Err(AppError::NotFound) }
}

#[cfg(test)]
mod tests {
    use super::parse_host;

    #[test]
    fn hosts() {
        assert_eq!(parse_host("Portal.Acme-Agency.com.", "portal.kt.test").unwrap(), "portal.acme-agency.com");
        for bad in
            ["localhost", "-a.com", "a..com", "a.123", "acme.portal.kt.test", "portal.kt.test", "a b.com", "x.y_z.com"]
        {
            assert!(parse_host(bad, "portal.kt.test").is_err(), "{bad}");
        }
    }
}
