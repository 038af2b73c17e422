//! What the in-process API tests share: a seeded SQLite world on a controllable clock with the
//! identity routes and those of the function under test, the demo's people signed in as
//! browsers (cookies and CSRF token, on their portal's host), and requests as them.

pub mod mail_corpus;
pub mod pdf;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::AppState;
use kt_app::outbox::Relay;
use kt_app::wiring::{Settings, Wired, wire_with_clock};
use kt_domain::ManualClock;
use serde_json::{Value, json};
use tower::ServiceExt;
use utoipa_axum::router::OpenApiRouter;

pub const ACME: &str = "acme.localhost:3000";
pub const HOUSE: &str = "localhost:3000";
pub const OLGA_PASSWORD: &str = "Tr0mbone-Lantern-Quiet-47";

pub struct World {
    pub _dir: tempfile::TempDir,
    pub wired: Wired,
    pub clock: Arc<ManualClock>,
    pub router: Router,
    pub acme_id: String,
    pub house_id: String,
    pub initech_id: String,
    pub globex_id: String,
    pub direct_id: String,
}

/// A browser: its cookies, the CSRF token it echoes and the host it talks to.
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
    /// The body as sent (for downloads), with its type and disposition.
    pub raw: Vec<u8>,
    pub content_type: Option<String>,
    pub disposition: Option<String>,
    /// Where a redirect sends.
    pub location: Option<String>,
}

impl Reply {
    /// The fields a problem names.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

async fn org_named(app: &AppState, tenant: &kt_domain::identity::TenantId, name: &str) -> String {
    let (orgs, _) = kt_store::accounts::list_orgs(app.store.as_ref(), tenant, 50, None).await.expect("orgs");
    orgs.into_iter().find(|o| o.name == name).unwrap_or_else(|| panic!("{name}")).id.to_string()
}

/// The demo, seeded on SQLite in a temporary directory, serving the identity routes and
/// `routes`; plus Olga, a client of Initech alone (the demo's Ivy is in Globex too).
pub async fn world(routes: OpenApiRouter<AppState>) -> World {
    let dir = tempfile::tempdir().expect("tmp");
    let clock = Arc::new(ManualClock::starting_now());
    let mut settings = Settings::local(dir.path());
    // The Stripe adapter talks to localstripe when scripts/test started it.
    if let Ok(base) = std::env::var("LOCALSTRIPE_ENDPOINT") {
        settings.stripe_api_base = format!("{}/", base.trim_end_matches('/'));
    }
    let mut wired = wire_with_clock(&settings, clock.clone()).await.expect("wire");
    wired.state.search = Arc::new(kt_search::TantivyIndex::in_memory().expect("search index"));
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let (router, _) = kt_fn_identity::router().merge(routes).split_for_parts();
    let router = router.with_state(wired.state.clone());
    let app = &wired.state;
    let acme = kt_app::identity::tenancy::resolve_host(app, "acme.localhost").await.expect("acme");
    let house = kt_app::identity::tenancy::resolve_host(app, "localhost").await.expect("house");
    let initech_id = org_named(app, &acme.id, "Initech").await;
    let olga = kt_app::identity::accounts::NewUser {
        email: "olga@initech.test".into(),
        name: "Olga".into(),
        role: kt_domain::identity::Role::Client,
        password: Some(OLGA_PASSWORD.into()),
        orgs: vec![kt_domain::identity::OrgId::try_from(initech_id.clone()).expect("id")],
    };
    kt_app::identity::accounts::create_user(app, None, &acme, olga, &Default::default()).await.expect("olga");
    World {
        globex_id: org_named(app, &acme.id, "Globex").await,
        direct_id: org_named(app, &house.id, "Direct Client Co").await,
        _dir: dir,
        router,
        clock,
        acme_id: acme.id.to_string(),
        house_id: house.id.to_string(),
        initech_id,
        wired,
    }
}

impl World {
    pub fn state(&self) -> &AppState {
        &self.wired.state
    }

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
        let header_of =
            |name| res.headers().get(name).and_then(|v: &header::HeaderValue| v.to_str().ok()).map(str::to_owned);
        let etag = header_of(header::ETAG);
        let content_type = header_of(header::CONTENT_TYPE);
        let disposition = header_of(header::CONTENT_DISPOSITION);
        let location = header_of(header::LOCATION);
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply {
            status,
            body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            etag,
            raw: bytes.to_vec(),
            content_type,
            disposition,
            location,
        }
    }

    pub async fn get(&self, path: &str, who: &Browser) -> Reply {
        self.send("GET", path, who, None, &[]).await
    }

