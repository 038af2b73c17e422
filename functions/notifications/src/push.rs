//! Browser push (Web Push with VAPID): the key browsers subscribe with, my subscribed browsers,
//! and a test push.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kt_app::AppState;
use kt_app::notifications::push::{self as uc, NewDevice};
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::input::{LongText, Name};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use kt_store::devices::Device;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_push))
        .routes(routes!(subscribe))
        .routes(routes!(unsubscribe))
        .routes(routes!(test_push))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushDeviceView {
    pub id: String,
    pub label: String,
    /// The push service it goes through (its host).
    pub service: String,
    pub created_at: String,
}

fn device_view(d: &Device) -> PushDeviceView {
    let service = url::Url::parse(&d.endpoint).ok().and_then(|u| u.host_str().map(str::to_owned)).unwrap_or_default();
    PushDeviceView { id: d.id.clone(), label: d.label.clone(), service, created_at: kt_domain::timestamp(d.created_at) }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushSettingsView {
    /// The VAPID public key (base64url) for `PushManager.subscribe({applicationServerKey})`;
    /// empty when push is not set up on this portal.
    pub public_key: String,
    pub devices: Vec<PushDeviceView>,
}

/// The key to subscribe with, and my browsers that receive pushes.
#[utoipa::path(get, path = "/api/v1/notifications/push", tag = "notifications",
    responses((status = 200, body = PushSettingsView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn get_push(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<PushSettingsView>, ApiError> {
    let devices = uc::devices(&app, &auth.actor).await?;
    Ok(Json(PushSettingsView {
        public_key: app.web_push.public_key(),
        devices: devices.iter().map(device_view).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushKeysBody {
    /// base64url P-256 public key of the browser.
    pub p256dh: Name,
    /// base64url 16-byte auth secret.
    pub auth: Name,
}

/// A browser's subscription, as `PushSubscription.toJSON()` gives it, and a name for it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushSubscriptionBody {
    pub endpoint: LongText,
    pub keys: PushKeysBody,
    /// Ignored (the push service's own expiry).
    #[allow(dead_code)]
    #[serde(rename = "expirationTime")]
    #[schema(value_type = Option<f64>)]
    pub expiration_time: Option<serde_json::Value>,
    pub label: Option<Name>,
}

/// Turns push on for this browser (again: the same browser replaces its subscription).
#[utoipa::path(post, path = "/api/v1/notifications/push/devices", tag = "notifications", request_body = PushSubscriptionBody,
    responses((status = 201, body = PushDeviceView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn subscribe(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PushSubscriptionBody>,
) -> Result<(StatusCode, Json<PushDeviceView>), ApiError> {
    let new = NewDevice {
        endpoint: body.endpoint.into(),
        p256dh: body.keys.p256dh.into(),
        auth: body.keys.auth.into(),
        label: body.label.map(Into::into),
    };
    let device = uc::subscribe(&app, &auth.actor, new).await?;
    Ok((StatusCode::CREATED, Json(device_view(&device))))
}

/// Turns push off for one of my browsers.
#[utoipa::path(delete, path = "/api/v1/notifications/push/devices/{device_id}", tag = "notifications",
    params(("device_id" = String, Path)),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn unsubscribe(
    State(app): State<AppState>,
    auth: Auth,
    Path(device_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    uc::unsubscribe(&app, &auth.actor, &device_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PushTestView {
    /// How many of my browsers' push services took the test push.
    pub sent: usize,
}

/// Pushes a test notification to each of my browsers now.
#[utoipa::path(post, path = "/api/v1/notifications/push/test", tag = "notifications",
    responses((status = 200, body = PushTestView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn test_push(State(app): State<AppState>, auth: Auth) -> Result<Json<PushTestView>, ApiError> {
    Ok(Json(PushTestView { sent: uc::test(&app, &auth.actor).await? }))
}
