//! Report routes: ticket history by day (filed, resolved, service levels, ratings) and first
//! responses by how long they took, for the dashboards' charts. Dates are `YYYY-MM-DD` (UTC).

use axum::Json;
use axum::extract::State;
use kt_app::AppState;
use kt_app::tickets::reports::{self, History};
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::Short;
use kt_http::{ApiError, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(tenant_history)).routes(routes!(platform_history))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DaysParams {
    /// First day, `YYYY-MM-DD`.
    #[param(required = true, example = "2026-11-01")]
    pub from: Short,
    /// Last day, `YYYY-MM-DD` (at most 366 days after `from`).
    #[param(required = true, example = "2026-11-30")]
    pub to: Short,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayView {
    #[schema(example = "2026-11-20")]
    pub date: String,
    /// Tickets filed that day.
    pub created: i64,
    /// Tickets resolved that day (the first time each was).
    pub resolved: i64,
    /// First-response targets met / missed by the responses (or resolutions) of that day.
    pub first_met: i64,
    pub first_missed: i64,
    /// Resolution targets met / missed by that day's resolutions.
    pub resolution_met: i64,
    pub resolution_missed: i64,
    /// Satisfaction ratings given that day, and their sum (1-5 each).
    pub ratings: i64,
    pub rating_sum: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseBucketView {
    /// `15 min`, `1 h`, ..., `longer`.
    pub label: String,
    /// Upper bound in minutes; absent for the last bucket.
    pub upto_minutes: Option<i64>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketHistory {
    pub from: String,
    pub to: String,
    /// Every day of the range, oldest first, zeros included.
    pub days: Vec<DayView>,
    /// First responses given in the range by how long they took, each bucket above the one before.
    pub first_response: Vec<ResponseBucketView>,
}

fn view(h: History) -> TicketHistory {
    TicketHistory {
        from: h.from,
        to: h.to,
        days: h
            .days
            .into_iter()
            .map(|d| DayView {
                date: d.date,
                created: d.created,
                resolved: d.resolved,
                first_met: d.first_met,
                first_missed: d.first_missed,
                resolution_met: d.resolution_met,
                resolution_missed: d.resolution_missed,
                ratings: d.ratings,
                rating_sum: d.rating_sum,
            })
            .collect(),
        first_response: h
            .first_response
            .into_iter()
            .map(|b| ResponseBucketView { label: b.label, upto_minutes: b.upto_minutes, count: b.count })
            .collect(),
    }
}

/// A tenant's ticket history by day (staff, super admins, the tenant's partners).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/reports/tickets", tag = "reports",
    params(("tenant_id" = String, Path), DaysParams),
    responses((status = 200, body = TicketHistory),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn tenant_history(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(p): ApiQuery<DaysParams>,
) -> Result<Json<TicketHistory>, ApiError> {
    Ok(Json(view(reports::history(&app, &auth.actor, Some(&tenant.id), &p.from, &p.to).await?)))
}

/// Every tenant's ticket history by day (Kre8ivTech staff and super admins).
#[utoipa::path(get, path = "/api/v1/reports/tickets", tag = "reports", params(DaysParams),
    responses((status = 200, body = TicketHistory),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn platform_history(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<DaysParams>,
) -> Result<Json<TicketHistory>, ApiError> {
    Ok(Json(view(reports::history(&app, &auth.actor, None, &p.from, &p.to).await?)))
}
