//! The Stripe adapter against localstripe (`LOCALSTRIPE_ENDPOINT`, started by `scripts/test`):
//! customers, PaymentIntents created, confirmed with test payment
//! methods (success and decline), read back, refunded in part.

use kt_platform::payments::stripe::StripePayments;
use kt_platform::payments::{
    Account, CustomerInfo, IntentRequest, IntentStatus, PaymentError, Payments, RefundRequest,
};

fn localstripe() -> String {
    let base = std::env::var("LOCALSTRIPE_ENDPOINT")
        .expect("LOCALSTRIPE_ENDPOINT is not set: run through scripts/test, which starts localstripe");
    format!("{}/", base.trim_end_matches('/'))
}

fn account() -> Account {
    Account { secret_key: format!("sk_test_{}", ulid::Ulid::new()) }
}

/// A card payment method made on localstripe (which knows Stripe's test card numbers, not
/// its `pm_card_*` shortcuts).
async fn card(acct: &Account, number: &str) -> String {
    let res = reqwest::Client::new()
        .post(format!("{}v1/payment_methods", localstripe()))
        .basic_auth(&acct.secret_key, Some(""))
        .form(&[
            ("type", "card"),
            ("card[number]", number),
            ("card[exp_month]", "12"),
            ("card[exp_year]", "2030"),
            ("card[cvc]", "123"),
        ])
        .send()
        .await
        .expect("payment method");
    let body: serde_json::Value = res.json().await.expect("json");
    body["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned()
}

fn request(customer: &str, key: &str, amount: i64) -> IntentRequest {
    IntentRequest {
        amount_minor: amount,
        currency: "eur".into(),
        customer: customer.into(),
        metadata: vec![("invoice".into(), "01JD00000000000000000000IV".into()), ("tenant".into(), "t1".into())],
        idempotency_key: key.into(),
        save_method: false,
        charge_saved: None,
        methods: Vec::new(),
    }
}

#[tokio::test]
async fn customers_intents_and_refunds_on_localstripe() {
    let stripe = StripePayments::new(localstripe());
    let acct = account();
    let who =
        CustomerInfo { name: "Globex".into(), email: Some("billing@globex.test".into()), reference: "org:1".into() };
    let customer = stripe.create_customer(&acct, &who, &format!("cus-{}", ulid::Ulid::new())).await.expect("customer");
    assert!(customer.starts_with("cus_"), "{customer}");

    let key = format!("inv-{}", ulid::Ulid::new());
    let pi = stripe.create_intent(&acct, &request(&customer, &key, 261_79)).await.expect("intent");
    assert!(pi.id.starts_with("pi_") && pi.client_secret.starts_with(&pi.id), "{pi:?}");
    assert_eq!((pi.amount_minor, pi.status), (261_79, IntentStatus::RequiresPaymentMethod));
    // (localstripe ignores Idempotency-Key, so a retried create is not checked here; the app
    // keeps the intent it made under the invoice and reuses it.)

    let paid = stripe.confirm_intent(&acct, &pi.id, &card(&acct, "4242424242424242").await).await.expect("confirm");
    assert_eq!(paid.status, IntentStatus::Succeeded, "{paid:?}");
    assert_eq!(stripe.get_intent(&acct, &pi.id).await.expect("read").status, IntentStatus::Succeeded);

    let refund =
        RefundRequest { payment_intent: pi.id.clone(), amount_minor: 61_79, idempotency_key: format!("re-{key}") };
    let r = stripe.refund(&acct, &refund).await.expect("refund");
    assert!(r.id.starts_with("re_"), "{r:?}");
    assert_eq!(r.amount_minor, 61_79);
    // (localstripe does not refuse refunds beyond the payment; the app never asks for one.)

    // A declined card leaves the intent waiting for another method, with the reason.
    let other = stripe
        .create_intent(&acct, &request(&customer, &format!("inv-{}", ulid::Ulid::new()), 10_00))
        .await
        .expect("intent");
    let declined = stripe.confirm_intent(&acct, &other.id, &card(&acct, "4000000000000341").await).await;
    match declined {
        Ok(i) => assert_eq!(i.status, IntentStatus::RequiresPaymentMethod, "{i:?}"),
        Err(PaymentError::Refused(why)) => assert!(why.to_lowercase().contains("declin"), "{why}"),
        Err(e) => panic!("{e}"),
    }

    // A card that asks for 3-D Secure waits for the customer.
    let three = stripe
        .create_intent(&acct, &request(&customer, &format!("inv-{}", ulid::Ulid::new()), 20_00))
        .await
        .expect("intent");
    let waiting = stripe.confirm_intent(&acct, &three.id, &card(&acct, "4000002760003184").await).await.expect("3ds");
    assert_eq!(waiting.status, IntentStatus::RequiresAction);
}

#[tokio::test]
async fn a_saved_card_is_charged_without_the_payer() {
    let stripe = StripePayments::new(localstripe());
    let acct = account();
    let who = CustomerInfo { name: "Globex".into(), email: None, reference: "org:1".into() };
    let customer = stripe.create_customer(&acct, &who, &format!("cus-{}", ulid::Ulid::new())).await.expect("customer");
    let visa = card(&acct, "4242424242424242").await;
    let mut req = request(&customer, &format!("auto-{}", ulid::Ulid::new()), 99_00);
    req.charge_saved = Some(visa.clone());
    let paid = stripe.create_intent(&acct, &req).await.expect("charged");
    assert_eq!((paid.status, paid.amount_minor), (IntentStatus::Succeeded, 99_00), "{paid:?}");
    assert_eq!(paid.payment_method.as_deref(), Some(visa.as_str()));

    // A card declined off-session: the intent waits for another method, with the reason.
    let mut req = request(&customer, &format!("auto-{}", ulid::Ulid::new()), 99_00);
    req.charge_saved = Some(card(&acct, "4000000000000341").await);
    match stripe.create_intent(&acct, &req).await {
        Ok(i) => assert_eq!(i.status, IntentStatus::RequiresPaymentMethod, "{i:?}"),
        Err(PaymentError::Refused(why)) => assert!(why.to_lowercase().contains("declin"), "{why}"),
        Err(e) => panic!("{e}"),
    }
}
