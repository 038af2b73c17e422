//! Second factors end to end through the use cases, on a SQLite store with a controllable
//! clock and the local SMS outbox: set-up, the two-step sign-in, replay and guessing limits,
//! recovery codes, a tenant requiring a factor, removal rules and an administrator's reset.

use std::sync::Arc;

use kt_app::identity::accounts::{NewUser, create_org, create_user};
use kt_app::identity::sessions::{ClientInfo, sign_in_password};
use kt_app::identity::tenancy::{NewTenant, SettingsChange, create, update_settings};
use kt_app::identity::two_factor::{self, Challenge, SignIn};
use kt_app::wiring::{Settings, wire_with_clock};
use kt_app::{AppError, AppState, Refusal};
use kt_domain::auth::SecondFactor;
use kt_domain::identity::Role;
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantKind, User};
use kt_domain::{Clock, ManualClock};
use kt_platform::sms::LocalSms;
use totp_rs::{Algorithm, Secret, TOTP};

const PASSWORD: &str = "Tr0mbone-Lantern-Quiet-47";

struct World {
    _dir: tempfile::TempDir,
    app: AppState,
    clock: Arc<ManualClock>,
    sms: LocalSms,
    acme: Tenant,
    partner: User,
    client: User,
}

fn client_info() -> ClientInfo {
    ClientInfo { ip: Some("198.51.100.9".into()), user_agent: Some("tests".into()) }
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::starting_now());
    let wired = wire_with_clock(&Settings::local(dir.path()), clock.clone()).await.expect("wire");
    let app = wired.state;
    let new = NewTenant { name: "Acme Agency".into(), slug: "acme".into(), ticket_prefix: "ACME".into() };
    let acme = create(&app, &new, TenantKind::Partner).await.expect("acme");
    let org = create_org(&app, None, &acme, "Globex", &Default::default()).await.expect("org");
    let person = |email: &str, role: Role, orgs| NewUser {
        email: email.into(),
        name: "Someone".into(),
        role,
        password: Some(PASSWORD.into()),
        orgs,
    };
    let partner =
        create_user(&app, None, &acme, person("pat@acme.test", Role::Partner, vec![]), &Default::default()).await;
    let client =
        create_user(&app, None, &acme, person("dana@globex.test", Role::Client, vec![org.id]), &Default::default())
            .await;
    World {
        _dir: dir,
        app,
        clock,
        sms: wired.local_sms.expect("local sms outbox"),
        acme,
        partner: partner.expect("partner"),
        client: client.expect("client"),
    }
}

fn actor(user: &User) -> Actor {
    Actor {
        user: user.id.clone(),
        tenant: user.tenant.clone(),
        role: user.role,
        orgs: vec![],
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    }
}

async fn password_step(w: &World, tenant: &Tenant, email: &str) -> SignIn {
    sign_in_password(&w.app, tenant, email, PASSWORD, &client_info()).await.expect("first factor")
}

fn challenge(s: SignIn) -> Challenge {
    match s {
        SignIn::SecondFactor(c) => c,
        SignIn::Session(_) => panic!("a second factor was set up, yet sign-in gave a session"),
    }
}

/// The code an authenticator app with `secret` shows at the world's clock.
fn code(w: &World, secret: &str) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().expect("base32");
    let t = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into()).expect("totp");
    t.generate(w.clock.now_unix() as u64)
}

async fn last_text(w: &World) -> String {
    let sent = w.sms.list().await.expect("outbox");
    let body = &sent.first().expect("a text was sent").body;
    body.split_whitespace().next().expect("code").to_owned()
}

