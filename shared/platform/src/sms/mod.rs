//! Sms: short text messages (sign-in codes). Amazon SNS in AWS; in the local host, a file
//! outbox readable at `/dev/sms`, like the mail outbox.

#[cfg(feature = "local")]
mod local;
mod sns;

use async_trait::async_trait;
use kt_domain::identity::PhoneNumber;
use serde::{Deserialize, Serialize};

#[cfg(feature = "local")]
pub use local::LocalSms;
pub use sns::SnsSms;

/// Longest text sent: one GSM-7 segment, so a code never arrives in pieces.
pub const MAX_SMS_CHARS: usize = 160;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentSms {
    pub id: String,
    pub to: String,
    pub body: String,
    pub sent_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("the text is longer than {MAX_SMS_CHARS} characters")]
    TooLong,
    /// The owner of the number replied STOP; nothing can be sent to it.
    #[error("{0} has opted out of text messages")]
    OptedOut(String),
    #[error("sms service unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Sms: Send + Sync + 'static {
    /// Sends a transactional text; the id is the provider's message id.
    async fn send(&self, to: &PhoneNumber, body: &str) -> Result<String, SmsError>;
}

fn check_body(body: &str) -> Result<(), SmsError> {
    if body.chars().count() > MAX_SMS_CHARS { Err(SmsError::TooLong) } else { Ok(()) }
}
