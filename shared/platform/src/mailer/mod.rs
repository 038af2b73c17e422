//! Mailer: builds a real MIME message (text + HTML alternatives, attachments, Reply-To,
//! Message-ID) and sends it: SESv2 raw in AWS, an `.eml` file in the local outbox.

#[cfg(feature = "local")]
mod local;
mod ses;

use async_trait::async_trait;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use serde::{Deserialize, Serialize};

#[cfg(feature = "local")]
pub use local::{LocalMailer, OutboxEntry};
pub use ses::SesMailer;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailAddress {
    pub name: Option<String>,
    pub email: String,
}

impl MailAddress {
    pub fn new(name: Option<&str>, email: &str) -> Self {
        Self { name: name.map(str::to_owned), email: email.to_owned() }
    }

    fn to_builder(&self) -> Address<'_> {
        Address::new_address(self.name.as_deref(), self.email.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    pub from: MailAddress,
    pub to: Vec<MailAddress>,
    #[serde(default)]
    pub reply_to: Option<MailAddress>,
    pub subject: String,
    pub text: String,
    #[serde(default)]
    pub html: Option<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// Extra headers, e.g. `In-Reply-To` / `References` for threading ticket replies.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// What the Message-ID starts with (`ticket-<id>`), so an answer's `In-Reply-To` names
    /// the thread even where a mail program drops `References`.
    #[serde(default)]
    pub thread: Option<String>,
    /// Tags the sending service reports back with bounces and complaints (`tenant`).
    #[serde(default)]
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// The Message-ID header value (without angle brackets).
    pub message_id: String,
    /// The sending service's own id for the message (SES's `MessageId`), which SES may put in
    /// the Message-ID recipients see (`<id@<region>.amazonses.com>`).
    pub provider_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail has no recipient")]
    NoRecipient,
    #[error("{0:?} is not an email address")]
    BadAddress(String),
    #[error("mail could not be built: {0}")]
    Build(String),
    #[error("mail service unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &Mail) -> Result<SentMail, MailError>;
}

fn check_address(a: &MailAddress) -> Result<(), MailError> {
    let ok = a.email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.is_empty()
            && !a.email.contains(|c: char| c.is_whitespace() || c == '<' || c == '>')
    });
    if ok { Ok(()) } else { Err(MailError::BadAddress(a.email.clone())) }
}

/// Renders `mail` as RFC 5322 bytes with the given Message-ID (`id@domain`).
pub fn build_mime(mail: &Mail, message_id: &str, date_unix: i64) -> Result<Vec<u8>, MailError> {
    if mail.to.is_empty() {
        return Err(MailError::NoRecipient);
    }
    check_address(&mail.from)?;
    for a in mail.to.iter().chain(mail.reply_to.iter()) {
        check_address(a)?;
    }
    let to: Vec<Address<'_>> = mail.to.iter().map(MailAddress::to_builder).collect();
    let mut b = MessageBuilder::new()
        .message_id(message_id)
        .date(date_unix)
        .from(mail.from.to_builder())
        .to(to)
        .subject(mail.subject.as_str())
        .text_body(mail.text.as_str());
    if let Some(r) = &mail.reply_to {
        b = b.reply_to(r.to_builder());
    }
    if let Some(html) = &mail.html {
        b = b.html_body(html.as_str());
    }
    for a in &mail.attachments {
        b = b.attachment(a.content_type.as_str(), a.filename.as_str(), a.bytes.as_slice());
    }
    for (name, value) in &mail.headers {
        b = b.header(name.as_str(), mail_builder::headers::raw::Raw::new(value.as_str()));
    }
    b.write_to_vec().map_err(|e| MailError::Build(e.to_string()))
}

/// A fresh Message-ID in the sender's domain, starting with the mail's thread when it has one
/// (`ticket-<id>.<ulid>@domain`).
pub(crate) fn new_message_id(mail: &Mail) -> String {
    let domain = mail.from.email.rsplit_once('@').map(|(_, d)| d).unwrap_or("localhost");
    let unique = ulid::Ulid::new().to_string().to_lowercase();
    let thread =
        mail.thread.as_deref().filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    match thread {
        Some(t) => format!("{t}.{unique}@{domain}"),
        None => format!("{unique}@{domain}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample() -> Mail {
        Mail {
            from: MailAddress::new(Some("Acme Support"), "support@acme.test"),
            to: vec![MailAddress::new(Some("Dana Client"), "dana@client.test")],
            reply_to: Some(MailAddress::new(None, "reply+kt-1001@acme.test")),
            subject: "Your ticket KT-1001 ✓".into(),
            text: "Hello Dana".into(),
            html: Some("<p>Hello <b>Dana</b></p>".into()),
            attachments: vec![Attachment {
                filename: "log.txt".into(),
                content_type: "text/plain".into(),
                bytes: b"line 1".to_vec(),
            }],
            headers: vec![("X-Ticket".into(), "KT-1001".into())],
            thread: Some("ticket-01JD9Z8Q6W3K2M4N5P6R7S8T9V".into()),
            tags: vec![("tenant".into(), "01JD9Z8Q6W3K2M4N5P6R7S8T9W".into())],
        }
    }

    #[test]
    fn builds_multipart_alternative_with_attachment() {
        let raw = String::from_utf8(build_mime(&sample(), "abc@acme.test", 1_700_000_000).unwrap()).unwrap();
        assert!(raw.contains("Message-ID: <abc@acme.test>"));
        assert!(raw.contains("Reply-To: <reply+kt-1001@acme.test>"));
        assert!(raw.contains("multipart/mixed"));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("text/html"));
        assert!(raw.contains("filename=\"log.txt\""));
        assert!(raw.contains("X-Ticket: KT-1001"));
        assert!(raw.contains("Subject: =?utf-8?"), "non-ASCII subject is encoded");
    }

    #[test]
    fn message_ids_start_with_the_thread() {
        let id = new_message_id(&sample());
        assert!(id.starts_with("ticket-01JD9Z8Q6W3K2M4N5P6R7S8T9V."), "{id}");
        assert!(id.ends_with("@acme.test"), "{id}");
        let mut bare = sample();
        bare.thread = Some("<bad thread>".into());
        assert!(!new_message_id(&bare).contains("bad"));
    }

    #[test]
    fn refuses_bad_addresses_and_no_recipients() {
        let mut m = sample();
        m.to.clear();
        assert!(matches!(build_mime(&m, "x@y", 0), Err(MailError::NoRecipient)));
        let mut m = sample();
        m.to[0].email = "not an address".into();
        assert!(matches!(build_mime(&m, "x@y", 0), Err(MailError::BadAddress(_))));
    }
}
