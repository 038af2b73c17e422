//! Replays the sample SQS batch through the mail worker on the local adapters (the demo seeded,
//! the sample's tenant filled in): the written mail and the letter are sent once each (also
//! when delivered twice), the malformed message is reported failed.

use aws_lambda_events::sqs::SqsEvent;
use kt_app::wiring::{Settings, wire};

#[tokio::test]
async fn sends_good_mail_once_and_reports_the_bad_message() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let acme = kt_app::identity::tenancy::resolve_host(&wired.state, "acme.localhost").await.expect("acme");
    let dispatcher = kt_fn_mail_worker::dispatcher(&wired.state);
    let raw = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../events/mail-worker/batch.json"))
        .expect("event")
        .replace("__TENANT_ID__", acme.id.as_str());
    let before = wired.local_mailer.clone().expect("local mailer").list().await.expect("outbox").len();

    for _ in 0..2 {
        let batch: SqsEvent = serde_json::from_str(&raw).expect("SQS event parses");
        let response = dispatcher.handle_sqs_batch(batch).await;
        let failed: Vec<&str> = response.batch_item_failures.iter().map(|f| f.item_identifier.as_str()).collect();
        assert_eq!(failed, vec!["m-2"]);
    }
    let outbox = wired.local_mailer.expect("local mailer").list().await.expect("outbox");
    assert_eq!(outbox.len(), before + 2, "the redelivered batch did not send twice");
    let mut subjects: Vec<&str> = outbox[..2].iter().map(|m| m.subject.as_str()).collect();
    subjects.sort();
    // The letter is written from Acme's template (the default: the notification's title).
    assert_eq!(subjects, ["ACME-1001: new reply from Avery", "Your ticket ACME-1001"]);
}
