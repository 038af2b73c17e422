//! API Gateway WebSocket pushes through the management API (`post_to_connection`).

use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::error::SdkError;
use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
use aws_sdk_apigatewaymanagement::primitives::Blob;

use super::*;

#[derive(Clone)]
pub struct ApiGatewayPush {
    client: Client,
}

impl ApiGatewayPush {
    /// `endpoint` is the stage's connection URL, `https://{api}.execute-api.{region}.amazonaws.com/{stage}`.
    pub fn new(config: &aws_config::SdkConfig, endpoint: &str) -> Self {
        let conf = aws_sdk_apigatewaymanagement::config::Builder::from(config).endpoint_url(endpoint).build();
        Self { client: Client::from_conf(conf) }
    }
}

/// 410 Gone (the client disconnected) becomes [`PushError::Gone`]; anything else is a failure.
pub fn map_post_error(e: SdkError<PostToConnectionError>) -> PushError {
    let gone_status = e.raw_response().is_some_and(|r| r.status().as_u16() == 410);
    match e.into_service_error() {
        PostToConnectionError::GoneException(_) => PushError::Gone,
        _ if gone_status => PushError::Gone,
        other => PushError::Unavailable(format!("apigateway: {other}")),
    }
}

#[async_trait]
impl Push for ApiGatewayPush {
    async fn send(&self, connection_id: &str, message: &str) -> Result<(), PushError> {
        self.client
            .post_to_connection()
            .connection_id(connection_id)
            .data(Blob::new(message.as_bytes()))
            .send()
            .await
            .map(|_| ())
            .map_err(map_post_error)
    }
}
