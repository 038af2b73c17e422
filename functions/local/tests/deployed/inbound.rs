//! Mail in through the SES path on moto: each corpus message is stored in the files bucket
//! under `mail/inbound/` as the receipt rule stores it, its notification (the sample
//! `events/inbound-mail/received.json`, an SNS envelope around SES's notification) is sent to
//! the queue the topic feeds, received from it as the event source mapping would, and handed to
//! the running function; then the table and the bucket are read back through the deployed
//! wiring and held to the same expectations as the local listener's.

use std::sync::Arc;

use kt_app::wiring::aws::{AwsWiring, Env};
use kt_domain::identity::TenantId;
use kt_platform::SystemClock;
use kt_test_support::mail_corpus::{CASES, check, message, newest};
use serde_json::json;

use super::template::{Function, Resolved};
use super::{Running, batch_failures, moto, sample};

pub const SAMPLE: &str = "inbound-mail/received.json";

pub async fn replay(running: &mut Running, f: &Function, r: &Resolved, domain: &str, acme: &TenantId) {
    let sdk = kt_platform::aws::emulator_config(&moto()).await;
    let s3 = aws_sdk_s3::Client::new(&sdk);
    let sqs = aws_sdk_sqs::Client::new(&sdk);
    let bucket = r.refs["FilesBucket"].clone();
    let queue = r.refs["InboundMailQueue"].clone();
    let mut env: Vec<(String, String)> = f.env.clone().into_iter().collect();
    env.push(("AWS_ENDPOINT_URL".into(), moto()));
    let app = AwsWiring::new(Env::from_pairs(env), Arc::new(SystemClock))
        .await
        .expect("wiring")
        .blobs()
        .expect("blobs")
        .data_key()
        .await
        .expect("data key")
        .build();
    let to = format!("acme@in.{domain}");
    let stamp = ulid::Ulid::new().to_string();
    let mut thread: Option<String> = None;
    for case in CASES {
        let id = ulid::Ulid::new().to_string().to_lowercase();
        let raw = message(case, "dana@globex.test", &to, domain, &stamp, thread.as_deref());
        s3.put_object()
            .bucket(&bucket)
            .key(format!("mail/inbound/{id}"))
            .body(raw.into())
            .send()
            .await
            .expect("the receipt rule's S3 action");
        let now = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).expect("time");
        let fill = vec![
            ("__SES_MESSAGE_ID__".to_owned(), id.clone()),
            ("__PORTAL_DOMAIN__".to_owned(), domain.to_owned()),
            ("__FILES_BUCKET__".to_owned(), bucket.clone()),
            ("__SUBJECT__".to_owned(), case.file.to_owned()),
            ("2026-12-01T10:00:00.000Z".to_owned(), now),
        ];
        let notification = sample(SAMPLE, &fill)["Records"][0]["body"].as_str().expect("body").to_owned();
        sqs.send_message().queue_url(&queue).message_body(notification).send().await.expect("SNS -> SQS");
        let got = sqs
            .receive_message()
            .queue_url(&queue)
            .max_number_of_messages(1)
            .wait_time_seconds(2)
            .send()
            .await
            .expect("receive");
        let m = got.messages().first().expect("the notification is queued");
        let event = json!({"Records": [{
            "messageId": m.message_id(),
            "receiptHandle": m.receipt_handle(),
            "body": m.body(),
            "attributes": {"ApproximateReceiveCount": "1"},
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": format!("arn:aws:sqs:us-east-1:123456789012:{}", queue.rsplit('/').next().unwrap_or_default()),
            "awsRegion": "us-east-1",
        }]});
        let answer = running.invoke(f, event).await;
        assert!(batch_failures(&answer).is_empty(), "{}: {answer:?}", case.file);
        sqs.delete_message()
            .queue_url(&queue)
            .receipt_handle(m.receipt_handle().unwrap_or_default())
            .send()
            .await
            .expect("delete");
        let received = newest(&app, acme).await;
        assert_eq!(received.raw_key, format!("mail/inbound/{id}"), "{}", case.file);
        assert_eq!(received.verdicts.dmarc, kt_domain::mail::inbound::Verdict::Pass, "SES's verdicts are kept");
        if let Some(t) = check(&app, acme, case, &received, thread.as_deref()).await
            && thread.is_none()
        {
            thread = Some(t);
        }
    }
    // A body that is no notification is reported for SQS to retry (then its DLQ).
    let answer = running
        .invoke(
            f,
            json!({"Records": [{"messageId": "junk", "receiptHandle": "h", "body": "{}", "eventSource": "aws:sqs"}]}),
        )
        .await;
    assert_eq!(batch_failures(&answer), vec!["junk".to_owned()]);
}
