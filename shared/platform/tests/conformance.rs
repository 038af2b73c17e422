//! Conformance suites for the platform ports, run against the local adapters always and the
//! AWS adapters on the moto server (`MOTO_ENDPOINT`, started by `scripts/test`). Test names
//! carry the adapter (`local::...`, `aws::...`).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use kt_domain::identity::PhoneNumber;
use kt_platform::blobs::{LocalBlobs, S3Blobs, SignedParams};
use kt_platform::mailer::{LocalMailer, SesMailer};
use kt_platform::queue::{LocalQueue, MAX_RECEIVES, SqsQueue};
use kt_platform::sms::{LocalSms, MAX_SMS_CHARS, SnsSms};
use kt_platform::*;

fn moto() -> String {
    std::env::var("MOTO_ENDPOINT")
        .expect("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server")
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", ulid::Ulid::new().to_string().to_lowercase())
}

/// How a test client uses a presigned upload: over HTTP for S3, through the host's handler for
/// local blobs (the host route itself is exercised by the portal's tests).
enum Uploader {
    Http,
    Local(LocalBlobs),
}

impl Uploader {
    async fn upload(&self, url: &str, p: &PresignedUpload, key: &str, body: &'static [u8]) -> Result<(), String> {
        match self {
            Uploader::Http => {
                let client = reqwest::Client::new();
                let mut req = client.request(p.method.parse().map_err(|e| format!("{e}"))?, url);
                for (k, v) in &p.headers {
                    req = req.header(k, v);
                }
                let res = req.body(body).send().await.map_err(|e| e.to_string())?;
                if res.status().is_success() { Ok(()) } else { Err(format!("status {}", res.status())) }
            }
            Uploader::Local(blobs) => {
                let params = params_of(url);
                let ct = p.headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.as_str());
                blobs.accept_upload(key, &params, ct, Bytes::from_static(body)).await.map_err(|e| e.to_string())
            }
        }
    }

    async fn download(&self, url: &str, key: &str) -> Result<Vec<u8>, String> {
        match self {
            Uploader::Http => {
                let res = reqwest::get(url).await.map_err(|e| e.to_string())?;
                if !res.status().is_success() {
                    return Err(format!("status {}", res.status()));
                }
                Ok(res.bytes().await.map_err(|e| e.to_string())?.to_vec())
            }
            Uploader::Local(blobs) => {
                let (blob, _) = blobs.serve_download(key, &params_of(url)).await.map_err(|e| e.to_string())?;
                Ok(blob.bytes.to_vec())
            }
        }
    }
}

