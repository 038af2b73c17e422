//! Images in articles: the KB's managers upload one into an article (presigned, confirmed),
//! then name its `url` in the Markdown; reading that address sends whoever may read the article
//! (signed out too, for a public one, also on the help center) on to the bytes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kt_app::AppState;
use kt_app::kb::images;
use kt_domain::kb::{Image, Reader};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, MaybeAuth, TenantInPath};
use kt_http::extract::from_json_bytes;
use kt_http::input::FileName;
use kt_http::upload::UploadView;
use kt_http::{ApiError, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start_image_upload))
        .routes(routes!(complete_image_upload))
        .routes(routes!(read_image))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleImageView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    /// False until the upload is confirmed.
    pub ready: bool,
    /// The address to name in the article's Markdown (`![description](url)`).
    pub url: String,
    pub created_at: String,
}

fn view(i: &Image) -> ArticleImageView {
    ArticleImageView {
        id: i.id.clone(),
        filename: i.filename.clone(),
        content_type: i.content_type.clone(),
        size: i.size,
        ready: i.ready,
        url: images::address(&i.tenant, &i.article, &i.id),
        created_at: kt_domain::timestamp(i.created_at),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArticleImageRequest {
    #[schema(example = "settings.png")]
    pub filename: FileName,
    /// PNG, JPEG, GIF or WebP.
    #[schema(example = "image/png")]
    pub content_type: FileName,
    /// Exact size in bytes (at most 10 MiB); the upload URL accepts only this many.
    #[schema(example = 48213)]
    pub size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StartedArticleImageView {
    pub image: ArticleImageView,
    pub upload: UploadView,
}

/// The KB's managers only, and only in their own KB: refused before the body is read.
fn writer(auth: &Auth, tenant: &kt_domain::tenancy::Tenant) -> Result<(), ApiError> {
    if !kt_app::kb::is_system(tenant) {
        kt_app::identity::tenancy::in_reach(&auth.actor, tenant)?;
    }
    if kt_app::kb::manager(&auth.actor, tenant) { Ok(()) } else { Err(kt_app::AppError::Forbidden.into()) }
}

/// Starts an image upload into an article (the KB's managers): checks the image (PNG, JPEG, GIF
/// or WebP, at most 10 MiB) and the tenant's storage, then answers a presigned URL (15 minutes).
/// Confirm with `.../complete`, then name `image.url` in the article.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/images", tag = "knowledge base",
    request_body = NewArticleImageRequest, params(("tenant_id" = String, Path), ("article_id" = String, Path)),
    responses((status = 201, body = StartedArticleImageView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, or the storage is full (field `size`)", body = Problem, content_type = "application/problem+json")))]
async fn start_image_upload(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    body: Bytes,
) -> Result<(StatusCode, Json<StartedArticleImageView>), ApiError> {
    writer(&auth, &tenant)?;
    let b = from_json_bytes::<NewArticleImageRequest>(&body)?;
    let (i, up) = images::start(&app, &auth.actor, &tenant, &path.1, &b.filename, &b.content_type, b.size).await?;
    Ok((StatusCode::CREATED, Json(StartedArticleImageView { image: view(&i), upload: up.into() })))
}

/// Confirms an image upload (the KB's managers): the stored file must match what was declared.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/images/{image_id}/complete", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("image_id" = String, Path)),
    responses((status = 200, body = ArticleImageView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing uploaded yet, not the declared file, or too late", body = Problem, content_type = "application/problem+json")))]
async fn complete_image_upload(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<Json<ArticleImageView>, ApiError> {
    writer(&auth, &tenant)?;
    let i = images::complete(&app, &auth.actor, &tenant, &path.1, &path.2).await?;
    Ok(Json(view(&i)))
}

/// An article's image: a redirect to its bytes (valid five minutes) for whoever may read the
/// article now, signed in or, for a public article, not.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/images/{image_id}", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("image_id" = String, Path)),
    responses((status = 302, description = "To the image's bytes", headers(("Location" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json")),
    security(()))]
async fn read_image(
    State(app): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let reader = auth.as_ref().map_or(Reader::Anonymous, |a| Reader::Person(&a.actor));
    let url = images::url(&app, reader, &tenant, &path.1, &path.2).await?;
    // The address changes every time: browsers keep the answer a little, never longer than it.
    let cache = if auth.is_some() { "private, max-age=240" } else { "public, max-age=240" };
    Ok((StatusCode::FOUND, [(header::LOCATION, url), (header::CACHE_CONTROL, cache.to_owned())]).into_response())
}
