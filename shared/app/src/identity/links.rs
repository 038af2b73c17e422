//! Emailed single-use links: magic sign-in (15 minutes), password reset (1 hour) and
//! invitations (7 days). The link carries `<id>.<secret>`; only the secret's hash is stored,
//! under the tenant, and redeeming deletes the item under a version condition, so a link works
//! once, on its own tenant's portal, before it expires. Requests for unknown emails answer
//! exactly like known ones.

use kt_domain::identity::{Email, UserId};
use kt_domain::password::check_new_password;
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_platform::{Mail, MailAddress};
use kt_store::{Cond, Item, Key, TxOp, accounts};
use serde::{Deserialize, Serialize};

use super::sessions::ClientInfo;
use super::tokens::{hash_secret, new_secret, secret_matches};
use super::two_factor::{self, SignIn};
use super::{audit, passwords};
use crate::{AppError, AppState, mail, outbox};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    MagicLink,
    PasswordReset,
    Invitation,
}

impl Purpose {
    pub fn lifetime(self) -> time::Duration {
        match self {
            Purpose::MagicLink => time::Duration::minutes(15),
            Purpose::PasswordReset => time::Duration::hours(1),
            Purpose::Invitation => time::Duration::days(7),
        }
    }

    fn path(self) -> &'static str {
        match self {
            Purpose::MagicLink => "/auth/magic",
            Purpose::PasswordReset => "/auth/reset",
            Purpose::Invitation => "/auth/invitation",
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

/// The mail for a link, in the tenant's branding.
fn link_mail(app: &AppState, tenant: &Tenant, user: &User, purpose: Purpose, url: &str) -> Mail {
    let b = &tenant.branding;
    let (subject, lead, button) = match purpose {
        Purpose::MagicLink => (
            format!("Your sign-in link for {}", b.portal_name),
            "Use this link to sign in. It works once, for 15 minutes.",
            "Sign in",
        ),
        Purpose::PasswordReset => (
            format!("Reset your {} password", b.portal_name),
            "Use this link to choose a new password. It works once, for an hour. If you did not ask for it, ignore this mail.",
            "Choose a new password",
        ),
        Purpose::Invitation => (
            format!("You are invited to {}", b.portal_name),
            "You have been invited. Use this link within 7 days to set your password.",
            "Accept the invitation",
        ),
    };
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let html = format!(
        "<!doctype html><html><body style=\"font-family:system-ui,sans-serif;color:#0f172a\">\
         <h1 style=\"color:{primary}\">{portal}</h1><p>Hello {name},</p><p>{lead}</p>\
         <p><a href=\"{url}\" style=\"background:{primary};color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none\">{button}</a></p>\
         <p style=\"font-size:12px;color:#475569\">Or paste this address into your browser: {url}</p></body></html>",
        primary = b.primary.as_str(),
        portal = esc(&b.portal_name),
        name = esc(&user.name),
        lead = esc(lead),
        url = esc(url),
        button = esc(button),
    );
    let support = b.support_email.as_ref().map(|e| MailAddress::new(None, e.as_str()));
    Mail {
        from: MailAddress::new(Some(&b.portal_name), &app.config.mail_from),
        to: vec![MailAddress::new(Some(&user.name), user.email.as_str())],
        reply_to: support,
        subject,
        text: format!("Hello {},\n\n{lead}\n\n{button}: {url}\n", user.name),
        html: Some(html),
        attachments: vec![],
        headers: vec![],
        thread: None,
    }
}

/// Operations that create a link for `user` and queue its mail, for the caller's transaction.
pub fn issue_ops(app: &AppState, tenant: &Tenant, user: &User, purpose: Purpose) -> Result<Vec<TxOp>, AppError> {
    let id = app.ids.ulid().to_string();
    let secret = new_secret();
    let record = LinkRecord { purpose, user: user.id.clone(), hash: hash_secret(&secret) };
    let expires = (app.clock.now() + purpose.lifetime()).unix_timestamp();
    let item = Item::from_entity(key(tenant, &id), &record)?.with_expiry(expires);
    let url = format!("{}{}?token={id}.{secret}", crate::seed::portal_url(app, tenant), purpose.path());
    let mail = link_mail(app, tenant, user, purpose, &url);
    let event = mail::requested(app.ids.ulid(), Some(tenant.id.to_string()), app.clock.now(), &mail)?;
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
    let sent = Key::new(format!("T#{}#LINKS#SENT#{}", tenant.id, user.id), "SENT");
    let until = app.clock.now_unix() + LINK_MAIL_GAP_SECS;
    ops.push(TxOp::Put { item: Item::new(sent, Default::default()).with_expiry(until), cond: Cond::NotExists });
    match store.transact(ops).await {
        Ok(()) => Ok(()),
        // A link went to this person less than a minute ago: it still works.
        Err(e) if e.is_conflict() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// At most one link mail per person in this many seconds.
pub const LINK_MAIL_GAP_SECS: i64 = 60;

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