fn params_of_any(url: &str, name: &str) -> Option<String> {
    url::Url::parse(url).ok()?.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

fn params_of(url: &str) -> SignedParams {
    let parsed = url::Url::parse(url).expect("url");
    let q: std::collections::HashMap<String, String> = parsed.query_pairs().into_owned().collect();
    SignedParams {
        op: q.get("op").cloned().unwrap_or_default(),
        exp: q.get("exp").and_then(|e| e.parse().ok()).unwrap_or_default(),
        len: q.get("len").and_then(|e| e.parse().ok()),
        ct: q.get("ct").cloned(),
        name: q.get("name").cloned(),
        sig: q.get("sig").cloned().unwrap_or_default(),
    }
}

async fn blobs_suite(blobs: &dyn Blobs, uploader: Uploader) {
    let key = "tenants/acme/tickets/01/report.txt";
    assert_eq!(blobs.get(key).await.expect("get"), None);
    blobs.put(key, Bytes::from_static(b"hello"), "text/plain").await.expect("put");
    blobs.put("tenants/acme/logo.png", Bytes::from_static(b"\x89PNG"), "image/png").await.expect("put");
    blobs.put("tenants/other/x.txt", Bytes::from_static(b"x"), "text/plain").await.expect("put");
    let got = blobs.get(key).await.expect("get").expect("present");
    assert_eq!((got.bytes.as_ref(), got.content_type.as_str()), (&b"hello"[..], "text/plain"));
    let meta = blobs.head(key).await.expect("head").expect("present");
    assert_eq!(meta.size, 5);
    let listed: Vec<String> = blobs.list("tenants/acme/").await.expect("list").into_iter().map(|m| m.key).collect();
    assert_eq!(listed, vec!["tenants/acme/logo.png", key]);
    blobs.delete(key).await.expect("delete");
    assert_eq!(blobs.head(key).await.expect("head"), None);
    assert!(matches!(blobs.put("../escape", Bytes::new(), "text/plain").await, Err(BlobError::BadKey(_))));

    // Presigned upload: the declared size is checked before any URL exists.
    let spec = |size| UploadSpec {
        key: "tenants/acme/uploads/01/notes.txt".into(),
        content_type: "text/plain".into(),
        size,
        max_size: 10,
        expires_in: Duration::from_secs(300),
    };
    assert!(matches!(blobs.presign_upload(&spec(11)).await, Err(BlobError::TooLarge { size: 11, max: 10 })));
    let up = blobs.presign_upload(&spec(9)).await.expect("presign");
    assert_eq!(up.method, "PUT");
    uploader.upload(&up.url, &up, "tenants/acme/uploads/01/notes.txt", b"nine byte").await.expect("upload");
    let stored = blobs.head("tenants/acme/uploads/01/notes.txt").await.expect("head").expect("uploaded");
    assert_eq!(stored.size, 9);
    let url = blobs
        .presign_download("tenants/acme/uploads/01/notes.txt", Duration::from_secs(60), Some("notes.txt"))
        .await
        .expect("presign download");
    assert_eq!(uploader.download(&url, "tenants/acme/uploads/01/notes.txt").await.expect("download"), b"nine byte");
}

async fn queue_suite(queue: &dyn Queue) {
    let vis = Duration::from_secs(1);
    let wait = Duration::from_secs(1);
    assert!(matches!(queue.send("nope", "x", Duration::ZERO).await, Err(QueueError::UnknownQueue(_))));
    assert!(matches!(queue.send("events", &"x".repeat(300_000), Duration::ZERO).await, Err(QueueError::TooLarge(_))));

    // Send, receive, ack: delivered once.
    queue.send("events", "one", Duration::ZERO).await.expect("send");
    let got = queue.receive("events", 10, vis, wait).await.expect("receive");
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].body.as_str(), got[0].receive_count), ("one", 1));
    assert!(
        queue.receive("events", 10, vis, Duration::ZERO).await.expect("receive").is_empty(),
        "hidden while in flight"
    );
    queue.ack("events", &got[0].receipt).await.expect("ack");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(queue.receive("events", 10, vis, Duration::ZERO).await.expect("receive").is_empty(), "acked is gone");

    // Not acked: redelivered after the visibility timeout with a higher receive count.
    queue.send("email", "two", Duration::ZERO).await.expect("send");
    let first = queue.receive("email", 1, vis, wait).await.expect("receive");
    assert_eq!(first.len(), 1);
    let again = queue.receive("email", 1, vis, Duration::from_secs(3)).await.expect("receive");
    assert_eq!(again.len(), 1);
    assert_eq!((again[0].body.as_str(), again[0].receive_count), ("two", 2));
    // retry_after(0) makes it visible at once.
    queue.retry_after("email", &again[0].receipt, Duration::ZERO).await.expect("retry");
    let third = queue.receive("email", 1, vis, wait).await.expect("receive");
    assert_eq!(third.first().map(|m| m.receive_count), Some(3));
    queue.ack("email", &third[0].receipt).await.expect("ack");

    // Delay.
    queue.send("email", "later", Duration::from_secs(2)).await.expect("send");
    assert!(queue.receive("email", 1, vis, Duration::ZERO).await.expect("receive").is_empty(), "delayed");
    let later = queue.receive("email", 1, vis, Duration::from_secs(4)).await.expect("receive");
    assert_eq!(later.first().map(|m| m.body.as_str()), Some("later"));
    queue.ack("email", &later[0].receipt).await.expect("ack");

    // Batches: up to ten bodies in one call, each with its id.
    let bodies: Vec<String> = (0..10).map(|i| format!("b{i}")).collect();
    let sent = queue.send_batch("email", &bodies).await.expect("batch");
    assert_eq!(sent.iter().filter(|r| r.is_ok()).count(), 10);
    assert!(matches!(queue.send_batch("email", &[]).await, Err(QueueError::BatchSize(0))));
    let eleven: Vec<String> = (0..11).map(|i| i.to_string()).collect();
    assert!(matches!(queue.send_batch("email", &eleven).await, Err(QueueError::BatchSize(11))));
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 10 {
        let got = queue.receive("email", 10, vis, wait).await.expect("receive");
        assert!(!got.is_empty(), "every batched message arrives");
        for m in got {
            seen.insert(m.body.clone());
            queue.ack("email", &m.receipt).await.expect("ack");
        }
    }
    assert_eq!(seen, bodies.iter().cloned().collect());

    // Dead-letter after MAX_RECEIVES receives: twelve poison messages (more than one receive
    // returns), listed each once, replayed one by id, then the rest.
    let poison: Vec<String> = (0..12).map(|i| format!("poison{i:02}")).collect();
    queue.send_batch("events", &poison[..10]).await.expect("send");
    queue.send_batch("events", &poison[10..]).await.expect("send");
    let hold = Duration::from_secs(30);
    for n in 1..=MAX_RECEIVES {
        // Each round receives every message once (held meanwhile), then lets them all go.
        let mut this_round = Vec::new();
        while this_round.len() < poison.len() {
            let got = queue.receive("events", 10, hold, Duration::from_secs(3)).await.expect("receive");
            assert!(!got.is_empty(), "round {n}: {} of {} received", this_round.len(), poison.len());
            for m in got {
                assert_eq!(m.receive_count, n, "receive {n} of {}", m.body);
                this_round.push(m.receipt);
            }
        }
        for receipt in this_round {
            queue.retry_after("events", &receipt, Duration::ZERO).await.expect("nack");
        }
    }
    assert!(
        queue.receive("events", 1, vis, Duration::from_secs(1)).await.expect("receive").is_empty(),
        "dead-lettered"
    );
    let dead = queue.dead_letters("events", 100).await.expect("dlq");
    let mut bodies: Vec<&str> = dead.iter().map(|d| d.body.as_str()).collect();
    bodies.sort_unstable();
    assert_eq!(bodies, poison.iter().map(String::as_str).collect::<Vec<_>>(), "each dead letter listed once");
    assert_eq!(queue.dead_letters("events", 100).await.expect("dlq").len(), 12, "listing leaves them in place");
    assert_eq!(queue.dead_letters("events", 5).await.expect("dlq").len(), 5, "at most max");

    let one = dead.iter().find(|d| d.body == "poison03").expect("listed");
    assert!(queue.replay_dead_letter("events", &one.id).await.expect("replay one"));
    assert!(!queue.replay_dead_letter("events", &one.id).await.expect("replay again"), "already replayed");
    let back = queue.receive("events", 1, vis, Duration::from_secs(2)).await.expect("receive");
    assert_eq!(back.first().map(|m| (m.body.as_str(), m.receive_count)), Some(("poison03", 1)));
    queue.ack("events", &back[0].receipt).await.expect("ack");

    assert_eq!(queue.replay_dead_letters("events", 100).await.expect("replay"), 11);
    assert!(queue.dead_letters("events", 100).await.expect("dlq").is_empty());
    let mut replayed = std::collections::BTreeSet::new();
    while replayed.len() < 11 {
        let got = queue.receive("events", 10, vis, Duration::from_secs(2)).await.expect("receive");
        assert!(!got.is_empty(), "replayed messages arrive");
        for m in got {
            replayed.insert(m.body.clone());
            queue.ack("events", &m.receipt).await.expect("ack");
        }
    }
    assert!(!replayed.contains("poison03"));
}

