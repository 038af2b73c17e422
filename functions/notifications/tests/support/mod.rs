//! The world the notification tests run in: the demo seeded on the embedded store, the
//! identity, tickets and notifications routers in-process, and the workers run by hand.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::outbox::Relay;
use kt_app::wiring::{Settings, Wired, wire_with_clock};
use kt_platform::{Clock, SystemClock};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const ACME: &str = "acme.localhost:3000";
pub const HOUSE: &str = "localhost:3000";

pub struct World {
    _dir: tempfile::TempDir,
    pub wired: Wired,
    pub router: Router,
    pub tickets: String,
    pub acme: String,
}

#[derive(Clone)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
    pub host: &'static str,
}

pub async fn world() -> World {
    world_with_clock(Arc::new(SystemClock)).await
}

pub async fn world_with_clock(clock: Arc<dyn Clock>) -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire_with_clock(&Settings::local(dir.path()), clock).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let merged = kt_fn_identity::router().merge(kt_fn_tickets::router()).merge(kt_fn_notifications::router());
    let (router, _) = merged.split_for_parts();
    let router = router.with_state(wired.state.clone());
    let acme = kt_app::identity::tenancy::resolve_host(&wired.state, "acme.localhost").await.expect("acme");
    World {
        _dir: dir,
        wired,
        router,
        tickets: format!("/api/v1/tenants/{}/tickets", acme.id),
        acme: acme.id.to_string(),
    }
}

impl World {
    pub async fn call(&self, method: &str, path: &str, who: &Browser, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, who.host)
            .header(header::COOKIE, &who.cookie)
            .header("x-csrf-token", &who.csrf)
            .header("x-requested-with", "test");
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

    pub async fn sign_in(&self, host: &'static str, email: &str, password: &str) -> Browser {
        let req = Request::post("/api/v1/auth/sign-in")
            .header(header::HOST, host)
            .header("x-requested-with", "test")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({"email": email, "password": password}).to_string()))
            .expect("req");
        let res = self.router.clone().oneshot(req).await.expect("res");
        assert_eq!(res.status(), StatusCode::OK, "{email} signs in");
        let cookies: Vec<String> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().and_then(|v| v.split(';').next()).map(str::to_owned))
            .collect();
        let csrf = cookies.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).unwrap_or_default().to_owned();
        Browser { cookie: cookies.join("; "), csrf, host }
    }

    /// Runs the relay, the events worker and the mail worker until nothing is left.
    pub async fn settle(&self) {
        let s = &self.wired.state;
        let relay = Relay::new(s.store.clone(), s.queue.clone());
        let events = kt_fn_events_worker::dispatcher(s);
        let mail = kt_fn_mail_worker::dispatcher(s);
        loop {
            let moved = relay.relay_pending(1000).await.expect("relay");
            let handled = events.poll_once(s.queue.as_ref(), Duration::ZERO).await.expect("events");
            let sent = mail.poll_once(s.queue.as_ref(), Duration::ZERO).await.expect("mail");
            if moved + handled + sent == 0 {
                break;
            }
        }
    }

    pub async fn mails_to(&self, address: &str) -> Vec<String> {
        let outbox = self.wired.local_mailer.clone().expect("local mailer");
        let mut out = Vec::new();
        for entry in outbox.list().await.expect("list") {
            if entry.to.iter().any(|t| t.contains(address)) {
                out.push(String::from_utf8(outbox.read(&entry.id).await.expect("read").expect("eml")).expect("utf8"));
            }
        }
        out
    }

    pub async fn notifications(&self, who: &Browser) -> Vec<Value> {
        let (status, body) = self.call("GET", "/api/v1/notifications", who, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    pub async fn unread(&self, who: &Browser) -> u64 {
        self.call("GET", "/api/v1/notifications/unread-count", who, None).await.1["unread"].as_u64().expect("unread")
    }

    pub async fn file(&self, who: &Browser, subject: &str) -> Value {
        let body =
            json!({"subject": subject, "description": "Help", "priority": "high", "category": "technical_support"});
        let (status, t) = self.call("POST", &self.tickets, who, Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{t}");
        t
    }
}

pub fn titles(items: &[Value]) -> Vec<String> {
    items.iter().map(|n| n["title"].as_str().unwrap_or_default().to_owned()).collect()
}
