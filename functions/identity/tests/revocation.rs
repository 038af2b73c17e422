//! Sessions and rights take effect at once: an access token issued before a sign-out, a
//! revoked session (one or all), a refresh-token reuse, a disabled user, a removed membership
//! or a role change no longer works on the very next request, though it has not expired.

mod support;

use axum::http::StatusCode;
use serde_json::{Value, json};
use support::{ACME, Browser, HOUSE, World, browser, world};

const DANA: (&str, &str) = ("dana@globex.test", "Globex-Demo-Client-2026");
const PAT: (&str, &str) = ("pat@acme-agency.test", "Acme-Demo-Partner-2026");
const ADMIN: (&str, &str) = ("admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026");

impl World {
    async fn me(&self, who: &Browser) -> StatusCode {
        self.call("GET", "/api/v1/me", ACME, who, None).await.status
    }

    async fn signed(&self, (email, password): (&str, &str)) -> Browser {
        self.sign_in(ACME, email, password).await
    }

    /// The id of the user `email` of Acme and Acme's id, as Pat sees them.
    async fn acme_user(&self, pat: &Browser, email: &str) -> (String, String) {
        let me = self.call("GET", "/api/v1/me", ACME, pat, None).await;
        let tenant = me.body["user"]["tenant"].as_str().expect("tenant").to_owned();
        let users = self.call("GET", &format!("/api/v1/tenants/{tenant}/users?limit=100"), ACME, pat, None).await;
        let id =
            users.body["items"].as_array().expect("users").iter().find(|u| u["email"] == email).expect(email)["id"]
                .as_str()
                .expect("id")
                .to_owned();
        (tenant, id)
    }
}

/// The same browser holding only its access token (the cookie a stolen or stale copy has).
fn access_only(b: &Browser) -> Browser {
    let cookie = b.cookie.split("; ").filter(|c| c.starts_with("__Host-kt_session=")).collect::<Vec<_>>().join("; ");
    Browser { cookie, csrf: b.csrf.clone() }
}

