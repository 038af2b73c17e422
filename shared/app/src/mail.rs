//! Outgoing mail and texts as events: use cases record `mail.requested` (or `text.requested`)
//! on the `email` queue in the same transaction as their change; [`MailConsumer`] and
//! [`TextConsumer`] send it, once.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::PhoneNumber;
use kt_platform::sms::SmsError;
use kt_platform::{Mail, Mailer, Sms};
use serde::{Deserialize, Serialize};

use crate::worker::{Consumer, HandlerError};

pub const QUEUE: &str = "email";
pub const MAIL_REQUESTED: &str = "mail.requested";
pub const TEXT_REQUESTED: &str = "text.requested";

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

/// A text message to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub to: PhoneNumber,
    pub body: String,
}

/// The event that asks for a text to `to`.
pub fn text_requested(
    id: ulid::Ulid,
    tenant: Option<String>,
    at: time::OffsetDateTime,
    to: &PhoneNumber,
    body: &str,
) -> Result<DomainEvent, crate::AppError> {
    let text = Text { to: to.clone(), body: body.to_owned() };
    let payload = serde_json::to_value(&text).map_err(|e| crate::AppError::Internal(e.to_string()))?;
    Ok(DomainEvent::new(id, TEXT_REQUESTED, tenant, at, payload))
}

/// A notification as a text: the portal's name, the title and where to read it, cut to fit
/// one message.
pub fn text_body(portal: &str, title: &str, url: &str) -> String {
    let max = kt_platform::sms::MAX_SMS_CHARS;
    let tail = format!(" {url}/notifications");
    let head: String = format!("{portal}: {title}").chars().take(max.saturating_sub(tail.chars().count())).collect();
    format!("{head}{tail}")
}

pub struct TextConsumer {
    sms: Arc<dyn Sms>,
}

impl TextConsumer {
    pub fn new(sms: Arc<dyn Sms>) -> Self {
        Self { sms }
    }
}

#[async_trait]
impl Consumer for TextConsumer {
    fn name(&self) -> &'static str {
        "text"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == TEXT_REQUESTED
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let text: Text = serde_json::from_value(event.payload.clone())
            .map_err(|e| HandlerError(format!("bad text payload: {e}")))?;
        match self.sms.send(&text.to, &text.body).await {
            Ok(_) => Ok(()),
            // The person said STOP: nothing to retry; the next decision still says "sent", as
            // the carrier is the one that refuses.
            Err(SmsError::OptedOut(_)) => Ok(()),
            Err(e) => Err(HandlerError(e.to_string())),
        }
    }
}
