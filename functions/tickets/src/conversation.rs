//! The conversation of a ticket (public replies and internal notes) and its activity log.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use std::collections::HashMap;

use kt_app::AppState;
use kt_app::identity::people;
use kt_app::tickets::conversation::{self, NewMessage};
use kt_app::tickets::{self, Activity};
use kt_domain::identity::UserId;
use kt_domain::tenancy::User;
use kt_domain::ticket::{Message, Status};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Body, Short, words};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{STATUSES, TicketView, name_of, parse_enum, parse_ticket_id, rfc3339, ticket_view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_messages, add_message)).routes(routes!(list_activity))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    pub author_id: String,
    /// The author's name, as replies are signed ("" when the account is gone).
    pub author_name: String,
    /// Up to two initials of the name, for an avatar.
    pub author_initials: String,
    /// The author's role, so the UI can tell the client's side from staff.
    pub author_role: String,
    /// Markdown as written.
    pub body: String,
    /// Sanitized HTML.
    pub html: String,
    /// Internal notes are only ever shown to staff, partners and partner staff.
    pub internal: bool,
    /// The mail it came in, with how that mail authenticated.
    pub via_mail: Option<crate::mail::MailOriginView>,
    pub created_at: String,
}

fn message_view(m: &Message, people: &HashMap<UserId, User>) -> MessageView {
    let name = people.get(&m.author).map(|u| u.name.clone()).unwrap_or_default();
    MessageView {
        id: m.id.clone(),
        author_id: m.author.to_string(),
        author_initials: people::initials(&name),
        author_name: name,
        author_role: name_of(m.author_role),
        body: m.body.clone(),
        html: m.html.clone(),
        internal: m.internal,
        via_mail: m.mail.as_ref().map(crate::mail::origin_view),
        created_at: rfc3339(m.created_at),
    }
}

/// The conversation, oldest first (clients never see internal notes).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/messages", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path), PageParams),
    responses((status = 200, body = Paginated<MessageView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_messages(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<MessageView>>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let (items, next_cursor) =
        conversation::messages(&app, &auth.actor, &tenant, &id, page.limit()?, page.cursor()).await?;
    let authors = people::lookup(&app, &tenant.id, items.iter().map(|m| &m.author)).await?;
    Ok(Json(Paginated { items: items.iter().map(|m| message_view(m, &authors)).collect(), next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessageRequest {
    /// Markdown.
    #[schema(example = "Thanks, we are looking into it.")]
    pub body: Body,
    /// An internal note (staff, partners and partner staff only).
    #[serde(default)]
    pub internal: bool,
    /// Leave the ticket in this status (those who manage tickets). Without it, a client's
    /// answer puts the ticket back in the queue and staff's public answer makes it Pending Client.
    #[schema(schema_with = words::status, example = "in_progress")]
    pub status: Option<Short>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageAddedView {
    pub message: MessageView,
    pub ticket: TicketView,
}

/// Adds a public reply or an internal note.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/messages", tag = "tickets", request_body = NewMessageRequest,
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 201, body = MessageAddedView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ticket is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_message(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiJson(body): ApiJson<NewMessageRequest>,
) -> Result<(StatusCode, Json<MessageAddedView>), ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let status = body.status.as_deref().map(|s| parse_enum::<Status>(s, "status", STATUSES)).transpose()?;
    let input = NewMessage { body: body.body.into(), internal: body.internal, status };
    let (message, t) = conversation::reply(&app, &auth.actor, &tenant, &id, input).await?;
    let current = tickets::get(&app, &auth.actor, &tenant, &t.id).await?;
    let standing = tickets::standing(&app, &current.value).await?;
    let ticket = ticket_view(&tenant, &current.value, current.version, standing.as_ref(), true, &auth.actor);
    let author = people::lookup(&app, &tenant.id, [&message.author]).await?;
    Ok((StatusCode::CREATED, Json(MessageAddedView { message: message_view(&message, &author), ticket })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    pub id: String,
    pub actor_id: Option<String>,
    /// `created`, `status`, `priority`, `subject`, `category`, `assignee`, `tags`,
    /// `watchers`, `reply` or `note`.
    pub kind: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub at: String,
}

fn activity_view(a: &Activity) -> ActivityView {
    ActivityView {
        id: a.id.clone(),
        actor_id: a.actor.clone(),
        kind: a.kind.clone(),
        from: a.from.clone(),
        to: a.to.clone(),
        at: rfc3339(a.at),
    }
}

/// Every change of the ticket, oldest first.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/activity", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path), PageParams),
    responses((status = 200, body = Paginated<ActivityView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_activity(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<ActivityView>>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let (items, next_cursor) =
        conversation::activity(&app, &auth.actor, &tenant, &id, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(activity_view).collect(), next_cursor }))
}
