//! Forms, submissions and files in global search, over HTTP: a form is found by everyone once
//! published (its editors find drafts); a submission by its submitter, its tenant's partner and
//! Kre8ivTech's staff, never by partner staff or another client; a ticket's file by name, by
//! whoever sees the ticket.

use axum::http::StatusCode;
use kt_test_support::{Browser, World, people};
use serde_json::json;

async fn world() -> World {
    kt_test_support::world(kt_fn_tickets::router().merge(kt_fn_search::router())).await
}

async fn kinds_found(w: &World, who: &Browser, q: &str) -> Vec<String> {
    let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
    let r = w.get(&format!("/api/v1/tenants/{}/search?q={q}", w.acme_id), who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mut v: Vec<String> =
        r.body["hits"].as_array().expect("hits").iter().map(|h| h["kind"].as_str().expect("kind").to_owned()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn forms_and_submissions_are_found_by_exactly_their_readers() {
    let w = world().await;
    let p = people(&w).await;
    let document = json!({"pages": [{"key": "p", "fields": [{"key": "company", "type": "text", "label": "Company"}]}]});
    let made = w.post("/api/v1/forms", &p.staff, json!({"name": "Quokka onboarding", "document": document})).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let form = made.body["id"].as_str().expect("id").to_owned();
    w.settle().await;
    // Kre8ivTech's staff search any tenant's portal.
    assert_eq!(kinds_found(&w, &p.staff, "quokka").await, ["form"], "its editors find the draft");
    assert!(kinds_found(&w, &p.dana, "quokka").await.is_empty(), "a draft is its editors'");
    let published = w.post(&format!("/api/v1/forms/{form}/publish"), &p.staff, json!(null)).await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    w.settle().await;
    assert_eq!(kinds_found(&w, &p.dana, "quokka type:form").await, ["form"]);

    let sent = w
        .post(&format!("/api/v1/forms/{form}/submissions"), &p.dana, json!({"answers": {"company": "Wombatworks"}}))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    w.settle().await;
    for who in [&p.dana, &p.pat, &p.staff, &p.avery] {
        assert_eq!(kinds_found(&w, who, "wombatworks").await, ["submission"]);
    }
    for who in [&p.sam, &p.olga] {
        assert!(kinds_found(&w, who, "wombatworks").await.is_empty(), "not theirs to read");
    }
    // A rebuild finds the same.
    kt_app::search::reindex::rebuild(w.state()).await.expect("rebuild");
    assert_eq!(kinds_found(&w, &p.pat, "wombatworks").await, ["submission"]);
    assert_eq!(kinds_found(&w, &p.dana, "quokka").await, ["form", "submission"], "her answers name the form");
    assert!(kinds_found(&w, &p.olga, "wombatworks").await.is_empty());
}

#[tokio::test]
async fn a_tickets_files_are_found_by_name_by_those_who_see_the_ticket() {
    let w = world().await;
    let p = people(&w).await;
    let filed = w
        .post(
            &format!("/api/v1/tenants/{}/tickets", w.acme_id),
            &p.dana,
            json!({"subject": "Layout breaks", "description": "See the plan.", "priority": "high", "category": "bug_report"}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.body);
    let url = format!("/api/v1/tenants/{}/tickets/{}/attachments", w.acme_id, filed.body["id"].as_str().expect("id"));
    let bytes: &'static [u8] = b"%PDF-1.4 plan";
    let started = w
        .post(
            &url,
            &p.dana,
            json!({"filename": "floorplan-xq7.pdf", "content_type": "application/pdf", "size": bytes.len()}),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    w.settle().await;
    assert!(kinds_found(&w, &p.dana, "floorplan").await.is_empty(), "not found before it is confirmed");
    let id = started.body["attachment"]["id"].as_str().expect("id");
    w.upload(started.body["upload"]["url"].as_str().expect("url"), "application/pdf", bytes).await;
    assert_eq!(w.post(&format!("{url}/{id}/complete"), &p.dana, json!({})).await.status, StatusCode::OK);
    w.settle().await;
    for who in [&p.dana, &p.pat, &p.sam] {
        assert_eq!(kinds_found(&w, who, "floorplan type:file").await, ["file"]);
    }
    assert!(kinds_found(&w, &p.olga, "floorplan").await.is_empty(), "another organization");
}
