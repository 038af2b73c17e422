//! Mail out, for a tenant's admins: the templates every mail is written from (list, change
//! under `If-Match`, reset to the default, preview with sample data) and the addresses mail
//! stopped to after a bounce or complaint (list, start again after a bounce).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::AppState;
use kt_app::mail::{stops, templates};
use kt_domain::mail::template::TemplateKind;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::{self, with_etag};
use kt_http::input::{Subject, TemplateBody};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiPath as Path, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rfc3339;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates))
        .routes(routes!(get_template, put_template, reset_template))
        .routes(routes!(preview_template))
        .routes(routes!(list_stopped))
        .routes(routes!(start_again))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariableView {
    #[schema(example = "recipient.first_name")]
    pub name: String,
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailTemplateView {
    /// The kind of mail (`invitation`, `magic_link`, `ticket_reply`, `digest`, ...).
    #[schema(example = "ticket_reply")]
    pub kind: String,
    /// What the mail is, in words.
    #[schema(example = "Reply on a ticket")]
    pub label: String,
    #[schema(example = "{{notification.title}}")]
    pub subject: String,
    /// Markdown with `{{variables}}`.
    pub body: String,
    /// Whether the tenant changed it (else it is the default).
    pub customized: bool,
    /// Notification mail carries `List-Unsubscribe` and the notification-settings footer.
    pub notification: bool,
    /// The variables this kind of mail may use.
    pub variables: Vec<VariableView>,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

fn template_view(v: &templates::View) -> MailTemplateView {
    MailTemplateView {
        kind: v.kind.as_str().into(),
        label: v.kind.label().into(),
        subject: v.template.subject.clone(),
        body: v.template.body.clone(),
        customized: v.customized,
        notification: v.kind.is_notification(),
        variables: v
            .kind
            .variables()
            .into_iter()
            .map(|(n, d)| VariableView { name: n.into(), description: d.into() })
            .collect(),
        updated_at: v.updated_at.map(rfc3339),
        updated_by: v.updated_by.clone(),
    }
}

fn kind(raw: &str) -> Result<TemplateKind, ApiError> {
    TemplateKind::parse(raw).ok_or_else(|| kt_app::AppError::NotFound.into())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailTemplateList {
    pub items: Vec<MailTemplateView>,
}

/// Every kind of mail the portal sends for this tenant, each with the template it is written
/// from (the tenant's own or the default).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/mail/templates", tag = "mail",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = MailTemplateList), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_templates(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
) -> Result<Json<MailTemplateList>, ApiError> {
    let all = templates::list(&app, &auth.actor, &tenant).await?;
    Ok(Json(MailTemplateList { items: all.iter().map(template_view).collect() }))
}

/// One kind of mail's template (its `ETag` guards a change).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/mail/templates/{kind}", tag = "mail",
    params(("tenant_id" = String, Path), ("kind" = String, Path)),
    responses((status = 200, body = MailTemplateView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_template(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let v = templates::get(&app, &auth.actor, &tenant, kind(&path.1)?).await?;
    Ok(with_etag(v.version, Json(template_view(&v))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailTemplateRequest {
    #[schema(example = "[{{portal.name}}] {{notification.title}}")]
    pub subject: Subject,
    pub body: TemplateBody,
}

/// Replaces a kind of mail's template; every `{{variable}}` must be one of the kind's.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/mail/templates/{kind}", tag = "mail", request_body = MailTemplateRequest,
    params(("tenant_id" = String, Path), ("kind" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = MailTemplateView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_template(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MailTemplateRequest>,
) -> Result<Response, ApiError> {
    let k = kind(&path.1)?;
    let expected = etag::if_match(&headers)?;
    let v = templates::set(&app, &auth.actor, &tenant, k, &body.subject, &body.body, expected).await?;
    Ok(with_etag(v.version, Json(template_view(&v))))
}

/// Goes back to the default template for a kind of mail.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/mail/templates/{kind}", tag = "mail",
    params(("tenant_id" = String, Path), ("kind" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = MailTemplateView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn reset_template(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let k = kind(&path.1)?;
    let expected = etag::if_match(&headers)?;
    let v = templates::reset(&app, &auth.actor, &tenant, k, expected).await?;
    Ok(with_etag(v.version, Json(template_view(&v))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MailPreview {
    pub subject: String,
    /// The HTML part, sanitized: show it in a sandboxed frame.
    pub html: String,
    /// The plain-text part.
    pub text: String,
    /// The sender's name and address as recipients see them.
    #[schema(example = "Acme Support <support@portal.example.com>")]
    pub from: String,
}

/// The mail a template writes, with sample values, in the tenant's branding: exactly what
/// would be sent. Nothing is saved.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/mail/templates/{kind}/preview", tag = "mail", request_body = MailTemplateRequest,
    params(("tenant_id" = String, Path), ("kind" = String, Path)),
    responses((status = 200, body = MailPreview), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn preview_template(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<MailTemplateRequest>,
) -> Result<Json<MailPreview>, ApiError> {
    let k = kind(&path.1)?;
    let mail = templates::preview(&app, &auth.actor, &tenant, k, &body.subject, &body.body).await?;
    let from = match &mail.from.name {
        Some(n) => format!("{n} <{}>", mail.from.email),
        None => mail.from.email.clone(),
    };
    Ok(Json(MailPreview { subject: mail.subject, html: mail.html.unwrap_or_default(), text: mail.text, from }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoppedAddressView {
    #[schema(example = "gone@example.com")]
    pub email: String,
    /// `bounce` or `complaint`.
    #[schema(example = "bounce")]
    pub reason: String,
    /// The receiving server's words, or the complaint's type.
    #[schema(example = "smtp; 550 5.1.1 user unknown")]
    pub detail: String,
    pub stopped_at: String,
    /// Whether the tenant's admins may start mail again (after a bounce; a complaint only its
    /// owner takes back).
    pub can_start_again: bool,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StoppedParams {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<kt_http::input::Cursor>,
}

/// The addresses of this tenant's mail that bounced or complained: mail to them stopped.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/mail/stopped", tag = "mail",
    params(("tenant_id" = String, Path), StoppedParams),
    responses((status = 200, body = Paginated<StoppedAddressView>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_stopped(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<StoppedParams>,
) -> Result<Json<Paginated<StoppedAddressView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next) = stops::list(&app, &auth.actor, &tenant, page.limit()?, page.cursor()).await?;
    let items = items
        .into_iter()
        .map(|s| StoppedAddressView {
            email: s.email.as_str().into(),
            reason: serde_json::to_value(s.reason).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            detail: s.detail,
            stopped_at: rfc3339(s.at),
            can_start_again: s.reason == kt_domain::mail::suppression::StopReason::Bounce,
        })
        .collect();
    Ok(Json(Paginated { items, next_cursor: next }))
}

/// Starts mail again to an address whose mail bounced (its mailbox was fixed). A complaint is
/// refused (409): only the address's owner can take it back.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/mail/stopped/{email}", tag = "mail",
    params(("tenant_id" = String, Path), ("email" = String, Path)),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn start_again(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    stops::start_again(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
