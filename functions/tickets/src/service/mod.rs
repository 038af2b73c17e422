//! Service request routes: the service types ([`types`]); requests asked for an organization
//! with the type's form answered, read by the client's side and its reviewers, moved through
//! the flow, and discussed in their activity.

mod types;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::service::requests::{self as uc, NewRequest};
use kt_app::{AppError, AppState};
use std::collections::HashMap;

use kt_domain::identity::{OrgId, UserId};
use kt_domain::service::{Activity, Happening, ServiceRequest, Status};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::{self, with_etag};
use kt_http::extract::from_json_bytes;
use kt_http::input::{Cursor, LongText, Short};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, idempotency};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_service_requests, create_service_request))
        .routes(routes!(pending_service_requests))
        .routes(routes!(get_service_request))
        .routes(routes!(move_service_request))
        .routes(routes!(service_request_activity, comment_on_service_request))
        .merge(types::router())
}

/// A request's status.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatusName {
    Submitted,
    InReview,
    Quoted,
    Approved,
    Declined,
    Converted,
    Withdrawn,
}

impl From<Status> for RequestStatusName {
    fn from(s: Status) -> Self {
        match s {
            Status::Submitted => RequestStatusName::Submitted,
            Status::InReview => RequestStatusName::InReview,
            Status::Quoted => RequestStatusName::Quoted,
            Status::Approved => RequestStatusName::Approved,
            Status::Declined => RequestStatusName::Declined,
            Status::Converted => RequestStatusName::Converted,
            Status::Withdrawn => RequestStatusName::Withdrawn,
        }
    }
}

