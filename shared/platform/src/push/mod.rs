//! Push: deliver a JSON message to one WebSocket connection. `Gone` tells the caller to prune
//! the connection (API Gateway answers 410; the local hub no longer has it).

mod apigw;
mod local;

use async_trait::async_trait;

pub use apigw::{ApiGatewayPush, map_post_error};
pub use local::{Hub, HubConnection};

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("connection is gone")]
    Gone,
    #[error("push unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Push: Send + Sync + 'static {
    async fn send(&self, connection_id: &str, message: &serde_json::Value) -> Result<(), PushError>;
}