fn sample_mail(from: &str) -> Mail {
    Mail {
        from: MailAddress::new(Some("Acme Support"), from),
        to: vec![MailAddress::new(Some("Dana"), "dana@client.test")],
        reply_to: Some(MailAddress::new(None, "reply@acme.test")),
        subject: "Ticket KT-1001 updated".into(),
        text: "Plain body".into(),
        html: Some("<p>HTML body</p>".into()),
        attachments: vec![Attachment {
            filename: "a.txt".into(),
            content_type: "text/plain".into(),
            bytes: b"att".to_vec(),
        }],
        headers: vec![],
        thread: None,
        // SES reports bounces and complaints with these (a value SES would refuse is left out).
        tags: vec![("tenant".into(), "01JD9Z8Q6W3K2M4N5P6R7S8T9W".into()), ("bad".into(), "a b".into())],
    }
}

/// What every Sms adapter does: sends a code, refuses an over-long text and an opted-out
/// number (the emulated SNS treats numbers ending in 99 as opted out; the local outbox too).
async fn sms_suite(sms: &dyn Sms) -> String {
    let to = PhoneNumber::parse("+15555550123").expect("phone");
    let id = sms.send(&to, "Your Acme sign-in code is 123456").await.expect("send");
    assert!(!id.is_empty());
    assert!(matches!(sms.send(&to, &"x".repeat(MAX_SMS_CHARS + 1)).await, Err(SmsError::TooLong)));
    let stopped = PhoneNumber::parse("+15555550199").expect("phone");
    match sms.send(&stopped, "code").await {
        Err(SmsError::OptedOut(hint)) => assert!(hint.ends_with("99") && !hint.contains("555")),
        other => panic!("an opted-out number must be refused, got {other:?}"),
    }
    id
}

