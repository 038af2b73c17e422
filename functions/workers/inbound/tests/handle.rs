//! The function's handler on the local adapters: the sample notification (SES's, inside SNS's
//! envelope, as SQS delivers it) names a stored message, which files a ticket once however
//! often it is delivered; a body that is no notification, or names no stored message, is
//! reported for SQS to retry.

use aws_lambda_events::sqs::SqsEvent;
use kt_domain::identity::TenantId;
use kt_domain::mail::inbound::{Status, Verdict};
use kt_test_support::mail_corpus::{CASES, message, newest};

fn sample(fill: &[(&str, &str)]) -> SqsEvent {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../events/inbound-mail/received.json");
    let mut raw = std::fs::read_to_string(path).expect("sample");
    for (k, v) in fill {
        raw = raw.replace(k, v);
    }
    serde_json::from_str(&raw).expect("an SQS event")
}

#[tokio::test]
async fn the_sample_notification_files_its_message_once_and_bad_records_are_retried() {
    let w = kt_test_support::world(utoipa_axum::router::OpenApiRouter::new()).await;
    let app = w.state();
    let acme = TenantId::try_from(w.acme_id.clone()).unwrap();
    let id = ulid::Ulid::new().to_string().to_lowercase();
    let raw = message(&CASES[0], "dana@globex.test", "acme@in.localhost", "localhost", &id, None);
    app.blobs.put(&format!("mail/inbound/{id}"), bytes::Bytes::from(raw), "message/rfc822").await.unwrap();
    let fill = [("__SES_MESSAGE_ID__", id.as_str()), ("__PORTAL_DOMAIN__", "localhost"), ("__FILES_BUCKET__", "files")];
    for _ in 0..2 {
        let answer = kt_fn_inbound_mail::handle(app, sample(&fill)).await;
        assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    }
    let m = newest(app, &acme).await;
    assert_eq!(m.status, Status::Filed, "{m:?}");
    assert_eq!(m.verdicts.spf, Verdict::Pass);
    let (all, _) = kt_store::inbound::page(app.store.as_ref(), &acme, None, 10, None).await.unwrap();
    assert_eq!(all.len(), 1, "a redelivered notification names the same mail");

    let missing =
        [("__SES_MESSAGE_ID__", "not-stored"), ("__PORTAL_DOMAIN__", "localhost"), ("__FILES_BUCKET__", "files")];
    let answer = kt_fn_inbound_mail::handle(app, sample(&missing)).await;
    assert_eq!(answer.batch_item_failures.len(), 1, "a message not stored is retried");
    let mut junk = sample(&fill);
    junk.records[0].body = Some("{}".into());
    assert_eq!(kt_fn_inbound_mail::handle(app, junk).await.batch_item_failures[0].item_identifier, "r-1");
}
