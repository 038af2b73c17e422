//! Sessions: password sign-in, rotating refresh tokens with reuse detection, sign-out, and
//! the list of one's own sessions.

use kt_domain::auth::Session;
use kt_domain::identity::Email;
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantStatus, User, UserStatus};
use kt_store::{Cond, accounts, sessions};

use super::standing::Standing;
use super::throttle::Throttle;
use super::tokens::{ACCESS_TTL_SECS, AccessClaims, hash_secret, new_secret, secret_matches};
use super::two_factor::{self, SignIn};
use super::{audit, passwords, tenancy};
use crate::{AppError, AppState, Refusal};

/// Sessions end 30 days after sign-in, however active.
pub const SESSION_TTL_DAYS: i64 = 30;

/// Where a request came from, for throttling and the session list.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub access_token: String,
    /// `<session id>.<secret>`; only its hash is stored.
    pub refresh_token: String,
    pub expires_in: i64,
    pub session: Session,
    pub user: User,
}

fn scope(tenant: &Tenant) -> String {
    format!("T#{}", tenant.id)
}

fn ensure_active(tenant: &Tenant) -> Result<(), AppError> {
    match tenant.status {
        TenantStatus::Active => Ok(()),
        TenantStatus::Suspended => Err(AppError::Forbidden),
    }
}

/// Email + password: a session, or the second step when the person has (or must set up) a
/// second factor. Every failure looks the same and costs the same time.
pub async fn sign_in_password(
    app: &AppState,
    tenant: &Tenant,
    email: &str,
    password: &str,
    client: &ClientInfo,
) -> Result<SignIn, AppError> {
    ensure_active(tenant)?;
    let account = email.trim().to_lowercase();
    let throttle = Throttle { store: app.store.as_ref(), clock: app.clock.as_ref() };
    throttle.check(&scope(tenant), &account, client.ip.as_deref()).await?;
    let store = app.store.as_ref();
    let user_id = match Email::parse(&account) {
        Ok(e) => accounts::user_by_email(store, &tenant.id, &e).await?,
        Err(_) => None,
    };
    let found = match &user_id {
        Some(id) => {
            let user = accounts::get_user(store, &tenant.id, id).await?.map(|v| v.value);
            let creds = accounts::get_credentials(store, &tenant.id, id).await?.map(|v| v.value);
            user.zip(creds.filter(|c| c.password_hash.is_some()))
        }
        None => None,
    };
    let (user, creds) = match found {
        Some((u, c)) => (Some(u), Some(c)),
        None => (None, None),
    };
    let hash = creds.as_ref().and_then(|c| c.password_hash.clone());
    let ok = passwords::verify(password.to_owned(), hash).await;
    match (user, creds) {
        (Some(user), Some(creds)) if ok && user.status == UserStatus::Active => {
            throttle.succeeded(&scope(tenant), &account).await?;
            two_factor::after_first_factor(app, tenant, user, &creds, "password", client).await
        }
        _ => {
            throttle.failed(&scope(tenant), &account, client.ip.as_deref()).await?;
            let target = Some(account.chars().take(254).collect());
            audit::record(app, audit::entry(app, &tenant.id, None, "auth.sign_in_failed", target, client)).await?;
            Err(AppError::SignInRefused(Refusal::WrongCredentials))
        }
    }
}

/// Starts a session for a user who has proven who they are.
pub async fn start(app: &AppState, tenant: &Tenant, user: User, client: &ClientInfo) -> Result<SignedIn, AppError> {
    let now = app.clock.now();
    let secret = new_secret();
    let session = Session {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        user: user.id.clone(),
        role: user.role,
        refresh_hash: hash_secret(&secret),
        retired_hashes: vec![],
        created_at: now,
        last_used_at: now,
        ends_at: now + time::Duration::days(SESSION_TTL_DAYS),
        user_agent: client.user_agent.clone().map(|ua| ua.chars().take(256).collect()),
        ip: client.ip.clone(),
    };
    app.store.put(sessions::item(&session, 1)?, Cond::NotExists).await?;
    let refresh_token = format!("{}.{secret}", session.id);
    let access_token = access_token(app, &session, user.grants).await?;
    Ok(SignedIn { access_token, refresh_token, expires_in: ACCESS_TTL_SECS, session, user })
}

async fn access_token(app: &AppState, session: &Session, grants: u32) -> Result<String, AppError> {
    let orgs = accounts::orgs_of(app.store.as_ref(), &session.tenant, &session.user).await?;
    let now = app.clock.now_unix();
    app.tokens.issue(&AccessClaims {
        sub: session.user.clone(),
        tid: session.tenant.clone(),
        role: session.role,
        sid: session.id.clone(),
        orgs,
        grants,
        iat: now,
        exp: now + ACCESS_TTL_SECS,
    })
}

