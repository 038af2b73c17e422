//! The AWS wiring of a Lambda function. Each function's `main` names the clients it uses:
//!
//! ```ignore
//! let state = AwsWiring::from_env().await?.blobs()?.token_secret().await?.build();
//! ```
//!
//! and only those are built (and linked: a function that never calls `.blobs()` has no S3
//! client). Every step reads its own variables as `template.yaml` sets them and fails naming
//! the variable when one is missing; secrets come from Secrets Manager, never from plain
//! environment variables.

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::SdkConfig;
use kt_platform::blobs::S3Blobs;
use kt_platform::mailer::SesMailer;
use kt_platform::push::ApiGatewayPush;
use kt_platform::queue::{QUEUES, SqsQueue};
use kt_platform::secrets::{SecretError, SecretsManager};
use kt_platform::sms::SnsSms;
use kt_platform::{Clock, SystemClock};
use kt_store::DynamoStore;

use super::Parts;
use crate::identity::tokens::TokenKeys;
use crate::sealing::Sealer;
use crate::{AppState, Config};

/// Why a function could not be wired: always names the variable at fault.
#[derive(thiserror::Error)]
pub enum WiringError {
    #[error("{variable} is not set ({needed_for})")]
    Missing { variable: &'static str, needed_for: &'static str },
    #[error("{variable} is not valid: {reason}")]
    Invalid { variable: &'static str, reason: String },
    #[error("{variable}: {source}")]
    Secret {
        variable: &'static str,
        #[source]
        source: SecretError,
    },
}

/// Shown as its message: a function's `main` returns it, and Lambda logs it at init.
impl std::fmt::Debug for WiringError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// The variables a function sees; the process environment in a function, a map in tests.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars())
    }

    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self { vars: pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect() }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    fn require(&self, variable: &'static str, needed_for: &'static str) -> Result<String, WiringError> {
        self.get(variable).map(str::to_owned).ok_or(WiringError::Missing { variable, needed_for })
    }
}

/// The variable holding a queue's URL, as `template.yaml` names it (`PORTAL_QUEUE_EVENTS_URL`).
pub fn queue_url_variable(queue: &str) -> Option<&'static str> {
    match queue {
        "events" => Some("PORTAL_QUEUE_EVENTS_URL"),
        "email" => Some("PORTAL_QUEUE_EMAIL_URL"),
        "search" => Some("PORTAL_QUEUE_SEARCH_URL"),
        _ => None,
    }
}

/// The variable holding a dead-letter queue's URL (`PORTAL_DLQ_EVENTS_URL`).
pub fn dead_letter_url_variable(queue: &str) -> Option<&'static str> {
    match queue {
        "events" => Some("PORTAL_DLQ_EVENTS_URL"),
        "email" => Some("PORTAL_DLQ_EMAIL_URL"),
        "search" => Some("PORTAL_DLQ_SEARCH_URL"),
        _ => None,
    }
}

pub struct AwsWiring {
    env: Env,
    sdk: SdkConfig,
    parts: Parts,
}

impl AwsWiring {
    /// Reads the settings every function has (`PORTAL_TABLE`, `PORTAL_DOMAIN`,
    /// `PORTAL_MAIL_FROM`) from the process environment and builds the DynamoDB store.
    pub async fn from_env() -> Result<Self, WiringError> {
        Self::new(Env::from_process(), Arc::new(SystemClock)).await
    }

