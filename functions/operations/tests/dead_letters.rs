//! Dead letters end to end on the local host's adapters: messages that failed five deliveries
//! are listed with why (the consumer's own error, or an unreadable body), replayed one by one
//! or all at once, and then handled; only a super admin on the house portal reaches them;
//! bad queries and bodies are refused with the field at fault and change nothing.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::AppState;
use kt_app::identity::sessions::{ClientInfo, sign_in_password};
use kt_app::identity::two_factor::SignIn;
use kt_app::seed::DemoLogin;
use kt_app::wiring::{Settings, wire_with_clock};
use kt_app::worker::{Consumer, Dispatcher, HandlerError};
use kt_domain::identity::Role;
use kt_domain::{DomainEvent, ManualClock};
use kt_platform::queue::MAX_RECEIVES;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use tower::ServiceExt;

const HOUSE: &str = "localhost";
const ACME: &str = "acme.localhost";

/// A consumer that fails until it is fixed.
struct Flaky {
    broken: AtomicBool,
}

#[async_trait]
impl Consumer for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }
    fn wants(&self, kind: &str) -> bool {
        kind == "test.flaky"
    }
    async fn handle(&self, _: &DomainEvent) -> Result<(), HandlerError> {
        if self.broken.load(Ordering::SeqCst) {
            Err(HandlerError("the mail provider refused the sender".into()))
        } else {
            Ok(())
        }
    }
}

struct World {
    _dir: tempfile::TempDir,
    app: AppState,
    clock: Arc<ManualClock>,
    router: Router,
    logins: Vec<DemoLogin>,
    flaky: Arc<Flaky>,
    dispatcher: Dispatcher,
}

async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::starting_now());
    let app = wire_with_clock(&Settings::local(dir.path()), clock.clone()).await.expect("wire").state;
    let logins = kt_app::seed::demo(&app).await.expect("seed");
    let (router, _) = kt_fn_operations::router().split_for_parts();
    let flaky = Arc::new(Flaky { broken: AtomicBool::new(true) });
    let dispatcher =
        Dispatcher::new("events", app.store.clone(), clock.clone(), vec![flaky.clone() as Arc<dyn Consumer>]);
    World { _dir: dir, router: router.with_state(app.clone()), app, clock, logins, flaky, dispatcher }
}

impl World {
    async fn token(&self, role: Role, host: &str) -> String {
        let who = self
            .logins
            .iter()
            .find(|l| l.role == role && l.url.split("//").nth(1).is_some_and(|h| h.starts_with(&format!("{host}:"))))
            .expect("a demo user of the role on the host");
        let tenant = kt_app::identity::tenancy::resolve_host(&self.app, host).await.expect("tenant");
        match sign_in_password(&self.app, &tenant, &who.email, &who.password, &ClientInfo::default()).await {
            Ok(SignIn::Session(s)) => s.access_token,
            Ok(SignIn::SecondFactor(_)) => panic!("{} is asked for a second factor", who.email),
            Err(e) => panic!("{} signs in on {host}: {e:?}", who.email),
        }
    }

    async fn call(
        &self,
        method: &str,
        path: &str,
        host: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path).header(header::HOST, host);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let res = self.router.clone().oneshot(req.body(body).expect("req")).await.expect("res");
        let status = res.status();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Delivers what the queue holds until every message has failed its five deliveries.
    async fn deliver_until_dead(&self) {
        for _ in 0..=MAX_RECEIVES {
            self.dispatcher.poll_once(self.app.queue.as_ref(), Duration::ZERO).await.expect("poll");
            self.clock.advance(time::Duration::minutes(10));
        }
    }

