//! The local `/ws` endpoint: the upgrade is authenticated like `$connect` (session cookie or
//! bearer token on the actor's own host), the socket registers with the in-process hub (the
//! local Push adapter) so workers' pushes reach it, and client messages get the same answers
//! as on Lambda.

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use kt_app::tickets::live;
use kt_http::AppState;
use kt_platform::push::Hub;
use serde_json::json;

/// Read buffer of a socket (bigger messages take more reads).
const READ_BUFFER: usize = 4096;

#[derive(Clone)]
struct WsState {
    app: AppState,
    hub: Hub,
}

pub fn router(app: AppState, hub: Hub) -> Router {
    Router::new().route("/ws", axum::routing::get(upgrade)).with_state(WsState { app, hub })
}

async fn upgrade(State(s): State<WsState>, headers: HeaderMap, ws: WebSocketUpgrade) -> Response {
    match kt_http::auth::websocket_actor(&s.app, &headers).await {
        // Client messages are small; tungstenite zeroes the whole read buffer on every read,
        // so its 128 KiB default would cost more than the messages themselves.
        Ok(auth) => ws.read_buffer_size(READ_BUFFER).on_upgrade(move |socket| session(s, auth.actor, socket)),
        Err(e) => e.into_response(),
    }
}

async fn session(s: WsState, actor: kt_domain::policy::Actor, mut socket: WebSocket) {
    let mut conn = s.hub.register();
    if let Err(e) = live::connect(&s.app, &conn.id, &actor).await {
        tracing::warn!(error = %e, "could not record connection");
        return;
    }
    let hello = json!({"type": "hello", "connection_id": conn.id}).to_string();
    if socket.send(Message::Text(hello.into())).await.is_ok() {
        loop {
            tokio::select! {
                incoming = socket.recv() => match incoming {
                    Some(Ok(Message::Text(text))) => {
                        let mut ok = true;
                        for reply in live::handle_message(&s.app, &conn.id, Some(text.as_str())).await {
                            if socket.send(Message::Text(reply.to_string().into())).await.is_err() {
                                ok = false;
                                break;
                            }
                        }
                        if !ok {
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
    if let Err(e) = live::disconnect(&s.app, &conn.id).await {
        tracing::warn!(error = %e, "could not remove connection");
    }
}
