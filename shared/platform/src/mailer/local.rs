//! The local outbox: every message becomes `<id>.eml` (plus a small JSON summary for the
//! listing) under the outbox directory, readable through the host at `/dev/mail`.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::Clock;
use serde::{Deserialize, Serialize};

use super::*;

#[derive(Clone)]
pub struct LocalMailer {
    dir: PathBuf,
    clock: Arc<dyn Clock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: String,
    pub message_id: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    pub sent_at: i64,
}

fn io(e: impl std::fmt::Display) -> MailError {
    MailError::Unavailable(format!("outbox: {e}"))
}

impl LocalMailer {
    pub fn new(dir: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self { dir: dir.into(), clock }
    }

    /// Every message in the outbox, newest first.
    pub async fn list(&self) -> Result<Vec<OutboxEntry>, MailError> {
        let mut entries = Vec::new();
        let mut dir = match tokio::fs::read_dir(&self.dir).await {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(entries),
            Err(e) => return Err(io(e)),
        };
        while let Some(entry) = dir.next_entry().await.map_err(io)? {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "json")
                && let Ok(raw) = tokio::fs::read(&path).await
                && let Ok(e) = serde_json::from_slice::<OutboxEntry>(&raw)
            {
                entries.push(e);
            }
        }
        entries.sort_by(|a, b| b.id.cmp(&a.id));
        Ok(entries)
    }

    /// The raw `.eml` of message `id`, if it exists.
    pub async fn read(&self, id: &str) -> Result<Option<Vec<u8>>, MailError> {
        if ulid::Ulid::from_string(id).is_err() {
            return Ok(None);
        }
        match tokio::fs::read(self.dir.join(format!("{id}.eml"))).await {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(e)),
        }
    }
}

#[async_trait]
impl Mailer for LocalMailer {
    async fn send(&self, mail: &Mail) -> Result<SentMail, MailError> {
        let message_id = new_message_id(mail);
        let now = self.clock.now_unix();
        let raw = build_mime(mail, &message_id, now)?;
        let id = ulid::Ulid::new().to_string();
        let entry = OutboxEntry {
            id: id.clone(),
            message_id: message_id.clone(),
            from: mail.from.email.clone(),
            to: mail.to.iter().map(|a| a.email.clone()).collect(),
            subject: mail.subject.clone(),
            sent_at: now,
        };
        tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
        // The .eml is written before its summary so a listed message is always readable.
        tokio::fs::write(self.dir.join(format!("{id}.eml")), &raw).await.map_err(io)?;
        tokio::fs::write(self.dir.join(format!("{id}.json")), serde_json::to_vec(&entry).map_err(io)?)
            .await
            .map_err(io)?;
        tracing::info!(to = ?entry.to, subject = %entry.subject, "mail written to the local outbox");
        Ok(SentMail { message_id, provider_id: None })
    }
}
