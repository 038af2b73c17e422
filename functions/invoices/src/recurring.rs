//! Recurring invoices under `/tenants/{tenant_id}/recurring-invoices` (super admins and
//! partners, for their tenant's parties): a template, a frequency, a start and an optional end;
//! the sweep generates each period's invoice once. And the tenant's recurring revenue.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::invoices::recurring::{self, ScheduleInput};
use kt_app::{AppError, AppState};
use kt_domain::invoice::draft;
use kt_domain::invoice::recurring::{Frequency, Recurring};
use kt_domain::money::format_amount;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::extract::from_json_bytes;
use kt_http::input::{LongText, Short};
use kt_http::pagination::Paginated;
use kt_http::{ApiError, ApiQuery, Problem, etag, idempotency};
use kt_store::entity::Versioned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{BilledView, DiscountView, LineView, billed_views, line_views, rfc3339};
use super::{BilledBody, DiscountBody, InvoiceUpdate, LineBody, draft_input, with_etag};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_recurring_invoices, create_recurring_invoice))
        .routes(routes!(get_recurring_invoice, update_recurring_invoice, delete_recurring_invoice))
        .routes(routes!(recurring_revenue))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecurringView {
    pub id: String,
    pub billed: BilledView,
    pub currency: String,
    pub minor_units: u32,
    pub lines: Vec<LineView>,
    pub discount: Option<DiscountView>,
    /// One period's total.
    pub total: String,
    pub notes: String,
    pub terms_text: String,
    /// `weekly`, `monthly`, `quarterly` or `yearly`.
    #[schema(example = "monthly")]
    pub frequency: String,
    pub start_on: String,
    pub end_on: Option<String>,
    /// The day of the next invoice; absent once the schedule has ended.
    pub next_on: Option<String>,
    /// Invoices generated so far.
    pub generated: u32,
    pub last_invoice_id: Option<String>,
    /// Sent at once as generated (else left as drafts to review).
    pub auto_send: bool,
    /// Each sent invoice is charged to the party's saved card.
    pub auto_charge: bool,
    /// Paused schedules generate nothing.
    pub active: bool,
    /// What it bills per month while active.
    pub monthly: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: u64,
}

fn view(r: &Versioned<Recurring>, billed: BilledView) -> RecurringView {
    let s = &r.value;
    let c = s.currency;
    let figures = draft::figures(c, &s.lines, s.discount, &s.tax_rates);
    let probe = recurring::template_invoice(s);
    RecurringView {
        id: s.id.clone(),
        billed,
        currency: c.code().into(),
        minor_units: c.minor_units(),
        lines: line_views(&probe, &figures),
        discount: s.discount.as_ref().map(super::views::discount_view),
        total: format_amount(c, s.total),
        notes: s.notes.clone(),
        terms_text: s.terms_text.clone(),
        frequency: s.frequency.as_str().into(),
        start_on: s.start_on.to_string(),
        end_on: s.end_on.map(|d| d.to_string()),
        next_on: s.next_on().map(|d| d.to_string()),
        generated: s.next,
        last_invoice_id: s.last_invoice.clone(),
        auto_send: s.auto_send,
        auto_charge: s.auto_charge,
        active: s.active,
        monthly: format_amount(c, c.round(s.frequency.per_month(s.total))),
        created_at: rfc3339(s.created_at),
        updated_at: rfc3339(s.updated_at),
        version: r.version,
    }
}

async fn views(app: &AppState, items: &[Versioned<Recurring>]) -> Result<Vec<RecurringView>, ApiError> {
    let Some(first) = items.first() else { return Ok(Vec::new()) };
    let parties: Vec<_> = items.iter().map(|r| &r.value.billed).collect();
    let billed = billed_views(app, &first.value.tenant, &parties).await?;
    Ok(items.iter().zip(billed).map(|(r, b)| view(r, b)).collect())
}

