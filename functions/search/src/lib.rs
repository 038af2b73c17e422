//! Search API (PRD 4.11) under `/api/v1/tenants/{tenant_id}/search`: one query over everything
//! the person may open (type-ahead and the results page), saved searches, KB suggestions while
//! a ticket is filed with the record of what they did, and the KB's search figures. [`index`]
//! opens the engine where the process keeps it; [`indexer`] is the search queue's consumer.

pub mod index;
pub mod indexer;
mod types;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kt_app::AppState;
use kt_app::search::suggestions::{self, Next};
use kt_app::search::{self as uc, Ask, saved};
use kt_domain::identity::TicketId;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::extract::from_json_bytes;
use kt_http::{ApiError, ApiQuery, Problem};
use kt_platform::search::Order;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use types::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(list_saved, save_search))
        .routes(routes!(delete_saved))
        .routes(routes!(suggest))
        .routes(routes!(start_filing))
        .routes(routes!(filing_opened))
        .routes(routes!(filing_filed))
        .routes(routes!(figures))
}

/// Everything you may open that matches `q`: type-ahead from the first letter (prefixes, typos
/// forgiven), `"exact phrases"`, `-exclusions` and filters (`type:`, `status:`, `priority:`,
/// `from:`, `org:`, `tag:`, `after:`, `before:`), titles and snippets with the matched words
/// marked.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/search", tag = "search",
    params(("tenant_id" = String, Path), SearchParams),
    responses((status = 200, body = SearchResults),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn search(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    uc::check_access(&auth.actor, &tenant.id)?;
    let ask = Ask {
        text: p.q.map(|q| q.to_string()).unwrap_or_default(),
        types: p
            .r#type
            .map(|t| t.to_string().split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default(),
        order: if p.order.as_deref() == Some("newest") { Order::Newest } else { Order::Relevance },
        offset: p.offset.unwrap_or(0) as usize,
        limit: p.limit.unwrap_or(10) as usize,
        count_kinds: p.counts.unwrap_or(false),
        any: false,
        submitted: p.submitted.unwrap_or(false),
    };
    if let Some(o) = p.order.as_deref()
        && !matches!(o, "relevance" | "newest")
    {
        return Err(kt_app::AppError::invalid("order", "relevance or newest").into());
    }
    check_page(ask.offset, ask.limit)?;
    let page = uc::search(&app, &auth.actor, &tenant, &ask).await?;
    Ok(Json(results(page)))
}

fn check_page(offset: usize, limit: usize) -> Result<(), ApiError> {
    if limit == 0 || limit > uc::MAX_LIMIT {
        return Err(kt_app::AppError::invalid("limit", format!("1 to {}", uc::MAX_LIMIT)).into());
    }
    if offset > uc::MAX_OFFSET {
        return Err(
            kt_app::AppError::invalid("offset", format!("at most {}: narrow the search", uc::MAX_OFFSET)).into()
        );
    }
    Ok(())
}

/// Your saved searches, oldest first.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/search/saved", tag = "search",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = Vec<SavedSearchView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_saved(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<Vec<SavedSearchView>>, ApiError> {
    let list = saved::list(&app, &auth.actor, &tenant).await?;
    Ok(Json(list.into_iter().map(saved_view).collect()))
}

/// Saves a search under a name (yours only; 50 at most).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/search/saved", tag = "search", request_body = SaveSearchRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 201, body = SavedSearchView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn save_search(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    uc::check_access(&auth.actor, &tenant.id)?;
    let b = from_json_bytes::<SaveSearchRequest>(&body)?;
    let types = b.types.unwrap_or_default().into_iter().map(|t| t.to_string()).collect();
    let s = saved::save(&app, &auth.actor, &tenant, &b.name.to_string(), &b.query.to_string(), types).await?;
    Ok((StatusCode::CREATED, Json(saved_view(s))).into_response())
}

/// Deletes one of your saved searches.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/search/saved/{saved_id}", tag = "search",
    params(("tenant_id" = String, Path), ("saved_id" = String, Path)),
    responses((status = 204, description = "Deleted"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_saved(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<StatusCode, ApiError> {
    saved::delete(&app, &auth.actor, &tenant, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The articles you may read that best match a ticket's subject as it is typed (five at most).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/search/suggestions", tag = "search",
    params(("tenant_id" = String, Path), SuggestParams),
    responses((status = 200, body = SearchResults),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn suggest(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(p): ApiQuery<SuggestParams>,
) -> Result<Json<SearchResults>, ApiError> {
    uc::check_access(&auth.actor, &tenant.id)?;
    let subject = p.subject.map(|s| s.to_string()).unwrap_or_default();
    Ok(Json(results(suggestions::suggest(&app, &auth.actor, &tenant, &subject).await?)))
}

/// Records that suggestions were shown while you filed a ticket; answers the filing's id.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/search/filings", tag = "search", request_body = FilingRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 201, body = FilingView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn start_filing(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    uc::check_access(&auth.actor, &tenant.id)?;
    let b = from_json_bytes::<FilingRequest>(&body)?;
    let shown = b.shown.into_iter().map(|s| s.to_string()).collect();
    let f = suggestions::start(&app, &auth.actor, &tenant, shown).await?;
    Ok((StatusCode::CREATED, Json(filing_view(f))).into_response())
}

/// Records that you opened a suggested article during the filing.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/search/filings/{filing_id}/opened", tag = "search", request_body = OpenedRequest,
    params(("tenant_id" = String, Path), ("filing_id" = String, Path)),
    responses((status = 200, body = FilingView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn filing_opened(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<FilingView>, ApiError> {
    uc::check_access(&auth.actor, &tenant.id)?;
    let b = from_json_bytes::<OpenedRequest>(&body)?;
    let f = suggestions::record(&app, &auth.actor, &tenant, &id, Next::Opened(b.article_id.to_string())).await?;
    Ok(Json(filing_view(f)))
}

/// Records that the filing ended in a ticket after all.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/search/filings/{filing_id}/filed", tag = "search", request_body = FiledRequest,
    params(("tenant_id" = String, Path), ("filing_id" = String, Path)),
    responses((status = 200, body = FilingView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn filing_filed(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<FilingView>, ApiError> {
    uc::check_access(&auth.actor, &tenant.id)?;
    let b = from_json_bytes::<FiledRequest>(&body)?;
    let ticket = TicketId::try_from(b.ticket_id.to_string())
        .map_err(|_| kt_app::AppError::invalid("ticket_id", "is not a ticket id"))?;
    let f = suggestions::record(&app, &auth.actor, &tenant, &id, Next::Filed(ticket)).await?;
    Ok(Json(filing_view(f)))
}

/// A month's KB search figures (the KB's managers): filings that showed suggestions, how many
/// opened one, how many filed anyway, the deflection rate, and searches that found no article.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/search/figures", tag = "search",
    params(("tenant_id" = String, Path), FiguresParams),
    responses((status = 200, body = SearchFigures),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn figures(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(p): ApiQuery<FiguresParams>,
) -> Result<Json<SearchFigures>, ApiError> {
    uc::check_access(&auth.actor, &tenant.id)?;
    let now = app.clock.now();
    let month =
        p.month.map(|m| m.to_string()).unwrap_or_else(|| format!("{:04}-{:02}", now.year(), u8::from(now.month())));
    let f = suggestions::figures(&app, &auth.actor, &tenant, &month).await?;
    Ok(Json(figures_view(f)))
}
