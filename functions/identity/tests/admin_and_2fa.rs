//! Second factors and user administration over HTTP, in-process on a seeded SQLite store with
//! a controllable clock and the local SMS outbox: the 202 second step, enrolment a tenant
//! requires, role / status / membership changes with their audit entries, invitations and an
//! administrator's 2FA reset, with bad input and other tenants' attempts.

mod support;

use axum::http::StatusCode;
use kt_domain::Clock;
use serde_json::json;
use support::{ACME, Browser, HOUSE, World, browser, fields, world};
use totp_rs::{Algorithm, Secret, TOTP};

impl World {
    fn totp_code(&self, secret: &str) -> String {
        let bytes = Secret::Encoded(secret.to_owned()).to_bytes().expect("base32");
        let totp = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into()).expect("totp");
        totp.generate(self.clock.now_unix() as u64)
    }

    async fn last_text(&self) -> String {
        let sent = self.wired.local_sms.as_ref().expect("sms outbox").list().await.expect("list");
        sent[0].body.split_whitespace().next().expect("code").to_owned()
    }

    async fn audit_actions(&self, admin: &Browser, host: &str, tenant: &str) -> Vec<String> {
        let r = self.call("GET", &format!("/api/v1/tenants/{tenant}/audit?limit=100"), host, admin, None).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["action"].as_str().map(str::to_owned))
            .collect()
    }
}

