//! Mail in, for the people who work a tenant's tickets: the tenant's inbound address and what
//! happens to mail from unknown senders, the received-mail log with its review list (held) and
//! dead-letter list (failed), accepting or discarding held mail, retrying a dead letter, and
//! the raw message of any received mail.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use kt_app::AppState;
use kt_app::inbound::admin::{self, Which};
use kt_domain::identity::OrgId;
use kt_domain::mail::inbound::{InboundMail, UnknownSenders, Verdict, Verdicts};
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::{self, with_etag};
use kt_http::input::{Id, Short};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::upload::DownloadView;
use kt_http::{ApiError, ApiJson, ApiPath as Path, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(list_received))
        .routes(routes!(get_received))
        .routes(routes!(raw_message))
        .routes(routes!(accept_held))
        .routes(routes!(discard_held))
        .routes(routes!(retry_failed))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InboundSettingsView {
    /// Mail to this address files tickets in this portal; forward the tenant's own support
    /// address here.
    #[schema(example = "acme@in.portal.example.com")]
    pub address: String,
    /// `hold` (a review list) or `refuse` (a branded answer) for mail from unknown senders.
    #[schema(example = "hold")]
    pub unknown_senders: String,
    /// The tenant's own addresses that forward here (shown to its people).
    pub forwarded_from: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundSettingsRequest {
    #[schema(example = "hold")]
    pub unknown_senders: Short,
    #[serde(default)]
    pub forwarded_from: Vec<Short>,
}

fn policy_name(p: UnknownSenders) -> &'static str {
    match p {
        UnknownSenders::Hold => "hold",
        UnknownSenders::Refuse => "refuse",
    }
}

/// The tenant's inbound address and its policy for unknown senders.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/mail/inbound", tag = "mail",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = InboundSettingsView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_settings(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
) -> Result<Response, ApiError> {
    let (address, s) = admin::settings(&app, &auth.actor, &tenant).await?;
    let view = InboundSettingsView {
        address,
        unknown_senders: policy_name(s.value.unknown_senders).into(),
        forwarded_from: s.value.forwarded_from,
    };
    Ok(with_etag(s.version, Json(view)))
}

