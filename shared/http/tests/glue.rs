//! The shared HTTP glue through a small router on a fresh SQLite store: problem+json for bad
//! bodies, pagination limits, If-Match, and Idempotency-Key checks (their replay is the
//! tickets function's tests: the key commits with the ticket).

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use kt_app::wiring::{Settings, wire};
use kt_http::input::Email;
use kt_http::pagination::PageParams;
use kt_http::{ApiError, ApiJson, ApiPath, ApiQuery, etag, idempotency};
use serde::Deserialize;
use serde_json::{Value, json};
use tower::ServiceExt;

#[derive(Deserialize)]
#[allow(dead_code)]
struct NewThing {
    subject: String,
    priority: Priority,
}

#[derive(Deserialize)]
struct Bounded {
    email: Email,
}

#[derive(Deserialize)]
struct Flags {
    with_positions: Option<bool>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Priority {
    Low,
    High,
}

async fn app() -> (Router, tempfile::TempDir, Arc<AtomicU32>) {
    let dir = tempfile::tempdir().expect("tmp");
    let state = wire(&Settings::local(dir.path())).await.expect("wire").state;
    let created = Arc::new(AtomicU32::new(0));
    let counter = created.clone();
    let router = Router::new()
        .route(
            "/things",
            axum::routing::post(move |headers: HeaderMap| {
                let counter = counter.clone();
                async move {
                    let key = idempotency::key_from(&headers)?;
                    let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    Ok::<_, ApiError>((StatusCode::CREATED, axum::Json(json!({"number": n, "key": key}))))
                }
            }),
        )
        .route("/typed", axum::routing::post(|ApiJson(t): ApiJson<NewThing>| async move { t.subject }))
        .route(
            "/list",
            axum::routing::get(|ApiQuery(p): ApiQuery<PageParams>, ApiQuery(f): ApiQuery<Flags>| async move {
                let _ = f.with_positions;
                p.limit().map(|l| l.to_string()).map_err(ApiError::from)
            }),
        )
        .route("/things/{id}", axum::routing::get(|ApiPath(id): ApiPath<String>| async move { id }))
        .route("/pages/{n}", axum::routing::get(|ApiPath(n): ApiPath<u32>| async move { n.to_string() }))
        .route("/bounded", axum::routing::post(|ApiJson(b): ApiJson<Bounded>| async move { b.email.into_inner() }))
        .route(
            "/edit",
            axum::routing::put(|headers: HeaderMap| async move {
                let expected = etag::if_match(&headers).map_err(ApiError::from)?;
                etag::check(expected, 3).map_err(ApiError::from)?;
                Ok::<_, ApiError>(([(axum::http::header::ETAG, etag::etag(4))], "updated"))
            }),
        )
        .with_state(state);
    (router, dir, created)
}

async fn call(router: &Router, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let res: Response = router.clone().oneshot(req).await.expect("response");
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    let json =
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (parts.status, parts.headers, json)
}

fn post(uri: &str, body: &str, key: Option<&str>) -> Request<Body> {
    let mut b = Request::post(uri).header("content-type", "application/json");
    if let Some(k) = key {
        b = b.header("idempotency-key", k);
    }
    b.body(Body::from(body.to_owned())).expect("request")
}

#[tokio::test]
async fn bad_bodies_are_problems_naming_the_field() {
    let (app, _dir, _) = app().await;
    let (status, headers, body) = call(&app, post("/typed", r#"{"subject": "x", "priority": "urgent"}"#, None)).await;
    assert_eq!(status, 422);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(body["errors"][0]["field"], "priority");
    let (status, _, body) = call(&app, post("/typed", r#"{"priority": "low"}"#, None)).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "subject");
    let (status, _, body) = call(&app, post("/typed", "{not json", None)).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("body")));
    let (status, _, body) = call(&app, Request::post("/typed").body(Body::from("{}")).expect("req")).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("content-type")));
}

#[tokio::test]
async fn page_limits_are_checked() {
    let (app, _dir, _) = app().await;
    assert_eq!(call(&app, Request::get("/list").body(Body::empty()).expect("req")).await.2, json!(25));
    let (status, _, body) = call(&app, Request::get("/list?limit=500").body(Body::empty()).expect("req")).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("limit")));
    // Unreadable query strings are problem+json 400 naming the parameter, not plain text.
    for (query, field) in [
        ("limit=-1", "limit"),
        ("limit=abc", "limit"),
        ("limit=5&limit=6", "limit"),
        ("with_positions=maybe", "with_positions"),
    ] {
        let (status, headers, body) =
            call(&app, Request::get(format!("/list?{query}")).body(Body::empty()).expect("req")).await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "?{query}: {body}"
        );
        assert_eq!(headers["content-type"], "application/problem+json");
    }
}

