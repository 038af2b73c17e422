//! Paying online: the tenant's payment-provider connection, the billed party's checkout, the
//! local stand-in's card form, refunds, and the provider's webhook.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::AppState;
use kt_app::invoices::checkout::{self, ConnectionInfo};
use kt_app::invoices::webhooks::{self, Received};
use kt_domain::identity::TenantId;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Amount, Code, Id, Token};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::views::rfc3339;
use super::{InvoiceView, answer};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_stripe, connect_stripe, disconnect_stripe))
        .routes(routes!(start_checkout))
        .routes(routes!(confirm_local))
        .routes(routes!(refund_payment))
        .routes(routes!(stripe_webhook))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StripeConnectionView {
    pub connected: bool,
    /// `stripe`, or `local` (the stand-in of a portal run without a Stripe account).
    pub provider: Option<String>,
    pub publishable_key: Option<String>,
    /// Live keys rather than test keys.
    pub live: bool,
    /// USD invoices may also be paid by US bank account (ACH) debit.
    pub bank_debits: bool,
    pub connected_at: Option<String>,
    /// Where Stripe sends this portal's events (set it up in Stripe's dashboard with
    /// `payment_intent.succeeded`, `payment_intent.payment_failed` and `charge.refunded`).
    pub webhook_path: String,
}

fn connection_view(tenant: &TenantId, c: Option<ConnectionInfo>) -> StripeConnectionView {
    StripeConnectionView {
        connected: c.is_some(),
        live: c.as_ref().is_some_and(|c| c.live),
        bank_debits: c.as_ref().is_some_and(|c| c.bank_debits),
        provider: c.as_ref().map(|c| c.provider.clone()),
        publishable_key: c.as_ref().map(|c| c.publishable_key.clone()),
        connected_at: c.as_ref().map(|c| rfc3339(c.connected_at)),
        webhook_path: format!("/api/v1/webhooks/stripe/{tenant}"),
    }
}

