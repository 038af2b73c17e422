//! Second factors over HTTP: the second step of sign-in (public, carried by the challenge
//! token that the first step returned with `202`), and the signed-in person's own set-up.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::identity::two_factor::{self, Challenge, SignIn, TotpSetup};
use kt_app::{AppError, AppState};
use kt_domain::auth::SecondFactor;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantHost, client_info};
use kt_http::input::{Code, Password, Token, words};
use kt_http::{ApiError, ApiJson, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{require_xhr, signed_in_response};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(challenge_totp_setup))
        .routes(routes!(challenge_sms))
        .routes(routes!(challenge_verify))
        .routes(routes!(status))
        .routes(routes!(start_totp))
        .routes(routes!(confirm_totp))
        .routes(routes!(start_sms))
        .routes(routes!(confirm_sms))
        .routes(routes!(remove_factor))
        .routes(routes!(regenerate_recovery_codes))
}

/// The second step of a sign-in: send `challenge` back with a code.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChallengeView {
    /// Always `second_factor_required`.
    pub status: String,
    pub challenge: String,
    /// `totp`, `sms`, `recovery_code`: what can pass it (when `enrol`, what can be set up).
    #[schema(value_type = Vec<String>)]
    pub methods: Vec<SecondFactor>,
    /// The person's role requires a second factor they have not set up: set one up now.
    pub enrol: bool,
    pub phone_hint: Option<String>,
    pub expires_in: i64,
}

fn challenge_view(c: Challenge) -> ChallengeView {
    ChallengeView {
        status: "second_factor_required".into(),
        challenge: c.token,
        methods: c.methods,
        enrol: c.enrol,
        phone_hint: c.phone_hint,
        expires_in: c.expires_in,
    }
}

