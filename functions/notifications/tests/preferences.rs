//! Notification settings end to end in-process, on a clock the test moves: the person's
//! setting, else the tenant's default for their role, else the platform's; quiet hours in the
//! person's zone hold mail and texts (never the app) and end in one summary; digests gather a
//! period into one mail; each release goes out exactly once; every delivery is explained by
//! the log; and nobody sets defaults for a tenant that is not theirs to configure.

use std::sync::Arc;

use axum::http::StatusCode;
use kt_app::notifications::digests;
use kt_domain::auth::SmsFactor;
use kt_domain::identity::{PhoneNumber, TenantId, UserId};
use kt_platform::ManualClock;
use serde_json::{Value, json};
use time::macros::datetime;

mod support;
use support::*;

const PREFS: &str = "/api/v1/notifications/preferences";

fn kind<'a>(prefs: &'a Value, k: &str) -> &'a Value {
    prefs["kinds"].as_array().unwrap().iter().find(|s| s["kind"] == k).unwrap_or_else(|| panic!("{k} in {prefs}"))
}

async fn me(w: &World, who: &Browser) -> (TenantId, UserId) {
    let (_, me) = w.call("GET", "/api/v1/me", who, None).await;
    (
        TenantId::try_from(me["user"]["tenant"].as_str().unwrap().to_owned()).unwrap(),
        UserId::try_from(me["user"]["id"].as_str().unwrap().to_owned()).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn person_then_tenant_then_platform_and_bad_input_changes_nothing() {
    let w = world().await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let sam = w.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await;
    let staff = w.sign_in(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let admin = w.sign_in(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await;

    let (status, prefs) = w.call("GET", PREFS, &dana, None).await;
    assert_eq!(status, StatusCode::OK, "{prefs}");
    assert_eq!(kind(&prefs, "ticket_status")["source"], "platform");
    assert_eq!(kind(&prefs, "ticket_status")["email"], true);
    assert!(
        prefs["kinds"].as_array().unwrap().iter().all(|k| k["kind"] != "ticket_note"),
        "clients see no staff kinds"
    );
    assert_eq!(prefs["time_zone"], "UTC");
    assert_eq!(prefs["push_devices"], 0);

    // The partner sets a default for its clients: it applies to Dana, marked as the tenant's.
    let defaults = format!("/api/v1/tenants/{}/notification-defaults/client", w.acme);
    let change = json!({"kinds": [{"kind": "ticket_status", "email": false, "delivery": "daily"}]});
    let (status, body) = w.call("PATCH", &defaults, &pat, Some(change.clone())).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["role"], "client");
    assert_eq!(
        (kind(&body, "ticket_status")["source"].as_str(), kind(&body, "ticket_status")["email"].as_bool()),
        (Some("tenant"), Some(false))
    );
    let (_, prefs) = w.call("GET", PREFS, &dana, None).await;
    assert_eq!(kind(&prefs, "ticket_status")["source"], "tenant");
    assert_eq!(kind(&prefs, "ticket_status")["delivery"], "daily");
    assert_eq!(w.call("GET", &defaults, &pat, None).await.1, body);

    // Who may set defaults: whoever configures the tenant (its partner, a super admin).
    assert_eq!(w.call("PATCH", &defaults, &admin, Some(change.clone())).await.0, StatusCode::OK);
    for who in [&sam, &staff] {
        assert_eq!(w.call("PATCH", &defaults, who, Some(change.clone())).await.0, StatusCode::FORBIDDEN);
    }
    // A client does not even see the tenant's settings.
    assert_eq!(w.call("GET", &defaults, &dana, None).await.0, StatusCode::NOT_FOUND);
    let (_, house) = w.call("GET", "/api/v1/me", &admin, None).await;
    let house_defaults =
        format!("/api/v1/tenants/{}/notification-defaults/client", house["user"]["tenant"].as_str().unwrap());
    assert_eq!(
        w.call("GET", &house_defaults, &pat, None).await.0,
        StatusCode::NOT_FOUND,
        "another tenant's: not found"
    );
    assert_eq!(w.call("PATCH", &house_defaults, &pat, Some(change)).await.0, StatusCode::NOT_FOUND);
    let (status, body) =
        w.call("GET", &format!("/api/v1/tenants/{}/notification-defaults/staff", w.acme), &pat, None).await;
    assert_eq!(
        (status, body["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role")),
        "a partner tenant has no house staff"
    );

    // Dana's own choice wins over the default, and a reset gives the default back.
    let mine = json!({"kinds": [{"kind": "ticket_status", "email": true}], "time_zone": "Europe/Berlin", "quiet_hours": {"start": "22:00", "end": "07:00"}});
    let (status, prefs) = w.call("PATCH", PREFS, &dana, Some(mine)).await;
    assert_eq!(status, StatusCode::OK, "{prefs}");
    let status_kind = kind(&prefs, "ticket_status");
    assert_eq!(
        (status_kind["source"].as_str(), status_kind["email"].as_bool(), status_kind["delivery"].as_str()),
        (Some("person"), Some(true), Some("daily")),
        "unnamed fields keep what applied"
    );
    assert_eq!(prefs["quiet_hours"], json!({"start": "22:00", "end": "07:00"}));
    assert_eq!(prefs["time_zone"], "Europe/Berlin");

    // Bad input: every field at fault named, nothing changed.
    let before = w.call("GET", PREFS, &dana, None).await.1;
    let bad = json!({
        "kinds": [{"kind": "ticket_note", "email": true}, {"kind": "gossip"}, {"kind": "ticket_reply", "delivery": "monthly"}],
        "reset": ["sla_alert"],
        "time_zone": "Mars/Olympus",
        "quiet_hours": {"start": "25:00", "end": "7"},
    });
    let (status, body) = w.call("PATCH", PREFS, &dana, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(
        fields,
        [
            "kinds[0].kind",
            "kinds[1].kind",
            "kinds[2].delivery",
            "reset[0]",
            "time_zone",
            "quiet_hours.start",
            "quiet_hours.end"
        ]
    );
    let same = json!({"quiet_hours": {"start": "08:00", "end": "08:00"}});
    assert_eq!(w.call("PATCH", PREFS, &dana, Some(same)).await.1["errors"][0]["field"], "quiet_hours");
    let unknown = json!({"kinds": [{"kind": "ticket_reply", "email": true, "volume": 11}]});
    assert!(w.call("PATCH", PREFS, &dana, Some(unknown)).await.0.is_client_error());
    assert_eq!(w.call("GET", PREFS, &dana, None).await.1, before);
    assert_eq!(w.call("GET", &format!("{PREFS}?x=1"), &dana, None).await.0, StatusCode::BAD_REQUEST);

    let (status, prefs) =
        w.call("PATCH", PREFS, &dana, Some(json!({"reset": ["ticket_status"], "quiet_hours": null}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kind(&prefs, "ticket_status")["source"], "tenant");
    assert_eq!(prefs["quiet_hours"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_hold_mail_and_texts_then_one_summary_once() {
    // A Monday evening in Berlin (21:30 UTC = 22:30 CET).
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-07 21:30 UTC)));
    let w = world_with_clock(clock.clone()).await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let t = w.file(&dana, "Checkout broken").await;
    w.settle().await;
    let mails_before = w.mails_to("dana@globex.test").await.len();

    // Dana verified a phone (two-step sign-in) and wants texts for status changes, not at night.
    let (tenant, user) = me(&w, &dana).await;
    let store = w.wired.state.store.as_ref();
    let creds = kt_store::accounts::get_credentials(store, &tenant, &user).await.unwrap().unwrap();
    let mut c = creds.value.clone();
    c.sms = Some(SmsFactor { phone: PhoneNumber::parse("+15551234567").unwrap(), verified_at: clock_now(&w) });
    store
        .put(
            kt_store::accounts::credentials_item(&tenant, &user, &c, creds.version + 1).unwrap(),
            kt_store::Cond::Version(creds.version),
        )
        .await
        .unwrap();
    let change = json!({"kinds": [{"kind": "ticket_status", "sms": true}], "time_zone": "Europe/Berlin", "quiet_hours": {"start": "22:00", "end": "07:00"}});
    let (status, prefs) = w.call("PATCH", PREFS, &dana, Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{prefs}");
    assert_eq!(prefs["phone_hint"], "\u{2022}\u{2022}\u{2022}\u{2022}67");

    // Two status changes at night: in the app at once, no mail, no text.
    let url = format!("{}/{}", w.tickets, t["id"].as_str().unwrap());
    for status in ["in_progress", "pending_client"] {
        assert_eq!(w.call("PATCH", &url, &pat, Some(json!({"status": status}))).await.0, StatusCode::OK);
        w.settle().await;
    }
    let inbox = w.notifications(&dana).await;
    assert_eq!(titles(&inbox)[..2], ["ACME-1001 is now Pending Client", "ACME-1001 is now In Progress"]);
    assert_eq!(w.mails_to("dana@globex.test").await.len(), mails_before, "nothing mailed during quiet hours");
    let sms = w.wired.local_sms.clone().expect("local sms");
    assert!(sms.list().await.unwrap().is_empty(), "nothing texted during quiet hours");

    // The log explains it: held until 07:00 Berlin (06:00 UTC).
    let (status, log) = w.call("GET", "/api/v1/notifications/deliveries", &dana, None).await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let newest = &log["items"][0];
    assert_eq!(newest["title"], "ACME-1001 is now Pending Client");
    assert_eq!(newest["source"], "person");
    let email = newest["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "email").unwrap();
    assert_eq!(
        (email["outcome"].as_str(), email["hold"].as_str(), email["until"].as_str()),
        (Some("held"), Some("quiet_hours"), Some("2026-12-08T06:00:00.000Z"))
    );
    assert!(
        newest["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().starts_with("In the portal: sent at once"))
    );
    let push = newest["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "push").unwrap();
    assert_eq!(push["outcome"], "off");

    // Not yet: a sweep before the end sends nothing.
    let state = &w.wired.state;
    assert_eq!(digests::sweep(state, datetime!(2026-12-08 05:59 UTC)).await.unwrap().releases, 0);
    // At the end: one summary mail listing both, and one text saying how many.
    clock.set(datetime!(2026-12-08 06:01 UTC));
    let released = digests::sweep(state, datetime!(2026-12-08 06:01 UTC)).await.unwrap();
    assert_eq!((released.releases, released.mails, released.texts), (1, 1, 1));
    w.settle().await;
    let mails = w.mails_to("dana@globex.test").await;
    assert_eq!(mails.len(), mails_before + 1);
    let summary = mails.iter().find(|m| m.contains("quiet hours were on")).expect("the summary");
    assert!(summary.contains("Subject: While your quiet hours were on: 2 notifications"), "{summary}");
    assert!(summary.contains("ACME-1001 is now In Progress") && summary.contains("ACME-1001 is now Pending Client"));
    let texts = sms.list().await.unwrap();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].body.contains("2 notifications while you were away"), "{}", texts[0].body);

    // Exactly once: another sweep, and a sweep of the same hour again, send nothing more.
    kt_store::held::set_cursor(store, datetime!(2026-12-08 06:00 UTC).unix_timestamp() - 7200).await.unwrap();
    assert_eq!(digests::sweep(state, datetime!(2026-12-08 06:05 UTC)).await.unwrap().mails, 0);
    w.settle().await;
    assert_eq!(w.mails_to("dana@globex.test").await.len(), mails_before + 1);
    assert_eq!(sms.list().await.unwrap().len(), 1);

    // By day a status change is mailed and texted at once.
    clock.set(datetime!(2026-12-08 10:00 UTC));
    assert_eq!(w.call("PATCH", &url, &pat, Some(json!({"status": "in_progress"}))).await.0, StatusCode::OK);
    w.settle().await;
    assert_eq!(w.mails_to("dana@globex.test").await.len(), mails_before + 2);
    assert_eq!(sms.list().await.unwrap().len(), 2);
}

fn clock_now(w: &World) -> time::OffsetDateTime {
    w.wired.state.clock.now()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daily_digest_gathers_the_day_into_one_mail() {
    // Tuesday 10:00 UTC.
    let clock = Arc::new(ManualClock::new(datetime!(2026-12-08 10:00 UTC)));
    let w = world_with_clock(clock.clone()).await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let change = json!({"kinds": [{"kind": "ticket_new", "delivery": "daily"}]});
    assert_eq!(w.call("PATCH", PREFS, &pat, Some(change)).await.0, StatusCode::OK);

    for subject in ["Checkout broken", "Slow admin", "Typo on the home page"] {
        w.file(&dana, subject).await;
        clock.advance(time::Duration::hours(2));
    }
    w.settle().await;
    assert_eq!(w.notifications(&pat).await.len(), 3, "in the app at once");
    assert!(w.mails_to("pat@acme-agency.test").await.is_empty(), "no mail before the digest");
    let (_, log) = w.call("GET", "/api/v1/notifications/deliveries?limit=1", &pat, None).await;
    let email =
        log["items"][0]["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "email").unwrap().clone();
    assert_eq!(
        (email["hold"].as_str(), email["until"].as_str()),
        (Some("daily_digest"), Some("2026-12-09T08:00:00.000Z"))
    );
    assert!(log["next_cursor"].is_string(), "paged");

    // The next morning at 08:00 (UTC, Pat's zone): one mail listing the three.
    clock.set(datetime!(2026-12-09 08:00 UTC));
    let released = digests::sweep(&w.wired.state, datetime!(2026-12-09 08:00 UTC)).await.unwrap();
    assert_eq!((released.releases, released.mails), (1, 1));
    w.settle().await;
    let mails = w.mails_to("pat@acme-agency.test").await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("Subject: Your daily digest: 3 notifications"), "{}", mails[0]);
    for subject in ["Checkout broken", "Slow admin", "Typo on the home page"] {
        assert!(mails[0].contains(subject), "{subject}");
    }
    assert!(mails[0].contains("http://acme.localhost:3000/tickets/"), "links into the partner's portal");
    assert_eq!(digests::sweep(&w.wired.state, datetime!(2026-12-09 08:10 UTC)).await.unwrap().releases, 0);

    // A notification decided just before a release that has already gone out (a slow worker)
    // is not held for it: it goes out at once.
    clock.set(datetime!(2026-12-09 07:59:59 UTC));
    w.file(&dana, "Late straggler").await;
    w.settle().await;
    let mails = w.mails_to("pat@acme-agency.test").await;
    assert_eq!(mails.len(), 2);
    assert!(mails.iter().any(|m| m.contains("Subject: New ticket ACME-1004")), "sent at once");
    let (_, log) = w.call("GET", "/api/v1/notifications/deliveries?limit=1", &pat, None).await;
    let email =
        log["items"][0]["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "email").unwrap().clone();
    assert_eq!(email["outcome"], "sent", "the log says what happened");
}

/// A browser of the local push service (`PUSH_SERVICE_ENDPOINT`, started by scripts/test),
/// which checks the VAPID signature and decrypts as a browser would.
async fn browser_subscription() -> (String, Value) {
    let base = std::env::var("PUSH_SERVICE_ENDPOINT")
        .expect("PUSH_SERVICE_ENDPOINT is not set: run through scripts/test, which starts the push service");
    let sub: Value =
        reqwest::Client::new().post(format!("{base}/subscriptions")).send().await.unwrap().json().await.unwrap();
    (format!("{base}/subscriptions/{}/messages", sub["id"].as_str().unwrap()), sub)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscribed_browser_is_pushed_what_the_settings_say() {
    let w = world().await;
    let dana = w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let pat = w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
    let (inbox, sub) = browser_subscription().await;

    let (status, push) = w.call("GET", "/api/v1/notifications/push", &dana, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(push["public_key"].as_str().map(str::len), Some(87), "a P-256 key, base64url");
    assert_eq!(push["devices"], json!([]));

    // Bad subscriptions are refused by field; an address that is no push service is one.
    let bad =
        json!({"endpoint": "https://attacker.test/collect", "keys": {"p256dh": sub["p256dh"], "auth": "c2hvcnQ"}});
    let (status, body) = w.call("POST", "/api/v1/notifications/push/devices", &dana, Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["endpoint", "keys.auth"]);

    let good = json!({"endpoint": sub["endpoint"], "keys": {"p256dh": sub["p256dh"], "auth": sub["auth"]}, "expirationTime": null, "label": "Firefox on the laptop"});
    let (status, device) = w.call("POST", "/api/v1/notifications/push/devices", &dana, Some(good.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{device}");
    assert_eq!(device["label"], "Firefox on the laptop");
    assert_eq!(
        w.call("POST", "/api/v1/notifications/push/devices", &dana, Some(good)).await.0,
        StatusCode::CREATED,
        "again: the same device"
    );
    let (_, push) = w.call("GET", "/api/v1/notifications/push", &dana, None).await;
    assert_eq!(push["devices"].as_array().map(Vec::len), Some(1));
    assert_eq!(w.call("GET", PREFS, &dana, None).await.1["push_devices"], 1);

    // Pushes for status changes: the browser gets the title and the link into the portal.
    let change = json!({"kinds": [{"kind": "ticket_status", "push": true}]});
    assert_eq!(w.call("PATCH", PREFS, &dana, Some(change)).await.0, StatusCode::OK);
    let t = w.file(&dana, "Checkout broken").await;
    let url = format!("{}/{}", w.tickets, t["id"].as_str().unwrap());
    assert_eq!(w.call("PATCH", &url, &pat, Some(json!({"status": "in_progress"}))).await.0, StatusCode::OK);
    w.settle().await;
    let got: Value = reqwest::get(&inbox).await.unwrap().json().await.unwrap();
    assert_eq!(got["failures"], json!([]), "{got}");
    let pushed: Vec<Value> = got["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| serde_json::from_str(m["payload"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(pushed.len(), 1, "the filing's confirmation is not pushed by default: {pushed:?}");
    assert_eq!(pushed[0]["title"], "ACME-1001 is now In Progress");
    assert!(pushed[0]["url"].as_str().unwrap().starts_with("http://acme.localhost:3000/tickets/"), "{}", pushed[0]);
    // The worker may handle the filing and the change in either order: find the change.
    let (_, log) = w.call("GET", "/api/v1/notifications/deliveries", &dana, None).await;
    let item = log["items"].as_array().unwrap().iter().find(|i| i["title"] == "ACME-1001 is now In Progress").unwrap();
    let channel = item["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "push").unwrap().clone();
    assert_eq!(channel["outcome"], "sent");

    // A test push on demand.
    let (status, body) = w.call("POST", "/api/v1/notifications/push/test", &dana, None).await;
    assert_eq!((status, body["sent"].as_u64()), (StatusCode::OK, Some(1)));

    // Only the owner turns a browser off.
    let gone = format!("/api/v1/notifications/push/devices/{}", device["id"].as_str().unwrap());
    assert_eq!(w.call("DELETE", &gone, &pat, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.call("DELETE", &gone, &dana, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(w.call("DELETE", &gone, &dana, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.call("GET", "/api/v1/notifications/push", &dana, None).await.1["devices"], json!([]));
}