#[tokio::test]
async fn an_authenticator_app_makes_sign_in_two_steps() {
    let w = world().await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let setup = w.call("POST", "/api/v1/auth/two-factor/totp", ACME, &pat, None).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.body);
    assert!(setup.body["qr_svg"].as_str().is_some_and(|s| s.contains("<svg")));
    let secret = setup.body["secret"].as_str().expect("secret").to_owned();
    let bad = w.call("POST", "/api/v1/auth/two-factor/totp/confirm", ACME, &pat, Some(json!({"code": "12"}))).await;
    assert_eq!((bad.status, fields(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["code".to_owned()]));
    let confirm = json!({"code": w.totp_code(&secret)});
    let ok = w.call("POST", "/api/v1/auth/two-factor/totp/confirm", ACME, &pat, Some(confirm)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["recovery_codes"].as_array().map(Vec::len), Some(10));
    let status = w.call("GET", "/api/v1/auth/two-factor", ACME, &pat, None).await;
    assert_eq!((status.body["totp"].as_bool(), status.body["recovery_codes_left"].as_u64()), (Some(true), Some(10)));

    // The password alone now gets a challenge, and no cookies.
    let first = w.sign_in_step(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
    assert!(first.cookies.is_empty());
    assert_eq!(first.body["status"], "second_factor_required");
    assert_eq!(first.body["methods"], json!(["totp", "recovery_code"]));
    let challenge = first.body["challenge"].as_str().expect("challenge").to_owned();
    let none = Browser::default();
    let bad_method = json!({"challenge": challenge, "method": "carrier_pigeon", "code": "1"});
    let r = w.call("POST", "/api/v1/auth/sign-in/verify", ACME, &none, Some(bad_method)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let empty = json!({"challenge": challenge, "method": "totp", "code": " "});
    let r = w.call("POST", "/api/v1/auth/sign-in/verify", ACME, &none, Some(empty)).await;
    assert_eq!((r.status, fields(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["code".to_owned()]));
    w.clock.advance(time::Duration::seconds(30));
    let good = json!({"challenge": challenge, "method": "totp", "code": w.totp_code(&secret)});
    // A challenge of Acme's portal means nothing on another portal.
    let elsewhere = w.call("POST", "/api/v1/auth/sign-in/verify", HOUSE, &none, Some(good.clone())).await;
    assert_eq!(elsewhere.status, StatusCode::UNAUTHORIZED);
    assert_eq!(elsewhere.body["type"], "https://kt-portal.dev/problems/sign-in-expired", "{}", elsewhere.body);
    // A wrong code says so, with the tries left (the problem type, not only the status, tells).
    let wrong = json!({"challenge": challenge, "method": "totp", "code": "000000"});
    let r = w.call("POST", "/api/v1/auth/sign-in/verify", ACME, &none, Some(wrong)).await;
    assert_eq!(
        (r.status, r.body["type"].as_str(), r.body["tries_left"].as_u64()),
        (StatusCode::UNAUTHORIZED, Some("https://kt-portal.dev/problems/wrong-code"), Some(4)),
        "{}",
        r.body
    );
    let done = w.call("POST", "/api/v1/auth/sign-in/verify", ACME, &none, Some(good)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.get("recovery_codes").is_none(), "codes come only with a new factor");
    let signed = browser(&done);
    assert_eq!(w.call("GET", "/api/v1/me", ACME, &signed, None).await.status, StatusCode::OK);

    // Removing needs the password; Kre8ivTech staff can reset it for a lost phone.
    let wrong = json!({"password": "not it"});
    let r = w.call("POST", "/api/v1/auth/two-factor/totp/remove", ACME, &signed, Some(wrong)).await;
    assert_eq!((r.status, fields(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["password".to_owned()]));
    let r = w.call("POST", "/api/v1/auth/two-factor/fax/remove", ACME, &signed, Some(json!({"password": "x"}))).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let acme_id =
        w.call("GET", "/api/v1/me", ACME, &signed, None).await.body["user"]["tenant"].as_str().expect("t").to_owned();
    let pat_id =
        w.call("GET", "/api/v1/me", ACME, &signed, None).await.body["user"]["id"].as_str().expect("id").to_owned();
    let reset = format!("/api/v1/tenants/{acme_id}/users/{pat_id}/two-factor");
    let sam = w.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    assert_eq!(w.call("DELETE", &reset, ACME, &sam, None).await.status, StatusCode::FORBIDDEN, "partner staff cannot");
    let staff = w.sign_in(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    assert_eq!(w.call("DELETE", &reset, HOUSE, &staff, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.sign_in_step(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await.status, StatusCode::OK);
    let actions = w.audit_actions(&staff, HOUSE, &acme_id).await;
    for a in ["2fa.totp_enabled", "2fa.reset", "2fa.recovery_codes_regenerated"] {
        assert!(actions.iter().any(|x| x == a) == (a != "2fa.recovery_codes_regenerated"), "{a} in {actions:?}");
    }
}

#[tokio::test]
async fn a_partner_requires_clients_to_enrol_and_they_do_it_while_signing_in() {
    let w = world().await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let me = w.call("GET", "/api/v1/me", ACME, &pat, None).await;
    let settings = format!("/api/v1/tenants/{}/settings", me.body["user"]["tenant"].as_str().expect("tenant"));
    let bad = w.call("PUT", &settings, ACME, &pat, Some(json!({"require_2fa": ["staff"]}))).await;
    assert_eq!((bad.status, fields(&bad)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["require_2fa".to_owned()]));
    let garbage = w.call("PUT", &settings, ACME, &pat, Some(json!({"require_2fa": ["wizard"]}))).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let by_client = w.call("PUT", &settings, ACME, &dana, Some(json!({"require_2fa": []}))).await;
    assert_eq!(by_client.status, StatusCode::NOT_FOUND);
    let set = w.call("PUT", &settings, ACME, &pat, Some(json!({"require_2fa": ["client"]}))).await;
    assert_eq!((set.status, &set.body["require_2fa"]), (StatusCode::OK, &json!(["client"])));

    let first = w.sign_in_step(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!((first.status, first.body["enrol"].as_bool()), (StatusCode::ACCEPTED, Some(true)));
    let challenge = first.body["challenge"].as_str().expect("challenge").to_owned();
    let none = Browser::default();
    let no_phone = w.call("POST", "/api/v1/auth/sign-in/sms", ACME, &none, Some(json!({"challenge": challenge}))).await;
    assert_eq!((no_phone.status, fields(&no_phone)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["phone".to_owned()]));
    let body = json!({"challenge": challenge, "phone": "+1 555 555 0142"});
    let sent = w.call("POST", "/api/v1/auth/sign-in/sms", ACME, &none, Some(body.clone())).await;
    assert_eq!(
        (sent.status, sent.body["phone_hint"].as_str().map(|h| h.ends_with("42"))),
        (StatusCode::ACCEPTED, Some(true))
    );
    let again = w.call("POST", "/api/v1/auth/sign-in/sms", ACME, &none, Some(body)).await;
    assert_eq!(again.status, StatusCode::TOO_MANY_REQUESTS);
    let code = w.last_text().await;
    let verify = json!({"challenge": challenge, "method": "sms", "code": code});
    let done = w.call("POST", "/api/v1/auth/sign-in/verify", ACME, &none, Some(verify)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["recovery_codes"].as_array().map(Vec::len), Some(10));
    let status = w.call("GET", "/api/v1/auth/two-factor", ACME, &browser(&done), None).await;
    assert_eq!((status.body["required"].as_bool(), status.body["totp"].as_bool()), (Some(true), Some(false)));
    assert!(status.body["sms_phone_hint"].as_str().is_some_and(|h| h.ends_with("42")));

    // Her own set-up routes: checked input, the password before sensitive changes.
    let dana = browser(&done);
    let bad_phone = w.call("POST", "/api/v1/auth/two-factor/sms", ACME, &dana, Some(json!({"phone": "12"}))).await;
    assert_eq!((bad_phone.status, fields(&bad_phone)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["phone".to_owned()]));
    let no_pending =
        w.call("POST", "/api/v1/auth/two-factor/sms/confirm", ACME, &dana, Some(json!({"code": "1"}))).await;
    assert_eq!(no_pending.status, StatusCode::CONFLICT, "nothing is being set up");
    let regen = "/api/v1/auth/two-factor/recovery-codes";
    let wrong = w.call("POST", regen, ACME, &dana, Some(json!({"password": "not hers"}))).await;
    assert_eq!((wrong.status, fields(&wrong)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["password".to_owned()]));
    let fresh = w.call("POST", regen, ACME, &dana, Some(json!({"password": "Globex-Demo-Client-2026"}))).await;
    assert_eq!((fresh.status, fresh.body["recovery_codes"].as_array().map(Vec::len)), (StatusCode::OK, Some(10)));
    let old_code = done.body["recovery_codes"][0].as_str().expect("old code").to_owned();
    let only = w
        .call(
            "POST",
            "/api/v1/auth/two-factor/sms/remove",
            ACME,
            &dana,
            Some(json!({"password": "Globex-Demo-Client-2026"})),
        )
        .await;
    assert_eq!(only.status, StatusCode::CONFLICT, "the role requires a factor");

    // Now that she has a factor, a challenge is for using it, not for setting one up.
    let next = w.sign_in_step(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!((next.status, next.body["enrol"].as_bool()), (StatusCode::ACCEPTED, Some(false)));
    let challenge = next.body["challenge"].as_str().expect("challenge").to_owned();
    let setup =
        w.call("POST", "/api/v1/auth/sign-in/totp-setup", ACME, &none, Some(json!({"challenge": challenge}))).await;
    assert_eq!(setup.status, StatusCode::CONFLICT);
    let bogus = w.call("POST", "/api/v1/auth/sign-in/totp-setup", ACME, &none, Some(json!({"challenge": "x.y"}))).await;
    assert_eq!(bogus.status, StatusCode::UNAUTHORIZED);
    let stale = json!({"challenge": challenge, "method": "recovery_code", "code": old_code});
    assert_eq!(
        w.call("POST", "/api/v1/auth/sign-in/verify", ACME, &none, Some(stale)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let code = fresh.body["recovery_codes"][0].as_str().expect("code").to_owned();
    let good = json!({"challenge": challenge, "method": "recovery_code", "code": code});
    assert_eq!(w.call("POST", "/api/v1/auth/sign-in/verify", ACME, &none, Some(good)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn partners_change_roles_memberships_and_status_with_an_audit_trail() {
    let w = world().await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let tenant =
        w.call("GET", "/api/v1/me", ACME, &pat, None).await.body["user"]["tenant"].as_str().expect("t").to_owned();
    let base = format!("/api/v1/tenants/{tenant}");
    let users = w.call("GET", &format!("{base}/users?limit=50"), ACME, &pat, None).await.body["items"].clone();
    let id_of = |email: &str| -> String {
        users.as_array().expect("users").iter().find(|u| u["email"] == email).expect(email)["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let orgs = w.call("GET", &format!("{base}/orgs"), ACME, &pat, None).await.body["items"].clone();
    let org_of = |name: &str| -> String {
        orgs.as_array().expect("orgs").iter().find(|o| o["name"] == name).expect(name)["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (dana, ivy, pat_id, sam) = (
        id_of("dana@globex.test"),
        id_of("ivy@initech.test"),
        id_of("pat@acme-agency.test"),
        id_of("sam@acme-agency.test"),
    );
    let (globex, initech) = (org_of("Globex"), org_of("Initech"));

    // Dana joins Initech too (twice is fine) and sees both after her next sign-in.
    let join = format!("{base}/users/{dana}/orgs/{initech}");
    assert_eq!(w.call("PUT", &join, ACME, &pat, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.call("PUT", &join, ACME, &pat, None).await.status, StatusCode::NO_CONTENT);
    let dana_b = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let me = w.call("GET", "/api/v1/me", ACME, &dana_b, None).await;
    assert_eq!(me.body["organizations"].as_array().map(Vec::len), Some(2));
    let missing = format!("{base}/users/{dana}/orgs/{}", ulid_like());
    assert_eq!(w.call("PUT", &missing, ACME, &pat, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        w.call("PUT", &format!("{base}/users/{sam}/orgs/{globex}"), ACME, &pat, None).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        w.call("DELETE", &format!("{base}/users/{dana}/orgs/{globex}"), ACME, &pat, None).await.status,
        StatusCode::NO_CONTENT
    );
    let last = w.call("DELETE", &join, ACME, &pat, None).await;
    assert_eq!(last.status, StatusCode::CONFLICT, "a client keeps one organization");
    // Her token from before the change stopped working at once; a new sign-in shows the change.
    assert_eq!(w.call("GET", "/api/v1/me", ACME, &dana_b, None).await.status, StatusCode::UNAUTHORIZED);
    let dana_b = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let me = w.call("GET", "/api/v1/me", ACME, &dana_b, None).await;
    assert_eq!(me.body["organizations"].as_array().map(Vec::len), Some(1));
    // A client cannot manage memberships, not even their own.
    assert_eq!(
        w.call("PUT", &format!("{base}/users/{dana}/orgs/{globex}"), ACME, &dana_b, None).await.status,
        StatusCode::NOT_FOUND
    );

    // Roles: checked against the tenant, never one's own, and only by those who may manage both roles.
    let patch = |id: &str| format!("{base}/users/{id}");
    let r = w.call("PATCH", &patch(&ivy), ACME, &pat, Some(json!({"role": "staff", "name": " "}))).await;
    assert_eq!((r.status, fields(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_owned(), "role".to_owned()]));
    let r = w.call("PATCH", &patch(&pat_id), ACME, &pat, Some(json!({"status": "disabled"}))).await;
    assert_eq!((r.status, fields(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["status".to_owned()]));
    let sam_b = w.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    let r = w.call("PATCH", &patch(&pat_id), ACME, &sam_b, Some(json!({"name": "Pat the Boss"}))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "partner staff do not manage the partner");
    let r = w.call("PATCH", &patch(&ivy), ACME, &pat, Some(json!({"role": "partner_staff"}))).await;
    assert_eq!((r.status, r.body["role"].as_str()), (StatusCode::OK, Some("partner_staff")), "{}", r.body);
    let ivy_b = w.sign_in(ACME, "ivy@initech.test", "Initech-Demo-Client-2026").await;
    let me = w.call("GET", "/api/v1/me", ACME, &ivy_b, None).await;
    assert_eq!(me.body["organizations"], json!([]), "memberships go with the client role");

    // Disabling ends Ivy's sessions and keeps her out.
    let r = w.call("PATCH", &patch(&ivy), ACME, &pat, Some(json!({"status": "disabled"}))).await;
    assert_eq!((r.status, r.body["status"].as_str()), (StatusCode::OK, Some("disabled")));
    let refresh = w.call("POST", "/api/v1/auth/refresh", ACME, &ivy_b, None).await;
    assert_eq!(refresh.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        w.sign_in_step(ACME, "ivy@initech.test", "Initech-Demo-Client-2026").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = w.call("PATCH", &patch(&ivy), ACME, &pat, Some(json!({"status": "active"}))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(w.sign_in_step(ACME, "ivy@initech.test", "Initech-Demo-Client-2026").await.status, StatusCode::OK);

    // Invitations can be sent again until accepted.
    let invite = json!({"email": "new@globex.test", "name": "New Person", "role": "client", "orgs": [globex]});
    let created = w.call("POST", &format!("{base}/users"), ACME, &pat, Some(invite)).await;
    assert_eq!((created.status, created.body["status"].as_str()), (StatusCode::CREATED, Some("invited")));
    let new_id = created.body["id"].as_str().expect("id");
    assert_eq!(
        w.call("POST", &format!("{base}/users/{new_id}/invitation"), ACME, &pat, None).await.status,
        StatusCode::ACCEPTED
    );
    let active = w.call("POST", &format!("{base}/users/{dana}/invitation"), ACME, &pat, None).await;
    assert_eq!(active.status, StatusCode::CONFLICT);
    let r = w.call("PATCH", &patch(new_id), ACME, &pat, Some(json!({"status": "active"}))).await;
    assert_eq!((r.status, fields(&r)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["status".to_owned()]));

    let actions = w.audit_actions(&pat, ACME, &tenant).await;
    for a in [
        "user.membership_added",
        "user.membership_removed",
        "user.role_changed",
        "user.disabled",
        "user.enabled",
        "user.invitation_resent",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a} missing from {actions:?}");
    }
    // Entries about a person name them, also where the target carries more than their id.
    let log = w.call("GET", &format!("/api/v1/tenants/{tenant}/audit?limit=100&action=user"), ACME, &pat, None).await;
    let items = log.body["items"].as_array().expect("items");
    assert!(items.iter().any(|e| e["action"] == "user.role_changed"));
    for e in items {
        assert!(e["target_name"].is_string(), "{e}");
    }
}

/// A well-formed id that names nothing.
fn ulid_like() -> String {
    "01JD0000000000000000000000".to_owned()
}

#[tokio::test]
async fn changes_with_unknown_or_null_fields_or_nothing_to_change_are_refused_and_change_nothing() {
    let w = world().await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let me = w.call("GET", "/api/v1/me", ACME, &pat, None).await;
    let tenant = me.body["user"]["tenant"].as_str().expect("tenant").to_owned();
    let users = w.call("GET", &format!("/api/v1/tenants/{tenant}/users?limit=100"), ACME, &pat, None).await;
    let sam = users.body["items"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == "sam@acme-agency.test")
        .expect("sam")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let user = format!("/api/v1/tenants/{tenant}/users/{sam}");
    let settings = format!("/api/v1/tenants/{tenant}/settings");
    let before = w.audit_actions(&pat, ACME, &tenant).await.len();

    for (path, body, field) in [
        (&user, json!({"name": "Sam", "is_admin": true}), "is_admin"),
        (&user, json!({"role": null}), "role"),
        (&user, json!({"name": null}), "name"),
        (&user, json!({}), "body"),
        (&settings, json!({"require_2fa": [], "sso": true}), "sso"),
        (&settings, json!({"client_api_enabled": null}), "client_api_enabled"),
        (&settings, json!({}), "body"),
    ] {
        let method = if path == &user { "PATCH" } else { "PUT" };
        let r = w.call(method, path, ACME, &pat, Some(body.clone())).await;
        assert_eq!(
            (r.status, fields(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_owned()]),
            "{body}: {}",
            r.body
        );
    }
    // Setting what is already so changes nothing and leaves no audit entry.
    let r = w.call("PUT", &settings, ACME, &pat, Some(json!({"client_api_enabled": false}))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.call("GET", &format!("/api/v1/tenants/{tenant}/users?limit=100"), ACME, &pat, None).await;
    assert!(
        r.body["items"]
            .as_array()
            .expect("users")
            .iter()
            .any(|u| u["id"] == sam.as_str() && u["role"] == "partner_staff")
    );
    assert_eq!(w.audit_actions(&pat, ACME, &tenant).await.len(), before, "nothing was changed, so nothing was audited");
}
