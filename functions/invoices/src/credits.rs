//! Credit notes: issued against a sent invoice (their own gap-free numbers), applied to its
//! balance at once and, for what is left, to the same party's other open invoices.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::invoices::credits::{self, NoteSheet};
use kt_app::{AppError, AppState};
use kt_domain::invoice::credit::CreditNote;
use kt_domain::money::format_amount;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::extract::from_json_bytes;
use kt_http::input::{Amount, Id, LongText};
use kt_http::pagination::Paginated;
use kt_http::{ApiError, ApiQuery, Problem, idempotency};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::{BilledView, billed_views, rfc3339};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invoice_credit_notes, issue_credit_note))
        .routes(routes!(list_credit_notes))
        .routes(routes!(get_credit_note))
        .routes(routes!(apply_credit_note))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditApplicationView {
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub amount: String,
    pub at: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CreditNoteView {
    pub id: String,
    /// Its own number (`CN-2026-0007`), gap-free within the tenant.
    pub number: String,
    /// The invoice it credits.
    pub invoice_id: String,
    pub invoice_number: Option<String>,
    pub billed: BilledView,
    pub currency: String,
    pub minor_units: u32,
    pub amount: String,
    /// Where it went: the credited invoice first, then others of the same party.
    pub applied: Vec<CreditApplicationView>,
    /// Left to apply to the party's other open invoices.
    pub remaining: String,
    pub reason: String,
    pub issued_on: String,
    /// `issuer` or `billed`.
    #[schema(example = "issuer")]
    pub side: String,
    pub created_at: String,
}

fn note_view(n: &CreditNote, billed: BilledView, side: kt_app::invoices::Side) -> CreditNoteView {
    let c = n.currency;
    CreditNoteView {
        id: n.id.clone(),
        number: n.number.clone(),
        invoice_id: n.invoice.clone(),
        invoice_number: n.invoice_number.clone(),
        billed,
        currency: c.code().into(),
        minor_units: c.minor_units(),
        amount: format_amount(c, n.amount),
        applied: n
            .applied
            .iter()
            .map(|a| CreditApplicationView {
                invoice_id: a.invoice.clone(),
                invoice_number: a.invoice_number.clone(),
                amount: format_amount(c, a.amount),
                at: rfc3339(a.at),
            })
            .collect(),
        remaining: format_amount(c, n.remaining()),
        reason: n.reason.clone(),
        issued_on: n.issued_on.to_string(),
        side: match side {
            kt_app::invoices::Side::Issuer => "issuer".into(),
            kt_app::invoices::Side::Billed => "billed".into(),
        },
        created_at: rfc3339(n.created_at),
    }
}

async fn views(app: &AppState, notes: &[NoteSheet]) -> Result<Vec<CreditNoteView>, ApiError> {
    let Some(first) = notes.first() else { return Ok(Vec::new()) };
    let parties: Vec<_> = notes.iter().map(|n| &n.note.billed).collect();
    let billed = billed_views(app, &first.note.tenant, &parties).await?;
    Ok(notes.iter().zip(billed).map(|(n, b)| note_view(&n.note, b, n.side)).collect())
}

async fn one(app: &AppState, note: NoteSheet) -> Result<CreditNoteView, ApiError> {
    views(app, &[note]).await?.pop().ok_or_else(|| AppError::Internal("credit note view".into()).into())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditNoteRequest {
    /// In the invoice's currency: above 0, at most what the invoice bills and has not been
    /// credited yet.
    #[schema(example = "40.00")]
    pub amount: Amount,
    /// Why (printed on the note).
    #[schema(example = "Hosting was down for three days in March")]
    pub reason: LongText,
}

/// Issues a credit note against a sent invoice (its issuer): the note takes the tenant's next
/// credit-note number, and credits the invoice's balance at once as far as it goes; what is
/// left (the invoice was paid already) stays as the billed party's credit. A retry with the
/// same `Idempotency-Key` and body gets the note the first attempt made.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/credit-notes", tag = "invoices", request_body = CreditNoteRequest,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = CreditNoteView, description = "Issued (with `Idempotent-Replayed: true`: by an earlier request with the same key)"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft or void invoice", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn issue_credit_note(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency::key_from(&headers)?;
    // Out of sight before the body is read: a stranger learns nothing from its errors.
    let (_, side) = kt_app::invoices::load(&app, &auth.actor, &tenant, &path.1).await?;
    if side != kt_app::invoices::Side::Issuer {
        return Err(AppError::Forbidden.into());
    }
    let req: CreditNoteRequest = from_json_bytes(&body)?;
    let scope = format!("T#{}#USER#{}#CREDITNOTES", auth.actor.tenant, auth.actor.user);
    let guard = idempotency::guard(&scope, key.as_deref(), &body);
    let (note, replayed) =
        credits::issue(&app, &auth.actor, &tenant, &path.1, req.amount.as_str(), &req.reason, guard.as_ref()).await?;
    let mut res = (StatusCode::CREATED, Json(one(&app, note).await?)).into_response();
    if replayed {
        idempotency::mark_replayed(&mut res);
    }
    Ok(res)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreditNoteList {
    /// Oldest first.
    pub items: Vec<CreditNoteView>,
}

/// The credit notes issued against an invoice (whoever may see the invoice).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/credit-notes", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 200, body = CreditNoteList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_invoice_credit_notes(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<CreditNoteList>, ApiError> {
    let (inv, side) = kt_app::invoices::load(&app, &auth.actor, &tenant, &path.1).await?;
    let notes = credits::of_invoice(&app, &auth.actor, &tenant, &inv.value.id).await?;
    let sheets: Vec<NoteSheet> = notes.into_iter().map(|note| NoteSheet { note, side }).collect();
    Ok(Json(CreditNoteList { items: views(&app, &sheets).await? }))
}

/// The credit notes the caller may list here, newest first: the issuer's every note, a
/// client's organizations' and a partner's own. Staff and partner staff list none (403).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/credit-notes", tag = "invoices",
    params(("tenant_id" = String, Path), super::PartyPageParams),
    responses((status = 200, body = Paginated<CreditNoteView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_credit_notes(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<super::PartyPageParams>,
) -> Result<Json<Paginated<CreditNoteView>>, ApiError> {
    let (filter, limit, cursor) = params.parts()?;
    let (notes, next_cursor) = credits::list(&app, &auth.actor, &tenant, &filter, limit, cursor).await?;
    let issuer = kt_app::invoices::issues(&auth.actor, &tenant);
    let side = if issuer { kt_app::invoices::Side::Issuer } else { kt_app::invoices::Side::Billed };
    let sheets: Vec<NoteSheet> = notes.into_iter().map(|note| NoteSheet { note, side }).collect();
    Ok(Json(Paginated { items: views(&app, &sheets).await?, next_cursor }))
}

/// One credit note (its issuer, or its billed party).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/credit-notes/{credit_note_id}", tag = "invoices",
    params(("tenant_id" = String, Path), ("credit_note_id" = String, Path)),
    responses((status = 200, body = CreditNoteView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_credit_note(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<CreditNoteView>, ApiError> {
    let note = credits::get(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(Json(one(&app, note).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyCreditRequest {
    /// An open invoice of the same party, in the same currency.
    pub invoice_id: Id,
    /// Default: as much as fits (the note's remainder or the invoice's balance).
    #[schema(example = "25.00")]
    pub amount: Option<Amount>,
}

/// Applies what is left of a credit note to another open invoice of the same party (its
/// issuer): a `credit` entry in that invoice's ledger, which moves to Partial or Paid.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/credit-notes/{credit_note_id}/apply", tag = "invoices", request_body = ApplyCreditRequest,
    params(("tenant_id" = String, Path), ("credit_note_id" = String, Path)),
    responses((status = 200, body = CreditNoteView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn apply_credit_note(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<CreditNoteView>, ApiError> {
    let note = credits::get(&app, &auth.actor, &tenant, &path.1).await?;
    if note.side != kt_app::invoices::Side::Issuer {
        return Err(AppError::Forbidden.into());
    }
    let req: ApplyCreditRequest = from_json_bytes(&body)?;
    let note =
        credits::apply(&app, &auth.actor, &tenant, &path.1, req.invoice_id.as_str(), req.amount.as_deref()).await?;
    Ok(Json(one(&app, note).await?))
}
