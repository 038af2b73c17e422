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

    // A method a route does not take is a problem too, naming the methods it takes.
    let wrong = reqwest::Client::new().delete(portal.url("/api/v1/health")).send().await.expect("405");
    assert_eq!(wrong.status(), 405);
    assert_eq!(wrong.headers()["content-type"], "application/problem+json");
    assert!(wrong.headers()["allow"].to_str().expect("allow").contains("GET"));
    let problem: serde_json::Value = wrong.json().await.expect("json");
    assert_eq!((problem["status"].as_u64(), problem["detail"].as_str().is_some()), (Some(405), true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_answers_and_presigned_urls_work_over_http() {
    let dir = tempfile::tempdir().expect("tmp");
    seed(dir.path()).await;
    let portal = Portal::start(dir.path(), free_port()).await;

    // Without a session the upgrade is refused.
    let refused = tokio_tungstenite::connect_async(ws_request(&portal, "acme.localhost", None)).await;
    assert!(refused.is_err(), "an anonymous upgrade is refused");
    let dana = sign_in_http(&portal, "acme.localhost", "dana@globex.test", "Globex-Demo-Client-2026").await;
    let mut ws = connect_ws(&portal, "acme.localhost", &dana).await;
    let hello = next_json(&mut ws).await;
    assert_eq!(hello["type"], "hello");
    assert!(hello["connection_id"].as_str().is_some_and(|id| !id.is_empty()));
    ws.send(Message::Text(r#"{"type":"ping"}"#.into())).await.expect("send");
    assert_eq!(next_json(&mut ws).await["type"], "pong");

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

    // A partner portal's page may use the URLs (the bucket's CORS rules, locally): the
    // browser's pre-check is answered for the portals' origins only.
    let preflight = |origin: &'static str| {
        let req = client
            .request(reqwest::Method::OPTIONS, up.url.clone())
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "content-type");
        async move { req.send().await.expect("preflight") }
    };
    let ok = preflight("http://acme.localhost:3000").await;
    assert_eq!(ok.status(), 204);
    assert_eq!(ok.headers()["access-control-allow-origin"], "http://acme.localhost:3000");
    assert!(ok.headers()["access-control-allow-methods"].to_str().expect("ascii").contains("PUT"));
    assert_eq!(preflight("http://evil.example").await.status(), 403);
    let cross = client.get(&url).header("origin", "http://acme.localhost:3000").send().await.expect("get");
    assert_eq!(cross.headers()["access-control-allow-origin"], "http://acme.localhost:3000");
    let foreign = client.get(&url).header("origin", "http://notlocalhost").send().await.expect("get");
    assert!(foreign.headers().get("access-control-allow-origin").is_none());
}

/// Seeds the demo into `data_dir` before a portal starts on it.
async fn seed(data_dir: &Path) {
    let mut settings = kt_app::wiring::Settings::local(data_dir);
    settings.signing_key = Some(SIGNING_KEY.into());
    let wired = kt_app::wiring::wire(&settings).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
}

/// A signed-in browser: its cookie header and CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

/// An HTTP client that reaches `host` (a tenant's portal name) on the portal's port.
fn client_for(portal: &Portal, host: &str) -> reqwest::Client {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], portal.port));
    reqwest::Client::builder().resolve(host, addr).build().expect("client")
}

async fn sign_in_http(portal: &Portal, host: &str, email: &str, password: &str) -> Session {
    let res = client_for(portal, host)
        .post(format!("http://{host}:{}/api/v1/auth/sign-in", portal.port))
        .header("x-requested-with", "test")
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .expect("sign in");
    assert_eq!(res.status(), 200, "{email} signs in");
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().and_then(|v| v.split(';').next()).map(str::to_owned))
        .collect();
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).unwrap_or_default().to_owned();
    Session { cookie: cookies.join("; "), csrf }
}

