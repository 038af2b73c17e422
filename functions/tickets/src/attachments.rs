//! Attachments on a ticket: an upload URL after the file and the quota are checked, the
//! confirmation that counts it, the list, and short-lived download URLs; and each client
//! organization's storage quota (super admins).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kt_app::AppState;
use kt_app::tickets::attachments::{self, Storage};
use kt_domain::identity::OrgId;
use kt_domain::ticket::Attachment;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::FileName;
use kt_http::upload::{DownloadView, UploadView};
use kt_http::{ApiError, ApiJson, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{parse_ticket_id, rfc3339};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_attachments, start_upload))
        .routes(routes!(complete_upload))
        .routes(routes!(download))
        .routes(routes!(get_storage, set_quota))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub uploader_id: String,
    /// False until the upload is confirmed.
    pub ready: bool,
    pub created_at: String,
}

fn view(a: &Attachment) -> AttachmentView {
    AttachmentView {
        id: a.id.clone(),
        filename: a.filename.clone(),
        content_type: a.content_type.clone(),
        size: a.size,
        uploader_id: a.uploader.to_string(),
        ready: a.ready,
        created_at: rfc3339(a.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentsView {
    pub items: Vec<AttachmentView>,
}

/// The ticket's attachments, oldest first.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = AttachmentsView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_attachments(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<AttachmentsView>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let items = attachments::list(&app, &auth.actor, &tenant, &id).await?;
    Ok(Json(AttachmentsView { items: items.iter().map(view).collect() }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAttachmentRequest {
    #[schema(example = "screenshot.png")]
    pub filename: FileName,
    #[schema(example = "image/png")]
    pub content_type: FileName,
    /// Exact size in bytes (at most 25 MiB); the upload URL accepts only this many.
    #[schema(example = 48213)]
    pub size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StartedUploadView {
    pub attachment: AttachmentView,
    pub upload: UploadView,
}

/// Starts an upload: checks the file (name, type, size) and the organization's storage quota,
/// then answers a presigned URL (15 minutes). Confirm with `.../complete` once it is sent.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments", tag = "tickets",
    request_body = NewAttachmentRequest, params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 201, body = StartedUploadView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, or the quota is full (field `size`)", body = Problem, content_type = "application/problem+json")))]
async fn start_upload(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<NewAttachmentRequest>,
) -> Result<(StatusCode, Json<StartedUploadView>), ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let (a, up) =
        attachments::start_upload(&app, &auth.actor, &tenant, &id, &body.filename, &body.content_type, body.size)
            .await?;
    Ok((StatusCode::CREATED, Json(StartedUploadView { attachment: view(&a), upload: up.into() })))
}

/// Confirms an upload (its uploader): the stored file must match what was declared.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/complete", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 200, body = AttachmentView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing uploaded yet, or not the declared file", body = Problem, content_type = "application/problem+json")))]
async fn complete_upload(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<Json<AttachmentView>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let a = attachments::complete(&app, &auth.actor, &tenant, &id, &path.2).await?;
    Ok(Json(view(&a)))
}

/// A short-lived download URL for an attachment.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/attachments/{attachment_id}/download", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path), ("attachment_id" = String, Path)),
    responses((status = 200, body = DownloadView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn download(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let (a, url) = attachments::download_url(&app, &auth.actor, &tenant, &id, &path.2).await?;
    Ok(Json(DownloadView { url, filename: a.filename }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StorageView {
    pub used_bytes: u64,
    pub limit_bytes: u64,
}

fn storage_view(s: Storage) -> StorageView {
    StorageView { used_bytes: s.used, limit_bytes: s.limit }
}

fn parse_org(raw: &str) -> Result<OrgId, ApiError> {
    OrgId::try_from(raw.to_owned()).map_err(|_| ApiError::not_found())
}

/// An organization's attachment storage: used and quota (super admins).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/orgs/{org_id}/storage", tag = "tickets",
    params(("tenant_id" = String, Path), ("org_id" = String, Path)),
    responses((status = 200, body = StorageView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_storage(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<StorageView>, ApiError> {
    let org = parse_org(&path.1)?;
    Ok(Json(storage_view(attachments::get_storage(&app, &auth.actor, &tenant, &org).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuotaRequest {
    /// The organization's storage quota in bytes (default 5 GiB).
    #[schema(example = 10737418240u64)]
    pub limit_bytes: u64,
}

/// Sets an organization's storage quota (super admins); a quota below the usage stops new
/// uploads and deletes nothing.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/orgs/{org_id}/storage", tag = "tickets",
    request_body = QuotaRequest, params(("tenant_id" = String, Path), ("org_id" = String, Path)),
    responses((status = 200, body = StorageView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn set_quota(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<QuotaRequest>,
) -> Result<Json<StorageView>, ApiError> {
    let org = parse_org(&path.1)?;
    let s = attachments::set_quota(&app, &auth.actor, &tenant, &org, body.limit_bytes).await?;
    Ok(Json(storage_view(s)))
}
