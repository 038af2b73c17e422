//! The WebSocket function behind API Gateway's WebSocket API: `$connect` authenticates the
//! upgrade (session cookie or bearer token, on a host of the actor's tenant) and records the
//! connection (2-hour TTL, API Gateway's limit); `$disconnect` forgets it and its topics;
//! `$default` answers messages: `ping`, `subscribe` / `unsubscribe` to topics the policy
//! allows (see [`kt_app::tickets::live`]).

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use kt_app::tickets::live;
use kt_http::AppState;

pub use kt_app::tickets::live::{CONNECTION_TTL_SECS, connection_key};

pub async fn handle(state: &AppState, request: ApiGatewayWebsocketProxyRequest) -> ApiGatewayProxyResponse {
    let ctx = &request.request_context;
    let (Some(route), Some(connection_id)) = (ctx.route_key.as_deref(), ctx.connection_id.as_deref()) else {
        return respond(400);
    };
    match route {
        "$connect" => {
            let auth = match kt_http::auth::websocket_actor(state, &request.headers).await {
                Ok(a) => a,
                Err(e) => {
                    tracing::info!(status = %e.status, "websocket connection refused");
                    return respond(i64::from(e.status.as_u16()));
                }
            };
            match live::connect(state, connection_id, &auth.actor).await {
                Ok(()) => respond(200),
                Err(e) => {
                    tracing::error!(error = %e, "could not record connection");
                    respond(500)
                }
            }
        }
        "$disconnect" => {
            if let Err(e) = live::disconnect(state, connection_id).await {
                tracing::warn!(error = %e, "could not remove connection");
            }
            respond(200)
        }
        _ => {
            for reply in live::handle_message(state, connection_id, request.body.as_deref()).await {
                if let Err(e) = state.push.send(connection_id, &reply.to_string()).await {
                    tracing::info!(error = %e, connection_id, "reply not delivered");
                    break;
                }
            }
            respond(200)
        }
    }
}

fn respond(status: i64) -> ApiGatewayProxyResponse {
    ApiGatewayProxyResponse { status_code: status, ..Default::default() }
}
