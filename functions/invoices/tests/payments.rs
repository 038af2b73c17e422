//! Paying invoices online: the local stand-in's card form (success, decline, 3-D Secure) end
//! to end; a tenant's own Stripe account on localstripe (keys sealed, never shown) with the
//! webhook: valid, missing, wrong, stale and replayed signatures, out-of-order events, a storm of
//! duplicate deliveries that moves the invoice once, and refunds.

use axum::http::StatusCode;
use kt_platform::payments::{Account, webhook};
use kt_test_support::{Browser, People, Reply, World, people};
use serde_json::{Value, json};

async fn world() -> World {
    kt_test_support::world(kt_fn_invoices::router().merge(kt_fn_notifications::router())).await
}

/// Pat sends Globex an invoice of 250.00 EUR; its path.
async fn sent_invoice(w: &World, p: &People, price: &str) -> String {
    let invoices = format!("/api/v1/tenants/{}/invoices", w.acme_id);
    let body = json!({"billed": {"org_id": w.globex_id}, "currency": "EUR", "lines": [{"description": "Care", "quantity": "1", "unit_price": price}]});
    let d = w.post(&invoices, &p.pat, body).await;
    let path = format!("{invoices}/{}", d.body["id"].as_str().expect("id"));
    assert_eq!(w.post(&format!("{path}/send"), &p.pat, json!({})).await.status, StatusCode::OK);
    path
}

async fn local(w: &World, who: &Browser, path: &str, intent: &str, card: &str) -> Reply {
    w.post(&format!("{path}/checkout/{intent}/local"), who, json!({"card": card})).await
}

#[tokio::test]
async fn the_local_card_form_declines_asks_for_3ds_and_pays() {
    let w = world().await;
    let p = people(&w).await;
    let path = sent_invoice(&w, &p, "250.00").await;
    assert_eq!(
        w.post(&format!("{path}/checkout"), &p.pat, json!({})).await.status,
        StatusCode::FORBIDDEN,
        "the issuer does not pay"
    );
    assert_eq!(w.post(&format!("{path}/checkout"), &p.olga, json!({})).await.status, StatusCode::NOT_FOUND);
    let c = w.post(&format!("{path}/checkout"), &p.dana, json!({})).await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    assert_eq!((c.body["provider"].as_str(), c.body["amount"].as_str()), (Some("local"), Some("250.00")));
    let intent = c.body["intent_id"].as_str().expect("intent").to_owned();
    let again = w.post(&format!("{path}/checkout"), &p.dana, json!({})).await;
    assert_eq!(again.body["intent_id"], intent.as_str(), "the unpaid intent is used again");

    let declined = local(&w, &p.dana, &path, &intent, "4000 0000 0000 0002").await;
    assert_eq!(declined.body["status"], "requires_payment_method", "{}", declined.body);
    assert!(declined.body["message"].as_str().is_some_and(|m| m.contains("declined")));
    assert_eq!(w.get(&path, &p.pat).await.body["paid"], "0.00", "a decline pays nothing");
    let three = local(&w, &p.dana, &path, &intent, "4000 0027 6000 3184").await;
    assert_eq!(three.body["status"], "requires_action");
    let ok = local(&w, &p.dana, &path, &intent, "3ds:approve").await;
    assert_eq!(ok.body["status"], "succeeded", "{}", ok.body);
    let inv = w.get(&path, &p.pat).await.body;
    assert_eq!((inv["status"].as_str(), inv["balance"].as_str()), (Some("paid"), Some("0.00")));
    let ledger = w.get(&format!("{path}/payments"), &p.dana).await.body;
    assert_eq!(ledger["items"][0]["method"], "card");
    assert_eq!(ledger["items"][0]["amount"], "250.00");
    assert!(ledger["items"][0]["id"].as_str().is_some_and(|i| i.starts_with("pi_local_")));
    assert_eq!(local(&w, &p.dana, &path, &intent, "4242424242424242").await.status, StatusCode::CONFLICT, "paid once");
    assert_eq!(w.post(&format!("{path}/checkout"), &p.dana, json!({})).await.status, StatusCode::CONFLICT);
}

