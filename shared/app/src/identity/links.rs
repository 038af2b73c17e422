//! Emailed single-use links: magic sign-in (15 minutes), password reset (1 hour), invitations
//! (7 days) and the confirmation of an address mail had stopped to (24 hours). The link carries `<id>.<secret>`; only the secret's hash is stored,
//! under the tenant, and redeeming deletes the item under a version condition, so a link works
//! once, on its own tenant's portal, before it expires. Requests for unknown emails answer
//! exactly like known ones.

use kt_domain::identity::{Email, UserId};
use kt_domain::mail::template::TemplateKind;
use kt_domain::password::check_new_password;
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_platform::MailAddress;
use kt_store::{Cond, Item, Key, TxOp, accounts};
use serde::{Deserialize, Serialize};

use super::sessions::ClientInfo;
use super::tokens::{hash_secret, new_secret, secret_matches};
use super::two_factor::{self, SignIn};
use super::{audit, passwords};
use crate::mail::Letter;
use crate::{AppError, AppState, mail, outbox};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    MagicLink,
    PasswordReset,
    Invitation,
    /// Confirms an address mail had stopped to (after a bounce or complaint).
    AddressConfirm,
}

impl Purpose {
    pub fn lifetime(self) -> time::Duration {
        match self {
            Purpose::MagicLink => time::Duration::minutes(15),
            Purpose::PasswordReset => time::Duration::hours(1),
            Purpose::Invitation => time::Duration::days(7),
            Purpose::AddressConfirm => time::Duration::hours(24),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Purpose::MagicLink => "/auth/magic",
            Purpose::PasswordReset => "/auth/reset",
            Purpose::Invitation => "/auth/invitation",
            Purpose::AddressConfirm => "/auth/confirm-address",
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct LinkRecord {
    purpose: Purpose,
    user: UserId,
    hash: String,
}

fn key(tenant: &Tenant, id: &str) -> Key {
    Key::new(format!("T#{}#LINK#{id}", tenant.id), "LINK")
}

/// The letter for a link, in the tenant's template and branding.
fn link_letter(tenant: &Tenant, user: &User, purpose: Purpose, url: &str) -> Letter {
    let (kind, button, expires) = match purpose {
        Purpose::MagicLink => (TemplateKind::MagicLink, "Sign in", "15 minutes"),
        Purpose::PasswordReset => (TemplateKind::PasswordReset, "Choose a new password", "an hour"),
        Purpose::Invitation => (TemplateKind::Invitation, "Accept the invitation", "7 days"),
        Purpose::AddressConfirm => (TemplateKind::AddressConfirm, "Confirm the address", "24 hours"),
    };
    let mut letter = Letter::new(kind, tenant, MailAddress::new(Some(&user.name), user.email.as_str()))
        .value("link.expires", expires)
        .button(button, url);
    // The confirmation is the one mail that goes to an address mail stopped to.
    letter.confirming = purpose == Purpose::AddressConfirm;
    letter
}

/// Operations that create a link for `user` and queue its mail, for the caller's transaction.
pub fn issue_ops(app: &AppState, tenant: &Tenant, user: &User, purpose: Purpose) -> Result<Vec<TxOp>, AppError> {
    let id = app.ids.ulid().to_string();
    let secret = new_secret();
    let record = LinkRecord { purpose, user: user.id.clone(), hash: hash_secret(&secret) };
    let expires = (app.clock.now() + purpose.lifetime()).unix_timestamp();
    let item = Item::from_entity(key(tenant, &id), &record)?.with_expiry(expires);
    let url = format!("{}{}?token={id}.{secret}", crate::seed::portal_url(app, tenant), purpose.path());
    let event = mail::requested(app.ids.ulid(), app.clock.now(), &link_letter(tenant, user, purpose, &url))?;
    Ok(vec![TxOp::Put { item, cond: Cond::NotExists }, outbox::record(mail::QUEUE, event)?])
}

/// Sends a magic link or reset link when `email` names an active user; says nothing either way.
pub async fn request(
    app: &AppState,
    tenant: &Tenant,
    email: &str,
    purpose: Purpose,
    client: &ClientInfo,
) -> Result<(), AppError> {
    if tenant.status != kt_domain::tenancy::TenantStatus::Active {
        return Ok(());
    }
    // Every request counts against the requester's address (which is slowed down), never
    // against the address asked for: a stranger cannot hold up someone's mail. The owner's
    // inbox gets at most one link a minute; further requests are answered alike and send none.
    let throttle = super::throttle::Throttle { store: app.store.as_ref(), clock: app.clock.as_ref() };
    throttle.check_address(client.ip.as_deref()).await?;
    throttle.count_address(client.ip.as_deref()).await?;
    let Ok(email) = Email::parse(email) else { return Ok(()) };
    let store = app.store.as_ref();
    let Some(id) = accounts::user_by_email(store, &tenant.id, &email).await? else { return Ok(()) };
    let Some(user) = accounts::get_user(store, &tenant.id, &id).await?.map(|v| v.value) else { return Ok(()) };
    if user.status != UserStatus::Active {
        return Ok(());
    }
    let mut ops = issue_ops(app, tenant, &user, purpose)?;
    let action = if purpose == Purpose::MagicLink { "auth.magic_link_sent" } else { "auth.password_reset_sent" };
    ops.push(audit::op(&audit::entry(app, &tenant.id, Some(&user.id), action, Some(user.id.to_string()), client))?);
    ops.push(gap_op(app, tenant, &user));
    match store.transact(ops).await {
        Ok(()) => Ok(()),
        // A link went to this person less than a minute ago: it still works.
        Err(e) if e.is_conflict() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// At most one link mail per person in this many seconds.
pub const LINK_MAIL_GAP_SECS: i64 = 60;

/// The marker that holds `user`'s next link mail back for [`LINK_MAIL_GAP_SECS`]: the
/// transaction that sends one fails on it (a conflict) while it stands.
fn gap_op(app: &AppState, tenant: &Tenant, user: &User) -> TxOp {
    let sent = Key::new(format!("T#{}#LINKS#SENT#{}", tenant.id, user.id), "SENT");
    let until = app.clock.now_unix() + LINK_MAIL_GAP_SECS;
    TxOp::Put { item: Item::new(sent, Default::default()).with_expiry(until), cond: Cond::NotExists }
}

/// Consumes a link of `purpose`: the user it was for, once.
async fn redeem(app: &AppState, tenant: &Tenant, token: &str, purpose: Purpose) -> Result<User, AppError> {
    let (id, secret) = token.split_once('.').ok_or(AppError::Unauthenticated)?;
    let store = app.store.as_ref();
    let item = store.get(&key(tenant, id)).await?.ok_or(AppError::Unauthenticated)?;
    let record: LinkRecord = item.to_entity()?;
    if record.purpose != purpose || !secret_matches(secret, &record.hash) {
        return Err(AppError::Unauthenticated);
    }
    match store.delete(&item.key, Cond::Version(item.version)).await {
        Ok(()) => {}
        Err(e) if e.is_conflict() => return Err(AppError::Unauthenticated),
        Err(e) => return Err(e.into()),
    }
    let user = accounts::get_user(store, &tenant.id, &record.user).await?.ok_or(AppError::Unauthenticated)?.value;
    Ok(user)
}

pub async fn sign_in_with_link(
    app: &AppState,
    tenant: &Tenant,
    token: &str,
    client: &ClientInfo,
) -> Result<SignIn, AppError> {
    if tenant.status != kt_domain::tenancy::TenantStatus::Active {
        return Err(AppError::Forbidden);
    }
    let user = redeem(app, tenant, token, Purpose::MagicLink).await?;
    if user.status != UserStatus::Active {
        return Err(AppError::Unauthenticated);
    }
    let creds = accounts::get_credentials(app.store.as_ref(), &tenant.id, &user.id).await?.map(|v| v.value);
    two_factor::after_first_factor(app, tenant, user, &creds.unwrap_or_default(), "magic_link", client).await
}

/// Sets a new password through a reset link or an invitation, then signs in (through the
/// second step when the person has or needs a second factor: a mailbox alone is one factor). A
/// reset ends every other session; an invitation activates the account.
pub async fn set_password(
    app: &AppState,
    tenant: &Tenant,
    token: &str,
    password: &str,
    purpose: Purpose,
    client: &ClientInfo,
) -> Result<SignIn, AppError> {
    if tenant.status != kt_domain::tenancy::TenantStatus::Active {
        return Err(AppError::Forbidden);
    }
    // Check the password before spending the link, so a weak one can be retried.
    let (id, _) = token.split_once('.').ok_or(AppError::Unauthenticated)?;
    let store = app.store.as_ref();
    let pending = store.get(&key(tenant, id)).await?.ok_or(AppError::Unauthenticated)?;
    let pending_user: LinkRecord = pending.to_entity()?;
    let target =
        accounts::get_user(store, &tenant.id, &pending_user.user).await?.ok_or(AppError::Unauthenticated)?.value;
    check_new_password(password, &[target.email.as_str(), target.name.as_str(), tenant.branding.portal_name.as_str()])?;

    let mut user = redeem(app, tenant, token, purpose).await?;
    if user.status == UserStatus::Disabled {
        return Err(AppError::Unauthenticated);
    }
    let hash = passwords::hash(password.to_owned()).await?;
    let creds = accounts::get_credentials(store, &tenant.id, &user.id).await?;
    let (mut credentials, version) = creds.map(|v| (v.value, v.version)).unwrap_or_default();
    credentials.password_hash = Some(hash);
    let mut ops = vec![TxOp::Put {
        item: accounts::credentials_item(&tenant.id, &user.id, &credentials, version + 1)?,
        cond: if version == 0 { Cond::NotExists } else { Cond::Version(version) },
    }];
    if user.status == UserStatus::Invited {
        let current = accounts::get_user(store, &tenant.id, &user.id).await?.ok_or(AppError::Unauthenticated)?;
        user.status = UserStatus::Active;
        ops.push(TxOp::Put {
            item: accounts::user_item(&user, current.version + 1)?,
            cond: Cond::Version(current.version),
        });
    }
    let action = if purpose == Purpose::Invitation { "user.invitation_accepted" } else { "auth.password_reset" };
    ops.push(audit::op(&audit::entry(app, &tenant.id, Some(&user.id), action, Some(user.id.to_string()), client))?);
    store.transact(ops).await?;
    if purpose == Purpose::PasswordReset {
        for s in kt_store::sessions::of_user(store, &tenant.id, &user.id).await? {
            store.delete(&kt_store::sessions::key(&tenant.id, &s.id), Cond::None).await?;
        }
    }
    let via = if purpose == Purpose::Invitation { "invitation" } else { "password_reset" };
    two_factor::after_first_factor(app, tenant, user, &credentials, via, client).await
}

/// Mails `user` a link that confirms their address, when mail to it stopped. At most one a
/// minute, like every link mail.
pub async fn ask_to_confirm_address(
    app: &AppState,
    tenant: &Tenant,
    user: &User,
    client: &ClientInfo,
) -> Result<(), AppError> {
    if crate::mail::stops::of_user(app, user).await?.is_none() {
        return Err(AppError::Conflict("mail to your address was not stopped".into()));
    }
    let mut ops = issue_ops(app, tenant, user, Purpose::AddressConfirm)?;
    ops.push(audit::op(&audit::entry(
        app,
        &tenant.id,
        Some(&user.id),
        "mail.address_confirmation_sent",
        Some(user.id.to_string()),
        client,
    ))?);
    ops.push(gap_op(app, tenant, user));
    match app.store.transact(ops).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => {
            Err(AppError::Conflict("a link went to this address less than a minute ago; it still works".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The address's owner followed the confirmation link: mail to it starts again.
pub async fn confirm_address(
    app: &AppState,
    tenant: &Tenant,
    token: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let user = redeem(app, tenant, token, Purpose::AddressConfirm).await?;
    crate::mail::stops::confirmed(app, &user).await?;
    let entry =
        audit::entry(app, &tenant.id, Some(&user.id), "mail.address_confirmed", Some(user.id.to_string()), client);
    audit::record(app, entry).await
}
