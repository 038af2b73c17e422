//! The identity routes in-process over a fresh SQLite store seeded with the demo data:
//! happy paths, bad input, CSRF, and other tenants' hosts and sessions.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::wiring::{Settings, wire};
use serde_json::{Value, json};
use tower::ServiceExt;

struct Api {
    _dir: tempfile::TempDir,
    router: Router,
}

async fn api() -> Api {
    let dir = tempfile::tempdir().expect("tmp");
    let state = wire(&Settings::local(dir.path())).await.expect("wire").state;
    kt_app::seed::demo(&state).await.expect("seed");
    let (router, _) = kt_fn_identity::router().split_for_parts();
    // Requests arrive from 10.0.0.1, a trusted proxy (as CloudFront is on AWS): the client's
    // address is the one it appended to X-Forwarded-For.
    let trusted = "10.0.0.0/8".parse().expect("networks");
    Api { _dir: dir, router: kt_http::client::layer(router.with_state(state), trusted) }
}

const PROXY: ([u8; 4], u16) = ([10, 0, 0, 1], 443);

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
    text: String,
}

impl Reply {
    /// `name=value` of each Set-Cookie.
    fn cookies(&self) -> Vec<(String, String)> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn cookie_header(&self) -> String {
        self.cookies().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn cookie(&self, name: &str) -> String {
        self.cookies().into_iter().find(|(k, _)| k == name).map(|(_, v)| v).unwrap_or_default()
    }
}

impl Api {
    async fn call(&self, method: &str, path: &str, host: &str, headers: &[(&str, &str)], body: Option<Value>) -> Reply {
        let mut req = Request::builder().method(method).uri(path).header(header::HOST, host);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let mut req = req.body(body).expect("request");
        req.extensions_mut().insert(axum::extract::ConnectInfo(std::net::SocketAddr::from(PROXY)));
        let res = self.router.clone().oneshot(req).await.expect("response");
        let (parts, body) = res.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    async fn sign_in(&self, host: &str, email: &str, password: &str) -> Reply {
        self.call(
            "POST",
            "/api/v1/auth/sign-in",
            host,
            &[("x-requested-with", "test")],
            Some(json!({"email": email, "password": password})),
        )
        .await
    }
}

const ACME: &str = "acme.localhost:3000";
const HOUSE: &str = "localhost:3000";

#[tokio::test]
async fn branding_is_public_and_resolved_from_the_host() {
    let api = api().await;
    let acme = api.call("GET", "/api/v1/branding", ACME, &[], None).await;
    assert_eq!((acme.status, acme.body["portal_name"].as_str()), (StatusCode::OK, Some("Acme Agency")));
    assert_eq!(acme.body["kind"], "partner");
    let house = api.call("GET", "/api/v1/branding", HOUSE, &[], None).await;
    assert_eq!(house.body["portal_name"], "Kre8ivTech");
    let unknown = api.call("GET", "/api/v1/branding", "nobody.localhost", &[], None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.headers[header::CONTENT_TYPE], "application/problem+json");
}

#[tokio::test]
async fn theme_css_carries_the_hosts_brand_before_first_paint() {
    let api = api().await;
    let acme = api.call("GET", "/api/v1/branding", ACME, &[], None).await;
    let css = api.call("GET", "/api/v1/branding/theme.css", ACME, &[], None).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.headers[header::CONTENT_TYPE], "text/css; charset=utf-8");
    assert_eq!(css.headers[header::CACHE_CONTROL], "no-cache");
    let primary = acme.body["primary"].as_str().expect("primary");
    assert!(css.text.starts_with(":root {"), "{}", css.text);
    assert!(css.text.contains(&format!("--brand-primary: {primary};")), "{}", css.text);
    for var in ["--brand-on-primary", "--brand-on-secondary", "--brand-on-accent", "--brand-link", "--brand-font"] {
        assert!(css.text.contains(var), "{var} missing: {}", css.text);
    }
    let house_brand = api.call("GET", "/api/v1/branding", HOUSE, &[], None).await;
    let house = api.call("GET", "/api/v1/branding/theme.css", HOUSE, &[], None).await;
    let house_primary = house_brand.body["primary"].as_str().expect("primary");
    assert!(house.text.contains(&format!("--brand-primary: {house_primary};")), "{}", house.text);
    let unknown = api.call("GET", "/api/v1/branding/theme.css", "nobody.localhost", &[], None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sign_in_sets_cookies_and_me_answers() {
    let api = api().await;
    let signed = api.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    let names: Vec<String> = signed.cookies().into_iter().map(|(k, _)| k).collect();
    assert_eq!(names, vec!["__Host-kt_session", "__Host-kt_refresh", "__Host-kt_csrf"]);
    let raw: Vec<&str> = signed.headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
    assert!(raw[0].contains("HttpOnly") && raw[0].contains("Secure") && raw[0].contains("SameSite=Lax"));
    assert!(!raw[2].contains("HttpOnly"), "the CSRF cookie is readable by the app");
    assert_eq!(signed.body["csrf_token"].as_str(), Some(signed.cookie("__Host-kt_csrf").as_str()));
    assert_eq!(signed.headers[header::CACHE_CONTROL], "no-store");

    let me = api.call("GET", "/api/v1/me", ACME, &[("cookie", &signed.cookie_header())], None).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(
        (me.body["user"]["email"].as_str(), me.body["user"]["role"].as_str()),
        (Some("dana@globex.test"), Some("client"))
    );
    assert_eq!(me.body["organizations"][0]["name"], "Globex");
    // Bearer works too (API clients).
    let bearer = format!("Bearer {}", signed.cookie("__Host-kt_session"));
    let me2 = api.call("GET", "/api/v1/me", ACME, &[("authorization", &bearer)], None).await;
    assert_eq!(me2.status, StatusCode::OK);
    let anonymous = api.call("GET", "/api/v1/me", ACME, &[], None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_sign_ins_fail_clearly_and_alike() {
    let api = api().await;
    let empty = api
        .call(
            "POST",
            "/api/v1/auth/sign-in",
            ACME,
            &[("x-requested-with", "t")],
            Some(json!({"email": " ", "password": ""})),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        empty.body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, vec!["email", "password"]);
    let shape =
        api.call("POST", "/api/v1/auth/sign-in", ACME, &[("x-requested-with", "t")], Some(json!({"email": "x"}))).await;
    assert_eq!(
        (shape.status, shape.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("password"))
    );
    let no_xhr = api
        .call("POST", "/api/v1/auth/sign-in", ACME, &[], Some(json!({"email": "dana@globex.test", "password": "x"})))
        .await;
    assert_eq!(no_xhr.status, StatusCode::BAD_REQUEST);
    let wrong = api.sign_in(ACME, "dana@globex.test", "not her password").await;
    let unknown = api.sign_in(ACME, "nobody@globex.test", "not her password").await;
    assert_eq!((wrong.status, unknown.status), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    assert_eq!(wrong.body, unknown.body, "no user enumeration through messages");
    assert!(wrong.cookies().is_empty());
}

#[tokio::test]
async fn sessions_are_bound_to_their_tenant_host() {
    let api = api().await;
    let dana = api.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    // Dana's cookie on the house host (or another partner's) is no credential.
    let elsewhere = api.call("GET", "/api/v1/me", HOUSE, &[("cookie", &dana.cookie_header())], None).await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED);
    // Her credentials do not exist on the house portal.
    let house = api.sign_in(HOUSE, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!(house.status, StatusCode::UNAUTHORIZED);
    // Another user cannot see or end her session.
    let ivy = api.sign_in(ACME, "ivy@initech.test", "Initech-Demo-Client-2026").await;
    let dana_sid = dana.body["session_id"].as_str().expect("sid").to_owned();
    let csrf = ivy.cookie("__Host-kt_csrf");
    let revoke = api
        .call(
            "DELETE",
            &format!("/api/v1/auth/sessions/{dana_sid}"),
            ACME,
            &[("cookie", &ivy.cookie_header()), ("x-csrf-token", &csrf)],
            None,
        )
        .await;
    assert_eq!(revoke.status, StatusCode::NOT_FOUND);
    let ivys = api.call("GET", "/api/v1/auth/sessions", ACME, &[("cookie", &ivy.cookie_header())], None).await;
    let ids: Vec<&str> = ivys.body.as_array().expect("list").iter().filter_map(|s| s["id"].as_str()).collect();
    assert!(!ids.contains(&dana_sid.as_str()));
    assert_eq!(ivys.body[0]["current"], true);
}

#[tokio::test]
async fn unsafe_cookie_requests_need_the_csrf_token() {
    let api = api().await;
    let s = api.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let cookies = s.cookie_header();
    let forged = api.call("POST", "/api/v1/auth/sign-out", ACME, &[("cookie", &cookies)], None).await;
    assert_eq!(
        (forged.status, forged.body["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("https://kt-portal.dev/problems/csrf"))
    );
    let wrong =
        api.call("POST", "/api/v1/auth/sign-out", ACME, &[("cookie", &cookies), ("x-csrf-token", "guess")], None).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let csrf = s.cookie("__Host-kt_csrf");
    let out =
        api.call("POST", "/api/v1/auth/sign-out", ACME, &[("cookie", &cookies), ("x-csrf-token", &csrf)], None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.cookies().iter().all(|(_, v)| v.is_empty()), "cookies cleared");
    // The refresh token of the ended session no longer works.
    let again =
        api.call("POST", "/api/v1/auth/refresh", ACME, &[("cookie", &cookies), ("x-requested-with", "t")], None).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn refresh_rotates_and_a_replay_ends_the_session() {
    let api = api().await;
    let s = api.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    let first = s.cookie_header();
    let r1 =
        api.call("POST", "/api/v1/auth/refresh", ACME, &[("cookie", &first), ("x-requested-with", "t")], None).await;
    assert_eq!(r1.status, StatusCode::OK);
    assert_ne!(r1.cookie("__Host-kt_refresh"), s.cookie("__Host-kt_refresh"));
    let replay =
        api.call("POST", "/api/v1/auth/refresh", ACME, &[("cookie", &first), ("x-requested-with", "t")], None).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    let after = api
        .call("POST", "/api/v1/auth/refresh", ACME, &[("cookie", &r1.cookie_header()), ("x-requested-with", "t")], None)
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "the whole family was revoked");
}

impl Api {
    /// Signs in and returns (cookie header, csrf token, tenant id).
    async fn session(&self, host: &str, email: &str, password: &str) -> (String, String, String) {
        let s = self.sign_in(host, email, password).await;
        assert_eq!(s.status, StatusCode::OK, "{email}: {}", s.body);
        (
            s.cookie_header(),
            s.cookie("__Host-kt_csrf"),
            s.body["user"]["tenant"].as_str().unwrap_or_default().to_owned(),
        )
    }

    async fn as_user(
        &self,
        who: &(String, String, String),
        method: &str,
        path: &str,
        host: &str,
        body: Option<Value>,
    ) -> Reply {
        self.call(method, path, host, &[("cookie", &who.0), ("x-csrf-token", &who.1)], body).await
    }
}

#[tokio::test]
async fn super_admin_manages_tenants_and_suspension_locks_users_out() {
    let api = api().await;
    let root = api.session(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;
    let list = api.as_user(&root, "GET", "/api/v1/tenants", HOUSE, None).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(2));
    let created = api
        .as_user(
            &root,
            "POST",
            "/api/v1/tenants",
            HOUSE,
            Some(json!({"name": "Beta Studio", "slug": "beta", "ticket_prefix": "beta"})),
        )
        .await;
    assert_eq!((created.status, created.body["ticket_prefix"].as_str()), (StatusCode::CREATED, Some("BETA")));
    let dup = api
        .as_user(
            &root,
            "POST",
            "/api/v1/tenants",
            HOUSE,
            Some(json!({"name": "B2", "slug": "beta", "ticket_prefix": "BB"})),
        )
        .await;
    assert_eq!((dup.status, dup.body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("slug")));
    let branding = api.call("GET", "/api/v1/branding", "beta.localhost", &[], None).await;
    assert_eq!(branding.body["portal_name"], "Beta Studio");

    let pat = api.session(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    assert_eq!(api.as_user(&pat, "GET", "/api/v1/tenants", ACME, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        api.as_user(
            &pat,
            "POST",
            "/api/v1/tenants",
            ACME,
            Some(json!({"name": "X", "slug": "xx", "ticket_prefix": "XX"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    let acme_id = pat.2.clone();
    let suspend = api
        .as_user(
            &root,
            "PUT",
            &format!("/api/v1/tenants/{acme_id}/status"),
            HOUSE,
            Some(json!({"status": "suspended"})),
        )
        .await;
    assert_eq!((suspend.status, suspend.body["status"].as_str()), (StatusCode::OK, Some("suspended")));
    assert_eq!(
        api.as_user(&pat, "GET", "/api/v1/me", ACME, None).await.status,
        StatusCode::UNAUTHORIZED,
        "locked out at once"
    );
    assert_eq!(api.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await.status, StatusCode::FORBIDDEN);
    let bad = api
        .as_user(&root, "PUT", &format!("/api/v1/tenants/{acme_id}/status"), HOUSE, Some(json!({"status": "gone"})))
        .await;
    assert_eq!(
        (bad.status, bad.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status"))
    );
    api.as_user(&root, "PUT", &format!("/api/v1/tenants/{acme_id}/status"), HOUSE, Some(json!({"status": "active"})))
        .await;
    assert_eq!(api.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await.status, StatusCode::OK);
}

#[tokio::test]
async fn partners_manage_their_clients_and_nobody_elses() {
    let api = api().await;
    let pat = api.session(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let acme_id = pat.2.clone();
    let orgs = api.as_user(&pat, "GET", &format!("/api/v1/tenants/{acme_id}/orgs"), ACME, None).await;
    let names: Vec<&str> =
        orgs.body["items"].as_array().expect("orgs").iter().filter_map(|o| o["name"].as_str()).collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Globex") && names.contains(&"Initech"));
    let globex = orgs.body["items"]
        .as_array()
        .expect("orgs")
        .iter()
        .find(|o| o["name"] == "Globex")
        .and_then(|o| o["id"].as_str())
        .expect("id")
        .to_owned();

    let users = format!("/api/v1/tenants/{acme_id}/users");
    let new_client = json!({"email": "neo@globex.test", "name": "Neo", "role": "client", "orgs": [globex], "password": "Tr0mbone-Lantern-Quiet-47"});
    let created = api.as_user(&pat, "POST", &users, ACME, Some(new_client.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(api.sign_in(ACME, "neo@globex.test", "Tr0mbone-Lantern-Quiet-47").await.status, StatusCode::OK);
    let weak = api.as_user(&pat, "POST", &users, ACME, Some(json!({"email": "w@globex.test", "name": "W", "role": "client", "orgs": [globex], "password": "password1234"}))).await;
    assert_eq!(
        (weak.status, weak.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("password"))
    );
    let bad_role = api
        .as_user(&pat, "POST", &users, ACME, Some(json!({"email": "r@acme.test", "name": "R", "role": "emperor"})))
        .await;
    assert_eq!(
        (bad_role.status, bad_role.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role"))
    );
    let partner = api
        .as_user(&pat, "POST", &users, ACME, Some(json!({"email": "p2@acme.test", "name": "P2", "role": "partner"})))
        .await;
    assert_eq!(partner.status, StatusCode::FORBIDDEN, "managing partners is Kre8ivTech's");
    let listed = api.as_user(&pat, "GET", &users, ACME, None).await;
    assert!(listed.body["items"].as_array().expect("users").iter().any(|u| u["email"] == "neo@globex.test"));

    // Another tenant's collections are out of sight, on any host.
    let house_id = api.session(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await.2;
    for path in [format!("/api/v1/tenants/{house_id}/orgs"), format!("/api/v1/tenants/{house_id}/users")] {
        assert_eq!(api.as_user(&pat, "GET", &path, ACME, None).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let sneaky = api.as_user(&pat, "POST", &format!("/api/v1/tenants/{house_id}/users"), ACME, Some(new_client)).await;
    assert_eq!(sneaky.status, StatusCode::NOT_FOUND);
    // Clients do not manage accounts, and do not learn the tenant's lists exist.
    let dana = api.session(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!(api.as_user(&dana, "GET", &users, ACME, None).await.status, StatusCode::NOT_FOUND);
    // Kre8ivTech staff manage partners' clients from the house portal.
    let sky = api.session(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    assert_eq!(
        api.as_user(&sky, "GET", &format!("/api/v1/tenants/{acme_id}/orgs"), HOUSE, None).await.status,
        StatusCode::OK
    );
    let org = api
        .as_user(&sky, "POST", &format!("/api/v1/tenants/{acme_id}/orgs"), HOUSE, Some(json!({"name": "Umbrella"})))
        .await;
    assert_eq!(org.status, StatusCode::CREATED);
    let blank =
        api.as_user(&sky, "POST", &format!("/api/v1/tenants/{acme_id}/orgs"), HOUSE, Some(json!({"name": "  "}))).await;
    assert_eq!(
        (blank.status, blank.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name"))
    );
    assert_eq!(
        api.as_user(&sky, "GET", "/api/v1/tenants/not-an-id/orgs", HOUSE, None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_audit_log_records_sign_ins_and_changes_and_exports_csv() {
    let api = api().await;
    let failed = api
        .call(
            "POST",
            "/api/v1/auth/sign-in",
            ACME,
            &[("x-requested-with", "t"), ("x-forwarded-for", "6.6.6.6, 203.0.113.9"), ("user-agent", "Harness/1.0")],
            Some(json!({"email": "pat@acme-agency.test", "password": "nope nope nope"})),
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    assert_eq!(failed.body["type"], "https://kt-portal.dev/problems/wrong-credentials", "{}", failed.body);
    let pat = api.session(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let acme_id = pat.2.clone();
    let org = api
        .as_user(&pat, "POST", &format!("/api/v1/tenants/{acme_id}/orgs"), ACME, Some(json!({"name": "Audited Co"})))
        .await;
    assert_eq!(org.status, StatusCode::CREATED);

    let log = api.as_user(&pat, "GET", &format!("/api/v1/tenants/{acme_id}/audit"), ACME, None).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let actions: Vec<&str> =
        log.body["items"].as_array().expect("items").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(&actions[..3], &["org.created", "auth.sign_in", "auth.sign_in_failed"], "newest first");
    let failed_entry = &log.body["items"][2];
    assert_eq!(
        (failed_entry["ip"].as_str(), failed_entry["user_agent"].as_str()),
        (Some("203.0.113.9"), Some("Harness/1.0"))
    );
    assert_eq!(failed_entry["target"], "pat@acme-agency.test");
    assert!(failed_entry["actor"].is_null() && failed_entry["actor_name"].is_null());
    assert!(failed_entry["target_name"].is_null(), "an email names no one: {failed_entry}");
    let created = &log.body["items"][0];
    assert_eq!(
        (created["actor_name"].as_str(), created["target_name"].as_str()),
        (Some("Pat Partner"), Some("Audited Co")),
        "entries say who did what to what by name"
    );

    let only_failed = api
        .as_user(&pat, "GET", &format!("/api/v1/tenants/{acme_id}/audit?action=auth.sign_in_failed"), ACME, None)
        .await;
    assert_eq!(only_failed.body["items"].as_array().map(Vec::len), Some(1));
    let auth_prefix =
        api.as_user(&pat, "GET", &format!("/api/v1/tenants/{acme_id}/audit?action=auth"), ACME, None).await;
    assert_eq!(auth_prefix.body["items"].as_array().map(Vec::len), Some(2));
    let future = api
        .as_user(&pat, "GET", &format!("/api/v1/tenants/{acme_id}/audit?from=2099-01-01T00:00:00Z"), ACME, None)
        .await;
    assert_eq!(future.body["items"].as_array().map(Vec::len), Some(0));
    let bad = api.as_user(&pat, "GET", &format!("/api/v1/tenants/{acme_id}/audit?from=yesterday"), ACME, None).await;
    assert_eq!((bad.status, bad.body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("from")));

    let csv = api
        .router
        .clone()
        .oneshot(
            Request::get(format!("/api/v1/tenants/{acme_id}/audit/export"))
                .header(header::HOST, ACME)
                .header("cookie", &pat.0)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(csv.status(), StatusCode::OK);
    assert_eq!(csv.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let text = String::from_utf8(csv.into_body().collect().await.expect("body").to_bytes().to_vec()).expect("utf8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "time,action,actor,target,ip,user_agent");
    assert!(lines.iter().any(|l| l.contains("auth.sign_in_failed,,pat@acme-agency.test,203.0.113.9,Harness/1.0")));

    // Clients do not read the audit log; other tenants do not see it exists.
    let dana = api.session(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!(
        api.as_user(&dana, "GET", &format!("/api/v1/tenants/{acme_id}/audit"), ACME, None).await.status,
        StatusCode::NOT_FOUND
    );
    let sam = api.session(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    assert_eq!(
        api.as_user(&sam, "GET", &format!("/api/v1/tenants/{acme_id}/audit"), ACME, None).await.status,
        StatusCode::FORBIDDEN,
        "partner staff: no tenant reports"
    );
}

#[tokio::test]
async fn api_keys_follow_the_matrix_and_are_shown_once() {
    let api = api().await;
    let pat = api.session(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let acme_id = pat.2.clone();
    let created = api
        .as_user(
            &pat,
            "POST",
            "/api/v1/auth/api-keys",
            ACME,
            Some(json!({"name": "Reporting", "kind": "read_only", "rate_per_minute": 3})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let key = created.body["key"].as_str().expect("key").to_owned();
    assert!(key.starts_with("kt_"));
    let bearer = format!("Bearer {key}");
    let me = api.call("GET", "/api/v1/me", ACME, &[("authorization", &bearer)], None).await;
    assert_eq!((me.status, me.body["user"]["email"].as_str()), (StatusCode::OK, Some("pat@acme-agency.test")));
    let write = api
        .call(
            "POST",
            &format!("/api/v1/tenants/{acme_id}/orgs"),
            ACME,
            &[("authorization", &bearer)],
            Some(json!({"name": "Nope"})),
        )
        .await;
    assert_eq!(
        (write.status, write.body["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("https://kt-portal.dev/problems/read-only-key"))
    );
    let elsewhere = api.call("GET", "/api/v1/me", HOUSE, &[("authorization", &bearer)], None).await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED, "a key works on its own tenant's host only");
    // Rate: 3 per minute, and this is the fourth use.
    let limited = api.call("GET", "/api/v1/me", ACME, &[("authorization", &bearer)], None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));

    let listed = api.as_user(&pat, "GET", "/api/v1/auth/api-keys", ACME, None).await;
    let first = &listed.body[0];
    assert_eq!((first["name"].as_str(), first["kind"].as_str()), (Some("Reporting"), Some("read_only")));
    assert!(first["prefix"].as_str().is_some_and(|p| p.starts_with("kt_") && !key.ends_with(p)));
    // `kt_<tenant>_<id>_<secret>`; the secret (base64url, which may hold `_`) is never listed.
    let secret = key.splitn(4, '_').nth(3).expect("secret part");
    assert!(secret.len() >= 20 && !listed.body.to_string().contains(secret), "the secret is never listed");
    assert!(first["last_used_at"].is_string());

    let id = first["id"].as_str().expect("id");
    let dana = api.session(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!(
        api.as_user(&dana, "DELETE", &format!("/api/v1/auth/api-keys/{id}"), ACME, None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api.as_user(&pat, "DELETE", &format!("/api/v1/auth/api-keys/{id}"), ACME, None).await.status,
        StatusCode::NO_CONTENT
    );
    let revoked = api.call("GET", "/api/v1/auth/api-keys", ACME, &[("authorization", &bearer)], None).await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);

    // Clients hold no keys unless the tenant turns the optional cell on.
    let client_key = api
        .as_user(&dana, "POST", "/api/v1/auth/api-keys", ACME, Some(json!({"name": "Mine", "kind": "read_only"})))
        .await;
    assert_eq!(client_key.status, StatusCode::FORBIDDEN);
    let bad =
        api.as_user(&pat, "POST", "/api/v1/auth/api-keys", ACME, Some(json!({"name": " ", "kind": "read_only"}))).await;
    assert_eq!((bad.status, bad.body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("name")));
    let bad_kind =
        api.as_user(&pat, "POST", "/api/v1/auth/api-keys", ACME, Some(json!({"name": "X", "kind": "root"}))).await;
    assert_eq!(
        (bad_kind.status, bad_kind.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("kind"))
    );
    assert_eq!(
        api.as_user(&pat, "POST", "/api/v1/auth/api-keys", ACME, Some(json!({"name": "X", "kind": "full"})))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn staff_keys_are_scoped_and_tenant_scoped_keys_stay_home() {
    let api = api().await;
    let sky = api.session(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let acme_id = api.session(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await.2;
    let unscoped =
        api.as_user(&sky, "POST", "/api/v1/auth/api-keys", HOUSE, Some(json!({"name": "All", "kind": "full"}))).await;
    assert_eq!(unscoped.status, StatusCode::FORBIDDEN, "staff full keys need scopes");
    let scoped = api
        .as_user(
            &sky,
            "POST",
            "/api/v1/auth/api-keys",
            HOUSE,
            Some(json!({"name": "Clients", "kind": "full", "scopes": ["manage_partner_clients"]})),
        )
        .await;
    assert_eq!(scoped.status, StatusCode::CREATED, "{}", scoped.body);
    let bearer = format!("Bearer {}", scoped.body["key"].as_str().expect("key"));
    let orgs =
        api.call("GET", &format!("/api/v1/tenants/{acme_id}/orgs"), HOUSE, &[("authorization", &bearer)], None).await;
    assert_eq!(orgs.status, StatusCode::OK, "a full key reaches partners' clients within its scopes");
    let tenants = api.call("GET", "/api/v1/tenants", HOUSE, &[("authorization", &bearer)], None).await;
    assert_eq!(tenants.status, StatusCode::FORBIDDEN, "outside its scopes");

    let home = api
        .as_user(&sky, "POST", "/api/v1/auth/api-keys", HOUSE, Some(json!({"name": "Home", "kind": "tenant_scoped"})))
        .await;
    let home_bearer = format!("Bearer {}", home.body["key"].as_str().expect("key"));
    let away = api
        .call("GET", &format!("/api/v1/tenants/{acme_id}/orgs"), HOUSE, &[("authorization", &home_bearer)], None)
        .await;
    assert_eq!(away.status, StatusCode::NOT_FOUND, "a tenant-scoped key does not see other tenants");
}

#[tokio::test]
async fn partners_brand_their_portal_with_checked_colours_and_a_logo() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let (router, _) = kt_fn_identity::router().split_for_parts();
    let api = Api { _dir: dir, router: router.with_state(wired.state.clone()) };
    let pat = api.session(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let path = format!("/api/v1/tenants/{}/branding", pat.2);
    let good = json!({"portal_name": "Acme Client Hub", "primary": "#7C2D12", "secondary": "#1E293B", "accent": "#FACC15", "font": "inter",
        "support_email": "help@acme-agency.test", "terms_url": "https://acme-agency.test/terms"});
    let updated = api.as_user(&pat, "PUT", &path, ACME, Some(good)).await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let public = api.call("GET", "/api/v1/branding", ACME, &[], None).await;
    assert_eq!(
        (public.body["portal_name"].as_str(), public.body["primary"].as_str(), public.body["font"].as_str()),
        (Some("Acme Client Hub"), Some("#7c2d12"), Some("inter"))
    );

    let bad = json!({"portal_name": "", "primary": "#fde047", "secondary": "blue", "accent": "#000000", "font": "inter", "support_email": "nope", "privacy_url": "javascript:alert(1)"});
    let refused = api.as_user(&pat, "PUT", &path, ACME, Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> =
        refused.body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, vec!["portal_name", "secondary", "primary", "support_email", "privacy_url"]);
    assert!(refused.body["errors"][2]["message"].as_str().is_some_and(|m| m.contains("4.5:1")));
    assert_eq!(
        api.call("GET", "/api/v1/branding", ACME, &[], None).await.body["portal_name"],
        "Acme Client Hub",
        "nothing changed"
    );

    // Partner staff and other tenants may not rebrand.
    let sam = api.session(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    let attempt =
        json!({"portal_name": "X", "primary": "#1d4ed8", "secondary": "#0f172a", "accent": "#f59e0b", "font": "inter"});
    assert_eq!(api.as_user(&sam, "PUT", &path, ACME, Some(attempt.clone())).await.status, StatusCode::FORBIDDEN);
    let drew = api.session(HOUSE, "drew@directclient.test", "Direct-Demo-Client-2026").await;
    assert_eq!(api.as_user(&drew, "PUT", &path, HOUSE, Some(attempt)).await.status, StatusCode::NOT_FOUND);

    // Logo: presign, upload (through the local adapter, as the host would), confirm, serve.
    let logo = format!("{path}/logo");
    let too_big =
        api.as_user(&pat, "POST", &logo, ACME, Some(json!({"content_type": "image/svg+xml", "size": 5_000_000}))).await;
    let fields: Vec<&str> =
        too_big.body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, vec!["content_type", "size"]);
    let png = b"\x89PNG\r\n\x1a\nfake-but-fine";
    let started =
        api.as_user(&pat, "POST", &logo, ACME, Some(json!({"content_type": "image/png", "size": png.len()}))).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.body);
    let upload_id = started.body["upload_id"].as_str().expect("id").to_owned();
    let unconfirmed = api.as_user(&pat, "PUT", &logo, ACME, Some(json!({"upload_id": upload_id}))).await;
    assert_eq!(
        (unconfirmed.status, unconfirmed.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("upload_id"))
    );
    let url = url_params(started.body["upload"]["url"].as_str().expect("url"));
    wired
        .local_blobs
        .clone()
        .expect("local blobs")
        .accept_upload(&url.0, &url.1, Some("image/png"), axum::body::Bytes::from_static(png))
        .await
        .expect("upload");
    let confirmed = api.as_user(&pat, "PUT", &logo, ACME, Some(json!({"upload_id": upload_id}))).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let logo_url = confirmed.body["logo_url"].as_str().expect("logo url").to_owned();
    let served = api
        .router
        .clone()
        .oneshot(Request::get(logo_url).header(header::HOST, ACME).body(Body::empty()).expect("req"))
        .await
        .expect("res");
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(served.into_body().collect().await.expect("body").to_bytes().as_ref(), png);
    let house_logo = api.call("GET", "/api/v1/branding/logo", HOUSE, &[], None).await;
    assert_eq!(house_logo.status, StatusCode::NOT_FOUND, "the house has no logo yet; Acme's is not served there");
}

/// (key, signed parameters) of a local presigned URL.
fn url_params(url: &str) -> (String, kt_platform::blobs::SignedParams) {
    let (path, query) = url.split_once('?').expect("query");
    let key = path.split("/blobs/").nth(1).expect("key").to_owned();
    let q: std::collections::HashMap<String, String> = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.replace("%2F", "/")))
        .collect();
    let params = kt_platform::blobs::SignedParams {
        op: q["op"].clone(),
        exp: q["exp"].parse().expect("exp"),
        len: q.get("len").and_then(|l| l.parse().ok()),
        ct: q.get("ct").cloned(),
        name: None,
        sig: q["sig"].clone(),
    };
    (key, params)
}

#[tokio::test]
async fn partners_request_custom_domains_and_kre8ivtech_maps_them() {
    let api = api().await;
    let pat = api.session(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let path = format!("/api/v1/tenants/{}/domains", pat.2);
    let requested = api.as_user(&pat, "POST", &path, ACME, Some(json!({"host": "Portal.Acme-Agency.com"}))).await;
    assert_eq!((requested.status, requested.body["status"].as_str()), (StatusCode::CREATED, Some("requested")));
    assert_eq!(
        api.call("GET", "/api/v1/branding", "portal.acme-agency.com", &[], None).await.status,
        StatusCode::NOT_FOUND,
        "not served until approved"
    );
    let bad = api.as_user(&pat, "POST", &path, ACME, Some(json!({"host": "evil.localhost"}))).await;
    assert_eq!((bad.status, bad.body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("host")));
    let approve = format!("{path}/portal.acme-agency.com/approve");
    assert_eq!(
        api.as_user(&pat, "POST", &approve, ACME, None).await.status,
        StatusCode::FORBIDDEN,
        "partners request, they do not approve"
    );

    let root = api.session(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;
    let approved = api.as_user(&root, "POST", &approve, HOUSE, None).await;
    assert_eq!((approved.status, approved.body["status"].as_str()), (StatusCode::OK, Some("active")));
    let served = api.call("GET", "/api/v1/branding", "portal.acme-agency.com", &[], None).await;
    assert_eq!((served.status, served.body["portal_name"].as_str()), (StatusCode::OK, Some("Acme Agency")));
    let listed = api.as_user(&pat, "GET", &path, ACME, None).await;
    assert_eq!(listed.body[0]["status"], "active");
    // One domain, one tenant.
    let house_path = format!("/api/v1/tenants/{}/domains", root.2);
    let taken = api.as_user(&root, "POST", &house_path, HOUSE, Some(json!({"host": "portal.acme-agency.com"}))).await;
    assert_eq!(
        (taken.status, taken.body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("host"))
    );
    let direct =
        api.as_user(&root, "POST", &house_path, HOUSE, Some(json!({"host": "portal.kre8ivtech.example"}))).await;
    assert_eq!(
        (direct.status, direct.body["status"].as_str()),
        (StatusCode::CREATED, Some("active")),
        "super admins map directly"
    );
}

#[tokio::test]
async fn an_overlong_email_is_refused_by_validation_not_a_server_error() {
    let api = api().await;
    // Over the documented 254 characters: refused naming the field before any store read.
    let long = format!("{}@example.com", "a".repeat(3000));
    let r = api.sign_in(ACME, &long, "whatever").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["errors"][0]["field"], "email");
    for path in ["/api/v1/auth/magic-link", "/api/v1/auth/password-reset"] {
        let r = api.call("POST", path, ACME, &[("x-requested-with", "test")], Some(json!({"email": long}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: {}", r.text);
        assert_eq!(r.body["errors"][0]["field"], "email", "{path}");
    }
    // At the maximum it is an ordinary address with no account: the same answers as any other.
    let at_max = format!("{}@example.com", "a".repeat(254 - "@example.com".len()));
    assert_eq!(api.sign_in(ACME, &at_max, "whatever").await.status, StatusCode::UNAUTHORIZED);
    for path in ["/api/v1/auth/magic-link", "/api/v1/auth/password-reset"] {
        let r = api.call("POST", path, ACME, &[("x-requested-with", "test")], Some(json!({"email": at_max}))).await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{path}: {}", r.text);
    }
}

#[tokio::test]
async fn a_csrf_pair_works_only_with_the_session_it_was_issued_for() {
    let api = api().await;
    let dana = api.session(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let ivy = api.session(ACME, "ivy@initech.test", "Initech-Demo-Client-2026").await;
    let api = &api;
    let sign_out = |cookie: String, csrf: String| async move {
        api.call("POST", "/api/v1/auth/sign-out", ACME, &[("cookie", &cookie), ("x-csrf-token", &csrf)], None)
            .await
            .status
    };
    // A pair planted in Dana's browser (a cookie a sibling subdomain could set, and its header)
    // matches itself but is not her session's.
    let session_only =
        |c: &str| c.split("; ").filter(|p| !p.starts_with("__Host-kt_csrf=")).collect::<Vec<_>>().join("; ");
    let planted = format!("{}; __Host-kt_csrf=attacker", session_only(&dana.0));
    assert_eq!(sign_out(planted, "attacker".into()).await, StatusCode::FORBIDDEN);
    // Ivy's real pair is no good with Dana's session either.
    let borrowed = format!("{}; __Host-kt_csrf={}", session_only(&dana.0), ivy.1);
    assert_eq!(sign_out(borrowed, ivy.1.clone()).await, StatusCode::FORBIDDEN);
    assert_eq!(sign_out(dana.0.clone(), dana.1.clone()).await, StatusCode::NO_CONTENT, "her own pair works");
}