#[tokio::test]
async fn an_authenticator_app_guards_sign_in_and_each_code_works_once() {
    let w = world().await;
    let me = actor(&w.partner);
    let setup = two_factor::start_totp(&w.app, &w.acme, &me).await.expect("start");
    assert!(setup.uri.starts_with("otpauth://totp/Acme%20Agency:pat%40acme.test?secret="), "{}", setup.uri);
    assert!(setup.uri.contains("issuer=Acme%20Agency"));
    assert!(setup.qr_svg.starts_with("<?xml") && setup.qr_svg.contains("<svg"));
    // Not a factor until confirmed: sign-in still gives a session.
    assert!(matches!(password_step(&w, &w.acme, "pat@acme.test").await, SignIn::Session(_)));
    // The secret is stored sealed, never as typed into the app.
    let raw = w
        .app
        .store
        .get(&kt_store::accounts::credentials_key(&w.acme.id, &w.partner.id))
        .await
        .expect("get")
        .expect("credentials");
    assert!(!format!("{:?}", raw.attrs).contains(&setup.secret));

    let wrong = two_factor::confirm_totp(&w.app, &w.acme, &me, "000000", &client_info()).await;
    assert!(matches!(wrong, Err(AppError::Invalid(ref f)) if f[0].field == "code"), "{wrong:?}");
    let recovery = two_factor::confirm_totp(&w.app, &w.acme, &me, &code(&w, &setup.secret), &client_info())
        .await
        .expect("confirm")
        .expect("first factor brings recovery codes");
    assert_eq!(recovery.len(), 10);
    let status = two_factor::status(&w.app, &w.acme, &me).await.expect("status");
    assert!(status.totp && status.recovery_codes_left == 10 && !status.required && status.pending.is_none());

    // Now sign-in takes two steps.
    let c = challenge(password_step(&w, &w.acme, "pat@acme.test").await);
    assert_eq!(c.methods, vec![SecondFactor::Totp, SecondFactor::RecoveryCode]);
    assert!(!c.enrol);
    // The code used to confirm was for this 30-second step: it does not work again.
    let replay = two_factor::challenge_verify(
        &w.app,
        &w.acme,
        &c.token,
        SecondFactor::Totp,
        &code(&w, &setup.secret),
        &client_info(),
    )
    .await;
    assert!(
        matches!(replay, Err(AppError::SignInRefused(Refusal::WrongCode { tries_left: 4 }))),
        "a used code is refused: {replay:?}"
    );
    w.clock.advance(time::Duration::seconds(30));
    let verified = two_factor::challenge_verify(
        &w.app,
        &w.acme,
        &c.token,
        SecondFactor::Totp,
        &code(&w, &setup.secret),
        &client_info(),
    )
    .await
    .expect("the next code works");
    assert_eq!(verified.signed.user.id, w.partner.id);
    assert!(verified.recovery_codes.is_none());
    // A challenge is spent once passed.
    w.clock.advance(time::Duration::seconds(30));
    let again = two_factor::challenge_verify(
        &w.app,
        &w.acme,
        &c.token,
        SecondFactor::Totp,
        &code(&w, &setup.secret),
        &client_info(),
    )
    .await;
    assert!(matches!(again, Err(AppError::SignInRefused(Refusal::Expired))));

    // A recovery code works once, typed any way.
    let c = challenge(password_step(&w, &w.acme, "pat@acme.test").await);
    let typed = recovery[3].to_uppercase().replace('-', " ");
    two_factor::challenge_verify(&w.app, &w.acme, &c.token, SecondFactor::RecoveryCode, &typed, &client_info())
        .await
        .expect("recovery code");
    let c = challenge(password_step(&w, &w.acme, "pat@acme.test").await);
    let reused = two_factor::challenge_verify(
        &w.app,
        &w.acme,
        &c.token,
        SecondFactor::RecoveryCode,
        &recovery[3],
        &client_info(),
    )
    .await;
    assert!(matches!(reused, Err(AppError::SignInRefused(Refusal::WrongCode { .. }))));
    assert_eq!(two_factor::status(&w.app, &w.acme, &me).await.expect("status").recovery_codes_left, 9);

    // A challenge belongs to its tenant and its token.
    let other = create(
        &w.app,
        &NewTenant { name: "Beta".into(), slug: "beta".into(), ticket_prefix: "BETA".into() },
        TenantKind::Partner,
    )
    .await
    .expect("beta");
    w.clock.advance(time::Duration::seconds(30));
    let now_code = code(&w, &setup.secret);
    let elsewhere =
        two_factor::challenge_verify(&w.app, &other, &c.token, SecondFactor::Totp, &now_code, &client_info()).await;
    assert!(matches!(elsewhere, Err(AppError::SignInRefused(Refusal::Expired))));
    let (id, _) = c.token.split_once('.').expect("token");
    let forged = format!("{id}.not-the-secret");
    let forged =
        two_factor::challenge_verify(&w.app, &w.acme, &forged, SecondFactor::Totp, &now_code, &client_info()).await;
    assert!(matches!(forged, Err(AppError::SignInRefused(Refusal::Expired))));
    // ...and it expires.
    w.clock.advance(time::Duration::minutes(11));
    let late = two_factor::challenge_verify(
        &w.app,
        &w.acme,
        &c.token,
        SecondFactor::Totp,
        &code(&w, &setup.secret),
        &client_info(),
    )
    .await;
    assert!(matches!(late, Err(AppError::SignInRefused(Refusal::Expired))));
}

