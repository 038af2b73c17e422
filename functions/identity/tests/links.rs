//! Emailed links end to end in-process: the request commits the link and its mail together,
//! the relay and the mail worker deliver it to the outbox, and the link works once, on its own
//! portal, before it expires.

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;
use support::{ACME, world};
use tower::ServiceExt;

/// The token of the link in a mail (decoding the quoted-printable soft breaks and `=3D`).
fn token_in(raw: &str) -> String {
    let flat = raw.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
    let start = flat.find("token=").expect("a link") + "token=".len();
    flat[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-' || *c == '_').collect()
}

#[tokio::test]
async fn magic_links_sign_in_once_on_their_own_portal_before_they_expire() {
    let w = world().await;
    let (known, body_known, _) =
        w.post(ACME, "/api/v1/auth/magic-link", json!({"email": "dana@globex.test"}), None).await.parts();
    let (unknown, body_unknown, _) =
        w.post(ACME, "/api/v1/auth/magic-link", json!({"email": "nobody@globex.test"}), None).await.parts();
    assert_eq!((known, unknown), (StatusCode::ACCEPTED, StatusCode::ACCEPTED));
    assert_eq!(body_known, body_unknown, "no account enumeration");
    let mails = w.deliver().await;
    assert_eq!(mails.len(), 1, "only the real account gets mail");
    let (to, raw) = &mails[0];
    assert_eq!(to, "dana@globex.test");
    assert!(raw.contains("Your sign-in link for Acme Agency"));
    assert!(
        raw.replace("=\r\n", "").contains("http://acme.localhost:3000/auth/magic?token="),
        "a link to the partner's own portal"
    );
    let token = token_in(raw);

    let (other_portal, _, _) =
        w.post("localhost:3000", "/api/v1/auth/magic-link/redeem", json!({"token": token}), None).await.parts();
    assert_eq!(other_portal, StatusCode::UNAUTHORIZED, "bound to its tenant");
    let (ok, signed, cookies) =
        w.post(ACME, "/api/v1/auth/magic-link/redeem", json!({"token": token}), None).await.parts();
    assert_eq!(ok, StatusCode::OK);
    assert_eq!(signed["user"]["email"], "dana@globex.test");
    assert_eq!(cookies.len(), 3);
    let (again, _, _) = w.post(ACME, "/api/v1/auth/magic-link/redeem", json!({"token": token}), None).await.parts();
    assert_eq!(again, StatusCode::UNAUTHORIZED, "single use");

    w.post(ACME, "/api/v1/auth/magic-link", json!({"email": "ivy@initech.test"}), None).await.parts();
    let mails = w.deliver().await;
    let ivy = mails.iter().find(|(to, _)| to == "ivy@initech.test").expect("ivy's mail");
    w.clock.advance(time::Duration::minutes(16));
    let (late, _, _) =
        w.post(ACME, "/api/v1/auth/magic-link/redeem", json!({"token": token_in(&ivy.1)}), None).await.parts();
    assert_eq!(late, StatusCode::UNAUTHORIZED, "expired after 15 minutes");
    let (garbage, _, _) = w.post(ACME, "/api/v1/auth/magic-link/redeem", json!({"token": "nope"}), None).await.parts();
    assert_eq!(garbage, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn password_reset_sets_a_checked_password_and_ends_other_sessions() {
    let w = world().await;
    let (_, _, old_cookies) = w
        .post(
            ACME,
            "/api/v1/auth/sign-in",
            json!({"email": "sam@acme-agency.test", "password": "Acme-Demo-Staff-2026"}),
            None,
        )
        .await
        .parts();
    let old_cookie = old_cookies.join("; ");
    w.post(ACME, "/api/v1/auth/password-reset", json!({"email": "sam@acme-agency.test"}), None).await.parts();
    let mails = w.deliver().await;
    let token = token_in(&mails[0].1);
    let (weak, problem, _) = w
        .post(ACME, "/api/v1/auth/password-reset/complete", json!({"token": token, "password": "password1234"}), None)
        .await
        .parts();
    assert_eq!((weak, problem["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("password")));
    let (ok, _, _) = w
        .post(
            ACME,
            "/api/v1/auth/password-reset/complete",
            json!({"token": token, "password": "Copper-Kettle-Evening-88"}),
            None,
        )
        .await
        .parts();
    assert_eq!(ok, StatusCode::OK, "the link survived the weak attempt");
    let (old_pw, _, _) = w
        .post(
            ACME,
            "/api/v1/auth/sign-in",
            json!({"email": "sam@acme-agency.test", "password": "Acme-Demo-Staff-2026"}),
            None,
        )
        .await
        .parts();
    assert_eq!(old_pw, StatusCode::UNAUTHORIZED);
    let (new_pw, _, _) = w
        .post(
            ACME,
            "/api/v1/auth/sign-in",
            json!({"email": "sam@acme-agency.test", "password": "Copper-Kettle-Evening-88"}),
            None,
        )
        .await
        .parts();
    assert_eq!(new_pw, StatusCode::OK);
    let (stale, _, _) = w.post(ACME, "/api/v1/auth/refresh", json!({}), Some(&old_cookie)).await.parts();
    assert_eq!(stale, StatusCode::UNAUTHORIZED, "sessions from before the reset are gone");
}

#[tokio::test]
async fn invitations_create_the_account_and_the_mail_together() {
    let w = world().await;
    let (_, pat, cookies) = w
        .post(
            ACME,
            "/api/v1/auth/sign-in",
            json!({"email": "pat@acme-agency.test", "password": "Acme-Demo-Partner-2026"}),
            None,
        )
        .await
        .parts();
    let cookie = cookies.join("; ");
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).expect("csrf").to_owned();
    let tenant = pat["user"]["tenant"].as_str().expect("tenant").to_owned();
    let req = Request::post(format!("/api/v1/tenants/{tenant}/users"))
        .header(header::HOST, ACME)
        .header(header::COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"email": "nina@acme-agency.test", "name": "Nina New", "role": "partner_staff"}).to_string(),
        ))
        .expect("req");
    assert_eq!(w.router.clone().oneshot(req).await.expect("res").status(), StatusCode::CREATED);
    let mails = w.deliver().await;
    let (_, raw) = mails.iter().find(|(to, _)| to == "nina@acme-agency.test").expect("invitation mail");
    assert!(raw.contains("You are invited to Acme Agency"));
    let token = token_in(raw);
    let (before, _, _) = w.post(ACME, "/api/v1/auth/magic-link/redeem", json!({"token": token}), None).await.parts();
    assert_eq!(before, StatusCode::UNAUTHORIZED, "an invitation is not a magic link");
    let (accepted, me, _) = w
        .post(
            ACME,
            "/api/v1/auth/invitation/accept",
            json!({"token": token, "password": "Velvet-Harbor-Morning-31"}),
            None,
        )
        .await
        .parts();
    assert_eq!((accepted, me["user"]["email"].as_str()), (StatusCode::OK, Some("nina@acme-agency.test")));
    let (twice, _, _) = w
        .post(
            ACME,
            "/api/v1/auth/invitation/accept",
            json!({"token": token, "password": "Velvet-Harbor-Morning-31"}),
            None,
        )
        .await
        .parts();
    assert_eq!(twice, StatusCode::UNAUTHORIZED);
    let (sign_in, _, _) = w
        .post(
            ACME,
            "/api/v1/auth/sign-in",
            json!({"email": "nina@acme-agency.test", "password": "Velvet-Harbor-Morning-31"}),
            None,
        )
        .await
        .parts();
    assert_eq!(sign_in, StatusCode::OK);
}

#[tokio::test]
async fn a_stranger_asking_again_and_again_neither_floods_nor_holds_up_the_owners_mail() {
    let w = world().await;
    let ask = |email: &'static str| w.post(ACME, "/api/v1/auth/password-reset", json!({"email": email}), None);
    for _ in 0..10 {
        assert_eq!(ask("dana@globex.test").await.status, StatusCode::ACCEPTED);
    }
    // Dana herself is answered as always (never 429 because of someone else's requests).
    assert_eq!(ask("dana@globex.test").await.status, StatusCode::ACCEPTED);
    let to_dana = |mails: &[(String, String)]| mails.iter().filter(|(to, _)| to == "dana@globex.test").count();
    assert_eq!(to_dana(&w.deliver().await), 1, "one mail a minute, whoever asks");
    w.clock.advance(time::Duration::seconds(61));
    assert_eq!(ask("dana@globex.test").await.status, StatusCode::ACCEPTED);
    assert_eq!(to_dana(&w.deliver().await), 2, "a minute later she gets a fresh link");
}
