//! Second factors (PRD 4.1): authenticator apps (RFC 6238 TOTP, 6 digits, 30-second steps,
//! one step of drift either way, each code accepted once), SMS codes through the Sms port, and
//! single-use recovery codes (stored hashed). A tenant can require a second factor per role.
//!
//! Sign-in is two steps when a person has a second factor or their role requires one: the
//! first factor (password, magic link, reset or invitation link) yields a short-lived
//! challenge instead of a session, and the challenge plus a code yields the session. Someone
//! whose role requires a factor they have not set up sets it up inside the challenge, and
//! leaves with their recovery codes.
//!
//! Wrong codes cost: five per challenge, and a per-person counter with growing delays that a
//! fresh password sign-in does not reset, so knowing the password does not buy unlimited
//! guesses.

use kt_domain::auth::{
    CODE_ATTEMPTS, Credentials, OneTimeCode, PendingFactor, RECOVERY_CODES, SMS_CODE_MINUTES, SecondFactor, SmsFactor,
    TotpFactor,
};
use kt_domain::identity::{PhoneNumber, UserId};
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_platform::SmsError;
use kt_store::entity::Versioned;
use kt_store::{Cond, Item, Key, TxOp, accounts};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use totp_rs::{Algorithm, TOTP};

use super::sessions::{self, ClientInfo, SignedIn};
use super::throttle::Throttle;
use super::tokens::{hash_secret, new_secret, secret_matches};
use super::{accounts as account_rules, audit, passwords};
use crate::{AppError, AppState, Refusal};

const EXPIRED: AppError = AppError::SignInRefused(Refusal::Expired);

mod enrolment;
pub use enrolment::{
    confirm_sms, confirm_totp, regenerate_recovery_codes, remove, reset, start_sms, start_totp, status,
};

/// How long the second step of a sign-in may take.
pub const CHALLENGE_MINUTES: i64 = 10;
/// How long an authenticator set-up waits for its first code.
pub const SETUP_MINUTES: i64 = 15;
/// Texts one sign-in challenge may send.
pub const SMS_PER_CHALLENGE: u32 = 5;
const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// The outcome of a first factor: a session, or the second step.
#[derive(Debug, Clone)]
pub enum SignIn {
    Session(Box<SignedIn>),
    SecondFactor(Challenge),
}

/// The second step of a sign-in, as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `<id>.<secret>`; only the secret's hash is stored.
    pub token: String,
    /// The factors that can pass it (or, when `enrol`, that can be set up).
    pub methods: Vec<SecondFactor>,
    /// The person must set up a second factor first: their role requires one here.
    pub enrol: bool,
    /// Which phone SMS codes go to, partly hidden.
    pub phone_hint: Option<String>,
    pub expires_in: i64,
}

/// A new authenticator: the secret (base32, for typing in), the `otpauth://` URI and the same
/// URI as a QR code (SVG).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotpSetup {
    pub secret: String,
    pub uri: String,
    pub qr_svg: String,
}

/// A passed second step: the session, and recovery codes when a factor was just set up.
#[derive(Debug, Clone)]
pub struct Verified {
    pub signed: SignedIn,
    pub recovery_codes: Option<Vec<String>>,
}

/// What the signed-in person has set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub totp: bool,
    pub sms_phone_hint: Option<String>,
    pub recovery_codes_left: usize,
    /// Their role must use a second factor on this tenant.
    pub required: bool,
    /// A set-up waiting for its first code.
    pub pending: Option<SecondFactor>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ChallengeRecord {
    user: UserId,
    hash: String,
    #[serde(default)]
    attempts: u32,
    enrol: bool,
    /// The first factor, for the audit entry of the finished sign-in.
    via: String,
    /// Authenticator being set up inside the challenge (sealed secret).
    #[serde(default)]
    enrol_totp: Option<String>,
    /// Phone being set up inside the challenge.
    #[serde(default)]
    enrol_phone: Option<PhoneNumber>,
    #[serde(default)]
    sms: Option<OneTimeCode>,
    #[serde(default)]
    sms_sent: u32,
}

