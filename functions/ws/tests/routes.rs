//! Replays the sample WebSocket events through the function on the local adapters.

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use kt_app::wiring::{Settings, wire};

fn sample(route: &str) -> ApiGatewayWebsocketProxyRequest {
    let path = format!("{}/../../events/ws/{route}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).expect("event")).expect("event parses")
}

#[tokio::test]
async fn connect_default_disconnect() {
    let dir = tempfile::tempdir().expect("tmp");
    let wired = wire(&Settings::local(dir.path())).await.expect("wire");
    let state = wired.state;
    let key = kt_fn_ws::connection_key("CONN123=");

    assert_eq!(kt_fn_ws::handle(&state, sample("connect")).await.status_code, 200);
    let conn = state.store.get(&key).await.expect("get").expect("connection recorded");
    assert_eq!(
        conn.expires_at,
        Some(conn.attrs["connected_at"].as_i64().expect("time") + kt_fn_ws::CONNECTION_TTL_SECS)
    );

    // The sample's connection is not on the local hub, so the pong is reported gone but the
    // route still answers 200 (API Gateway would otherwise retry).
    assert_eq!(kt_fn_ws::handle(&state, sample("default")).await.status_code, 200);
    assert_eq!(kt_fn_ws::reply_to(Some(r#"{"type":"ping"}"#))["type"], "pong");
    assert_eq!(kt_fn_ws::reply_to(Some("garbage"))["code"], "bad-message");
    assert_eq!(kt_fn_ws::reply_to(Some(r#"{"type":"nope"}"#))["code"], "unknown-type");

    assert_eq!(kt_fn_ws::handle(&state, sample("disconnect")).await.status_code, 200);
    assert_eq!(state.store.get(&key).await.expect("get"), None);
}
