//! Announcement routes: authors (super admins; partners for their tenant) write, schedule, edit
//! and remove announcements and see how many read them; everyone gets the live ones meant for
//! them and marks them read.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::announcements::{self as uc, Sheet};
use kt_app::{AppError, AppState};
use kt_domain::announcement::{Announcement, Display, Draft, Scope, Severity};
use kt_domain::identity::{OrgId, Role};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Body, Cursor, Id, Name, Short, rfc3339};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, etag};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::messaging::with_etag;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_announcements, create_announcement))
        .routes(routes!(get_announcement, update_announcement, delete_announcement))
        .routes(routes!(live_announcements))
        .routes(routes!(read_announcement))
}

/// Who an announcement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceKind {
    /// Everyone on the platform (Kre8ivTech's super admins, from Kre8ivTech's tenant).
    Everyone,
    /// Everyone of this tenant.
    Tenant,
    /// One client organization of this tenant (`org_id`).
    Organization,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementView {
    pub id: String,
    pub tenant_id: String,
    pub title: String,
    /// Markdown as written.
    pub body: String,
    /// The Markdown rendered to sanitized HTML.
    pub html: String,
    #[schema(schema_with = kt_http::input::words::severity)]
    pub severity: Severity,
    #[schema(schema_with = kt_http::input::words::announcement_displays)]
    pub display: Vec<Display>,
    pub audience: AudienceKind,
    pub org_id: Option<String>,
    /// Only these roles (none: every role in the audience).
    #[schema(schema_with = kt_http::input::words::roles)]
    pub roles: Vec<Role>,
    pub starts_at: String,
    pub ends_at: Option<String>,
    #[schema(schema_with = kt_http::input::words::announcement_state)]
    pub state: kt_domain::announcement::State,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: Option<String>,
    /// For authors: how many read (dismissed) it.
    pub reads: Option<u64>,
    /// For authors: how many it was sent to as a notification or email.
    pub reached: Option<u64>,
    /// For readers: whether you read (dismissed) it.
    pub read: Option<bool>,
}

fn view(a: &Announcement, now: OffsetDateTime) -> AnnouncementView {
    let (audience, org_id) = match &a.scope {
        Scope::Everyone => (AudienceKind::Everyone, None),
        Scope::Tenant => (AudienceKind::Tenant, None),
        Scope::Organization(o) => (AudienceKind::Organization, Some(o.to_string())),
    };
    AnnouncementView {
        id: a.id.clone(),
        tenant_id: a.tenant.to_string(),
        title: a.title.clone(),
        body: a.body.clone(),
        html: kt_app::markdown::render(&a.body),
        severity: a.severity,
        display: a.display.clone(),
        audience,
        org_id,
        roles: a.roles.clone(),
        starts_at: kt_domain::timestamp(a.starts_at),
        ends_at: a.ends_at.map(kt_domain::timestamp),
        state: a.state(now),
        created_by: a.created_by.to_string(),
        created_at: kt_domain::timestamp(a.created_at),
        updated_at: a.updated_at.map(kt_domain::timestamp),
        reads: None,
        reached: None,
        read: None,
    }
}

