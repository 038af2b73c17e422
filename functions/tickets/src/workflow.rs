//! Workflow routes: canned responses (a tenant's, and filled in for one ticket), related
//! tickets, merging, bulk changes, and the satisfaction survey (in the portal, or through the
//! signed link of the resolution mail without signing in).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::tickets::bulk::{self, BulkChange};
use kt_app::tickets::canned::{self, CannedInput};
use kt_app::tickets::{self as app_tickets, links, satisfaction};
use kt_app::{AppError, AppState};
use kt_domain::identity::{TicketId, UserId};
use kt_domain::ticket::{Priority, Status, display_number};
use kt_domain::workflow::{CANNED_VARIABLES, CannedResponse};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantHost, TenantInPath};
use kt_http::input::{CannedBody, Comment, Id, Short, Title, words};
use kt_http::{ApiError, ApiJson, Problem, etag};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{PRIORITIES, STATUSES, TicketView, parse_enum, parse_ticket_id, rfc3339, ticket_view, with_etag};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_canned, create_canned))
        .routes(routes!(update_canned, delete_canned))
        .routes(routes!(canned_for_ticket))
        .routes(routes!(list_links, add_link))
        .routes(routes!(remove_link))
        .routes(routes!(merge_ticket))
        .routes(routes!(bulk_change))
        .routes(routes!(rate_ticket))
        .routes(routes!(get_survey, answer_survey))
}

// ----------------------------------------------------------------------------- canned responses

#[derive(Debug, Serialize, ToSchema)]
pub struct CannedView {
    pub id: String,
    pub tenant_id: String,
    pub title: String,
    /// Markdown with `{{variables}}`.
    pub body: String,
    pub shortcut: Option<String>,
    pub updated_at: String,
    pub version: u64,
}

