//! Invoicing API (PRD 4.4): a tenant's invoices under `/tenants/{tenant_id}/invoices`: drafts
//! written and edited by the issuer, sending (the tenant's next number, gap-free), what the
//! billed party sees (a client its organizations' invoices, a partner what Kre8ivTech bills
//! it), payments recorded by hand, void; the tenant's billing settings and payment terms under
//! `/tenants/{tenant_id}/billing`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::invoices::drafts::{self, BilledRef, DraftInput};
use kt_app::invoices::{self, Filter, Sheet};
use kt_app::{AppError, AppState};
use kt_domain::identity::{OrgId, TenantId, TicketId};
use kt_domain::invoice::Status;
use kt_domain::invoice::draft::{DiscountDraft, LineDraft};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::with_etag;
use kt_http::extract::from_json_bytes;
use kt_http::input::{Amount, Id, InvoiceStatusParam, LineText, LongText, Short};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, etag, idempotency};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod actions;
mod checkout;
mod credits;
mod documents;
mod quotes;
mod recurring;
mod settings;
mod terms_body;
mod views;

pub use terms_body::TermsBody;
pub use views::{BilledView, EntryView, InvoiceSummaryView, InvoiceView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices, create_invoice))
        .routes(routes!(invoice_totals))
        .routes(routes!(get_invoice, update_invoice, delete_invoice))
        .merge(actions::router())
        .merge(checkout::router())
        .merge(credits::router())
        .merge(documents::router())
        .merge(quotes::router())
        .merge(recurring::router())
        .merge(settings::router())
}

fn today(app: &AppState) -> time::Date {
    app.clock.now().date()
}

/// The full view of a sheet, with the billed party's name.
async fn full_view(app: &AppState, sheet: &Sheet) -> Result<InvoiceView, ApiError> {
    let billed = views::billed_views(app, &sheet.invoice.tenant, &[&sheet.invoice.billed]).await?;
    let billed = billed.into_iter().next().ok_or_else(|| AppError::Internal("billed".into()))?;
    Ok(views::invoice_view(sheet, billed, today(app)))
}

