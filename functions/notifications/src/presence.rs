//! Presence (PRD 4.8): my status (automatic, away, do not disturb, invisible) and the statuses
//! of the people I may message. Sockets keep it current with `{"type":"presence"}` messages.

use axum::Json;
use axum::extract::State;
use kt_app::AppState;
use kt_app::messaging::presence as uc;
use kt_domain::presence::{Choice, Status};
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{LongText, Short};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_mine, set_mine)).routes(routes!(list_presence))
}

fn status_schema() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(["online", "away", "do_not_disturb", "offline"])
}

fn choice_schema() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(Choice::ALL.map(Choice::as_str))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyPresenceView {
    /// What I chose: `automatic`, `away`, `do_not_disturb` or `invisible`.
    #[schema(schema_with = choice_schema)]
    pub choice: String,
    /// What others see now.
    #[schema(schema_with = status_schema)]
    pub status: String,
}

fn mine_view((choice, status): (Choice, Status)) -> MyPresenceView {
    MyPresenceView { choice: choice.as_str().into(), status: status.as_str().into() }
}

/// My presence.
#[utoipa::path(get, path = "/api/v1/notifications/presence", tag = "messaging",
    responses((status = 200, body = MyPresenceView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn get_mine(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<MyPresenceView>, ApiError> {
    Ok(Json(mine_view(uc::mine(&app, &auth.actor).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceChoice {
    #[schema(schema_with = choice_schema)]
    pub status: Short,
}

/// Sets my presence by hand (`automatic` derives it from open pages and activity again).
#[utoipa::path(put, path = "/api/v1/notifications/presence", tag = "messaging", request_body = PresenceChoice,
    responses((status = 200, body = MyPresenceView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn set_mine(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PresenceChoice>,
) -> Result<Json<MyPresenceView>, ApiError> {
    Ok(Json(mine_view(uc::choose(&app, &auth.actor, &body.status).await?)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PresenceQuery {
    /// Comma-separated user ids, 1 to 100.
    pub users: LongText,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceView {
    pub user_id: String,
    #[schema(schema_with = status_schema)]
    pub status: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PresenceList {
    /// The people named that I may message (others are left out).
    pub people: Vec<PresenceView>,
}

/// The presence of people I may message.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/presence", tag = "messaging",
    params(("tenant_id" = String, Path), PresenceQuery),
    responses((status = 200, body = PresenceList), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_presence(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<PresenceQuery>,
) -> Result<Json<PresenceList>, ApiError> {
    let people = uc::of(&app, &auth.actor, &tenant, &q.users).await?;
    Ok(Json(PresenceList {
        people: people
            .into_iter()
            .map(|(u, s)| PresenceView { user_id: u.to_string(), status: s.as_str().into() })
            .collect(),
    }))
}
