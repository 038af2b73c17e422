//! Replays the sample SQS batch through the mail worker on the local adapters: the good
//! message is sent once (also when delivered twice), the malformed one is reported failed.

use aws_lambda_events::sqs::SqsEvent;
use kt_app::wiring::{Settings, wire};

#[tokio::test]
async fn sends_good_mail_once_and_reports_the_bad_message() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    let dispatcher = kt_fn_mail_worker::dispatcher(&wired.state);
    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../events/mail-worker/batch.json"))
        .expect("event");

    for _ in 0..2 {
        let batch: SqsEvent = serde_json::from_str(&raw).expect("SQS event parses");
        let response = dispatcher.handle_sqs_batch(batch).await;
        let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
        assert_eq!(failed, vec!["m-2"]);
    }
    let outbox = wired.local_mailer.expect("local mailer").list().await.expect("outbox");
    assert_eq!(outbox.len(), 1, "the redelivered batch did not send twice");
    assert_eq!(outbox[0].subject, "Your ticket ACME-1001");
}
