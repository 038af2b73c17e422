//! Quote routes: the issuer writes a draft for an organization (and a service request), sends,
//! revises and withdraws it; the client's side reads it with the figures of a choice, and
//! accepts (its name typed, the choice, recorded with IP, user agent and a SHA-256) or declines.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::quotes::acceptance::{self, Origin};
use kt_app::quotes::{self as uc, ItemInput, QuoteInput};
use kt_app::{AppError, AppState};
use kt_domain::identity::OrgId;
use kt_domain::quote::{Choice, ItemKind, Quote, QuoteStatus};
use kt_domain::tenancy::Tenant;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath, client_ip, user_agent};
use kt_http::etag::{self, with_etag};
use kt_http::extract::from_json_bytes;
use kt_http::input::{Cursor, Id, LongText, Short};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, idempotency};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::views::{DiscountView, TaxRateView, discount_view, rate_view};
use crate::{DiscountBody, LineBody, discount_draft, lines};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_quotes, create_quote))
        .routes(routes!(get_quote, update_quote))
        .routes(routes!(send_quote))
        .routes(routes!(revise_quote))
        .routes(routes!(withdraw_quote))
        .routes(routes!(accept_quote))
        .routes(routes!(decline_quote))
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatusName {
    Draft,
    Sent,
    Accepted,
    Declined,
    Withdrawn,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteChoice {
    /// The optional items ticked (their ids).
    #[serde(default)]
    pub optional: Vec<Id>,
    /// For each package (by name), the alternative chosen.
    #[serde(default)]
    pub packages: BTreeMap<String, Id>,
}

fn choice(c: QuoteChoice) -> Choice {
    Choice {
        optional: c.optional.into_iter().map(Id::into_inner).collect(),
        packages: c.packages.into_iter().map(|(k, v)| (k, v.into_inner())).collect(),
    }
}

fn choice_view(c: &Choice) -> QuoteChoice {
    QuoteChoice {
        optional: c.optional.iter().filter_map(|x| Id::try_from(x.clone()).ok()).collect(),
        packages: c.packages.iter().filter_map(|(k, v)| Id::try_from(v.clone()).ok().map(|v| (k.clone(), v))).collect(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteItemView {
    pub id: String,
    pub description: String,
    pub quantity: String,
    pub unit_price: String,
    pub tax_rate_ids: Vec<String>,
    /// `required`, `optional` or `package`.
    pub kind: String,
    /// Optional items: ticked to begin with.
    pub default: bool,
    /// Package items: the package's name.
    pub group: Option<String>,
    /// quantity × unit price.
    pub amount: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceView {
    pub name: String,
    pub user_id: String,
    pub at: String,
    pub ip: String,
    pub user_agent: String,
    pub revision: u32,
    pub total: String,
    /// SHA-256 (hex) of the text accepted.
    pub sha256: String,
    pub choice: QuoteChoice,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteView {
    pub id: String,
    pub tenant_id: String,
    pub org_id: String,
    pub request_id: Option<String>,
    pub title: String,
    pub currency: String,
    pub items: Vec<QuoteItemView>,
    /// The rates the items name and the discount on the whole quote, to price another choice
    /// as the server does.
    pub tax_rates: Vec<TaxRateView>,
    pub quote_discount: Option<DiscountView>,
    pub notes: String,
    pub valid_until: String,
    /// Past its validity (a sent quote can no longer be accepted).
    pub expired: bool,
    pub status: QuoteStatusName,
    pub revision: u32,
    /// The choice shown first: the accepted one once accepted.
    pub choice: QuoteChoice,
    /// The totals of that choice (amounts as strings).
    pub subtotal: String,
    pub discount: String,
    pub tax: String,
    pub total: String,
    pub acceptance: Option<AcceptanceView>,
    pub decline_reason: Option<String>,
    /// With a deposit, billed as two invoices (deposit, then the balance in instalments).
    pub deposit: Option<DepositBody>,
    /// The invoice acceptance made (with a deposit: the balance's).
    pub invoice_id: Option<String>,
    /// With a deposit: the deposit's invoice, sent on acceptance.
    pub deposit_invoice_id: Option<String>,
    /// The project acceptance made.
    pub project_id: Option<String>,
    pub sent_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn view(app: &AppState, q: &Quote) -> QuoteView {
    let c = q.acceptance.as_ref().map(|a| a.choice.clone()).unwrap_or_else(|| q.default_choice());
    let totals = q.figures(&c).ok();
    let money = |d: rust_decimal::Decimal| kt_domain::money::format_amount(q.currency, d);
    let (subtotal, discount, tax, total) = totals.map_or_else(
        || ("0".into(), "0".into(), "0".into(), "0".into()),
        |t| (money(t.subtotal), money(t.discount), money(t.taxes.iter().map(|x| x.amount).sum()), money(t.total)),
    );
    QuoteView {
        id: q.id.clone(),
        tenant_id: q.tenant.to_string(),
        org_id: q.org.to_string(),
        request_id: q.request.clone(),
        title: q.title.clone(),
        currency: q.currency.code().to_owned(),
        tax_rates: q.tax_rates.iter().map(rate_view).collect(),
        quote_discount: q.discount.as_ref().map(discount_view),
        items: q
            .items
            .iter()
            .map(|i| {
                let (kind, default, group) = match &i.kind {
                    ItemKind::Required => ("required", false, None),
                    ItemKind::Optional { default } => ("optional", *default, None),
                    ItemKind::Package { group } => ("package", false, Some(group.clone())),
                };
                QuoteItemView {
                    id: i.id.clone(),
                    description: i.line.description.clone(),
                    quantity: i.line.quantity.normalize().to_string(),
                    unit_price: money(i.line.unit_price),
                    tax_rate_ids: i.line.tax_rate_ids.clone(),
                    kind: kind.into(),
                    default,
                    group,
                    amount: money(i.line.quantity * i.line.unit_price),
                }
            })
            .collect(),
        notes: q.notes.clone(),
        valid_until: q.valid_until.to_string(),
        expired: q.expired(app.clock.now().date()),
        status: match q.status {
            QuoteStatus::Draft => QuoteStatusName::Draft,
            QuoteStatus::Sent => QuoteStatusName::Sent,
            QuoteStatus::Accepted => QuoteStatusName::Accepted,
            QuoteStatus::Declined => QuoteStatusName::Declined,
            QuoteStatus::Withdrawn => QuoteStatusName::Withdrawn,
        },
        revision: q.revision,
        choice: choice_view(&c),
        subtotal,
        discount,
        tax,
        total,
        acceptance: q.acceptance.as_ref().map(|a| AcceptanceView {
            name: a.name.clone(),
            user_id: a.user.to_string(),
            at: kt_domain::timestamp(a.at),
            ip: a.ip.clone(),
            user_agent: a.user_agent.clone(),
            revision: a.revision,
            total: money(a.total),
            sha256: a.sha256.clone(),
            choice: choice_view(&a.choice),
        }),
        decline_reason: q.decline_reason.clone(),
        deposit: q.deposit.map(|d| DepositBody { percent: d.percent.to_string(), instalments: d.instalments }),
        invoice_id: q.invoice.clone(),
        deposit_invoice_id: q.deposit_invoice.clone(),
        project_id: q.project.clone(),
        sent_at: q.sent_at.map(kt_domain::timestamp),
        created_at: kt_domain::timestamp(q.created_at),
        updated_at: kt_domain::timestamp(q.updated_at),
    }
}

/// An item: a line with how it is chosen. (Unknown fields are refused by the line it flattens.)
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct QuoteItemBody {
    #[serde(flatten)]
    pub line: LineBody,
    /// `required` (default), `optional` or `package`.
    pub kind: Option<Short>,
    /// Optional items: ticked to begin with.
    pub default: Option<bool>,
    /// Package items: the package's name (its alternatives share it).
    pub group: Option<Short>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequest {
    pub org_id: Short,
    /// The service request it answers.
    pub request_id: Option<Short>,
    /// 1 to 200 characters on one line.
    pub title: Short,
    /// ISO 4217; the tenant's default when left out.
    pub currency: Option<Short>,
    pub items: Vec<QuoteItemBody>,
    pub discount: Option<DiscountBody>,
    pub notes: Option<LongText>,
    /// The last day it may be accepted (`YYYY-MM-DD`).
    #[schema(example = "2027-01-31")]
    pub valid_until: Short,
    /// Bill a deposit on acceptance and the balance in monthly instalments (null: one invoice).
    pub deposit: Option<DepositBody>,
}

/// A deposit: `percent` (1 to 90) of every chosen item invoiced and sent on acceptance; the rest
/// invoiced and sent with a plan of `instalments` (1 to 12) monthly instalments.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepositBody {
    /// 1 to 90, two decimals at most.
    #[schema(example = "30", max_length = 6)]
    pub percent: String,
    pub instalments: u8,
}

fn input(b: QuoteRequest) -> Result<QuoteInput, AppError> {
    let valid_until = time::Date::parse(&b.valid_until, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| AppError::invalid("valid_until", "use a date such as 2027-01-31"))?;
    let mut kinds = Vec::with_capacity(b.items.len());
    let mut bodies = Vec::with_capacity(b.items.len());
    for (n, i) in b.items.into_iter().enumerate() {
        let kind = match i.kind.as_deref().map(str::trim).unwrap_or("required") {
            "required" => ItemKind::Required,
            "optional" => ItemKind::Optional { default: i.default.unwrap_or(false) },
            "package" => ItemKind::Package { group: i.group.map(|g| g.trim().to_owned()).unwrap_or_default() },
            _ => return Err(AppError::invalid(format!("items[{n}].kind"), "use required, optional or package")),
        };
        kinds.push(kind);
        bodies.push(i.line);
    }
    let drafts = lines(bodies).map_err(|e| match e {
        AppError::Invalid(v) => AppError::Invalid(
            v.into_iter()
                .map(|f| kt_app::error::FieldError::new(f.field.replacen("lines", "items", 1), f.message))
                .collect(),
        ),
        other => other,
    })?;
    Ok(QuoteInput {
        org: OrgId::try_from(b.org_id.to_string())
            .map_err(|_| AppError::invalid("org_id", "is not an organization id"))?,
        request: b.request_id.map(|r| r.to_string()),
        title: b.title.to_string(),
        currency: b.currency.map(|c| c.to_string()),
        items: drafts.into_iter().zip(kinds).map(|(line, kind)| ItemInput { line, kind }).collect(),
        discount: b.discount.map(|d| discount_draft(d, "discount")).transpose()?,
        notes: b.notes.map(|n| n.to_string()).unwrap_or_default(),
        valid_until,
        deposit: b.deposit.map(|d| (d.percent, d.instalments)),
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuotePage {
    /// One organization's (clients: theirs; default their first).
    pub org_id: Option<Short>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// The tenant's quotes you may see, newest first: the issuer's all, a client's their
/// organization's (drafts left out).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/quotes", tag = "quotes", params(("tenant_id" = String, Path), QuotePage),
    responses((status = 200, body = Paginated<QuoteView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_quotes(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<QuotePage>,
) -> Result<Json<Paginated<QuoteView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let org = q
        .org_id
        .map(|o| OrgId::try_from(o.to_string()).map_err(|_| AppError::invalid("org_id", "is not an organization id")))
        .transpose()?;
    let (items, next_cursor) = uc::list(&app, &auth.actor, &tenant, org, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(|q| view(&app, &q.value)).collect(), next_cursor }))
}

/// Starts a draft quote (those who issue the tenant's invoices). A retry with the same
/// `Idempotency-Key` and body gets the first.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/quotes", tag = "quotes", request_body = QuoteRequest,
    params(("tenant_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = QuoteView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let made = async {
        // Another tenant's portal is not acknowledged, whatever the body.
        kt_app::identity::tenancy::in_reach(&auth.actor, &tenant)?;
        let key = idempotency::key_from(&headers)?;
        let scope = format!("T#{}#USER#{}#QUOTES", auth.actor.tenant, auth.actor.user);
        let guard = idempotency::guard(&scope, key.as_deref(), &body);
        let req = input(from_json_bytes::<QuoteRequest>(&body)?)?;
        Ok::<_, ApiError>(uc::create(&app, &auth.actor, &tenant, req, guard.as_ref()).await?)
    };
    match made.await {
        Ok((q, replayed)) => {
            let mut res = with_etag(q.version, (StatusCode::CREATED, Json(view(&app, &q.value))));
            if replayed {
                idempotency::mark_replayed(&mut res);
            }
            res
        }
        Err(e) => e.into_response(),
    }
}

/// One quote with the figures of its default (or accepted) choice.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}", tag = "quotes",
    params(("tenant_id" = String, Path), ("quote_id" = String, Path)),
    responses((status = 200, body = QuoteView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let q = uc::get(&app, &auth.actor, &tenant, &id).await?;
    Ok(with_etag(q.version, Json(view(&app, &q.value))))
}

/// Changes a draft (the issuer), under `If-Match`.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}", tag = "quotes", request_body = QuoteRequest,
    params(("tenant_id" = String, Path), ("quote_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = QuoteView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    // A quote out of sight is not found, whatever the body.
    uc::get(&app, &auth.actor, &tenant, &id).await?;
    let expected = etag::if_match(&headers)?;
    let body = from_json_bytes::<QuoteRequest>(&body)?;
    let q = uc::edit(&app, &auth.actor, &tenant, &id, input(body)?, expected).await?;
    Ok(with_etag(q.version, Json(view(&app, &q.value))))
}

async fn step(
    app: &AppState,
    auth: &Auth,
    tenant: &Tenant,
    id: &str,
    headers: &HeaderMap,
    which: &str,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(headers)?;
    let q = match which {
        "send" => uc::send(app, &auth.actor, tenant, id, expected).await?,
        "revise" => uc::revise(app, &auth.actor, tenant, id, expected).await?,
        _ => uc::withdraw(app, &auth.actor, tenant, id, expected).await?,
    };
    Ok(with_etag(q.version, Json(view(app, &q.value))))
}

/// Sends a draft to the client (its service request becomes quoted).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}/send", tag = "quotes",
    params(("tenant_id" = String, Path), ("quote_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = QuoteView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Its validity has passed", body = Problem, content_type = "application/problem+json")))]
async fn send_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    step(&app, &auth, &tenant, &id, &headers, "send").await
}

/// Opens a new revision of a sent quote as a draft (the sent one kept).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}/revise", tag = "quotes",
    params(("tenant_id" = String, Path), ("quote_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = QuoteView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn revise_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    step(&app, &auth, &tenant, &id, &headers, "revise").await
}

/// Takes a draft or sent quote back.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}/withdraw", tag = "quotes",
    params(("tenant_id" = String, Path), ("quote_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = QuoteView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn withdraw_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    step(&app, &auth, &tenant, &id, &headers, "withdraw").await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptQuote {
    /// Your full name, typed as your signature.
    pub name: Short,
    pub choice: QuoteChoice,
}

/// Accepts a sent quote that is still valid with a choice of its optional items and packages:
/// records your name, the time, your IP and browser and the SHA-256 of what you accepted; the
/// service request becomes approved and an invoice draft of the chosen items is made.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}/accept", tag = "quotes", request_body = AcceptQuote,
    params(("tenant_id" = String, Path), ("quote_id" = String, Path)),
    responses((status = 200, body = QuoteView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not sent, or expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn accept_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<QuoteView>, ApiError> {
    // A quote out of sight is not found, whatever the body.
    uc::get(&app, &auth.actor, &tenant, &id).await?;
    let body = from_json_bytes::<AcceptQuote>(&body)?;
    let origin =
        Origin { ip: client_ip(&headers).unwrap_or_default(), user_agent: user_agent(&headers).unwrap_or_default() };
    let q = acceptance::accept(&app, &auth.actor, &tenant, &id, &body.name, choice(body.choice), origin).await?;
    Ok(Json(view(&app, &q.value)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineQuote {
    pub reason: Option<LongText>,
}

/// Declines a sent quote (the service request becomes declined).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/quotes/{quote_id}/decline", tag = "quotes", request_body = DeclineQuote,
    params(("tenant_id" = String, Path), ("quote_id" = String, Path)),
    responses((status = 200, body = QuoteView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn decline_quote(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<DeclineQuote>,
) -> Result<Json<QuoteView>, ApiError> {
    let q = acceptance::decline(&app, &auth.actor, &tenant, &id, body.reason.map(|r| r.to_string())).await?;
    Ok(Json(view(&app, &q.value)))
}
