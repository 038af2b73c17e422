//! The `portal` host's wiring (feature `local`): everything local (SQLite, files, SQLite queue,
//! `.eml` and SMS outboxes, in-process hub), or, for reference runs against an emulator, every
//! AWS adapter at once (`--backend aws`). Lambda functions never use this module; they wire
//! themselves with [`super::aws`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kt_platform::blobs::{LocalBlobs, S3Blobs};
use kt_platform::mailer::{LocalMailer, SesMailer};
use kt_platform::push::{ApiGatewayPush, Hub};
use kt_platform::queue::{LocalQueue, MAX_RECEIVES, SqsQueue};
use kt_platform::sms::{LocalSms, SnsSms};
use kt_platform::webpush::{HttpWebPush, Vapid};

use super::push_hosts;
use kt_platform::{Blobs, Clock, Mailer, Push, Queue, Sms, SystemClock};
use kt_store::{DynamoStore, SqliteStore, Store};

use super::Parts;
use crate::identity::tokens::TokenKeys;
use crate::sealing::Sealer;
use crate::{AppError, AppState, Config};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Local,
    Aws,
}

impl std::str::FromStr for Backend {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "local" => Ok(Backend::Local),
            "aws" => Ok(Backend::Aws),
            other => Err(format!("backend must be local or aws, not {other:?}")),
        }
    }
}