fn sheet_view(s: &Sheet, now: OffsetDateTime) -> AnnouncementView {
    AnnouncementView { reads: Some(s.reads), reached: Some(s.reached), ..view(&s.announcement, now) }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementRequest {
    /// 1 to 120 characters on one line.
    pub title: Name,
    /// Markdown, 1 to 5,000 characters.
    pub body: Body,
    #[serde(default)]
    #[schema(schema_with = kt_http::input::words::maybe_severity)]
    pub severity: Option<Severity>,
    /// At least one of banner, modal, notification, email.
    #[schema(schema_with = kt_http::input::words::announcement_displays)]
    pub display: Vec<Display>,
    pub audience: AudienceKind,
    /// The organization, for `audience: organization`.
    pub org_id: Option<Id>,
    /// Only these roles (none: every role in the audience; an organization's clients).
    #[serde(default)]
    #[schema(schema_with = kt_http::input::words::roles)]
    pub roles: Vec<Role>,
    /// RFC 3339; absent: now.
    pub starts_at: Option<Short>,
    /// RFC 3339; absent: until removed.
    pub ends_at: Option<Short>,
}

fn draft(req: AnnouncementRequest) -> Result<Draft, AppError> {
    let scope = match (req.audience, req.org_id) {
        (AudienceKind::Everyone, None) => Scope::Everyone,
        (AudienceKind::Tenant, None) => Scope::Tenant,
        (AudienceKind::Organization, Some(o)) => Scope::Organization(
            OrgId::try_from(o).map_err(|_| AppError::invalid("org_id", "is not an organization id"))?,
        ),
        (AudienceKind::Organization, None) => return Err(AppError::invalid("org_id", "name the organization")),
        (_, Some(_)) => return Err(AppError::invalid("org_id", "only for audience: organization")),
    };
    Ok(Draft {
        title: req.title.into(),
        body: req.body.into(),
        severity: req.severity.unwrap_or_default(),
        display: req.display,
        scope,
        roles: req.roles,
        starts_at: rfc3339(req.starts_at.as_deref(), "starts_at")?,
        ends_at: rfc3339(req.ends_at.as_deref(), "ends_at")?,
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementPage {
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// The tenant's announcements, newest first, with read counts (super admins; the tenant's partners).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/announcements", tag = "announcements",
    params(("tenant_id" = String, Path), AnnouncementPage),
    responses((status = 200, body = Paginated<AnnouncementView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_announcements(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<AnnouncementPage>,
) -> Result<Json<Paginated<AnnouncementView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next_cursor) = uc::list(&app, &auth.actor, &tenant, page.limit()?, page.cursor()).await?;
    let now = app.clock.now();
    Ok(Json(Paginated { items: items.iter().map(|s| sheet_view(s, now)).collect(), next_cursor }))
}

/// Writes an announcement: live at once, or from `starts_at`; its notifications and emails go
/// out when it starts.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/announcements", tag = "announcements", request_body = AnnouncementRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 201, body = AnnouncementView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_announcement(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiJson(req): ApiJson<AnnouncementRequest>,
) -> Result<Response, ApiError> {
    uc::manages(&auth.actor, &tenant)?;
    let (a, version) = uc::create(&app, &auth.actor, &tenant, draft(req)?).await?;
    let v = AnnouncementView { reads: Some(0), reached: Some(0), ..view(&a, app.clock.now()) };
    Ok(with_etag(version, (StatusCode::CREATED, Json(v))))
}

/// One announcement with its read counts.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/announcements/{announcement_id}", tag = "announcements",
    params(("tenant_id" = String, Path), ("announcement_id" = String, Path)),
    responses((status = 200, body = AnnouncementView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_announcement(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let s = uc::get(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(with_etag(s.version, Json(sheet_view(&s, app.clock.now()))))
}

/// Rewrites an announcement (the whole of it). Once started, its audience, channels and start
/// stay (409).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/announcements/{announcement_id}", tag = "announcements", request_body = AnnouncementRequest,
    params(("tenant_id" = String, Path), ("announcement_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = AnnouncementView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_announcement(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(req): ApiJson<AnnouncementRequest>,
) -> Result<Response, ApiError> {
    uc::manages(&auth.actor, &tenant)?;
    let expected = etag::if_match(&headers)?;
    let (a, version) = uc::update(&app, &auth.actor, &tenant, &path.1, draft(req)?, expected).await?;
    Ok(with_etag(version, Json(view(&a, app.clock.now()))))
}

/// Removes an announcement: its banner and modal go at once (what was sent stays sent).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/announcements/{announcement_id}", tag = "announcements",
    params(("tenant_id" = String, Path), ("announcement_id" = String, Path)),
    responses((status = 204, description = "Removed"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn delete_announcement(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    uc::delete(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LiveAnnouncements {
    /// Newest first, with whether you read (dismissed) each.
    pub items: Vec<AnnouncementView>,
}

/// The announcements live now that are meant for you.
#[utoipa::path(get, path = "/api/v1/announcements/live", tag = "announcements",
    responses((status = 200, body = LiveAnnouncements),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn live_announcements(State(app): State<AppState>, auth: Auth) -> Result<Json<LiveAnnouncements>, ApiError> {
    let now = app.clock.now();
    let live = uc::live_for(&app, &auth.actor).await?;
    let items = live.iter().map(|(a, read)| AnnouncementView { read: Some(*read), ..view(a, now) }).collect();
    Ok(Json(LiveAnnouncements { items }))
}

/// Marks an announcement meant for you read (dismissed); counted once.
#[utoipa::path(post, path = "/api/v1/announcements/{announcement_id}/read", tag = "announcements",
    params(("announcement_id" = String, Path)),
    responses((status = 204, description = "Read"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn read_announcement(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    uc::mark_read(&app, &auth.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
