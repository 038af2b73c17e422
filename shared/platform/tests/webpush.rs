//! The Web Push adapter against the local push service (`PUSH_SERVICE_ENDPOINT`, started by
//! `scripts/test` from scripts/push_service.py), which checks the VAPID signature and
//! decrypts the payload as a browser would, from the RFCs, in Python's `cryptography`.

use kt_platform::webpush::{Delivered, HttpWebPush, Subscription, Vapid, WebPush, WebPushError};
use serde_json::Value;

fn service() -> String {
    std::env::var("PUSH_SERVICE_ENDPOINT")
        .expect("PUSH_SERVICE_ENDPOINT is not set: run through scripts/test, which starts the push service")
}

async fn new_subscription(base: &str) -> (String, Subscription) {
    let sub: Value = reqwest::Client::new()
        .post(format!("{base}/subscriptions"))
        .send()
        .await
        .expect("push service")
        .json()
        .await
        .expect("json");
    let s = Subscription {
        endpoint: sub["endpoint"].as_str().unwrap().to_owned(),
        p256dh: sub["p256dh"].as_str().unwrap().to_owned(),
        auth: sub["auth"].as_str().unwrap().to_owned(),
    };
    (sub["id"].as_str().unwrap().to_owned(), s)
}

async fn received(base: &str, id: &str) -> Value {
    reqwest::get(format!("{base}/subscriptions/{id}/messages")).await.expect("get").json().await.expect("json")
}

#[tokio::test]
async fn the_browser_reads_what_was_pushed_and_trusts_who_signed_it() {
    let base = service();
    let vapid = Vapid::from_secret(b"the tests' VAPID secret, 32 bytes", "mailto:ops@kre8ivtech.test").unwrap();
    let push = HttpWebPush::new(vapid.clone(), vec!["127.0.0.1".into()]);
    let (id, sub) = new_subscription(&base).await;

    let payload = r#"{"title":"ACME-1001 is now In Progress","url":"https://acme.test/tickets/x"}"#;
    assert_eq!(push.send(&sub, payload.as_bytes(), 3600).await.unwrap(), Delivered::Accepted);
    let long = "é".repeat(1500);
    assert_eq!(push.send(&sub, long.as_bytes(), 60).await.unwrap(), Delivered::Accepted);
    let got = received(&base, &id).await;
    assert_eq!(got["failures"], serde_json::json!([]), "{got}");
    assert_eq!(got["messages"][0]["payload"], payload, "decrypted by the browser's keys");
    assert_eq!(got["messages"][0]["ttl"], 3600);
    assert_eq!(got["messages"][0]["vapid_key"], vapid.public_key(), "signed with the portal's key");
    assert_eq!(got["messages"][1]["payload"], long.as_str());

    // The service's own checks refuse a forged signature (so its acceptance above means something).
    let url = url::Url::parse(&sub.endpoint).unwrap();
    let header = vapid.authorization(&url, time::OffsetDateTime::now_utc().unix_timestamp());
    let forged = header.replacen("vapid t=", "vapid t=", 1).replace(", k=", "x, k=");
    let body = kt_platform::webpush::encrypt(&sub, b"forged").unwrap();
    let res = reqwest::Client::new()
        .post(&sub.endpoint)
        .header("Authorization", forged)
        .header("Content-Encoding", "aes128gcm")
        .header("TTL", "60")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(received(&base, &id).await["messages"].as_array().map(Vec::len), Some(2));

    // Unsubscribed in the browser: the push service says gone.
    reqwest::Client::new().delete(format!("{base}/subscriptions/{id}")).send().await.unwrap();
    assert_eq!(push.send(&sub, b"{}", 60).await.unwrap(), Delivered::Gone);

    // Only push services on the list are ever called.
    let elsewhere = Subscription { endpoint: "https://attacker.test/collect".into(), ..sub.clone() };
    assert!(matches!(push.send(&elsewhere, b"{}", 60).await, Err(WebPushError::HostNotAllowed(_))));
    let browsers_only = HttpWebPush::new(vapid, kt_platform::webpush::BROWSER_PUSH_HOSTS.map(String::from).to_vec());
    assert!(browsers_only.allows(&sub.endpoint).is_err(), "a loopback service only when listed");
}
