//! The invoices API over HTTP, in-process on the seeded demo: drafting, sending with the
//! tenant's numbers, what the billed party sees, payments, terms, and who may do what.

use axum::http::StatusCode;
use kt_test_support::{Browser, People, Reply, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router()).await
}

fn invoices(tenant: &str) -> String {
    format!("/api/v1/tenants/{tenant}/invoices")
}

fn invoice(tenant: &str, id: &str) -> String {
    format!("/api/v1/tenants/{tenant}/invoices/{id}")
}

fn settings(tenant: &str) -> String {
    format!("/api/v1/tenants/{tenant}/billing/settings")
}

/// Gives Acme a 19 % VAT rate; returns its id.
async fn vat(w: &World, p: &People) -> String {
    let r = w.patch(&settings(&w.acme_id), &p.pat, json!({"tax_rates": [{"name": "VAT", "percent": "19"}]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["tax_rates"][0]["id"].as_str().expect("rate id").to_owned()
}

fn two_lines(org: &str, vat: &str) -> Value {
    json!({
        "billed": {"org_id": org},
        "currency": "EUR",
        "lines": [
            {"description": "Design", "quantity": "2.5", "unit_price": "80.00", "tax_rate_ids": [vat]},
            {"description": "Hosting", "quantity": "1", "unit_price": "19.99", "tax_rate_ids": [vat]}
        ],
        "notes": "Thank you!"
    })
}

async fn draft(w: &World, who: &Browser, tenant: &str, body: Value) -> Value {
    let r = w.post(&invoices(tenant), who, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.body
}

async fn send(w: &World, who: &Browser, tenant: &str, id: &str) -> Reply {
    w.post(&format!("{}/send", invoice(tenant, id)), who, json!({})).await
}

fn ids(r: &Reply) -> Vec<String> {
    r.body["items"].as_array().expect("items").iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect()
}

#[tokio::test]
async fn a_draft_is_sent_viewed_and_paid() {
    let w = world().await;
    let p = people(&w).await;
    let vat = vat(&w, &p).await;
    let d = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let id = d["id"].as_str().expect("id").to_owned();
    assert_eq!(d["status"], "draft");
    assert_eq!(d["number"], Value::Null, "drafts have no number");
    // 2.5 × 80.00 + 19.99 = 219.99; VAT per line 38.00 + 3.80 (3.7981 rounded half away from zero).
    assert_eq!(d["subtotal"], "219.99");
    assert_eq!(d["taxes"][0]["amount"], "41.80");
    assert_eq!(d["total"], "261.79");
    assert_eq!(d["lines"][1]["taxes"][0]["amount"], "3.80");
    assert_eq!(d["billed"]["name"], "Globex");

    // The client sees no drafts.
    assert_eq!(w.get(&invoice(&w.acme_id, &id), &p.dana).await.status, StatusCode::NOT_FOUND);
    assert!(ids(&w.get(&invoices(&w.acme_id), &p.dana).await).is_empty());

    let sent = send(&w, &p.pat, &w.acme_id, &id).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let today = w.state().clock.now().date();
    assert_eq!(sent.body["number"], format!("INV-{}-0001", today.year()));
    assert_eq!(sent.body["status"], "sent");
    assert_eq!(sent.body["issued_on"], today.to_string());
    assert_eq!(sent.body["due_on"], (today + time::Duration::days(30)).to_string(), "Net 30 by default");
    assert_eq!(sent.body["terms"]["name"], "Net 30");

    // The billed client's first look marks it viewed; the issuer sees that.
    let seen = w.get(&invoice(&w.acme_id, &id), &p.dana).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.body["status"], "viewed");
    assert_eq!(seen.body["side"], "billed");
    let issuer = w.get(&invoice(&w.acme_id, &id), &p.pat).await;
    assert_eq!(issuer.body["status"], "viewed");
    assert!(issuer.body["viewed_at"].is_string());
    assert_eq!(ids(&w.get(&invoices(&w.acme_id), &p.dana).await), [id.clone()]);
    // Another organization's client sees nothing of it.
    assert_eq!(w.get(&invoice(&w.acme_id, &id), &p.olga).await.status, StatusCode::NOT_FOUND);
    assert!(ids(&w.get(&invoices(&w.acme_id), &p.olga).await).is_empty());

    let pay = |amount: &str| json!({"amount": amount, "method": "bank_transfer", "reference": "Wire 1"});
    let payments = format!("{}/payments", invoice(&w.acme_id, &id));
    let too_much = w.post(&payments, &p.pat, pay("300.00")).await;
    assert_eq!(too_much.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(too_much.fields(), ["amount"]);
    assert_eq!(w.post(&payments, &p.dana, pay("10.00")).await.status, StatusCode::FORBIDDEN, "clients do not record");
    let part = w.post(&payments, &p.pat, pay("100.00")).await;
    assert_eq!(part.status, StatusCode::CREATED, "{}", part.body);
    assert_eq!(part.body["invoice"]["status"], "partial");
    assert_eq!(part.body["invoice"]["balance"], "161.79");
    let rest = w.post(&payments, &p.pat, pay("161.79")).await;
    assert_eq!(rest.body["invoice"]["status"], "paid");
    assert_eq!(rest.body["invoice"]["balance"], "0.00");
    let ledger = w.get(&payments, &p.dana).await;
    assert_eq!(ledger.body["items"].as_array().map(Vec::len), Some(2), "{}", ledger.body);
    assert_eq!(ledger.body["items"][0]["method"], "bank_transfer");

    // Paid: not voided, takes no more payments.
    let void = w.post(&format!("{}/void", invoice(&w.acme_id, &id)), &p.pat, json!({"reason": "oops"})).await;
    assert_eq!(void.status, StatusCode::CONFLICT);
    assert_eq!(w.post(&payments, &p.pat, pay("1.00")).await.status, StatusCode::CONFLICT);

    let totals = w.get(&format!("{}/totals", invoices(&w.acme_id)), &p.pat).await;
    assert_eq!(totals.status, StatusCode::OK);
    let paid: Vec<&Value> =
        totals.body["totals"].as_array().expect("totals").iter().filter(|t| t["status"] == "paid").collect();
    assert_eq!(paid.len(), 1, "{}", totals.body);
    assert_eq!(paid[0]["count"], 1);
    assert_eq!(paid[0]["amount"], "261.79");
    assert!(totals.body["totals"].as_array().expect("t").iter().all(|t| t["status"] == "paid"), "nothing else counted");
}

#[tokio::test]
async fn drafts_change_under_if_match_and_sent_invoices_do_not() {
    let w = world().await;
    let p = people(&w).await;
    let vat = vat(&w, &p).await;
    let d = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let id = d["id"].as_str().expect("id");
    let path = invoice(&w.acme_id, id);
    let first = w.get(&path, &p.pat).await;
    let etag = first.etag.clone().expect("etag");
    let edit = json!({"discount": {"kind": "percent", "value": "10"}, "lines": [{"description": "Design", "quantity": "1", "unit_price": "100"}]});
    let r = w.send("PATCH", &path, &p.pat, Some(edit.clone()), &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["total"], "90.00");
    assert_eq!(r.body["discount_total"], "10.00");
    let stale = w.send("PATCH", &path, &p.pat, Some(edit), &[("if-match", &etag)]).await;
    assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
    let removed = w.patch(&path, &p.pat, json!({"discount": null})).await;
    assert_eq!(removed.body["total"], "100.00");

    assert_eq!(send(&w, &p.pat, &w.acme_id, id).await.status, StatusCode::OK);
    assert_eq!(send(&w, &p.pat, &w.acme_id, id).await.status, StatusCode::CONFLICT, "sent once");
    let late = w.patch(&path, &p.pat, json!({"notes": "changed"})).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "a sent invoice is not edited");
    assert_eq!(w.delete(&path, &p.pat).await.status, StatusCode::CONFLICT, "nor thrown away");
    let void = w.post(&format!("{path}/void"), &p.pat, json!({"reason": "Billed twice by mistake"})).await;
    assert_eq!(void.status, StatusCode::OK, "{}", void.body);
    assert_eq!(void.body["status"], "void");
    assert_eq!(void.body["void_reason"], "Billed twice by mistake");
    assert_eq!(void.body["number"], format!("INV-{}-0001", w.state().clock.now().date().year()), "keeps its number");

    // A discarded draft leaves nothing behind, and no gap in the numbers.
    let d2 = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let d2_path = invoice(&w.acme_id, d2["id"].as_str().expect("id"));
    assert_eq!(w.delete(&d2_path, &p.pat).await.status, StatusCode::NO_CONTENT);
    assert_eq!(w.get(&d2_path, &p.pat).await.status, StatusCode::NOT_FOUND);
    let d3 = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let s3 = send(&w, &p.pat, &w.acme_id, d3["id"].as_str().expect("id")).await;
    assert_eq!(s3.body["number"], format!("INV-{}-0002", w.state().clock.now().date().year()));
    let totals = w.get(&format!("{}/totals", invoices(&w.acme_id)), &p.pat).await;
    let statuses: Vec<&str> =
        totals.body["totals"].as_array().expect("t").iter().filter_map(|t| t["status"].as_str()).collect();
    assert!(!statuses.contains(&"draft"), "the discarded draft is not counted: {}", totals.body);
}

#[tokio::test]
async fn bad_input_names_every_field_and_writes_nothing() {
    let w = world().await;
    let p = people(&w).await;
    let vat = vat(&w, &p).await;
    let body = json!({
        "billed": {"org_id": w.globex_id},
        "currency": "EUR",
        "lines": [
            {"description": "", "quantity": "0", "unit_price": "12.345", "tax_rate_ids": [vat, "nope"]},
            {"description": "Fine", "quantity": "1e3", "unit_price": "-1", "discount": {"kind": "percent", "value": "120"}}
        ],
        "discount": {"kind": "fixed", "value": "-5"}
    });
    let r = w.post(&invoices(&w.acme_id), &p.pat, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.fields(),
        [
            "lines[0].description",
            "lines[0].quantity",
            "lines[0].unit_price",
            "lines[0].tax_rate_ids[1]",
            "lines[1].quantity",
            "lines[1].unit_price",
            "lines[1].discount.value",
            "discount.value"
        ]
    );
    let unknown = w
        .post(&invoices(&w.acme_id), &p.pat, json!({"billed": {"org_id": w.globex_id}, "lines": [], "colour": "red"}))
        .await;
    assert!(unknown.status.is_client_error(), "unknown fields are refused");
    assert!(unknown.body.to_string().contains("colour"), "{}", unknown.body);
    let currency = w.post(&invoices(&w.acme_id), &p.pat, json!({"billed": {"org_id": w.globex_id}, "currency": "XYZ", "lines": [{"description": "a", "quantity": "1", "unit_price": "1"}]})).await;
    assert_eq!(currency.fields(), ["currency"]);
    let nobody = w.post(&invoices(&w.acme_id), &p.pat, json!({"billed": {"org_id": w.direct_id}, "lines": [{"description": "a", "quantity": "1", "unit_price": "1"}]})).await;
    assert_eq!(nobody.fields(), ["billed.org_id"], "another tenant's organization is not billed here");
    let partner = w.post(&invoices(&w.acme_id), &p.pat, json!({"billed": {"partner_id": w.acme_id}, "lines": [{"description": "a", "quantity": "1", "unit_price": "1"}]})).await;
    assert_eq!(partner.fields(), ["billed.partner_id"], "only Kre8ivTech bills partners");
    let query = w.get(&format!("{}?colour=red", invoices(&w.acme_id)), &p.pat).await;
    assert_eq!(query.status, StatusCode::BAD_REQUEST, "{}", query.body);
    let status = w.get(&format!("{}?status=lost", invoices(&w.acme_id)), &p.pat).await;
    assert!(status.status.is_client_error());
    assert!(ids(&w.get(&invoices(&w.acme_id), &p.pat).await).is_empty(), "nothing was written");
    let totals = w.get(&format!("{}/totals", invoices(&w.acme_id)), &p.pat).await;
    assert_eq!(totals.body["totals"], json!([]));
    let settings_bad = w
        .patch(
            &settings(&w.acme_id),
            &p.pat,
            json!({"number_format": "INV", "reminders": [500], "tax_rates": [{"name": "", "percent": "200"}]}),
        )
        .await;
    assert_eq!(settings_bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(settings_bad.fields(), ["number_format", "tax_rates[0].name", "tax_rates[0].percent", "reminders[0]"]);
}

#[tokio::test]
async fn retries_with_an_idempotency_key_draft_once() {
    let w = world().await;
    let p = people(&w).await;
    let vat = vat(&w, &p).await;
    let body = two_lines(&w.globex_id, &vat);
    let key = [("idempotency-key", "draft-1")];
    let a = w.send("POST", &invoices(&w.acme_id), &p.pat, Some(body.clone()), &key).await;
    let b = w.send("POST", &invoices(&w.acme_id), &p.pat, Some(body.clone()), &key).await;
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(a.body["id"], b.body["id"]);
    assert_eq!(ids(&w.get(&invoices(&w.acme_id), &p.pat).await).len(), 1);
    let mut other = body;
    other["notes"] = json!("another body");
    let c = w.send("POST", &invoices(&w.acme_id), &p.pat, Some(other), &key).await;
    assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn terms_apply_from_the_organization_then_the_tenant_then_the_platform() {
    let w = world().await;
    let p = people(&w).await;
    let vat = vat(&w, &p).await;
    // Partners do not configure payment terms; super admins do.
    let net15 = json!({"name": "Net 15", "due_days": 15});
    let r = w.patch(&settings(&w.acme_id), &p.pat, json!({"terms": net15})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w.patch(&settings(&w.acme_id), &p.avery, json!({"terms": net15})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let globex_terms = format!("/api/v1/tenants/{}/billing/terms/orgs/{}", w.acme_id, w.globex_id);
    let two_ten = json!({"name": "2/10 net 45", "due_days": 45, "early_discount": {"percent": "2", "days": 10}});
    assert_eq!(w.send("PUT", &globex_terms, &p.pat, Some(two_ten.clone()), &[]).await.status, StatusCode::FORBIDDEN);
    let bad = w.send("PUT", &globex_terms, &p.avery, Some(json!({"name": "", "due_days": 400})), &[]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.fields().contains(&"due_days".to_owned()), "{}", bad.body);
    assert_eq!(w.send("PUT", &globex_terms, &p.avery, Some(two_ten), &[]).await.status, StatusCode::NO_CONTENT);
    let listed = w.get(&format!("/api/v1/tenants/{}/billing/terms", w.acme_id), &p.pat).await;
    assert_eq!(listed.body["items"][0]["id"], w.globex_id.as_str());

    let today = w.state().clock.now().date();
    let g = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let g = send(&w, &p.pat, &w.acme_id, g["id"].as_str().expect("id")).await.body;
    assert_eq!(g["terms"]["name"], "2/10 net 45");
    assert_eq!(g["due_on"], (today + time::Duration::days(45)).to_string());
    assert_eq!(g["early_discount"]["deadline"], (today + time::Duration::days(10)).to_string());
    assert_eq!(g["early_discount"]["amount"], "5.24", "2 % of 261.79");
    let i = draft(&w, &p.pat, &w.acme_id, two_lines(&w.initech_id, &vat)).await;
    let i = send(&w, &p.pat, &w.acme_id, i["id"].as_str().expect("id")).await.body;
    assert_eq!(i["due_on"], (today + time::Duration::days(15)).to_string(), "the tenant's default");

    // Paid within ten days less the discount: paid in full, the discount in the ledger.
    let g_path = invoice(&w.acme_id, g["id"].as_str().expect("id"));
    let paid = w.post(&format!("{g_path}/payments"), &p.pat, json!({"amount": "256.55", "method": "ach"})).await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);
    assert_eq!(paid.body["invoice"]["status"], "paid");
    let ledger = w.get(&format!("{g_path}/payments"), &p.dana).await;
    let kinds: Vec<&str> =
        ledger.body["items"].as_array().expect("l").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["payment", "early_discount"]);
    assert_eq!(ledger.body["items"][1]["amount"], "5.24");

    // Removing Globex's own terms brings back the tenant's.
    assert_eq!(w.delete(&globex_terms, &p.avery).await.status, StatusCode::NO_CONTENT);
    let g2 = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let g2 = send(&w, &p.pat, &w.acme_id, g2["id"].as_str().expect("id")).await.body;
    assert_eq!(g2["terms"]["name"], "Net 15");
}

#[tokio::test]
async fn kre8ivtech_bills_partners_and_staff_draft_but_list_nothing() {
    let w = world().await;
    let p = people(&w).await;
    let line = json!([{"description": "White-label seats, December", "quantity": "12", "unit_price": "25.00"}]);
    // Staff draft for Kre8ivTech, see their own drafts, list nothing.
    let s = draft(&w, &p.staff, &w.house_id, json!({"billed": {"org_id": w.direct_id}, "lines": line})).await;
    assert_eq!(s["currency"], "USD", "the tenant's default currency");
    let s_path = invoice(&w.house_id, s["id"].as_str().expect("id"));
    assert_eq!(w.get(&s_path, &p.staff).await.status, StatusCode::OK);
    assert_eq!(w.get(&invoices(&w.house_id), &p.staff).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&format!("{}/totals", invoices(&w.house_id)), &p.staff).await.status, StatusCode::FORBIDDEN);
    // Nor do they issue a partner's invoices.
    let vat = vat(&w, &p).await;
    assert_eq!(
        w.post(&invoices(&w.acme_id), &p.staff, two_lines(&w.globex_id, &vat)).await.status,
        StatusCode::FORBIDDEN
    );

    // The super admin bills the partner; the partner reads it on Kre8ivTech's tenant.
    let a = draft(&w, &p.avery, &w.house_id, json!({"billed": {"partner_id": w.acme_id}, "lines": line})).await;
    assert_eq!(a["billed"]["kind"], "partner");
    assert_eq!(a["billed"]["name"], "Acme Agency");
    let a_id = a["id"].as_str().expect("id");
    assert_eq!(w.get(&invoice(&w.house_id, a_id), &p.pat).await.status, StatusCode::NOT_FOUND, "not while a draft");
    assert_eq!(send(&w, &p.avery, &w.house_id, a_id).await.status, StatusCode::OK);
    let bills = w.get(&invoices(&w.house_id), &p.pat).await;
    assert_eq!(ids(&bills), [a_id.to_owned()], "{}", bills.body);
    let seen = w.get(&invoice(&w.house_id, a_id), &p.pat).await;
    assert_eq!((seen.body["status"].as_str(), seen.body["side"].as_str()), (Some("viewed"), Some("billed")));
    assert_eq!(w.patch(&invoice(&w.house_id, a_id), &p.pat, json!({"notes": "x"})).await.status, StatusCode::FORBIDDEN);
    // Partner staff see none, neither their tenant's nor its bills.
    assert_eq!(w.get(&invoices(&w.acme_id), &p.sam).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&invoice(&w.house_id, a_id), &p.sam).await.status, StatusCode::NOT_FOUND);
    // The direct client sees neither the partner's bill nor the staff draft.
    assert!(ids(&w.get(&invoices(&w.house_id), &p.drew).await).is_empty());
    assert_eq!(w.get(&invoice(&w.house_id, a_id), &p.drew).await.status, StatusCode::NOT_FOUND);
    // The super admin lists everything of every tenant.
    assert_eq!(ids(&w.get(&invoices(&w.house_id), &p.avery).await).len(), 2);
}

/// Every route, asked by someone of another tenant: 404, and nothing changes.
#[tokio::test]
async fn other_tenants_see_nothing_on_any_route() {
    let w = world().await;
    let p = people(&w).await;
    let vat = vat(&w, &p).await;
    let d = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let id = d["id"].as_str().expect("id").to_owned();
    let sent = draft(&w, &p.pat, &w.acme_id, two_lines(&w.globex_id, &vat)).await;
    let sent_id = sent["id"].as_str().expect("id").to_owned();
    assert_eq!(send(&w, &p.pat, &w.acme_id, &sent_id).await.status, StatusCode::OK);
    let t = &w.acme_id;
    let routes: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", invoices(t), None),
        ("POST", invoices(t), Some(two_lines(&w.globex_id, &vat))),
        ("GET", format!("{}/totals", invoices(t)), None),
        ("GET", invoice(t, &id), None),
        ("GET", invoice(t, &sent_id), None),
        ("PATCH", invoice(t, &id), Some(json!({"notes": "x"}))),
        ("DELETE", invoice(t, &id), None),
        ("POST", format!("{}/send", invoice(t, &id)), Some(json!({}))),
        ("POST", format!("{}/void", invoice(t, &sent_id)), Some(json!({"reason": "x"}))),
        ("GET", format!("{}/payments", invoice(t, &sent_id)), None),
        ("POST", format!("{}/payments", invoice(t, &sent_id)), Some(json!({"amount": "1", "method": "cash"}))),
        ("GET", settings(t), None),
        ("PATCH", settings(t), Some(json!({"footer": "x"}))),
        ("GET", format!("/api/v1/tenants/{t}/billing/terms"), None),
        (
            "PUT",
            format!("/api/v1/tenants/{t}/billing/terms/orgs/{}", w.globex_id),
            Some(json!({"name": "Net 5", "due_days": 5})),
        ),
        ("DELETE", format!("/api/v1/tenants/{t}/billing/terms/orgs/{}", w.globex_id), None),
    ];
    // Drew is a client of Kre8ivTech; he signed in on Kre8ivTech's host.
    for (method, path, body) in &routes {
        let r = w.send(method, path, &p.drew, body.clone(), &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path}: {}", r.body);
    }
    // Nothing changed.
    let d_now = w.get(&invoice(t, &id), &p.pat).await;
    assert_eq!((d_now.body["status"].as_str(), d_now.body["notes"].as_str()), (Some("draft"), Some("Thank you!")));
    let s_now = w.get(&invoice(t, &sent_id), &p.pat).await;
    assert_eq!(s_now.body["status"], "sent", "not viewed, not voided, not paid");
    assert_eq!(ids(&w.get(&invoices(t), &p.pat).await).len(), 2);
}

#[tokio::test]
async fn a_hundred_concurrent_sends_take_numbers_one_to_a_hundred() {
    let w = world().await;
    let p = people(&w).await;
    let line = json!([{"description": "Support", "quantity": "1", "unit_price": "10"}]);
    let mut ids = Vec::new();
    for _ in 0..100 {
        let d = draft(&w, &p.pat, &w.acme_id, json!({"billed": {"org_id": w.globex_id}, "lines": line})).await;
        ids.push(d["id"].as_str().expect("id").to_owned());
    }
    let sends = ids.iter().map(|id| send(&w, &p.pat, &w.acme_id, id));
    let replies = futures::future::join_all(sends).await;
    let mut numbers: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.body["number"].as_str().expect("number").to_owned()
        })
        .collect();
    numbers.sort();
    let year = w.state().clock.now().date().year();
    let expected: Vec<String> = (1..=100).map(|n| format!("INV-{year}-{n:04}")).collect();
    assert_eq!(numbers, expected, "gap-free, each once");
}
