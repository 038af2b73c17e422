//! AppState: the ports every use case reaches the world through, chosen once at start-up
//! (local or AWS adapters) and shared by every router, worker and schedule.

use std::sync::Arc;

use kt_platform::{Blobs, Clock, Ids, Mailer, Push, Queue, Sms, WebPush};
use kt_store::Store;

use crate::identity::tenancy::TenantCache;
use crate::identity::tokens::TokenKeys;
use crate::sealing::Sealer;

/// Settings the use cases need (not adapter wiring).
#[derive(Debug, Clone)]
pub struct Config {
    /// Partner portals live at `{slug}.{portal_domain}`.
    pub portal_domain: String,
    /// Where the portal is reached, for links in mail (`http://localhost:3000`).
    pub public_url: String,
    /// Default sender of platform mail.
    pub mail_from: String,
    /// The domain the portal receives mail on (`acme@in.portal.example.com`).
    pub mail_inbound_domain: String,
    /// Answers mail to SES's mailbox simulator (`bounce@simulator.amazonses.com`,
    /// `complaint@simulator.amazonses.com`) with the report SES would send: the embedded
    /// host's stand-in for SES's feedback, which only SES itself produces.
    pub simulate_mail_feedback: bool,
}

impl Config {
    /// The inbound domain a portal domain gets unless told otherwise: `in.<domain>`.
    pub fn default_inbound_domain(portal_domain: &str) -> String {
        format!("in.{}", portal_domain.to_ascii_lowercase())
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            portal_domain: "localhost".into(),
            public_url: "http://localhost:3000".into(),
            mail_from: "no-reply@localhost".into(),
            mail_inbound_domain: "in.localhost".into(),
            simulate_mail_feedback: false,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn Blobs>,
    pub queue: Arc<dyn Queue>,
    pub mailer: Arc<dyn Mailer>,
    pub push: Arc<dyn Push>,
    pub sms: Arc<dyn Sms>,
    /// Browser push (Web Push with VAPID).
    pub web_push: Arc<dyn WebPush>,
    /// The search index (only the processes that search or index wire one).
    pub search: Arc<dyn kt_platform::search::SearchIndex>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub config: Arc<Config>,
    /// Signs and checks access tokens.
    pub tokens: TokenKeys,
    /// Encrypts the secrets the portal must read back (authenticator secrets).
    pub sealer: Sealer,
    /// Host -> tenant and tenant lookups, shared by every request of this process.
    pub tenant_cache: Arc<TenantCache>,
    /// Whether access tokens still stand (session live, user active, grants unchanged), read
    /// at most a second ago.
    pub session_cache: Arc<crate::identity::standing::StandingCache>,
    /// Woken after a commit that recorded events, so the local relay moves them at once
    /// instead of at its next poll (on AWS the table's stream drives the relay).
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The payment adapters (Stripe, and the local stand-in of the single-process host).
    pub payments: kt_platform::payments::Gateways,
    /// The queue labels this process last pushed to each watcher (skipped when unchanged).
    pub live_labels: Arc<crate::tickets::live::fanout::SentLabels>,
}