impl From<RequestStatusName> for Status {
    fn from(s: RequestStatusName) -> Self {
        Status::ALL.into_iter().find(|x| RequestStatusName::from(*x) == s).unwrap_or(Status::Submitted)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceRequestView {
    pub id: String,
    pub tenant_id: String,
    pub org_id: String,
    pub requested_by: String,
    pub service_type: String,
    pub type_name: String,
    pub title: String,
    pub details: String,
    /// The form it was asked with, and the submission holding the answers and files (read it
    /// at `/api/v1/tenants/{tenant_id}/forms/{form_id}/submissions/{submission_id}`).
    pub form_id: Option<String>,
    pub submission_id: Option<String>,
    /// From the form's price field (decimal string).
    pub estimate: Option<String>,
    pub status: RequestStatusName,
    pub quote_id: Option<String>,
    pub project_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

fn view(r: &ServiceRequest) -> ServiceRequestView {
    ServiceRequestView {
        id: r.id.clone(),
        tenant_id: r.tenant.to_string(),
        org_id: r.org.to_string(),
        requested_by: r.requested_by.to_string(),
        service_type: r.service_type.clone(),
        type_name: r.type_name.clone(),
        title: r.title.clone(),
        details: r.details.clone(),
        form_id: r.form.clone(),
        submission_id: r.submission.clone(),
        estimate: r.estimate.clone(),
        status: r.status.into(),
        quote_id: r.quote.clone(),
        project_id: r.project.clone(),
        created_at: kt_domain::timestamp(r.created_at),
        updated_at: kt_domain::timestamp(r.updated_at),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServiceRequest {
    /// A service type's id (`GET /api/v1/service-types`).
    pub service_type: Short,
    /// The client organization it is for.
    pub org_id: Short,
    /// 1 to 200 characters on one line.
    pub title: Short,
    pub details: Option<LongText>,
    /// The answers to the type's form (as `POST .../submissions` takes them), when it has one.
    #[schema(value_type = Option<Object>)]
    pub answers: Option<Map<String, Value>>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RequestPage {
    /// One organization's (clients: theirs; default their first).
    pub org_id: Option<Short>,
    pub status: Option<RequestStatusName>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

fn org_id(raw: &str, field: &str) -> Result<OrgId, AppError> {
    OrgId::try_from(raw.to_owned()).map_err(|_| AppError::invalid(field.to_owned(), "is not an organization id"))
}

/// The tenant's service requests you may see, newest first: an organization's (clients: their
/// own), or the whole tenant's (its reviewers and partner staff).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/service-requests", tag = "service requests",
    params(("tenant_id" = String, Path), RequestPage),
    responses((status = 200, body = Paginated<ServiceRequestView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_service_requests(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<RequestPage>,
) -> Result<Json<Paginated<ServiceRequestView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let org = q.org_id.as_deref().map(|o| org_id(o, "org_id")).transpose()?;
    let status = q.status.map(Status::from);
    let (items, next_cursor) = uc::list(&app, &auth.actor, &tenant, org, status, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(view).collect(), next_cursor }))
}

/// Asks for a service for an organization: its type's form answered when it has one (the
/// answers are checked as a form submission's, each error named `answers.<key>`; files are its
/// file answers). A retry with the same `Idempotency-Key` and body gets the first request.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/service-requests", tag = "service requests",
    request_body = NewServiceRequest,
    params(("tenant_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 201, body = ServiceRequestView, headers(("ETag" = String)), description = "Asked (with `Idempotent-Replayed: true`: by an earlier request with the same key)"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The type's form is not open, or its limits are reached", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn create_service_request(
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
        let scope = format!("T#{}#USER#{}#SRS", auth.actor.tenant, auth.actor.user);
        let guard = idempotency::guard(&scope, key.as_deref(), &body);
        let req = from_json_bytes::<NewServiceRequest>(&body)?;
        let input = NewRequest {
            service_type: req.service_type.to_string(),
            org: org_id(&req.org_id, "org_id")?,
            title: req.title.to_string(),
            details: req.details.map(|d| d.to_string()).unwrap_or_default(),
            answers: req.answers,
        };
        Ok::<_, ApiError>(uc::create(&app, &auth.actor, &tenant, input, guard.as_ref()).await?)
    };
    match made.await {
        Ok((r, replayed)) => {
            let mut res = with_etag(r.version, (StatusCode::CREATED, Json(view(&r.value))));
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
pub struct PendingPage {
    /// Most requests (1 to 100, default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// The requests waiting for review (submitted or in review) in every tenant, newest first
/// (super admins and staff).
#[utoipa::path(get, path = "/api/v1/service-requests/pending", tag = "service requests", params(PendingPage),
    responses((status = 200, body = Vec<ServiceRequestView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn pending_service_requests(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PendingPage>,
) -> Result<Json<Vec<ServiceRequestView>>, ApiError> {
    let limit = PageParams { limit: q.limit, cursor: None }.limit()?;
    Ok(Json(uc::pending(&app, &auth.actor, limit).await?.iter().map(view).collect()))
}

/// One service request.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/service-requests/{request_id}", tag = "service requests",
    params(("tenant_id" = String, Path), ("request_id" = String, Path)),
    responses((status = 200, body = ServiceRequestView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_service_request(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let r = uc::get(&app, &auth.actor, &tenant, &id).await?;
    Ok(with_etag(r.version, Json(view(&r.value))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestMove {
    /// Reviewers: `in_review`, `declined`; the client's side: `withdrawn`. Quotes move the rest.
    pub status: RequestStatusName,
    /// Why (shown in the activity).
    pub note: Option<LongText>,
}

/// Moves a request on: reviewers take it into review or decline it; its client side withdraws
/// it. Under `If-Match` (412 when it changed since).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/service-requests/{request_id}/status", tag = "service requests",
    request_body = RequestMove,
    params(("tenant_id" = String, Path), ("request_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = ServiceRequestView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a move this person may make from its status", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn move_service_request(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RequestMove>,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    let note = body.note.map(|n| n.to_string());
    let r = uc::change_status(&app, &auth.actor, &tenant, &id, body.status.into(), note, expected).await?;
    Ok(with_etag(r.version, Json(view(&r.value))))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RequestActivityView {
    pub id: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    /// `created`, `status` or `comment`.
    pub kind: String,
    pub from: Option<RequestStatusName>,
    pub to: Option<RequestStatusName>,
    /// A status move's note, or a comment.
    pub body: Option<String>,
    pub at: String,
}

fn activity_view(a: &Activity, names: &HashMap<UserId, String>) -> RequestActivityView {
    let (kind, from, to, body) = match &a.what {
        Happening::Created => ("created", None, None, None),
        Happening::Status { from, to, note } => ("status", Some((*from).into()), Some((*to).into()), note.clone()),
        Happening::Comment { body } => ("comment", None, None, Some(body.clone())),
    };
    RequestActivityView {
        id: a.id.clone(),
        actor_id: a.actor.as_ref().map(ToString::to_string),
        actor_name: a.actor.as_ref().and_then(|u| names.get(u).cloned()),
        kind: kind.into(),
        from,
        to,
        body,
        at: kt_domain::timestamp(a.at),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActivityPage {
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// A request's activity, oldest first: when it was asked, each move, and the conversation
/// between its client side and its reviewers.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/service-requests/{request_id}/activity", tag = "service requests",
    params(("tenant_id" = String, Path), ("request_id" = String, Path), ActivityPage),
    responses((status = 200, body = Paginated<RequestActivityView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn service_request_activity(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<ActivityPage>,
) -> Result<Json<Paginated<RequestActivityView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next_cursor) = uc::activity_log(&app, &auth.actor, &tenant, &id, page.limit()?, page.cursor()).await?;
    let people: Vec<UserId> = items.iter().filter_map(|a| a.actor.clone()).collect();
    let names = uc::names(&app, &tenant.id, &people).await?;
    Ok(Json(Paginated { items: items.iter().map(|a| activity_view(a, &names)).collect(), next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestComment {
    /// 1 to 10,000 characters.
    pub body: LongText,
}

/// Adds a comment to the request's conversation; the other side hears of it.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/service-requests/{request_id}/activity", tag = "service requests",
    request_body = RequestComment, params(("tenant_id" = String, Path), ("request_id" = String, Path)),
    responses((status = 201, body = RequestActivityView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn comment_on_service_request(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    ApiJson(body): ApiJson<RequestComment>,
) -> Result<(StatusCode, Json<RequestActivityView>), ApiError> {
    let a = uc::comment(&app, &auth.actor, &tenant, &id, &body.body).await?;
    let names = uc::names(&app, &tenant.id, std::slice::from_ref(&auth.actor.user)).await?;
    Ok((StatusCode::CREATED, Json(activity_view(&a, &names))))
}
