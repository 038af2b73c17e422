//! A tenant's billing settings and payment terms: `/tenants/{tenant_id}/billing/...`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::invoices::drafts::BilledRef;
use kt_app::invoices::settings::{self, SettingsChange, TaxRateInput};
use kt_app::{AppError, AppState};
use kt_domain::identity::{OrgId, TenantId};
use kt_domain::invoice::print::{AmountStyle, DateFormat, Paper};
use kt_domain::invoice::settings::BillingSettings;
use kt_domain::invoice::terms::Terms;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Amount, Id, LongText, Name, Short};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, etag};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::TermsBody;
use super::views::{TaxRateView, rate_view};
use super::with_etag;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_billing_settings, update_billing_settings))
        .routes(routes!(list_party_terms))
        .routes(routes!(put_party_terms, delete_party_terms))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingSettingsView {
    /// With `{YYYY}`, `{YY}`, `{MM}` and one `{SEQ}` or `{SEQ:n}`.
    #[schema(example = "INV-{YYYY}-{SEQ:4}")]
    pub number_format: String,
    /// What the next invoice sent today would be numbered.
    #[schema(example = "INV-2026-0043")]
    pub next_number: String,
    /// Credit notes' own numbers, in the same syntax.
    #[schema(example = "CN-{YYYY}-{SEQ:4}")]
    pub credit_note_format: String,
    #[schema(example = "CN-2026-0007")]
    pub next_credit_note_number: String,
    #[schema(example = "EUR")]
    pub currency: String,
    pub tax_rates: Vec<TaxRateView>,
    /// The tenant's default terms; absent: the platform's (Net 30).
    pub terms: Option<TermsBody>,
    /// The terms that apply when neither the tenant nor the billed party set any.
    pub platform_terms: TermsBody,
    /// The presets people pick from.
    pub presets: Vec<TermsBody>,
    /// Days relative to the due date a reminder goes out (`-3`: three days before).
    pub reminders: Vec<i16>,
    pub footer: String,
    /// The issuer's postal address printed on its documents (lines).
    pub address: String,
    /// The issuer's tax or VAT number printed on its documents.
    pub tax_id: String,
    /// How documents write dates.
    #[schema(schema_with = kt_http::input::words::date_format)]
    pub date_format: DateFormat,
    /// How documents write amounts.
    #[schema(schema_with = kt_http::input::words::amount_style)]
    pub amount_style: AmountStyle,
    /// The paper documents are laid out for.
    #[schema(schema_with = kt_http::input::words::paper)]
    pub paper: Paper,
    pub version: u64,
}

async fn view(
    app: &AppState,
    tenant: &TenantId,
    s: &BillingSettings,
    version: u64,
) -> Result<BillingSettingsView, ApiError> {
    let store = app.store.as_ref();
    let seq = kt_store::invoices::sequence(store, tenant, kt_store::invoices::Series::Invoices)
        .await
        .map_err(AppError::from)?;
    let notes = kt_store::invoices::sequence(store, tenant, kt_store::invoices::Series::CreditNotes)
        .await
        .map_err(AppError::from)?;
    let today = app.clock.now().date();
    Ok(BillingSettingsView {
        number_format: s.number_format.as_str().into(),
        next_number: s.number_format.render(today.year(), today.month().into(), seq.last + 1),
        credit_note_format: s.credit_note_format.as_str().into(),
        next_credit_note_number: s.credit_note_format.render(today.year(), today.month().into(), notes.last + 1),
        currency: s.currency.code().into(),
        tax_rates: s.tax_rates.iter().map(rate_view).collect(),
        terms: s.terms.as_ref().map(TermsBody::from_terms),
        platform_terms: TermsBody::from_terms(&Terms::platform_default()),
        presets: Terms::presets().iter().map(TermsBody::from_terms).collect(),
        reminders: s.reminders.clone(),
        footer: s.footer.clone(),
        address: s.address.clone(),
        tax_id: s.tax_id.clone(),
        date_format: s.date_format,
        amount_style: s.amount_style,
        paper: s.paper,
        version,
    })
}

