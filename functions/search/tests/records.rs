//! Invoices, quotes, projects and service requests in global search, over HTTP: each person
//! finds exactly the records they may open (a draft invoice only by its issuers, a sent one
//! also by the billed organization, never by partner staff; a quote once sent; a project and a
//! request by those who see their organization), a partner finds what Kre8ivTech bills it, the
//! filters read their statuses, and a rebuild finds the same.

use axum::http::StatusCode;
use kt_test_support::{Browser, Reply, World, people};
use serde_json::json;

async fn world() -> World {
    let routes = kt_fn_tickets::router().merge(kt_fn_invoices::router()).merge(kt_fn_search::router());
    kt_test_support::world(routes).await
}

async fn kinds_found(w: &World, who: &Browser, tenant: &str, q: &str) -> Vec<String> {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let r: Reply = w.get(&format!("/api/v1/tenants/{tenant}/search?q={q}"), who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut v: Vec<String> = r.body["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| format!("{}:{}", h["kind"].as_str().expect("kind"), h["status"].as_str().unwrap_or("-")))
        .collect();
    v.sort();
    v
}

fn created(r: &Reply) -> (String, String) {
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    (r.body["id"].as_str().expect("id").to_owned(), r.etag.clone().unwrap_or_default())
}

#[tokio::test]
async fn each_person_finds_exactly_the_records_they_may_open() {
    let w = world().await;
    let p = people(&w).await;
    let acme = w.acme_id.clone();
    let invoices = format!("/api/v1/tenants/{acme}/invoices");
    let line = |d: &str| json!([{"description": d, "quantity": "1", "unit_price": "900"}]);

    // An invoice drafted for Globex: its issuers alone find it.
    let (inv, _) = created(
        &w.post(&invoices, &p.pat, json!({"billed": {"org_id": w.globex_id}, "lines": line("Zephyr retainer")})).await,
    );
    w.settle().await;
    assert_eq!(kinds_found(&w, &p.pat, &acme, "zephyr").await, ["invoice:draft"]);
    assert_eq!(kinds_found(&w, &p.avery, &acme, "zephyr").await, ["invoice:draft"]);
    for who in [&p.sam, &p.dana, &p.olga, &p.staff] {
        assert!(kinds_found(&w, who, &acme, "zephyr").await.is_empty(), "a draft is its issuers'");
    }
    // Sent: Globex's people find it too; partner staff and another organization never.
    let sent = w.post(&format!("{invoices}/{inv}/send"), &p.pat, json!({})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    w.settle().await;
    assert_eq!(kinds_found(&w, &p.dana, &acme, "zephyr").await, ["invoice:sent"]);
    assert_eq!(kinds_found(&w, &p.dana, &acme, "type:invoice status:sent zeph").await, ["invoice:sent"]);
    assert!(kinds_found(&w, &p.dana, &acme, "zephyr status:paid").await.is_empty());
    for who in [&p.sam, &p.olga] {
        assert!(kinds_found(&w, who, &acme, "zephyr").await.is_empty());
    }

    // A quote: nobody finds the draft; once sent, as its organization's.
    let quotes = format!("/api/v1/tenants/{acme}/quotes");
    let until = (time::OffsetDateTime::now_utc().date() + time::Duration::days(30)).to_string();
    let q = json!({"org_id": w.globex_id, "title": "Quasar storefront", "valid_until": until,
        "items": [{"description": "Design and build", "quantity": "1", "unit_price": "1000.00"}]});
    let (quote, etag) = created(&w.post(&quotes, &p.pat, q).await);
    w.settle().await;
    assert!(kinds_found(&w, &p.pat, &acme, "quasar").await.is_empty(), "drafts are not indexed");
    let r = w.send("POST", &format!("{quotes}/{quote}/send"), &p.pat, None, &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    w.settle().await;
    for who in [&p.pat, &p.sam, &p.dana, &p.avery] {
        assert_eq!(kinds_found(&w, who, &acme, "quasar").await, ["quote:sent"]);
    }
    assert!(kinds_found(&w, &p.olga, &acme, "quasar").await.is_empty());

    // A project for Globex; a request Olga makes for Initech.
    let projects = format!("/api/v1/tenants/{acme}/projects");
    let body = json!({"org_id": w.globex_id, "name": "Nebula relaunch", "status": "active", "milestones": [{"title": "Kickoff workshop"}]});
    created(&w.post(&projects, &p.pat, body).await);
    let requests = format!("/api/v1/tenants/{acme}/service-requests");
    let ask = json!({"service_type": "maintenance", "org_id": w.initech_id, "title": "Plugin updates for Orion"});
    created(&w.post(&requests, &p.olga, ask).await);
    w.settle().await;
    assert_eq!(kinds_found(&w, &p.dana, &acme, "kickoff").await, ["project:active"], "a milestone is found");
    assert!(kinds_found(&w, &p.olga, &acme, "nebula").await.is_empty());
    assert_eq!(kinds_found(&w, &p.sam, &acme, "orion").await, ["request:submitted"]);
    assert_eq!(kinds_found(&w, &p.olga, &acme, "orion type:request").await, ["request:submitted"]);
    assert!(kinds_found(&w, &p.dana, &acme, "orion").await.is_empty());
    assert!(kinds_found(&w, &p.drew, &w.house_id, "orion").await.is_empty(), "another tenant");

    // A rebuild finds the same.
    kt_app::search::reindex::rebuild(w.state()).await.expect("rebuild");
    assert_eq!(kinds_found(&w, &p.dana, &acme, "zephyr").await, ["invoice:sent"]);
    assert_eq!(kinds_found(&w, &p.dana, &acme, "quasar").await, ["quote:sent"]);
    assert_eq!(kinds_found(&w, &p.olga, &acme, "orion").await, ["request:submitted"]);
    assert!(kinds_found(&w, &p.pat, &acme, "quasar zephyr").await.is_empty());
}

#[tokio::test]
async fn a_partner_finds_what_kre8ivtech_bills_it_and_its_staff_do_not() {
    let w = world().await;
    let p = people(&w).await;
    let house_invoices = format!("/api/v1/tenants/{}/invoices", w.house_id);
    let body = json!({"billed": {"partner_id": w.acme_id}, "lines": [{"description": "Platform fee Vortex", "quantity": "1", "unit_price": "99"}]});
    let r = w.post(&house_invoices, &p.avery, body).await;
    let (inv, _) = created(&r);
    assert_eq!(w.post(&format!("{house_invoices}/{inv}/send"), &p.avery, json!({})).await.status, StatusCode::OK);
    w.settle().await;
    let q = "vortex";
    let r = w.get(&format!("/api/v1/tenants/{}/search?q={q}", w.acme_id), &p.pat).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let hits = r.body["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 1, "{}", r.body);
    assert_eq!((hits[0]["kind"].as_str(), hits[0]["tenant_id"].as_str()), (Some("invoice"), Some(w.house_id.as_str())));
    assert!(kinds_found(&w, &p.sam, &w.acme_id, q).await.is_empty(), "partner staff are not billed");
    assert!(kinds_found(&w, &p.dana, &w.acme_id, q).await.is_empty());
    assert!(kinds_found(&w, &p.drew, &w.house_id, q).await.is_empty(), "another party");
    assert_eq!(kinds_found(&w, &p.avery, &w.house_id, q).await, ["invoice:sent"]);
}
