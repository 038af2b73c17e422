//! Knowledge-base routes: the tenant's categories and articles (the system KB is Kre8ivTech's
//! own tenant's, read by every tenant's people by its access levels), written by the KB's
//! managers with a version per save; read by whoever the access level lets, once live.
//! [`history`] holds versions, diffs, restore, views, feedback and figures.

mod history;
mod images;
pub mod types;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::kb::articles::{self, Move};
use kt_app::kb::categories::{self, CategoryInput};
use kt_app::kb::{self as uc, Filter};
use kt_app::{AppError, AppState};
use kt_domain::kb::Reader;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::{self, with_etag};
use kt_http::extract::from_json_bytes;
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiQuery, Problem};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use types::{
    ArticlePage, ArticleRequest, ArticleSummary, ArticleView, CategoryRequest, CategoryView, PublishRequest,
    category_view, content, summary, view,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, create_category))
        .routes(routes!(update_category, delete_category))
        .routes(routes!(list_articles, create_article))
        .routes(routes!(get_article, update_article))
        .routes(routes!(publish_article))
        .routes(routes!(unpublish_article))
        .routes(routes!(archive_article))
        .routes(routes!(preview))
        .merge(history::router())
        .merge(images::router())
}

/// The tenant's categories, in order (parents first).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/categories", tag = "knowledge base",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = Vec<CategoryView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_categories(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<Vec<CategoryView>>, ApiError> {
    let all = categories::read(&app, Reader::Person(&auth.actor), &tenant).await?;
    Ok(Json(all.iter().map(|c| category_view(&c.value, c.version)).collect()))
}

fn category_input(b: CategoryRequest) -> CategoryInput {
    CategoryInput {
        name: b.name.to_string(),
        description: b.description.map(|d| d.to_string()).unwrap_or_default(),
        parent: b.parent_id.map(|p| p.into_inner()),
        position: b.position.unwrap_or(100),
    }
}

/// Adds a category (the KB's managers), under another up to three levels deep.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/categories", tag = "knowledge base", request_body = CategoryRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 201, body = CategoryView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_category(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    writer(&auth, &tenant)?;
    let req = category_input(from_json_bytes::<CategoryRequest>(&body)?);
    let c = categories::create(&app, &auth.actor, &tenant, req).await?;
    Ok(with_etag(c.version, (StatusCode::CREATED, Json(category_view(&c.value, c.version)))))
}

/// Another partner's KB is not acknowledged, whatever the body (the system KB is everyone's to
/// read, so it answers 403 to those who do not manage it).
fn reach(auth: &Auth, tenant: &kt_domain::tenancy::Tenant) -> Result<(), AppError> {
    if uc::is_system(tenant) { Ok(()) } else { kt_app::identity::tenancy::in_reach(&auth.actor, tenant) }
}

