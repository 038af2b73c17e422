//! A signed-in person's own second factors: what is set up, enrolling an authenticator app or a
//! phone (each confirmed with a first code, the first factor also bringing recovery codes),
//! removing one or renewing the recovery codes (with the password), and an administrator's
//! reset of someone's factors.

use super::*;

async fn me(app: &AppState, tenant: &Tenant, actor: &Actor) -> Result<User, AppError> {
    accounts::get_user(app.store.as_ref(), &tenant.id, &actor.user).await?.map(|v| v.value).ok_or(AppError::NotFound)
}

pub async fn status(app: &AppState, tenant: &Tenant, actor: &Actor) -> Result<Status, AppError> {
    let creds = credentials(app, tenant, &actor.user).await?.value;
    Ok(Status {
        totp: creds.totp.is_some(),
        sms_phone_hint: creds.sms.as_ref().map(|s| s.phone.hint()),
        recovery_codes_left: if creds.has_second_factor() { creds.recovery_hashes.len() } else { 0 },
        required: tenant.settings.requires_second_factor(actor.role),
        pending: match creds.pending {
            Some(PendingFactor::Totp { .. }) => Some(SecondFactor::Totp),
            Some(PendingFactor::Sms { .. }) => Some(SecondFactor::Sms),
            None => None,
        },
    })
}

/// Starts setting up an authenticator app; it counts once a code from it is confirmed.
pub async fn start_totp(app: &AppState, tenant: &Tenant, actor: &Actor) -> Result<TotpSetup, AppError> {
    let user = me(app, tenant, actor).await?;
    let mut stored = credentials(app, tenant, &user.id).await?;
    if stored.value.totp.is_some() {
        return Err(AppError::Conflict("an authenticator app is already set up: remove it first".into()));
    }
    let (setup, sealed) = new_totp_setup(app, tenant, &user)?;
    stored.value.pending = Some(PendingFactor::Totp { sealed_secret: sealed, started_at: app.clock.now() });
    commit(app, vec![put_credentials(tenant, &user.id, &stored)?]).await?;
    Ok(setup)
}

/// Recovery codes for someone setting up their first factor; `None` when they already have a set.
fn first_recovery_codes(creds: &mut Credentials) -> Option<Vec<String>> {
    if !creds.recovery_hashes.is_empty() {
        return None;
    }
    let (codes, hashes) = new_recovery_codes();
    creds.recovery_hashes = hashes;
    Some(codes)
}

/// Confirms the authenticator being set up with a code from it. Returns recovery codes when
/// this is the first factor.
pub async fn confirm_totp(
    app: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    code: &str,
    client: &ClientInfo,
) -> Result<Option<Vec<String>>, AppError> {
    let mut stored = credentials(app, tenant, &actor.user).await?;
    let now = app.clock.now();
    let sealed = match &stored.value.pending {
        Some(PendingFactor::Totp { sealed_secret, started_at })
            if now - *started_at < time::Duration::minutes(SETUP_MINUTES) =>
        {
            sealed_secret.clone()
        }
        _ => return Err(AppError::Conflict("start setting up an authenticator app first".into())),
    };
    let Some(step) = totp_step(app, tenant, &actor.user, &sealed, code, 0)? else {
        return Err(AppError::invalid("code", "is not the current code of the authenticator app"));
    };
    stored.value.totp = Some(TotpFactor { sealed_secret: sealed, confirmed_at: now, last_step: step });
    enable(app, tenant, actor, stored, "2fa.totp_enabled", client).await
}

/// Ends a set-up whose factor is now in `stored`: recovery codes if it is the first factor,
/// the audit entry, one write.
async fn enable(
    app: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    mut stored: Versioned<Credentials>,
    action: &str,
    client: &ClientInfo,
) -> Result<Option<Vec<String>>, AppError> {
    stored.value.pending = None;
    let codes = first_recovery_codes(&mut stored.value);
    let e = audit::entry(app, &tenant.id, Some(&actor.user), action, Some(actor.user.to_string()), client);
    commit(app, vec![put_credentials(tenant, &actor.user, &stored)?, audit::op(&e)?]).await?;
    Ok(codes)
}

/// Starts setting up SMS codes: texts a code to `phone`. Returns the phone's hint.
pub async fn start_sms(app: &AppState, tenant: &Tenant, actor: &Actor, phone: &str) -> Result<String, AppError> {
    let phone = PhoneNumber::parse(phone).map_err(|e| AppError::from_invalid(vec![e]))?;
    let mut stored = credentials(app, tenant, &actor.user).await?;
    let now = app.clock.now();
    if let Some(PendingFactor::Sms { code, .. }) = &stored.value.pending
        && !code.may_resend(now)
    {
        let wait = kt_domain::auth::SMS_RESEND_SECS - (now - code.sent_at).whole_seconds();
        return Err(AppError::RateLimited { retry_after_secs: wait.max(1) as u64 });
    }
    let (code, otc) = new_sms_code(app);
    stored.value.pending = Some(PendingFactor::Sms { phone: phone.clone(), code: otc });
    commit(app, vec![put_credentials(tenant, &actor.user, &stored)?]).await?;
    let body =
        format!("{code} is your {} verification code. It expires in {SMS_CODE_MINUTES} minutes.", portal(tenant));
    send_text(app, &phone, &body).await?;
    Ok(phone.hint())
}

