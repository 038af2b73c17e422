//! Files answering a form: start an upload for a file, image or signature field (a presigned
//! URL, checked against the field's rules and the holder's quota), confirm it, then name its id
//! in the field's answer; those who may read the submission download what it carries.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kt_app::AppState;
use kt_app::forms::{files, results};
use kt_domain::forms::Upload;
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::input::{FileName, Short};
use kt_http::upload::{DownloadView, UploadView};
use kt_http::{ApiError, ApiJson, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_form_upload))
        .routes(routes!(form_upload))
        .routes(routes!(complete_form_upload))
        .routes(routes!(download_form_upload))
        .routes(routes!(download_submission_file))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormFileView {
    /// Name this id in the field's answer.
    pub id: String,
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// False until the upload is confirmed.
    pub ready: bool,
    /// Carried by a submission already.
    pub submitted: bool,
    pub created_at: String,
}

pub(super) fn file_view(u: &Upload) -> FormFileView {
    FormFileView {
        id: u.id.clone(),
        field: u.field.clone(),
        filename: u.filename.clone(),
        content_type: u.content_type.clone(),
        size: u.size,
        ready: u.ready,
        submitted: u.submission.is_some(),
        created_at: kt_domain::timestamp(u.created_at),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFormFileRequest {
    /// The key of the file, image or signature field it answers.
    pub field: Short,
    #[schema(example = "brief.pdf")]
    pub filename: FileName,
    #[schema(example = "application/pdf")]
    pub content_type: FileName,
    /// Exact size in bytes (at most 25 MiB, and the field's own limit); the upload URL accepts
    /// only this many.
    #[schema(example = 48213)]
    pub size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StartedFormUploadView {
    pub file: FormFileView,
    pub upload: UploadView,
}

/// Starts a file upload for a field of the open form: checks the file (name, type, size, the
/// field's accepted types and largest size) and the storage it counts against (a client's
/// organization, else the tenant's), then answers a presigned URL (15 minutes). Confirm with
/// `.../complete`, then name the id in the field's answer.
#[utoipa::path(post, path = "/api/v1/forms/{form_id}/uploads", tag = "forms",
    request_body = NewFormFileRequest, params(("form_id" = String, Path)),
    responses((status = 201, body = StartedFormUploadView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The form is not open", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, the form's field takes no such file, or the storage is full (field `size`)", body = Problem, content_type = "application/problem+json")))]
async fn start_form_upload(
    State(app): State<AppState>,
    auth: Auth,
    Path(form): Path<String>,
    ApiJson(body): ApiJson<NewFormFileRequest>,
) -> Result<(StatusCode, Json<StartedFormUploadView>), ApiError> {
    let (u, up) =
        files::start(&app, &auth.actor, &form, &body.field, &body.filename, &body.content_type, body.size).await?;
    Ok((StatusCode::CREATED, Json(StartedFormUploadView { file: file_view(&u), upload: up.into() })))
}

/// One of your own uploads for the form (to show it again with a resumed draft).
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/uploads/{upload_id}", tag = "forms",
    params(("form_id" = String, Path), ("upload_id" = String, Path)),
    responses((status = 200, body = FormFileView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn form_upload(
    State(app): State<AppState>,
    auth: Auth,
    Path((form, id)): Path<(String, String)>,
) -> Result<Json<FormFileView>, ApiError> {
    Ok(Json(file_view(&files::own_upload(&app, &auth.actor, &form, &id).await?)))
}

/// Confirms an upload (its uploader): the stored file must match what was declared.
#[utoipa::path(post, path = "/api/v1/forms/{form_id}/uploads/{upload_id}/complete", tag = "forms",
    params(("form_id" = String, Path), ("upload_id" = String, Path)),
    responses((status = 200, body = FormFileView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing uploaded yet, not the declared file, or too late", body = Problem, content_type = "application/problem+json")))]
async fn complete_form_upload(
    State(app): State<AppState>,
    auth: Auth,
    Path((form, id)): Path<(String, String)>,
) -> Result<Json<FormFileView>, ApiError> {
    Ok(Json(file_view(&files::complete(&app, &auth.actor, &form, &id).await?)))
}

/// A short-lived download URL for your own upload not submitted yet.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/uploads/{upload_id}/download", tag = "forms",
    params(("form_id" = String, Path), ("upload_id" = String, Path)),
    responses((status = 200, body = DownloadView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn download_form_upload(
    State(app): State<AppState>,
    auth: Auth,
    Path((form, id)): Path<(String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    let a = &auth.actor;
    let (u, url) = files::download_url(&app, a, &a.tenant, &a.user, &form, None, &id).await?;
    Ok(Json(DownloadView { url, filename: u.filename }))
}

/// A short-lived download URL for a file a submission carries, for those who may read it.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/forms/{form_id}/submissions/{submission_id}/files/{upload_id}", tag = "forms",
    params(("tenant_id" = String, Path), ("form_id" = String, Path), ("submission_id" = String, Path), ("upload_id" = String, Path)),
    responses((status = 200, body = DownloadView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn download_submission_file(
    State(app): State<AppState>,
    auth: Auth,
    Path((tenant, form, sub, id)): Path<(String, String, String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    let s = results::get(&app, &auth.actor, &form, &tenant, &sub).await?;
    let (u, url) = files::download_url(&app, &auth.actor, &s.tenant, &s.by, &form, Some(&s), &id).await?;
    Ok(Json(DownloadView { url, filename: u.filename }))
}
