//! Secrets read at start-up from AWS Secrets Manager. A secret's value is taken in its current
//! version and, when there is one, its previous version (the `AWSCURRENT` and `AWSPREVIOUS`
//! staging labels), so values signed or sealed before a rotation still verify and open while
//! new ones use the new key. Read once per process (a Lambda init), never logged.

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::{DisplayErrorContext, ProvideErrorMetadata};

/// A secret's key material: the current version first, then the previous one if any.
#[derive(Clone)]
pub struct SecretVersions {
    pub current: Vec<u8>,
    pub previous: Option<Vec<u8>>,
}

impl std::fmt::Debug for SecretVersions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretVersions").field("previous", &self.previous.is_some()).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("secret {id}: {reason}")]
    Unreadable { id: String, reason: String },
    #[error("secret {0} has no string value of at least 32 characters")]
    TooShort(String),
}

/// Smallest acceptable secret: 32 characters (the template generates 64).
const MIN_SECRET_LEN: usize = 32;

pub struct SecretsManager {
    client: Client,
}

impl SecretsManager {
    pub fn new(config: &aws_config::SdkConfig) -> Self {
        Self { client: Client::new(config) }
    }

    /// Reads `id` (an ARN or name): its current version, and its previous one when it exists.
    pub async fn read(&self, id: &str) -> Result<SecretVersions, SecretError> {
        let current = self
            .stage(id, "AWSCURRENT")
            .await?
            .ok_or_else(|| SecretError::Unreadable { id: id.to_owned(), reason: "no current version".into() })?;
        let previous = self.stage(id, "AWSPREVIOUS").await?;
        Ok(SecretVersions { current, previous })
    }

    async fn stage(&self, id: &str, stage: &str) -> Result<Option<Vec<u8>>, SecretError> {
        let out = match self.client.get_secret_value().secret_id(id).version_stage(stage).send().await {
            Ok(out) => out,
            // A secret never rotated has no AWSPREVIOUS version.
            Err(e) if stage != "AWSCURRENT" && e.code() == Some("ResourceNotFoundException") => return Ok(None),
            Err(e) => {
                return Err(SecretError::Unreadable { id: id.to_owned(), reason: DisplayErrorContext(&e).to_string() });
            }
        };
        let value = out.secret_string.unwrap_or_default();
        if value.len() < MIN_SECRET_LEN {
            return Err(SecretError::TooShort(id.to_owned()));
        }
        Ok(Some(value.into_bytes()))
    }
}
