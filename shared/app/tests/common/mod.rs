//! Helpers shared by the integration tests of `kt-app`.

use kt_app::identity::tenancy;
use kt_domain::policy::Actor;

/// The demo user `email` of the tenant at `host`, as an actor (built directly: the hand-driven
/// clock would make access tokens look expired).
pub async fn actor(app: &kt_app::AppState, host: &str, email: &str) -> Actor {
    let tenant = tenancy::resolve_host(app, host).await.expect("tenant");
    let store = app.store.as_ref();
    let email = kt_domain::identity::Email::parse(email).expect("email");
    let id = kt_store::accounts::user_by_email(store, &tenant.id, &email).await.expect("lookup").expect("user");
    let user = kt_store::accounts::get_user(store, &tenant.id, &id).await.expect("user").expect("user").value;
    let orgs = kt_store::accounts::orgs_of(store, &tenant.id, &id).await.expect("orgs");
    Actor {
        user: user.id,
        tenant: tenant.id,
        role: user.role,
        orgs,
        scopes: None,
        optional_enabled: false,
        tenant_bound: false,
    }
}