fn canned_view(c: &CannedResponse, version: u64) -> CannedView {
    CannedView {
        id: c.id.clone(),
        tenant_id: c.tenant.to_string(),
        title: c.title.clone(),
        body: c.body.clone(),
        shortcut: c.shortcut.clone(),
        updated_at: rfc3339(c.updated_at),
        version,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VariableView {
    /// Written `{{name}}` in a body.
    pub name: String,
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CannedListView {
    pub items: Vec<CannedView>,
    /// The variables a body may use.
    pub variables: Vec<VariableView>,
}

fn variables() -> Vec<VariableView> {
    CANNED_VARIABLES.iter().map(|(n, d)| VariableView { name: (*n).into(), description: (*d).into() }).collect()
}

/// The tenant's canned responses, as written, by title (those who work its tickets).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/canned-responses", tag = "workflow",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = CannedListView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_canned(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
) -> Result<Json<CannedListView>, ApiError> {
    let items = canned::list(&app, &auth.actor, &tenant).await?;
    let views = items.iter().map(|c| canned_view(&c.value, c.version)).collect();
    Ok(Json(CannedListView { items: views, variables: variables() }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CannedRequest {
    #[schema(example = "Fixed, please confirm")]
    pub title: Title,
    /// Markdown with variables such as `{{requester.first_name}}` (listed with the responses).
    #[schema(example = "Hi {{requester.first_name}}, {{ticket.number}} is fixed. Could you confirm?")]
    pub body: CannedBody,
    /// Typed after `/` in the reply box, e.g. `fixed`.
    #[schema(example = "fixed")]
    pub shortcut: Option<Short>,
}

fn canned_input(b: CannedRequest) -> CannedInput {
    CannedInput { title: b.title.into(), body: b.body.into(), shortcut: b.shortcut.map(Into::into) }
}

/// Adds a canned response to the tenant's.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/canned-responses", tag = "workflow", request_body = CannedRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 201, body = CannedView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_canned(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<CannedRequest>,
) -> Result<(StatusCode, Json<CannedView>), ApiError> {
    let c = canned::create(&app, &auth.actor, &tenant, canned_input(body)).await?;
    Ok((StatusCode::CREATED, Json(canned_view(&c, 1))))
}

/// Rewrites a canned response (`If-Match` with its version guards against lost edits).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/canned-responses/{canned_id}", tag = "workflow", request_body = CannedRequest,
    params(("tenant_id" = String, Path), ("canned_id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = CannedView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_canned(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CannedRequest>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let c = canned::update(&app, &auth.actor, &tenant, &path.1, canned_input(body), expected).await?;
    Ok(with_etag(c.version, Json(canned_view(&c.value, c.version))))
}

#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/canned-responses/{canned_id}", tag = "workflow",
    params(("tenant_id" = String, Path), ("canned_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_canned(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    canned::delete(&app, &auth.actor, &tenant, &path.1).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilledCannedView {
    pub id: String,
    /// Whose response it is (the ticket's tenant, or Kre8ivTech's for its staff).
    pub tenant_id: String,
    pub title: String,
    pub shortcut: Option<String>,
    /// The body with this ticket's values in place of its variables, ready to send.
    pub body: String,
}

/// The canned responses usable on this ticket, filled in for it.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/canned-responses", tag = "workflow",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = Vec<FilledCannedView>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn canned_for_ticket(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<Vec<FilledCannedView>>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let filled = canned::for_ticket(&app, &auth.actor, &tenant, &id).await?;
    Ok(Json(
        filled
            .into_iter()
            .map(|f| FilledCannedView {
                id: f.canned.id,
                tenant_id: f.canned.tenant.to_string(),
                title: f.canned.title,
                shortcut: f.canned.shortcut,
                body: f.body,
            })
            .collect(),
    ))
}

// ----------------------------------------------------------------------------- links and merge

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedTicketView {
    pub ticket_id: String,
    pub number: String,
    pub subject: String,
    pub status: String,
    pub priority: String,
    /// `related`, or `merged` (one was merged into the other).
    pub kind: String,
    pub linked_at: String,
}

fn linked_view(tenant: &kt_domain::tenancy::Tenant, l: &links::Linked) -> LinkedTicketView {
    LinkedTicketView {
        ticket_id: l.ticket.id.to_string(),
        number: display_number(tenant.ticket_prefix.as_str(), l.ticket.number),
        subject: l.ticket.subject.clone(),
        status: l.ticket.status.as_str().into(),
        priority: l.ticket.priority.as_str().into(),
        kind: l.link.kind.clone(),
        linked_at: rfc3339(l.link.at),
    }
}

/// The tickets linked to this one that the reader may see.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/links", tag = "workflow",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = Vec<LinkedTicketView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_links(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<Vec<LinkedTicketView>>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let found = links::list(&app, &auth.actor, &tenant, &id).await?;
    Ok(Json(found.iter().map(|l| linked_view(&tenant, l)).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    /// The related ticket of the same tenant: its id or its number (`ACME-1002`).
    #[schema(example = "ACME-1002")]
    pub ticket: Id,
}

/// Links a related ticket of the same tenant (both ways; linking twice is harmless).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/links", tag = "workflow", request_body = LinkRequest,
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 201, body = LinkedTicketView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_link(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<LinkRequest>,
) -> Result<(StatusCode, Json<LinkedTicketView>), ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let l = links::link(&app, &auth.actor, &tenant, &id, &body.ticket).await?;
    Ok((StatusCode::CREATED, Json(linked_view(&tenant, &l))))
}

/// Removes a link (both ways).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/links/{linked_id}", tag = "workflow",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path), ("linked_id" = String, Path)),
    responses((status = 204, description = "Unlinked"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn remove_link(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let other = parse_ticket_id(&path.2)?;
    links::unlink(&app, &auth.actor, &tenant, &id, &other).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The ticket to merge into (same tenant): its id or its number.
    #[schema(example = "ACME-1001")]
    pub into_ticket: Id,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergedView {
    /// The ticket merged into, with the conversation now.
    pub target: TicketView,
    /// This ticket: Closed, with `merged_into_id`.
    pub source: TicketView,
}

/// Merges this ticket into another of the tenant: its replies, notes, attachments and time
/// entries move there, its description joins that conversation, and it closes with a link.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/merge", tag = "workflow", request_body = MergeRequest,
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = MergedView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed, or merged elsewhere already", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "One of the two changed meanwhile; try again", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn merge_ticket(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<MergeRequest>,
) -> Result<Json<MergedView>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let (target, source) = links::merge(&app, &auth.actor, &tenant, &id, &body.into_ticket).await?;
    let read = |t: &kt_domain::ticket::Ticket| {
        let (app, actor, tenant, id) = (&app, &auth.actor, &tenant, t.id.clone());
        async move { app_tickets::get(app, actor, tenant, &id).await }
    };
    let (tv, sv) = (read(&target).await?, read(&source).await?);
    let standing = app_tickets::standing(&app, &tv.value).await?;
    Ok(Json(MergedView {
        target: ticket_view(&tenant, &tv.value, tv.version, standing.as_ref(), true, &auth.actor),
        source: ticket_view(&tenant, &sv.value, sv.version, None, true, &auth.actor),
    }))
}

// ----------------------------------------------------------------------------- bulk

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// 1 to 100 ticket ids of the tenant, each once.
    pub ticket_ids: Vec<Id>,
    #[schema(schema_with = words::status, example = "in_progress")]
    pub status: Option<Short>,
    #[schema(schema_with = words::priority, example = "high")]
    pub priority: Option<Short>,
    /// A user id, or `null` to unassign.
    #[serde(default, deserialize_with = "kt_http::extract::double_option")]
    #[schema(value_type = Option<Id>)]
    pub assignee_id: Option<Option<Id>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkItemView {
    pub ticket_id: String,
    /// The status this ticket's edit alone would have answered: 200, 404, 412, 422 ...
    pub status: u16,
    /// The ticket after the change (200 only).
    pub ticket: Option<TicketView>,
    /// Why it was not changed (problem+json), otherwise absent.
    pub problem: Option<Problem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulkView {
    pub changed: usize,
    pub failed: usize,
    pub results: Vec<BulkItemView>,
}

/// Applies one status, priority and/or assignee to many tickets; each ticket is its own edit
/// with its own result, so one refusal leaves the others changed.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets/bulk", tag = "workflow", request_body = BulkRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = BulkView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn bulk_change(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<BulkRequest>,
) -> Result<Json<BulkView>, ApiError> {
    bulk::authorize(&auth.actor, &tenant)?;
    let status = body.status.as_deref().map(|s| parse_enum::<Status>(s, "status", STATUSES)).transpose()?;
    let priority = body.priority.as_deref().map(|s| parse_enum::<Priority>(s, "priority", PRIORITIES)).transpose()?;
    let assignee = body
        .assignee_id
        .map(|a| a.map(UserId::try_from).transpose().map_err(|_| AppError::invalid("assignee_id", "is not a user id")))
        .transpose()?;
    let results = bulk::apply(
        &app,
        &auth.actor,
        &tenant,
        &kt_http::input::texts(body.ticket_ids),
        BulkChange { status, priority, assignee },
    )
    .await?;
    let mut views = Vec::with_capacity(results.len());
    for r in results {
        views.push(match r.outcome {
            Ok(t) => {
                let standing = app_tickets::standing(&app, &t.value).await?;
                BulkItemView {
                    ticket_id: r.ticket_id,
                    status: 200,
                    ticket: Some(ticket_view(&tenant, &t.value, t.version, standing.as_ref(), false, &auth.actor)),
                    problem: None,
                }
            }
            Err(e) => {
                let e = ApiError::from(e);
                BulkItemView {
                    ticket_id: r.ticket_id,
                    status: e.status.as_u16(),
                    ticket: None,
                    problem: Some(*e.problem),
                }
            }
        });
    }
    let changed = views.iter().filter(|v| v.status == 200).count();
    Ok(Json(BulkView { failed: views.len() - changed, changed, results: views }))
}

// ----------------------------------------------------------------------------- satisfaction

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    #[schema(example = 5, minimum = 1, maximum = 5)]
    pub rating: u8,
    #[serde(default)]
    #[schema(example = "Quick and friendly, thank you.")]
    pub comment: Comment,
}

/// The requester rates their resolved ticket, once.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/satisfaction", tag = "workflow", request_body = RatingRequest,
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = TicketView), (status = 403, description = "Only the requester rates", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not resolved yet, or rated already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn rate_ticket(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<RatingRequest>,
) -> Result<Json<TicketView>, ApiError> {
    let id: TicketId = parse_ticket_id(&path.1)?;
    satisfaction::rate(&app, &auth.actor, &tenant, &id, body.rating, &body.comment).await?;
    let t = app_tickets::get(&app, &auth.actor, &tenant, &id).await?;
    Ok(Json(ticket_view(&tenant, &t.value, t.version, None, true, &auth.actor)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyView {
    pub portal_name: String,
    pub ticket_number: String,
    pub subject: String,
    /// `resolved` or `closed` while it may be rated; otherwise the survey is not open yet.
    pub status: String,
    /// The rating given, once given.
    pub satisfaction: Option<SatisfactionViewPublic>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionViewPublic {
    pub rating: u8,
    pub comment: String,
}

fn survey_view(tenant: &kt_domain::tenancy::Tenant, t: &kt_domain::ticket::Ticket) -> SurveyView {
    SurveyView {
        portal_name: tenant.branding.portal_name.clone(),
        ticket_number: display_number(tenant.ticket_prefix.as_str(), t.number),
        subject: t.subject.clone(),
        status: t.status.as_str().into(),
        satisfaction: t
            .satisfaction
            .as_ref()
            .map(|s| SatisfactionViewPublic { rating: s.rating, comment: s.comment.clone() }),
    }
}

/// The survey a mail's link opens (no sign-in: the link itself is the credential, for one
/// ticket and its requester, for 30 days).
#[utoipa::path(get, path = "/api/v1/surveys/{token}", security(()), tag = "workflow",
    params(("token" = String, Path)),
    responses((status = 200, body = SurveyView), (status = 404, description = "The link does not open, or expired", body = Problem, content_type = "application/problem+json")))]
async fn get_survey(
    State(app): State<AppState>,
    TenantHost(host): TenantHost,
    Path(token): Path<String>,
) -> Result<Json<SurveyView>, ApiError> {
    let (tenant, t, _) = satisfaction::open_link(&app, &host.id, &token).await?;
    Ok(Json(survey_view(&tenant, &t)))
}

/// Answers the survey a mail's link opens.
#[utoipa::path(post, path = "/api/v1/surveys/{token}", security(()), tag = "workflow", request_body = RatingRequest,
    params(("token" = String, Path)),
    responses((status = 200, body = SurveyView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not resolved yet, or rated already", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn answer_survey(
    State(app): State<AppState>,
    TenantHost(host): TenantHost,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<RatingRequest>,
) -> Result<Json<SurveyView>, ApiError> {
    let (tenant, t) = satisfaction::rate_by_link(&app, &host.id, &token, body.rating, &body.comment).await?;
    Ok(Json(survey_view(&tenant, &t)))
}
