//! SESv2 raw sending: the MIME bytes built here go out unchanged.

use async_trait::async_trait;
use aws_sdk_sesv2::Client;
use aws_sdk_sesv2::primitives::Blob;
use aws_sdk_sesv2::types::{Destination, EmailContent, MessageTag, RawMessage};

use super::*;

#[derive(Clone)]
pub struct SesMailer {
    client: Client,
    /// The configuration set whose event destination reports bounces and complaints.
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        Self { client: Client::new(config), configuration_set: None }
    }

    /// Sends through `name`, whose bounces and complaints come back to the portal.
    pub fn with_configuration_set(mut self, name: Option<String>) -> Self {
        self.configuration_set = name.filter(|n| !n.is_empty());
        self
    }

    /// Verifies a sender identity (emulators and sandbox accounts need one).
    pub async fn ensure_identity(&self, email_or_domain: &str) -> Result<(), MailError> {
        match self.client.create_email_identity().email_identity(email_or_domain).send().await {
            Ok(_) => Ok(()),
            Err(e) if aws_sdk_sesv2::error::ProvideErrorMetadata::code(&e) == Some("AlreadyExistsException") => Ok(()),
            Err(e) => Err(MailError::Unavailable(format!("ses: {}", aws_sdk_sesv2::error::DisplayErrorContext(&e)))),
        }
    }
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, mail: &Mail) -> Result<SentMail, MailError> {
        let message_id = new_message_id(mail);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let raw = build_mime(mail, &message_id, now)?;
        let raw = RawMessage::builder().data(Blob::new(raw)).build().map_err(|e| MailError::Build(e.to_string()))?;
        let destination =
            Destination::builder().set_to_addresses(Some(mail.to.iter().map(|a| a.email.clone()).collect())).build();
        // SES takes tag names and values of letters, digits, `_` and `-` only.
        let tags = mail
            .tags
            .iter()
            .filter(|(k, v)| tag_safe(k) && tag_safe(v))
            .filter_map(|(k, v)| MessageTag::builder().name(k).value(v).build().ok());
        let out = self
            .client
            .send_email()
            .from_email_address(&mail.from.email)
            .destination(destination)
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .set_email_tags(Some(tags.collect()))
            .send()
            .await
            .map_err(|e| MailError::Unavailable(format!("ses: {}", aws_sdk_sesv2::error::DisplayErrorContext(&e))))?;
        Ok(SentMail { message_id, provider_id: out.message_id().map(str::to_owned) })
    }
}

fn tag_safe(s: &str) -> bool {
    !s.is_empty() && s.len() <= 256 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