mod local {
    use super::*;

    #[tokio::test]
    async fn sms_writes_to_the_outbox() {
        let dir = tempfile::tempdir().expect("tmp");
        let sms = LocalSms::new(dir.path(), clock());
        let id = sms_suite(&sms).await;
        let sent = sms.list().await.expect("list");
        assert_eq!(sent.len(), 1, "refused texts leave nothing behind");
        assert_eq!((sent[0].id.as_str(), sent[0].to.as_str()), (id.as_str(), "+15555550123"));
        assert!(sent[0].body.contains("123456"));
    }

    fn clock() -> Arc<dyn Clock> {
        Arc::new(SystemClock)
    }

    #[tokio::test]
    async fn blobs() {
        let dir = tempfile::tempdir().expect("tmp");
        let blobs = LocalBlobs::new(dir.path(), "http://localhost:3000", b"k".repeat(32), clock());
        blobs_suite(&blobs, Uploader::Local(blobs.clone())).await;
    }

    #[tokio::test]
    async fn presigned_urls_are_checked() {
        let dir = tempfile::tempdir().expect("tmp");
        let manual = Arc::new(ManualClock::starting_now());
        let blobs = LocalBlobs::new(dir.path(), "http://localhost:3000", b"k".repeat(32), manual.clone());
        let spec = UploadSpec {
            key: "a/b.txt".into(),
            content_type: "text/plain".into(),
            size: 3,
            max_size: 3,
            expires_in: Duration::from_secs(60),
        };
        let up = blobs.presign_upload(&spec).await.expect("presign");
        assert!(up.url.starts_with("http://localhost:3000/blobs/a/b.txt?"));
        let params = params_of(&up.url);
        let body = || Bytes::from_static(b"abc");
        assert!(matches!(
            blobs.accept_upload("a/b.txt", &params, Some("text/plain"), Bytes::from_static(b"abcd")).await,
            Err(BlobError::Mismatch(_))
        ));
        assert!(matches!(
            blobs.accept_upload("a/b.txt", &params, Some("text/html"), body()).await,
            Err(BlobError::Mismatch(_))
        ));
        assert!(matches!(
            blobs.accept_upload("a/other.txt", &params, Some("text/plain"), body()).await,
            Err(BlobError::BadSignature)
        ));
        let mut forged = params.clone();
        forged.len = Some(3_000_000);
        assert!(matches!(
            blobs.accept_upload("a/b.txt", &forged, Some("text/plain"), body()).await,
            Err(BlobError::BadSignature)
        ));
        assert_eq!(blobs.head("a/b.txt").await.expect("head"), None, "nothing stored by refused uploads");
        manual.advance(time::Duration::seconds(61));
        assert!(matches!(
            blobs.accept_upload("a/b.txt", &params, Some("text/plain"), body()).await,
            Err(BlobError::Expired)
        ));
        let dl = blobs.presign_download("a/b.txt", Duration::from_secs(60), None).await.expect("presign");
        assert!(matches!(blobs.serve_download("a/b.txt", &params_of(&dl)).await, Err(BlobError::NotFound)));
        assert!(
            matches!(blobs.verify("a/b.txt", "put", &params_of(&dl)), Err(BlobError::BadSignature)),
            "a download link is not an upload link"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queue() {
        let dir = tempfile::tempdir().expect("tmp");
        let queue = LocalQueue::open(dir.path().join("q.db"), clock(), MAX_RECEIVES).expect("open");
        queue_suite(&queue).await;
    }

    #[tokio::test]
    async fn mailer_writes_eml_to_the_outbox() {
        let dir = tempfile::tempdir().expect("tmp");
        let mailer = LocalMailer::new(dir.path(), clock());
        let sent = mailer.send(&sample_mail("support@acme.test")).await.expect("send");
        assert!(sent.message_id.ends_with("@acme.test"));
        let list = mailer.list().await.expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].subject, "Ticket KT-1001 updated");
        assert_eq!(list[0].to, vec!["dana@client.test"]);
        let raw = String::from_utf8(mailer.read(&list[0].id).await.expect("read").expect("present")).expect("utf8");
        assert!(raw.contains(&format!("Message-ID: <{}>", sent.message_id)));
        assert!(raw.contains("multipart/alternative") && raw.contains("HTML body") && raw.contains("a.txt"));
        assert_eq!(mailer.read("../../etc/passwd").await.expect("read"), None);
        let mut bad = sample_mail("support@acme.test");
        bad.to.clear();
        assert!(matches!(mailer.send(&bad).await, Err(MailError::NoRecipient)));
        assert_eq!(mailer.list().await.expect("list").len(), 1, "nothing written for a refused mail");
    }

