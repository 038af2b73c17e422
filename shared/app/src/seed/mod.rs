//! Demo data: the house tenant, one partner agency with two client organizations, and a user of
//! every role, with fixed demo passwords. Every step looks before it writes, so running it
//! again changes nothing and prints the same logins.

use kt_domain::identity::{Email, OrgId, Role, TenantSlug};
use kt_domain::tenancy::{Tenant, TenantKind};
use kt_store::{Cond, accounts, tenants};
use serde::Serialize;

use crate::identity::accounts::{NewUser, create_user};
use crate::identity::tenancy::{self, NewTenant};
use crate::{AppError, AppState};

pub mod history;
pub mod kb;

#[derive(Debug, Clone, Serialize)]
pub struct DemoLogin {
    pub role: Role,
    pub name: String,
    pub email: String,
    pub password: String,
    pub tenant: String,
    /// Where this user signs in.
    pub url: String,
}

struct DemoUser {
    tenant: &'static str,
    role: Role,
    name: &'static str,
    email: &'static str,
    password: &'static str,
    orgs: &'static [&'static str],
}

const USERS: [DemoUser; 7] = [
    DemoUser {
        tenant: "kt",
        role: Role::SuperAdmin,
        name: "Avery Admin",
        email: "admin@kre8ivtech.test",
        password: "Kre8iv-Demo-Admin-2026",
        orgs: &[],
    },
    DemoUser {
        tenant: "kt",
        role: Role::Staff,
        name: "Sky Staff",
        email: "staff@kre8ivtech.test",
        password: "Kre8iv-Demo-Staff-2026",
        orgs: &[],
    },
    DemoUser {
        tenant: "kt",
        role: Role::Client,
        name: "Drew Direct",
        email: "drew@directclient.test",
        password: "Direct-Demo-Client-2026",
        orgs: &["Direct Client Co"],
    },
    DemoUser {
        tenant: "acme",
        role: Role::Partner,
        name: "Pat Partner",
        email: "pat@acme-agency.test",
        password: "Acme-Demo-Partner-2026",
        orgs: &[],
    },
    DemoUser {
        tenant: "acme",
        role: Role::PartnerStaff,
        name: "Sam Support",
        email: "sam@acme-agency.test",
        password: "Acme-Demo-Staff-2026",
        orgs: &[],
    },
    DemoUser {
        tenant: "acme",
        role: Role::Client,
        name: "Dana Globex",
        email: "dana@globex.test",
        password: "Globex-Demo-Client-2026",
        orgs: &["Globex"],
    },
    DemoUser {
        tenant: "acme",
        role: Role::Client,
        name: "Ivy Initech",
        email: "ivy@initech.test",
        password: "Initech-Demo-Client-2026",
        orgs: &["Initech", "Globex"],
    },
];

/// Deterministic organization ids, so a second run finds what the first made.
fn org_id(tenant: &Tenant, name: &str) -> OrgId {
    let mut n: u128 = 0xD3_0000_0000;
    for b in tenant.slug.as_str().bytes().chain(name.bytes()) {
        n = n.wrapping_mul(131).wrapping_add(b as u128);
    }
    OrgId::new(ulid::Ulid::from_parts(1_700_000_000_000, n & ((1u128 << 80) - 1)))
}

async fn tenant(app: &AppState, name: &str, slug: &str, prefix: &str, kind: TenantKind) -> Result<Tenant, AppError> {
    let parsed = TenantSlug::parse(slug)?;
    if let Some(id) = tenants::by_slug(app.store.as_ref(), &parsed).await? {
        return tenancy::get(app, &id).await;
    }
    tenancy::create(app, &NewTenant { name: name.into(), slug: slug.into(), ticket_prefix: prefix.into() }, kind).await
}

/// The URL of a tenant's portal: the bare domain for the house, `{slug}.{domain}` otherwise.
pub fn portal_url(app: &AppState, tenant: &Tenant) -> String {
    let base = &app.config.public_url;
    match tenant.kind {
        TenantKind::House => base.clone(),
        TenantKind::Partner => base.replacen("://", &format!("://{}.", tenant.slug), 1),
    }
}

pub async fn demo(app: &AppState) -> Result<Vec<DemoLogin>, AppError> {
    let house = tenant(app, "Kre8ivTech", "kt", "KT", TenantKind::House).await?;
    let acme = tenant(app, "Acme Agency", "acme", "ACME", TenantKind::Partner).await?;
    // Both portals take payments through the local stand-in (no Stripe account needed).
    for t in [&house, &acme] {
        if kt_store::payments::connection(app.store.as_ref(), &t.id).await?.is_none() {
            crate::invoices::checkout::connect_local(app, t).await?;
        }
    }
    let store = app.store.as_ref();
    let mut logins = Vec::new();
    for u in &USERS {
        let t = if u.tenant == "kt" { &house } else { &acme };
        let mut orgs = Vec::new();
        for name in u.orgs {
            let id = org_id(t, name);
            let org = kt_domain::tenancy::Organization {
                id: id.clone(),
                tenant: t.id.clone(),
                name: (*name).into(),
                created_at: app.clock.now(),
            };
            let put = kt_store::TxOp::Put { item: accounts::org_item(&org, 1)?, cond: Cond::NotExists };
            let touch = crate::search::indexing::touch(app, &t.id, "organization", id.as_str())?;
            match store.transact(vec![put, touch]).await {
                Ok(()) => {}
                Err(e) if e.is_conflict() => {}
                Err(e) => return Err(e.into()),
            }
            orgs.push(id);
        }
        let email = Email::parse(u.email)?;
        if accounts::user_by_email(store, &t.id, &email).await?.is_none() {
            let input = NewUser {
                email: u.email.into(),
                name: u.name.into(),
                role: u.role,
                password: Some(u.password.into()),
                orgs,
            };
            create_user(app, None, t, input, &Default::default()).await?;
        }
        logins.push(DemoLogin {
            role: u.role,
            name: u.name.into(),
            email: u.email.into(),
            password: u.password.into(),
            tenant: t.slug.to_string(),
            url: portal_url(app, t),
        });
    }
    Ok(logins)
}

/// What [`first_super_admin`] did.
#[derive(Debug, Clone, Serialize)]
pub struct Bootstrap {
    /// Where the super admin signs in.
    pub url: String,
    /// False when the address already had an account (nothing was changed).
    pub invited: bool,
}

/// A new deployment's first step: the house tenant (Kre8ivTech, created when missing) and a
/// super admin, who gets an invitation by mail to choose a password. Run again with the same
/// address, it changes nothing.
pub async fn first_super_admin(app: &AppState, email: &str, name: &str) -> Result<Bootstrap, AppError> {
    let house = tenant(app, "Kre8ivTech", "kt", "KT", TenantKind::House).await?;
    let parsed = Email::parse(email)?;
    let url = portal_url(app, &house);
    if accounts::user_by_email(app.store.as_ref(), &house.id, &parsed).await?.is_some() {
        return Ok(Bootstrap { url, invited: false });
    }
    let input =
        NewUser { email: email.into(), name: name.into(), role: Role::SuperAdmin, password: None, orgs: vec![] };
    create_user(app, None, &house, input, &Default::default()).await?;
    Ok(Bootstrap { url, invited: true })
}
