//! One's own address and the mail that stopped to it: whether mail to the signed-in person's
//! address stopped (a bounce or a spam report), a link to confirm the address and start it
//! again, and that link's redemption.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::identity::links;
use kt_app::{AppError, AppState};
use kt_http::auth::{Auth, TenantHost};
use kt_http::{ApiError, ApiJson, Problem};
use kt_store::accounts;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{TokenRequest, require_xhr};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(mail_address)).routes(routes!(ask_to_confirm)).routes(routes!(confirm))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailStopView {
    /// `bounce` or `complaint`.
    #[schema(example = "bounce")]
    pub reason: String,
    /// Why, in words.
    #[schema(example = "mail to it bounced")]
    pub text: String,
    pub stopped_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailAddressView {
    #[schema(example = "dana@globex.test")]
    pub email: String,
    /// Set when mail to the address stopped; confirm the address to start it again.
    pub stopped: Option<MailStopView>,
}

/// The signed-in person's address, and whether mail to it stopped.
#[utoipa::path(get, path = "/api/v1/auth/mail-address", tag = "identity",
    responses((status = 200, body = MailAddressView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn mail_address(State(app): State<AppState>, auth: Auth) -> Result<Json<MailAddressView>, ApiError> {
    let user = accounts::get_user(app.store.as_ref(), &auth.tenant.id, &auth.actor.user)
        .await?
        .ok_or(AppError::Unauthenticated)?
        .value;
    let stopped = kt_app::mail::stops::of_user(&app, &user).await?.map(|s| MailStopView {
        reason: serde_json::to_value(s.reason).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
        text: s.reason.text().into(),
        stopped_at: kt_domain::timestamp(s.at),
    });
    Ok(Json(MailAddressView { email: user.email.as_str().into(), stopped }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConfirmSentView {
    pub message: String,
}

/// Mails the signed-in person a link (24 hours) that confirms their address, when mail to it
/// stopped: the one mail that goes to a stopped address. At most one link a minute.
#[utoipa::path(post, path = "/api/v1/auth/mail-address/confirm", tag = "identity",
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")),
    responses((status = 202, body = ConfirmSentView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn ask_to_confirm(State(app): State<AppState>, auth: Auth, headers: HeaderMap) -> Result<Response, ApiError> {
    require_xhr(&headers)?;
    let user = accounts::get_user(app.store.as_ref(), &auth.tenant.id, &auth.actor.user)
        .await?
        .ok_or(AppError::Unauthenticated)?
        .value;
    links::ask_to_confirm_address(&app, &auth.tenant, &user, &kt_http::auth::client_info(&headers)).await?;
    let message = format!("A link is on its way to {}. It works for 24 hours.", user.email.as_str());
    Ok((StatusCode::ACCEPTED, Json(ConfirmSentView { message })).into_response())
}

/// Redeems the confirmation link: mail to the address starts again (no sign-in needed; the
/// link is the proof).
#[utoipa::path(post, path = "/api/v1/auth/mail-address/confirmed", security(()), tag = "identity", request_body = TokenRequest,
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn confirm(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Response, ApiError> {
    require_xhr(&headers)?;
    links::confirm_address(&app, &tenant, &body.token, &kt_http::auth::client_info(&headers)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
