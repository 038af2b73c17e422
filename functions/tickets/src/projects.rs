//! Project routes: the house's staff and partners write a client organization's projects
//! (status, owner, milestones, links to the request, quote, invoices, tickets and conversation);
//! everyone who sees the organization reads them. Accepted quotes make theirs.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::projects::{self as uc, ProjectInput};
use kt_app::{AppError, AppState};
use kt_domain::identity::{OrgId, UserId};
use kt_domain::project::{Links, Project, ProjectStatus};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::{self, with_etag};
use kt_http::extract::from_json_bytes;
use kt_http::input::{Cursor, Id, Short};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_projects, create_project)).routes(routes!(get_project, update_project))
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatusName {
    Planned,
    Active,
    OnHold,
    Completed,
    Cancelled,
}

impl From<ProjectStatus> for ProjectStatusName {
    fn from(s: ProjectStatus) -> Self {
        match s {
            ProjectStatus::Planned => Self::Planned,
            ProjectStatus::Active => Self::Active,
            ProjectStatus::OnHold => Self::OnHold,
            ProjectStatus::Completed => Self::Completed,
            ProjectStatus::Cancelled => Self::Cancelled,
        }
    }
}

impl From<ProjectStatusName> for ProjectStatus {
    fn from(s: ProjectStatusName) -> Self {
        ProjectStatus::ALL.into_iter().find(|x| ProjectStatusName::from(*x) == s).unwrap_or(ProjectStatus::Planned)
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneBody {
    pub title: Short,
    /// `YYYY-MM-DD`.
    pub due: Option<Short>,
    #[serde(default)]
    pub done: bool,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinksBody {
    pub request_id: Option<Id>,
    pub quote_id: Option<Id>,
    #[serde(default)]
    pub invoice_ids: Vec<Id>,
    #[serde(default)]
    pub ticket_ids: Vec<Id>,
    pub conversation_id: Option<Id>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectRequest {
    pub org_id: Short,
    /// 1 to 200 characters on one line.
    pub name: Short,
    pub status: Option<ProjectStatusName>,
    /// Someone who works here (default: you, for a new project).
    pub owner_id: Option<Short>,
    #[serde(default)]
    pub milestones: Vec<MilestoneBody>,
    #[serde(default)]
    pub links: LinksBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneView {
    pub id: String,
    pub title: String,
    pub due: Option<String>,
    pub done: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectView {
    pub id: String,
    pub tenant_id: String,
    pub org_id: String,
    pub name: String,
    pub status: ProjectStatusName,
    pub owner_id: String,
    pub milestones: Vec<MilestoneView>,
    pub links: LinksBody,
    /// Milestones done, and in all.
    pub done: usize,
    pub total: usize,
    /// The next milestone not done.
    pub next_milestone: Option<MilestoneView>,
    pub created_at: String,
    pub updated_at: String,
}

fn milestone_view(m: &kt_domain::project::Milestone) -> MilestoneView {
    MilestoneView { id: m.id.clone(), title: m.title.clone(), due: m.due.map(|d| d.to_string()), done: m.done }
}

fn id_of(s: &str) -> Option<Id> {
    Id::try_from(s.to_owned()).ok()
}

fn view(p: &Project) -> ProjectView {
    let (done, total) = p.progress();
    ProjectView {
        id: p.id.clone(),
        tenant_id: p.tenant.to_string(),
        org_id: p.org.to_string(),
        name: p.name.clone(),
        status: p.status.into(),
        owner_id: p.owner.to_string(),
        milestones: p.milestones.iter().map(milestone_view).collect(),
        links: LinksBody {
            request_id: p.links.request.as_deref().and_then(id_of),
            quote_id: p.links.quote.as_deref().and_then(id_of),
            invoice_ids: p.links.invoices.iter().filter_map(|x| id_of(x)).collect(),
            ticket_ids: p.links.tickets.iter().filter_map(|x| id_of(x)).collect(),
            conversation_id: p.links.conversation.as_deref().and_then(id_of),
        },
        done,
        total,
        next_milestone: p.next_milestone().map(milestone_view),
        created_at: kt_domain::timestamp(p.created_at),
        updated_at: kt_domain::timestamp(p.updated_at),
    }
}

fn input(b: ProjectRequest) -> Result<ProjectInput, AppError> {
    let date = |raw: &str, field: String| {
        time::Date::parse(raw.trim(), time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| AppError::invalid(field, "use a date such as 2027-01-31"))
    };
    let mut milestones = Vec::with_capacity(b.milestones.len());
    for (n, m) in b.milestones.into_iter().enumerate() {
        let due = m.due.as_deref().map(|d| date(d, format!("milestones[{n}].due"))).transpose()?;
        milestones.push((m.title.to_string(), due, m.done));
    }
    Ok(ProjectInput {
        org: OrgId::try_from(b.org_id.to_string())
            .map_err(|_| AppError::invalid("org_id", "is not an organization id"))?,
        name: b.name.to_string(),
        status: b.status.map(Into::into).unwrap_or(ProjectStatus::Planned),
        owner: b
            .owner_id
            .map(|o| UserId::try_from(o.to_string()).map_err(|_| AppError::invalid("owner_id", "is not a user id")))
            .transpose()?,
        milestones,
        links: Links {
            request: b.links.request_id.map(Id::into_inner),
            quote: b.links.quote_id.map(Id::into_inner),
            invoices: b.links.invoice_ids.into_iter().map(Id::into_inner).collect(),
            tickets: b.links.ticket_ids.into_iter().map(Id::into_inner).collect(),
            conversation: b.links.conversation_id.map(Id::into_inner),
        },
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProjectPage {
    /// One organization's (clients: theirs; default their first).
    pub org_id: Option<Short>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// The tenant's projects you may see, newest first (clients: an organization of theirs).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/projects", tag = "projects", params(("tenant_id" = String, Path), ProjectPage),
    responses((status = 200, body = Paginated<ProjectView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_projects(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<ProjectPage>,
) -> Result<Json<Paginated<ProjectView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let org = q
        .org_id
        .map(|o| OrgId::try_from(o.to_string()).map_err(|_| AppError::invalid("org_id", "is not an organization id")))
        .transpose()?;
    let (items, next_cursor) = uc::list(&app, &auth.actor, &tenant, org, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(|p| view(&p.value)).collect(), next_cursor }))
}

/// Starts a project for a client organization (the house's staff, partners for their own).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/projects", tag = "projects", request_body = ProjectRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 201, body = ProjectView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_project(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    body: Bytes,
) -> Result<Response, ApiError> {
    // Another tenant's portal is not acknowledged, whatever the body.
    kt_app::identity::tenancy::in_reach(&auth.actor, &tenant)?;
    let req = input(from_json_bytes::<ProjectRequest>(&body)?)?;
    let p = uc::create(&app, &auth.actor, &tenant, req).await?;
    Ok(with_etag(p.version, (StatusCode::CREATED, Json(view(&p.value)))))
}

/// One project.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/projects/{project_id}", tag = "projects",
    params(("tenant_id" = String, Path), ("project_id" = String, Path)),
    responses((status = 200, body = ProjectView, headers(("ETag" = String))),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_project(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let p = uc::get(&app, &auth.actor, &tenant, &id).await?;
    Ok(with_etag(p.version, Json(view(&p.value))))
}

/// Changes a project (its writers), under `If-Match`.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/projects/{project_id}", tag = "projects", request_body = ProjectRequest,
    params(("tenant_id" = String, Path), ("project_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read")),
    responses((status = 200, body = ProjectView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_project(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    uc::get(&app, &auth.actor, &tenant, &id).await?;
    let expected = etag::if_match(&headers)?;
    let req = input(from_json_bytes::<ProjectRequest>(&body)?)?;
    let p = uc::update(&app, &auth.actor, &tenant, &id, req, expected).await?;
    Ok(with_etag(p.version, Json(view(&p.value))))
}
