//! Notification center API (PRD 4.10): the signed-in person's notifications, newest first,
//! filtered by type or unread; the unread count (also pushed over WebSocket on `user:<id>`);
//! read / unread marks in bulk with per-item results; each person's settings per kind and
//! channel with digests and quiet hours, their tenant's defaults per role, and the log that
//! explains each delivery ([`preferences`]).

use axum::Json;
use axum::extract::State;
use kt_app::notifications::{self as uc, Marked};
use kt_app::{AppError, AppState};
use kt_domain::notification::Kind;
use kt_http::auth::Auth;
use kt_http::input::Token;
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use kt_store::notifications::Notification;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod announcements;
mod messaging;
mod preferences;
mod presence;
mod push;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(messaging::router())
        .routes(routes!(list_notifications))
        .routes(routes!(unread_count))
        .routes(routes!(mark))
        .routes(routes!(mark_all_read))
        .merge(preferences::router())
        .merge(announcements::router())
        .merge(push::router())
        .merge(presence::router())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    /// One of the kinds listed under preferences.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The portal path to open on click, e.g. `/tickets/<tenant>/<ticket>`.
    pub link: String,
    pub ticket_id: Option<String>,
    pub created_at: String,
    pub read_at: Option<String>,
}

fn view(n: &Notification) -> NotificationView {
    NotificationView {
        id: n.id.clone(),
        kind: n.kind.as_str().into(),
        title: n.title.clone(),
        body: n.body.clone(),
        link: n.link.clone(),
        ticket_id: n.ticket.clone(),
        created_at: kt_domain::timestamp(n.created_at),
        read_at: n.read_at.map(kt_domain::timestamp),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this kind.
    pub kind: Option<kt_http::input::NotificationKindParam>,
    /// Only unread ones.
    pub unread: Option<bool>,
}

fn parse_kind(raw: &str) -> Result<Kind, AppError> {
    Kind::parse(raw).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        AppError::invalid("kind", format!("use one of {}", all.join(", ")))
    })
}

/// My notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(ListParams, PageParams),
    responses((status = 200, body = Paginated<NotificationView>), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_notifications(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<ListParams>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<NotificationView>>, ApiError> {
    let kind = params.kind.as_deref().map(parse_kind).transpose()?;
    let (items, next_cursor) =
        uc::list(&app, &auth.actor, kind, params.unread.unwrap_or(false), page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(view).collect(), next_cursor }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadView {
    pub unread: u64,
}

/// How many of my notifications are unread (the bell's badge).
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "notifications",
    responses((status = 200, body = UnreadView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn unread_count(State(app): State<AppState>, auth: Auth) -> Result<Json<UnreadView>, ApiError> {
    Ok(Json(UnreadView { unread: uc::unread_count(&app, &auth.actor).await? }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    /// 1 to 100 notification ids.
    #[schema(example = json!(["01JD0000000000000000000000-01JD0000000000000000000001"]))]
    pub ids: Vec<Token>,
    /// `true` marks them read, `false` unread.
    pub read: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkResult {
    pub id: String,
    /// `done`, `unchanged` (already so) or `not_found`.
    pub result: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkView {
    pub results: Vec<MarkResult>,
    pub unread: u64,
}

/// Marks notifications read or unread, with a result per id.
#[utoipa::path(post, path = "/api/v1/notifications/mark", tag = "notifications", request_body = MarkRequest,
    responses((status = 200, body = MarkView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn mark(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<MarkRequest>,
) -> Result<Json<MarkView>, ApiError> {
    let (results, unread) = uc::mark(&app, &auth.actor, &kt_http::input::texts(body.ids.clone()), body.read).await?;
    let results = body
        .ids
        .iter()
        .zip(results)
        .map(|(id, r)| MarkResult {
            id: id.clone().into(),
            result: match r {
                Marked::Done => "done",
                Marked::Unchanged => "unchanged",
                Marked::NotFound => "not_found",
            }
            .into(),
        })
        .collect();
    Ok(Json(MarkView { results, unread }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkAllView {
    /// How many were unread and are now read.
    pub changed: usize,
    pub unread: u64,
}

/// Marks all my notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/mark-all-read", tag = "notifications",
    responses((status = 200, body = MarkAllView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn mark_all_read(State(app): State<AppState>, auth: Auth) -> Result<Json<MarkAllView>, ApiError> {
    let changed = uc::mark_all_read(&app, &auth.actor).await?;
    Ok(Json(MarkAllView { changed, unread: uc::unread_count(&app, &auth.actor).await? }))
}
