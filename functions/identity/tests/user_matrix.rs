//! The permission matrix's "User management" rows, cell by cell: who may create (and so
//! manage) a user of each role in a partner's tenant. Staff accounts: the super admin only;
//! partners: the super admin and Kre8ivTech staff; the partner's own team (partner staff):
//! those and the partner; clients: everyone but clients. Partner staff manage clients only.

mod support;

use axum::http::StatusCode;
use serde_json::json;
use support::{ACME, Browser, HOUSE, World, world};

const PEOPLE: [(&str, &str, &str, &str); 5] = [
    ("super_admin", HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026"),
    ("staff", HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026"),
    ("partner", ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026"),
    ("partner_staff", ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026"),
    ("client", ACME, "dana@globex.test", "Globex-Demo-Client-2026"),
];

async fn acme_tenant_and_org(w: &World, pat: &Browser) -> (String, String) {
    let me = w.call("GET", "/api/v1/me", ACME, pat, None).await;
    let tenant = me.body["user"]["tenant"].as_str().expect("tenant").to_owned();
    let orgs = w.call("GET", &format!("/api/v1/tenants/{tenant}/orgs"), ACME, pat, None).await;
    let org = orgs.body["items"][0]["id"].as_str().expect("org").to_owned();
    (tenant, org)
}

#[tokio::test]
async fn who_may_create_users_of_each_role_in_a_partner_tenant() {
    let w = world().await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let (tenant, org) = acme_tenant_and_org(&w, &pat).await;
    // (actor, target role, allowed); a refusal is 403 for those who manage some users here and
    // 404 for those who manage none (the route is out of their sight).
    let cells = [
        ("super_admin", "partner", true),
        ("super_admin", "partner_staff", true),
        ("super_admin", "client", true),
        ("staff", "partner", true),
        ("staff", "partner_staff", true),
        ("staff", "client", true),
        ("partner", "partner", false),
        ("partner", "partner_staff", true),
        ("partner", "client", true),
        ("partner_staff", "partner", false),
        ("partner_staff", "partner_staff", false),
        ("partner_staff", "client", true),
        ("client", "partner", false),
        ("client", "partner_staff", false),
        ("client", "client", false),
    ];
    for (n, (actor, role, allowed)) in cells.into_iter().enumerate() {
        let (_, host, email, password) = PEOPLE.iter().find(|p| p.0 == actor).expect("person");
        let who = w.sign_in(host, email, password).await;
        let mut body = json!({"email": format!("cell{n}@example.com"), "name": format!("Cell {n}"), "role": role, "password": "Correct-Horse-Battery-77"});
        if role == "client" {
            body["orgs"] = json!([org]);
        }
        let r = w.call("POST", &format!("/api/v1/tenants/{tenant}/users"), host, &who, Some(body)).await;
        if allowed {
            assert_eq!(r.status, StatusCode::CREATED, "{actor} creates a {role}: {}", r.body);
        } else {
            assert!(
                matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{actor} may not create a {role}: {} {}",
                r.status,
                r.body
            );
        }
    }
}

#[tokio::test]
async fn partner_staff_cannot_manage_their_colleagues_but_the_partner_can() {
    let w = world().await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let (tenant, _) = acme_tenant_and_org(&w, &pat).await;
    let body = json!({"email": "colleague@acme-agency.test", "name": "Colleague", "role": "partner_staff", "password": "Correct-Horse-Battery-77"});
    let created = w.call("POST", &format!("/api/v1/tenants/{tenant}/users"), ACME, &pat, Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let user = format!("/api/v1/tenants/{tenant}/users/{}", created.body["id"].as_str().expect("id"));

    let sam = w.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    let r = w.call("PATCH", &user, ACME, &sam, Some(json!({"status": "disabled"}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "partner staff disable a colleague: {}", r.body);
    let r = w.call("PATCH", &user, ACME, &pat, Some(json!({"status": "disabled"}))).await;
    assert_eq!(r.status, StatusCode::OK, "the partner does: {}", r.body);
}