/// The answer to a first factor: cookies and the session (200), or the second step (202).
pub(crate) fn sign_in_response(app: &AppState, outcome: SignIn) -> Result<Response, ApiError> {
    match outcome {
        SignIn::Session(s) => signed_in_response(app, *s, None),
        SignIn::SecondFactor(c) => Ok((StatusCode::ACCEPTED, Json(challenge_view(c))).into_response()),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpSetupView {
    /// Base32, for typing into the app by hand.
    pub secret: String,
    /// `otpauth://` URI.
    pub uri: String,
    /// The URI as a QR code (SVG document).
    pub qr_svg: String,
}

fn setup_view(s: TotpSetup) -> TotpSetupView {
    TotpSetupView { secret: s.secret, uri: s.uri, qr_svg: s.qr_svg }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeRequest {
    /// The `challenge` of the 202 answer.
    pub challenge: Token,
}

/// Sets up an authenticator app inside a challenge whose person must enrol (`enrol: true`).
#[utoipa::path(post, path = "/api/v1/auth/sign-in/totp-setup", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = ChallengeRequest,
    responses((status = 200, body = TotpSetupView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A factor is already set up", body = Problem, content_type = "application/problem+json")))]
async fn challenge_totp_setup(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ChallengeRequest>,
) -> Result<Json<TotpSetupView>, ApiError> {
    require_xhr(&headers)?;
    Ok(Json(setup_view(two_factor::challenge_setup_totp(&app, &tenant, &body.challenge).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChallengeSmsRequest {
    pub challenge: Token,
    /// Only when enrolling: the phone to set up, international form.
    #[schema(example = "+15555550123")]
    pub phone: Option<Code>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SmsSentView {
    /// Where the code went, partly hidden.
    pub phone_hint: String,
}

/// Texts a sign-in code (at most one per 30 seconds, five per challenge).
#[utoipa::path(post, path = "/api/v1/auth/sign-in/sms", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = ChallengeSmsRequest,
    responses((status = 202, body = SmsSentView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn challenge_sms(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ChallengeSmsRequest>,
) -> Result<(StatusCode, Json<SmsSentView>), ApiError> {
    require_xhr(&headers)?;
    let phone_hint = two_factor::challenge_send_sms(&app, &tenant, &body.challenge, body.phone.as_deref()).await?;
    Ok((StatusCode::ACCEPTED, Json(SmsSentView { phone_hint })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub challenge: Token,
    #[schema(schema_with = words::second_factor, example = "totp")]
    pub method: SecondFactor,
    pub code: Code,
}

/// Passes the second step; sets the session cookies. When a factor was just set up, the answer
/// carries the recovery codes (shown this once).
#[utoipa::path(post, path = "/api/v1/auth/sign-in/verify", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = VerifyRequest,
    responses((status = 200, body = crate::SignedInView), (status = 401, description = "Wrong code, or the challenge is spent or expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn challenge_verify(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<VerifyRequest>,
) -> Result<Response, ApiError> {
    require_xhr(&headers)?;
    if body.code.trim().is_empty() {
        return Err(AppError::invalid("code", "is required").into());
    }
    let client = client_info(&headers);
    let v = two_factor::challenge_verify(&app, &tenant, &body.challenge, body.method, &body.code, &client).await?;
    signed_in_response(&app, v.signed, v.recovery_codes)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TwoFactorView {
    pub totp: bool,
    pub sms_phone_hint: Option<String>,
    pub recovery_codes_left: usize,
    /// The tenant requires a second factor for this person's role.
    pub required: bool,
    /// `totp` or `sms` while a set-up waits for its first code.
    #[schema(value_type = Option<String>)]
    pub pending: Option<SecondFactor>,
}

/// The signed-in person's second factors.
#[utoipa::path(get, path = "/api/v1/auth/two-factor", tag = "identity",
    responses((status = 200, body = TwoFactorView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn status(State(app): State<AppState>, auth: Auth) -> Result<Json<TwoFactorView>, ApiError> {
    let s = two_factor::status(&app, &auth.tenant, &auth.actor).await?;
    Ok(Json(TwoFactorView {
        totp: s.totp,
        sms_phone_hint: s.sms_phone_hint,
        recovery_codes_left: s.recovery_codes_left,
        required: s.required,
        pending: s.pending,
    }))
}

/// Starts setting up an authenticator app: scan the QR code, then confirm with a code.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/totp", tag = "identity",
    responses((status = 200, body = TotpSetupView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn start_totp(State(app): State<AppState>, auth: Auth) -> Result<Json<TotpSetupView>, ApiError> {
    Ok(Json(setup_view(two_factor::start_totp(&app, &auth.tenant, &auth.actor).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    #[schema(example = "123456")]
    pub code: Code,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecoveryCodesView {
    /// Single-use codes for when the factor is out of reach: shown this once. Absent when the
    /// person already had a set.
    pub recovery_codes: Option<Vec<String>>,
}

/// Confirms the authenticator app with a code from it.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/totp/confirm", tag = "identity", request_body = CodeRequest,
    responses((status = 200, body = RecoveryCodesView), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn confirm_totp(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<Json<RecoveryCodesView>, ApiError> {
    let client = client_info(&headers);
    let recovery_codes = two_factor::confirm_totp(&app, &auth.tenant, &auth.actor, &body.code, &client).await?;
    Ok(Json(RecoveryCodesView { recovery_codes }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneRequest {
    #[schema(example = "+15555550123")]
    pub phone: Code,
}

/// Starts setting up text-message codes: texts a code to the phone.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/sms", tag = "identity", request_body = PhoneRequest,
    responses((status = 202, body = SmsSentView), (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn start_sms(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PhoneRequest>,
) -> Result<(StatusCode, Json<SmsSentView>), ApiError> {
    let phone_hint = two_factor::start_sms(&app, &auth.tenant, &auth.actor, &body.phone).await?;
    Ok((StatusCode::ACCEPTED, Json(SmsSentView { phone_hint })))
}

/// Confirms the phone with the texted code.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/sms/confirm", tag = "identity", request_body = CodeRequest,
    responses((status = 200, body = RecoveryCodesView), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn confirm_sms(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<Json<RecoveryCodesView>, ApiError> {
    let client = client_info(&headers);
    let recovery_codes = two_factor::confirm_sms(&app, &auth.tenant, &auth.actor, &body.code, &client).await?;
    Ok(Json(RecoveryCodesView { recovery_codes }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    /// The current password, to confirm a sensitive change.
    pub password: Password,
}

/// Removes a second factor (`totp` or `sms`) after confirming the password.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/{factor}/remove", tag = "identity", request_body = PasswordRequest,
    params(("factor" = String, Path, description = "`totp` or `sms`")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The role requires a second factor", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn remove_factor(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(factor): Path<String>,
    ApiJson(body): ApiJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let factor = match factor.as_str() {
        "totp" => SecondFactor::Totp,
        "sms" => SecondFactor::Sms,
        _ => return Err(ApiError::not_found()),
    };
    let client = client_info(&headers);
    two_factor::remove(&app, &auth.tenant, &auth.actor, factor, &body.password, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the recovery codes after confirming the password; the old ones stop working.
#[utoipa::path(post, path = "/api/v1/auth/two-factor/recovery-codes", tag = "identity", request_body = PasswordRequest,
    responses((status = 200, body = RecoveryCodesView), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn regenerate_recovery_codes(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordRequest>,
) -> Result<Json<RecoveryCodesView>, ApiError> {
    let client = client_info(&headers);
    let codes = two_factor::regenerate_recovery_codes(&app, &auth.tenant, &auth.actor, &body.password, &client).await?;
    Ok(Json(RecoveryCodesView { recovery_codes: Some(codes) }))
}