/// The tenant's Stripe connection (super admins; partners for their own), never its secrets.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/billing/stripe", tag = "invoices",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = StripeConnectionView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_stripe(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<StripeConnectionView>, ApiError> {
    let c = checkout::connection(&app, &auth.actor, &tenant).await?;
    Ok(Json(connection_view(&tenant.id, c)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StripeKeysRequest {
    /// `sk_live_…` or `sk_test_…` (a restricted key `rk_…` works too). Stored sealed.
    pub secret_key: Token,
    /// The webhook endpoint's signing secret, `whsec_…`. Stored sealed.
    pub webhook_secret: Token,
    /// `pk_live_…` or `pk_test_…`, the same mode as the secret key.
    pub publishable_key: Token,
    /// Also take US bank account (ACH) debits on USD invoices (turn the payment method on in
    /// Stripe's dashboard first). Default: cards only.
    #[serde(default)]
    pub bank_debits: bool,
}

/// Connects the tenant's own Stripe account: its clients' payments go there.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/billing/stripe", tag = "invoices", request_body = StripeKeysRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = StripeConnectionView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn connect_stripe(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<StripeKeysRequest>,
) -> Result<Json<StripeConnectionView>, ApiError> {
    let keys = checkout::StripeKeys {
        secret_key: &body.secret_key,
        webhook_secret: &body.webhook_secret,
        publishable_key: &body.publishable_key,
        bank_debits: body.bank_debits,
    };
    let c = checkout::connect(&app, &auth.actor, &tenant, keys).await?;
    Ok(Json(connection_view(&tenant.id, Some(c))))
}

/// Disconnects the tenant's payment provider (its invoices are then paid offline only).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/billing/stripe", tag = "invoices",
    params(("tenant_id" = String, Path)),
    responses((status = 204, description = "Disconnected"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn disconnect_stripe(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
) -> Result<StatusCode, ApiError> {
    checkout::disconnect(&app, &auth.actor, &tenant).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    /// Part of the balance; default: what is due now (the balance, less the early-payment
    /// discount while it holds).
    pub amount: Option<Amount>,
    /// Keep the card for automatic payments (recurring invoices set to charge it).
    #[serde(default)]
    pub save_card: bool,
    /// `card` (default), or `ach`: a US bank account debit (USD invoices of portals that take
    /// them; it clears in a few days, and no other payment starts meanwhile).
    pub method: Option<PayMethod>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    Card,
    Ach,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckoutView {
    /// `stripe`: confirm with Stripe's Payment Element; `local`: with the local card form.
    pub provider: String,
    pub publishable_key: String,
    pub intent_id: String,
    /// For the payment form only; not stored.
    pub client_secret: String,
    pub amount: String,
    pub currency: String,
    /// `card` or `ach`: what this payment is made with.
    pub method: String,
    /// The ways this invoice may be paid online.
    pub methods: Vec<String>,
}

/// Starts paying an invoice (its billed party): a PaymentIntent on the issuing tenant's own
/// account, reused while unpaid.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout", tag = "invoices", request_body = CheckoutRequest,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 201, body = CheckoutView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open, or the portal takes no online payments", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn start_checkout(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<CheckoutRequest>,
) -> Result<(StatusCode, Json<CheckoutView>), ApiError> {
    let with = match body.method {
        Some(PayMethod::Ach) => checkout::PayWith::Ach,
        _ => checkout::PayWith::Card,
    };
    let s = checkout::start(&app, &auth.actor, &tenant, &path.1, body.amount.as_deref(), body.save_card, with).await?;
    let inv = kt_store::invoices::get(app.store.as_ref(), &tenant.id, &path.1).await.map_err(kt_app::AppError::from)?;
    let currency = inv.map(|i| i.value.currency).unwrap_or(kt_domain::money::Currency::USD);
    Ok((
        StatusCode::CREATED,
        Json(CheckoutView {
            provider: s.provider,
            publishable_key: s.publishable_key,
            intent_id: s.intent,
            client_secret: s.client_secret,
            amount: kt_domain::money::format_amount(currency, s.amount),
            currency: currency.code().into(),
            method: s.method.into(),
            methods: s.methods.iter().map(|m| (*m).to_owned()).collect(),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocalCardRequest {
    /// A Stripe test card number (`4242 4242 4242 4242` pays, `4000 0000 0000 0002` is
    /// declined, `4000 0027 6000 3184` asks for 3-D Secure), or `3ds:approve` / `3ds:fail`;
    /// for a bank debit, `pm_usBankAccount_success` (or `pm_usBankAccount_accountClosed`).
    #[schema(example = "4242 4242 4242 4242")]
    pub card: Code,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalCardView {
    /// `succeeded`, `requires_action` (3-D Secure: answer it) or `requires_payment_method`.
    pub status: String,
    /// Why it failed.
    pub message: Option<String>,
}

/// The local stand-in's card form (portals run without a Stripe account): what happens is
/// delivered as signed events through the webhook handling, as Stripe would.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/checkout/{intent_id}/local", tag = "invoices", request_body = LocalCardRequest,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path), ("intent_id" = String, Path)),
    responses((status = 200, body = LocalCardView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn confirm_local(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
    ApiJson(body): ApiJson<LocalCardRequest>,
) -> Result<Json<LocalCardView>, ApiError> {
    let o = checkout::confirm_local(&app, &auth.actor, &tenant, &path.1, &path.2, &body.card).await?;
    Ok(Json(LocalCardView { status: o.status.as_str().into(), message: o.message }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// The ledger entry of a card or bank payment (its provider id, `pi_…`).
    pub payment_id: Id,
    #[schema(example = "50.00")]
    pub amount: Amount,
}

/// Refunds (part of) an online payment through the provider (super admins, partners).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/invoices/{invoice_id}/refunds", tag = "invoices", request_body = RefundRequest,
    params(("tenant_id" = String, Path), ("invoice_id" = String, Path)),
    responses((status = 200, body = InvoiceView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn refund_payment(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<RefundRequest>,
) -> Result<Response, ApiError> {
    let sheet = checkout::refund(&app, &auth.actor, &tenant, &path.1, &body.payment_id, &body.amount).await?;
    answer(&app, &sheet).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookView {
    /// `applied`, `duplicate` or `ignored`.
    pub received: String,
}

/// Stripe's events for one tenant: signed with the tenant's webhook secret (`Stripe-Signature`),
/// refused when the signature is missing, wrong or older than five minutes; each event acts
/// once, whatever the order and however often it arrives.
#[utoipa::path(post, path = "/api/v1/webhooks/stripe/{tenant_id}", tag = "invoices",
    params(("tenant_id" = String, Path), ("Stripe-Signature" = String, Header, description = "t=<unix>,v1=<HMAC-SHA256 hex>")),
    request_body(content = Object, description = "The event, exactly as Stripe sent it", content_type = "application/json"),
    responses((status = 200, body = WebhookView),
        (status = 404, description = "No such portal, or it takes no online payments", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing, wrong or stale signature, or not an event", body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn stripe_webhook(
    State(app): State<AppState>,
    Path(tenant_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(tenant) = TenantId::try_from(tenant_id) else { return ApiError::not_found().into_response() };
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    match webhooks::receive(&app, &tenant, &body, signature).await {
        Ok(r) => {
            let received = match r {
                Received::Applied => "applied",
                Received::Duplicate => "duplicate",
                Received::Ignored => "ignored",
            };
            Json(WebhookView { received: received.into() }).into_response()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}
