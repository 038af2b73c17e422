//! Amazon SNS direct publishing to a phone number, as a transactional message (delivered even
//! to numbers on do-not-disturb lists, priced as such).

use async_trait::async_trait;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;

use super::*;

#[derive(Clone)]
pub struct SnsSms {
    client: Client,
    sender_id: Option<String>,
}

fn unavailable(e: impl std::fmt::Display) -> SmsError {
    SmsError::Unavailable(format!("sns: {e}"))
}

fn string_attribute(value: &str) -> Result<MessageAttributeValue, SmsError> {
    MessageAttributeValue::builder().data_type("String").string_value(value).build().map_err(unavailable)
}

impl SnsSms {
    /// `sender_id` is the alphanumeric sender shown where carriers allow it (e.g. `Kre8iv`).
    pub fn new(config: &aws_config::SdkConfig, sender_id: Option<String>) -> Self {
        Self { client: Client::new(config), sender_id }
    }
}

#[async_trait]
impl Sms for SnsSms {
    async fn send(&self, to: &PhoneNumber, body: &str) -> Result<String, SmsError> {
        check_body(body)?;
        // SNS accepts a publish to an opted-out number and silently drops it; ask first so the
        // person learns why no code arrives.
        let opted_out = self
            .client
            .check_if_phone_number_is_opted_out()
            .phone_number(to.as_str())
            .send()
            .await
            .map_err(|e| unavailable(aws_sdk_sns::error::DisplayErrorContext(&e)))?;
        if opted_out.is_opted_out() {
            return Err(SmsError::OptedOut(to.hint()));
        }
        let mut publish = self
            .client
            .publish()
            .phone_number(to.as_str())
            .message(body)
            .message_attributes("AWS.SNS.SMS.SMSType", string_attribute("Transactional")?);
        if let Some(sender) = &self.sender_id {
            publish = publish.message_attributes("AWS.SNS.SMS.SenderID", string_attribute(sender)?);
        }
        let out = publish.send().await.map_err(|e| unavailable(aws_sdk_sns::error::DisplayErrorContext(&e)))?;
        out.message_id.ok_or_else(|| unavailable("no message id"))
    }
}