fn challenge_key(tenant: &Tenant, id: &str) -> Key {
    Key::new(format!("T#{}#MFA#{id}", tenant.id), "MFA")
}

/// What sealed secrets of `user` are bound to.
fn owner(tenant: &Tenant, user: &UserId) -> String {
    format!("T#{}#USER#{user}", tenant.id)
}

fn throttle(app: &AppState) -> Throttle<'_> {
    Throttle { store: app.store.as_ref(), clock: app.clock.as_ref() }
}

fn throttle_scope(tenant: &Tenant) -> String {
    format!("T#{}#SECOND_FACTOR", tenant.id)
}

fn totp(secret: Vec<u8>, issuer: &str, account: &str) -> TOTP {
    // Labels may not hold ':' (it separates issuer and account in the URI).
    let clean = |s: &str| s.replace(':', " ");
    TOTP::new_unchecked(Algorithm::SHA1, DIGITS, 1, STEP_SECS, secret, Some(clean(issuer)), clean(account))
}

fn new_totp_setup(app: &AppState, tenant: &Tenant, user: &User) -> Result<(TotpSetup, String), AppError> {
    // 160 bits, as RFC 4226 recommends.
    let secret: [u8; 20] = rand::random();
    let sealed = app.sealer.seal(&secret, &owner(tenant, &user.id))?;
    let t = totp(secret.to_vec(), &tenant.branding.portal_name, user.email.as_str());
    let uri = t.get_url();
    let qr = qrcode::QrCode::new(uri.as_bytes()).map_err(|e| AppError::Internal(format!("qr: {e}")))?;
    let qr_svg = qr.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok((TotpSetup { secret: t.get_secret_base32(), uri, qr_svg }, sealed))
}

/// Digits only: people type codes with spaces.
fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_lowercase()
}

/// The step `code` is valid for, if it is one of the steps around now and newer than
/// `last_step` (a code works once).
fn totp_step(
    app: &AppState,
    tenant: &Tenant,
    user: &UserId,
    sealed: &str,
    code: &str,
    last_step: u64,
) -> Result<Option<u64>, AppError> {
    let code = normalise_code(code);
    if code.len() != DIGITS || !code.chars().all(|c| c.is_ascii_digit()) {
        return Ok(None);
    }
    let secret = app.sealer.open(sealed, &owner(tenant, user))?;
    let t = totp(secret, "", "");
    let now = app.clock.now_unix().max(0) as u64 / STEP_SECS;
    for step in [now.saturating_sub(1), now, now + 1] {
        if step > last_step && bool::from(t.generate(step * STEP_SECS).as_bytes().ct_eq(code.as_bytes())) {
            return Ok(Some(step));
        }
    }
    Ok(None)
}

/// A fresh set of recovery codes (`xxxxx-xxxxx`, about 49 bits each): the codes to show once,
/// and their hashes to keep.
fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let picks: [u8; 10] = rand::random();
        let chars: String =
            picks.iter().map(|b| RECOVERY_ALPHABET[*b as usize % RECOVERY_ALPHABET.len()] as char).collect();
        codes.push(format!("{}-{}", &chars[..5], &chars[5..]));
    }
    let hashes = codes.iter().map(|c| hash_secret(&normalise_code(c))).collect();
    (codes, hashes)
}

fn new_sms_code(app: &AppState) -> (String, OneTimeCode) {
    let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
    let now = app.clock.now();
    let otc = OneTimeCode {
        hash: hash_secret(&code),
        sent_at: now,
        expires_at: now + time::Duration::minutes(SMS_CODE_MINUTES),
        attempts: 0,
    };
    (code, otc)
}

fn code_matches(otc: &OneTimeCode, code: &str) -> bool {
    secret_matches(&normalise_code(code), &otc.hash)
}

async fn send_text(app: &AppState, to: &PhoneNumber, body: &str) -> Result<(), AppError> {
    match app.sms.send(to, body).await {
        Ok(_) => Ok(()),
        Err(SmsError::OptedOut(hint)) => Err(AppError::invalid(
            "phone",
            format!("{hint} has opted out of text messages: reply START to our sender, or use another method"),
        )),
        Err(SmsError::TooLong) => Err(AppError::Internal("sms text too long".into())),
        Err(SmsError::Unavailable(e)) => Err(AppError::Unavailable(e)),
    }
}