/// Confirms the phone being set up with the texted code. Returns recovery codes when this is
/// the first factor.
pub async fn confirm_sms(
    app: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    code: &str,
    client: &ClientInfo,
) -> Result<Option<Vec<String>>, AppError> {
    let mut stored = credentials(app, tenant, &actor.user).await?;
    let now = app.clock.now();
    let Some(PendingFactor::Sms { phone, code: otc }) = stored.value.pending.clone() else {
        return Err(AppError::Conflict("ask for a text message code first".into()));
    };
    if !otc.usable(now) {
        return Err(AppError::invalid("code", "has expired or was tried too often: ask for a new one"));
    }
    if !code_matches(&otc, code) {
        let mut otc = otc;
        otc.attempts += 1;
        stored.value.pending = Some(PendingFactor::Sms { phone, code: otc });
        commit(app, vec![put_credentials(tenant, &actor.user, &stored)?]).await?;
        return Err(AppError::invalid("code", "is not the code we texted"));
    }
    stored.value.sms = Some(SmsFactor { phone, verified_at: now });
    enable(app, tenant, actor, stored, "2fa.sms_enabled", client).await
}

/// Checks the signed-in person's password before a sensitive change (wrong ones are throttled
/// like second-factor codes).
async fn confirm_password(
    app: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    creds: &Credentials,
    password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let scope = throttle_scope(tenant);
    throttle(app).check(&scope, actor.user.as_str(), client.ip.as_deref()).await?;
    if passwords::verify(password.to_owned(), creds.password_hash.clone()).await {
        return Ok(());
    }
    throttle(app).failed(&scope, actor.user.as_str(), client.ip.as_deref()).await?;
    Err(AppError::invalid("password", "is not your current password"))
}

/// Removes a second factor after the password is confirmed. The last factor cannot go when the
/// role requires one; with it go the recovery codes.
pub async fn remove(
    app: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    factor: SecondFactor,
    password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut stored = credentials(app, tenant, &actor.user).await?;
    confirm_password(app, tenant, actor, &stored.value, password, client).await?;
    let creds = &mut stored.value;
    let action = match factor {
        SecondFactor::Totp if creds.totp.is_some() => {
            creds.totp = None;
            "2fa.totp_removed"
        }
        SecondFactor::Sms if creds.sms.is_some() => {
            creds.sms = None;
            "2fa.sms_removed"
        }
        _ => return Err(AppError::NotFound),
    };
    if !creds.has_second_factor() {
        if tenant.settings.requires_second_factor(actor.role) {
            return Err(AppError::Conflict("your role must use a second factor here: set up another one first".into()));
        }
        creds.recovery_hashes.clear();
    }
    let e = audit::entry(app, &tenant.id, Some(&actor.user), action, Some(actor.user.to_string()), client);
    commit(app, vec![put_credentials(tenant, &actor.user, &stored)?, audit::op(&e)?]).await
}

/// Replaces the recovery codes (the old ones stop working) after the password is confirmed.
pub async fn regenerate_recovery_codes(
    app: &AppState,
    tenant: &Tenant,
    actor: &Actor,
    password: &str,
    client: &ClientInfo,
) -> Result<Vec<String>, AppError> {
    let mut stored = credentials(app, tenant, &actor.user).await?;
    confirm_password(app, tenant, actor, &stored.value, password, client).await?;
    if !stored.value.has_second_factor() {
        return Err(AppError::Conflict("set up a second factor first".into()));
    }
    let (codes, hashes) = new_recovery_codes();
    stored.value.recovery_hashes = hashes;
    let e = audit::entry(
        app,
        &tenant.id,
        Some(&actor.user),
        "2fa.recovery_codes_regenerated",
        Some(actor.user.to_string()),
        client,
    );
    commit(app, vec![put_credentials(tenant, &actor.user, &stored)?, audit::op(&e)?]).await?;
    Ok(codes)
}

/// An administrator clears someone's second factors (a lost phone). Whoever may manage the
/// person's role may do this; the person sets up again at the next sign-in if required.
pub async fn reset(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    user: &UserId,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let target = accounts::get_user(app.store.as_ref(), &tenant.id, user).await?.ok_or(AppError::NotFound)?.value;
    if target.id == actor.user {
        // One's own factors change with the password confirmed, not through the admin route.
        return Err(AppError::Conflict("change your own second factors in your security settings".into()));
    }
    account_rules::require_manage(Some(actor), target.role, tenant)?;
    let mut stored = credentials(app, tenant, user).await?;
    let creds = &mut stored.value;
    creds.totp = None;
    creds.sms = None;
    creds.pending = None;
    creds.recovery_hashes.clear();
    let e = audit::entry(app, &tenant.id, Some(&actor.user), "2fa.reset", Some(user.to_string()), client);
    commit(app, vec![put_credentials(tenant, user, &stored)?, audit::op(&e)?]).await
}