/// The tenant's billing settings (its issuers; staff read them to draft).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/billing/settings", tag = "invoices",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = BillingSettingsView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_billing_settings(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let (s, version) = settings::get(&app, &auth.actor, &tenant).await?;
    Ok(with_etag(version, Json(view(&app, &tenant.id, &s, version).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxRateBody {
    /// An existing rate's id (kept); leave out to add a rate.
    pub id: Option<Id>,
    #[schema(example = "VAT")]
    pub name: Name,
    #[schema(example = "19")]
    pub percent: Amount,
    /// Prices already contain it.
    #[serde(default)]
    pub inclusive: bool,
    /// Applies on top of the line's other taxes.
    #[serde(default)]
    pub compound: bool,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingSettingsUpdate {
    #[schema(example = "INV-{YYYY}-{SEQ:4}")]
    pub number_format: Option<Short>,
    #[schema(example = "CN-{YYYY}-{SEQ:4}")]
    pub credit_note_format: Option<Short>,
    #[schema(example = "EUR")]
    pub currency: Option<Short>,
    /// The whole list: rates left out are removed (sent invoices keep theirs).
    pub tax_rates: Option<Vec<TaxRateBody>>,
    pub reminders: Option<Vec<i16>>,
    pub footer: Option<LongText>,
    /// The issuer's postal address for its documents (up to 6 lines).
    #[schema(example = "Kre8ivTech LLC\n100 Main Street\nAustin, TX 78701")]
    pub address: Option<LongText>,
    /// The issuer's tax or VAT number for its documents.
    #[schema(example = "DE123456789")]
    pub tax_id: Option<Short>,
    #[schema(schema_with = kt_http::input::words::maybe_date_format)]
    pub date_format: Option<DateFormat>,
    #[schema(schema_with = kt_http::input::words::maybe_amount_style)]
    pub amount_style: Option<AmountStyle>,
    #[schema(schema_with = kt_http::input::words::maybe_paper)]
    pub paper: Option<Paper>,
    /// The tenant's default terms (super admins); `null` returns to the platform's.
    #[serde(default, deserialize_with = "kt_http::extract::double_option")]
    #[schema(value_type = Option<TermsBody>)]
    pub terms: Option<Option<TermsBody>>,
}

/// Changes the billing settings (super admins; partners for their own tenant, but for the
/// payment terms, which super admins configure).
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/billing/settings", tag = "invoices", request_body = BillingSettingsUpdate,
    params(("tenant_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = BillingSettingsView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_billing_settings(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    headers: HeaderMap,
    ApiJson(body): ApiJson<BillingSettingsUpdate>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    // Only those who may read the settings learn what is wrong with a change.
    settings::get(&app, &auth.actor, &tenant).await?;
    let terms = match body.terms {
        Some(Some(t)) => Some(Some(t.into_terms("terms.")?)),
        Some(None) => Some(None),
        None => None,
    };
    let change = SettingsChange {
        number_format: body.number_format.map(Into::into),
        credit_note_format: body.credit_note_format.map(Into::into),
        currency: body.currency.map(Into::into),
        tax_rates: body.tax_rates.map(|rs| {
            rs.into_iter()
                .map(|r| TaxRateInput {
                    id: r.id.map(Id::into_inner),
                    name: r.name.into(),
                    percent: r.percent.into(),
                    inclusive: r.inclusive,
                    compound: r.compound,
                })
                .collect()
        }),
        reminders: body.reminders,
        footer: body.footer.map(Into::into),
        terms,
        address: body.address.map(Into::into),
        tax_id: body.tax_id.map(Into::into),
        date_format: body.date_format,
        amount_style: body.amount_style,
        paper: body.paper,
    };
    let (s, version) = settings::save(&app, &auth.actor, &tenant, change, expected).await?;
    Ok(with_etag(version, Json(view(&app, &tenant.id, &s, version).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyTermsView {
    /// `org` or `partner`.
    #[schema(example = "org")]
    pub kind: String,
    pub id: String,
    pub terms: TermsBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyTermsListView {
    pub items: Vec<PartyTermsView>,
}

/// Every billed party's own payment terms in the tenant (its issuers).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/billing/terms", tag = "invoices",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = PartyTermsListView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_party_terms(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<PartyTermsListView>, ApiError> {
    let all = settings::party_terms(&app, &auth.actor, &tenant).await?;
    let items = all
        .into_iter()
        .filter_map(|(scope, t)| {
            let (kind, id) = scope.split_once('#')?;
            let kind = if kind == "ORG" { "org" } else { "partner" };
            Some(PartyTermsView { kind: kind.into(), id: id.into(), terms: TermsBody::from_terms(&t) })
        })
        .collect();
    Ok(Json(PartyTermsListView { items }))
}

fn party(kind: &str, id: &str) -> Result<BilledRef, ApiError> {
    match kind {
        "orgs" => OrgId::try_from(id.to_owned()).map(BilledRef::Org).map_err(|_| ApiError::not_found()),
        "partners" => TenantId::try_from(id.to_owned()).map(BilledRef::Partner).map_err(|_| ApiError::not_found()),
        _ => Err(ApiError::not_found()),
    }
}

/// Sets one billed party's own payment terms (super admins): `orgs/{org_id}` or
/// `partners/{partner_id}`. They apply before the tenant's default.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/billing/terms/{party_kind}/{party_id}", tag = "invoices", request_body = TermsBody,
    params(("tenant_id" = String, Path), ("party_kind" = String, Path, description = "`orgs` or `partners`"), ("party_id" = String, Path)),
    responses((status = 204, description = "Saved"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_party_terms(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
    ApiJson(body): ApiJson<TermsBody>,
) -> Result<StatusCode, ApiError> {
    let who = party(&path.1, &path.2)?;
    settings::get(&app, &auth.actor, &tenant).await?;
    let terms = body.into_terms("")?;
    settings::set_party_terms(&app, &auth.actor, &tenant, &who, Some(terms)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes one billed party's own terms (super admins): the tenant's default applies again.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/billing/terms/{party_kind}/{party_id}", tag = "invoices",
    params(("tenant_id" = String, Path), ("party_kind" = String, Path, description = "`orgs` or `partners`"), ("party_id" = String, Path)),
    responses((status = 204, description = "Removed"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_party_terms(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let who = party(&path.1, &path.2)?;
    settings::set_party_terms(&app, &auth.actor, &tenant, &who, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