async fn api(
    portal: &Portal,
    host: &str,
    who: &Session,
    method: reqwest::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let mut req = client_for(portal, host)
        .request(method, format!("http://{host}:{}{path}", portal.port))
        .header("cookie", &who.cookie)
        .header("x-csrf-token", &who.csrf);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

fn ws_request(
    portal: &Portal,
    host: &str,
    who: Option<&Session>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://127.0.0.1:{}/ws", portal.port).into_client_request().expect("request");
    let h = req.headers_mut();
    h.insert("host", format!("{host}:{}", portal.port).parse().expect("host"));
    if let Some(w) = who {
        h.insert("cookie", w.cookie.parse().expect("cookie"));
    }
    req
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect_ws(portal: &Portal, host: &str, who: &Session) -> Socket {
    tokio_tungstenite::connect_async(ws_request(portal, host, Some(who))).await.expect("ws connect").0
}

async fn next_json(ws: &mut Socket) -> serde_json::Value {
    let frame = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.expect("a message in time");
    match frame.expect("open").expect("frame") {
        Message::Text(t) => serde_json::from_str(&t).expect("json"),
        other => panic!("unexpected {other:?}"),
    }
}

/// The next message of `kind` (skipping others).
async fn next_of(ws: &mut Socket, kind: &str) -> serde_json::Value {
    loop {
        let m = next_json(ws).await;
        if m["type"] == kind {
            return m;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_watching_sees_the_position_change_when_staff_take_the_ticket_ahead() {
    let dir = tempfile::tempdir().expect("tmp");
    seed(dir.path()).await;
    let portal = Portal::start(dir.path(), free_port()).await;
    let acme = "acme.localhost";
    let dana = sign_in_http(&portal, acme, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let staff = sign_in_http(&portal, "localhost", "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await;
    let (_, me) = api(&portal, acme, &dana, reqwest::Method::GET, "/api/v1/me", None).await;
    let tickets = format!("/api/v1/tenants/{}/tickets", me["user"]["tenant"].as_str().expect("tenant"));
    let body = |s: &str| {
        Some(serde_json::json!({"subject": s, "description": "x", "priority": "high", "category": "technical_support"}))
    };
    let (s1, ahead) = api(&portal, acme, &dana, reqwest::Method::POST, &tickets, body("Ahead")).await;
    let (s2, mine) = api(&portal, acme, &dana, reqwest::Method::POST, &tickets, body("Mine")).await;
    assert_eq!((s1, s2), (201, 201), "{ahead} {mine}");

    let mut ws = connect_ws(&portal, acme, &dana).await;
    next_of(&mut ws, "hello").await;
    let topic = format!("ticket:{}", mine["id"].as_str().expect("id"));
    ws.send(Message::Text(serde_json::json!({"type": "subscribe", "topic": topic}).to_string().into()))
        .await
        .expect("send");
    assert_eq!(next_json(&mut ws).await["type"], "subscribed");
    let now = next_of(&mut ws, "ticket.position").await;
    assert_eq!(now["label"], "#2 of 2 in the High queue");

    // Staff, on the house portal, take the ticket ahead.
    let ahead_url = format!("{tickets}/{}", ahead["id"].as_str().expect("id"));
    let (status, taken) = api(
        &portal,
        "localhost",
        &staff,
        reqwest::Method::PATCH,
        &ahead_url,
        Some(serde_json::json!({"status": "in_progress"})),
    )
    .await;
    assert_eq!(status, 200, "{taken}");
    // Pushes for the filings may still arrive first (#2 of 2 again): the view converges.
    let moved = loop {
        let m = next_of(&mut ws, "ticket.position").await;
        assert_eq!(m["ticket"], mine["id"]);
        if m["position"] != 2 {
            break m;
        }
    };
    assert_eq!(moved["label"], "#1 of 1 in the High queue");
    assert_eq!(moved["position"], 1);
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
        thread: None,
        tags: vec![],
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
    let event = mail::written(
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

/// Runs the `portal` binary with `args` to completion; its standard output.
fn portal_cli(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_portal")).args(args).output().expect("run portal");
    assert!(out.status.success(), "portal {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[tokio::test]
async fn portal_dlq_lists_dead_letters_with_their_reason_and_replays_them() {
    use kt_app::worker::Dispatcher;
    use kt_platform::queue::MAX_RECEIVES;

    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("path");
    {
        let wired = kt_app::wiring::wire(&kt_app::wiring::Settings::local(dir.path())).await.expect("wire");
        let app = wired.state;
        let dispatcher = Dispatcher::new("events", app.store.clone(), app.clock.clone(), Vec::new());
        app.queue.send("events", r#"{"not":"an event"}"#, Duration::ZERO).await.expect("send");
        for n in 1..=MAX_RECEIVES {
            let got =
                app.queue.receive("events", 1, Duration::from_secs(30), Duration::from_secs(1)).await.expect("receive");
            let m = got.first().unwrap_or_else(|| panic!("receive {n}"));
            dispatcher.process(&m.id, &m.body, Some(m.receive_count)).await;
            app.queue.retry_after("events", &m.receipt, Duration::ZERO).await.expect("nack");
        }
        // The next receive finds it over its receives and leaves it dead, as SQS's redrive does.
        let after = app.queue.receive("events", 1, Duration::from_secs(30), Duration::ZERO).await.expect("receive");
        assert!(after.is_empty(), "dead after {MAX_RECEIVES} receives");
    }

    let listed = portal_cli(&["dlq", "list", "--data-dir", data]);
    assert!(listed.contains("(not an event)"), "{listed}");
    assert!(listed.contains("the message is not an event"), "the reason is shown: {listed}");
    assert!(listed.contains("1 dead letter(s)"), "{listed}");

    let json = portal_cli(&["dlq", "list", "--queue", "events", "--json", "--data-dir", data]);
    let lines: Vec<serde_json::Value> = json.lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(lines.len(), 1, "{json}");
    assert_eq!(lines[0]["queue"], "events");
    assert_eq!(lines[0]["attempts"], MAX_RECEIVES);
    let id = lines[0]["message_id"].as_str().expect("id").to_owned();
    assert_eq!(portal_cli(&["dlq", "list", "--queue", "email", "--json", "--data-dir", data]), "");

    let replayed = portal_cli(&["dlq", "replay", "--queue", "events", "--message", &id, "--data-dir", data]);
    assert_eq!(replayed, "Replayed 1 message(s) to the events queue.\n");
    assert!(portal_cli(&["dlq", "list", "--data-dir", data]).starts_with("No dead letters"));

    let bad = Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(["dlq", "replay", "--queue", "nope", "--data-dir", data])
        .output()
        .expect("run portal");
    assert!(!bad.status.success(), "an unknown queue is refused");
    let said = String::from_utf8_lossy(&bad.stderr);
    assert!(said.contains("--queue: one of: events, email"), "{said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_cut_by_sigkill_at_any_point_files_once_when_retried_with_its_key() {
    const ACME: &str = "acme.localhost";
    let dir = tempfile::tempdir().expect("tmp");
    seed(dir.path()).await;
    let port = free_port();
    let mut portal = Portal::start(dir.path(), port).await;
    let dana = sign_in_http(&portal, ACME, "dana@globex.test", "Globex-Demo-Client-2026").await;
    let (_, me) = api(&portal, ACME, &dana, reqwest::Method::GET, "/api/v1/me", None).await;
    let tickets = format!("/api/v1/tenants/{}/tickets", me["user"]["tenant"].as_str().expect("tenant"));

    let file = |portal: &Portal, key: String, subject: String| {
        let request = client_for(portal, ACME)
            .post(format!("http://{ACME}:{}{tickets}", portal.port))
            .header("cookie", &dana.cookie)
            .header("x-csrf-token", &dana.csrf)
            .header("idempotency-key", key)
            .json(&serde_json::json!({"subject": subject, "description": "Cut short.", "priority": "high", "category": "billing"}));
        async move { request.send().await }
    };
    // The kill lands at different points of the create: before it is read, while it runs, after
    // its commit and before the answer, after the answer.
    let mut filed_before_the_kill = 0;
    for delay_ms in [0, 1, 2, 4, 8, 15, 30, 60] {
        let (key, subject) = (format!("crash-{delay_ms}"), format!("Crash after {delay_ms} ms"));
        let in_flight = tokio::spawn(file(&portal, key.clone(), subject.clone()));
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        portal.kill();
        let _ = in_flight.await;
        portal = Portal::start(dir.path(), port).await;

        let retried = file(&portal, key.clone(), subject.clone()).await.expect("retry");
        assert_eq!(retried.status(), 201, "the retry after a kill at {delay_ms} ms");
        if retried.headers().contains_key("idempotent-replayed") {
            filed_before_the_kill += 1;
        }
        let id = retried.json::<serde_json::Value>().await.expect("json")["id"].clone();
        let again = file(&portal, key, subject.clone()).await.expect("again");
        assert_eq!(again.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
        assert_eq!(again.json::<serde_json::Value>().await.expect("json")["id"], id, "the same ticket");
        let (status, list) =
            api(&portal, ACME, &dana, reqwest::Method::GET, &format!("{tickets}?limit=100"), None).await;
        assert_eq!(status, 200, "{list}");
        let filed =
            list["items"].as_array().expect("items").iter().filter(|t| t["subject"] == subject.as_str()).count();
        assert_eq!(filed, 1, "one ticket for the key after a kill at {delay_ms} ms");
    }
    assert!(filed_before_the_kill > 0, "some kills landed after the commit: their retry was answered from the record");
}