async fn credentials(app: &AppState, tenant: &Tenant, user: &UserId) -> Result<Versioned<Credentials>, AppError> {
    Ok(accounts::get_credentials(app.store.as_ref(), &tenant.id, user)
        .await?
        .unwrap_or(Versioned { value: Credentials::default(), version: 0 }))
}

fn put_credentials(tenant: &Tenant, user: &UserId, stored: &Versioned<Credentials>) -> Result<TxOp, AppError> {
    Ok(TxOp::Put {
        item: accounts::credentials_item(&tenant.id, user, &stored.value, stored.version + 1)?,
        cond: if stored.version == 0 { Cond::NotExists } else { Cond::Version(stored.version) },
    })
}

/// Writes `ops`; a lost race (the credentials changed meanwhile) asks the person to retry.
async fn commit(app: &AppState, ops: Vec<TxOp>) -> Result<(), AppError> {
    match app.store.transact(ops).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => Err(AppError::Conflict("your security settings changed meanwhile: retry".into())),
        Err(e) => Err(e.into()),
    }
}

// ------------------------------------------------------------------ sign-in, second step

/// After a first factor: a session when no second factor is set up or required, else a
/// challenge. `creds` are the person's credentials as the first factor read them; `via` names
/// the first factor in the audit log (`password`, `magic_link`, ...).
pub async fn after_first_factor(
    app: &AppState,
    tenant: &Tenant,
    user: User,
    creds: &Credentials,
    via: &str,
    client: &ClientInfo,
) -> Result<SignIn, AppError> {
    let required = tenant.settings.requires_second_factor(user.role);
    if !creds.has_second_factor() && !required {
        let signed = sessions::start(app, tenant, user, client).await?;
        let e = audit::entry(app, &tenant.id, Some(&signed.user.id), "auth.sign_in", Some(via.to_owned()), client);
        audit::record(app, e).await?;
        return Ok(SignIn::Session(Box::new(signed)));
    }
    let enrol = !creds.has_second_factor();
    let id = app.ids.ulid().to_string();
    let secret = new_secret();
    let record = ChallengeRecord {
        user: user.id.clone(),
        hash: hash_secret(&secret),
        attempts: 0,
        enrol,
        via: via.to_owned(),
        enrol_totp: None,
        enrol_phone: None,
        sms: None,
        sms_sent: 0,
    };
    let expires = app.clock.now() + time::Duration::minutes(CHALLENGE_MINUTES);
    let item = Item::from_entity(challenge_key(tenant, &id), &record)?.with_expiry(expires.unix_timestamp());
    app.store.put(item, Cond::NotExists).await?;
    Ok(SignIn::SecondFactor(Challenge {
        token: format!("{id}.{secret}"),
        methods: if enrol { vec![SecondFactor::Totp, SecondFactor::Sms] } else { creds.second_factors() },
        enrol,
        phone_hint: creds.sms.as_ref().map(|s| s.phone.hint()),
        expires_in: CHALLENGE_MINUTES * 60,
    }))
}

/// The live challenge behind `token` (any mismatch: the sign-in has ended).
async fn load_challenge(app: &AppState, tenant: &Tenant, token: &str) -> Result<(Item, ChallengeRecord), AppError> {
    let (id, secret) = token.split_once('.').ok_or(EXPIRED)?;
    if ulid::Ulid::from_string(id).is_err() {
        return Err(EXPIRED);
    }
    let item = app.store.get(&challenge_key(tenant, id)).await?.ok_or(EXPIRED)?;
    let record: ChallengeRecord = item.to_entity()?;
    if !secret_matches(secret, &record.hash) || record.attempts >= CODE_ATTEMPTS {
        return Err(EXPIRED);
    }
    Ok((item, record))
}

