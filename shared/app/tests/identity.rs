//! Identity use cases on a fresh SQLite store with a controllable clock.

use std::sync::Arc;

use kt_app::identity::accounts::{NewUser, create_org, create_user};
use kt_app::identity::sessions::{ClientInfo, actor_from_token, refresh, revoke_all, sign_in_password};
use kt_app::identity::tenancy::{NewTenant, create, resolve_host, set_status};
use kt_app::identity::two_factor::SignIn;
use kt_app::wiring::{Settings, wire_with_clock};
use kt_app::{AppError, AppState, Refusal};
use kt_domain::ManualClock;
use kt_domain::identity::Role;
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantKind, TenantStatus};
use kt_store::{Cond, tenants};

const PASSWORD: &str = "Tr0mbone-Lantern-Quiet-47";

struct World {
    _dir: tempfile::TempDir,
    app: AppState,
    clock: Arc<ManualClock>,
    house: Tenant,
    acme: Tenant,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::starting_now());
    let app = wire_with_clock(&Settings::local(dir.path()), clock.clone()).await.expect("wire").state;
    let new = |name: &str, slug: &str, prefix: &str| NewTenant {
        name: name.into(),
        slug: slug.into(),
        ticket_prefix: prefix.into(),
    };
    let house = create(&app, &new("Kre8ivTech", "kt", "KT"), TenantKind::House).await.expect("house");
    let acme = create(&app, &new("Acme Agency", "acme", "ACME"), TenantKind::Partner).await.expect("acme");
    World { _dir: dir, app, clock, house, acme }
}

fn user(email: &str, role: Role) -> NewUser {
    NewUser { email: email.into(), name: "Someone".into(), role, password: Some(PASSWORD.into()), orgs: vec![] }
}

fn field(e: &AppError) -> Vec<String> {
    match e {
        AppError::Invalid(fields) => fields.iter().map(|f| f.field.clone()).collect(),
        other => panic!("expected field errors, got {other:?}"),
    }
}

/// A password sign-in of someone without a second factor: a session.
async fn sign_in(
    w: &World,
    tenant: &Tenant,
    email: &str,
    password: &str,
) -> Result<kt_app::identity::sessions::SignedIn, AppError> {
    let client = ClientInfo { ip: Some("198.51.100.7".into()), user_agent: Some("tests".into()) };
    match sign_in_password(&w.app, tenant, email, password, &client).await? {
        SignIn::Session(s) => Ok(*s),
        SignIn::SecondFactor(c) => panic!("no second factor was set up, yet sign-in asked for one: {c:?}"),
    }
}

#[tokio::test]
async fn hosts_resolve_to_their_tenants() {
    let w = world().await;
    assert_eq!(resolve_host(&w.app, "localhost:3000").await.expect("house").id, w.house.id);
    assert_eq!(resolve_host(&w.app, "ACME.localhost").await.expect("acme").id, w.acme.id);
    assert!(matches!(resolve_host(&w.app, "nope.localhost").await, Err(AppError::NotFound)));
    assert!(matches!(resolve_host(&w.app, "a.acme.localhost").await, Err(AppError::NotFound)));
    assert!(matches!(resolve_host(&w.app, "evil.example").await, Err(AppError::NotFound)));
    let mapping = kt_store::entity::pointer_item(tenants::domain_key("portal.acme.test"), "tenant", w.acme.id.as_str());
    w.app.store.put(mapping, Cond::None).await.expect("map domain");
    assert_eq!(resolve_host(&w.app, "portal.acme.test").await.expect("custom domain").id, w.acme.id);
    let dup = create(
        &w.app,
        &NewTenant { name: "Other".into(), slug: "acme".into(), ticket_prefix: "OTH".into() },
        TenantKind::Partner,
    )
    .await;
    assert_eq!(field(&dup.unwrap_err()), vec!["slug"]);
    let bad = create(
        &w.app,
        &NewTenant { name: " ".into(), slug: "x".into(), ticket_prefix: "1".into() },
        TenantKind::Partner,
    )
    .await;
    assert_eq!(field(&bad.unwrap_err()), vec!["name", "slug", "ticket_prefix"], "every field at once");
}