#[tokio::test]
async fn unreadable_path_parameters_are_problems_naming_the_path() {
    let (app, _dir, _) = app().await;
    let get = |uri: &str| Request::get(uri).body(Body::empty()).expect("req");
    assert_eq!(call(&app, get("/things/abc")).await.0, StatusCode::OK);
    for uri in ["/things/%FF%FE", "/pages/abc", "/pages/-1"] {
        let (status, headers, body) = call(&app, get(uri)).await;
        assert_eq!(
            (status, body["errors"][0]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("path")),
            "{uri}: {body}"
        );
        assert_eq!(headers["content-type"], "application/problem+json", "{uri}");
    }
}

#[tokio::test]
async fn text_over_its_documented_maximum_is_refused_naming_the_field() {
    let (app, _dir, _) = app().await;
    let at_max = format!("{}@example.com", "é".repeat(Email::MAX - "@example.com".len()));
    let (status, _, _) = call(&app, post("/bounded", &json!({ "email": at_max }).to_string(), None)).await;
    assert_eq!(status, StatusCode::OK, "254 characters (more bytes) are within the maximum");
    let over = format!("x{at_max}");
    let (status, _, body) = call(&app, post("/bounded", &json!({ "email": over }).to_string(), None)).await;
    assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("email")));
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("at most 254 characters"), "{body}");
}

#[tokio::test]
async fn if_match_guards_against_lost_updates() {
    let (app, _dir, _) = app().await;
    let put = |v: &str| Request::put("/edit").header("if-match", v).body(Body::empty()).expect("req");
    let (status, headers, _) = call(&app, put("\"3\"")).await;
    assert_eq!((status, headers["etag"].to_str().expect("etag")), (StatusCode::OK, "\"4\""));
    let (status, _, body) = call(&app, put("\"2\"")).await;
    assert_eq!((status, body["status"].as_u64()), (StatusCode::PRECONDITION_FAILED, Some(412)));
}

#[tokio::test]
async fn idempotency_keys_are_checked_before_anything_runs() {
    let (app, _dir, created) = app().await;
    let (s1, _, b1) = call(&app, post("/things", "{}", Some("key-1"))).await;
    assert_eq!((s1, b1["key"].as_str()), (StatusCode::CREATED, Some("key-1")));
    for bad in ["bad key with spaces", ""] {
        let (status, _, body) = call(&app, post("/things", "{}", Some(bad))).await;
        assert_eq!((status, body["errors"][0]["field"].as_str()), (StatusCode::BAD_REQUEST, Some("Idempotency-Key")));
    }
    let long = "k".repeat(256);
    assert_eq!(call(&app, post("/things", "{}", Some(&long))).await.0, StatusCode::BAD_REQUEST);
    let (s2, _, b2) = call(&app, post("/things", "{}", None)).await;
    assert_eq!((s2, b2["key"].clone()), (StatusCode::CREATED, Value::Null));
    assert_eq!(created.load(Ordering::SeqCst), 2, "refused keys ran nothing");
}
