//! Credit notes over HTTP: their own gap-free numbers, applied at once to the credited
//! invoice's balance, the rest kept as the party's credit and applied to another invoice;
//! who may issue, read and apply them; retries with an idempotency key.

use axum::http::StatusCode;
use kt_test_support::{Browser, People, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router().merge(kt_fn_notifications::router())).await
}

fn invoices(w: &World) -> String {
    format!("/api/v1/tenants/{}/invoices", w.acme_id)
}

/// A sent invoice of `amount` EUR to Globex; its path and body.
async fn sent(w: &World, p: &People, amount: &str) -> (String, Value) {
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR",
        "lines": [{"description": "Website care", "quantity": "1", "unit_price": amount}]});
    let d = w.post(&invoices(w), &p.pat, body).await;
    assert_eq!(d.status, StatusCode::CREATED, "{}", d.body);
    let path = format!("{}/{}", invoices(w), d.body["id"].as_str().expect("id"));
    let s = w.post(&format!("{path}/send"), &p.pat, json!({})).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    (path, s.body)
}

async fn credit(w: &World, who: &Browser, path: &str, amount: &str) -> kt_test_support::Reply {
    w.post(&format!("{path}/credit-notes"), who, json!({"amount": amount, "reason": "Three days of downtime"})).await
}

#[tokio::test]
async fn a_note_credits_the_balance_and_the_rest_pays_another_invoice() {
    let w = world().await;
    let p = people(&w).await;
    let (first, inv) = sent(&w, &p, "250.00").await;
    let paid =
        w.post(&format!("{first}/payments"), &p.pat, json!({"amount": "100.00", "method": "bank_transfer"})).await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.body);

    // 200 credited; the balance (150) takes 150, the party keeps 50.
    let n = credit(&w, &p.pat, &first, "200.00").await;
    assert_eq!(n.status, StatusCode::CREATED, "{}", n.body);
    let year = w.state().clock.now().date().year();
    assert_eq!(n.body["number"], format!("CN-{year}-0001"));
    assert_eq!(n.body["invoice_number"], inv["number"]);
    assert_eq!(n.body["amount"], "200.00");
    assert_eq!(n.body["applied"][0]["amount"], "150.00");
    assert_eq!(n.body["remaining"], "50.00");
    assert_eq!(n.body["billed"]["name"], "Globex");
    let now = w.get(&first, &p.pat).await.body;
    assert_eq!(
        (now["status"].as_str(), now["balance"].as_str(), now["credited"].as_str()),
        (Some("paid"), Some("0.00"), Some("200.00"))
    );
    let ledger = w.get(&format!("{first}/payments"), &p.pat).await.body;
    let kinds: Vec<&str> =
        ledger["items"].as_array().expect("items").iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["payment", "credit"], "{ledger}");

    // At most what is left to credit: 250 billed, 200 credited.
    let over = credit(&w, &p.pat, &first, "50.01").await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(over.fields(), ["amount"]);

    // The rest pays part of the next invoice.
    let (second, _) = sent(&w, &p, "80.00").await;
    let second_id = second.rsplit('/').next().expect("id");
    let note = n.body["id"].as_str().expect("note id");
    let notes = format!("/api/v1/tenants/{}/credit-notes", w.acme_id);
    let applied = w.post(&format!("{notes}/{note}/apply"), &p.pat, json!({"invoice_id": second_id})).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert_eq!(applied.body["remaining"], "0.00");
    assert_eq!(applied.body["applied"][1]["amount"], "50.00");
    let now = w.get(&second, &p.pat).await.body;
    assert_eq!((now["status"].as_str(), now["balance"].as_str()), (Some("partial"), Some("30.00")));
    let again = w.post(&format!("{notes}/{note}/apply"), &p.pat, json!({"invoice_id": second_id})).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing left: {}", again.body);

    // The client reads its notes (and is told of them), but issues and applies none.
    let listed = w.get(&notes, &p.dana).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["items"][0]["id"], note);
    assert_eq!(listed.body["items"][0]["side"], "billed");
    assert_eq!(w.get(&format!("{notes}/{note}"), &p.dana).await.status, StatusCode::OK);
    assert_eq!(w.get(&format!("{first}/credit-notes"), &p.dana).await.body["items"][0]["id"], note);
    assert_eq!(credit(&w, &p.dana, &first, "1").await.status, StatusCode::FORBIDDEN);
    let by_client = w.post(&format!("{notes}/{note}/apply"), &p.dana, json!({"invoice_id": second_id})).await;
    assert_eq!(by_client.status, StatusCode::FORBIDDEN);
    // Another organization's client, partner staff and another tenant see nothing.
    assert_eq!(w.get(&format!("{notes}/{note}"), &p.olga).await.status, StatusCode::NOT_FOUND);
    assert!(w.get(&notes, &p.olga).await.body["items"].as_array().is_none_or(Vec::is_empty));
    assert_eq!(w.get(&notes, &p.sam).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.get(&format!("{notes}/{note}"), &p.drew).await.status, StatusCode::NOT_FOUND);
    w.settle().await;
    let number = inv["number"].as_str().expect("number");
    assert!(
        w.notification_titles(&p.dana).await.contains(&format!("Credit note CN-{year}-0001 on {number}")),
        "{:?}",
        w.notification_titles(&p.dana).await
    );
}