#[tokio::test]
async fn guessing_codes_voids_the_challenge_and_slows_the_person_down() {
    let w = world().await;
    let me = actor(&w.partner);
    let setup = two_factor::start_totp(&w.app, &w.acme, &me).await.expect("start");
    two_factor::confirm_totp(&w.app, &w.acme, &me, &code(&w, &setup.secret), &client_info()).await.expect("confirm");
    w.clock.advance(time::Duration::seconds(30));
    let c = challenge(password_step(&w, &w.acme, "pat@acme.test").await);
    let mut limited = false;
    for guess in 0..5 {
        match two_factor::challenge_verify(
            &w.app,
            &w.acme,
            &c.token,
            SecondFactor::Totp,
            &format!("{guess:06}"),
            &client_info(),
        )
        .await
        {
            Err(AppError::SignInRefused(Refusal::WrongCode { .. })) => {}
            Err(AppError::RateLimited { .. }) => {
                limited = true;
                break;
            }
            other => panic!("a wrong code must fail: {other:?}"),
        }
        w.clock.advance(time::Duration::seconds(1));
    }
    assert!(limited, "after three wrong codes the person waits");
    // A fresh password sign-in does not lift the wait.
    let c2 = challenge(password_step(&w, &w.acme, "pat@acme.test").await);
    let right = code(&w, &setup.secret);
    let blocked =
        two_factor::challenge_verify(&w.app, &w.acme, &c2.token, SecondFactor::Totp, &right, &client_info()).await;
    assert!(matches!(blocked, Err(AppError::RateLimited { .. })), "{blocked:?}");
    w.clock.advance(time::Duration::minutes(1));
    let right = code(&w, &setup.secret);
    two_factor::challenge_verify(&w.app, &w.acme, &c2.token, SecondFactor::Totp, &right, &client_info())
        .await
        .expect("after the wait the right code works");
    let audit = kt_store::audit::page(w.app.store.as_ref(), &w.acme.id, "0", "Z", 100, None).await.expect("audit").0;
    assert!(audit.iter().filter(|e| e.action == "auth.second_factor_failed").count() >= 3);
    assert!(audit.iter().any(|e| e.action == "auth.sign_in" && e.target.as_deref() == Some("password+totp")));
}

#[tokio::test]
async fn sms_codes_set_up_and_pass_the_second_step() {
    let w = world().await;
    let me = actor(&w.client);
    let bad = two_factor::start_sms(&w.app, &w.acme, &me, "555-1234").await;
    assert!(matches!(bad, Err(AppError::Invalid(ref f)) if f[0].field == "phone"));
    let opted_out = two_factor::start_sms(&w.app, &w.acme, &me, "+1 555 555 0199").await;
    assert!(matches!(opted_out, Err(AppError::Invalid(ref f)) if f[0].field == "phone"), "{opted_out:?}");
    w.clock.advance(time::Duration::seconds(30));
    let hint = two_factor::start_sms(&w.app, &w.acme, &me, "+1 555 555 0123").await.expect("text sent");
    assert!(hint.ends_with("23"));
    let too_soon = two_factor::start_sms(&w.app, &w.acme, &me, "+1 555 555 0123").await;
    assert!(matches!(too_soon, Err(AppError::RateLimited { .. })));
    let texted = last_text(&w).await;
    assert_eq!(texted.len(), 6);
    let wrong = if texted == "000000" { "111111" } else { "000000" };
    assert!(matches!(
        two_factor::confirm_sms(&w.app, &w.acme, &me, wrong, &client_info()).await,
        Err(AppError::Invalid(_))
    ));
    let recovery = two_factor::confirm_sms(&w.app, &w.acme, &me, &texted, &client_info()).await.expect("confirm");
    assert_eq!(recovery.map(|r| r.len()), Some(10));

    let c = challenge(password_step(&w, &w.acme, "dana@globex.test").await);
    assert_eq!(c.methods, vec![SecondFactor::Sms, SecondFactor::RecoveryCode]);
    assert!(c.phone_hint.as_deref().is_some_and(|h| h.ends_with("23")));
    let early =
        two_factor::challenge_verify(&w.app, &w.acme, &c.token, SecondFactor::Sms, "123456", &client_info()).await;
    assert!(matches!(early, Err(AppError::Conflict(_))), "no code was asked for yet");
    two_factor::challenge_send_sms(&w.app, &w.acme, &c.token, None).await.expect("code texted");
    let sign_in_code = last_text(&w).await;
    assert_ne!(sign_in_code, texted);
    let verified =
        two_factor::challenge_verify(&w.app, &w.acme, &c.token, SecondFactor::Sms, &sign_in_code, &client_info())
            .await
            .expect("second step");
    assert_eq!(verified.signed.user.id, w.client.id);

    // Codes expire after five minutes.
    let c = challenge(password_step(&w, &w.acme, "dana@globex.test").await);
    two_factor::challenge_send_sms(&w.app, &w.acme, &c.token, None).await.expect("texted");
    let stale = last_text(&w).await;
    w.clock.advance(time::Duration::minutes(6));
    let late = two_factor::challenge_verify(&w.app, &w.acme, &c.token, SecondFactor::Sms, &stale, &client_info()).await;
    assert!(matches!(late, Err(AppError::SignInRefused(Refusal::WrongCode { .. }))));
}