struct Stripe {
    account: Account,
    secret: &'static str,
}

/// Pat connects Acme's own Stripe account (on localstripe).
async fn connect(w: &World, p: &People) -> Stripe {
    let key = format!("sk_test_{}", ulid::Ulid::new());
    let stripe = format!("/api/v1/tenants/{}/billing/stripe", w.acme_id);
    let bad = w
        .send(
            "PUT",
            &stripe,
            &p.pat,
            Some(json!({"secret_key": "nope", "webhook_secret": "x", "publishable_key": "pk_live_abcdefghijk"})),
            &[],
        )
        .await;
    assert_eq!(bad.fields(), ["secret_key", "webhook_secret", "publishable_key"]);
    let keys = json!({"secret_key": key, "webhook_secret": "whsec_acme_test_secret", "publishable_key": "pk_test_acmepublishable"});
    assert_eq!(
        w.send("PUT", &stripe, &p.sam, Some(keys.clone()), &[]).await.status,
        StatusCode::FORBIDDEN,
        "partner staff do not"
    );
    let r = w.send("PUT", &stripe, &p.pat, Some(keys), &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let seen = w.get(&stripe, &p.pat).await;
    assert_eq!((seen.body["provider"].as_str(), seen.body["live"].as_bool()), (Some("stripe"), Some(false)));
    assert!(
        !seen.body.to_string().contains("sk_test") && !seen.body.to_string().contains("whsec"),
        "no secret is shown"
    );
    let acme = kt_domain::identity::TenantId::try_from(w.acme_id.clone()).expect("tenant id");
    let stored = kt_store::payments::connection(w.state().store.as_ref(), &acme).await;
    let stored = serde_json::to_string(&stored.expect("read").expect("stored").value).expect("json");
    assert!(!stored.contains(&key) && !stored.contains("whsec_acme"), "stored sealed");
    Stripe { account: Account { secret_key: key }, secret: "whsec_acme_test_secret" }
}

fn event(id: &str, kind: &str, object: Value, created: i64) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"id": id, "object": "event", "type": kind, "created": created, "data": {"object": object}}),
    )
    .expect("json")
}

fn succeeded(intent: &str, amount: i64) -> Value {
    json!({"id": intent, "object": "payment_intent", "amount": amount, "amount_received": amount, "currency": "eur",
        "status": "succeeded", "payment_method_types": ["card"]})
}

async fn deliver(w: &World, body: &[u8], signature: Option<String>) -> Reply {
    let path = format!("/api/v1/webhooks/stripe/{}", w.acme_id);
    let mut req = axum::http::Request::post(&path)
        .header("host", kt_test_support::ACME)
        .header("content-type", "application/json");
    if let Some(s) = signature {
        req = req.header("stripe-signature", s);
    }
    use tower::ServiceExt;
    let res =
        w.router.clone().oneshot(req.body(axum::body::Body::from(body.to_vec())).expect("req")).await.expect("res");
    let status = res.status();
    let bytes = http_body_util::BodyExt::collect(res.into_body()).await.expect("body").to_bytes();
    Reply {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        etag: None,
        raw: bytes.to_vec(),
        content_type: None,
        disposition: None,
        location: None,
    }
}

fn signed(secret: &str, body: &[u8], at: i64) -> Option<String> {
    Some(webhook::sign(secret, at, body))
}