#[tokio::test]
async fn notes_refuse_bad_input_drafts_and_answer_retries_once() {
    let w = world().await;
    let p = people(&w).await;
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR",
        "lines": [{"description": "Draft work", "quantity": "1", "unit_price": "10"}]});
    let d = w.post(&invoices(&w), &p.pat, body).await;
    let draft = format!("{}/{}", invoices(&w), d.body["id"].as_str().expect("id"));
    assert_eq!(
        credit(&w, &p.pat, &draft, "5").await.status,
        StatusCode::CONFLICT,
        "drafts are discarded, not credited"
    );

    let (path, _) = sent(&w, &p, "100.00").await;
    let bad = w.post(&format!("{path}/credit-notes"), &p.pat, json!({"amount": "1.001", "reason": " "})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["amount"]);
    let no_reason = w.post(&format!("{path}/credit-notes"), &p.pat, json!({"amount": "1", "reason": " "})).await;
    assert_eq!(no_reason.fields(), ["reason"]);
    let unknown =
        w.post(&format!("{path}/credit-notes"), &p.pat, json!({"amount": "1", "reason": "x", "extra": 1})).await;
    assert!(unknown.status.is_client_error(), "unknown fields are refused: {}", unknown.status);

    let key = [("idempotency-key", "credit-retry-1")];
    let body = json!({"amount": "30.00", "reason": "Goodwill"});
    let first = w.send("POST", &format!("{path}/credit-notes"), &p.pat, Some(body.clone()), &key).await;
    let again = w.send("POST", &format!("{path}/credit-notes"), &p.pat, Some(body), &key).await;
    assert_eq!((first.status, again.status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first.body["id"], again.body["id"], "the retry answers with the first note");
    let other = w
        .send("POST", &format!("{path}/credit-notes"), &p.pat, Some(json!({"amount": "31.00", "reason": "x"})), &key)
        .await;
    assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY, "the key is bound to its body");
    let now = w.get(&path, &p.pat).await.body;
    assert_eq!(now["credited"], "30.00", "credited once");
    let settings = w.get(&format!("/api/v1/tenants/{}/billing/settings", w.acme_id), &p.pat).await.body;
    let year = w.state().clock.now().date().year();
    assert_eq!(settings["next_credit_note_number"], format!("CN-{year}-0002"), "one number taken");
}

#[tokio::test]
async fn concurrent_notes_take_gap_free_numbers() {
    let w = world().await;
    let p = people(&w).await;
    let mut paths = Vec::new();
    for _ in 0..12 {
        paths.push(sent(&w, &p, "40.00").await.0);
    }
    let made = futures::future::join_all(paths.iter().map(|path| credit(&w, &p.pat, path, "10.00"))).await;
    let mut numbers: Vec<String> = made
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.body["number"].as_str().expect("number").to_owned()
        })
        .collect();
    numbers.sort();
    let year = w.state().clock.now().date().year();
    let expected: Vec<String> = (1..=12).map(|n| format!("CN-{year}-{n:04}")).collect();
    assert_eq!(numbers, expected);
}
