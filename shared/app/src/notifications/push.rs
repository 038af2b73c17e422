//! Browser push: the browsers a person subscribed, and the consumer that pushes what their
//! settings decided. Pushes are recorded as `push.requested` on the email queue in the same
//! transaction as the notification (like mail and texts) and sent by [`PushConsumer`]; a
//! browser whose push service says it is gone is forgotten.

use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::{TenantId, UserId};
use kt_domain::policy::Actor;
use kt_platform::webpush::{Delivered, Subscription, WebPush, WebPushError, check_keys};
use kt_store::Store;
use kt_store::devices::{self, Device, MAX_DEVICES};
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState};

pub const PUSH_REQUESTED: &str = "push.requested";
/// A push waits this long for an offline browser.
pub const TTL_SECS: u32 = 24 * 3600;

/// What a push says; the service worker shows it and opens `url` on a click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushMessage {
    pub tenant: TenantId,
    pub user: UserId,
    pub title: String,
    pub body: String,
    /// Absolute URL in the person's portal.
    pub url: String,
    /// Replaces an earlier push with the same tag on the device.
    pub tag: String,
}

/// The event that asks for `message` to be pushed to its person's browsers.
pub fn requested(id: ulid::Ulid, at: time::OffsetDateTime, message: &PushMessage) -> Result<DomainEvent, AppError> {
    let payload = serde_json::to_value(message).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(DomainEvent::new(id, PUSH_REQUESTED, Some(message.tenant.to_string()), at, payload))
}

fn device_id(endpoint: &str) -> String {
    hex::encode(&sha2::Sha256::digest(endpoint.as_bytes())[..16])
}

/// A browser to subscribe, as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub label: Option<String>,
}

/// Subscribes (or re-subscribes) one of the actor's browsers.
pub async fn subscribe(app: &AppState, actor: &Actor, new: NewDevice) -> Result<Device, AppError> {
    let mut errors = Vec::new();
    if let Err(e) = app.web_push.allows(&new.endpoint) {
        let message = match e {
            WebPushError::Unavailable(_) => "browser push is not set up on this portal".to_owned(),
            _ => "is not the address of a browser push service".to_owned(),
        };
        errors.push(crate::FieldError::new("endpoint", message));
    }
    let sub = Subscription { endpoint: new.endpoint.clone(), p256dh: new.p256dh.clone(), auth: new.auth.clone() };
    if let Err(e) = check_keys(&sub) {
        let field = if e.to_string().contains("auth") { "keys.auth" } else { "keys.p256dh" };
        errors.push(crate::FieldError::new(field, e.to_string()));
    }
    let label = new.label.as_deref().map(str::trim).filter(|l| !l.is_empty()).unwrap_or("Browser");
    if label.chars().count() > 80 || label.chars().any(char::is_control) {
        errors.push(crate::FieldError::new("label", "use at most 80 characters"));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let id = device_id(&new.endpoint);
    let s = app.store.as_ref();
    let existing = devices::list(s, &actor.tenant, &actor.user).await?;
    if !existing.iter().any(|d| d.id == id) && existing.len() >= MAX_DEVICES {
        return Err(AppError::Conflict(format!(
            "at most {MAX_DEVICES} browsers receive pushes; turn push off on one first"
        )));
    }
    let device = Device {
        id,
        endpoint: new.endpoint,
        p256dh: new.p256dh,
        auth: new.auth,
        label: label.to_owned(),
        created_at: app.clock.now(),
    };
    devices::put(s, &actor.tenant, &actor.user, &device).await?;
    Ok(device)
}

pub async fn devices(app: &AppState, actor: &Actor) -> Result<Vec<Device>, AppError> {
    Ok(devices::list(app.store.as_ref(), &actor.tenant, &actor.user).await?)
}

pub async fn unsubscribe(app: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    if devices::delete(app.store.as_ref(), &actor.tenant, &actor.user, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Pushes a test notification to each of the actor's browsers at once; how many took it.
pub async fn test(app: &AppState, actor: &Actor) -> Result<usize, AppError> {
    let tenant = crate::identity::tenancy::get(app, &actor.tenant).await?;
    let base = crate::seed::portal_url(app, &tenant);
    let message = PushMessage {
        tenant: actor.tenant.clone(),
        user: actor.user.clone(),
        title: format!("{}: push works", tenant.branding.portal_name),
        body: "This browser will show your notifications.".into(),
        url: format!("{base}/settings"),
        tag: "test".into(),
    };
    let (accepted, _) = send_all(app.store.as_ref(), app.web_push.as_ref(), &message).await?;
    Ok(accepted)
}

/// Pushes `message` to every browser of its person: how many took it, and the last failure.
async fn send_all(
    store: &dyn Store,
    push: &dyn WebPush,
    message: &PushMessage,
) -> Result<(usize, Option<WebPushError>), AppError> {
    let payload = serde_json::json!({
        "title": message.title, "body": message.body, "url": message.url, "tag": message.tag,
    })
    .to_string();
    let mut accepted = 0;
    let mut failed = None;
    for d in devices::list(store, &message.tenant, &message.user).await? {
        let sub = Subscription { endpoint: d.endpoint.clone(), p256dh: d.p256dh.clone(), auth: d.auth.clone() };
        match push.send(&sub, payload.as_bytes(), TTL_SECS).await {
            Ok(Delivered::Accepted) => accepted += 1,
            Ok(Delivered::Gone) => {
                devices::delete(store, &message.tenant, &message.user, &d.id).await?;
            }
            Err(e) => {
                tracing::warn!(device = %d.id, error = %e, "a push failed");
                failed = Some(e);
            }
        }
    }
    Ok((accepted, failed))
}

pub struct PushConsumer {
    store: Arc<dyn Store>,
    push: Arc<dyn WebPush>,
}

impl PushConsumer {
    pub fn new(store: Arc<dyn Store>, push: Arc<dyn WebPush>) -> Self {
        Self { store, push }
    }
}

#[async_trait]
impl Consumer for PushConsumer {
    fn name(&self) -> &'static str {
        "push"
    }

    fn wants(&self, kind: &str) -> bool {
        kind == PUSH_REQUESTED
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        let message: PushMessage = serde_json::from_value(event.payload.clone())
            .map_err(|e| HandlerError(format!("bad push payload: {e}")))?;
        let (accepted, failed) = send_all(self.store.as_ref(), self.push.as_ref(), &message)
            .await
            .map_err(|e| HandlerError(e.to_string()))?;
        // Retried only when no browser took it: a retry would show it twice on the others.
        match failed {
            Some(e) if accepted == 0 => Err(HandlerError(e.to_string())),
            _ => Ok(()),
        }
    }
}
