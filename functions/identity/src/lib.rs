//! Identity API: the tenant's public branding (resolved from the Host, so the UI can theme
//! itself before sign-in), password sign-in, token refresh, sign-out, one's sessions, and the
//! signed-in user.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kt_app::identity::links;
use kt_app::identity::sessions::{self, ClientInfo, SignedIn};
use kt_app::{AppError, AppState};
use kt_domain::identity::Role;
use kt_domain::tenancy::{Branding, TenantKind, UserStatus};
use kt_http::ApiPath as Path;
use kt_http::auth::{
    Auth, CSRF_COOKIE, REFRESH_COOKIE, SESSION_COOKIE, TenantHost, clear_cookie, client_ip, cookie, set_cookie,
    user_agent,
};
use kt_http::input::{Email, Password, Token};
use kt_http::{ApiError, ApiJson, Problem};
use kt_store::accounts;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub mod admin;
pub mod api_keys;
pub mod mail_address;
pub mod tenant_branding;
pub mod two_factor;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(admin::router())
        .merge(two_factor::router())
        .merge(api_keys::router())
        .merge(mail_address::router())
        .routes(routes!(branding))
        .routes(routes!(branding_logo))
        .routes(routes!(branding_theme))
        .routes(routes!(sign_in))
        .routes(routes!(refresh))
        .routes(routes!(sign_out))
        .routes(routes!(me))
        .routes(routes!(list_sessions))
        .routes(routes!(revoke_session))
        .routes(routes!(revoke_all_sessions))
        .routes(routes!(request_magic_link))
        .routes(routes!(redeem_magic_link))
        .routes(routes!(request_password_reset))
        .routes(routes!(complete_password_reset))
        .routes(routes!(accept_invitation))
}

/// What the UI themes itself with.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrandingView {
    pub tenant_name: String,
    pub portal_name: String,
    /// `house` (Kre8ivTech) or `partner`.
    pub kind: String,
    pub primary: String,
    pub secondary: String,
    pub accent: String,
    pub font: String,
    pub logo_url: Option<String>,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
    /// The name the tenant's mail is sent under, when it is not the portal's name.
    pub mail_sender_name: Option<String>,
}

pub(crate) fn branding_view(name: &str, kind: TenantKind, b: &Branding) -> BrandingView {
    let font = serde_json::to_value(b.font).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    BrandingView {
        tenant_name: name.to_owned(),
        portal_name: b.portal_name.clone(),
        kind: match kind {
            TenantKind::House => "house".into(),
            TenantKind::Partner => "partner".into(),
        },
        primary: b.primary.as_str().to_owned(),
        secondary: b.secondary.as_str().to_owned(),
        accent: b.accent.as_str().to_owned(),
        font,
        // Versioned by the blob key, so caches refresh when the logo changes.
        logo_url: b
            .logo_key
            .as_ref()
            .map(|k| format!("/api/v1/branding/logo?v={}", k.rsplit('-').next().unwrap_or_default())),
        support_email: b.support_email.as_ref().map(|e| e.to_string()),
        support_phone: b.support_phone.clone(),
        terms_url: b.terms_url.clone(),
        privacy_url: b.privacy_url.clone(),
        mail_sender_name: b.mail_sender_name.clone(),
    }
}

/// The branding of the portal at this host (public).
#[utoipa::path(get, path = "/api/v1/branding", security(()), tag = "identity",
    responses(
        (status = 200, body = BrandingView),
        (status = 404, description = "No portal at this host", body = Problem, content_type = "application/problem+json"),
    ))]
