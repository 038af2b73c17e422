//! Replays the sample API Gateway HTTP API events through lambda_http into the tickets
//! router on a seeded SQLite store: filing a ticket (with its session cookie, CSRF header and
//! idempotency key, as a browser sends them) and reading its position.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::wiring::{Settings, wire};
use serde_json::{Value, json};
use tower::ServiceExt;

fn sample(name: &str, fill: &[(&str, &str)]) -> Request<lambda_http::Body> {
    let path = format!("{}/../../events/tickets/{name}", env!("CARGO_MANIFEST_DIR"));
    let mut raw = std::fs::read_to_string(path).expect("sample event");
    for (k, v) in fill {
        raw = raw.replace(k, v);
    }
    lambda_http::request::from_str(&raw).expect("the sample parses as an API Gateway event")
}

async fn body(res: axum::response::Response) -> Value {
    serde_json::from_slice(&res.into_body().collect().await.expect("body").to_bytes()).expect("json")
}

#[tokio::test]
async fn the_sample_events_file_a_ticket_and_read_its_position() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    kt_app::seed::demo(&wired.state).await.expect("seed");
    let acme = kt_app::identity::tenancy::resolve_host(&wired.state, "acme.localhost").await.expect("acme");
    let (identity, _) = kt_fn_identity::router().split_for_parts();
    let identity = identity.with_state(wired.state.clone());
    let sign_in = Request::post("/api/v1/auth/sign-in")
        .header(header::HOST, "acme.localhost")
        .header("x-requested-with", "test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"email": "dana@globex.test", "password": "Globex-Demo-Client-2026"}).to_string()))
        .expect("req");
    let res = identity.oneshot(sign_in).await.expect("sign in");
    assert_eq!(res.status(), StatusCode::OK);
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok().and_then(|v| v.split(';').next()).map(str::to_owned))
        .collect();
    let csrf = cookies.iter().find_map(|c| c.strip_prefix("__Host-kt_csrf=")).expect("csrf cookie").to_owned();
    // API Gateway passes cookies as a list; the sample holds one slot for all of them.
    let jar = cookies.join("\", \"");
    let tenant = acme.id.to_string();
    let fill = [("__TENANT_ID__", tenant.as_str()), ("__COOKIES__", jar.as_str()), ("__CSRF__", csrf.as_str())];

    let (router, _) = kt_fn_tickets::router().split_for_parts();
    let router = router.with_state(wired.state.clone());
    let res = router.clone().oneshot(sample("create.json", &fill)).await.expect("create");
    assert_eq!(res.status(), StatusCode::CREATED);
    let created = body(res).await;
    assert_eq!(created["number"], "ACME-1001");
    assert_eq!(created["queue"]["label"], "#1 of 1 in the High queue");
    // Replayed with the same idempotency key: the first answer, not a second ticket.
    let again = body(router.clone().oneshot(sample("create.json", &fill)).await.expect("again")).await;
    assert_eq!(again["id"], created["id"]);

    let id = created["id"].as_str().expect("id").to_owned();
    let mut fill = fill.to_vec();
    fill.push(("__TICKET_ID__", id.as_str()));
    let res = router.oneshot(sample("position.json", &fill)).await.expect("position");
    assert_eq!(res.status(), StatusCode::OK);
    let position = body(res).await;
    assert_eq!((position["ticket_id"].as_str(), position["queue"]["position"].as_u64()), (Some(id.as_str()), Some(1)));
}