/// Changes the policy for unknown senders and the forwarding addresses (`If-Match` guards
/// against lost edits).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/mail/inbound", tag = "mail", request_body = InboundSettingsRequest,
    params(("tenant_id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = InboundSettingsView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_settings(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InboundSettingsRequest>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let forwarded = body.forwarded_from.into_iter().map(Into::into).collect();
    let s = admin::set_settings(&app, &auth.actor, &tenant, &body.unknown_senders, forwarded, expected).await?;
    let (address, _) = admin::settings(&app, &auth.actor, &tenant).await?;
    let view = InboundSettingsView {
        address,
        unknown_senders: policy_name(s.value.unknown_senders).into(),
        forwarded_from: s.value.forwarded_from,
    };
    Ok(with_etag(s.version, Json(view)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerdictsView {
    /// `pass`, `fail`, `gray`, `processing_failed`, `disabled` or `none` (nothing checked it).
    #[schema(example = "pass")]
    pub spf: String,
    #[schema(example = "pass")]
    pub dkim: String,
    #[schema(example = "pass")]
    pub dmarc: String,
    #[schema(example = "pass")]
    pub spam: String,
    #[schema(example = "pass")]
    pub virus: String,
}

fn verdict(v: Verdict) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_else(|| "none".into())
}

pub fn verdicts_view(v: &Verdicts) -> VerdictsView {
    VerdictsView {
        spf: verdict(v.spf),
        dkim: verdict(v.dkim),
        dmarc: verdict(v.dmarc),
        spam: verdict(v.spam),
        virus: verdict(v.virus),
    }
}

/// How a ticket or a reply that came by mail authenticated, and the mail to download.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailOriginView {
    pub mail_id: String,
    pub verdicts: VerdictsView,
}

pub fn origin_view(o: &kt_domain::mail::inbound::MailOrigin) -> MailOriginView {
    MailOriginView { mail_id: o.mail_id.clone(), verdicts: verdicts_view(&o.verdicts) }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceivedMailView {
    pub id: String,
    /// `received`, `filed`, `replied`, `held`, `refused`, `ignored`, `failed` or `discarded`.
    #[schema(example = "filed")]
    pub status: String,
    /// Why it was held, refused or ignored, in words.
    pub reason: Option<String>,
    /// The reason's code (`unknown_sender`, `dmarc_failed`, `auto_reply`, `bounce`, ...).
    pub reason_code: Option<String>,
    /// A processing failure's message (dead letters).
    pub error: Option<String>,
    pub attempts: u32,
    pub from_name: Option<String>,
    pub from_email: Option<String>,
    /// The address it was sent to.
    pub recipient: String,
    pub subject: String,
    /// `person`, `auto_reply`, `bounce` or `bulk`.
    pub automation: String,
    pub verdicts: VerdictsView,
    pub size: u64,
    /// The ticket it filed or was added to (`ACME-1042`), and its id.
    pub ticket_ref: Option<String>,
    pub ticket_id: Option<String>,
    pub internal: bool,
    pub received_at: String,
}

fn view(m: &InboundMail) -> ReceivedMailView {
    let code = |r| serde_json::to_value(r).ok().and_then(|v: serde_json::Value| v.as_str().map(str::to_owned));
    ReceivedMailView {
        id: m.id.clone(),
        status: m.status.as_str().into(),
        reason: m.reason.map(|r| r.text().to_owned()),
        reason_code: m.reason.and_then(code),
        error: m.error.clone(),
        attempts: m.attempts,
        from_name: m.from.as_ref().and_then(|f| f.name.clone()),
        from_email: m.from.as_ref().map(|f| f.email.clone()),
        recipient: m.recipient.clone(),
        subject: m.subject.clone(),
        automation: serde_json::to_value(m.automation)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        verdicts: verdicts_view(&m.verdicts),
        size: m.size,
        ticket_ref: m.ticket_ref.clone(),
        ticket_id: m.ticket.as_ref().map(|t| t.to_string()),
        internal: m.internal,
        received_at: rfc3339(m.received_at),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReceivedParams {
    /// `all` (the default), `held` (the review list) or `failed` (the dead-letter list).
    pub list: Option<Short>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<kt_http::input::Cursor>,
}

/// The mail the tenant received, newest first: all of it, the review list or the dead letters.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/mail/received", tag = "mail",
    params(("tenant_id" = String, Path), ReceivedParams),
    responses((status = 200, body = Paginated<ReceivedMailView>), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_received(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<ReceivedParams>,
) -> Result<Json<Paginated<ReceivedMailView>>, ApiError> {
    let which = match q.list.as_deref().map(str::trim) {
        None | Some("all") => Which::All,
        Some("held") => Which::Held,
        Some("failed") => Which::Dead,
        Some(_) => return Err(kt_app::AppError::invalid("list", "use all, held or failed").into()),
    };
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next) = admin::list(&app, &auth.actor, &tenant, which, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(view).collect(), next_cursor: next }))
}

/// One received mail.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/mail/received/{mail_id}", tag = "mail",
    params(("tenant_id" = String, Path), ("mail_id" = String, Path)),
    responses((status = 200, body = ReceivedMailView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_received(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let m = admin::get(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(with_etag(m.version, Json(view(&m.value))))
}

/// A short-lived link to the message exactly as it was received (`.eml`): for the tenant's
/// ticket workers, and for its sender while they may read the ticket it filed or was added to.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/raw", tag = "mail",
    params(("tenant_id" = String, Path), ("mail_id" = String, Path)),
    responses((status = 200, body = DownloadView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn raw_message(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    let url = admin::raw_url(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(Json(DownloadView { url, filename: format!("mail-{}.eml", path.1.to_lowercase()) }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The organization a sender the portal does not know joins as a client (invited by mail).
    pub org_id: Option<Id>,
}

/// Files a held mail (or adds it to its ticket); an unknown sender becomes a client of
/// `org_id` first.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/accept", tag = "mail", request_body = AcceptRequest,
    params(("tenant_id" = String, Path), ("mail_id" = String, Path)),
    responses((status = 200, body = ReceivedMailView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn accept_held(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AcceptRequest>,
) -> Result<Json<ReceivedMailView>, ApiError> {
    let org = body
        .org_id
        .map(|o| OrgId::try_from(String::from(o)).map_err(|_| kt_app::AppError::invalid("org_id", "is not an id")))
        .transpose()?;
    let m = admin::accept(&app, &auth.actor, &tenant, &path.1, org, &kt_http::auth::client_info(&headers)).await?;
    Ok(Json(view(&m)))
}

/// Drops a held mail from the review list (it stays in the log with its raw message).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/discard", tag = "mail",
    params(("tenant_id" = String, Path), ("mail_id" = String, Path)),
    responses((status = 200, body = ReceivedMailView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn discard_held(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<ReceivedMailView>, ApiError> {
    let m = admin::discard(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(Json(view(&m)))
}

/// Processes a dead letter again; it leaves the list once it goes through.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/mail/received/{mail_id}/retry", tag = "mail",
    params(("tenant_id" = String, Path), ("mail_id" = String, Path)),
    responses((status = 200, body = ReceivedMailView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn retry_failed(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<ReceivedMailView>, ApiError> {
    let m = admin::retry(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(Json(view(&m)))
}
