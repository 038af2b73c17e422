//! What happens to an invoice once written: sending, voiding, payments recorded by hand, its
//! ledger and payment plans.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::invoices::issuing;
use kt_app::invoices::payments::{self, ManualPayment};
use kt_app::{AppError, AppState};
use kt_domain::invoice::ledger::Method;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Amount, LongText, Short};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, etag};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{EntryView, entry_view};
use super::{InvoiceView, answer, full_view, with_etag};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(send_invoice))
        .routes(routes!(void_invoice))
        .routes(routes!(list_payments, record_payment))
        .routes(routes!(set_payment_plan, remove_payment_plan))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstalmentBody {
    /// `YYYY-MM-DD`, from today, each after the one before.
    #[schema(example = "2027-01-15")]
    pub due_on: Short,
    #[schema(example = "500.00")]
    pub amount: Amount,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// 2 to 36 instalments adding up to the balance.
    pub instalments: Vec<InstalmentBody>,
}

/// Splits a sent invoice's balance into instalments (its issuer), replacing any plan it had:
/// the billed party is reminded of each on its day, and the invoice is overdue once one passes
/// unpaid. Its due date becomes the last instalment's.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/plan", tag = "invoices", request_body = PlanRequest,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = InvoiceView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft, paid or void invoice", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (e.g. `instalments[1].due_on`), or they do not add up to the balance", body = Problem, content_type = "application/problem+json")))]
async fn set_payment_plan(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let (_, side) = kt_app::invoices::load(&app, &auth.actor, &tenant, &path.1).await?;
    if side != kt_app::invoices::Side::Issuer {
        return Err(AppError::Forbidden.into());
    }
    let req: PlanRequest = kt_http::extract::from_json_bytes(&body)?;
    let mut errors = Vec::new();
    let mut items = Vec::with_capacity(req.instalments.len());
    for (i, x) in req.instalments.into_iter().enumerate() {
        match time::Date::parse(x.due_on.trim(), time::macros::format_description!("[year]-[month]-[day]")) {
            Ok(d) => items.push((d, String::from(x.amount))),
            Err(_) => errors.push(kt_app::FieldError::new(format!("instalments[{i}].due_on"), "use YYYY-MM-DD")),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors).into());
    }
    let sheet = kt_app::invoices::plans::set(&app, &auth.actor, &tenant, &path.1, items, expected).await?;
    answer(&app, &sheet).await
}

/// Takes a payment plan away (its issuer): the invoice is due on the day its terms gave it.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/plan", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = InvoiceView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No plan, or a paid or void invoice", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn remove_payment_plan(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let sheet = kt_app::invoices::plans::clear(&app, &auth.actor, &tenant, &path.1, expected).await?;
    answer(&app, &sheet).await
}

/// Sends a draft: it takes the tenant's next number (gap-free, however many are sent at
/// once), the payment terms that apply to the billed party and its due date; the billed
/// party is told.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/send", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = InvoiceView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sent already", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn send_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let sheet = issuing::send(&app, &auth.actor, &tenant, &path.1, expected).await?;
    answer(&app, &sheet).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidRequest {
    /// Why (kept with the invoice).
    #[schema(example = "Billed twice by mistake")]
    pub reason: LongText,
}

/// Voids a sent invoice nothing was paid on (its number stays taken, shown as void).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/void", tag = "invoices", request_body = VoidRequest,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = InvoiceView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft, paid, or with money received", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn void_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<VoidRequest>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let sheet = issuing::void(&app, &auth.actor, &tenant, &path.1, &body.reason, expected).await?;
    answer(&app, &sheet).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerView {
    /// Oldest first.
    pub items: Vec<EntryView>,
}

/// The invoice's payments, refunds and credits, oldest first (whoever may see the invoice).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/payments", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 200, body = LedgerView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_payments(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<LedgerView>, ApiError> {
    let (currency, entries) = payments::ledger(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(Json(LedgerView { items: entries.iter().map(|e| entry_view(currency, e)).collect() }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// In the invoice's currency, above 0 and at most the balance.
    #[schema(example = "250.00")]
    pub amount: Amount,
    /// `ach`, `bank_transfer`, `cheque`, `paypal`, `cash` or `other` (cards pay through the
    /// payment provider).
    #[schema(schema_with = kt_http::input::words::payment_method, example = "bank_transfer")]
    pub method: Short,
    /// The day it arrived (`YYYY-MM-DD`, default today): not in the future, at most a year back.
    #[schema(example = "2026-12-01")]
    pub received_on: Option<Short>,
    /// The payer's reference or a cheque number.
    #[serde(default)]
    pub reference: Short,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentRecordedView {
    pub entry: EntryView,
    pub invoice: InvoiceView,
}

/// Records a payment received outside the portal (the invoice's issuer). The invoice moves to
/// Partial or Paid with it; paid within the early-payment window, the discount is honoured.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/payments", tag = "invoices", request_body = PaymentRequest,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 201, body = PaymentRecordedView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft, paid or void invoice", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The invoice changed meanwhile; read it again", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn record_payment(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<PaymentRequest>,
) -> Result<Response, ApiError> {
    // Out of sight before the body is read: a stranger learns nothing from its errors.
    kt_app::invoices::load(&app, &auth.actor, &tenant, &path.1).await?;
    let mut errors = Vec::new();
    let method = Method::ALL.into_iter().find(|m| m.as_str() == body.method.trim());
    if method.is_none() {
        errors.push(kt_app::FieldError::new("method", "use ach, bank_transfer, cheque, paypal, cash or other"));
    }
    let received_on = match body.received_on.as_deref() {
        Some(d) => match time::Date::parse(d.trim(), time::macros::format_description!("[year]-[month]-[day]")) {
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(kt_app::FieldError::new("received_on", "use YYYY-MM-DD"));
                None
            }
        },
        None => None,
    };
    let Some(method) = method.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors).into());
    };
    let input = ManualPayment { amount: body.amount.into(), method, received_on, reference: body.reference.into() };
    let (sheet, entry) = payments::record(&app, &auth.actor, &tenant, &path.1, input).await?;
    let view = PaymentRecordedView {
        entry: entry_view(sheet.invoice.currency, &entry),
        invoice: full_view(&app, &sheet).await?,
    };
    Ok(with_etag(sheet.version, (StatusCode::CREATED, Json(view))).into_response())
}