async fn save_challenge(app: &AppState, item: &Item, record: &ChallengeRecord) -> Result<(), AppError> {
    let mut next = Item::from_entity(item.key.clone(), record)?;
    next.expires_at = item.expires_at;
    next.version = item.version + 1;
    match app.store.put(next, Cond::Version(item.version)).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => Err(EXPIRED),
        Err(e) => Err(e.into()),
    }
}

/// Sets up an authenticator inside a challenge whose person must enrol.
pub async fn challenge_setup_totp(app: &AppState, tenant: &Tenant, token: &str) -> Result<TotpSetup, AppError> {
    let (item, mut record) = load_challenge(app, tenant, token).await?;
    if !record.enrol {
        return Err(AppError::Conflict("a second factor is already set up: use it".into()));
    }
    let user = active_user(app, tenant, &record.user).await?;
    let (setup, sealed) = new_totp_setup(app, tenant, &user)?;
    record.enrol_totp = Some(sealed);
    save_challenge(app, &item, &record).await?;
    Ok(setup)
}

/// Texts a code for the challenge: to the person's phone, or, when enrolling, to `phone`.
/// Returns the hint of the phone it went to.
pub async fn challenge_send_sms(
    app: &AppState,
    tenant: &Tenant,
    token: &str,
    phone: Option<&str>,
) -> Result<String, AppError> {
    let (item, mut record) = load_challenge(app, tenant, token).await?;
    let to = if record.enrol {
        let raw = phone.ok_or_else(|| AppError::invalid("phone", "is required to set up text messages"))?;
        let p = PhoneNumber::parse(raw).map_err(|e| AppError::from_invalid(vec![e]))?;
        record.enrol_phone = Some(p.clone());
        p
    } else {
        let creds = credentials(app, tenant, &record.user).await?.value;
        creds.sms.map(|s| s.phone).ok_or_else(|| AppError::Conflict("no phone is set up for text messages".into()))?
    };
    let now = app.clock.now();
    if let Some(previous) = &record.sms
        && !previous.may_resend(now)
    {
        let wait = kt_domain::auth::SMS_RESEND_SECS - (now - previous.sent_at).whole_seconds();
        return Err(AppError::RateLimited { retry_after_secs: wait.max(1) as u64 });
    }
    if record.sms_sent >= SMS_PER_CHALLENGE {
        return Err(AppError::RateLimited { retry_after_secs: (CHALLENGE_MINUTES * 60) as u64 });
    }
    let (code, otc) = new_sms_code(app);
    record.sms = Some(otc);
    record.sms_sent += 1;
    // Saved before sending: the resend limits hold even for concurrent requests.
    save_challenge(app, &item, &record).await?;
    let body = format!("{code} is your {} sign-in code. It expires in {SMS_CODE_MINUTES} minutes.", portal(tenant));
    send_text(app, &to, &body).await?;
    Ok(to.hint())
}

fn portal(tenant: &Tenant) -> String {
    tenant.branding.portal_name.chars().take(40).collect()
}

async fn active_user(app: &AppState, tenant: &Tenant, id: &UserId) -> Result<User, AppError> {
    accounts::get_user(app.store.as_ref(), &tenant.id, id)
        .await?
        .map(|v| v.value)
        .filter(|u| u.status == UserStatus::Active)
        .ok_or(EXPIRED)
}