    async fn dead(&self, token: &str) -> Vec<Value> {
        let (status, body) = self.call("GET", "/api/v1/operations/dead-letters", HOUSE, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"].as_array().cloned().unwrap_or_default()
    }
}

#[tokio::test]
async fn dead_letters_are_listed_with_their_reason_and_replayed() {
    let w = world().await;
    let admin = w.token(Role::SuperAdmin, HOUSE).await;
    assert!(w.dead(&admin).await.is_empty(), "nothing dead yet");

    let event = DomainEvent::new(
        ulid::Ulid::new(),
        "test.flaky",
        Some("acme".into()),
        kt_domain::Clock::now(w.clock.as_ref()),
        json!({"n": 1}),
    );
    let body = serde_json::to_string(&event).expect("json");
    w.app.queue.send("events", &body, Duration::ZERO).await.expect("send");
    w.app.queue.send("events", "{not json", Duration::ZERO).await.expect("send");
    w.deliver_until_dead().await;

    let dead = w.dead(&admin).await;
    assert_eq!(dead.len(), 2, "{dead:?}");
    let flaky = dead.iter().find(|d| d["kind"] == "test.flaky").expect("the event");
    assert_eq!(flaky["queue"], "events");
    assert_eq!(flaky["event_id"], event.id.to_string());
    assert_eq!(flaky["tenant_id"], "acme");
    assert_eq!(flaky["consumer"], "flaky");
    assert_eq!(flaky["attempts"], MAX_RECEIVES);
    assert_eq!(flaky["reason"], "flaky: the mail provider refused the sender");
    assert!(flaky["failed_at"].as_str().is_some() && flaky["occurred_at"].as_str().is_some(), "{flaky}");
    let unreadable = dead.iter().find(|d| d["kind"].is_null()).expect("the unreadable one");
    assert!(
        unreadable["reason"].as_str().is_some_and(|r| r.starts_with("the message is not an event")),
        "{unreadable}"
    );

    // One queue at a time; the email queue has none.
    let (status, body) = w.call("GET", "/api/v1/operations/dead-letters?queue=email", HOUSE, Some(&admin), None).await;
    assert_eq!((status, body["items"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)));

    // The cause is fixed: replay the event by its id; it is handled and gone.
    w.flaky.broken.store(false, Ordering::SeqCst);
    let id = flaky["message_id"].as_str().expect("id");
    let one = json!({"queue": "events", "message_id": id});
    let (status, body) =
        w.call("POST", "/api/v1/operations/dead-letters/replay", HOUSE, Some(&admin), Some(one.clone())).await;
    assert_eq!((status, &body["replayed"]), (StatusCode::OK, &json!(1)), "{body}");
    let (status, body) = w.call("POST", "/api/v1/operations/dead-letters/replay", HOUSE, Some(&admin), Some(one)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no longer dead: {body}");
    assert_eq!(body["status"], 404);
    assert_eq!(w.dispatcher.poll_once(w.app.queue.as_ref(), Duration::ZERO).await.expect("poll"), 1);
    assert_eq!(w.dead(&admin).await.len(), 1, "only the unreadable one is left");

    // The rest, all at once.
    let all = json!({"queue": "events"});
    let (status, body) = w.call("POST", "/api/v1/operations/dead-letters/replay", HOUSE, Some(&admin), Some(all)).await;
    assert_eq!((status, &body["replayed"]), (StatusCode::OK, &json!(1)), "{body}");
    assert!(w.dead(&admin).await.is_empty());

    // Each replay is in the house audit log.
    let house = kt_app::identity::tenancy::resolve_host(&w.app, HOUSE).await.expect("house");
    let (entries, _) = kt_store::audit::page(w.app.store.as_ref(), &house.id, "0", "Z", 50, None).await.expect("audit");
    let replays: Vec<_> = entries.iter().filter(|e| e.action == "dead_letters.replayed").collect();
    assert_eq!(replays.len(), 2, "{entries:?}");
    assert!(replays.iter().any(|e| e.target.as_deref() == Some(&format!("events/{id}"))));
}

#[tokio::test]
async fn only_a_super_admin_on_the_house_portal_reaches_dead_letters() {
    let w = world().await;
    w.app.queue.send("events", "{not json", Duration::ZERO).await.expect("send");
    w.deliver_until_dead().await;
    let list = "/api/v1/operations/dead-letters";
    let replay = "/api/v1/operations/dead-letters/replay";
    let body = json!({"queue": "events"});

    let (status, problem) = w.call("GET", list, HOUSE, None, None).await;
    assert_eq!((status, &problem["status"]), (StatusCode::UNAUTHORIZED, &json!(401)));
    for (role, host) in [(Role::Staff, HOUSE), (Role::Partner, ACME), (Role::PartnerStaff, ACME), (Role::Client, ACME)]
    {
        let token = w.token(role, host).await;
        // Refused (a client is not even told the operations exist).
        let refused = |s: StatusCode| s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND;
        let (status, problem) = w.call("GET", list, host, Some(&token), None).await;
        assert!(refused(status) && problem["status"] == status.as_u16(), "{role:?} on {host} lists: {problem}");
        let (status, problem) = w.call("POST", replay, host, Some(&token), Some(body.clone())).await;
        assert!(refused(status) && problem["status"] == status.as_u16(), "{role:?} on {host} replays: {problem}");
    }
    // A super admin's token is for the house portal only: not on a partner's host.
    let admin = w.token(Role::SuperAdmin, HOUSE).await;
    let (status, _) = w.call("GET", list, ACME, Some(&admin), None).await;
    assert!(status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN, "{status}");
    assert_eq!(w.dead(&admin).await.len(), 1, "nothing was replayed by anyone refused");
}

#[tokio::test]
async fn bad_queries_and_bodies_name_the_field_and_change_nothing() {
    let w = world().await;
    w.app.queue.send("events", "{not json", Duration::ZERO).await.expect("send");
    w.deliver_until_dead().await;
    let admin = w.token(Role::SuperAdmin, HOUSE).await;
    let field = |body: &Value| body["errors"][0]["field"].as_str().unwrap_or_default().to_owned();

    // An unknown parameter or a repeated one is an unreadable query (400); a queue that does
    // not exist is a readable one naming nothing (422).
    for (query, status_wanted, at) in [
        ("queue=reminders", StatusCode::UNPROCESSABLE_ENTITY, "queue"),
        ("queue=events&limit=5", StatusCode::BAD_REQUEST, "limit"),
        ("queue=events&queue=email", StatusCode::BAD_REQUEST, "queue"),
    ] {
        let (status, body) =
            w.call("GET", &format!("/api/v1/operations/dead-letters?{query}"), HOUSE, Some(&admin), None).await;
        assert_eq!((status, field(&body)), (status_wanted, at.to_owned()), "?{query}: {body}");
    }
    for (bad, at) in [
        (json!({"queue": "reminders"}), "queue"),
        (json!({"queue": "events", "force": true}), "force"),
        (json!({"message_id": "x"}), "queue"),
    ] {
        let (status, body) =
            w.call("POST", "/api/v1/operations/dead-letters/replay", HOUSE, Some(&admin), Some(bad.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(field(&body).contains(at), "{bad}: {body}");
    }
    assert_eq!(w.dead(&admin).await.len(), 1, "still dead");
}