/// Writes are the KB's managers': refused before the body is read.
fn writer(auth: &Auth, tenant: &kt_domain::tenancy::Tenant) -> Result<(), AppError> {
    reach(auth, tenant)?;
    if uc::manager(&auth.actor, tenant) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Changes a category (the KB's managers), under `If-Match`; moving it moves what is under it.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/kb/categories/{category_id}", tag = "knowledge base", request_body = CategoryRequest,
    params(("tenant_id" = String, Path), ("category_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = CategoryView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_category(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    writer(&auth, &tenant)?;
    let expected = etag::if_match(&headers)?;
    let req = category_input(from_json_bytes::<CategoryRequest>(&body)?);
    let c = categories::update(&app, &auth.actor, &tenant, &id, req, expected).await?;
    Ok(with_etag(c.version, Json(category_view(&c.value, c.version))))
}

/// Removes a category with nothing under it (its articles read as uncategorized).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/kb/categories/{category_id}", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("category_id" = String, Path)),
    responses((status = 204, description = "Removed"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn delete_category(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    categories::remove(&app, &auth.actor, &tenant, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The tenant's articles you may read, newest first (managers: drafts and archived too).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles", tag = "knowledge base",
    params(("tenant_id" = String, Path), ArticlePage),
    responses((status = 200, body = Paginated<ArticleSummary>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_articles(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<ArticlePage>,
) -> Result<Json<Paginated<ArticleSummary>>, ApiError> {
    reach(&auth, &tenant)?;
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let filter = Filter {
        category: q.category_id.map(|c| c.into_inner()),
        tag: q.tag.map(|t| t.to_string().trim().to_lowercase()),
        status: q.status.map(Into::into),
    };
    let reader = Reader::Person(&auth.actor);
    let (items, next_cursor) = uc::list(&app, reader, &tenant, &filter, page.limit()?, page.cursor()).await?;
    let manager = uc::manager(&auth.actor, &tenant);
    Ok(Json(Paginated { items: items.iter().map(|a| summary(&app, &a.value, manager)).collect(), next_cursor }))
}

/// Starts an article as a draft (version 1).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles", tag = "knowledge base", request_body = ArticleRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 201, body = ArticleView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_article(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    writer(&auth, &tenant)?;
    let req = from_json_bytes::<ArticleRequest>(&body)?;
    let slug = req.slug.as_ref().map(ToString::to_string);
    let a = articles::create(&app, &auth.actor, &tenant, content(req)?, slug).await?;
    let v = view(&app, Reader::Person(&auth.actor), &tenant, &a.value).await?;
    Ok(with_etag(a.version, (StatusCode::CREATED, Json(v))))
}

/// One article, with its body rendered and the related articles you may read.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path)),
    responses((status = 200, body = ArticleView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_article(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let reader = Reader::Person(&auth.actor);
    let a = uc::get(&app, reader, &tenant, &id).await?;
    Ok(with_etag(a.version, Json(view(&app, reader, &tenant, &a.value).await?)))
}

/// Saves an article (a new version), under `If-Match`.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}", tag = "knowledge base", request_body = ArticleRequest,
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = ArticleView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_article(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let reader = Reader::Person(&auth.actor);
    uc::get(&app, reader, &tenant, &id).await?;
    writer(&auth, &tenant)?;
    let expected = etag::if_match(&headers)?;
    let req = from_json_bytes::<ArticleRequest>(&body)?;
    let (slug, note) = (req.slug.as_ref().map(ToString::to_string), req.note.as_ref().map(ToString::to_string));
    let edit = articles::Edit { content: content(req)?, slug, note: note.unwrap_or_default() };
    let a = articles::save(&app, &auth.actor, &tenant, &id, edit, expected).await?;
    Ok(with_etag(a.version, Json(view(&app, reader, &tenant, &a.value).await?)))
}

async fn moved(
    app: &AppState,
    auth: &Auth,
    tenant: &kt_domain::tenancy::Tenant,
    id: &str,
    headers: &HeaderMap,
    to: Move,
) -> Result<Response, ApiError> {
    let reader = Reader::Person(&auth.actor);
    uc::get(app, reader, tenant, id).await?;
    let expected = etag::if_match(headers)?;
    let a = articles::change(app, &auth.actor, tenant, id, to, expected).await?;
    Ok(with_etag(a.version, Json(view(app, reader, tenant, &a.value).await?)))
}

/// Publishes an article now, or schedules it (`publish_at`), under `If-Match`.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/publish", tag = "knowledge base", request_body = PublishRequest,
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = ArticleView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn publish_article(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    uc::get(&app, Reader::Person(&auth.actor), &tenant, &id).await?;
    writer(&auth, &tenant)?;
    let req = if body.is_empty() { PublishRequest::default() } else { from_json_bytes::<PublishRequest>(&body)? };
    let at = kt_http::input::rfc3339(req.publish_at.as_deref(), "publish_at")?;
    moved(&app, &auth, &tenant, &id, &headers, Move::Publish(at)).await
}

/// Takes an article back to draft, under `If-Match`.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/unpublish", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = ArticleView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn unpublish_article(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    moved(&app, &auth, &tenant, &id, &headers, Move::Unpublish).await
}

/// Archives an article (kept with its history, read by no one but its managers).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/archive", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = ArticleView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn archive_article(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    moved(&app, &auth, &tenant, &id, &headers, Move::Archive).await
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub body: kt_http::input::ArticleBody,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PreviewView {
    /// The body as readers will see it: sanitized HTML, videos click-to-load.
    pub html: String,
}

/// The editor's live preview (the KB's managers): Markdown rendered as the article page renders
/// it. Nothing is stored.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/preview", tag = "knowledge base", request_body = PreviewRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = PreviewView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn preview(auth: Auth, TenantInPath(tenant): TenantInPath, body: Bytes) -> Result<Json<PreviewView>, ApiError> {
    writer(&auth, &tenant)?;
    let b = from_json_bytes::<PreviewRequest>(&body)?;
    Ok(Json(PreviewView { html: kt_app::kb::embeds::render(&b.body.to_string()) }))
}