async fn branding(TenantHost(tenant): TenantHost) -> Json<BrandingView> {
    Json(branding_view(&tenant.name, tenant.kind, &tenant.branding))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    pub email: Email,
    pub password: Password,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    /// super_admin, staff, partner, partner_staff or client.
    #[schema(value_type = String, example = "partner")]
    pub role: Role,
    pub tenant: String,
    /// `invited`, `active` or `disabled`.
    #[schema(value_type = String, example = "active")]
    pub status: UserStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignedInView {
    pub user: UserView,
    pub session_id: String,
    /// Seconds until the access token (the session cookie) must be refreshed.
    pub expires_in: i64,
    /// Echo in `X-CSRF-Token` on unsafe requests (also in the `__Host-kt_csrf` cookie).
    pub csrf_token: String,
    /// Present when a second factor was just set up during sign-in: single-use codes, shown
    /// this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_codes: Option<Vec<String>>,
}

fn user_view(u: &kt_domain::tenancy::User) -> UserView {
    UserView {
        id: u.id.to_string(),
        email: u.email.to_string(),
        name: u.name.clone(),
        role: u.role,
        tenant: u.tenant.to_string(),
        status: u.status,
    }
}

/// Sets the session, refresh and CSRF cookies for a sign-in or refresh.
pub(crate) fn signed_in_response(
    app: &AppState,
    s: SignedIn,
    recovery_codes: Option<Vec<String>>,
) -> Result<Response, ApiError> {
    let csrf = app.tokens.csrf_token(&s.session.id)?;
    let refresh_age = (s.session.ends_at - s.session.last_used_at).whole_seconds().max(0);
    let body = SignedInView {
        user: user_view(&s.user),
        session_id: s.session.id.clone(),
        expires_in: s.expires_in,
        csrf_token: csrf.clone(),
        recovery_codes,
    };
    let mut res = (StatusCode::OK, Json(body)).into_response();
    let h = res.headers_mut();
    h.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &s.access_token, s.expires_in, true));
    h.append(header::SET_COOKIE, set_cookie(REFRESH_COOKIE, &s.refresh_token, refresh_age, true));
    h.append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &csrf, refresh_age, false));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Browsers must send this header on sign-in: a cross-site form cannot (login CSRF).
pub(crate) fn require_xhr(headers: &HeaderMap) -> Result<(), ApiError> {
    match headers.get("x-requested-with").and_then(|v| v.to_str().ok()) {
        Some(_) => Ok(()),
        None => Err(ApiError::bad_request(
            "Send X-Requested-With with sign-in requests.",
            vec![kt_app::FieldError::new("X-Requested-With", "is required")],
        )),
    }
}

