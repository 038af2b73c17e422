//! The tickets API in-process on a seeded SQLite world, for the tests of this function: a
//! router with the identity and tickets routes, the demo's people signed in, requests as them.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::outbox::Relay;
use kt_app::wiring::{Settings, Wired, wire};
use serde_json::{Value, json};
use tower::ServiceExt;

pub const ACME: &str = "acme.localhost:3000";
pub const HOUSE: &str = "localhost:3000";
pub const OLGA_PASSWORD: &str = "Tr0mbone-Lantern-Quiet-47";

pub struct World {
    pub _dir: tempfile::TempDir,
    pub wired: Wired,
    pub router: Router,
    pub acme_id: String,
    pub house_id: String,
    pub initech_id: String,
}

#[derive(Clone, Default)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
    pub host: &'static str,
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    pub etag: Option<String>,
}

impl Reply {
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

pub async fn world() -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let merged = kt_fn_identity::router().merge(kt_fn_tickets::router());
    let (router, _) = merged.split_for_parts();
    let router = router.with_state(wired.state.clone());
    let app = &wired.state;
    let acme = kt_app::identity::tenancy::resolve_host(app, "acme.localhost").await.expect("acme");
    let house = kt_app::identity::tenancy::resolve_host(app, "localhost").await.expect("house");
    let (orgs, _) = kt_store::accounts::list_orgs(app.store.as_ref(), &acme.id, 10, None).await.expect("orgs");
    let initech = orgs.into_iter().find(|o| o.name == "Initech").expect("initech").id;
    // A client of Initech alone (the demo's Ivy is in Globex too).
    let olga = kt_app::identity::accounts::NewUser {
        email: "olga@initech.test".into(),
        name: "Olga".into(),
        role: kt_domain::identity::Role::Client,
        password: Some(OLGA_PASSWORD.into()),
        orgs: vec![initech.clone()],
    };
    kt_app::identity::accounts::create_user(app, None, &acme, olga, &Default::default()).await.expect("olga");
    World {
        _dir: dir,
        router,
        acme_id: acme.id.to_string(),
        house_id: house.id.to_string(),
        initech_id: initech.to_string(),
        wired,
    }
}

impl World {
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        who: &Browser,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, who.host)
            .header("x-requested-with", "test");
        if !who.cookie.is_empty() {
            req = req.header(header::COOKIE, &who.cookie).header("x-csrf-token", &who.csrf);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
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
        let etag = res.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply { status, body: serde_json::from_slice(&bytes).unwrap_or(Value::Null), etag }
    }

    pub async fn get(&self, path: &str, who: &Browser) -> Reply {
        self.send("GET", path, who, None, &[]).await
    }

    pub async fn post(&self, path: &str, who: &Browser, body: Value) -> Reply {
        self.send("POST", path, who, Some(body), &[]).await
    }

    pub async fn sign_in(&self, host: &'static str, email: &str, password: &str) -> Browser {
        let anon = Browser { host, ..Default::default() };
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
        Browser { cookie: cookies.join("; "), csrf, ..anon }
    }

    pub fn tickets(&self) -> String {
        format!("/api/v1/tenants/{}/tickets", self.acme_id)
    }

    pub fn ticket(&self, id: &str) -> String {
        format!("{}/{id}", self.tickets())
    }

    pub async fn file(&self, who: &Browser, subject: &str, priority: &str) -> Value {
        let body = json!({"subject": subject, "description": "It **broke**.", "priority": priority, "category": "technical_support"});
        let r = self.post(&self.tickets(), who, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.body
    }

    /// Every event the outbox holds, relayed to the queue (so mail and live workers would see them).
    pub async fn relay(&self) -> usize {
        let s = &self.wired.state;
        Relay::new(s.store.clone(), s.queue.clone()).relay_pending(1000).await.expect("relay")
    }
}

pub struct People {
    pub dana: Browser,
    pub olga: Browser,
    pub pat: Browser,
    pub sam: Browser,
    pub staff: Browser,
    pub drew: Browser,
}

pub async fn people(w: &World) -> People {
    People {
        dana: w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await,
        olga: w.sign_in(ACME, "olga@initech.test", OLGA_PASSWORD).await,
        pat: w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await,
        sam: w.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await,
        staff: w.sign_in(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await,
        drew: w.sign_in(HOUSE, "drew@directclient.test", "Direct-Demo-Client-2026").await,
    }
}