async fn answer(app: &AppState, r: Versioned<Recurring>, status: StatusCode) -> Result<Response, ApiError> {
    let version = r.version;
    let v = views(app, &[r]).await?.pop().ok_or_else(|| AppError::Internal("schedule view".into()))?;
    Ok(with_etag(version, (status, Json(v))))
}

fn frequency(f: Option<Short>) -> Result<Option<Frequency>, AppError> {
    f.map(|f| {
        Frequency::parse(f.trim())
            .ok_or_else(|| AppError::invalid("frequency", "use weekly, monthly, quarterly or yearly"))
    })
    .transpose()
}

fn day(field: &str, d: Option<Short>) -> Result<Option<time::Date>, AppError> {
    d.map(|d| {
        time::Date::parse(d.trim(), time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| AppError::invalid(field, "use YYYY-MM-DD"))
    })
    .transpose()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecurringRequest {
    pub billed: BilledBody,
    /// ISO 4217; the tenant's default currency when left out.
    pub currency: Option<Short>,
    pub lines: Vec<LineBody>,
    pub discount: Option<DiscountBody>,
    pub notes: Option<LongText>,
    pub terms_text: Option<LongText>,
    /// `weekly`, `monthly`, `quarterly` or `yearly`.
    #[schema(example = "monthly")]
    pub frequency: Short,
    /// The day of the first invoice (`YYYY-MM-DD`; at most a year back: missed periods are
    /// generated at once).
    #[schema(example = "2027-01-01")]
    pub start_on: Short,
    /// The last day an invoice may fall on.
    pub end_on: Option<Short>,
    /// Send each invoice as generated (default: leave it as a draft to review).
    #[serde(default)]
    pub auto_send: bool,
    /// Charge the billed party's saved card for each invoice sent (needs `auto_send`).
    #[serde(default)]
    pub auto_charge: bool,
}

/// Starts a recurring invoice (super admins, partners for their own clients). A retry with
/// the same `Idempotency-Key` and body gets the schedule the first attempt made.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/recurring-invoices", tag = "invoices", request_body = NewRecurringRequest,
    params(("tenant_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = RecurringView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_recurring_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency::key_from(&headers)?;
    // Who may not start schedules learns nothing from the body's errors.
    recurring::issuer_only(&auth.actor, &tenant)?;
    let req: NewRecurringRequest = from_json_bytes(&body)?;
    let template = draft_input(InvoiceUpdate {
        billed: Some(req.billed),
        currency: req.currency,
        lines: Some(req.lines),
        discount: req.discount.map(Some),
        notes: req.notes,
        terms_text: req.terms_text,
        ticket_ids: None,
        time_entry_ids: None,
    })?;
    let input = ScheduleInput {
        template,
        frequency: frequency(Some(req.frequency))?,
        start_on: day("start_on", Some(req.start_on))?,
        end_on: Some(day("end_on", req.end_on)?),
        auto_send: Some(req.auto_send),
        auto_charge: Some(req.auto_charge),
        active: Some(true),
    };
    let scope = format!("T#{}#USER#{}#RECURRING", auth.actor.tenant, auth.actor.user);
    let guard = idempotency::guard(&scope, key.as_deref(), &body);
    let (r, replayed) = recurring::create(&app, &auth.actor, &tenant, input, guard.as_ref()).await?;
    let mut res = answer(&app, r, StatusCode::CREATED).await?;
    if replayed {
        idempotency::mark_replayed(&mut res);
    }
    Ok(res)
}

/// The tenant's recurring invoices, newest first (super admins, partners in their own tenant).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/recurring-invoices", tag = "invoices",
    params(("tenant_id" = String, Path), super::PartyPageParams),
    responses((status = 200, body = Paginated<RecurringView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_recurring_invoices(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<super::PartyPageParams>,
) -> Result<Json<Paginated<RecurringView>>, ApiError> {
    let (filter, limit, cursor) = params.parts()?;
    let (items, next_cursor) = recurring::list(&app, &auth.actor, &tenant, &filter, limit, cursor).await?;
    Ok(Json(Paginated { items: views(&app, &items).await?, next_cursor }))
}

/// One recurring invoice.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/recurring-invoices/{recurring_id}", tag = "invoices",
    params(("tenant_id" = String, Path), ("recurring_id" = String, Path)),
    responses((status = 200, body = RecurringView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_recurring_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let r = recurring::get(&app, &auth.actor, &tenant, &path.1).await?;
    answer(&app, r, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecurringUpdate {
    pub billed: Option<BilledBody>,
    pub currency: Option<Short>,
    pub lines: Option<Vec<LineBody>>,
    /// `null` removes the discount.
    #[serde(default, deserialize_with = "kt_http::extract::double_option")]
    #[schema(value_type = Option<DiscountBody>)]
    pub discount: Option<Option<DiscountBody>>,
    pub notes: Option<LongText>,
    pub terms_text: Option<LongText>,
    /// Fixed once an invoice was generated.
    pub frequency: Option<Short>,
    /// Fixed once an invoice was generated.
    pub start_on: Option<Short>,
    /// `null` removes the end.
    #[serde(default, deserialize_with = "kt_http::extract::double_option")]
    #[schema(value_type = Option<Short>)]
    pub end_on: Option<Option<Short>>,
    pub auto_send: Option<bool>,
    pub auto_charge: Option<bool>,
    /// `false` pauses it; `true` resumes it from the first period on or after today.
    pub active: Option<bool>,
}

/// Changes a recurring invoice under `If-Match` (invoices generated before stay as they are).
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/recurring-invoices/{recurring_id}", tag = "invoices", request_body = RecurringUpdate,
    params(("tenant_id" = String, Path), ("recurring_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = RecurringView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_recurring_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    recurring::get(&app, &auth.actor, &tenant, &path.1).await?;
    let req: RecurringUpdate = from_json_bytes(&body)?;
    let template = draft_input(InvoiceUpdate {
        billed: req.billed,
        currency: req.currency,
        lines: req.lines,
        discount: req.discount,
        notes: req.notes,
        terms_text: req.terms_text,
        ticket_ids: None,
        time_entry_ids: None,
    })?;
    let input = ScheduleInput {
        template,
        frequency: frequency(req.frequency)?,
        start_on: day("start_on", req.start_on)?,
        end_on: req.end_on.map(|e| day("end_on", e)).transpose()?,
        auto_send: req.auto_send,
        auto_charge: req.auto_charge,
        active: req.active,
    };
    let r = recurring::edit(&app, &auth.actor, &tenant, &path.1, input, expected).await?;
    answer(&app, r, StatusCode::OK).await
}

/// Ends a recurring invoice for good (the invoices it generated stay).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/recurring-invoices/{recurring_id}", tag = "invoices",
    params(("tenant_id" = String, Path), ("recurring_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 204, description = "Ended"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn delete_recurring_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<StatusCode, ApiError> {
    let expected = etag::if_match(&headers)?;
    recurring::delete(&app, &auth.actor, &tenant, &path.1, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevenueView {
    pub currency: String,
    /// Active recurring invoices in this currency.
    pub schedules: u64,
    /// Monthly recurring revenue (a twelfth of ARR).
    #[schema(example = "1250.00")]
    pub mrr: String,
    /// Annual run rate of the active schedules.
    #[schema(example = "15000.00")]
    pub arr: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevenueList {
    pub items: Vec<RevenueView>,
}

/// The tenant's recurring revenue per currency: MRR and ARR of its active recurring invoices
/// (super admins, partners in their own tenant).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/billing/revenue", tag = "invoices",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = RevenueList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn recurring_revenue(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<RevenueList>, ApiError> {
    recurring::issuer_only(&auth.actor, &tenant)?;
    let items = recurring::revenue(&app, &tenant.id)
        .await?
        .into_iter()
        .map(|r| RevenueView {
            currency: r.currency.code().into(),
            schedules: r.schedules,
            mrr: format_amount(r.currency, r.mrr),
            arr: format_amount(r.currency, r.arr),
        })
        .collect();
    Ok(Json(RevenueList { items }))
}
