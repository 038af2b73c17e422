//! Organizations and users: who may create whom (PRD 3.2's user-management rows), with the
//! role fitting the tenant and every field checked at once.

use kt_domain::auth::Credentials;
use kt_domain::identity::{Email, Invalid, OrgId, Role, UserId};
use kt_domain::password::check_new_password;
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::{Organization, Tenant, User, UserStatus, parse_name, role_fits_tenant};
use kt_store::{Cond, TxOp, accounts};

use super::passwords;
use super::sessions::ClientInfo;
use crate::{AppError, AppState};

/// The permission that manages users of `role` (see [`require_manage`] for partner staff).
pub fn permission_for(role: Role) -> Permission {
    match role {
        Role::SuperAdmin | Role::Staff => Permission::ManageStaff,
        Role::Partner => Permission::ManagePartners,
        Role::PartnerStaff | Role::Client => Permission::ManagePartnerClients,
    }
}

/// Whether `actor` may create or manage a user of `role` in `tenant` (matrix, "User
/// management"): staff accounts need "Manage staff", partners "Manage partners", clients
/// "Manage partner's clients". A partner's own team (partner staff) is managed by whoever
/// manages partners and by the partner itself; partner staff manage clients only.
pub fn require_manage(actor: Option<&Actor>, role: Role, tenant: &Tenant) -> Result<(), AppError> {
    match (role, actor) {
        (Role::PartnerStaff, Some(a)) if a.role == Role::Partner => {
            require(actor, Permission::ManagePartnerClients, tenant)
        }
        (Role::PartnerStaff, _) => require(actor, Permission::ManagePartners, tenant),
        _ => require(actor, permission_for(role), tenant),
    }
}

/// Asks the policy; `None` is the system itself (seeding, first start).
pub fn require(actor: Option<&Actor>, permission: Permission, tenant: &Tenant) -> Result<(), AppError> {
    let Some(actor) = actor else { return Ok(()) };
    crate::permit(actor, permission, &Resource { tenant: &tenant.id, org: None, owner: None })
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
        .transact(vec![
            TxOp::Put { item: accounts::org_item(&org, 1)?, cond: Cond::NotExists },
            super::audit::op(&e)?,
            crate::search::indexing::touch(app, &tenant.id, "organization", org.id.as_str())?,
        ])
        .await?;
    app.outbox_wake.notify_one();
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
    require_manage(actor, input.role, tenant)?;
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
        grants: 0,
    };
    let mut ops: Vec<TxOp> = accounts::create_user_ops(&user, &credentials, &input.orgs)?;
    if user.status == UserStatus::Invited {
        // No password given: the invitation mail goes out with the account, or neither does.
        ops.extend(super::links::issue_ops(app, tenant, &user, super::links::Purpose::Invitation)?);
    }
    let e =
        super::audit::entry(app, &tenant.id, actor.map(|a| &a.user), "user.created", Some(user.id.to_string()), client);
    ops.push(super::audit::op(&e)?);
    ops.push(crate::search::indexing::touch(app, &tenant.id, "user", user.id.as_str())?);
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok(user)
        }
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

/// A change to a user; fields left `None` stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    pub name: Option<String>,
    pub role: Option<Role>,
    /// `Active` or `Disabled` (an invited user becomes active by accepting).
    pub status: Option<UserStatus>,
}

