//! What follows a quote: its PDF in the tenant's branding (read back with poppler), the people
//! told when it is sent, accepted or declined, the reminders before it expires (once each, on a
//! clock the test moves), and the deposit option: on acceptance a deposit invoice sent at once
//! and the balance's invoice sent with its monthly plan, the two adding up to the quote.

use axum::http::StatusCode;
use kt_domain::clock::Clock;
use kt_test_support::pdf;
use kt_test_support::{Browser, People, World, people};
use rust_decimal::Decimal;
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router().merge(kt_fn_tickets::router()).merge(kt_fn_notifications::router()))
        .await
}

fn quotes(w: &World) -> String {
    format!("/api/v1/tenants/{}/quotes", w.acme_id)
}

fn quote(w: &World, valid_days: i64) -> Value {
    json!({
        "org_id": w.globex_id,
        "title": "Shop relaunch",
        "valid_until": (w.clock.now().date() + time::Duration::days(valid_days)).to_string(),
        "notes": "Content delivered by the client.",
        "items": [
            {"description": "Design and build", "quantity": "1", "unit_price": "1000.00"},
            {"description": "Product import", "quantity": "3", "unit_price": "33.33", "kind": "optional", "default": true},
            {"description": "Basic SEO", "quantity": "1", "unit_price": "300.00", "kind": "package", "group": "SEO"},
            {"description": "Full SEO", "quantity": "1", "unit_price": "900.00", "kind": "package", "group": "SEO"}
        ]
    })
}