    #[tokio::test]
    async fn push_reaches_registered_connections_and_reports_gone_ones() {
        let hub = push::Hub::new();
        let mut conn = hub.register();
        hub.send(&conn.id, r#"{"type":"queue.position","position":3}"#).await.expect("push");
        let got = conn.messages.recv().await.expect("message");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&got).expect("json")["position"], 3);
        // Many at once: one result per message, in order; a gone connection is named as such.
        let other = hub.register();
        let batch = vec![
            (conn.id.clone(), "1".to_owned()),
            ("no-such-connection".to_owned(), "2".to_owned()),
            (conn.id.clone(), "3".to_owned()),
        ];
        let results = hub.send_many(&batch).await;
        assert!(results[0].is_ok() && results[2].is_ok());
        assert!(matches!(results[1], Err(PushError::Gone)));
        assert_eq!(conn.messages.recv().await.as_deref(), Some("1"));
        assert_eq!(conn.messages.recv().await.as_deref(), Some("3"));
        drop(other);
        let id = conn.id.clone();
        drop(conn);
        assert!(matches!(hub.send(&id, "{}").await, Err(PushError::Gone)));
        assert!(hub.is_empty());
    }
}

mod aws {
    use super::*;

    async fn config() -> aws_config::SdkConfig {
        kt_platform::aws::emulator_config(&moto()).await
    }

    #[tokio::test]
    async fn sms_publishes_through_sns() {
        let sms = SnsSms::new(&config().await, Some("Acme".into()));
        let id = sms_suite(&sms).await;
        // SNS message ids are UUIDs.
        assert_eq!(id.len(), 36, "{id}");
    }

    #[tokio::test]
    async fn blobs() {
        let blobs = S3Blobs::new(&config().await, unique("files"));
        blobs.ensure_bucket().await.expect("bucket");
        let spec = UploadSpec {
            key: "signed/headers.txt".into(),
            content_type: "text/plain".into(),
            size: 5,
            max_size: 5,
            expires_in: Duration::from_secs(60),
        };
        let up = blobs.presign_upload(&spec).await.expect("presign");
        // The length is signed: S3 refuses a body of any other size.
        let signed = params_of_any(&up.url, "X-Amz-SignedHeaders").unwrap_or_default();
        assert!(signed.split(';').any(|h| h == "content-length"), "signed headers: {signed}");
        assert!(up.headers.contains(&("content-length".to_owned(), "5".to_owned())));
        blobs_suite(&blobs, Uploader::Http).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queue() {
        let queue = SqsQueue::new(&config().await, format!("{}-", unique("q")));
        queue.ensure_queues(MAX_RECEIVES).await.expect("queues");
        queue_suite(&queue).await;
    }

    #[tokio::test]
    async fn mailer_sends_raw_mime_through_ses() {
        let conf = config().await;
        let mailer = SesMailer::new(&conf);
        let from = format!("{}@acme.test", unique("support"));
        // An unverified sender is refused, as SES does.
        assert!(matches!(mailer.send(&sample_mail(&from)).await, Err(MailError::Unavailable(_))));
        mailer.ensure_identity(&from).await.expect("identity");
        let sent = mailer.send(&sample_mail(&from)).await.expect("send");
        assert!(sent.message_id.ends_with("@acme.test"));
    }

    #[tokio::test]
    async fn push_posts_to_the_management_api() {
        let push = push::ApiGatewayPush::new(&config().await, &moto());
        push.send("conn-1", r#"{"type":"ping"}"#).await.expect("post");
    }

    #[test]
    fn a_410_from_api_gateway_means_gone() {
        use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
        use aws_sdk_apigatewaymanagement::types::error::{ForbiddenException, GoneException};
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::client::result::SdkError;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;

        let response = |status: u16| HttpResponse::new(StatusCode::try_from(status).expect("status"), SdkBody::empty());
        let gone = SdkError::service_error(
            PostToConnectionError::GoneException(GoneException::builder().build()),
            response(410),
        );
        assert!(matches!(push::map_post_error(gone), PushError::Gone));
        let forbidden = SdkError::service_error(
            PostToConnectionError::ForbiddenException(ForbiddenException::builder().build()),
            response(403),
        );
        assert!(matches!(push::map_post_error(forbidden), PushError::Unavailable(_)));
    }
}
