//! What forms gathered: submissions (the house every tenant's, partners their tenant's, everyone
//! their own), analytics from counters, exports to CSV and XLSX.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kt_app::AppError;
use kt_app::AppState;
use kt_app::export::Format;
use kt_app::forms::results as uc;
use kt_app::forms::stats::Analytics;
use kt_domain::forms::FieldType;
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::input::{Cursor, Short};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::fill::{SubmissionView, submission_view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_form_submissions))
        .routes(routes!(get_form_submission))
        .routes(routes!(form_analytics))
        .routes(routes!(export_form_submissions))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SubmissionPage {
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// The form's submissions you may read, newest first: super admins and staff every tenant's,
/// partners their tenant's, everyone else their own.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/submissions", tag = "forms",
    params(("form_id" = String, Path), SubmissionPage),
    responses((status = 200, body = Paginated<SubmissionView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_form_submissions(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<SubmissionPage>,
) -> Result<Json<Paginated<SubmissionView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next_cursor) = uc::list(&app, &auth.actor, &id, page.limit()?, page.cursor()).await?;
    let people = uc::submitters(&app, &items).await?;
    let view =
        |s: &kt_domain::forms::Submission| submission_view(s, people.get(&(s.tenant.clone(), s.by.clone())).cloned());
    Ok(Json(Paginated { items: items.iter().map(view).collect(), next_cursor }))
}

/// One submission, in the submitter's tenant.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/forms/{form_id}/submissions/{submission_id}", tag = "forms",
    params(("tenant_id" = String, Path), ("form_id" = String, Path), ("submission_id" = String, Path)),
    responses((status = 200, body = SubmissionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_form_submission(
    State(app): State<AppState>,
    auth: Auth,
    Path((tenant, id, sub)): Path<(String, String, String)>,
) -> Result<Json<SubmissionView>, ApiError> {
    let s = uc::get(&app, &auth.actor, &id, &tenant, &sub).await?;
    let people = uc::submitters(&app, std::slice::from_ref(&s)).await?;
    let who = people.get(&(s.tenant.clone(), s.by.clone())).cloned();
    let mut view = submission_view(&s, who);
    view.files = kt_app::forms::files::carried(&app, &s).await?.iter().map(super::files::file_view).collect();
    Ok(Json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageFiguresView {
    pub key: String,
    pub title: String,
    pub reached: i64,
    /// Reached this page and not the next (the last: did not submit).
    pub dropped: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OptionFiguresView {
    pub value: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldFiguresView {
    pub key: String,
    pub label: String,
    #[serde(rename = "type")]
    #[schema(value_type = String)]
    pub kind: FieldType,
    /// Answered it in a draft or a submission.
    pub reached: i64,
    /// Answered it and no later field.
    pub dropped: i64,
    /// Submitted with an answer.
    pub answered: i64,
    /// The numbers' average (decimal string).
    pub average: Option<String>,
    pub options: Vec<OptionFiguresView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormAnalyticsView {
    pub views: i64,
    pub starts: i64,
    pub completions: i64,
    /// Completions per start in percent, one decimal ("62.5").
    pub completion_rate: String,
    pub pages: Vec<PageFiguresView>,
    pub fields: Vec<FieldFiguresView>,
}

fn analytics_view(a: Analytics) -> FormAnalyticsView {
    FormAnalyticsView {
        views: a.views,
        starts: a.starts,
        completions: a.completions,
        completion_rate: a.completion_rate,
        pages: a
            .pages
            .into_iter()
            .map(|p| PageFiguresView { key: p.key, title: p.title, reached: p.reached, dropped: p.dropped })
            .collect(),
        fields: a
            .fields
            .into_iter()
            .map(|f| FieldFiguresView {
                key: f.key,
                label: f.label,
                kind: f.kind,
                reached: f.reached,
                dropped: f.dropped,
                answered: f.answered,
                average: f.average,
                options: f
                    .options
                    .into_iter()
                    .map(|o| OptionFiguresView { value: o.value, label: o.label, count: o.count })
                    .collect(),
            })
            .collect(),
    }
}

/// The form's figures (super admins and staff): views, starts, completions and their rate,
/// drop-off per page and field, averages and how often each option was chosen. Kept as
/// counters as things happen, so this reads the same few items however many submissions.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/analytics", tag = "forms", params(("form_id" = String, Path)),
    responses((status = 200, body = FormAnalyticsView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn form_analytics(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<FormAnalyticsView>, ApiError> {
    match uc::analytics(&app, &auth.actor, &id).await {
        Ok(a) => Ok(Json(analytics_view(a))),
        // Out of sight stays not found.
        Err(AppError::Forbidden) => {
            kt_app::forms::load(&app, &auth.actor, &id).await?;
            Err(AppError::Forbidden.into())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// `csv` (default) or `xlsx`.
    pub format: Option<Short>,
}

/// The submissions you may read as a spreadsheet (super admins and staff every tenant's,
/// partners their tenant's): newest first, at most 10,000 rows, one column per field of the
/// current version.
#[utoipa::path(get, path = "/api/v1/forms/{form_id}/export", tag = "forms", params(("form_id" = String, Path), ExportParams),
    responses((status = 200, description = "The file (Content-Disposition names it)", content_type = "text/csv"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn export_form_submissions(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let format = match q.format.as_deref() {
        None | Some("csv") => Format::Csv,
        Some("xlsx") => Format::Xlsx,
        Some(_) => {
            kt_app::forms::load(&app, &auth.actor, &id).await?;
            return Err(AppError::invalid("format", "use csv or xlsx").into());
        }
    };
    let (name, bytes) = uc::export(&app, &auth.actor, &id, format).await?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(([(header::CONTENT_TYPE, format.content_type().to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}