async fn send(w: &World, p: &People, body: Value) -> String {
    let made = w.post(&quotes(w), &p.pat, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let id = made.body["id"].as_str().expect("id").to_owned();
    let etag = made.etag.clone().expect("etag");
    let r = w.send("POST", &format!("{}/{id}/send", quotes(w)), &p.pat, None, &[("if-match", &etag)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    id
}

async fn titles(w: &World, who: &Browser) -> Vec<String> {
    let r = w.get("/api/v1/notifications?limit=100", who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.body["items"].as_array().expect("items").iter().filter_map(|n| n["title"].as_str().map(str::to_owned)).collect()
}

fn amount(v: &Value) -> Decimal {
    v.as_str().expect("amount").parse().expect("decimal")
}

#[tokio::test]
async fn the_quote_pdf_is_branded_tells_what_is_chosen_and_records_the_acceptance() {
    let w = world().await;
    let p = people(&w).await;
    let id = send(&w, &p, quote(&w, 30)).await;
    let path = format!("{}/{id}/pdf", quotes(&w));
    assert_eq!(w.get(&path, &p.olga).await.status, StatusCode::NOT_FOUND, "another organization's");
    assert_eq!(w.get(&format!("{path}?x=1"), &p.dana).await.status, StatusCode::BAD_REQUEST);
    let r = w.get(&path, &p.dana).await;
    assert_eq!((r.status, r.content_type.as_deref()), (StatusCode::OK, Some("application/pdf")), "{}", r.body);
    assert!(r.raw.starts_with(b"%PDF-"));
    if let Some(back) = pdf::read(&r.raw, "quote-sent") {
        let flat = back.flat();
        for want in
            ["Quote", "Acme", "PREPARED FOR", "Globex", "Shop relaunch", "Design and build", "Full SEO", "NOTES"]
        {
            assert!(flat.contains(want), "{want:?} missing from:\n{}", back.text);
        }
        assert!(!flat.contains("ACCEPTANCE"), "not accepted yet");
    }

    let choice = json!({"optional": [], "packages": {"SEO": "i4"}});
    let done =
        w.post(&format!("{}/{id}/accept", quotes(&w)), &p.dana, json!({"name": "Dana Scully", "choice": choice})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let sha = done.body["acceptance"]["sha256"].as_str().expect("sha").to_owned();
    let r = w.get(&path, &p.pat).await;
    assert_eq!(r.status, StatusCode::OK);
    if let Some(back) = pdf::read(&r.raw, "quote-accepted") {
        let flat = back.flat();
        for want in ["ACCEPTED", "ACCEPTANCE", "Dana Scully", sha.as_str(), "Total accepted"] {
            assert!(flat.contains(want), "{want:?} missing from:\n{}", back.text);
        }
    }
}

#[tokio::test]
async fn the_client_hears_of_a_quote_and_is_reminded_before_it_expires_the_issuer_of_the_answer() {
    let w = world().await;
    let p = people(&w).await;
    let id = send(&w, &p, quote(&w, 5)).await;
    w.settle().await;
    let ready = titles(&w, &p.dana).await;
    assert!(ready.contains(&"Quote “Shop relaunch” is ready".to_owned()), "{ready:?}");
    assert!(!titles(&w, &p.olga).await.iter().any(|t| t.contains("Shop relaunch")), "not Initech's");

    // Five days valid: reminded 3 days and 1 day before the last day, once each.
    let s = w.state();
    assert_eq!(kt_app::quotes::reminders::sweep(s).await.expect("sweep"), 0, "nothing due yet");
    w.clock.advance(time::Duration::days(2) + time::Duration::hours(10));
    assert_eq!(kt_app::quotes::reminders::sweep(s).await.expect("sweep"), 1);
    assert_eq!(kt_app::quotes::reminders::sweep(s).await.expect("sweep"), 0, "said once");
    w.settle().await;
    let expiring = |t: &Vec<String>| t.iter().filter(|x| x.as_str() == "Quote “Shop relaunch” expires soon").count();
    assert_eq!(expiring(&titles(&w, &p.dana).await), 1);
    let q = w.get(&format!("{}/{id}", quotes(&w)), &p.pat).await;
    assert_eq!(q.body["status"], "sent");

    // Declined before the last reminder: the issuer hears, the client is not reminded again.
    let r = w.post(&format!("{}/{id}/decline", quotes(&w)), &p.dana, json!({"reason": "Later"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    w.clock.advance(time::Duration::days(2));
    assert_eq!(kt_app::quotes::reminders::sweep(s).await.expect("sweep"), 0, "a declined quote is not reminded");
    w.settle().await;
    assert_eq!(expiring(&titles(&w, &p.dana).await), 1);
    let told = titles(&w, &p.pat).await;
    assert!(told.contains(&"Globex declined “Shop relaunch”".to_owned()), "{told:?}");
    assert!(!titles(&w, &p.dana).await.iter().any(|t| t.contains("declined")), "not told of their own answer");

    // Acceptance is told to the issuer too.
    let id = send(&w, &p, quote(&w, 30)).await;
    let choice = json!({"optional": ["i2"], "packages": {"SEO": "i3"}});
    let ok = w.post(&format!("{}/{id}/accept", quotes(&w)), &p.dana, json!({"name": "Dana", "choice": choice})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    w.settle().await;
    assert!(titles(&w, &p.pat).await.contains(&"Globex accepted “Shop relaunch”".to_owned()));
}

#[tokio::test]
async fn a_deposit_quote_bills_the_deposit_now_and_the_balance_in_monthly_instalments() {
    let w = world().await;
    let p = people(&w).await;
    let mut body = quote(&w, 30);
    body["deposit"] = json!({"percent": "95", "instalments": 0});
    assert_eq!(w.post(&quotes(&w), &p.pat, body.clone()).await.fields(), ["deposit.percent", "deposit.instalments"]);
    body["deposit"] = json!({"percent": "30", "instalments": 3, "when": "now"});
    assert_eq!(w.post(&quotes(&w), &p.pat, body.clone()).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    body["deposit"] = json!({"percent": "30", "instalments": 3});
    let id = send(&w, &p, body).await;
    let one = format!("{}/{id}", quotes(&w));
    assert_eq!(w.get(&one, &p.dana).await.body["deposit"], json!({"percent": "30", "instalments": 3}));

    let choice = json!({"optional": ["i2"], "packages": {"SEO": "i3"}});
    let accept = json!({"name": "Dana Scully", "choice": choice});
    let done = w.post(&format!("{one}/accept"), &p.dana, accept.clone()).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let total = amount(&done.body["total"]);
    assert_eq!(total, "1399.99".parse::<Decimal>().expect("total"));
    let (deposit, balance) = (
        done.body["deposit_invoice_id"].as_str().expect("deposit invoice").to_owned(),
        done.body["invoice_id"].as_str().expect("balance invoice").to_owned(),
    );
    let invoice = |id: String| {
        let w = &w;
        let pat = &p.pat;
        async move { w.get(&format!("/api/v1/tenants/{}/invoices/{id}", w.acme_id), pat).await }
    };
    let d = invoice(deposit.clone()).await;
    let b = invoice(balance.clone()).await;
    assert_eq!((d.status, b.status), (StatusCode::OK, StatusCode::OK), "{} {}", d.body, b.body);
    assert_eq!((d.body["status"].as_str(), b.body["status"].as_str()), (Some("sent"), Some("sent")), "sent at once");
    assert_eq!(amount(&d.body["total"]) + amount(&b.body["total"]), total, "together, exactly the quote");
    let first = d.body["lines"][0]["description"].as_str().unwrap_or_default();
    assert_eq!(first, "Design and build (deposit 30%)");
    assert_eq!(d.body["lines"][0]["unit_price"], "300.00");
    let plan = b.body["plan"].as_array().expect("a plan").clone();
    assert_eq!(plan.len(), 3);
    let planned: Decimal = plan.iter().map(|i| amount(&i["amount"])).sum();
    assert_eq!(planned, amount(&b.body["total"]));
    let today = w.clock.now().date();
    let days: Vec<String> = plan.iter().filter_map(|i| i["due_on"].as_str().map(str::to_owned)).collect();
    assert_eq!(days[0], kt_app::invoices::plans::months_after(today, 1).to_string());
    assert_eq!(b.body["due_on"].as_str(), days.last().map(String::as_str), "due with its last instalment");

    // A retry makes nothing twice; the project links both invoices.
    let again = w.post(&format!("{one}/accept"), &p.dana, accept).await;
    assert_eq!(again.body["deposit_invoice_id"].as_str(), Some(deposit.as_str()));
    let list = w.get(&format!("/api/v1/tenants/{}/invoices?org_id={}&limit=100", w.acme_id, w.globex_id), &p.pat).await;
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(2), "{}", list.body);
    let project = done.body["project_id"].as_str().expect("project");
    let made = w.get(&format!("/api/v1/tenants/{}/projects/{project}", w.acme_id), &p.dana).await;
    assert_eq!(made.body["links"]["invoice_ids"], json!([deposit, balance]));

    // A balance of one cent is no plan (three instalments of nothing would be none).
    let tiny = json!({"org_id": w.globex_id, "title": "Tiny", "valid_until": (w.clock.now().date() + time::Duration::days(5)).to_string(),
        "items": [{"description": "Favicon", "quantity": "1", "unit_price": "0.02"}], "deposit": {"percent": "50", "instalments": 3}});
    let id = send(&w, &p, tiny).await;
    let done = w.post(&format!("{}/{id}/accept", quotes(&w)), &p.dana, json!({"name": "Dana", "choice": {}})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let b = invoice(done.body["invoice_id"].as_str().expect("balance").to_owned()).await;
    assert_eq!((b.body["total"].as_str(), b.body["plan"].as_array().map(Vec::len)), (Some("0.01"), None), "{}", b.body);
}

#[tokio::test]
async fn a_deposit_with_taxes_discounts_and_fractions_still_adds_up_to_the_cent() {
    let w = world().await;
    let p = people(&w).await;
    let settings = format!("/api/v1/tenants/{}/billing/settings", w.acme_id);
    let r = w.patch(&settings, &p.pat, json!({"tax_rates": [{"name": "VAT", "percent": "19"}]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let vat = r.body["tax_rates"][0]["id"].as_str().expect("rate").to_owned();
    let body = json!({
        "org_id": w.globex_id, "title": "Print run", "valid_until": (w.clock.now().date() + time::Duration::days(9)).to_string(),
        "discount": {"kind": "percent", "value": "7.5"},
        "items": [
            {"description": "Flyers", "quantity": "1000", "unit_price": "0.05", "tax_rate_ids": [vat]},
            {"description": "Design hours", "quantity": "2.75", "unit_price": "93.33", "tax_rate_ids": [vat], "discount": {"kind": "percent", "value": "10"}},
            {"description": "Delivery", "quantity": "3", "unit_price": "9.99"}
        ],
        "deposit": {"percent": "33.33", "instalments": 4}
    });
    let id = send(&w, &p, body).await;
    // The rate changes after the quote was written: the invoices bill the quote's.
    let r = w.patch(&settings, &p.pat, json!({"tax_rates": [{"id": vat, "name": "VAT", "percent": "21"}]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let done = w.post(&format!("{}/{id}/accept", quotes(&w)), &p.dana, json!({"name": "Dana", "choice": {}})).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let total = amount(&done.body["total"]);
    let get = |id: &str| {
        let (w, pat, id) = (&w, &p.pat, id.to_owned());
        async move { w.get(&format!("/api/v1/tenants/{}/invoices/{id}", w.acme_id), pat).await }
    };
    let d = get(done.body["deposit_invoice_id"].as_str().expect("deposit")).await;
    let b = get(done.body["invoice_id"].as_str().expect("balance")).await;
    assert_eq!(
        amount(&d.body["total"]) + amount(&b.body["total"]),
        total,
        "{} + {} = {total}",
        d.body["total"],
        b.body["total"]
    );
    assert_eq!(d.body["lines"][0]["description"], "Flyers (deposit 33.33%)");
    let share = amount(&d.body["subtotal"]) / (amount(&d.body["subtotal"]) + amount(&b.body["subtotal"]));
    assert!(
        (share - "0.3333".parse::<Decimal>().expect("share")).abs() < "0.001".parse::<Decimal>().expect("tolerance"),
        "{share}"
    );
    assert_eq!(d.body["taxes"][0]["percent"], "19", "the quote's rate: {}", d.body["taxes"]);
}