/// Trades a refresh token for a new pair. Presenting a token that was already rotated away
/// revokes the whole session: someone else has a copy.
pub async fn refresh(app: &AppState, tenant: &Tenant, token: &str) -> Result<SignedIn, AppError> {
    ensure_active(tenant)?;
    let (sid, secret) = token.split_once('.').ok_or(AppError::Unauthenticated)?;
    let store = app.store.as_ref();
    let stored = sessions::get(store, &tenant.id, sid).await?.ok_or(AppError::Unauthenticated)?;
    let mut session = stored.value;
    if !secret_matches(secret, &session.refresh_hash) {
        if session.retired_hashes.iter().any(|h| secret_matches(secret, h)) {
            tracing::warn!(session = %session.id, user = %session.user, "refresh token reused: session revoked");
            let e = audit::entry(
                app,
                &tenant.id,
                Some(&session.user),
                "session.reuse_detected",
                Some(session.id.clone()),
                &ClientInfo::default(),
            );
            let delete = kt_store::TxOp::Delete { key: sessions::key(&tenant.id, &session.id), cond: Cond::None };
            store.transact(vec![delete, audit::op(&e)?]).await?;
            app.session_cache.forget_session(&session.id);
        }
        return Err(AppError::Unauthenticated);
    }
    let user = accounts::get_user(store, &tenant.id, &session.user).await?.map(|v| v.value);
    let Some(user) = user.filter(|u| u.status == UserStatus::Active) else {
        store.delete(&sessions::key(&tenant.id, &session.id), Cond::None).await?;
        app.session_cache.forget_session(&session.id);
        return Err(AppError::Unauthenticated);
    };
    let new = new_secret();
    session.rotate(hash_secret(&new), app.clock.now());
    session.role = user.role;
    match store.put(sessions::item(&session, stored.version + 1)?, Cond::Version(stored.version)).await {
        Ok(()) => {}
        // A concurrent refresh with the same token won; this copy is now stale.
        Err(e) if e.is_conflict() => return Err(AppError::Unauthenticated),
        Err(e) => return Err(e.into()),
    }
    let access_token = access_token(app, &session, user.grants).await?;
    Ok(SignedIn {
        access_token,
        refresh_token: format!("{}.{new}", session.id),
        expires_in: ACCESS_TTL_SECS,
        session,
        user,
    })
}

/// Ends one session of the actor's (404 for anyone else's).
pub async fn revoke(app: &AppState, actor: &Actor, session_id: &str, client: &ClientInfo) -> Result<(), AppError> {
    let store = app.store.as_ref();
    let session = sessions::get(store, &actor.tenant, session_id).await?.ok_or(AppError::NotFound)?;
    if session.value.user != actor.user {
        return Err(AppError::NotFound);
    }
    let e = audit::entry(app, &actor.tenant, Some(&actor.user), "session.revoked", Some(session_id.to_owned()), client);
    let delete = kt_store::TxOp::Delete { key: sessions::key(&actor.tenant, session_id), cond: Cond::None };
    store.transact(vec![delete, audit::op(&e)?]).await?;
    app.session_cache.forget_session(session_id);
    Ok(())
}

/// Ends every session of the actor ("sign out everywhere").
pub async fn revoke_all(app: &AppState, actor: &Actor, client: &ClientInfo) -> Result<usize, AppError> {
    let store = app.store.as_ref();
    let all = sessions::of_user(store, &actor.tenant, &actor.user).await?;
    let keys: Vec<_> = all.iter().map(|s| sessions::key(&actor.tenant, &s.id)).collect();
    for chunk in keys.chunks(kt_store::limits::MAX_BATCH_GET) {
        store.delete_many(chunk).await?;
    }
    app.session_cache.forget_user(&actor.user);
    let e =
        audit::entry(app, &actor.tenant, Some(&actor.user), "session.revoked_all", Some(all.len().to_string()), client);
    audit::record(app, e).await?;
    Ok(all.len())
}

pub async fn list(app: &AppState, actor: &Actor) -> Result<Vec<Session>, AppError> {
    Ok(sessions::of_user(app.store.as_ref(), &actor.tenant, &actor.user).await?)
}

/// The actor behind a valid access token whose tenant and session are still live and whose
/// user is active with the grants the token was issued at (see [`super::standing`]).
pub async fn actor_from_token(app: &AppState, token: &str) -> Result<Actor, AppError> {
    let claims = app.tokens.verify(token)?;
    let tenant = tenancy::get(app, &claims.tid).await.map_err(|_| AppError::Unauthenticated)?;
    ensure_active(&tenant).map_err(|_| AppError::Unauthenticated)?;
    let standing = match app.session_cache.get(&claims.sid) {
        Some(s) => s,
        None => {
            let s = Standing::read(app.store.as_ref(), &claims.tid, &claims.sid, &claims.sub).await?;
            app.session_cache.put(&claims.sid, &claims.sub, s.clone());
            s
        }
    };
    if !standing.admits(&claims.sub, claims.grants, app.clock.now()) {
        return Err(AppError::Unauthenticated);
    }
    Ok(Actor {
        user: claims.sub,
        tenant: claims.tid,
        role: claims.role,
        orgs: claims.orgs,
        scopes: None,
        optional_enabled: tenant.settings.client_api_enabled,
        tenant_bound: false,
    })
}