/// Passes the second step with `code` of `method`, and starts the session.
pub async fn challenge_verify(
    app: &AppState,
    tenant: &Tenant,
    token: &str,
    method: SecondFactor,
    code: &str,
    client: &ClientInfo,
) -> Result<Verified, AppError> {
    let (item, mut record) = load_challenge(app, tenant, token).await?;
    let user = active_user(app, tenant, &record.user).await?;
    let scope = throttle_scope(tenant);
    throttle(app).check(&scope, user.id.as_str(), client.ip.as_deref()).await?;
    let mut stored = credentials(app, tenant, &user.id).await?;
    let now = app.clock.now();
    let creds = &mut stored.value;
    let mut enrolled = None;
    let passed = match method {
        SecondFactor::Totp if record.enrol => match record.enrol_totp.clone() {
            Some(sealed) => match totp_step(app, tenant, &user.id, &sealed, code, 0)? {
                Some(step) => {
                    creds.totp = Some(TotpFactor { sealed_secret: sealed, confirmed_at: now, last_step: step });
                    enrolled = Some("2fa.totp_enabled");
                    true
                }
                None => false,
            },
            None => return Err(AppError::Conflict("set up the authenticator app first".into())),
        },
        SecondFactor::Totp => match creds.totp.as_mut() {
            Some(t) => match totp_step(app, tenant, &user.id, &t.sealed_secret, code, t.last_step)? {
                Some(step) => {
                    t.last_step = step;
                    true
                }
                None => false,
            },
            None => false,
        },
        SecondFactor::Sms => match record.sms.as_mut() {
            Some(otc) if otc.usable(now) && code_matches(otc, code) => {
                if record.enrol {
                    let phone = record.enrol_phone.clone().ok_or(EXPIRED)?;
                    creds.sms = Some(SmsFactor { phone, verified_at: now });
                    enrolled = Some("2fa.sms_enabled");
                }
                true
            }
            Some(otc) => {
                otc.attempts += 1;
                false
            }
            None => return Err(AppError::Conflict("ask for a text message code first".into())),
        },
        SecondFactor::RecoveryCode if record.enrol => false,
        SecondFactor::RecoveryCode => {
            let presented = normalise_code(code);
            match creds.recovery_hashes.iter().position(|h| secret_matches(&presented, h)) {
                Some(i) => {
                    creds.recovery_hashes.remove(i);
                    true
                }
                None => false,
            }
        }
    };
    if !passed {
        record.attempts += 1;
        if record.attempts >= CODE_ATTEMPTS {
            app.store.delete(&item.key, Cond::None).await?;
        } else {
            save_challenge(app, &item, &record).await?;
        }
        throttle(app).failed(&scope, user.id.as_str(), client.ip.as_deref()).await?;
        let target = Some(format!("{}:{method:?}", user.id));
        audit::record(app, audit::entry(app, &tenant.id, Some(&user.id), "auth.second_factor_failed", target, client))
            .await?;
        return Err(AppError::SignInRefused(Refusal::WrongCode {
            tries_left: CODE_ATTEMPTS.saturating_sub(record.attempts),
        }));
    }
    let mut recovery_codes = None;
    if enrolled.is_some() {
        let (codes, hashes) = new_recovery_codes();
        creds.recovery_hashes = hashes;
        recovery_codes = Some(codes);
    }
    let mut ops = vec![TxOp::Delete { key: item.key.clone(), cond: Cond::Version(item.version) }];
    ops.push(put_credentials(tenant, &user.id, &stored)?);
    if let Some(action) = enrolled {
        ops.push(audit::op(&audit::entry(app, &tenant.id, Some(&user.id), action, Some(user.id.to_string()), client))?);
    }
    let via = format!("{}+{}", record.via, method.as_str());
    ops.push(audit::op(&audit::entry(app, &tenant.id, Some(&user.id), "auth.sign_in", Some(via), client))?);
    match app.store.transact(ops).await {
        Ok(()) => {}
        // Used concurrently: only one use of a challenge counts.
        Err(e) if e.is_conflict() => return Err(EXPIRED),
        Err(e) => return Err(e.into()),
    }
    throttle(app).succeeded(&scope, user.id.as_str()).await?;
    let signed = sessions::start(app, tenant, user, client).await?;
    Ok(Verified { signed, recovery_codes })
}

// ------------------------------------------------------------------ the signed-in person

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_distinct_readable_and_hashed() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), RECOVERY_CODES);
        for (code, hash) in codes.iter().zip(&hashes) {
            assert_eq!(code.len(), 11);
            assert!(code.chars().all(|c| c == '-' || RECOVERY_ALPHABET.contains(&(c as u8))));
            // Typed back in capitals with spaces, it still matches.
            assert!(secret_matches(&normalise_code(&code.to_uppercase().replace('-', " ")), hash));
        }
    }

    #[test]
    fn codes_are_normalised() {
        assert_eq!(normalise_code(" 123 456 "), "123456");
        assert_eq!(normalise_code("ABCDE-FGHJK"), "abcdefghjk");
    }
}