/// Signs in with email and password on this host's portal; sets the session cookies.
#[utoipa::path(post, path = "/api/v1/auth/sign-in", security(()), tag = "identity", request_body = SignInRequest,
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")),
    responses(
        (status = 200, body = SignedInView, description = "Signed in; cookies set"),
        (status = 202, body = two_factor::ChallengeView, description = "Second factor needed: answer the challenge"),
        (status = 401, description = "Email or password is wrong (always the same answer)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failures; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
async fn sign_in(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<Response, ApiError> {
    require_xhr(&headers)?;
    let mut missing = vec![];
    if body.email.trim().is_empty() {
        missing.push(kt_app::FieldError::new("email", "is required"));
    }
    if body.password.is_empty() {
        missing.push(kt_app::FieldError::new("password", "is required"));
    }
    if !missing.is_empty() {
        return Err(AppError::Invalid(missing).into());
    }
    let client = ClientInfo { ip: client_ip(&headers), user_agent: user_agent(&headers) };
    let outcome = sessions::sign_in_password(&app, &tenant, &body.email, &body.password, &client).await?;
    two_factor::sign_in_response(&app, outcome)
}

/// Trades the refresh cookie for new cookies (the refresh token rotates).
#[utoipa::path(post, path = "/api/v1/auth/refresh", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity",
    responses(
        (status = 200, body = SignedInView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    ))]
async fn refresh(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_xhr(&headers)?;
    let token = cookie(&headers, REFRESH_COOKIE).ok_or(AppError::Unauthenticated)?;
    signed_in_response(&app, sessions::refresh(&app, &tenant, token).await?, None)
}

/// Ends this session and clears the cookies.
#[utoipa::path(post, path = "/api/v1/auth/sign-out", tag = "identity",
    responses((status = 204, description = "Signed out"), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn sign_out(State(app): State<AppState>, auth: Auth, headers: HeaderMap) -> Result<Response, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    if let Some(sid) = cookie(&headers, REFRESH_COOKIE).and_then(|t| t.split_once('.')).map(|(sid, _)| sid) {
        match sessions::revoke(&app, &auth.actor, sid, &client).await {
            Ok(()) | Err(AppError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    for name in [SESSION_COOKIE, REFRESH_COOKIE, CSRF_COOKIE] {
        res.headers_mut().append(header::SET_COOKIE, clear_cookie(name));
    }
    Ok(res)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub user: UserView,
    pub organizations: Vec<OrgView>,
    pub branding: BrandingView,
    /// The system KB's tenant (Kre8ivTech's), read by every portal's people by its access
    /// levels; `None` until one exists.
    pub system_kb_tenant_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub id: String,
    pub name: String,
}

/// The signed-in user, their organizations and their portal's branding.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity",
    responses((status = 200, body = MeView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(State(app): State<AppState>, auth: Auth) -> Result<Json<MeView>, ApiError> {
    let store = app.store.as_ref();
    let user =
        accounts::get_user(store, &auth.tenant.id, &auth.actor.user).await?.ok_or(AppError::Unauthenticated)?.value;
    let mut organizations = Vec::new();
    for org in accounts::orgs_of(store, &auth.tenant.id, &user.id).await? {
        if let Some(o) = accounts::get_org(store, &auth.tenant.id, &org).await? {
            organizations.push(OrgView { id: o.value.id.to_string(), name: o.value.name });
        }
    }
    let system_kb_tenant_id = kt_app::identity::tenancy::house(store).await?.map(|h| h.to_string());
    Ok(Json(MeView {
        user: user_view(&user),
        organizations,
        branding: branding_view(&auth.tenant.name, auth.tenant.kind, &auth.tenant.branding),
        system_kb_tenant_id,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub id: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    #[schema(value_type = String, format = DateTime)]
    pub last_used_at: time::OffsetDateTime,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// The signed-in user's sessions (devices).
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "identity",
    responses((status = 200, body = Vec<SessionView>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list_sessions(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    let current = cookie(&headers, REFRESH_COOKIE).and_then(|t| t.split_once('.')).map(|(sid, _)| sid.to_owned());
    let list = sessions::list(&app, &auth.actor).await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SessionView {
                current: current.as_deref() == Some(s.id.as_str()),
                id: s.id,
                created_at: s.created_at,
                last_used_at: s.last_used_at,
                user_agent: s.user_agent,
                ip: s.ip,
            })
            .collect(),
    ))
}

/// Ends one of the signed-in user's sessions.
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{session_id}", tag = "identity",
    params(("session_id" = String, Path, description = "Session id")),
    responses((status = 204, description = "Ended"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn revoke_session(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    sessions::revoke(&app, &auth.actor, &id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedView {
    pub revoked: usize,
}

/// Signs out everywhere: ends every session of the signed-in user.
#[utoipa::path(post, path = "/api/v1/auth/sessions/revoke-all", tag = "identity",
    responses((status = 200, body = RevokedView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn revoke_all_sessions(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Json<RevokedView>, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    Ok(Json(RevokedView { revoked: sessions::revoke_all(&app, &auth.actor, &client).await? }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailRequest {
    pub email: Email,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptedView {
    /// Always the same, whether or not the address has an account.
    pub message: String,
}

/// Sends a link of `purpose` (or nothing, silently) and answers the same either way.
async fn send_link(
    app: &AppState,
    tenant: &kt_domain::tenancy::Tenant,
    headers: &HeaderMap,
    email: &str,
    purpose: links::Purpose,
) -> Result<(StatusCode, Json<AcceptedView>), ApiError> {
    require_xhr(headers)?;
    links::request(app, tenant, email, purpose, &kt_http::auth::client_info(headers)).await?;
    let message = "If the address has an account here, a link is on its way.".into();
    Ok((StatusCode::ACCEPTED, Json(AcceptedView { message })))
}

/// Sets a password through a link of `purpose` and signs in.
async fn set_password_with(
    app: &AppState,
    tenant: &kt_domain::tenancy::Tenant,
    headers: &HeaderMap,
    body: &NewPasswordRequest,
    purpose: links::Purpose,
) -> Result<Response, ApiError> {
    require_xhr(headers)?;
    let client = kt_http::auth::client_info(headers);
    two_factor::sign_in_response(
        app,
        links::set_password(app, tenant, &body.token, &body.password, purpose, &client).await?,
    )
}

/// Emails a single-use sign-in link (15 minutes) when the address has an account here.
#[utoipa::path(post, path = "/api/v1/auth/magic-link", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = EmailRequest,
    responses((status = 202, body = AcceptedView), (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn request_magic_link(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EmailRequest>,
) -> Result<(StatusCode, Json<AcceptedView>), ApiError> {
    send_link(&app, &tenant, &headers, &body.email, links::Purpose::MagicLink).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The `token` parameter of the emailed link.
    pub token: Token,
}

/// Signs in with an emailed link (once).
#[utoipa::path(post, path = "/api/v1/auth/magic-link/redeem", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = TokenRequest,
    responses((status = 200, body = SignedInView), (status = 202, body = two_factor::ChallengeView, description = "Second factor needed: answer the challenge"), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn redeem_magic_link(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Response, ApiError> {
    require_xhr(&headers)?;
    let client = kt_http::auth::client_info(&headers);
    two_factor::sign_in_response(&app, links::sign_in_with_link(&app, &tenant, &body.token, &client).await?)
}

/// Emails a password-reset link (1 hour) when the address has an account here.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = EmailRequest,
    responses((status = 202, body = AcceptedView), (status = 429, body = Problem, content_type = "application/problem+json")))]
async fn request_password_reset(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EmailRequest>,
) -> Result<(StatusCode, Json<AcceptedView>), ApiError> {
    send_link(&app, &tenant, &headers, &body.email, links::Purpose::PasswordReset).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPasswordRequest {
    pub token: Token,
    pub password: Password,
}

/// Sets a new password with a reset link, ends every other session, and signs in.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/complete", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = NewPasswordRequest,
    responses((status = 200, body = SignedInView), (status = 202, body = two_factor::ChallengeView, description = "Second factor needed: answer the challenge"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn complete_password_reset(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewPasswordRequest>,
) -> Result<Response, ApiError> {
    set_password_with(&app, &tenant, &headers, &body, links::Purpose::PasswordReset).await
}

/// Accepts an invitation: sets the password, activates the account, signs in.
#[utoipa::path(post, path = "/api/v1/auth/invitation/accept", security(()),
    params(("X-Requested-With" = String, Header, description = "Any value; proves the request is not a cross-site form")), tag = "identity", request_body = NewPasswordRequest,
    responses((status = 200, body = SignedInView), (status = 202, body = two_factor::ChallengeView, description = "Second factor needed: answer the challenge"), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn accept_invitation(
    State(app): State<AppState>,
    TenantHost(tenant): TenantHost,
    headers: HeaderMap,
    ApiJson(body): ApiJson<NewPasswordRequest>,
) -> Result<Response, ApiError> {
    set_password_with(&app, &tenant, &headers, &body, links::Purpose::Invitation).await
}

/// The brand of the portal at this host as CSS custom properties (public; `index.html` links it
/// render-blocking, so the first paint is already in the tenant's colours). Text colours that
/// would fail WCAG AA on their background are replaced by white or ink.
#[utoipa::path(get, path = "/api/v1/branding/theme.css", security(()), tag = "identity",
    responses((status = 200, description = "`:root { --brand-primary: ...; ... }`", content_type = "text/css"),
        (status = 404, description = "No portal at this host", body = Problem, content_type = "application/problem+json")))]
async fn branding_theme(TenantHost(tenant): TenantHost) -> Response {
    let css = kt_domain::theme::css(&tenant.branding);
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8")),
            // Revalidated on every load: a branding change shows on the next page view.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        css,
    )
        .into_response()
}

/// The logo of the portal at this host (public).
#[utoipa::path(get, path = "/api/v1/branding/logo", security(()), tag = "identity",
    responses((status = 200, description = "The image", content_type = "image/png"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn branding_logo(State(app): State<AppState>, TenantHost(tenant): TenantHost) -> Result<Response, ApiError> {
    let blob = kt_app::identity::branding::logo(&app, &tenant).await?;
    let mut res = blob.bytes.into_response();
    if let Ok(ct) = HeaderValue::from_str(&blob.content_type) {
        res.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    res.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}