#[tokio::test]
async fn a_partners_own_stripe_account_and_its_webhook() {
    let w = world().await;
    let p = people(&w).await;
    let s = connect(&w, &p).await;
    let path = sent_invoice(&w, &p, "250.00").await;
    let c = w.post(&format!("{path}/checkout"), &p.dana, json!({})).await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    assert_eq!(
        (c.body["provider"].as_str(), c.body["publishable_key"].as_str()),
        (Some("stripe"), Some("pk_test_acmepublishable"))
    );
    let intent = c.body["intent_id"].as_str().expect("intent").to_owned();
    assert!(intent.starts_with("pi_") && c.body["client_secret"].as_str().is_some_and(|x| x.starts_with(&intent)));
    // The browser confirms with Stripe.js; here the card is confirmed on localstripe directly.
    let pm = reqwest::Client::new()
        .post(format!(
            "{}/v1/payment_methods",
            std::env::var("LOCALSTRIPE_ENDPOINT").expect("LOCALSTRIPE_ENDPOINT").trim_end_matches('/')
        ))
        .basic_auth(&s.account.secret_key, Some(""))
        .form(&[
            ("type", "card"),
            ("card[number]", "4242424242424242"),
            ("card[exp_month]", "12"),
            ("card[exp_year]", "2030"),
            ("card[cvc]", "123"),
        ])
        .send()
        .await
        .expect("pm")
        .json::<Value>()
        .await
        .expect("json");
    let paid = w
        .state()
        .payments
        .stripe
        .confirm_intent(&s.account, &intent, pm["id"].as_str().expect("pm id"))
        .await
        .expect("confirm");
    assert_eq!(paid.status, kt_platform::payments::IntentStatus::Succeeded);

    let now = w.state().clock.now_unix();
    let body = event("evt_1", "payment_intent.succeeded", succeeded(&intent, 250_00), now);
    // Refused before anything is read: no signature, a wrong one, a stale one.
    for sig in [None, signed("whsec_wrong", &body, now), signed(s.secret, &body, now - 301), Some("t=1,v1=zz".into())] {
        let r = deliver(&w, &body, sig).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.fields(), ["Stripe-Signature"]);
    }
    assert_eq!(w.get(&path, &p.pat).await.body["status"], "sent", "nothing changed");
    let ok = deliver(&w, &body, signed(s.secret, &body, now)).await;
    assert_eq!((ok.status, ok.body["received"].as_str()), (StatusCode::OK, Some("applied")), "{}", ok.body);
    let after = w.get(&path, &p.pat).await;
    assert_eq!(after.body["status"], "paid");
    let replay = deliver(&w, &body, signed(s.secret, &body, now)).await;
    assert_eq!(replay.body["received"], "duplicate");
    // The same payment under another event id (Stripe sends some twice) changes nothing either.
    let twin = event("evt_1b", "payment_intent.succeeded", succeeded(&intent, 250_00), now);
    assert_eq!(deliver(&w, &twin, signed(s.secret, &twin, now)).await.body["received"], "duplicate");
    assert_eq!(w.get(&path, &p.pat).await.etag, after.etag, "the invoice did not change again");

    // A refund through the API, then Stripe's event about it: counted once.
    let refund = w.post(&format!("{path}/refunds"), &p.pat, json!({"payment_id": intent, "amount": "50.00"})).await;
    assert_eq!(refund.status, StatusCode::OK, "{}", refund.body);
    assert_eq!((refund.body["status"].as_str(), refund.body["balance"].as_str()), (Some("partial"), Some("50.00")));
    let ledger = w.get(&format!("{path}/payments"), &p.pat).await.body;
    let refund_id = ledger["items"][1]["id"].as_str().expect("refund id").to_owned();
    let charge = json!({"id": "ch_1", "object": "charge", "payment_intent": intent, "amount_refunded": 5000,
        "refunds": {"data": [{"id": refund_id, "amount": 5000}]}});
    let refunded = event("evt_2", "charge.refunded", charge, now);
    assert_eq!(deliver(&w, &refunded, signed(s.secret, &refunded, now)).await.body["received"], "duplicate");
    assert_eq!(w.get(&path, &p.pat).await.body["balance"], "50.00");
    let too_much = w.post(&format!("{path}/refunds"), &p.pat, json!({"payment_id": intent, "amount": "250.00"})).await;
    assert_eq!(too_much.fields(), ["amount"]);
    // The client hears of the refund, in the notification center and by mail.
    w.settle().await;
    let number = w.get(&path, &p.pat).await.body["number"].as_str().expect("number").to_owned();
    assert!(w.notification_titles(&p.dana).await.contains(&format!("Refund on {number}")));
    assert!(w.mails_to("dana@globex.test").await.iter().any(|m| m.contains(&format!("Refund on {number}"))));

    // Globex's next invoice is paid by the same Stripe customer (one per organization and
    // tenant), as Stripe itself records it.
    let next = sent_invoice(&w, &p, "80.00").await;
    let c2 = w.post(&format!("{next}/checkout"), &p.dana, json!({})).await;
    assert_eq!(c2.status, StatusCode::CREATED, "{}", c2.body);
    let customer_of = |id: String| {
        let key = s.account.secret_key.clone();
        async move {
            let base = std::env::var("LOCALSTRIPE_ENDPOINT").expect("LOCALSTRIPE_ENDPOINT");
            let pi: Value = reqwest::Client::new()
                .get(format!("{}/v1/payment_intents/{id}", base.trim_end_matches('/')))
                .basic_auth(&key, Some(""))
                .send()
                .await
                .expect("intent")
                .json()
                .await
                .expect("json");
            pi["customer"].as_str().expect("customer").to_owned()
        }
    };
    let (first, second) = (
        customer_of(intent.clone()).await,
        customer_of(c2.body["intent_id"].as_str().expect("intent").to_owned()).await,
    );
    assert!(first.starts_with("cus_"), "{first}");
    assert_eq!(first, second, "one customer per organization");
}

