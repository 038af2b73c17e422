//! Platform operations for super admins: the messages the queues gave up on (dead letters),
//! each with the reason it last failed, and their replay once the cause is fixed. On AWS this
//! is its own function, the only one allowed to read and move dead letters.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use kt_app::dead_letters::{self, DeadMessage, Operator};
use kt_app::identity::accounts;
use kt_domain::policy::Permission;
use kt_http::auth::{Auth, client_info};
use kt_http::input::{Short, Token};
use kt_http::{ApiError, ApiJson, ApiQuery, AppState, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_dead_letters)).routes(routes!(replay_dead_letters))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeadLetterQuery {
    /// Every queue when absent.
    #[param(schema_with = queue_names)]
    pub queue: Option<Short>,
}

/// A message a queue gave up on after its deliveries failed.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterView {
    /// The queue it was meant for: `events` or `email`.
    pub queue: String,
    /// The queue's id of the message; replays one message by it.
    pub message_id: String,
    pub event_id: Option<String>,
    /// The event's kind, e.g. `ticket.created`; absent when the body is not an event.
    pub kind: Option<String>,
    pub tenant_id: Option<String>,
    /// When the event happened (RFC 3339).
    pub occurred_at: Option<String>,
    /// Why it last failed.
    pub reason: String,
    /// The consumer that failed last.
    pub consumer: Option<String>,
    /// When it last failed (RFC 3339).
    pub failed_at: Option<String>,
    /// Deliveries tried when it last failed.
    pub attempts: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadLetterList {
    pub items: Vec<DeadLetterView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    #[schema(schema_with = queue_names)]
    pub queue: Short,
    /// The one message to replay; every dead letter of the queue (up to 100) when absent.
    pub message_id: Option<Token>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReplayResult {
    /// How many messages went back to their queue.
    pub replayed: u32,
}

fn rfc3339(t: time::OffsetDateTime) -> Option<String> {
    Some(kt_domain::timestamp(t))
}

fn view(m: DeadMessage) -> DeadLetterView {
    let failure = m.failure.as_ref();
    DeadLetterView {
        queue: m.queue,
        message_id: m.message_id,
        event_id: m.event.as_ref().map(|e| e.id.to_string()),
        kind: m.event.as_ref().map(|e| e.kind.clone()),
        tenant_id: m.event.as_ref().and_then(|e| e.tenant.clone()),
        occurred_at: m.event.as_ref().and_then(|e| rfc3339(e.occurred_at)),
        reason: m.reason,
        consumer: failure.and_then(|f| f.consumer.clone()),
        failed_at: failure.and_then(|f| rfc3339(f.at)),
        attempts: failure.and_then(|f| f.attempts),
    }
}

/// Only a super admin, on the house portal, operates the platform's queues.
fn require_operator(auth: &Auth) -> Result<(), ApiError> {
    Ok(accounts::require(Some(&auth.actor), Permission::ManageSystemSettings, &auth.tenant)?)
}

/// The dead letters of one queue or of all, with why each failed (super admin).
#[utoipa::path(get, path = "/api/v1/operations/dead-letters", tag = "operations", params(DeadLetterQuery),
    responses((status = 200, body = DeadLetterList),
        (status = 400, description = "An unknown or repeated query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not shown to clients", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn list_dead_letters(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DeadLetterQuery>,
) -> Result<Json<DeadLetterList>, ApiError> {
    require_operator(&auth)?;
    let items = dead_letters::list(&app, q.queue.as_deref()).await?;
    Ok(Json(DeadLetterList { items: items.into_iter().map(view).collect() }))
}

/// Sends dead letters back to their queue: one by id, or all of a queue (super admin).
#[utoipa::path(post, path = "/api/v1/operations/dead-letters/replay", tag = "operations", request_body = ReplayRequest,
    responses((status = 200, body = ReplayResult),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "The message is no longer a dead letter", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json")))]
async fn replay_dead_letters(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ReplayRequest>,
) -> Result<Json<ReplayResult>, ApiError> {
    require_operator(&auth)?;
    let client = client_info(&headers);
    let by = Operator { user: &auth.actor.user, tenant: &auth.tenant.id, client: &client };
    let replayed = dead_letters::replay(&app, Some(by), &body.queue, body.message_id.as_deref()).await?;
    Ok(Json(ReplayResult { replayed }))
}

/// The queues there are (`events`, `email`).
fn queue_names() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(kt_platform::queue::QUEUES)
}
