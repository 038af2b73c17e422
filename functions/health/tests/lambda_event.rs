//! Replays the sample API Gateway HTTP API event through lambda_http into the router, on a
//! fresh SQLite store: the same path a request takes in AWS.

use http_body_util::BodyExt;
use kt_app::wiring::{Settings, wire};
use tower::ServiceExt;

#[tokio::test]
async fn the_sample_event_reaches_the_health_route() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    let (router, _) = kt_fn_health::router().split_for_parts();
    let router = router.with_state(wired.state);

    let raw =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../events/health/get.json")).expect("event");
    let request = lambda_http::request::from_str(&raw).expect("API Gateway event parses");
    assert_eq!(request.uri().path(), "/api/v1/health");
    let response = router.oneshot(request).await.expect("response");
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.expect("body").to_bytes();
    let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["store"], "sqlite");
}
