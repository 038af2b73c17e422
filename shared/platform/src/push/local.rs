//! The in-process hub behind the local host's `/ws`: each socket registers a channel; pushes
//! go into it and the socket task writes them out.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_trait::async_trait;
use tokio::sync::mpsc;

use super::*;

#[derive(Clone, Default)]
pub struct Hub {
    connections: Arc<RwLock<HashMap<String, mpsc::UnboundedSender<String>>>>,
}

/// A registered connection: its id and the messages pushed to it. Dropping it unregisters.
pub struct HubConnection {
    pub id: String,
    pub messages: mpsc::UnboundedReceiver<String>,
    hub: Hub,
}

impl Drop for HubConnection {
    fn drop(&mut self) {
        self.hub.connections.write().unwrap_or_else(|e| e.into_inner()).remove(&self.id);
    }
}

impl Hub {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn register(&self) -> HubConnection {
        let id = ulid::Ulid::new().to_string();
        let (tx, rx) = mpsc::unbounded_channel();
        self.connections.write().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), tx);
        HubConnection { id, messages: rx, hub: self.clone() }
    }

    pub fn len(&self) -> usize {
        self.connections.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl Push for Hub {
    async fn send(&self, connection_id: &str, message: &str) -> Result<(), PushError> {
        let sender = self.connections.read().unwrap_or_else(|e| e.into_inner()).get(connection_id).cloned();
        match sender {
            Some(tx) if tx.send(message.to_owned()).is_ok() => Ok(()),
            _ => Err(PushError::Gone),
        }
    }

    /// In-process channels take a message at once: one pass under one read lock.
    async fn send_many(&self, messages: &[(String, String)]) -> Vec<Result<(), PushError>> {
        let connections = self.connections.read().unwrap_or_else(|e| e.into_inner());
        messages
            .iter()
            .map(|(conn, m)| match connections.get(conn) {
                Some(tx) if tx.send(m.clone()).is_ok() => Ok(()),
                _ => Err(PushError::Gone),
            })
            .collect()
    }
}
