//! An article's history (versions, the difference between two, restoring one) for its
//! managers; its readers' views and feedback, and the figures the managers read.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::AppState;
use kt_app::kb::{self as uc, readers, versions};
use kt_domain::kb::{Reader, Version};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::{self, with_etag};
use kt_http::extract::from_json_bytes;
use kt_http::input::{Comment, Cursor, Short};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::types::{ArticleView, view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_versions))
        .routes(routes!(get_version))
        .routes(routes!(diff_versions))
        .routes(routes!(restore_version))
        .routes(routes!(record_view))
        .routes(routes!(give_feedback))
        .routes(routes!(article_figures))
        .routes(routes!(article_pdf))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub number: u32,
    pub title: String,
    pub author_id: String,
    pub at: String,
    pub note: String,
    /// The body as saved (in the one-version read only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

fn version_view(v: &Version, with_body: bool) -> VersionView {
    VersionView {
        number: v.number,
        title: v.content.title.clone(),
        author_id: v.author.to_string(),
        at: kt_domain::timestamp(v.at),
        note: v.note.clone(),
        body: with_body.then(|| v.content.body.clone()),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionPage {
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// The article's versions, newest first (the KB's managers).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/versions", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), VersionPage),
    responses((status = 200, body = Paginated<VersionView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_versions(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<VersionPage>,
) -> Result<Json<Paginated<VersionView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next_cursor) = versions::list(&app, &auth.actor, &tenant, &id, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(|v| version_view(v, false)).collect(), next_cursor }))
}

/// One version, with its body.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/versions/{version}", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("version" = u32, Path)),
    responses((status = 200, body = VersionView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_version(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id, number)): Path<(String, String, u32)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<VersionView>, ApiError> {
    Ok(Json(version_view(&versions::get(&app, &auth.actor, &tenant, &id, number).await?, true)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The older version's number.
    pub from: Short,
    /// The newer version's number.
    pub to: Short,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffLine {
    /// `equal`, `insert` or `delete`.
    pub tag: String,
    pub text: String,
    /// Its line number in the older and the newer body.
    pub old: Option<usize>,
    pub new: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffView {
    pub from: u32,
    pub to: u32,
    /// The settings that differ (title, summary, category, tags, access, related).
    pub fields: Vec<FieldChange>,
    /// The body's changes, each with up to three unchanged lines around it.
    pub hunks: Vec<Vec<DiffLine>>,
}

/// What differs between two versions of the article.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/diff", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), DiffQuery),
    responses((status = 200, body = DiffView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn diff_versions(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DiffQuery>,
) -> Result<Json<DiffView>, ApiError> {
    let d = versions::diff(&app, &auth.actor, &tenant, &id, q.from.as_str(), q.to.as_str()).await?;
    Ok(Json(DiffView {
        from: d.from,
        to: d.to,
        fields: d
            .fields
            .into_iter()
            .map(|(field, before, after)| FieldChange { field: field.to_owned(), before, after })
            .collect(),
        hunks: d
            .hunks
            .into_iter()
            .map(|h| {
                h.into_iter()
                    .map(|l| DiffLine { tag: l.tag.to_owned(), text: l.text, old: l.old, new: l.new })
                    .collect()
            })
            .collect(),
    }))
}

/// Restores a version as a new one (the history only grows), under `If-Match`.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/versions/{version}/restore", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), ("version" = u32, Path), ("If-Match" = Option<String>, Header, description = "The article's ETag")),
    responses((status = 200, body = ArticleView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn restore_version(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id, number)): Path<(String, String, u32)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let a = versions::restore(&app, &auth.actor, &tenant, &id, number, expected).await?;
    Ok(with_etag(a.version, Json(view(&app, Reader::Person(&auth.actor), &tenant, &a.value).await?)))
}

/// Counts a read of the article (the article page calls it once per visit).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/view", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path)),
    responses((status = 204, description = "Counted"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn record_view(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    readers::viewed(&app, Reader::Person(&auth.actor), &tenant, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    pub helpful: bool,
    pub comment: Option<Comment>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackView {
    pub helpful: bool,
    pub comment: String,
    pub by: Option<String>,
    pub at: String,
}

fn feedback_view(f: &kt_domain::kb::Feedback) -> FeedbackView {
    FeedbackView {
        helpful: f.helpful,
        comment: f.comment.clone(),
        by: f.by.as_ref().map(ToString::to_string),
        at: kt_domain::timestamp(f.at),
    }
}

/// Says whether the article helped (one answer per person; a new one replaces it).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/feedback", tag = "knowledge base", request_body = FeedbackRequest,
    params(("tenant_id" = String, Path), ("article_id" = String, Path)),
    responses((status = 200, body = FeedbackView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn give_feedback(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<FeedbackView>, ApiError> {
    uc::get(&app, Reader::Person(&auth.actor), &tenant, &id).await?;
    let req = from_json_bytes::<FeedbackRequest>(&body)?;
    let comment = req.comment.map(|c| c.to_string()).unwrap_or_default();
    let f = readers::feedback(&app, &auth.actor, &tenant, &id, req.helpful, &comment).await?;
    Ok(Json(feedback_view(&f)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiguresView {
    pub views: i64,
    /// Distinct signed-in readers.
    pub readers: i64,
    pub helpful: i64,
    pub not_helpful: i64,
    /// The feedback given, one per person.
    pub feedback: Paginated<FeedbackView>,
}

/// The article's figures and feedback (the KB's managers).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/figures", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path), VersionPage),
    responses((status = 200, body = FiguresView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn article_figures(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<VersionPage>,
) -> Result<Json<FiguresView>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (f, items, next_cursor) =
        readers::figures(&app, &auth.actor, &tenant, &id, page.limit()?, page.cursor()).await?;
    Ok(Json(FiguresView {
        views: f.views,
        readers: f.readers,
        helpful: f.helpful,
        not_helpful: f.not_helpful,
        feedback: Paginated { items: items.iter().map(feedback_view).collect(), next_cursor },
    }))
}

/// A PDF file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the body's schema only
pub struct ArticlePdf(Vec<u8>);

/// The article as a PDF in the tenant's branding (whoever may read it).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/kb/articles/{article_id}/pdf", tag = "knowledge base",
    params(("tenant_id" = String, Path), ("article_id" = String, Path)),
    responses((status = 200, description = "The PDF, as an attachment named by the article's slug", content_type = "application/pdf", body = ArticlePdf),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn article_pdf(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let pdf = kt_app::kb::document::pdf(&app, Reader::Person(&auth.actor), &tenant, &id).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/pdf".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", pdf.filename)),
            (axum::http::header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf.bytes,
    )
        .into_response())
}