#[tokio::test]
async fn signing_out_ends_the_access_token_at_once() {
    let w = world().await;
    let dana = w.signed(DANA).await;
    let copy = access_only(&dana);
    assert_eq!(w.me(&copy).await, StatusCode::OK);
    assert_eq!(w.call("POST", "/api/v1/auth/sign-out", ACME, &dana, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.me(&copy).await, StatusCode::UNAUTHORIZED, "the token outlived its session");
}

#[tokio::test]
async fn revoking_one_session_or_all_ends_their_tokens_at_once() {
    let w = world().await;
    let laptop = w.signed(DANA).await;
    let phone = w.signed(DANA).await;
    let tablet = w.signed(DANA).await;
    let sessions = w.call("GET", "/api/v1/auth/sessions", ACME, &phone, None).await.body;
    let current = |s: &Value| s["current"].as_bool() == Some(true);
    let phone_sid = sessions.as_array().expect("sessions").iter().find(|s| current(s)).expect("current")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let revoke = format!("/api/v1/auth/sessions/{phone_sid}");
    assert_eq!(w.call("DELETE", &revoke, ACME, &laptop, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.me(&phone).await, StatusCode::UNAUTHORIZED, "the revoked session's token");
    assert_eq!(w.me(&laptop).await, StatusCode::OK, "the other sessions go on");
    assert_eq!(w.me(&tablet).await, StatusCode::OK);

    let all = w.call("POST", "/api/v1/auth/sessions/revoke-all", ACME, &laptop, None).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(w.me(&laptop).await, StatusCode::UNAUTHORIZED);
    assert_eq!(w.me(&tablet).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_reused_refresh_token_ends_the_family_and_its_access_tokens() {
    let w = world().await;
    let first = w.signed(DANA).await;
    let rotated = w.call("POST", "/api/v1/auth/refresh", ACME, &first, None).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let second = browser(&rotated);
    assert_eq!(w.me(&second).await, StatusCode::OK);

    // Someone replays the first refresh token: the whole session ends, new tokens included.
    let replay = w.call("POST", "/api/v1/auth/refresh", ACME, &first, None).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.me(&second).await, StatusCode::UNAUTHORIZED);
    assert_eq!(w.me(&access_only(&first)).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn disabling_a_user_ends_their_tokens_at_once() {
    let w = world().await;
    let pat = w.signed(PAT).await;
    let dana = w.signed(DANA).await;
    let (tenant, id) = w.acme_user(&pat, DANA.0).await;
    let path = format!("/api/v1/tenants/{tenant}/users/{id}");
    let r = w.call("PATCH", &path, ACME, &pat, Some(json!({"status": "disabled"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.me(&dana).await, StatusCode::UNAUTHORIZED);
    assert_eq!(w.call("POST", "/api/v1/auth/refresh", ACME, &dana, None).await.status, StatusCode::UNAUTHORIZED);

    // Enabled again, the old token stays void (the grants moved on); a new sign-in works.
    let r = w.call("PATCH", &path, ACME, &pat, Some(json!({"status": "active"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.me(&dana).await, StatusCode::UNAUTHORIZED);
    assert_eq!(w.me(&w.signed(DANA).await).await, StatusCode::OK);
}

#[tokio::test]
async fn a_removed_membership_takes_effect_on_the_next_request() {
    let w = world().await;
    let pat = w.signed(PAT).await;
    let (tenant, dana_id) = w.acme_user(&pat, DANA.0).await;
    let orgs = w.call("GET", &format!("/api/v1/tenants/{tenant}/orgs"), ACME, &pat, None).await.body;
    let org = |name: &str| {
        orgs["items"].as_array().expect("orgs").iter().find(|o| o["name"] == name).expect(name)["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let membership = |o: &str| format!("/api/v1/tenants/{tenant}/users/{dana_id}/orgs/{o}");
    let initech = membership(&org("Initech"));
    assert_eq!(w.call("PUT", &initech, ACME, &pat, None).await.status, StatusCode::NO_CONTENT);
    let dana = w.signed(DANA).await;
    let orgs_seen = |r: &Value| r["organizations"].as_array().map(Vec::len);
    assert_eq!(orgs_seen(&w.call("GET", "/api/v1/me", ACME, &dana, None).await.body), Some(2));

    assert_eq!(w.call("DELETE", &initech, ACME, &pat, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.me(&access_only(&dana)).await, StatusCode::UNAUTHORIZED, "the token naming Initech");
    // The browser refreshes (as the web app does on a 401) and holds what is true now.
    let refreshed = w.call("POST", "/api/v1/auth/refresh", ACME, &dana, None).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let dana = browser(&refreshed);
    assert_eq!(orgs_seen(&w.call("GET", "/api/v1/me", ACME, &dana, None).await.body), Some(1));
}

#[tokio::test]
async fn a_demoted_partner_cannot_use_the_old_token_for_partner_rights() {
    let w = world().await;
    let pat = w.signed(PAT).await;
    let (tenant, pat_id) = w.acme_user(&pat, PAT.0).await;
    let admin = w.sign_in(HOUSE, ADMIN.0, ADMIN.1).await;
    let path = format!("/api/v1/tenants/{tenant}/users/{pat_id}");
    let r = w.call("PATCH", &path, HOUSE, &admin, Some(json!({"role": "partner_staff"}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let key = json!({"name": "deploy", "kind": "tenant_scoped"});
    let r = w.call("POST", "/api/v1/auth/api-keys", ACME, &pat, Some(key.clone())).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the partner's token is void: {}", r.body);
    // Refreshed, the token carries the new role, which may not create that key.
    let refreshed = w.call("POST", "/api/v1/auth/refresh", ACME, &pat, None).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    let demoted = browser(&refreshed);
    let me = w.call("GET", "/api/v1/me", ACME, &demoted, None).await;
    assert_eq!(me.body["user"]["role"], "partner_staff");
    let r = w.call("POST", "/api/v1/auth/api-keys", ACME, &demoted, Some(key)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
