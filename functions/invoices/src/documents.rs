//! The documents as PDF: an invoice, the receipt of one of its payments, a credit note, a quote.
//! Whoever may read the invoice (note, quote) may download it; the billed party's download
//! counts as opening the invoice.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use kt_app::AppState;
use kt_app::invoices::documents::{self, Pdf};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::{ApiError, ApiQuery, Problem};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(invoice_pdf))
        .routes(routes!(receipt_pdf))
        .routes(routes!(credit_note_pdf))
        .routes(routes!(quote_pdf))
}

/// A PDF file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the body's schema only
pub struct PdfFile(Vec<u8>);

fn download(pdf: Pdf) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", pdf.filename)),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf.bytes,
    )
        .into_response()
}

/// The invoice as a PDF in the tenant's branding (its issuer, or its billed party, whose first
/// download marks it viewed). Drafts carry a DRAFT mark and no number.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/pdf", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 200, description = "The PDF, as an attachment named by the invoice's number", content_type = "application/pdf", body = PdfFile),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn invoice_pdf(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    Ok(download(documents::invoice(&app, &auth.actor, &tenant, &path.1).await?))
}

/// The receipt of one payment of the invoice, as a PDF (`payment_id`: a payment entry of its
/// ledger; refunds and credits have none).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/payments/{payment_id}/receipt", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("payment_id" = String, Path)),
    responses((status = 200, description = "The receipt, as an attachment", content_type = "application/pdf", body = PdfFile),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn receipt_pdf(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    Ok(download(documents::receipt(&app, &auth.actor, &tenant, &path.1, &path.2).await?))
}

/// The credit note as a PDF (its issuer, or its billed party).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/credit-notes/{credit_note_id}/pdf", tag = "invoices",
    params(("tenant_id" = String, Path), ("credit_note_id" = String, Path)),
    responses((status = 200, description = "The PDF, as an attachment named by the note's number", content_type = "application/pdf", body = PdfFile),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn credit_note_pdf(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    Ok(download(documents::credit_note(&app, &auth.actor, &tenant, &path.1).await?))
}

/// The quote as a PDF in the tenant's branding: its items with the choice shown (the accepted
/// one once accepted), totals, validity, deposit terms and, once accepted, the acceptance record
/// with the SHA-256 of the accepted text.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}/pdf", tag = "quotes",
    params(("tenant_id" = String, Path), ("quote_id" = String, Path)),
    responses((status = 200, description = "The PDF, as an attachment", content_type = "application/pdf", body = PdfFile),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn quote_pdf(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    Ok(download(kt_app::quotes::document::pdf(&app, &auth.actor, &tenant, &path.1).await?))
}
