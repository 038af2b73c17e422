//! Ticket history for the dashboards' charts over HTTP: a ticket filed, answered, resolved and
//! rated shows on its days for the tenant and across tenants; each tenant sees its own;
//! clients and other tenants see nothing; malformed, reversed, overlong and misspelt queries
//! are refused with the parameter named.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn day<'a>(h: &'a Value, date: &str) -> &'a Value {
    h["days"].as_array().expect("days").iter().find(|d| d["date"] == date).expect("the day")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_filed_answered_resolved_and_rated_shows_in_the_history() {
    let w = world().await;
    let p = people(&w).await;
    let (d, tenant_url) = (today(), format!("/api/v1/tenants/{}/reports/tickets", w.acme_id));
    let q = |from: &str, to: &str| format!("{tenant_url}?from={from}&to={to}");

    let before = w.get(&q(&d, &d), &p.pat).await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(day(&before.body, &d)["created"], 0);

    let t = w.file(&p.dana, "Checkout slow", "high").await;
    w.file(&p.dana, "Logo blurry", "low").await;
    let url = w.ticket(t["id"].as_str().expect("id"));
    assert_eq!(
        w.post(&format!("{url}/messages"), &p.staff, json!({"body": "Looking now"})).await.status,
        StatusCode::CREATED
    );
    let r = w.send("PATCH", &url, &p.pat, Some(json!({"status": "resolved"})), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rated = w.send("PUT", &format!("{url}/satisfaction"), &p.dana, Some(json!({"rating": 4})), &[]).await;
    assert_eq!(rated.status, StatusCode::OK, "{}", rated.body);

    let h = w.get(&q("2026-01-01", &d), &p.pat).await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.body);
    let days = h.body["days"].as_array().expect("days");
    assert_eq!(days.first().map(|x| x["date"].clone()), Some(json!("2026-01-01")), "every day, oldest first");
    assert_eq!(days.last().map(|x| x["date"].clone()), Some(json!(d.clone())));
    let today_row = day(&h.body, &d);
    let figures =
        ["created", "resolved", "first_met", "resolution_met", "ratings", "rating_sum"].map(|k| today_row[k].as_i64());
    assert_eq!(figures, [Some(2), Some(1), Some(1), Some(1), Some(1), Some(4)], "{today_row}");
    let buckets = h.body["first_response"].as_array().expect("buckets");
    assert_eq!(buckets.len(), 7);
    assert_eq!((buckets[0]["label"].as_str(), buckets[0]["count"].as_i64()), (Some("15 min"), Some(1)));
    assert!(buckets[6]["upto_minutes"].is_null());

    // House staff read every tenant's together; the partner's own figures are in them.
    let all = w.get(&format!("/api/v1/reports/tickets?from={d}&to={d}"), &p.staff).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(day(&all.body, &d)["created"].as_i64() >= Some(2));

    // Tenant isolation: the house's history is not the partner's to read, nor the platform's,
    // and clients read no reports at all.
    let house = format!("/api/v1/tenants/{}/reports/tickets?from={d}&to={d}", w.house_id);
    assert_eq!(w.get(&house, &p.pat).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&format!("/api/v1/reports/tickets?from={d}&to={d}"), &p.pat).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.get(&q(&d, &d), &p.dana).await.status, StatusCode::NOT_FOUND, "clients read no reports");
    assert_eq!(w.get(&house, &p.drew).await.status, StatusCode::NOT_FOUND, "not even their own tenant's");
    let drew_acme = w.get(&q(&d, &d), &p.drew).await.status;
    assert_eq!(drew_acme, StatusCode::NOT_FOUND, "another tenant's client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_ranges_are_refused_with_the_parameter_named() {
    let w = world().await;
    let p = people(&w).await;
    let base = format!("/api/v1/tenants/{}/reports/tickets", w.acme_id);
    let cases = [
        ("?from=yesterday&to=2026-12-01", StatusCode::UNPROCESSABLE_ENTITY, "from"),
        ("?from=2026-12-01&to=2026-13-01", StatusCode::UNPROCESSABLE_ENTITY, "to"),
        ("?from=2026-12-02&to=2026-12-01", StatusCode::UNPROCESSABLE_ENTITY, "to"),
        ("?from=2025-01-01&to=2026-12-01", StatusCode::UNPROCESSABLE_ENTITY, "to"),
        ("?to=2026-12-01", StatusCode::BAD_REQUEST, "from"),
        ("?from=2026-12-01&to=2026-12-01&tenant=x", StatusCode::BAD_REQUEST, "tenant"),
    ];
    for (query, status, field) in cases {
        let r = w.get(&format!("{base}{query}"), &p.pat).await;
        assert_eq!((r.status, r.body["errors"][0]["field"].as_str()), (status, Some(field)), "{query}: {}", r.body);
        assert_eq!(r.body["status"].as_u64(), Some(status.as_u16() as u64), "problem+json");
    }
}
