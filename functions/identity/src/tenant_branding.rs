//! A tenant's branding: its colours, font and contact details, its logo (uploaded straight to
//! storage with a presigned URL, then confirmed), and its custom domains (requested by a
//! partner, approved by a super admin).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kt_app::AppState;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Code, Email, FileName, Id, Name, Short, Url, words};
use kt_http::{ApiError, ApiJson, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(update_branding))
        .routes(routes!(start_logo_upload, confirm_logo))
        .routes(routes!(list_domains, add_domain))
        .routes(routes!(approve_domain))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrandingRequest {
    pub portal_name: Name,
    /// `#rrggbb`; white text on it must reach WCAG AA contrast (4.5:1).
    pub primary: Short,
    pub secondary: Short,
    pub accent: Short,
    #[schema(schema_with = words::font, example = "inter")]
    pub font: kt_domain::tenancy::Font,
    pub support_email: Option<Email>,
    pub support_phone: Option<Code>,
    pub terms_url: Option<Url>,
    pub privacy_url: Option<Url>,
    /// The name the tenant's mail is sent under (unset or empty: the portal's name).
    #[serde(default)]
    #[schema(example = "Acme Support Team")]
    pub mail_sender_name: Option<Name>,
}

/// Updates a tenant's branding (super admin, or the tenant's partner).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/branding", tag = "branding", request_body = BrandingRequest, params(("tenant_id" = String, Path)),
    responses((status = 200, body = crate::BrandingView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_branding(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<BrandingRequest>,
) -> Result<Json<crate::BrandingView>, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let input = kt_app::identity::branding::BrandingInput {
        portal_name: body.portal_name.into(),
        primary: body.primary.into(),
        secondary: body.secondary.into(),
        accent: body.accent.into(),
        font: body.font,
        support_email: body.support_email.map(Into::into),
        support_phone: body.support_phone.map(Into::into),
        terms_url: body.terms_url.map(Into::into),
        privacy_url: body.privacy_url.map(Into::into),
        mail_sender_name: body.mail_sender_name.map(Into::into),
    };
    let updated = kt_app::identity::branding::update(&app, &auth.actor, &tenant, &input, &client).await?;
    Ok(Json(crate::branding_view(&updated.name, updated.kind, &updated.branding)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoUploadRequest {
    /// image/png, image/jpeg or image/webp.
    pub content_type: FileName,
    /// Exact size in bytes (at most 1 MiB).
    pub size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    pub url: String,
    pub method: String,
    /// Send exactly these headers with the body.
    pub headers: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LogoUploadView {
    /// Confirm with this once the upload is done.
    pub upload_id: String,
    pub upload: UploadView,
}

/// Starts a logo upload: a presigned URL for exactly this file.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/branding/logo", tag = "branding", request_body = LogoUploadRequest, params(("tenant_id" = String, Path)),
    responses((status = 200, body = LogoUploadView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn start_logo_upload(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<LogoUploadRequest>,
) -> Result<Json<LogoUploadView>, ApiError> {
    let (upload_id, up) =
        kt_app::identity::branding::start_logo_upload(&app, &auth.actor, &tenant, &body.content_type, body.size)
            .await?;
    Ok(Json(LogoUploadView {
        upload_id,
        upload: UploadView { url: up.url, method: up.method, headers: up.headers.into_iter().collect() },
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogoConfirmRequest {
    pub upload_id: Id,
}

/// Makes the uploaded file the tenant's logo (its size and type are checked).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/branding/logo", tag = "branding", request_body = LogoConfirmRequest, params(("tenant_id" = String, Path)),
    responses((status = 200, body = crate::BrandingView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn confirm_logo(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<LogoConfirmRequest>,
) -> Result<Json<crate::BrandingView>, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let updated =
        kt_app::identity::branding::confirm_logo(&app, &auth.actor, &tenant, &body.upload_id, &client).await?;
    Ok(Json(crate::branding_view(&updated.name, updated.kind, &updated.branding)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainRequest {
    /// e.g. `portal.your-agency.com`
    pub host: Url,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DomainView {
    pub host: String,
    /// `requested` (waiting for Kre8ivTech) or `active` (served).
    pub status: String,
}

fn domain_view(d: &kt_app::identity::domains::CustomDomain) -> DomainView {
    let status = match d.status {
        kt_app::identity::domains::DomainStatus::Requested => "requested",
        kt_app::identity::domains::DomainStatus::Active => "active",
    };
    DomainView { host: d.host.clone(), status: status.into() }
}

/// A tenant's custom domains.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/domains", tag = "branding", params(("tenant_id" = String, Path)),
    responses((status = 200, body = Vec<DomainView>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_domains(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
) -> Result<Json<Vec<DomainView>>, ApiError> {
    Ok(Json(kt_app::identity::domains::list(&app, &auth.actor, &tenant).await?.iter().map(domain_view).collect()))
}

/// Maps a custom domain (super admin) or requests one (partner).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/domains", tag = "branding", request_body = DomainRequest, params(("tenant_id" = String, Path)),
    responses((status = 201, body = DomainView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_domain(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<DomainRequest>,
) -> Result<(StatusCode, Json<DomainView>), ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let domain = kt_app::identity::domains::add(&app, &auth.actor, &tenant, &body.host, &client).await?;
    Ok((StatusCode::CREATED, Json(domain_view(&domain))))
}

/// Approves a requested domain (super admin): the host starts serving the tenant.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/domains/{host}/approve", tag = "branding", params(("tenant_id" = String, Path), ("host" = String, Path)),
    responses((status = 200, body = DomainView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn approve_domain(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, host)): Path<(String, String)>,
) -> Result<Json<DomainView>, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    Ok(Json(domain_view(&kt_app::identity::domains::approve(&app, &auth.actor, &tenant, &host, &client).await?)))
}
