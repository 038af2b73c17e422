//! Auto-assignment rules (super admins write them; Kre8ivTech staff read them) and the
//! agents' workload.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::tickets::assignment::{self, RuleInput};
use kt_app::{AppError, AppState, FieldError};
use kt_domain::identity::{OrgId, TenantId, UserId};
use kt_domain::ticket::Category;
use kt_domain::workflow::{AssignmentRule, Strategy};
use kt_http::ApiPath as Path;
use kt_http::auth::Auth;
use kt_http::input::{Id, Short, Title, words};
use kt_http::{ApiError, ApiJson, Problem, etag};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{CATEGORIES, keep, name_of, parse_enum, with_etag};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, update_rule, delete_rule))
        .routes(routes!(workload))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleView {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    /// Rules are tried in ascending position.
    pub position: u32,
    /// Only this tenant's tickets (`null`: every tenant's).
    pub tenant_id: Option<String>,
    /// Only this organization's tickets.
    pub org_id: Option<String>,
    /// Only these categories (empty: every category).
    pub categories: Vec<String>,
    pub agent_ids: Vec<String>,
    /// `round_robin` or `least_loaded`.
    pub strategy: String,
    /// Open tickets per agent before the rule passes them over.
    pub capacity: u32,
    pub version: u64,
}

fn view(r: &AssignmentRule, version: u64) -> RuleView {
    RuleView {
        id: r.id.clone(),
        name: r.name.clone(),
        enabled: r.enabled,
        position: r.position,
        tenant_id: r.tenant.as_ref().map(|t| t.to_string()),
        org_id: r.org.as_ref().map(|o| o.to_string()),
        categories: r.categories.iter().map(|c| name_of(*c)).collect(),
        agent_ids: r.agents.iter().map(|a| a.to_string()).collect(),
        strategy: name_of(r.strategy),
        capacity: r.capacity,
        version,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    #[schema(example = "Billing to the accounts desk")]
    pub name: Title,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub position: u32,
    pub tenant_id: Option<Id>,
    pub org_id: Option<Id>,
    #[serde(default)]
    #[schema(schema_with = words::categories, example = json!(["billing"]))]
    pub categories: Vec<Short>,
    #[schema(example = json!(["01JD00000000000000000000G1"]))]
    pub agent_ids: Vec<Id>,
    #[schema(schema_with = words::strategy, example = "least_loaded")]
    pub strategy: Short,
    #[schema(example = 10)]
    pub capacity: u32,
}

fn yes() -> bool {
    true
}

fn parse(b: RuleRequest) -> Result<RuleInput, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let strategy = keep(&mut errors, parse_enum::<Strategy>(&b.strategy, "strategy", "round_robin, least_loaded"));
    let categories = keep(
        &mut errors,
        b.categories.iter().map(|c| parse_enum::<Category>(c, "categories", CATEGORIES)).collect::<Result<Vec<_>, _>>(),
    );
    let tenant = keep(
        &mut errors,
        b.tenant_id
            .map(TenantId::try_from)
            .transpose()
            .map_err(|_| AppError::invalid("tenant_id", "is not a tenant id")),
    );
    let org = keep(
        &mut errors,
        b.org_id.map(OrgId::try_from).transpose().map_err(|_| AppError::invalid("org_id", "is not an organization id")),
    );
    let agents = keep(
        &mut errors,
        b.agent_ids
            .into_iter()
            .map(UserId::try_from)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| AppError::invalid("agent_ids", "are not all user ids")),
    );
    match (strategy, categories, tenant, org, agents) {
        (Some(strategy), Some(categories), Some(tenant), Some(org), Some(agents)) if errors.is_empty() => {
            Ok(RuleInput {
                name: b.name.into(),
                enabled: b.enabled,
                position: b.position,
                tenant,
                org,
                categories,
                agents,
                strategy,
                capacity: b.capacity,
            })
        }
        _ => Err(AppError::Invalid(errors)),
    }
}

/// The assignment rules in the order they are tried (Kre8ivTech staff).
#[utoipa::path(get, path = "/api/v1/assignment-rules", tag = "workflow",
    responses((status = 200, body = Vec<RuleView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_rules(State(app): State<AppState>, auth: Auth) -> Result<Json<Vec<RuleView>>, ApiError> {
    let rules = assignment::list_rules(&app, &auth.actor).await?;
    Ok(Json(rules.iter().map(|r| view(&r.value, r.version)).collect()))
}

/// Adds a rule (super admins). Unassigned waiting tickets it matches are assigned at once.
#[utoipa::path(post, path = "/api/v1/assignment-rules", tag = "workflow", request_body = RuleRequest,
    responses((status = 201, body = RuleView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_rule(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<RuleRequest>,
) -> Result<(StatusCode, Json<RuleView>), ApiError> {
    assignment::rule_admin(&auth.actor)?;
    let r = assignment::create_rule(&app, &auth.actor, parse(body)?).await?;
    Ok((StatusCode::CREATED, Json(view(&r, 1))))
}

#[utoipa::path(get, path = "/api/v1/assignment-rules/{rule_id}", tag = "workflow",
    params(("rule_id" = String, Path)),
    responses((status = 200, body = RuleView, headers(("ETag" = String))), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_rule(State(app): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, ApiError> {
    let r = assignment::get_rule(&app, &auth.actor, &id).await?;
    Ok(with_etag(r.version, Json(view(&r.value, r.version))))
}

/// Rewrites a rule (super admins; `If-Match` guards against lost edits).
#[utoipa::path(put, path = "/api/v1/assignment-rules/{rule_id}", tag = "workflow", request_body = RuleRequest,
    params(("rule_id" = String, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = RuleView, headers(("ETag" = String))), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_rule(
    State(app): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RuleRequest>,
) -> Result<Response, ApiError> {
    assignment::rule_admin(&auth.actor)?;
    let expected = etag::if_match(&headers)?;
    let r = assignment::update_rule(&app, &auth.actor, &id, parse(body)?, expected).await?;
    Ok(with_etag(r.version, Json(view(&r.value, r.version))))
}

#[utoipa::path(delete, path = "/api/v1/assignment-rules/{rule_id}", tag = "workflow",
    params(("rule_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_rule(State(app): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    assignment::delete_rule(&app, &auth.actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentLoadView {
    pub user_id: String,
    pub name: String,
    /// Open tickets assigned to them (not Resolved or Closed).
    pub open_assigned: u32,
    /// The lowest capacity among the enabled rules naming them (`null`: none does).
    pub capacity: Option<u32>,
}

/// Every agent's open assigned tickets against their capacity (Kre8ivTech staff), busiest first.
#[utoipa::path(get, path = "/api/v1/workload", tag = "workflow",
    responses((status = 200, body = Vec<AgentLoadView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn workload(State(app): State<AppState>, auth: Auth) -> Result<Json<Vec<AgentLoadView>>, ApiError> {
    let loads = assignment::workload(&app, &auth.actor).await?;
    Ok(Json(
        loads
            .into_iter()
            .map(|l| AgentLoadView {
                user_id: l.user.to_string(),
                name: l.name,
                open_assigned: l.load,
                capacity: l.capacity,
            })
            .collect(),
    ))
}
