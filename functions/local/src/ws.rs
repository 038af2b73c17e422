//! The local `/ws` endpoint: each socket registers with the in-process hub (the local Push
//! adapter), so workers' pushes reach it; client messages get the same answers as on Lambda.

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use kt_platform::push::Hub;
use serde_json::json;

pub fn router(hub: Hub) -> Router {
    Router::new().route("/ws", axum::routing::get(upgrade)).with_state(hub)
}

async fn upgrade(State(hub): State<Hub>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| session(hub, socket))
}

async fn session(hub: Hub, mut socket: WebSocket) {
    let mut conn = hub.register();
    let hello = json!({"type": "hello", "connection_id": conn.id}).to_string();
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let reply = kt_fn_ws::reply_to(Some(text.as_str())).to_string();
                    if socket.send(Message::Text(reply.into())).await.is_err() {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            pushed = conn.messages.recv() => match pushed {
                Some(text) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
        }
    }
}
