//! Time entries on a ticket: internal to Kre8ivTech (staff and admins log and read them;
//! everyone else gets 404, as if there were none).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kt_app::AppState;
use kt_app::tickets::time_entries::{self, NewTimeEntry};
use kt_domain::ticket::TimeEntry;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Note, Short};
use kt_http::{ApiError, ApiJson, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{parse_ticket_id, rfc3339};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_time, log_time)).routes(routes!(delete_time))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimeEntryView {
    pub id: String,
    pub user_id: String,
    pub minutes: u32,
    /// `YYYY-MM-DD`.
    pub work_date: String,
    pub note: String,
    pub billable: bool,
    pub created_at: String,
    /// The invoice that bills it, once one does.
    pub invoice_id: Option<String>,
}

fn view(e: &TimeEntry) -> TimeEntryView {
    TimeEntryView {
        invoice_id: None,
        id: e.id.clone(),
        user_id: e.user.to_string(),
        minutes: e.minutes,
        work_date: e.work_date.to_string(),
        note: e.note.clone(),
        billable: e.billable,
        created_at: rfc3339(e.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimeSheetView {
    pub entries: Vec<TimeEntryView>,
    pub total_minutes: u64,
    pub billable_minutes: u64,
}

/// The ticket's time entries, oldest first, with totals (Kre8ivTech staff and admins).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/time-entries", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = TimeSheetView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_time(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<TimeSheetView>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let sheet = time_entries::sheet(&app, &auth.actor, &tenant, &id).await?;
    Ok(Json(TimeSheetView {
        entries: sheet
            .entries
            .iter()
            .map(|e| TimeEntryView {
                invoice_id: sheet.billed.iter().find(|(entry, _)| entry == &e.id).map(|(_, i)| i.clone()),
                ..view(e)
            })
            .collect(),
        total_minutes: sheet.total_minutes,
        billable_minutes: sheet.billable_minutes,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTimeEntryRequest {
    /// 1 to 1440.
    #[schema(example = 45)]
    pub minutes: u32,
    /// The day of the work, `YYYY-MM-DD` (default today); not in the future, at most a year back.
    #[schema(example = "2026-12-01")]
    pub work_date: Option<Short>,
    #[serde(default)]
    pub note: Note,
    #[serde(default = "yes")]
    pub billable: bool,
}

fn yes() -> bool {
    true
}

/// Logs time on the ticket (Kre8ivTech staff and admins).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/time-entries", tag = "tickets",
    request_body = NewTimeEntryRequest, params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 201, body = TimeEntryView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn log_time(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<NewTimeEntryRequest>,
) -> Result<(StatusCode, Json<TimeEntryView>), ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let work_date = body
        .work_date
        .as_deref()
        .map(|d| {
            time::Date::parse(d.trim(), time::macros::format_description!("[year]-[month]-[day]"))
                .map_err(|_| kt_app::AppError::invalid("work_date", "use YYYY-MM-DD"))
        })
        .transpose()?;
    let input = NewTimeEntry { minutes: body.minutes, work_date, note: body.note.into(), billable: body.billable };
    let entry = time_entries::log(&app, &auth.actor, &tenant, &id, input).await?;
    Ok((StatusCode::CREATED, Json(view(&entry))))
}

/// Removes a time entry (its author, or a super admin).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/time-entries/{entry_id}", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path), ("entry_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An invoice bills it", body = Problem, content_type = "application/problem+json")))]
async fn delete_time(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    time_entries::remove(&app, &auth.actor, &tenant, &id, &path.2).await?;
    Ok(StatusCode::NO_CONTENT)
}
