//! Push: deliver a message (JSON text) to one WebSocket connection. `Gone` tells the caller to prune
//! the connection (API Gateway answers 410; the local hub no longer has it).

mod apigw;
#[cfg(feature = "local")]
mod local;

use async_trait::async_trait;

pub use apigw::{ApiGatewayPush, map_post_error};
#[cfg(feature = "local")]
pub use local::{Hub, HubConnection};

#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("connection is gone")]
    Gone,
    #[error("push unavailable: {0}")]
    Unavailable(String),
}

/// Pushes in flight at once when an adapter sends many over the network.
pub const SEND_MANY_CONCURRENCY: usize = 64;

#[async_trait]
pub trait Push: Send + Sync + 'static {
    /// Sends `message`, serialized JSON, to the connection.
    async fn send(&self, connection_id: &str, message: &str) -> Result<(), PushError>;

    /// Sends each message to its connection; one result per message, in order. Adapters
    /// that talk to a network send [`SEND_MANY_CONCURRENCY`] at a time.
    async fn send_many(&self, messages: &[(String, String)]) -> Vec<Result<(), PushError>> {
        let mut out = Vec::with_capacity(messages.len());
        for chunk in messages.chunks(SEND_MANY_CONCURRENCY) {
            let sends: Vec<_> = chunk.iter().map(|(conn, m)| self.send(conn, m)).collect();
            out.extend(futures::future::join_all(sends).await);
        }
        out
    }
}
