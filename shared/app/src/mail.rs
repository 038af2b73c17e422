//! Outgoing mail as an event: use cases record `mail.requested` on the `email` queue in the
//! same transaction as their change; [`MailConsumer`] sends it, once.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_platform::{Mail, Mailer};

use crate::worker::{Consumer, HandlerError};

pub const QUEUE: &str = "email";
pub const MAIL_REQUESTED: &str = "mail.requested";

/// The event that asks for `mail` to be sent.
pub fn requested(
    id: ulid::Ulid,
    tenant: Option<String>,
    at: time::OffsetDateTime,
    mail: &Mail,
) -> Result<DomainEvent, crate::AppError> {
    let payload = serde_json::to_value(mail).map_err(|e| crate::AppError::Internal(e.to_string()))?;
    Ok(DomainEvent::new(id, MAIL_REQUESTED, tenant, at, payload))
}

pub struct MailConsumer {
    mailer: Arc<dyn Mailer>,
}

impl MailConsumer {
    pub fn new(mailer: Arc<dyn Mailer>) -> Self {
        Self { mailer }
    }
}

#[async_trait]
impl Consumer for MailConsumer {
    fn name(&self) -> &'static str {
        "mail"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == MAIL_REQUESTED
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let mail: Mail = serde_json::from_value(event.payload.clone())
            .map_err(|e| HandlerError(format!("bad mail payload: {e}")))?;
        self.mailer.send(&mail).await.map_err(|e| HandlerError(e.to_string()))?;
        Ok(())
    }
}
