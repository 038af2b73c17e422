//! The WebSocket function behind API Gateway's WebSocket API: `$connect` records the
//! connection (an item with the 2-hour TTL API Gateway imposes), `$disconnect` removes it,
//! `$default` answers messages. Topic subscriptions arrive with the tickets capability.

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use kt_http::AppState;
use kt_store::{Cond, Item, Key};
use serde_json::{Value, json};

/// API Gateway closes every WebSocket connection after two hours.
pub const CONNECTION_TTL_SECS: i64 = 2 * 3600;

pub fn connection_key(connection_id: &str) -> Key {
    Key::new(format!("WSCONN#{connection_id}"), "CONN")
}

pub async fn handle(state: &AppState, request: ApiGatewayWebsocketProxyRequest) -> ApiGatewayProxyResponse {
    let ctx = &request.request_context;
    let (Some(route), Some(connection_id)) = (ctx.route_key.as_deref(), ctx.connection_id.as_deref()) else {
        return respond(400);
    };
    match route {
        "$connect" => {
            let now = state.clock.now_unix();
            let item = Item::new(connection_key(connection_id), obj(json!({"connected_at": now, "topics": []})))
                .with_expiry(now + CONNECTION_TTL_SECS);
            match state.store.put(item, Cond::None).await {
                Ok(()) => respond(200),
                Err(e) => {
                    tracing::error!(error = %e, "could not record connection");
                    respond(500)
                }
            }
        }
        "$disconnect" => {
            if let Err(e) = state.store.delete(&connection_key(connection_id), Cond::None).await {
                tracing::warn!(error = %e, "could not remove connection");
            }
            respond(200)
        }
        _ => {
            let reply = reply_to(request.body.as_deref());
            if let Err(e) = state.push.send(connection_id, &reply).await {
                tracing::info!(error = %e, connection_id, "reply not delivered");
            }
            respond(200)
        }
    }
}

/// The answer to one client message.
pub fn reply_to(body: Option<&str>) -> Value {
    let message: Value = body.and_then(|b| serde_json::from_str(b).ok()).unwrap_or(Value::Null);
    match message.get("type").and_then(Value::as_str) {
        Some("ping") => json!({"type": "pong"}),
        Some(other) => {
            json!({"type": "error", "code": "unknown-type", "message": format!("unknown message type {other:?}")})
        }
        None => {
            json!({"type": "error", "code": "bad-message", "message": "send JSON objects with a \"type\""})
        }
    }
}

fn respond(status: i64) -> ApiGatewayProxyResponse {
    ApiGatewayProxyResponse { status_code: status, ..Default::default() }
}

fn obj(v: Value) -> serde_json::Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}