    pub async fn new(env: Env, clock: Arc<dyn Clock>) -> Result<Self, WiringError> {
        let table = env.require("PORTAL_TABLE", "the DynamoDB table")?;
        let domain = env.require("PORTAL_DOMAIN", "the portal's domain")?;
        if domain.contains('/') || domain.contains(':') || domain.is_empty() {
            return Err(WiringError::Invalid {
                variable: "PORTAL_DOMAIN",
                reason: "a host name such as portal.example.com".into(),
            });
        }
        let mail_from = env.require("PORTAL_MAIL_FROM", "the sender of mail")?;
        if !mail_from.contains('@') {
            return Err(WiringError::Invalid { variable: "PORTAL_MAIL_FROM", reason: "an email address".into() });
        }
        let public_url = env.get("PORTAL_PUBLIC_URL").map(str::to_owned).unwrap_or_else(|| format!("https://{domain}"));
        let sdk = kt_platform::aws::sdk_config(env.get("AWS_ENDPOINT_URL")).await;
        let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&sdk), table, clock.clone());
        let mail_inbound_domain = env
            .get("PORTAL_MAIL_INBOUND_DOMAIN")
            .map(str::to_owned)
            .unwrap_or_else(|| Config::default_inbound_domain(&domain));
        let config =
            Config { portal_domain: domain, public_url, mail_from, mail_inbound_domain, simulate_mail_feedback: false };
        Ok(Self { parts: Parts::new(Arc::new(store), clock, config), env, sdk })
    }

    /// S3 for files (`PORTAL_BUCKET`).
    pub fn blobs(mut self) -> Result<Self, WiringError> {
        let bucket = self.env.require("PORTAL_BUCKET", "the files bucket")?;
        self.parts.blobs = Arc::new(S3Blobs::new(&self.sdk, bucket));
        Ok(self)
    }

    /// SQS for sending to every queue, by the URLs the template gives
    /// (`PORTAL_QUEUE_EVENTS_URL`, `PORTAL_QUEUE_EMAIL_URL`, `PORTAL_QUEUE_SEARCH_URL`).
    pub fn queues(self) -> Result<Self, WiringError> {
        self.sqs(false)
    }

    /// SQS for the queues and their dead-letter queues (`PORTAL_DLQ_EVENTS_URL`,
    /// `PORTAL_DLQ_EMAIL_URL` too): listing and replaying dead letters.
    pub fn dead_letter_queues(self) -> Result<Self, WiringError> {
        self.sqs(true)
    }

    fn sqs(mut self, with_dead_letters: bool) -> Result<Self, WiringError> {
        let mut urls = HashMap::new();
        for name in QUEUES {
            let variable = queue_url_variable(name).unwrap_or("PORTAL_QUEUE_URL");
            urls.insert(name.to_owned(), self.env.require(variable, "a queue the function sends to")?);
            if with_dead_letters {
                let variable = dead_letter_url_variable(name).unwrap_or("PORTAL_DLQ_URL");
                urls.insert(format!("{name}-dlq"), self.env.require(variable, "a dead-letter queue")?);
            }
        }
        self.parts.queue = Arc::new(SqsQueue::with_urls(&self.sdk, urls));
        Ok(self)
    }

    /// SESv2 for mail out, through the configuration set that reports bounces and complaints
    /// (`PORTAL_SES_CONFIGURATION_SET`).
    pub fn mailer(mut self) -> Self {
        let set = self.env.get("PORTAL_SES_CONFIGURATION_SET").map(str::to_owned);
        self.parts.mailer = Arc::new(SesMailer::new(&self.sdk).with_configuration_set(set));
        self
    }

    /// SNS for text messages (`PORTAL_SMS_SENDER_ID` optional).
    pub fn sms(mut self) -> Self {
        let sender = self.env.get("PORTAL_SMS_SENDER_ID").map(str::to_owned);
        self.parts.sms = Arc::new(SnsSms::new(&self.sdk, sender));
        self
    }

    /// WebSocket pushes through the API Gateway management API (`PORTAL_WS_ENDPOINT`). Against
    /// an emulator (`AWS_ENDPOINT_URL`), pushes go to the emulator as every other call does.
    pub fn push(mut self) -> Result<Self, WiringError> {
        let endpoint = self.env.require("PORTAL_WS_ENDPOINT", "WebSocket pushes")?;
        if !endpoint.starts_with("https://") {
            return Err(WiringError::Invalid {
                variable: "PORTAL_WS_ENDPOINT",
                reason: "an https:// stage URL".into(),
            });
        }
        let endpoint = self.env.get("AWS_ENDPOINT_URL").map(str::to_owned).unwrap_or(endpoint);
        self.parts.push = Arc::new(ApiGatewayPush::new(&self.sdk, &endpoint));
        Ok(self)
    }

    /// The access-token secret from Secrets Manager (`PORTAL_JWT_SECRET_ARN`), current and
    /// previous version.
    pub async fn token_secret(mut self) -> Result<Self, WiringError> {
        let variable = "PORTAL_JWT_SECRET_ARN";
        let id = self.env.require(variable, "signing and checking access tokens")?;
        let v = SecretsManager::new(&self.sdk)
            .read(&id)
            .await
            .map_err(|source| WiringError::Secret { variable, source })?;
        self.parts.tokens = TokenKeys::rotated(&v.current, v.previous.as_deref());
        Ok(self)
    }

    /// The data-sealing key from Secrets Manager (`PORTAL_DATA_KEY_ARN`), current and previous
    /// version.
    pub async fn data_key(mut self) -> Result<Self, WiringError> {
        let variable = "PORTAL_DATA_KEY_ARN";
        let id = self.env.require(variable, "sealing stored secrets")?;
        let v = SecretsManager::new(&self.sdk)
            .read(&id)
            .await
            .map_err(|source| WiringError::Secret { variable, source })?;
        self.parts.sealer = Sealer::rotated(&v.current, v.previous.as_deref());
        Ok(self)
    }

    /// Browser push: the VAPID key derived from the secret `PORTAL_VAPID_SECRET_ARN` (its
    /// current version), the contact `PORTAL_VAPID_SUBJECT` (the sender of mail by default), and
    /// the browsers' push services plus `PORTAL_PUSH_HOSTS`.
    pub async fn web_push(mut self) -> Result<Self, WiringError> {
        let variable = "PORTAL_VAPID_SECRET_ARN";
        let id = self.env.require(variable, "browser push")?;
        let v = SecretsManager::new(&self.sdk)
            .read(&id)
            .await
            .map_err(|source| WiringError::Secret { variable, source })?;
        let subject = match self.env.get("PORTAL_VAPID_SUBJECT") {
            Some(s) => s.to_owned(),
            None => format!("mailto:{}", self.parts.config.mail_from),
        };
        let vapid = kt_platform::webpush::Vapid::from_secret(&v.current, &subject)
            .map_err(|e| WiringError::Invalid { variable, reason: e.to_string() })?;
        let hosts = super::push_hosts(self.env.get("PORTAL_PUSH_HOSTS"));
        self.parts.web_push = Arc::new(kt_platform::webpush::HttpWebPush::new(vapid, hosts));
        Ok(self)
    }

    /// The Stripe adapter (`PORTAL_STRIPE_API_BASE` points it elsewhere than Stripe's API, for
    /// an emulator). Each tenant's own keys are read with its connection.
    #[cfg(feature = "stripe")]
    pub fn payments(mut self) -> Self {
        let base = self.env.get("PORTAL_STRIPE_API_BASE").unwrap_or(kt_platform::payments::stripe::API_BASE).to_owned();
        self.parts.payments.stripe = Arc::new(kt_platform::payments::stripe::StripePayments::new(base));
        self
    }

    pub fn build(self) -> AppState {
        self.parts.into_state()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        Env::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    const BASE: [(&str, &str); 4] = [
        ("PORTAL_TABLE", "kt-portal-test"),
        ("PORTAL_DOMAIN", "portal.example.com"),
        ("PORTAL_MAIL_FROM", "no-reply@portal.example.com"),
        ("AWS_REGION", "us-east-1"),
    ];

    async fn wiring(pairs: &[(&str, &str)]) -> Result<AwsWiring, WiringError> {
        AwsWiring::new(env(pairs), Arc::new(SystemClock)).await
    }

    #[tokio::test]
    async fn each_missing_setting_is_named() {
        for skip in ["PORTAL_TABLE", "PORTAL_DOMAIN", "PORTAL_MAIL_FROM"] {
            let pairs: Vec<_> = BASE.iter().copied().filter(|(k, _)| *k != skip).collect();
            let err = wiring(&pairs).await.err().expect("refused");
            assert!(err.to_string().starts_with(skip), "{err}");
        }
        let w = wiring(&BASE).await.expect("base settings");
        assert_eq!(w.parts.config.public_url, "https://portal.example.com", "public URL follows the domain");
        let err = w.blobs().err().expect("no bucket");
        assert!(err.to_string().starts_with("PORTAL_BUCKET is not set"), "{err}");
        let err = wiring(&BASE).await.unwrap().queues().err().expect("no queue URLs");
        assert!(err.to_string().starts_with("PORTAL_QUEUE_EVENTS_URL"), "{err}");
        let mut pairs = BASE.to_vec();
        pairs.extend([("PORTAL_QUEUE_EVENTS_URL", "https://q/e"), ("PORTAL_QUEUE_EMAIL_URL", "https://q/m")]);
        let err = wiring(&pairs).await.unwrap().queues().err().expect("no search queue URL");
        assert!(err.to_string().starts_with("PORTAL_QUEUE_SEARCH_URL"), "{err}");
        pairs.push(("PORTAL_QUEUE_SEARCH_URL", "https://q/s"));
        assert!(wiring(&pairs).await.unwrap().queues().is_ok());
        let err = wiring(&pairs).await.unwrap().dead_letter_queues().err().expect("no DLQ URLs");
        assert!(err.to_string().starts_with("PORTAL_DLQ_EVENTS_URL"), "{err}");
        let err = wiring(&BASE).await.unwrap().push().err().expect("no endpoint");
        assert!(err.to_string().starts_with("PORTAL_WS_ENDPOINT"), "{err}");
        let err = wiring(&BASE).await.unwrap().token_secret().await.err().expect("no secret");
        assert!(err.to_string().starts_with("PORTAL_JWT_SECRET_ARN"), "{err}");
        let err = wiring(&BASE).await.unwrap().data_key().await.err().expect("no key");
        assert!(err.to_string().starts_with("PORTAL_DATA_KEY_ARN"), "{err}");
    }

    #[tokio::test]
    async fn wrong_values_are_refused() {
        let mut pairs = BASE.to_vec();
        pairs[1] = ("PORTAL_DOMAIN", "https://portal.example.com");
        assert!(wiring(&pairs).await.err().expect("refused").to_string().starts_with("PORTAL_DOMAIN is not valid"));
        let mut pairs = BASE.to_vec();
        pairs.push(("PORTAL_WS_ENDPOINT", "wss://x"));
        let err = wiring(&pairs).await.unwrap().push().err().expect("refused");
        assert!(err.to_string().starts_with("PORTAL_WS_ENDPOINT is not valid"), "{err}");
    }

    #[tokio::test]
    async fn ports_not_wired_are_absent() {
        let state = wiring(&BASE).await.unwrap().build();
        let err = state.blobs.delete("x").await.unwrap_err();
        assert!(err.to_string().contains("blobs port is not wired"), "{err}");
        assert!(state.tokens.verify("x").is_err());
    }
}
