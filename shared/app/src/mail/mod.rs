//! Outgoing mail and texts as events: use cases record `mail.requested` (or `text.requested`)
//! on the `email` queue in the same transaction as their change; [`MailConsumer`] and
//! [`TextConsumer`] send it, once. A mail is asked for as a [`Letter`]: the consumer writes it
//! from the tenant's template when it sends, skips addresses mail stopped to, and records the
//! Message-ID of a ticket's mail.

pub mod letter;
pub mod stops;
pub mod templates;

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::{Email, PhoneNumber};
use kt_platform::sms::SmsError;
use kt_platform::{Mail, Sms};
use serde::{Deserialize, Serialize};

pub use self::letter::Letter;
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState};

pub const QUEUE: &str = "email";
pub const MAIL_REQUESTED: &str = "mail.requested";
pub const TEXT_REQUESTED: &str = "text.requested";

/// What a `mail.requested` event carries: a letter, or (events recorded before letters) a
/// mail already written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum Request {
    Letter { letter: Box<Letter> },
    Written(Box<Mail>),
}

/// The event that asks for `letter` to be written and sent.
pub fn requested(id: ulid::Ulid, at: time::OffsetDateTime, letter: &Letter) -> Result<DomainEvent, AppError> {
    let payload = serde_json::to_value(Request::Letter { letter: Box::new(letter.clone()) })
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(DomainEvent::new(id, MAIL_REQUESTED, Some(letter.portal.to_string()), at, payload))
}

/// The event that asks for a mail already written to be sent as it is (no template).
pub fn written(
    id: ulid::Ulid,
    tenant: Option<String>,
    at: time::OffsetDateTime,
    mail: &Mail,
) -> Result<DomainEvent, AppError> {
    let payload = serde_json::to_value(Request::Written(Box::new(mail.clone())))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(DomainEvent::new(id, MAIL_REQUESTED, tenant, at, payload))
}

/// How long a sent mail's Message-ID is kept for threading (two years).
const SENT_ID_SECS: i64 = 2 * 365 * 24 * 3600;

pub struct MailConsumer {
    app: AppState,
}

impl MailConsumer {
    pub fn new(app: AppState) -> Self {
        Self { app }
    }

    /// The mail to send and whether it may go to a stopped address; `None` when its portal is
    /// gone.
    async fn write(&self, request: Request) -> Result<Option<(Mail, bool)>, AppError> {
        let letter = match request {
            Request::Written(mail) => return Ok(Some((*mail, false))),
            Request::Letter { letter } => letter,
        };
        let portal = match crate::identity::tenancy::get(&self.app, &letter.portal).await {
            Ok(t) => t,
            Err(AppError::NotFound) => return Ok(None),
            Err(e) => return Err(e),
        };
        let template = templates::current(&self.app, &portal, letter.kind).await?;
        let base = crate::seed::portal_url(&self.app, &portal);
        let sender = letter::Sender { portal: &portal, base_url: &base, from: &self.app.config.mail_from };
        Ok(Some((letter::write(&sender, &letter, &template), letter.confirming)))
    }

    /// Keeps the Message-IDs of a ticket's mail (the portal's, and the one SES may show its
    /// recipients), so an answer naming either threads. A failure here is logged, not retried:
    /// the mail went, and the portal's id names its ticket all the same.
    async fn record_sent(&self, tenant: Option<&str>, mail: &Mail, sent: &kt_platform::mailer::SentMail) {
        let (Some(tenant), Some(thread)) =
            (tenant.and_then(|t| kt_domain::identity::TenantId::try_from(t.to_owned()).ok()), mail.thread.as_deref())
        else {
            return;
        };
        let record = kt_store::mail_out::SentId {
            message_id: sent.message_id.clone(),
            ticket: thread.strip_prefix("ticket-").map(str::to_owned),
            to: mail.to.iter().map(|a| a.email.clone()).collect(),
            at: self.app.clock.now(),
        };
        let expires = self.app.clock.now_unix() + SENT_ID_SECS;
        let ids = std::iter::once(sent.message_id.as_str()).chain(sent.provider_id.as_deref());
        let ops: Result<Vec<kt_store::TxOp>, kt_store::StoreError> = ids
            .map(|id| {
                let item = kt_store::Item::from_entity(kt_store::mail_out::sent_key(&tenant, id), &record)?;
                Ok(kt_store::TxOp::Put { item: item.with_expiry(expires), cond: kt_store::Cond::None })
            })
            .collect();
        let result = match ops {
            Ok(ops) => self.app.store.transact(ops).await,
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "could not record a sent mail's Message-ID");
        }
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
        let request: Request = serde_json::from_value(event.payload.clone())
            .map_err(|e| HandlerError(format!("bad mail payload: {e}")))?;
        let Some((mut mail, confirming)) = self.write(request).await.map_err(|e| HandlerError(e.to_string()))? else {
            return Ok(());
        };
        if !confirming {
            let mut to = Vec::with_capacity(mail.to.len());
            for a in std::mem::take(&mut mail.to) {
                let stopped = match Email::parse(&a.email) {
                    Ok(e) => stops::is_stopped(&self.app, &e).await.map_err(|e| HandlerError(e.to_string()))?,
                    Err(_) => false,
                };
                if !stopped {
                    to.push(a);
                }
            }
            if to.is_empty() {
                tracing::info!(event = %event.id, "mail not sent: mail to its address stopped");
                return Ok(());
            }
            mail.to = to;
        }
        let sent = self.app.mailer.send(&mail).await.map_err(|e| HandlerError(e.to_string()))?;
        self.record_sent(event.tenant.as_deref(), &mail, &sent).await;
        if self.app.config.simulate_mail_feedback {
            for report in simulated_feedback(&mail) {
                stops::record(&self.app, &report).await.map_err(|e| HandlerError(e.to_string()))?;
            }
        }
        Ok(())
    }
}

/// The reports SES's mailbox simulator answers `mail` with: a permanent bounce for
/// `bounce@simulator.amazonses.com`, a complaint for `complaint@simulator.amazonses.com` (a
/// `+label` after either, as SES allows), in the shape of the configuration set's events.
pub fn simulated_feedback(mail: &Mail) -> Vec<serde_json::Value> {
    let tags: serde_json::Map<String, serde_json::Value> =
        mail.tags.iter().map(|(k, v)| (k.clone(), serde_json::json!([v]))).collect();
    mail.to
        .iter()
        .filter_map(|a| {
            let lower = a.email.to_ascii_lowercase();
            let (local, domain) = lower.split_once('@')?;
            if domain != "simulator.amazonses.com" {
                return None;
            }
            match local.split('+').next() {
                Some("bounce") => Some(serde_json::json!({
                    "eventType": "Bounce",
                    "bounce": {"bounceType": "Permanent", "bounceSubType": "General", "bouncedRecipients": [
                        {"emailAddress": a.email, "action": "failed", "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
                    ]},
                    "mail": {"tags": tags},
                })),
                Some("complaint") => Some(serde_json::json!({
                    "eventType": "Complaint",
                    "complaint": {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": a.email}]},
                    "mail": {"tags": tags},
                })),
                _ => None,
            }
        })
        .collect()
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
) -> Result<DomainEvent, AppError> {
    let text = Text { to: to.clone(), body: body.to_owned() };
    let payload = serde_json::to_value(&text).map_err(|e| AppError::Internal(e.to_string()))?;
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