#[tokio::test]
async fn a_tenant_can_require_a_second_factor_for_a_role() {
    let w = world().await;
    let partner = actor(&w.partner);
    // Roles the tenant does not have are refused, naming the field.
    let bad = update_settings(
        &w.app,
        &partner,
        &w.acme.id,
        SettingsChange { require_2fa: Some(vec![Role::Staff]), ..Default::default() },
        &client_info(),
    )
    .await;
    assert!(matches!(bad, Err(AppError::Invalid(ref f)) if f[0].field == "require_2fa"));
    // A client may not change it (the tenant's settings are out of a client's sight).
    let client = actor(&w.client);
    let change = SettingsChange { require_2fa: Some(vec![Role::Client]), ..Default::default() };
    assert!(matches!(
        update_settings(&w.app, &client, &w.acme.id, change.clone(), &client_info()).await,
        Err(AppError::NotFound)
    ));
    let acme = update_settings(&w.app, &partner, &w.acme.id, change, &client_info()).await.expect("partner sets it");
    assert_eq!(acme.settings.require_2fa, vec![Role::Client]);

    // The client has no factor: the second step is setting one up.
    let c = challenge(password_step(&w, &acme, "dana@globex.test").await);
    assert!(c.enrol);
    assert_eq!(c.methods, vec![SecondFactor::Totp, SecondFactor::Sms]);
    let setup = two_factor::challenge_setup_totp(&w.app, &acme, &c.token).await.expect("setup");
    let no_recovery = two_factor::challenge_verify(
        &w.app,
        &acme,
        &c.token,
        SecondFactor::RecoveryCode,
        "abcde-fghjk",
        &client_info(),
    )
    .await;
    assert!(matches!(no_recovery, Err(AppError::SignInRefused(Refusal::WrongCode { .. }))));
    let verified = two_factor::challenge_verify(
        &w.app,
        &acme,
        &c.token,
        SecondFactor::Totp,
        &code(&w, &setup.secret),
        &client_info(),
    )
    .await
    .expect("set up and signed in");
    assert_eq!(verified.recovery_codes.as_ref().map(Vec::len), Some(10));
    let status = two_factor::status(&w.app, &acme, &client).await.expect("status");
    assert!(status.required && status.totp);
    // The only factor of a role that requires one cannot be removed.
    let removed = two_factor::remove(&w.app, &acme, &client, SecondFactor::Totp, PASSWORD, &client_info()).await;
    assert!(matches!(removed, Err(AppError::Conflict(_))), "{removed:?}");
    // Removing needs the password.
    let wrong = two_factor::remove(&w.app, &acme, &client, SecondFactor::Totp, "not my password", &client_info()).await;
    assert!(matches!(wrong, Err(AppError::Invalid(ref f)) if f[0].field == "password"));
    // The partner (not required) still signs in with a password only.
    assert!(matches!(password_step(&w, &acme, "pat@acme.test").await, SignIn::Session(_)));

    // Fresh recovery codes replace the old ones.
    let old = verified.recovery_codes.expect("codes");
    let new =
        two_factor::regenerate_recovery_codes(&w.app, &acme, &client, PASSWORD, &client_info()).await.expect("new");
    assert!(new.iter().all(|c| !old.contains(c)));
    let c = challenge(password_step(&w, &acme, "dana@globex.test").await);
    let stale =
        two_factor::challenge_verify(&w.app, &acme, &c.token, SecondFactor::RecoveryCode, &old[0], &client_info())
            .await;
    assert!(matches!(stale, Err(AppError::SignInRefused(Refusal::WrongCode { .. }))));
    two_factor::challenge_verify(&w.app, &acme, &c.token, SecondFactor::RecoveryCode, &new[0], &client_info())
        .await
        .expect("a new code works");

    // A lost phone: the partner resets the client's factors; the next sign-in sets up again.
    two_factor::reset(&w.app, &partner, &acme, &w.client.id, &client_info()).await.expect("reset");
    let c = challenge(password_step(&w, &acme, "dana@globex.test").await);
    assert!(c.enrol);
    // Nobody resets their own factors this way (it would skip the password).
    assert!(matches!(
        two_factor::reset(&w.app, &partner, &acme, &w.partner.id, &client_info()).await,
        Err(AppError::Conflict(_))
    ));
    // Clients cannot reset anyone.
    assert!(matches!(
        two_factor::reset(&w.app, &client, &acme, &w.partner.id, &client_info()).await,
        Err(AppError::NotFound)
    ));
}
