//! Files sent with messages: start an upload (a presigned URL, checked against the holder's
//! quota), confirm it, then name it in a new message's `attachments`; members download them
//! through short-lived URLs.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kt_app::AppState;
use kt_app::messaging::files;
use kt_domain::messaging::File;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::FileName;
use kt_http::upload::{DownloadView, UploadView};
use kt_http::{ApiError, ApiJson, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_file_upload))
        .routes(routes!(complete_file_upload))
        .routes(routes!(download_file))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationFileView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub uploader_id: String,
    /// False until the upload is confirmed.
    pub ready: bool,
    /// The message carrying it, once sent.
    pub message: Option<u64>,
    pub created_at: String,
}

fn view(f: &File) -> ConversationFileView {
    ConversationFileView {
        id: f.id.clone(),
        filename: f.filename.clone(),
        content_type: f.content_type.clone(),
        size: f.size,
        uploader_id: f.uploader.to_string(),
        ready: f.ready,
        message: f.message,
        created_at: kt_domain::timestamp(f.created_at),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConversationFileRequest {
    #[schema(example = "brief.pdf")]
    pub filename: FileName,
    #[schema(example = "application/pdf")]
    pub content_type: FileName,
    /// Exact size in bytes (at most 25 MiB); the upload URL accepts only this many.
    #[schema(example = 48213)]
    pub size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StartedConversationUploadView {
    pub attachment: ConversationFileView,
    pub upload: UploadView,
}

/// Starts a file upload for a message: checks the file (name, type, size) and the storage it
/// counts against (a channel's organization; a client's own organization; else the tenant's),
/// then answers a presigned URL (15 minutes). Confirm with `.../complete`, then name the file in
/// the message's `attachments`.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/attachments", tag = "messaging",
    request_body = NewConversationFileRequest, params(("tenant_id" = String, Path), ("conversation_id" = String, Path)),
    responses((status = 201, body = StartedConversationUploadView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, or the storage is full (field `size`)", body = Problem, content_type = "application/problem+json")))]
async fn start_file_upload(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<NewConversationFileRequest>,
) -> Result<(StatusCode, Json<StartedConversationUploadView>), ApiError> {
    let (f, up) =
        files::start_upload(&app, &auth.actor, &tenant, &path.1, &body.filename, &body.content_type, body.size).await?;
    Ok((StatusCode::CREATED, Json(StartedConversationUploadView { attachment: view(&f), upload: up.into() })))
}

/// Confirms an upload (its uploader): the stored file must match what was declared.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/attachments/{file_id}/complete", tag = "messaging",
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), ("file_id" = String, Path)),
    responses((status = 200, body = ConversationFileView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing uploaded yet, not the declared file, or too late", body = Problem, content_type = "application/problem+json")))]
async fn complete_file_upload(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<Json<ConversationFileView>, ApiError> {
    let f = files::complete(&app, &auth.actor, &tenant, &path.1, &path.2).await?;
    Ok(Json(view(&f)))
}

/// A short-lived download URL for a file of a message (members), or your own file not sent yet.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/attachments/{file_id}/download", tag = "messaging",
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), ("file_id" = String, Path)),
    responses((status = 200, body = DownloadView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn download_file(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    let (f, url) = files::download_url(&app, &auth.actor, &tenant, &path.1, &path.2).await?;
    Ok(Json(DownloadView { url, filename: f.filename }))
}
