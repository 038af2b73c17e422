//! Quotes over HTTP: the partner writes one for a client (required and optional items, a
//! package of alternatives), sends it; the client sees it only once sent, accepts one choice
//! with their typed name (recorded with a SHA-256 of the accepted text) and gets an invoice
//! draft of exactly what they chose, once however often they retry; expired quotes are refused;
//! revisions keep what was sent; a quote moves its service request along.

use axum::http::StatusCode;
use kt_domain::clock::Clock;
use kt_test_support::{People, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router().merge(kt_fn_tickets::router()).merge(kt_fn_notifications::router()))
        .await
}

fn quotes(w: &World) -> String {
    format!("/api/v1/tenants/{}/quotes", w.acme_id)
}

fn day(w: &World, days: i64) -> String {
    (w.clock.now().date() + time::Duration::days(days)).to_string()
}

fn website(w: &World, valid_days: i64) -> Value {
    json!({
        "org_id": w.globex_id,
        "title": "New website",
        "valid_until": day(w, valid_days),
        "items": [
            {"description": "Design and build", "quantity": "1", "unit_price": "1000.00"},
            {"description": "Hosting, a year", "quantity": "1", "unit_price": "120.00", "kind": "optional", "default": true},
            {"description": "Basic SEO", "quantity": "1", "unit_price": "300.00", "kind": "package", "group": "SEO"},
            {"description": "Full SEO", "quantity": "1", "unit_price": "900.00", "kind": "package", "group": "SEO"}
        ]
    })
}