#[tokio::test]
async fn out_of_order_and_a_storm_of_duplicates_move_the_invoice_once() {
    let w = world().await;
    let p = people(&w).await;
    let s = connect(&w, &p).await;
    let path = sent_invoice(&w, &p, "100.00").await;
    let c = w.post(&format!("{path}/checkout"), &p.dana, json!({})).await;
    let intent = c.body["intent_id"].as_str().expect("intent").to_owned();
    let now = w.state().clock.now_unix();
    // The refund's event arrives before the payment's.
    let charge = json!({"id": "ch_9", "object": "charge", "payment_intent": intent, "refunds": {"data": [{"id": "re_early", "amount": 3000}]}});
    let refunded = event("evt_r", "charge.refunded", charge, now);
    assert_eq!(deliver(&w, &refunded, signed(s.secret, &refunded, now)).await.body["received"], "applied");
    assert_eq!(w.get(&path, &p.pat).await.body["status"], "sent", "nothing paid yet on balance");
    let body = event("evt_p", "payment_intent.succeeded", succeeded(&intent, 100_00), now);
    let sig = signed(s.secret, &body, now);
    let storm = (0..200).map(|_| deliver(&w, &body, sig.clone()));
    let replies = futures::future::join_all(storm).await;
    let applied = replies.iter().filter(|r| r.body["received"] == "applied").count();
    assert!(replies.iter().all(|r| r.status == StatusCode::OK), "every delivery is acknowledged");
    assert_eq!(applied, 1, "one of 200 deliveries acts");
    let inv = w.get(&path, &p.pat).await.body;
    assert_eq!(
        (inv["status"].as_str(), inv["paid"].as_str(), inv["balance"].as_str()),
        (Some("partial"), Some("70.00"), Some("30.00"))
    );
    let ledger = w.get(&format!("{path}/payments"), &p.pat).await.body;
    assert_eq!(ledger["items"].as_array().map(Vec::len), Some(2), "one payment, one refund: {ledger}");
    // Events about nothing the portal knows are acknowledged and ignored.
    let other = event("evt_x", "customer.created", json!({"id": "cus_1"}), now);
    assert_eq!(deliver(&w, &other, signed(s.secret, &other, now)).await.body["received"], "ignored");
    // The house portal (connected to the local stand-in, with its own secret) refuses Acme's
    // signature.
    let house = format!("/api/v1/webhooks/stripe/{}", w.house_id);
    let mut req = axum::http::Request::post(&house).header("host", kt_test_support::HOUSE);
    req = req.header("stripe-signature", webhook::sign(s.secret, now, &body));
    use tower::ServiceExt;
    let res =
        w.router.clone().oneshot(req.body(axum::body::Body::from(body.clone())).expect("req")).await.expect("res");
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
