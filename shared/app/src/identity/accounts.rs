//! Organizations and users: who may create whom (PRD 3.2's user-management rows), with the
//! role fitting the tenant and every field checked at once.

use kt_domain::auth::Credentials;
use kt_domain::identity::{Email, Invalid, OrgId, Role, UserId};
use kt_domain::password::check_new_password;
use kt_domain::policy::{Actor, Decision, Permission, Resource, authorize};
use kt_domain::tenancy::{Organization, Tenant, User, UserStatus, parse_name, role_fits_tenant};
use kt_store::{Cond, TxOp, accounts};

use super::passwords;
use super::sessions::ClientInfo;
use crate::{AppError, AppState};

/// The permission needed to create or manage a user of `role`.
pub fn permission_for(role: Role) -> Permission {
    match role {
        Role::SuperAdmin | Role::Staff => Permission::ManageStaff,
        Role::Partner => Permission::ManagePartners,
        Role::PartnerStaff | Role::Client => Permission::ManagePartnerClients,
    }
}

/// Asks the policy; `None` is the system itself (seeding, first start).
pub fn require(actor: Option<&Actor>, permission: Permission, tenant: &Tenant) -> Result<(), AppError> {
    let Some(actor) = actor else { return Ok(()) };
    match authorize(actor, permission, &Resource { tenant: &tenant.id, org: None, owner: None }) {
        Decision::Allow => Ok(()),
        Decision::NotFound => Err(AppError::NotFound),
        Decision::Forbidden => Err(AppError::Forbidden),
    }
}

pub async fn create_org(
    app: &AppState,
    actor: Option<&Actor>,
    tenant: &Tenant,
    name: &str,
    client: &ClientInfo,
) -> Result<Organization, AppError> {
    require(actor, Permission::ManagePartnerClients, tenant)?;
    let org = Organization {
        id: OrgId::new(app.ids.ulid()),
        tenant: tenant.id.clone(),
        name: parse_name(name, "name")?,
        created_at: app.clock.now(),
    };
    let e =
        super::audit::entry(app, &tenant.id, actor.map(|a| &a.user), "org.created", Some(org.id.to_string()), client);
    app.store
        .transact(vec![TxOp::Put { item: accounts::org_item(&org, 1)?, cond: Cond::NotExists }, super::audit::op(&e)?])
        .await?;
    Ok(org)
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Set directly (seeding, admin-created accounts); invitations set it on accept.
    pub password: Option<String>,
    pub orgs: Vec<OrgId>,
}

pub async fn create_user(
    app: &AppState,
    actor: Option<&Actor>,
    tenant: &Tenant,
    input: NewUser,
    client: &ClientInfo,
) -> Result<User, AppError> {
    require(actor, permission_for(input.role), tenant)?;
    let mut errors: Vec<Invalid> = Vec::new();
    let email = Email::parse(&input.email).map_err(|e| errors.push(e)).ok();
    let name = parse_name(&input.name, "name").map_err(|e| errors.push(e)).ok();
    if !role_fits_tenant(input.role, tenant.kind) {
        errors.push(Invalid::new("role", format!("a {} cannot belong to this tenant", input.role.label())));
    }
    match input.role {
        Role::Client if input.orgs.is_empty() => {
            errors.push(Invalid::new("orgs", "a client belongs to at least one organization"))
        }
        Role::Client => {}
        _ if !input.orgs.is_empty() => errors.push(Invalid::new("orgs", "only clients belong to organizations")),
        _ => {}
    }
    if let Some(password) = &input.password {
        let context = [input.email.as_str(), input.name.as_str(), tenant.branding.portal_name.as_str()];
        if let Err(e) = check_new_password(password, &context) {
            errors.push(e);
        }
    }
    let (Some(email), Some(name), true) = (email, name, errors.is_empty()) else {
        return Err(AppError::from_invalid(errors));
    };
    let credentials = Credentials {
        password_hash: match input.password {
            Some(p) => Some(passwords::hash(p).await?),
            None => None,
        },
        ..Credentials::default()
    };
    let user = User {
        id: UserId::new(app.ids.ulid()),
        tenant: tenant.id.clone(),
        email,
        name,
        role: input.role,
        status: if credentials.password_hash.is_some() { UserStatus::Active } else { UserStatus::Invited },
        created_at: app.clock.now(),
    };
    let mut ops: Vec<TxOp> = accounts::create_user_ops(&user, &credentials, &input.orgs)?;
    if user.status == UserStatus::Invited {
        // No password given: the invitation mail goes out with the account, or neither does.
        ops.extend(super::links::issue_ops(app, tenant, &user, super::links::Purpose::Invitation)?);
    }
    let e =
        super::audit::entry(app, &tenant.id, actor.map(|a| &a.user), "user.created", Some(user.id.to_string()), client);
    ops.push(super::audit::op(&e)?);
    match app.store.transact(ops).await {
        Ok(()) => Ok(user),
        // Op 1 claims the email; a failing org check names the organization.
        Err(kt_store::StoreError::Conflict { op: Some(1) }) => {
            Err(AppError::invalid("email", "already has an account here"))
        }
        Err(kt_store::StoreError::Conflict { op: Some(_) }) => {
            Err(AppError::invalid("orgs", "names an organization that does not exist"))
        }
        Err(e) => Err(e.into()),
    }
}
