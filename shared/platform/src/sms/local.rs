//! The local SMS outbox: every text becomes `<id>.json` under the outbox directory, listed by
//! the host at `/dev/sms` so a developer can read the code they were sent.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::Clock;

use super::*;

#[derive(Clone)]
pub struct LocalSms {
    dir: PathBuf,
    clock: Arc<dyn Clock>,
}

fn io(e: impl std::fmt::Display) -> SmsError {
    SmsError::Unavailable(format!("sms outbox: {e}"))
}

impl LocalSms {
    pub fn new(dir: impl Into<PathBuf>, clock: Arc<dyn Clock>) -> Self {
        Self { dir: dir.into(), clock }
    }

    /// Every text in the outbox, newest first.
    pub async fn list(&self) -> Result<Vec<SentSms>, SmsError> {
        let mut out = Vec::new();
        let mut dir = match tokio::fs::read_dir(&self.dir).await {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(io(e)),
        };
        while let Some(entry) = dir.next_entry().await.map_err(io)? {
            if let Ok(raw) = tokio::fs::read(entry.path()).await
                && let Ok(sms) = serde_json::from_slice::<SentSms>(&raw)
            {
                out.push(sms);
            }
        }
        out.sort_by(|a, b| b.id.cmp(&a.id));
        Ok(out)
    }
}

#[async_trait]
impl Sms for LocalSms {
    async fn send(&self, to: &PhoneNumber, body: &str) -> Result<String, SmsError> {
        check_body(body)?;
        // Mirrors the emulated SNS: numbers ending in 99 have opted out.
        if to.as_str().ends_with("99") {
            return Err(SmsError::OptedOut(to.hint()));
        }
        let id = ulid::Ulid::new().to_string();
        let sms = SentSms {
            id: id.clone(),
            to: to.as_str().to_owned(),
            body: body.to_owned(),
            sent_at: self.clock.now_unix(),
        };
        tokio::fs::create_dir_all(&self.dir).await.map_err(io)?;
        let tmp = self.dir.join(format!("{id}.tmp"));
        tokio::fs::write(&tmp, serde_json::to_vec(&sms).map_err(io)?).await.map_err(io)?;
        tokio::fs::rename(&tmp, self.dir.join(format!("{id}.json"))).await.map_err(io)?;
        Ok(id)
    }
}
