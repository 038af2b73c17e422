//! What the in-process identity tests share: a seeded SQLite world with a controllable clock,
//! requests as a browser (cookies + CSRF token), and delivery of queued mail to the outbox.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::mail::MailConsumer;
use kt_app::outbox::Relay;
use kt_app::wiring::{Settings, Wired, wire_with_clock};
use kt_app::worker::Dispatcher;
use kt_domain::ManualClock;
use serde_json::{Value, json};
use tower::ServiceExt;

pub const ACME: &str = "acme.localhost:3000";
pub const HOUSE: &str = "localhost:3000";

pub struct World {
    _dir: tempfile::TempDir,
    pub wired: Wired,
    pub clock: Arc<ManualClock>,
    pub router: Router,
}

/// A browser: its cookies and the CSRF token it echoes (empty for an anonymous one).
#[derive(Clone, Default)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    /// `name=value` of each Set-Cookie.
    pub cookies: Vec<String>,
}

pub async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::starting_now());
    let wired = wire_with_clock(&Settings::local(dir.path()), clock.clone()).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let (router, _) = kt_fn_identity::router().split_for_parts();
    let router = router.with_state(wired.state.clone());
    World { _dir: dir, wired, clock, router }
}

impl Reply {
    /// Status, body and cookies, for destructuring.
    pub fn parts(self) -> (StatusCode, Value, Vec<String>) {
        (self.status, self.body, self.cookies)
    }
}

/// The browser a sign-in answer leaves behind.
pub fn browser(r: &Reply) -> Browser {
    let csrf = r.cookies.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).unwrap_or_default().to_owned();
    Browser { cookie: r.cookies.join("; "), csrf }
}

/// The fields a problem+json answer names.
pub fn fields(r: &Reply) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

impl World {
    pub async fn call(&self, method: &str, path: &str, host: &str, who: &Browser, body: Option<Value>) -> Reply {
        let mut req =
            Request::builder().method(method).uri(path).header(header::HOST, host).header("x-requested-with", "test");
        if !who.cookie.is_empty() {
            req = req.header(header::COOKIE, &who.cookie);
        }
        if !who.csrf.is_empty() {
            req = req.header("x-csrf-token", &who.csrf);
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
        let cookies = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().and_then(|v| v.split(';').next()).map(str::to_owned))
            .collect();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null), cookies }
    }

    /// A POST without a session (or with `cookie` only, no CSRF token).
    pub async fn post(&self, host: &str, path: &str, body: Value, cookie: Option<&str>) -> Reply {
        let who = Browser { cookie: cookie.unwrap_or_default().to_owned(), csrf: String::new() };
        self.call("POST", path, host, &who, Some(body)).await
    }

    pub async fn sign_in_step(&self, host: &str, email: &str, password: &str) -> Reply {
        self.post(host, "/api/v1/auth/sign-in", json!({"email": email, "password": password}), None).await
    }

    pub async fn sign_in(&self, host: &str, email: &str, password: &str) -> Browser {
        let r = self.sign_in_step(host, email, password).await;
        assert_eq!(r.status, StatusCode::OK, "{email} signs in: {}", r.body);
        browser(&r)
    }

    /// Runs the relay and the mail worker until the outbox is drained; returns the mails sent.
    pub async fn deliver(&self) -> Vec<(String, String)> {
        let state = &self.wired.state;
        Relay::new(state.store.clone(), state.queue.clone()).relay_pending(100).await.expect("relay");
        let d = Dispatcher::new(
            "email",
            state.store.clone(),
            state.clock.clone(),
            vec![Arc::new(MailConsumer::new(state.clone()))],
        );
        while d.poll_once(state.queue.as_ref(), Duration::ZERO).await.expect("poll") > 0 {}
        let outbox = self.wired.local_mailer.clone().expect("local mailer");
        let mut mails = Vec::new();
        for entry in outbox.list().await.expect("list") {
            let raw = String::from_utf8(outbox.read(&entry.id).await.expect("read").expect("eml")).expect("utf8");
            mails.push((entry.to.join(","), raw));
        }
        mails
    }
}