async fn answer(app: &AppState, sheet: &Sheet) -> Result<Response, ApiError> {
    Ok(with_etag(sheet.version, Json(full_view(app, sheet).await?)))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BilledBody {
    /// A client organization of this tenant.
    pub org_id: Option<Id>,
    /// A partner tenant (invoices Kre8ivTech issues only).
    pub partner_id: Option<Id>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountBody {
    /// `percent` (0 to 100) or `fixed` (in the invoice's currency).
    #[schema(example = "percent")]
    pub kind: Short,
    #[schema(example = "10")]
    pub value: Amount,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    pub description: LineText,
    /// Above 0, at most 4 decimals.
    #[schema(example = "2.5")]
    pub quantity: Amount,
    /// In the invoice's currency, at most its minor units.
    #[schema(example = "80.00")]
    pub unit_price: Amount,
    pub discount: Option<DiscountBody>,
    /// Up to 3 of the tenant's tax rates.
    #[serde(default)]
    pub tax_rate_ids: Vec<Id>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInvoiceRequest {
    pub billed: BilledBody,
    /// ISO 4217; the tenant's default currency when left out.
    #[schema(example = "EUR")]
    pub currency: Option<Short>,
    pub lines: Vec<LineBody>,
    /// A discount on the whole invoice.
    pub discount: Option<DiscountBody>,
    pub notes: Option<LongText>,
    pub terms_text: Option<LongText>,
    /// Tickets of the billed organization this invoice bills work on.
    pub ticket_ids: Option<Vec<Id>>,
    /// Billable time entries of those tickets it bills (Kre8ivTech's staff; each entry on one
    /// invoice at most).
    pub time_entry_ids: Option<Vec<Id>>,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceUpdate {
    pub billed: Option<BilledBody>,
    #[schema(example = "EUR")]
    pub currency: Option<Short>,
    pub lines: Option<Vec<LineBody>>,
    /// `null` removes the invoice's discount.
    #[serde(default, deserialize_with = "kt_http::extract::double_option")]
    #[schema(value_type = Option<DiscountBody>)]
    pub discount: Option<Option<DiscountBody>>,
    pub notes: Option<LongText>,
    pub terms_text: Option<LongText>,
    pub ticket_ids: Option<Vec<Id>>,
    /// Billable time entries of those tickets it bills (Kre8ivTech's staff; each entry on one
    /// invoice at most). Left out: those of tickets it still links stay.
    pub time_entry_ids: Option<Vec<Id>>,
}

fn discount_draft(d: DiscountBody, field: &str) -> Result<DiscountDraft, AppError> {
    match d.kind.trim() {
        "percent" => Ok(DiscountDraft::Percent(d.value.into())),
        "fixed" => Ok(DiscountDraft::Fixed(d.value.into())),
        _ => Err(AppError::invalid(format!("{field}.kind"), "use percent or fixed")),
    }
}

fn billed_ref(b: BilledBody) -> Result<BilledRef, AppError> {
    match (b.org_id, b.partner_id) {
        (Some(o), None) => OrgId::try_from(o.into_inner())
            .map(BilledRef::Org)
            .map_err(|_| AppError::invalid("billed.org_id", "is not an organization id")),
        (None, Some(p)) => TenantId::try_from(p.into_inner())
            .map(BilledRef::Partner)
            .map_err(|_| AppError::invalid("billed.partner_id", "is not a partner id")),
        _ => Err(AppError::invalid("billed", "name either org_id or partner_id")),
    }
}

fn lines(ls: Vec<LineBody>) -> Result<Vec<LineDraft>, AppError> {
    ls.into_iter()
        .enumerate()
        .map(|(i, l)| {
            Ok(LineDraft {
                description: l.description.into(),
                quantity: l.quantity.into(),
                unit_price: l.unit_price.into(),
                discount: l.discount.map(|d| discount_draft(d, &format!("lines[{i}].discount"))).transpose()?,
                tax_rate_ids: l.tax_rate_ids.into_iter().map(Id::into_inner).collect(),
            })
        })
        .collect()
}

fn ticket_ids(ids: Option<Vec<Id>>) -> Result<Option<Vec<TicketId>>, AppError> {
    ids.map(|ids| {
        ids.into_iter()
            .enumerate()
            .map(|(i, id)| {
                TicketId::try_from(id.into_inner())
                    .map_err(|_| AppError::invalid(format!("ticket_ids[{i}]"), "is not a ticket id"))
            })
            .collect()
    })
    .transpose()
}

fn draft_input(u: InvoiceUpdate) -> Result<DraftInput, AppError> {
    Ok(DraftInput {
        billed: u.billed.map(billed_ref).transpose()?,
        currency: u.currency.map(Into::into),
        lines: u.lines.map(lines).transpose()?,
        discount: u.discount.map(|d| d.map(|d| discount_draft(d, "discount")).transpose()).transpose()?,
        notes: u.notes.map(Into::into),
        terms_text: u.terms_text.map(Into::into),
        tickets: ticket_ids(u.ticket_ids)?,
        time_entries: u.time_entry_ids.map(|ids| ids.into_iter().map(Id::into_inner).collect()),
    })
}

fn new_input(b: NewInvoiceRequest) -> Result<DraftInput, AppError> {
    draft_input(InvoiceUpdate {
        billed: Some(b.billed),
        currency: b.currency,
        lines: Some(b.lines),
        discount: b.discount.map(Some),
        notes: b.notes,
        terms_text: b.terms_text,
        ticket_ids: b.ticket_ids,
        time_entry_ids: b.time_entry_ids,
    })
}

/// Starts a draft invoice (super admins, staff for Kre8ivTech, partners for their own
/// clients). Its figures are computed by the rules of the domain; it has no number until sent.
/// A retry with the same `Idempotency-Key` and body gets the draft the first attempt made.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices", tag = "invoices", request_body = NewInvoiceRequest,
    params(("tenant_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses(
        (status = 201, body = InvoiceView, headers(("ETag" = String)), description = "Drafted (with `Idempotent-Replayed: true`: by an earlier request with the same key)"),
        (status = 400, description = "Unreadable body, or a malformed `Idempotency-Key`", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid (each named with its path, e.g. `lines[2].quantity`), or the key was used with another body", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = match idempotency::key_from(&headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    if !invoices::issues(&auth.actor, &tenant) {
        let e = if auth.actor.tenant == tenant.id || auth.actor.role.is_house_staff() {
            AppError::Forbidden
        } else {
            AppError::NotFound
        };
        return ApiError::from(e).into_response();
    }
    let scope = format!("T#{}#USER#{}#INVOICES", auth.actor.tenant, auth.actor.user);
    let guard = idempotency::guard(&scope, key.as_deref(), &body);
    let made = async {
        let input = new_input(from_json_bytes::<NewInvoiceRequest>(&body)?)?;
        let (sheet, replayed) = drafts::create(&app, &auth.actor, &tenant, input, guard.as_ref()).await?;
        Ok::<_, ApiError>((sheet.version, full_view(&app, &sheet).await?, replayed))
    };
    match made.await {
        Ok((version, view, replayed)) => {
            let mut res = with_etag(version, (StatusCode::CREATED, Json(view)));
            if replayed {
                idempotency::mark_replayed(&mut res);
            }
            res
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InvoiceFilterParams {
    pub status: Option<InvoiceStatusParam>,
    /// Only invoices billing this organization (clients of several organizations name one).
    pub org_id: Option<Id>,
    /// Only invoices billing this partner.
    pub partner_id: Option<Id>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<kt_http::input::Cursor>,
}

/// The query of a list of a party's documents (credit notes, recurring invoices).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PartyPageParams {
    /// Only those of this organization (clients of several organizations name one).
    pub org_id: Option<Id>,
    /// Only those of this partner.
    pub partner_id: Option<Id>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<kt_http::input::Cursor>,
}

impl PartyPageParams {
    /// The party filter, page size and cursor asked for.
    pub(crate) fn parts(&self) -> Result<(Filter, u32, Option<String>), ApiError> {
        let filter = party_filter(self.org_id.as_ref(), self.partner_id.as_ref())?;
        let page = PageParams { limit: self.limit, cursor: self.cursor.clone() };
        Ok((filter, page.limit()?, page.cursor()))
    }
}

fn parse_filter(p: &InvoiceFilterParams) -> Result<Filter, AppError> {
    let mut errors = Vec::new();
    let status = match p.status.as_deref() {
        Some(s) => match Status::ALL.into_iter().find(|x| x.as_str() == s.trim()) {
            Some(s) => Some(s),
            None => {
                errors
                    .push(kt_app::FieldError::new("status", "use draft, sent, viewed, partial, paid, overdue or void"));
                None
            }
        },
        None => None,
    };
    let party = party_filter(p.org_id.as_ref(), p.partner_id.as_ref());
    match (party, errors.is_empty()) {
        (Ok(f), true) => Ok(Filter { status, ..f }),
        (Err(AppError::Invalid(more)), _) => {
            errors.extend(more);
            Err(AppError::Invalid(errors))
        }
        (Err(e), _) => Err(e),
        (Ok(_), false) => Err(AppError::Invalid(errors)),
    }
}

/// The `org_id` / `partner_id` filter of a billing list.
pub(crate) fn party_filter(org: Option<&Id>, partner: Option<&Id>) -> Result<Filter, AppError> {
    let mut errors = Vec::new();
    let org = org.and_then(|o| match OrgId::try_from(o.as_str().to_owned()) {
        Ok(o) => Some(o),
        Err(_) => {
            errors.push(kt_app::FieldError::new("org_id", "is not an organization id"));
            None
        }
    });
    let partner = partner.and_then(|o| match TenantId::try_from(o.as_str().to_owned()) {
        Ok(o) => Some(o),
        Err(_) => {
            errors.push(kt_app::FieldError::new("partner_id", "is not a partner id"));
            None
        }
    });
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Filter { status: None, org, partner })
}

/// The invoices the caller may list here, newest first: the issuer's every invoice (super
/// admins, partners in their own tenant), a client's organizations' and a partner's own bills
/// from Kre8ivTech (never drafts). Staff and partner staff list none (403).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/invoices", tag = "invoices",
    params(("tenant_id" = String, Path), InvoiceFilterParams),
    responses((status = 200, body = Paginated<InvoiceSummaryView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_invoices(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<InvoiceFilterParams>,
) -> Result<Json<Paginated<InvoiceSummaryView>>, ApiError> {
    let filter = parse_filter(&params)?;
    let page = PageParams { limit: params.limit, cursor: params.cursor.clone() };
    let (items, next_cursor) =
        invoices::list(&app, &auth.actor, &tenant, &filter, page.limit()?, page.cursor()).await?;
    let refs: Vec<_> = items.iter().map(|i| &i.billed).collect();
    let billed = views::billed_views(&app, &tenant.id, &refs).await?;
    let today = today(&app);
    let items = items.iter().zip(billed).map(|(i, b)| views::summary_view(i, b, today)).collect();
    Ok(Json(Paginated { items, next_cursor }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusTotalView {
    #[schema(schema_with = kt_http::input::words::invoice_status)]
    pub status: String,
    pub currency: String,
    pub count: u64,
    /// The balance of open invoices; the total of drafts, paid and void ones.
    pub amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceTotalsView {
    pub totals: Vec<StatusTotalView>,
}

/// How many invoices stand in each status, and what they hold, per currency (the tenant's
/// issuers who see its lists: super admins and partners). One read of one partition.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/invoices/totals", tag = "invoices",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = InvoiceTotalsView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn invoice_totals(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<InvoiceTotalsView>, ApiError> {
    let totals = invoices::totals(&app, &auth.actor, &tenant).await?;
    Ok(Json(InvoiceTotalsView {
        totals: totals
            .into_iter()
            .map(|t| StatusTotalView {
                status: t.status.as_str().into(),
                currency: t.currency.code().into(),
                count: t.count,
                amount: kt_domain::money::format_amount(t.currency, t.balance),
            })
            .collect(),
    }))
}

/// One invoice with its lines, figures and terms. The billed party's first look marks it
/// viewed.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 200, body = InvoiceView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let sheet = invoices::open(&app, &auth.actor, &tenant, &path.1).await?;
    answer(&app, &sheet).await
}

/// Edits a draft (its issuer). A sent invoice changes only through payments, credit notes or
/// void (409).
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}", tag = "invoices", request_body = InvoiceUpdate,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = InvoiceView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InvoiceUpdate>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    // Out of sight before the body is read: a stranger learns nothing from its errors.
    invoices::load(&app, &auth.actor, &tenant, &path.1).await?;
    let input = draft_input(body)?;
    let sheet = drafts::edit(&app, &auth.actor, &tenant, &path.1, input, expected).await?;
    answer(&app, &sheet).await
}

/// Throws a draft away (its issuer); sent invoices are voided instead (409).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}", tag = "invoices",
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 204, description = "Discarded"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn delete_invoice(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let expected = etag::if_match(&headers)?;
    drafts::discard(&app, &auth.actor, &tenant, &path.1, expected).await?;
    Ok(StatusCode::NO_CONTENT)
}
