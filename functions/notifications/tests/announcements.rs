//! Announcements over HTTP: who may announce to whom, strict input named by field, banners and
//! modals live for the people meant, read once and counted, notifications and emails sent once
//! when an announcement starts (scheduled ones by the sweep), edits bounded once started,
//! removal.

use axum::http::StatusCode;
use kt_domain::Clock;
use kt_test_support::{Browser, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_notifications::router()).await
}

fn tenant_path(tenant: &str) -> String {
    format!("/api/v1/tenants/{tenant}/announcements")
}

async fn live(w: &World, who: &Browser) -> Vec<Value> {
    let r = w.get("/api/v1/announcements/live", who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().cloned().unwrap_or_default()
}

fn titles(items: &[Value]) -> Vec<String> {
    items.iter().filter_map(|a| a["title"].as_str().map(str::to_owned)).collect()
}

fn at(w: &World, minutes: i64) -> String {
    kt_domain::timestamp(w.clock.now() + time::Duration::minutes(minutes))
}

#[tokio::test]
async fn a_partner_announces_to_its_tenant_readers_dismiss_once_and_hear_of_it_once() {
    let w = world().await;
    let p = people(&w).await;
    let acme = tenant_path(&w.acme_id);

    // Input is strict and named by field; only authors may write.
    let bad = w
        .post(
            &acme,
            &p.pat,
            json!({"title": " ", "body": "x", "display": [], "audience": "tenant", "ends_at": at(&w, -5)}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.fields(), ["title", "display", "ends_at"]);
    let unknown = json!({"title": "Hi", "body": "x", "display": ["banner"], "audience": "tenant", "colour": "red"});
    assert_eq!(w.post(&acme, &p.pat, unknown).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let everyone = json!({"title": "Hi", "body": "x", "display": ["banner"], "audience": "everyone"});
    assert_eq!(w.post(&acme, &p.pat, everyone.clone()).await.fields(), ["scope"], "partners announce to their tenant");
    let org =
        json!({"title": "Hi", "body": "x", "display": ["banner"], "audience": "organization", "org_id": w.house_id});
    assert_eq!(w.post(&acme, &p.pat, org).await.fields(), ["org_id"], "an organization of this tenant");
    for (who, status) in [(&p.dana, StatusCode::FORBIDDEN), (&p.sam, StatusCode::FORBIDDEN)] {
        assert_eq!(w.post(&acme, who, everyone.clone()).await.status, status);
        assert_eq!(w.get(&acme, who).await.status, status);
    }
    assert_eq!(w.get(&tenant_path(&w.house_id), &p.pat).await.status, StatusCode::NOT_FOUND, "another tenant's");
    assert_eq!(w.get(&format!("{acme}?limit=0"), &p.pat).await.fields(), ["limit"]);
    assert_eq!(w.get(&format!("{acme}?sort=new"), &p.pat).await.status, StatusCode::BAD_REQUEST, "unknown query");

    // Pat announces maintenance to the tenant: banner, modal, notification and email.
    let body = json!({
        "title": "Maintenance on Saturday",
        "body": "The portal is **offline** from 22:00 to 23:00.",
        "severity": "warning",
        "display": ["banner", "modal", "notification", "email"],
        "audience": "tenant",
        "ends_at": at(&w, 3 * 24 * 60),
    });
    let made = w.post(&acme, &p.pat, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!((made.body["state"].as_str(), made.body["severity"].as_str()), (Some("live"), Some("warning")));
    assert!(made.body["html"].as_str().is_some_and(|h| h.contains("<strong>offline</strong>")));
    let id = made.body["id"].as_str().expect("id").to_owned();

    // Everyone of the tenant sees it, once read it stays read; other tenants' people do not.
    for who in [&p.dana, &p.olga, &p.sam] {
        let items = live(&w, who).await;
        assert_eq!(titles(&items), ["Maintenance on Saturday"]);
        assert_eq!(items[0]["read"], false);
    }
    assert!(live(&w, &p.drew).await.is_empty(), "a client of another tenant");
    let read = format!("/api/v1/announcements/{id}/read");
    assert_eq!(w.post(&read, &p.drew, json!({})).await.status, StatusCode::NOT_FOUND, "not meant for them");
    for _ in 0..2 {
        assert_eq!(w.post(&read, &p.dana, json!({})).await.status, StatusCode::NO_CONTENT);
    }
    assert_eq!(live(&w, &p.dana).await[0]["read"], true);

    // Sent once as a notification and an email to each of the tenant's people but its author.
    w.settle().await;
    w.settle().await;
    assert!(w.notification_titles(&p.dana).await.contains(&"Maintenance on Saturday".to_owned()));
    let mails = w.mails_to("dana@globex.test").await;
    assert_eq!(mails.iter().filter(|m| m.contains("Maintenance on Saturday")).count(), 1, "one mail");
    assert!(!w.notification_titles(&p.pat).await.contains(&"Maintenance on Saturday".to_owned()), "not the author");
    let sheet = w.get(&format!("{acme}/{id}"), &p.pat).await;
    assert_eq!(sheet.body["reads"], 1, "{}", sheet.body);
    let reached = sheet.body["reached"].as_u64().expect("reached");
    assert!(reached >= 3, "dana, olga and sam at least: {reached}");
    let listed = w.get(&acme, &p.pat).await;
    assert_eq!(listed.body["items"][0]["reads"], 1);

    // Once started its audience stays; its text may change under If-Match; removal ends it.
    let etag = sheet.etag.clone().expect("etag");
    let mut change = json!({
        "title": "Maintenance moved to Sunday",
        "body": "Same hours, Sunday.",
        "severity": "warning",
        "display": ["banner", "modal", "notification", "email"],
        "audience": "tenant",
    });
    let narrowed = json!({"title": "x", "body": "x", "display": ["banner"], "audience": "tenant"});
    assert_eq!(w.send("PUT", &format!("{acme}/{id}"), &p.pat, Some(narrowed), &[]).await.status, StatusCode::CONFLICT);
    let stale = w.send("PUT", &format!("{acme}/{id}"), &p.pat, Some(change.clone()), &[("if-match", "\"99\"")]).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED, "{}", stale.body);
    let ok = w.send("PUT", &format!("{acme}/{id}"), &p.pat, Some(change.clone()), &[("if-match", &etag)]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(titles(&live(&w, &p.olga).await), ["Maintenance moved to Sunday"]);
    change["starts_at"] = json!(at(&w, 60));
    assert_eq!(w.send("PUT", &format!("{acme}/{id}"), &p.pat, Some(change), &[]).await.status, StatusCode::CONFLICT);
    assert_eq!(w.delete(&format!("{acme}/{id}"), &p.pat).await.status, StatusCode::NO_CONTENT);
    assert!(live(&w, &p.olga).await.is_empty());
    assert_eq!(w.get(&format!("{acme}/{id}"), &p.pat).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn organizations_roles_schedules_and_the_house_s_announcements_to_everyone() {
    let w = world().await;
    let p = people(&w).await;
    let acme = tenant_path(&w.acme_id);
    let house = tenant_path(&w.house_id);

    // To Initech's clients only, and to the tenant's partner staff only.
    let initech = json!({"title": "Initech: new contact", "body": "Olga is your contact.", "display": ["banner"],
        "audience": "organization", "org_id": w.initech_id});
    assert_eq!(w.post(&acme, &p.pat, initech).await.status, StatusCode::CREATED);
    let staff = json!({"title": "Team: rota", "body": "New rota.", "display": ["modal"], "audience": "tenant", "roles": ["partner_staff"]});
    assert_eq!(w.post(&acme, &p.pat, staff).await.status, StatusCode::CREATED);
    assert_eq!(titles(&live(&w, &p.olga).await), ["Initech: new contact"]);
    assert!(live(&w, &p.dana).await.is_empty(), "Globex's client sees neither");
    assert_eq!(titles(&live(&w, &p.sam).await), ["Team: rota"]);

    // Scheduled: not live, nothing sent, until the sweep starts it (once).
    let later = json!({"title": "Invoices move", "body": "New billing address.", "display": ["banner", "notification"],
        "audience": "tenant", "starts_at": at(&w, 60)});
    let made = w.post(&acme, &p.pat, later).await;
    assert_eq!((made.status, made.body["state"].as_str()), (StatusCode::CREATED, Some("scheduled")), "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_owned();
    assert_eq!(
        w.post(&format!("/api/v1/announcements/{id}/read"), &p.dana, json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(kt_app::announcements::sweep(w.state()).await.expect("sweep"), 0);
    w.settle().await;
    assert!(live(&w, &p.dana).await.is_empty());
    assert!(!w.notification_titles(&p.dana).await.contains(&"Invoices move".to_owned()));
    w.clock.advance(time::Duration::minutes(61));
    assert_eq!(kt_app::announcements::sweep(w.state()).await.expect("sweep"), 1);
    assert_eq!(kt_app::announcements::sweep(w.state()).await.expect("sweep"), 0, "each once");
    w.settle().await;
    assert_eq!(titles(&live(&w, &p.dana).await), ["Invoices move"]);
    let heard = w.notification_titles(&p.dana).await;
    assert_eq!(heard.iter().filter(|t| *t == "Invoices move").count(), 1, "{heard:?}");
    assert!(w.mails_to("dana@globex.test").await.iter().all(|m| !m.contains("Invoices move")), "no email chosen");

    // The house announces to everyone; partners see it live but not among their own.
    let all = json!({"title": "New portal features", "body": "Messaging is here.", "display": ["banner"], "audience": "everyone"});
    assert_eq!(w.post(&acme, &p.avery, all.clone()).await.fields(), ["scope"], "everyone only from the house");
    assert_eq!(w.post(&house, &p.staff, all.clone()).await.status, StatusCode::FORBIDDEN, "staff do not announce");
    assert_eq!(w.post(&house, &p.avery, all).await.status, StatusCode::CREATED);
    for who in [&p.dana, &p.pat, &p.drew, &p.staff] {
        assert!(titles(&live(&w, who).await).contains(&"New portal features".to_owned()));
    }
    let own: Vec<String> = titles(w.get(&acme, &p.pat).await.body["items"].as_array().expect("items"));
    assert!(!own.contains(&"New portal features".to_owned()), "{own:?}");
    assert_eq!(w.get(&acme, &p.avery).await.status, StatusCode::OK, "super admins manage any tenant's");
}

#[tokio::test]
async fn an_announcement_to_everyone_reaches_every_tenant_s_people_a_page_at_a_time() {
    use kt_app::identity::accounts::{NewUser, create_user};
    use kt_domain::identity::{OrgId, Role, TenantId};

    let w = world().await;
    let p = people(&w).await;
    let app = w.state();
    let acme =
        kt_app::identity::tenancy::get(app, &TenantId::try_from(w.acme_id.clone()).expect("id")).await.expect("acme");
    // More people than one page holds.
    let extra = kt_app::announcements::delivery::PAGE as usize + 30;
    for i in 0..extra {
        let who = NewUser {
            email: format!("reader{i}@globex.test"),
            name: format!("Reader {i}"),
            role: Role::Client,
            password: None,
            orgs: vec![OrgId::try_from(w.globex_id.clone()).expect("org")],
        };
        create_user(app, None, &acme, who, &Default::default()).await.expect("user");
    }
    let mut everyone = 0;
    let mut tenants_cursor = None;
    loop {
        let (page, next) = kt_store::tenants::list(app.store.as_ref(), 50, tenants_cursor).await.expect("tenants");
        for t in page {
            let mut cursor = None;
            loop {
                let (users, more) =
                    kt_store::accounts::list_users(app.store.as_ref(), &t.id, 100, cursor).await.expect("users");
                everyone += users.iter().filter(|u| u.status == kt_domain::tenancy::UserStatus::Active).count();
                cursor = more;
                if cursor.is_none() {
                    break;
                }
            }
        }
        tenants_cursor = next;
        if tenants_cursor.is_none() {
            break;
        }
    }

    let all = json!({"title": "Scheduled downtime", "body": "Sunday 02:00 UTC.", "display": ["notification"], "audience": "everyone"});
    let made = w.post(&tenant_path(&w.house_id), &p.avery, all).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_owned();
    w.settle().await;
    let sheet = w.get(&format!("{}/{id}", tenant_path(&w.house_id)), &p.avery).await;
    assert_eq!(sheet.body["reached"].as_u64(), Some(everyone as u64 - 1), "everyone but its author, once");
    for who in [&p.drew, &p.dana, &p.pat] {
        let heard = w.notification_titles(who).await;
        assert_eq!(heard.iter().filter(|t| *t == "Scheduled downtime").count(), 1, "{heard:?}");
    }
}