/// The user `id` of `tenant`, with its version, once the actor may manage users of its role.
async fn managed_user(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &UserId,
) -> Result<kt_store::entity::Versioned<User>, AppError> {
    // Out of sight first: without any user-management right, the user does not exist.
    require(Some(actor), Permission::ManagePartnerClients, tenant).or_else(|e| match e {
        AppError::Forbidden => require(Some(actor), Permission::ManagePartners, tenant),
        e => Err(e),
    })?;
    let user = accounts::get_user(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    // Administrators may always edit their own record (the use cases refuse self-lock-out).
    if user.value.id != actor.user {
        require_manage(Some(actor), user.value.role, tenant)?;
    }
    Ok(user)
}

/// Renames, changes the role of, disables or re-enables a user. Disabling ends their sessions;
/// nobody changes their own role or status (no one locks themselves out by mistake). A role
/// change is checked against both the old and the new role's managing permission.
pub async fn update_user(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &UserId,
    change: UserChange,
    client: &ClientInfo,
) -> Result<User, AppError> {
    let current = managed_user(app, actor, tenant, id).await?;
    let mut user = current.value.clone();
    let mut errors: Vec<Invalid> = Vec::new();
    let mut ops = Vec::new();
    let mut actions = Vec::new();
    if let Some(name) = &change.name {
        match parse_name(name, "name") {
            Ok(n) if n != user.name => {
                user.name = n;
                actions.push("user.renamed");
            }
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    let own = actor.user == user.id;
    if let Some(role) = change.role.filter(|r| *r != user.role) {
        let orgs = accounts::orgs_of(app.store.as_ref(), &tenant.id, &user.id).await?;
        if own {
            errors.push(Invalid::new("role", "you cannot change your own role"));
        } else if !role_fits_tenant(role, tenant.kind) {
            errors.push(Invalid::new("role", format!("a {} cannot belong to this tenant", role.label())));
        } else if role == Role::Client && orgs.is_empty() {
            errors.push(Invalid::new("role", "a client belongs to an organization: add a membership first"));
        } else {
            // A valid role the actor may not hand out is a 403, not a field error.
            require_manage(Some(actor), role, tenant)?;
            if user.role == Role::Client {
                // Only clients belong to organizations.
                for org in &orgs {
                    ops.push(TxOp::Delete {
                        key: accounts::membership_key(&tenant.id, &user.id, org),
                        cond: Cond::None,
                    });
                }
            }
            user.role = role;
            actions.push("user.role_changed");
        }
    }
    if let Some(status) = change.status.filter(|s| *s != user.status) {
        match (status, user.status) {
            _ if own => errors.push(Invalid::new("status", "you cannot change your own status")),
            (UserStatus::Invited, _) | (UserStatus::Active, UserStatus::Invited) => {
                errors.push(Invalid::new("status", "an invited user becomes active by accepting the invitation"))
            }
            (UserStatus::Disabled, _) => {
                user.status = UserStatus::Disabled;
                actions.push("user.disabled");
            }
            (UserStatus::Active, _) => {
                user.status = UserStatus::Active;
                actions.push("user.enabled");
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    if actions.is_empty() {
        return Ok(user);
    }
    if user.role != current.value.role || user.status != current.value.status {
        user.grants += 1;
    }
    ops.insert(
        0,
        TxOp::Put { item: accounts::user_item(&user, current.version + 1)?, cond: Cond::Version(current.version) },
    );
    for action in &actions {
        let target = Some(match *action {
            "user.role_changed" => format!("{}:{}->{}", user.id, current.value.role.label(), user.role.label()),
            _ => user.id.to_string(),
        });
        ops.push(super::audit::op(&super::audit::entry(app, &tenant.id, Some(&actor.user), action, target, client))?);
    }
    ops.push(crate::search::indexing::touch(app, &tenant.id, "user", user.id.as_str())?);
    match app.store.transact(ops).await {
        Ok(()) => app.outbox_wake.notify_one(),
        Err(e) if e.is_conflict() => return Err(AppError::Conflict("the user changed meanwhile: reload".into())),
        Err(e) => return Err(e.into()),
    }
    app.session_cache.forget_user(&user.id);
    if user.status == UserStatus::Disabled {
        // Access tokens stopped with the grants count; the sessions (refresh tokens) go too.
        let sessions = kt_store::sessions::of_user(app.store.as_ref(), &tenant.id, &user.id).await?;
        let keys: Vec<_> = sessions.iter().map(|s| kt_store::sessions::key(&tenant.id, &s.id)).collect();
        for chunk in keys.chunks(kt_store::limits::MAX_BATCH_GET) {
            app.store.delete_many(chunk).await?;
        }
    }
    Ok(user)
}

/// Adds a client to one more organization of the tenant (idempotent).
pub async fn add_membership(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &UserId,
    org: &OrgId,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let current = managed_user(app, actor, tenant, id).await?;
    let user = &current.value;
    accounts::get_org(app.store.as_ref(), &tenant.id, org).await?.ok_or(AppError::NotFound)?;
    if user.role != Role::Client {
        return Err(AppError::Conflict("only clients belong to organizations".into()));
    }
    let target = Some(format!("{}:{org}", user.id));
    let e = super::audit::entry(app, &tenant.id, Some(&actor.user), "user.membership_added", target, client);
    let ops = vec![
        TxOp::Check { key: accounts::org_key(&tenant.id, org), cond: Cond::Exists },
        TxOp::Put { item: accounts::membership_item(&tenant.id, &user.id, org), cond: Cond::NotExists },
        grants_op(&current)?,
        super::audit::op(&e)?,
    ];
    let outcome = match app.store.transact(ops).await {
        Ok(()) => Ok(()),
        // Already a member.
        Err(kt_store::StoreError::Conflict { op: Some(1) }) => Ok(()),
        Err(kt_store::StoreError::Conflict { op: Some(2) }) => {
            Err(AppError::Conflict("the user changed meanwhile: reload".into()))
        }
        Err(e) if e.is_conflict() => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    };
    app.session_cache.forget_user(&user.id);
    outcome
}

/// Writes `user` back with one more change to its grants (its access tokens stop working).
fn grants_op(user: &kt_store::entity::Versioned<User>) -> Result<TxOp, AppError> {
    let mut changed = user.value.clone();
    changed.grants += 1;
    Ok(TxOp::Put { item: accounts::user_item(&changed, user.version + 1)?, cond: Cond::Version(user.version) })
}

/// Takes a client out of an organization; a client keeps at least one.
pub async fn remove_membership(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &UserId,
    org: &OrgId,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let current = managed_user(app, actor, tenant, id).await?;
    let user = &current.value;
    let orgs = accounts::orgs_of(app.store.as_ref(), &tenant.id, &user.id).await?;
    if !orgs.contains(org) {
        return Err(AppError::NotFound);
    }
    if orgs.len() == 1 {
        return Err(AppError::Conflict("a client belongs to at least one organization".into()));
    }
    let target = Some(format!("{}:{org}", user.id));
    let e = super::audit::entry(app, &tenant.id, Some(&actor.user), "user.membership_removed", target, client);
    let ops = vec![
        TxOp::Delete { key: accounts::membership_key(&tenant.id, &user.id, org), cond: Cond::Exists },
        grants_op(&current)?,
        super::audit::op(&e)?,
    ];
    let outcome = match app.store.transact(ops).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => Err(AppError::Conflict("the user changed meanwhile: reload".into())),
        Err(e) => Err(e.into()),
    };
    app.session_cache.forget_user(&user.id);
    outcome
}

/// Sends a fresh invitation (7 days) to someone who has not accepted yet.
pub async fn resend_invitation(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &UserId,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let user = managed_user(app, actor, tenant, id).await?.value;
    if user.status != UserStatus::Invited {
        return Err(AppError::Conflict("the invitation was already accepted".into()));
    }
    let mut ops = super::links::issue_ops(app, tenant, &user, super::links::Purpose::Invitation)?;
    let e = super::audit::entry(
        app,
        &tenant.id,
        Some(&actor.user),
        "user.invitation_resent",
        Some(user.id.to_string()),
        client,
    );
    ops.push(super::audit::op(&e)?);
    app.store.transact(ops).await?;
    Ok(())
}
