//! Wiring: which adapters a process runs on, decided by the binary, never by a default.
//!
//! * [`aws`]: a Lambda function wires the AWS clients it uses, one builder call each, from the
//!   variables `template.yaml` gives it; a missing variable is an error at init naming it.
//! * `local` (feature `local`): the single-process host and tests wire everything local
//!   (SQLite, files, SQLite queue, outboxes, in-process hub). Function binaries are built
//!   without this feature, so they cannot fall back to local state.

pub mod aws;
#[cfg(feature = "local")]
pub mod local;

use std::sync::Arc;

use kt_platform::{Absent, Blobs, Clock, Mailer, Push, Queue, Sms, UlidIds};
use kt_store::Store;

use crate::identity::tenancy::TenantCache;
use crate::identity::tokens::TokenKeys;
use crate::sealing::Sealer;
use crate::{AppState, Config};

/// The browsers' push services, and `extra` (comma-separated hosts).
pub fn push_hosts(extra: Option<&str>) -> Vec<String> {
    let mut hosts: Vec<String> = kt_platform::webpush::BROWSER_PUSH_HOSTS.iter().map(|h| (*h).to_owned()).collect();
    hosts.extend(extra.unwrap_or_default().split(',').map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()));
    hosts
}

/// An [`AppState`] under construction: the store, clock and config it cannot do without, and
/// every other port [`Absent`] until a wiring step sets it.
pub struct Parts {
    pub store: Arc<dyn Store>,
    pub blobs: Arc<dyn Blobs>,
    pub queue: Arc<dyn Queue>,
    pub mailer: Arc<dyn Mailer>,
    pub push: Arc<dyn Push>,
    pub sms: Arc<dyn Sms>,
    pub web_push: Arc<dyn kt_platform::WebPush>,
    pub search: Arc<dyn kt_platform::search::SearchIndex>,
    pub clock: Arc<dyn Clock>,
    pub config: Config,
    pub tokens: TokenKeys,
    pub sealer: Sealer,
    pub payments: kt_platform::payments::Gateways,
}

impl Parts {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: Config) -> Self {
        Self {
            store,
            blobs: Arc::new(Absent("blobs")),
            queue: Arc::new(Absent("queue")),
            mailer: Arc::new(Absent("mailer")),
            push: Arc::new(Absent("push")),
            sms: Arc::new(Absent("sms")),
            web_push: Arc::new(Absent("web push")),
            search: Arc::new(Absent("search")),
            clock,
            config,
            tokens: TokenKeys::absent(),
            sealer: Sealer::absent(),
            payments: kt_platform::payments::Gateways::absent(),
        }
    }

    pub fn into_state(self) -> AppState {
        AppState {
            store: self.store,
            blobs: self.blobs,
            queue: self.queue,
            mailer: self.mailer,
            push: self.push,
            sms: self.sms,
            web_push: self.web_push,
            search: self.search,
            clock: self.clock,
            ids: Arc::new(UlidIds::new()),
            config: Arc::new(self.config),
            tokens: self.tokens,
            sealer: self.sealer,
            payments: self.payments,
            tenant_cache: Arc::new(TenantCache::default()),
            session_cache: Arc::default(),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            live_labels: Arc::default(),
        }
    }
}

#[cfg(feature = "local")]
pub use local::{Backend, Settings, Wired, wire, wire_with_clock};