#[tokio::test]
async fn users_are_checked_and_created_by_those_allowed() {
    let w = world().await;
    let org = create_org(&w.app, None, &w.acme, "Client Co", &Default::default()).await.expect("org");
    let partner = create_user(&w.app, None, &w.acme, user("pat@acme.test", Role::Partner), &Default::default())
        .await
        .expect("partner");
    let weak = NewUser { password: Some("password1234".into()), ..user("weak@acme.test", Role::PartnerStaff) };
    assert_eq!(
        field(&create_user(&w.app, None, &w.acme, weak, &Default::default()).await.unwrap_err()),
        vec!["password"]
    );
    let dup = create_user(&w.app, None, &w.acme, user("PAT@acme.test", Role::PartnerStaff), &Default::default()).await;
    assert_eq!(field(&dup.unwrap_err()), vec!["email"]);
    let staff_in_partner =
        create_user(&w.app, None, &w.acme, user("s@acme.test", Role::Staff), &Default::default()).await;
    assert_eq!(field(&staff_in_partner.unwrap_err()), vec!["role"]);
    let orphan = create_user(&w.app, None, &w.acme, user("c@acme.test", Role::Client), &Default::default()).await;
    assert_eq!(field(&orphan.unwrap_err()), vec!["orgs"]);

    let as_partner = Actor {
        user: partner.id.clone(),
        tenant: w.acme.id.clone(),
        role: Role::Partner,
        orgs: vec![],
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    };
    let client = NewUser { orgs: vec![org.id.clone()], ..user("dana@client.test", Role::Client) };
    create_user(&w.app, Some(&as_partner), &w.acme, client, &Default::default())
        .await
        .expect("partner manages its clients");
    assert!(matches!(
        create_user(&w.app, Some(&as_partner), &w.acme, user("p2@acme.test", Role::Partner), &Default::default()).await,
        Err(AppError::Forbidden)
    ));
    assert!(
        matches!(
            create_user(&w.app, Some(&as_partner), &w.house, user("x@kt.test", Role::Client), &Default::default())
                .await,
            Err(AppError::NotFound)
        ),
        "another tenant is out of sight"
    );
    assert!(matches!(
        create_org(&w.app, Some(&as_partner), &w.house, "Nope", &Default::default()).await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn password_sign_in_issues_tokens_and_fails_alike_for_every_wrong_input() {
    let w = world().await;
    let created = create_user(&w.app, None, &w.acme, user("pat@acme.test", Role::Partner), &Default::default())
        .await
        .expect("partner");
    let signed = sign_in(&w, &w.acme, "Pat@Acme.test", PASSWORD).await.expect("sign in");
    let actor = actor_from_token(&w.app, &signed.access_token).await.expect("token");
    assert_eq!((actor.user, actor.tenant, actor.role), (created.id.clone(), w.acme.id.clone(), Role::Partner));
    assert!(matches!(
        sign_in(&w, &w.acme, "pat@acme.test", "wrong password!!").await,
        Err(AppError::SignInRefused(Refusal::WrongCredentials))
    ));
    assert!(matches!(
        sign_in(&w, &w.acme, "nobody@acme.test", PASSWORD).await,
        Err(AppError::SignInRefused(Refusal::WrongCredentials))
    ));
    assert!(matches!(
        sign_in(&w, &w.acme, "not an email", PASSWORD).await,
        Err(AppError::SignInRefused(Refusal::WrongCredentials))
    ));
    // The same person on another tenant's host does not exist.
    assert!(matches!(
        sign_in(&w, &w.house, "pat@acme.test", PASSWORD).await,
        Err(AppError::SignInRefused(Refusal::WrongCredentials))
    ));
}

#[tokio::test]
async fn repeated_failures_are_slowed_down_per_account() {
    let w = world().await;
    create_user(&w.app, None, &w.acme, user("pat@acme.test", Role::Partner), &Default::default())
        .await
        .expect("partner");
    for _ in 0..3 {
        assert!(matches!(
            sign_in(&w, &w.acme, "pat@acme.test", "wrong password!!").await,
            Err(AppError::SignInRefused(Refusal::WrongCredentials))
        ));
    }
    match sign_in(&w, &w.acme, "pat@acme.test", PASSWORD).await {
        Err(AppError::RateLimited { retry_after_secs }) => assert_eq!(retry_after_secs, 2),
        other => panic!("expected a delay, got {:?}", other.map(|s| s.user.email)),
    }
    w.clock.advance(time::Duration::seconds(3));
    sign_in(&w, &w.acme, "pat@acme.test", PASSWORD).await.expect("after the delay the right password works");
}

#[tokio::test]
async fn refresh_tokens_rotate_and_a_replayed_one_ends_the_session() {
    let w = world().await;
    create_user(&w.app, None, &w.acme, user("pat@acme.test", Role::Partner), &Default::default())
        .await
        .expect("partner");
    let first = sign_in(&w, &w.acme, "pat@acme.test", PASSWORD).await.expect("sign in");
    let second = refresh(&w.app, &w.acme, &first.refresh_token).await.expect("rotate");
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.session.id, first.session.id);
    let third = refresh(&w.app, &w.acme, &second.refresh_token).await.expect("rotate again");
    // An attacker replays the first token: refused, and the whole family dies.
    assert!(matches!(refresh(&w.app, &w.acme, &first.refresh_token).await, Err(AppError::Unauthenticated)));
    assert!(matches!(refresh(&w.app, &w.acme, &third.refresh_token).await, Err(AppError::Unauthenticated)));
    // Tokens are bound to their tenant.
    let other = sign_in(&w, &w.acme, "pat@acme.test", PASSWORD).await.expect("sign in again");
    assert!(matches!(refresh(&w.app, &w.house, &other.refresh_token).await, Err(AppError::Unauthenticated)));
    assert!(matches!(refresh(&w.app, &w.acme, "garbage").await, Err(AppError::Unauthenticated)));
    let actor = actor_from_token(&w.app, &other.access_token).await.expect("actor");
    assert_eq!(revoke_all(&w.app, &actor, &Default::default()).await.expect("sign out everywhere"), 1);
    assert!(matches!(refresh(&w.app, &w.acme, &other.refresh_token).await, Err(AppError::Unauthenticated)));
}

#[tokio::test]
async fn suspending_a_tenant_locks_its_users_out_at_once() {
    let w = world().await;
    let admin = create_user(&w.app, None, &w.house, user("root@kt.test", Role::SuperAdmin), &Default::default())
        .await
        .expect("admin");
    create_user(&w.app, None, &w.acme, user("pat@acme.test", Role::Partner), &Default::default())
        .await
        .expect("partner");
    let signed = sign_in(&w, &w.acme, "pat@acme.test", PASSWORD).await.expect("sign in");
    actor_from_token(&w.app, &signed.access_token).await.expect("works before");
    let root = Actor {
        user: admin.id,
        tenant: w.house.id.clone(),
        role: Role::SuperAdmin,
        orgs: vec![],
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    };
    let partner_actor = actor_from_token(&w.app, &signed.access_token).await.expect("actor");
    assert!(matches!(
        set_status(&w.app, &partner_actor, &w.acme.id, TenantStatus::Suspended, &Default::default()).await,
        Err(AppError::Forbidden)
    ));
    let suspended =
        set_status(&w.app, &root, &w.acme.id, TenantStatus::Suspended, &Default::default()).await.expect("suspend");
    assert!(matches!(actor_from_token(&w.app, &signed.access_token).await, Err(AppError::Unauthenticated)));
    assert!(matches!(refresh(&w.app, &suspended, &signed.refresh_token).await, Err(AppError::Forbidden)));
    assert!(matches!(sign_in(&w, &suspended, "pat@acme.test", PASSWORD).await, Err(AppError::Forbidden)));
    assert!(matches!(
        set_status(&w.app, &root, &w.house.id, TenantStatus::Suspended, &Default::default()).await,
        Err(AppError::Invalid(_))
    ));
}

#[tokio::test]
async fn one_address_guessing_across_accounts_is_slowed_down_too() {
    let w = world().await;
    for i in 0..kt_app::identity::throttle::FREE_IP_FAILURES {
        let r = sign_in(&w, &w.acme, &format!("user{i}@acme.test"), "wrong password!!").await;
        assert!(matches!(r, Err(AppError::SignInRefused(Refusal::WrongCredentials))), "attempt {i}");
    }
    assert!(matches!(
        sign_in(&w, &w.acme, "someone@acme.test", "wrong password!!").await,
        Err(AppError::RateLimited { .. })
    ));
}

#[tokio::test]
async fn a_new_deployment_gets_its_first_super_admin_by_invitation_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = kt_app::wiring::wire(&Settings::local(dir.path())).await.expect("wire").state;
    let done = kt_app::seed::first_super_admin(&app, "owner@kre8ivtech.test", "Olive Owner").await.expect("bootstrap");
    assert!(done.invited);
    let house =
        kt_app::identity::tenancy::house(app.store.as_ref()).await.expect("read").expect("house tenant created");
    let email = kt_domain::identity::Email::parse("owner@kre8ivtech.test").expect("email");
    let id = kt_store::accounts::user_by_email(app.store.as_ref(), &house, &email).await.expect("read").expect("user");
    let user = kt_store::accounts::get_user(app.store.as_ref(), &house, &id).await.expect("read").expect("user").value;
    assert_eq!(user.role, Role::SuperAdmin);
    let again = kt_app::seed::first_super_admin(&app, "owner@kre8ivtech.test", "Olive Owner").await.expect("again");
    assert!(!again.invited, "running it again changes nothing");
    let err = kt_app::seed::first_super_admin(&app, "not an address", "X").await.expect_err("refused");
    assert_eq!(field(&err), vec!["email".to_owned()]);
}

#[tokio::test]
async fn users_written_before_the_staff_index_are_indexed_once_at_start_up() {
    let w = world().await;
    let store = w.app.store.as_ref();
    let user = |email: &str, role: Role| NewUser {
        email: email.into(),
        name: email.into(),
        role,
        password: Some(PASSWORD.into()),
        orgs: vec![],
    };
    let info = ClientInfo::default();
    let agent =
        create_user(&w.app, None, &w.acme, user("agent@acme.test", Role::PartnerStaff), &info).await.expect("agent");
    let org = create_org(&w.app, None, &w.acme, "Globex", &info).await.expect("org");
    let client = NewUser { orgs: vec![org.id], ..user("client@globex.test", Role::Client) };
    create_user(&w.app, None, &w.acme, client, &info).await.expect("client");
    let staff_of = |tenant| async move {
        kt_store::accounts::staff(store, tenant).await.expect("staff").into_iter().map(|u| u.id).collect::<Vec<_>>()
    };
    assert_eq!(staff_of(&w.acme.id).await, [agent.id.clone()], "clients are not staff");

    // As a store from before wrote it: the user item without its staff index entry.
    let current = kt_store::accounts::get_user(store, &w.acme.id, &agent.id).await.expect("get").expect("agent");
    let mut legacy = kt_store::accounts::user_item(&current.value, current.version).expect("item");
    legacy.gsi[1] = None;
    store.put(legacy, Cond::None).await.expect("legacy");
    store.delete(&kt_store::Key::new("UPGRADE#STAFF-INDEX", "DONE"), Cond::None).await.expect("unmark");
    assert!(staff_of(&w.acme.id).await.is_empty());

    assert_eq!(kt_app::identity::upgrade::index_staff(&w.app).await.expect("upgrade"), 1);
    assert_eq!(staff_of(&w.acme.id).await, [agent.id.clone()]);
    let after = kt_store::accounts::get_user(store, &w.acme.id, &agent.id).await.expect("get").expect("agent");
    assert_eq!(after, current, "written as it was");
    assert_eq!(kt_app::identity::upgrade::index_staff(&w.app).await.expect("again"), 0, "once");
}