/// Every setting, with the defaults README.md documents.
#[derive(Debug, Clone)]
pub struct Settings {
    pub backend: Backend,
    pub data_dir: PathBuf,
    pub public_url: String,
    pub portal_domain: String,
    pub table: String,
    pub bucket: String,
    pub queue_prefix: String,
    pub mail_from: String,
    /// HMAC key for local presigned URLs; generated into the data dir when unset.
    pub signing_key: Option<String>,
    /// Secret for access tokens; generated into the data dir when unset (local only).
    pub jwt_secret: Option<String>,
    /// Key that seals stored secrets (authenticator apps); generated into the data dir when
    /// unset (local only). Unlike the JWT secret it cannot be rotated by replacing it.
    pub data_key: Option<String>,
    /// Alphanumeric sender of SMS codes where carriers allow one.
    pub sms_sender_id: Option<String>,
    /// API Gateway WebSocket stage URL (Lambda); without it pushes go through the local hub.
    pub ws_endpoint: Option<String>,
    /// Endpoint override for every AWS service (an emulator such as moto).
    pub aws_endpoint: Option<String>,
    /// Where the Stripe adapter sends requests (localstripe in tests).
    pub stripe_api_base: String,
    /// The secret the VAPID key of browser push is derived from; generated into the data dir
    /// when unset (local only).
    pub vapid_secret: Option<String>,
    /// The contact push services see (`mailto:` or `https:`); the sender of mail by default.
    pub vapid_subject: Option<String>,
    /// Push-service hosts allowed besides the browsers' own (comma-separated; a loopback host
    /// for the tests' push service).
    pub push_hosts: Vec<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Settings {
    pub fn from_env() -> Self {
        Self {
            backend: env("PORTAL_BACKEND").and_then(|b| b.parse().ok()).unwrap_or(Backend::Local),
            data_dir: env("PORTAL_DATA_DIR").unwrap_or_else(|| ".data".into()).into(),
            public_url: env("PORTAL_PUBLIC_URL").unwrap_or_else(|| "http://localhost:3000".into()),
            portal_domain: env("PORTAL_DOMAIN").unwrap_or_else(|| "localhost".into()),
            table: env("PORTAL_TABLE").unwrap_or_else(|| "kt-portal".into()),
            bucket: env("PORTAL_BUCKET").unwrap_or_else(|| "kt-portal-files".into()),
            queue_prefix: env("PORTAL_QUEUE_PREFIX").unwrap_or_else(|| "kt-portal-".into()),
            mail_from: env("PORTAL_MAIL_FROM").unwrap_or_else(|| "no-reply@localhost".into()),
            signing_key: env("PORTAL_SIGNING_KEY"),
            jwt_secret: env("PORTAL_JWT_SECRET"),
            data_key: env("PORTAL_DATA_KEY"),
            sms_sender_id: env("PORTAL_SMS_SENDER_ID"),
            ws_endpoint: env("PORTAL_WS_ENDPOINT"),
            aws_endpoint: env("AWS_ENDPOINT_URL"),
            stripe_api_base: env("PORTAL_STRIPE_API_BASE")
                .unwrap_or_else(|| kt_platform::payments::stripe::API_BASE.into()),
            vapid_secret: env("PORTAL_VAPID_SECRET"),
            vapid_subject: env("PORTAL_VAPID_SUBJECT"),
            push_hosts: push_hosts(env("PORTAL_PUSH_HOSTS").as_deref()),
        }
    }
}

impl Settings {
    /// The environment's settings on the local backend with state under `data_dir`.
    pub fn local(data_dir: impl Into<PathBuf>) -> Self {
        Self { backend: Backend::Local, data_dir: data_dir.into(), ..Self::from_env() }
    }
}

/// The wired application plus the local adapters the host serves routes for.
pub struct Wired {
    pub state: AppState,
    pub hub: Hub,
    pub local_blobs: Option<LocalBlobs>,
    pub local_mailer: Option<LocalMailer>,
    pub local_sms: Option<LocalSms>,
}

/// The chosen adapters.
struct Ports {
    store: Arc<dyn Store>,
    blobs: Arc<dyn Blobs>,
    queue: Arc<dyn Queue>,
    mailer: Arc<dyn Mailer>,
    push: Arc<dyn Push>,
    sms: Arc<dyn Sms>,
}

pub async fn wire(settings: &Settings) -> Result<Wired, AppError> {
    wire_with_clock(settings, Arc::new(SystemClock)).await
}

pub async fn wire_with_clock(settings: &Settings, clock: Arc<dyn Clock>) -> Result<Wired, AppError> {
    let config = Config {
        portal_domain: settings.portal_domain.clone(),
        public_url: settings.public_url.clone(),
        mail_from: settings.mail_from.clone(),
        mail_inbound_domain: Config::default_inbound_domain(&settings.portal_domain),
        simulate_mail_feedback: settings.backend == Backend::Local,
    };
    let hub = Hub::new();
    let (ports, local_blobs, local_mailer, local_sms) = match settings.backend {
        Backend::Local => {
            let dir = &settings.data_dir;
            let store = SqliteStore::open(dir.join("portal.db"), clock.clone())?;
            let queue = LocalQueue::open(dir.join("queue.db"), clock.clone(), MAX_RECEIVES)?;
            let key = secret(settings.signing_key.as_deref(), dir, "signing.key")?;
            let blobs = LocalBlobs::new(dir.join("files"), settings.public_url.clone(), key, clock.clone());
            let mailer = LocalMailer::new(dir.join("mail"), clock.clone());
            let sms = LocalSms::new(dir.join("sms"), clock.clone());
            let ports = Ports {
                store: Arc::new(store),
                blobs: Arc::new(blobs.clone()),
                queue: Arc::new(queue),
                mailer: Arc::new(mailer.clone()),
                push: Arc::new(hub.clone()),
                sms: Arc::new(sms.clone()),
            };
            (ports, Some(blobs), Some(mailer), Some(sms))
        }
        Backend::Aws => {
            let sdk = kt_platform::aws::sdk_config(settings.aws_endpoint.as_deref()).await;
            let store = DynamoStore::new(aws_sdk_dynamodb_client(&sdk), settings.table.clone(), clock.clone());
            let blobs = S3Blobs::new(&sdk, settings.bucket.clone());
            let queue = SqsQueue::new(&sdk, settings.queue_prefix.clone());
            let mailer = SesMailer::new(&sdk);
            if settings.aws_endpoint.is_some() {
                // An emulator starts empty; in AWS, template.yaml creates all of this.
                store.ensure_table().await?;
                blobs.ensure_bucket().await.map_err(|e| AppError::Unavailable(e.to_string()))?;
                queue.ensure_queues(MAX_RECEIVES).await?;
                mailer.ensure_identity(&settings.mail_from).await.map_err(|e| AppError::Unavailable(e.to_string()))?;
            }
            let push: Arc<dyn Push> = match &settings.ws_endpoint {
                Some(endpoint) => Arc::new(ApiGatewayPush::new(&sdk, endpoint)),
                None => Arc::new(hub.clone()),
            };
            let sms = SnsSms::new(&sdk, settings.sms_sender_id.clone());
            let ports = Ports {
                store: Arc::new(store),
                blobs: Arc::new(blobs),
                queue: Arc::new(queue),
                mailer: Arc::new(mailer),
                push,
                sms: Arc::new(sms),
            };
            (ports, None, None, None)
        }
    };
    let jwt_secret = required_secret(settings, settings.jwt_secret.as_deref(), "PORTAL_JWT_SECRET", "jwt.key")?;
    // Browser push: locally always (a generated secret); on the aws backend when configured.
    let vapid_secret = match (settings.vapid_secret.as_deref(), settings.backend) {
        (None, Backend::Aws) => None,
        (configured, _) => Some(secret(configured, &settings.data_dir, "vapid.key")?),
    };
    let subject = settings.vapid_subject.clone().unwrap_or_else(|| format!("mailto:{}", settings.mail_from));
    let web_push: Arc<dyn kt_platform::WebPush> = match vapid_secret {
        Some(s) => {
            let vapid = Vapid::from_secret(&s, &subject).map_err(|e| AppError::Unavailable(e.to_string()))?;
            Arc::new(HttpWebPush::new(vapid, settings.push_hosts.clone()))
        }
        None => Arc::new(kt_platform::Absent("web push")),
    };
    let data_key = required_secret(settings, settings.data_key.as_deref(), "PORTAL_DATA_KEY", "data.key")?;
    let Ports { store, blobs, queue, mailer, push, sms } = ports;
    let mut parts = Parts::new(store, clock, config);
    parts.blobs = blobs;
    parts.queue = queue;
    parts.mailer = mailer;
    parts.push = push;
    parts.sms = sms;
    parts.web_push = web_push;
    parts.tokens = TokenKeys::new(&jwt_secret);
    parts.sealer = Sealer::new(&data_key);
    // Tenants connected to Stripe pay through Stripe; the demo's through the local stand-in.
    parts.payments = kt_platform::payments::Gateways {
        stripe: Arc::new(kt_platform::payments::stripe::StripePayments::new(settings.stripe_api_base.clone())),
        local: Arc::new(kt_platform::payments::local::LocalPayments::new()),
    };
    let state = parts.into_state();
    crate::tickets::renumber::upgrade(&state).await?;
    crate::identity::upgrade::index_staff(&state).await?;
    Ok(Wired { state, hub, local_blobs, local_mailer, local_sms })
}

/// A secret the portal cannot run without: configured, or on the local backend generated once
/// into the data dir.
fn required_secret(
    settings: &Settings,
    configured: Option<&str>,
    variable: &str,
    file: &str,
) -> Result<Vec<u8>, AppError> {
    match (configured, settings.backend) {
        (Some(s), _) => Ok(s.as_bytes().to_vec()),
        (None, Backend::Local) => secret(None, &settings.data_dir, file),
        (None, Backend::Aws) => Err(AppError::Unavailable(format!("{variable} is not set"))),
    }
}

fn aws_sdk_dynamodb_client(sdk: &aws_config::SdkConfig) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(sdk)
}

/// A local secret: the configured value, else persisted as `name` in the data dir (created
/// once, 256 random bits, hex).
fn secret(configured: Option<&str>, dir: &Path, name: &str) -> Result<Vec<u8>, AppError> {
    if let Some(k) = configured {
        return Ok(k.as_bytes().to_vec());
    }
    let path = dir.join(name);
    let io = |e: std::io::Error| AppError::Unavailable(format!("{}: {e}", path.display()));
    match std::fs::read(&path) {
        Ok(k) if k.len() >= 32 => Ok(k),
        _ => {
            std::fs::create_dir_all(dir).map_err(io)?;
            let hex = hex::encode(rand::random::<[u8; 32]>()).into_bytes();
            std::fs::write(&path, &hex).map_err(io)?;
            Ok(hex)
        }
    }
}
