//! Paying by US bank account (ACH) debit: offered on USD invoices of a portal that takes bank
//! debits (the local stand-in does; a Stripe account when its owner says so), paid through the
//! same webhook handling as cards and recorded as an ACH payment; a debit still clearing blocks
//! a second payment; cards and bank accounts are not mixed up.

use axum::http::StatusCode;
use kt_test_support::{People, Reply, World, people};
use serde_json::json;

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router()).await
}

/// Pat sends Globex an invoice in `currency`; its path.
async fn sent(w: &World, p: &People, currency: &str) -> String {
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": currency, "lines": [{"description": "Care", "quantity": "1", "unit_price": "400"}]});
    let d = w.post(&invoices, &p.pat, body).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let path = format!("{invoices}/{}", d.body["id"].as_str().expect("id"));
    assert_eq!(w.post(&format!("{path}/send"), &p.pat, json!({})).await.status, StatusCode::OK);
    path
}

async fn pay(w: &World, p: &People, path: &str, intent: &str, method: &str) -> Reply {
    w.post(&format!("{path}/checkout/{intent}/local"), &p.dana, json!({"card": method})).await
}

#[tokio::test]
async fn a_usd_invoice_is_paid_by_bank_debit_and_recorded_as_ach() {
    let w = world().await;
    let p = people(&w).await;
    let path = sent(&w, &p, "USD").await;
    let card = w.post(&format!("{path}/checkout"), &p.dana, json!({})).await;
    assert_eq!(card.status, StatusCode::CREATED, "{}", card.body);
    assert_eq!((card.body["method"].as_str(), card.body["methods"].clone()), (Some("card"), json!(["card", "ach"])));
    let ach = w.post(&format!("{path}/checkout"), &p.dana, json!({"method": "ach"})).await;
    assert_eq!((ach.status, ach.body["method"].as_str()), (StatusCode::CREATED, Some("ach")), "{}", ach.body);
    let intent = ach.body["intent_id"].as_str().expect("intent").to_owned();
    assert_ne!(card.body["intent_id"], ach.body["intent_id"], "one intent per way of paying");
    let again = w.post(&format!("{path}/checkout"), &p.dana, json!({"method": "ach"})).await;
    assert_eq!(again.body["intent_id"], intent.as_str(), "the unpaid intent is used again");

    // A card number on a bank debit, and a bank account on a card payment, are refused.
    let mixed = pay(&w, &p, &path, &intent, "4242 4242 4242 4242").await;
    assert_eq!(mixed.body["status"], "requires_payment_method", "{}", mixed.body);
    assert!(mixed.body["message"].as_str().is_some_and(|m| m.contains("bank account only")));
    let card_intent = card.body["intent_id"].as_str().expect("intent");
    let mixed = pay(&w, &p, &path, card_intent, "pm_usBankAccount_success").await;
    assert!(mixed.body["message"].as_str().is_some_and(|m| m.contains("cards only")), "{}", mixed.body);
    let closed = pay(&w, &p, &path, &intent, "pm_usBankAccount_accountClosed").await;
    assert!(closed.body["message"].as_str().is_some_and(|m| m.contains("closed")), "{}", closed.body);
    assert_eq!(w.get(&path, &p.pat).await.body["paid"], "0.00");

    let ok = pay(&w, &p, &path, &intent, "pm_usBankAccount_success").await;
    assert_eq!(ok.body["status"], "succeeded", "{}", ok.body);
    let inv = w.get(&path, &p.pat).await.body;
    assert_eq!((inv["status"].as_str(), inv["balance"].as_str()), (Some("paid"), Some("0.00")));
    let ledger = w.get(&format!("{path}/payments"), &p.dana).await.body;
    assert_eq!(
        (ledger["items"][0]["method"].as_str(), ledger["items"][0]["amount"].as_str()),
        (Some("ach"), Some("400.00"))
    );
}

#[tokio::test]
async fn a_debit_still_clearing_blocks_a_second_payment() {
    let w = world().await;
    let p = people(&w).await;
    let path = sent(&w, &p, "USD").await;
    let ach = w.post(&format!("{path}/checkout"), &p.dana, json!({"method": "ach"})).await;
    let intent = ach.body["intent_id"].as_str().expect("intent").to_owned();
    let clearing = pay(&w, &p, &path, &intent, "pm_usBankAccount_processing").await;
    assert_eq!(clearing.body["status"], "processing", "{}", clearing.body);
    assert_eq!(w.get(&path, &p.pat).await.body["status"], "sent", "nothing is paid until it clears");
    for body in [json!({}), json!({"method": "ach"}), json!({"amount": "10.00"})] {
        let r = w.post(&format!("{path}/checkout"), &p.dana, body).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert!(r.body["detail"].as_str().is_some_and(|d| d.contains("on its way")), "{}", r.body);
    }
}

#[tokio::test]
async fn bank_debits_are_for_usd_invoices_of_portals_that_take_them() {
    let w = world().await;
    let p = people(&w).await;
    let eur = sent(&w, &p, "EUR").await;
    let r = w.post(&format!("{eur}/checkout"), &p.dana, json!({"method": "ach"})).await;
    assert_eq!((r.status, r.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["method".to_owned()]), "{}", r.body);
    let card = w.post(&format!("{eur}/checkout"), &p.dana, json!({})).await;
    assert_eq!(card.body["methods"], json!(["card"]));
    let usd = sent(&w, &p, "USD").await;
    let kept = w.post(&format!("{usd}/checkout"), &p.dana, json!({"method": "ach", "save_card": true})).await;
    assert_eq!(kept.fields(), ["save_card"], "only a card is kept");
    let odd = w.post(&format!("{usd}/checkout"), &p.dana, json!({"method": "cash"})).await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", odd.body);

    // A Stripe account connected without bank debits takes cards only; with them, both.
    let stripe = format!("/api/v1/tenants/{}/billing/stripe", w.acme_id);
    let keys = |debits: bool| {
        json!({"secret_key": format!("sk_test_{}", ulid::Ulid::new()), "webhook_secret": "whsec_acme_test_secret",
        "publishable_key": "pk_test_acmepublishable", "bank_debits": debits})
    };
    let r = w.send("PUT", &stripe, &p.pat, Some(keys(false)), &[]).await;
    assert_eq!((r.status, r.body["bank_debits"].as_bool()), (StatusCode::OK, Some(false)), "{}", r.body);
    let r = w.post(&format!("{usd}/checkout"), &p.dana, json!({"method": "ach"})).await;
    assert_eq!(r.fields(), ["method"]);
    let r = w.send("PUT", &stripe, &p.pat, Some(keys(true)), &[]).await;
    assert_eq!(w.get(&stripe, &p.pat).await.body["bank_debits"], true, "{}", r.body);
}