    pub async fn post(&self, path: &str, who: &Browser, body: Value) -> Reply {
        self.send("POST", path, who, Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, who: &Browser, body: Value) -> Reply {
        self.send("PATCH", path, who, Some(body), &[]).await
    }

    pub async fn delete(&self, path: &str, who: &Browser) -> Reply {
        self.send("DELETE", path, who, None, &[]).await
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

    /// Runs the relay, the events worker, the mail worker and the search indexer until nothing
    /// is left.
    pub async fn settle(&self) {
        let s = &self.wired.state;
        let relay = Relay::new(s.store.clone(), s.queue.clone());
        let events = kt_fn_events_worker::dispatcher(s);
        let mail = kt_fn_mail_worker::dispatcher(s);
        let search = kt_app::search::indexing::dispatcher(s);
        loop {
            let moved = relay.relay_pending(1000).await.expect("relay");
            let handled = events.poll_once(s.queue.as_ref(), std::time::Duration::ZERO).await.expect("events");
            let sent = mail.poll_once(s.queue.as_ref(), std::time::Duration::ZERO).await.expect("mail");
            let indexed = search.poll_once(s.queue.as_ref(), std::time::Duration::ZERO).await.expect("search");
            if moved + handled + sent + indexed == 0 {
                break;
            }
        }
    }

    /// The mails sent to `address`, as raw messages, newest first.
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

    /// The titles of `who`'s notifications, newest first (the notifications routes must be served).
    pub async fn notification_titles(&self, who: &Browser) -> Vec<String> {
        let r = self.get("/api/v1/notifications", who).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body["items"]
            .as_array()
            .map(|a| a.iter().filter_map(|n| n["title"].as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }

    /// What a browser does with an upload URL the API answered: the bytes land in blob storage.
    pub async fn upload(&self, url: &str, content_type: &str, bytes: &'static [u8]) {
        let (key, params) = signed_blob_url(url);
        let blobs = self.wired.local_blobs.clone().expect("local blobs");
        blobs
            .accept_upload(&key, &params, Some(content_type), axum::body::Bytes::from_static(bytes))
            .await
            .expect("upload");
    }

    /// What a browser gets from a download URL the API answered: the bytes and the
    /// `Content-Disposition`.
    pub async fn download(&self, url: &str) -> (Vec<u8>, Option<String>) {
        let (key, params) = signed_blob_url(url);
        let blobs = self.wired.local_blobs.clone().expect("local blobs");
        let (blob, disposition) = blobs.serve_download(&key, &params).await.expect("download");
        (blob.bytes.to_vec(), disposition)
    }

    /// Every event the outbox holds, relayed to the queue.
    pub async fn relay(&self) -> usize {
        let s = &self.wired.state;
        Relay::new(s.store.clone(), s.queue.clone()).relay_pending(1000).await.expect("relay")
    }
}

/// The demo's people, signed in.
pub struct People {
    /// Super admin (Kre8ivTech).
    pub avery: Browser,
    /// Kre8ivTech staff.
    pub staff: Browser,
    /// A direct client of Kre8ivTech (Direct Client Co).
    pub drew: Browser,
    /// The partner Acme.
    pub pat: Browser,
    /// Acme's partner staff.
    pub sam: Browser,
    /// Acme's client of Globex.
    pub dana: Browser,
    /// Acme's client of Initech alone.
    pub olga: Browser,
}

pub async fn people(w: &World) -> People {
    People {
        avery: w.sign_in(HOUSE, "admin@kre8ivtech.test", "Kre8iv-Demo-Admin-2026").await,
        staff: w.sign_in(HOUSE, "staff@kre8ivtech.test", "Kre8iv-Demo-Staff-2026").await,
        drew: w.sign_in(HOUSE, "drew@directclient.test", "Direct-Demo-Client-2026").await,
        pat: w.sign_in(ACME, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await,
        sam: w.sign_in(ACME, "sam@acme-agency.test", "Acme-Demo-Staff-2026").await,
        dana: w.sign_in(ACME, "dana@globex.test", "Globex-Demo-Client-2026").await,
        olga: w.sign_in(ACME, "olga@initech.test", OLGA_PASSWORD).await,
    }
}

/// The blob key and signed parameters of a local presigned URL.
pub fn signed_blob_url(url: &str) -> (String, kt_platform::blobs::SignedParams) {
    let (path, query) = url.split_once('?').expect("query");
    let key = path.split("/blobs/").nth(1).expect("key").to_owned();
    let q: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let params = kt_platform::blobs::SignedParams {
        op: q["op"].clone(),
        exp: q["exp"].parse().expect("exp"),
        len: q.get("len").and_then(|l| l.parse().ok()),
        ct: q.get("ct").cloned(),
        name: q.get("name").cloned(),
        sig: q["sig"].clone(),
    };
    (key, params)
}
