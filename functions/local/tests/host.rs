//! Drives the real `portal` binary: readiness, the API documents, `/ws`, presigned blob URLs,
//! the mail outbox, and "nothing lost" across a SIGKILL between a write and its relay.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use kt_app::{mail, outbox};
use kt_platform::blobs::LocalBlobs;
use kt_platform::{Blobs, Mail, MailAddress, SystemClock, UploadSpec};
use kt_store::{Cond, Item, Key, SqliteStore, TxOp};
use tokio_tungstenite::tungstenite::Message;

const SIGNING_KEY: &str = "test-signing-key-0123456789abcdef0123456789";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

struct Portal {
    child: Child,
    port: u16,
}

impl Portal {
    /// Starts `portal serve` on `port` with `configure` adding flags and environment, and
    /// waits until it answers its health check.
    async fn spawn(port: u16, configure: impl FnOnce(&mut Command)) -> Portal {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_portal"));
        cmd.args(["serve", "--port", &port.to_string(), "--web-dist", "/nonexistent"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        configure(&mut cmd);
        let portal = Portal { child: cmd.spawn().expect("spawn portal"), port };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = reqwest::get(portal.url("/api/v1/health")).await
                && r.status().is_success()
            {
                return portal;
            }
            assert!(Instant::now() < deadline, "portal did not become ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn start(data_dir: &Path, port: u16) -> Portal {
        Portal::spawn(port, |cmd| {
            cmd.args(["--backend", "local", "--data-dir"]).arg(data_dir).env("PORTAL_SIGNING_KEY", SIGNING_KEY);
        })
        .await
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn kill(mut self) {
        // SIGKILL: no graceful shutdown, no chance to flush anything.
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_health_docs_status_page_and_problems() {
    let dir = tempfile::tempdir().expect("tmp");
    let portal = Portal::start(dir.path(), free_port()).await;

    let health: serde_json::Value =
        reqwest::get(portal.url("/api/v1/health")).await.expect("health").json().await.expect("json");
    assert_eq!((health["status"].as_str(), health["store"].as_str()), (Some("ok"), Some("sqlite")));

    let doc: serde_json::Value =
        reqwest::get(portal.url("/api/v1/openapi.json")).await.expect("doc").json().await.expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")));
    assert!(doc["paths"]["/api/v1/health"]["get"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    let docs = reqwest::get(portal.url("/api/docs/")).await.expect("docs");
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.expect("html").contains("swagger"), "browsable docs are served offline");

    let page = reqwest::get(portal.url("/")).await.expect("page");
    assert!(page.headers().contains_key("x-request-id"));
    let html = page.text().await.expect("html");
    assert!(html.contains("KT-Portal is running") && html.contains("/api/docs/"));

    let missing = reqwest::get(portal.url("/api/v1/no-such-route")).await.expect("404");
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = missing.json().await.expect("json");
    assert_eq!(problem["status"], 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_answers_and_presigned_urls_work_over_http() {
    let dir = tempfile::tempdir().expect("tmp");
    let portal = Portal::start(dir.path(), free_port()).await;

    let (mut ws, _) =
        tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{}/ws", portal.port)).await.expect("ws connect");
    let hello: serde_json::Value = match ws.next().await.expect("hello").expect("frame") {
        Message::Text(t) => serde_json::from_str(&t).expect("json"),
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(hello["type"], "hello");
    assert!(hello["connection_id"].as_str().is_some_and(|id| !id.is_empty()));
    ws.send(Message::Text(r#"{"type":"ping"}"#.into())).await.expect("send");
    let pong: serde_json::Value = match ws.next().await.expect("pong").expect("frame") {
        Message::Text(t) => serde_json::from_str(&t).expect("json"),
        other => panic!("unexpected {other:?}"),
    };
    assert_eq!(pong["type"], "pong");

    // A client of the same signing key (as the API will be) presigns; the host checks.
    let blobs = LocalBlobs::new(
        dir.path().join("files"),
        portal.url(""),
        SIGNING_KEY.as_bytes().to_vec(),
        Arc::new(SystemClock),
    );
    let spec = UploadSpec {
        key: "tenants/acme/uploads/report.txt".into(),
        content_type: "text/plain".into(),
        size: 11,
        max_size: 100,
        expires_in: Duration::from_secs(60),
    };
    let up = blobs.presign_upload(&spec).await.expect("presign");
    let client = reqwest::Client::new();
    let put = |url: String, body: &'static str| {
        let req = client.put(url).header("content-type", "text/plain").body(body);
        async move { req.send().await.expect("put").status() }
    };
    assert_eq!(put(up.url.clone(), "too long body").await, 400);
    assert_eq!(put(up.url.replace("len=11", "len=13"), "too long body").await, 403);
    assert_eq!(put(up.url.clone(), "hello world").await, 200);
    let url = blobs.presign_download(&spec.key, Duration::from_secs(60), Some("report.txt")).await.expect("presign");
    let got = reqwest::get(&url).await.expect("get");
    assert_eq!(got.status(), 200);
    assert!(got.headers()["content-disposition"].to_str().expect("ascii").contains("report.txt"));
    assert_eq!(got.text().await.expect("body"), "hello world");
}

fn welcome_mail(subject: &str) -> Mail {
    Mail {
        from: MailAddress::new(Some("Kre8ivTech"), "no-reply@kt.test"),
        to: vec![MailAddress::new(None, "dana@client.test")],
        reply_to: None,
        subject: subject.into(),
        text: "Welcome aboard".into(),
        html: None,
        attachments: vec![],
        headers: vec![],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_written_before_a_sigkill_is_delivered_after_restart() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let portal = Portal::start(dir.path(), port).await;
    portal.kill();

    // The host died between a committed write and its relay: the change and its event are in
    // the database, nothing has reached the queue.
    let store = SqliteStore::open(dir.path().join("portal.db"), Arc::new(SystemClock)).expect("open store");
    let event = mail::requested(
        ulid::Ulid::new(),
        Some("kt".into()),
        time::OffsetDateTime::now_utc(),
        &welcome_mail("Survives SIGKILL"),
    )
    .expect("event");
    let change =
        TxOp::Put { item: Item::new(Key::new("T#kt#USER#1", "PROFILE"), Default::default()), cond: Cond::NotExists };
    outbox::commit(&store, vec![change], vec![(mail::QUEUE, event)]).await.expect("commit");
    drop(store);

    let portal = Portal::start(dir.path(), port).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = reqwest::get(portal.url("/dev/mail")).await.expect("outbox").text().await.expect("html");
        if list.contains("Survives SIGKILL") {
            break;
        }
        assert!(Instant::now() < deadline, "the event was lost: no mail after restart");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Delivered exactly once, and readable as a MIME message.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let list = reqwest::get(portal.url("/dev/mail")).await.expect("outbox").text().await.expect("html");
    assert_eq!(list.matches("Survives SIGKILL").count(), 1);
    let id = list.split("/dev/mail/").nth(1).and_then(|s| s.split('"').next()).expect("link");
    let raw = reqwest::get(portal.url(&format!("/dev/mail/{id}"))).await.expect("raw").text().await.expect("eml");
    assert!(raw.contains("Subject: Survives SIGKILL") && raw.contains("Message-ID: <"));
    // The SMS outbox answers JSON (no text sent yet).
    let texts: serde_json::Value = reqwest::get(portal.url("/dev/sms")).await.expect("sms").json().await.expect("json");
    assert_eq!(texts, serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_host_runs_on_the_aws_adapters() {
    let endpoint = std::env::var("MOTO_ENDPOINT")
        .expect("MOTO_ENDPOINT is not set: run through scripts/test, which starts the moto server");
    let dir = tempfile::tempdir().expect("tmp");
    let port = free_port();
    let run = ulid::Ulid::new().to_string().to_lowercase();
    let portal = Portal::spawn(port, |cmd| {
        cmd.args(["--backend", "aws", "--data-dir"])
            .arg(dir.path())
            .env("AWS_ENDPOINT_URL", &endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("PORTAL_TABLE", format!("host-{run}"))
            .env("PORTAL_BUCKET", format!("host-{run}"))
            .env("PORTAL_QUEUE_PREFIX", format!("host-{run}-"))
            .env("PORTAL_MAIL_FROM", "no-reply@kt.test")
            .env("PORTAL_JWT_SECRET", "host-test-jwt-secret-0123456789abcdef")
            .env("PORTAL_DATA_KEY", "host-test-data-key-0123456789abcdef");
    })
    .await;
    let health: serde_json::Value =
        reqwest::get(portal.url("/api/v1/health")).await.expect("health").json().await.expect("json");
    assert_eq!(health["store"], "dynamodb");
    // Only local adapters have local-only routes.
    assert_eq!(reqwest::get(portal.url("/dev/mail")).await.expect("outbox").status(), 404);
    assert_eq!(reqwest::get(portal.url("/dev/sms")).await.expect("sms outbox").status(), 404);
}