async fn sent(w: &World, p: &People, body: Value) -> (String, kt_test_support::Reply) {
    let made = w.post(&quotes(w), &p.pat, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_owned();
    let etag = made.etag.clone().expect("etag");
    let r = w.send("POST", &format!("{}/{id}/send", quotes(w)), &p.pat, None, &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (id, r)
}

#[tokio::test]
async fn a_client_accepts_one_choice_and_gets_an_invoice_of_exactly_that() {
    let w = world().await;
    let p = people(&w).await;
    let base = quotes(&w);

    // Strict input, each fault named.
    let mut bad = website(&w, 30);
    bad["items"][1]["kind"] = json!("maybe");
    assert_eq!(w.post(&base, &p.pat, bad).await.fields(), ["items[1].kind"]);
    let mut lonely = website(&w, 30);
    lonely["items"].as_array_mut().expect("items").pop();
    assert_eq!(w.post(&base, &p.pat, lonely).await.fields(), ["items"]);
    let mut past = website(&w, -1);
    past["items"][0]["unit_price"] = json!("-5");
    assert_eq!(w.post(&base, &p.pat, past).await.fields(), ["valid_until", "items[0].unit_price"]);
    let mut empty = website(&w, 30);
    empty["request_id"] = json!("");
    assert_eq!(w.post(&base, &p.pat, empty).await.fields(), ["request_id"], "an empty id is no request");
    let mut extra = website(&w, 30);
    extra["colour"] = json!("red");
    assert_eq!(w.post(&base, &p.pat, extra).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.post(&base, &p.sam, website(&w, 30)).await.status, StatusCode::FORBIDDEN, "partner staff do not bill");
    assert_eq!(w.post(&base, &p.dana, website(&w, 30)).await.status, StatusCode::NOT_FOUND);

    // A draft is the issuer's alone.
    let made = w.post(&base, &p.pat, website(&w, 30)).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_owned();
    let one = format!("{base}/{id}");
    assert_eq!(w.get(&one, &p.dana).await.status, StatusCode::NOT_FOUND, "not sent yet");
    assert_eq!(w.get(&base, &p.dana).await.body["items"], json!([]));
    assert_eq!((made.body["total"].as_str(), made.body["status"].as_str()), (Some("1420.00"), Some("draft")));
    let etag = made.etag.clone().expect("etag");
    let sent = w.send("POST", &format!("{one}/send"), &p.pat, None, &[("if-match", &etag)]).await;
    assert_eq!(sent.body["status"], "sent", "{}", sent.body);

    // The client's choice is checked; the issuer cannot accept for them.
    let accept = |choice: Value| json!({"name": "Dana Scully", "choice": choice});
    let wrong = w.post(&format!("{one}/accept"), &p.dana, accept(json!({"optional": ["i1"], "packages": {}}))).await;
    assert_eq!(wrong.fields(), ["choice.optional[0]", "choice.packages.SEO"], "{}", wrong.body);
    let full = json!({"optional": [], "packages": {"SEO": "i4"}});
    assert_eq!(w.post(&format!("{one}/accept"), &p.pat, accept(full.clone())).await.status, StatusCode::FORBIDDEN);
    for who in [&p.sam, &p.staff] {
        let r = w.post(&format!("{one}/accept"), who, accept(full.clone())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "only the client signs: {}", r.body);
    }
    assert_eq!(w.post(&format!("{one}/accept"), &p.olga, accept(full.clone())).await.status, StatusCode::NOT_FOUND);
    let unnamed = w.post(&format!("{one}/accept"), &p.dana, json!({"name": " ", "choice": full})).await;
    assert_eq!(unnamed.fields(), ["name"]);

    let headers = [("user-agent", "Dana's browser")];
    let body = accept(full.clone());
    let done = w.send("POST", &format!("{one}/accept"), &p.dana, Some(body.clone()), &headers).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let a = &done.body["acceptance"];
    assert_eq!(
        (a["name"].as_str(), a["total"].as_str(), a["revision"].as_u64()),
        (Some("Dana Scully"), Some("1900.00"), Some(1))
    );
    assert_eq!(a["user_agent"], "Dana's browser");
    assert!(a["sha256"].as_str().is_some_and(|h| h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit())), "{a}");
    let invoice = done.body["invoice_id"].as_str().expect("an invoice").to_owned();
    let project = done.body["project_id"].as_str().expect("a project").to_owned();
    let made = w.get(&format!("/api/v1/tenants/{}/projects/{project}", w.acme_id), &p.dana).await;
    assert_eq!((made.status, made.body["name"].as_str()), (StatusCode::OK, Some("New website")), "{}", made.body);
    assert_eq!(made.body["links"]["invoice_ids"], json!([invoice]));

    // The invoice holds exactly the choice; a retry makes no second one.
    let inv = w.get(&format!("/api/v1/tenants/{}/invoices/{invoice}", w.acme_id), &p.pat).await;
    assert_eq!(inv.status, StatusCode::OK, "{}", inv.body);
    let lines: Vec<&str> =
        inv.body["lines"].as_array().expect("lines").iter().filter_map(|l| l["description"].as_str()).collect();
    assert_eq!(lines, ["Design and build", "Full SEO"]);
    assert_eq!(inv.body["total"], "1900.00");
    let again = w.send("POST", &format!("{one}/accept"), &p.dana, Some(body), &headers).await;
    assert_eq!((again.status, again.body["invoice_id"].as_str()), (StatusCode::OK, Some(invoice.as_str())));
    assert_eq!(again.body["acceptance"]["sha256"], a["sha256"], "the first acceptance stands");
    assert_eq!(w.post(&format!("{one}/decline"), &p.dana, json!({})).await.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn expired_quotes_are_refused_revisions_keep_what_was_sent_and_requests_follow() {
    let w = world().await;
    let p = people(&w).await;
    let base = quotes(&w);

    // Valid through today only: tomorrow it cannot be accepted.
    let (short, _) = sent(&w, &p, website(&w, 0)).await;
    w.clock.advance(time::Duration::days(1));
    let body = json!({"name": "Dana Scully", "choice": {"optional": [], "packages": {"SEO": "i3"}}});
    let late = w.post(&format!("{base}/{short}/accept"), &p.dana, body).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "{}", late.body);
    assert_eq!(w.get(&format!("{base}/{short}"), &p.dana).await.body["expired"], true);

    // A revision: the sent one kept, the new one a draft the client does not see yet.
    let (id, s) = sent(&w, &p, website(&w, 30)).await;
    let etag = s.etag.clone().expect("etag");
    let revised = w.send("POST", &format!("{base}/{id}/revise"), &p.pat, None, &[("if-match", &etag)]).await;
    assert_eq!((revised.body["status"].as_str(), revised.body["revision"].as_u64()), (Some("draft"), Some(2)));
    assert_eq!(w.get(&format!("{base}/{id}"), &p.dana).await.status, StatusCode::NOT_FOUND);

    // A quote for a service request moves it: quoted when sent, declined with the quote.
    let asked = w
        .post(
            &format!("/api/v1/tenants/{}/service-requests", w.acme_id),
            &p.dana,
            json!({"service_type": "maintenance", "org_id": w.globex_id, "title": "Speed it up"}),
        )
        .await;
    let request = asked.body["id"].as_str().expect("request").to_owned();
    let mut quote = website(&w, 30);
    quote["request_id"] = json!(request);
    let (qid, _) = sent(&w, &p, quote).await;
    let req = format!("/api/v1/tenants/{}/service-requests/{request}", w.acme_id);
    let r = w.get(&req, &p.dana).await;
    assert_eq!((r.body["status"].as_str(), r.body["quote_id"].as_str()), (Some("quoted"), Some(qid.as_str())));
    let declined = w.post(&format!("{base}/{qid}/decline"), &p.dana, json!({"reason": "Too much for now"})).await;
    assert_eq!(declined.body["decline_reason"], "Too much for now", "{}", declined.body);
    assert_eq!(w.get(&req, &p.dana).await.body["status"], "declined");
    w.settle().await;
}
