//! Messaging API (PRD 4.8): conversations (direct, group, an organization's channel), their
//! messages (Markdown, threads, mentions, edits with history, tombstones, reactions), history
//! pages both ways from any message, read marks and unread counts. New messages, edits and
//! deletions are pushed live on `conversation:<id>`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use kt_app::messaging::{self as uc, Contact, NewConversation, Sheet};
use kt_app::{AppError, AppState, FieldError};
use kt_domain::identity::{OrgId, Role, UserId};
use kt_domain::messaging::Kind;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
pub(crate) use kt_http::etag::with_etag;
use kt_http::extract::from_json_bytes;
use kt_http::input::{Cursor, Id, Name};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiQuery, Problem, etag, idempotency};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod files;
mod messages;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_conversations, start_conversation))
        .routes(routes!(unread_messages))
        .routes(routes!(list_contacts))
        .routes(routes!(get_conversation))
        .routes(routes!(change_members))
        .merge(messages::router())
        .merge(files::router())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: String,
    pub name: String,
    #[schema(schema_with = kt_http::input::words::role)]
    pub role: Role,
}

fn contact_view(c: &Contact) -> ContactView {
    ContactView { id: c.id.to_string(), name: c.name.clone(), role: c.role }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    pub id: String,
    /// What to call it: a group's or channel's name, or the other person's in a direct one.
    pub title: String,
    #[schema(schema_with = kt_http::input::words::conversation_kind)]
    pub kind: Kind,
    pub name: Option<String>,
    pub org_id: Option<String>,
    pub members: Vec<String>,
    /// The members with their names (on one conversation; absent in lists).
    pub people: Option<Vec<ContactView>>,
    pub created_by: String,
    pub created_at: String,
    /// The newest message's place (0: none yet).
    pub last_seq: u64,
    /// The last place the caller read.
    pub last_read_seq: u64,
    pub unread: u64,
    pub last_message_at: Option<String>,
}

/// The view of a conversation; `people`: its members with names, when known.
fn view(s: &Sheet, me: &UserId, people: Option<&[Contact]>) -> ConversationView {
    let c = &s.conversation;
    let st = s.standing.as_ref();
    let title = match (&c.name, people) {
        (Some(n), _) => n.clone(),
        (None, Some(p)) => p.iter().filter(|m| &m.id != me).map(|m| m.name.clone()).collect::<Vec<_>>().join(", "),
        (None, None) => "Direct conversation".into(),
    };
    ConversationView {
        id: c.id.clone(),
        title,
        kind: c.kind,
        name: c.name.clone(),
        org_id: c.org.as_ref().map(ToString::to_string),
        members: c.members.iter().map(ToString::to_string).collect(),
        people: people.map(|p| p.iter().map(contact_view).collect()),
        created_by: c.created_by.to_string(),
        created_at: kt_domain::timestamp(c.created_at),
        last_seq: st.map_or(0, |m| m.last_seq),
        last_read_seq: st.map_or(0, |m| m.last_read_seq),
        unread: st.map_or(0, |m| m.unread()),
        last_message_at: st.and_then(|m| m.last_message_at).map(kt_domain::timestamp),
    }
}

/// Ids of people from the body, naming `field[i]` for one that is not an id.
pub(crate) fn user_ids(ids: Vec<Id>, field: &str) -> Result<Vec<UserId>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    let mut errors = Vec::new();
    for (i, id) in ids.into_iter().enumerate() {
        match UserId::try_from(id) {
            Ok(u) => out.push(u),
            Err(_) => errors.push(FieldError::new(format!("{field}[{i}]"), "is not a person's id")),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(AppError::Invalid(errors)) }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConversationRequest {
    #[schema(schema_with = kt_http::input::words::conversation_kind)]
    pub kind: Kind,
    /// The others (you join by yourself): one for a direct conversation.
    pub members: Vec<Id>,
    /// A group's name (a channel's defaults to its organization's).
    pub name: Option<Name>,
    /// A channel's client organization.
    pub org_id: Option<Id>,
}

/// Starts a conversation. A direct one the two of you already have is answered (200) instead
/// of made twice; `Idempotency-Key` makes retries answer the first attempt's.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/conversations", tag = "messaging", request_body = NewConversationRequest,
    params(("tenant_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body answer the first attempt's conversation")),
    responses((status = 201, body = ConversationView, headers(("ETag" = String))),
        (status = 200, description = "The pair's existing direct conversation, or a replay", body = ConversationView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn start_conversation(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency::key_from(&headers)?;
    let req: NewConversationRequest = from_json_bytes(&body)?;
    let org = match req.org_id {
        Some(o) => Some(OrgId::try_from(o).map_err(|_| AppError::invalid("org_id", "is not an organization id"))?),
        None => None,
    };
    let input = NewConversation {
        kind: req.kind,
        members: user_ids(req.members, "members")?,
        name: req.name.map(Into::into),
        org,
    };
    let scope = format!("T#{}#USER#{}#CONVERSATIONS", tenant.id, auth.actor.user);
    let guard = idempotency::guard(&scope, key.as_deref(), &body);
    let (sheet, made) = uc::start(&app, &auth.actor, &tenant, input, guard.as_ref()).await?;
    let status = if made { StatusCode::CREATED } else { StatusCode::OK };
    let people = uc::members(&app, &sheet.conversation).await?;
    Ok(with_etag(sheet.version, (status, Json(view(&sheet, &auth.actor.user, Some(&people))))))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConversationPage {
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

/// Your conversations here, the most recently active first, with their unread counts.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/conversations", tag = "messaging",
    params(("tenant_id" = String, Path), ConversationPage),
    responses((status = 200, body = Paginated<ConversationView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_conversations(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<ConversationPage>,
) -> Result<Json<Paginated<ConversationView>>, ApiError> {
    let page = PageParams { limit: q.limit, cursor: q.cursor };
    let (items, next_cursor) = uc::inbox(&app, &auth.actor, &tenant, page.limit()?, page.cursor()).await?;
    let mut views = Vec::with_capacity(items.len());
    for sheet in &items {
        // A direct conversation is called by the other person's name.
        let people = match sheet.conversation.name {
            None => Some(uc::members(&app, &sheet.conversation).await?),
            Some(_) => None,
        };
        let mut v = view(sheet, &auth.actor.user, people.as_deref());
        v.people = None;
        views.push(v);
    }
    Ok(Json(Paginated { items: views, next_cursor }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnreadMessagesView {
    /// Unread messages in all your conversations here (muted ones aside).
    pub total: u64,
    /// Conversations with unread messages.
    pub conversations: u64,
}

/// Your unread messages here.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/conversations/unread", tag = "messaging",
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = UnreadMessagesView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn unread_messages(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<UnreadMessagesView>, ApiError> {
    let (total, conversations) = uc::unread(&app, &auth.actor, &tenant).await?;
    Ok(Json(UnreadMessagesView { total, conversations }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ContactQuery {
    /// Only people whose name contains this (any case).
    pub q: Option<Name>,
    /// At most this many, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactList {
    /// By name.
    pub items: Vec<ContactView>,
}

/// The people you may message here, by name (for starting conversations and mentions).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/conversations/contacts", tag = "messaging",
    params(("tenant_id" = String, Path), ContactQuery),
    responses((status = 200, body = ContactList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_contacts(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<ContactQuery>,
) -> Result<Json<ContactList>, ApiError> {
    let limit = q.limit.unwrap_or(25);
    if !(1..=100).contains(&limit) {
        return Err(AppError::invalid("limit", "use 1 to 100").into());
    }
    let found = uc::contacts(&app, &auth.actor, &tenant, q.q.as_ref().map(Name::as_str), limit as usize).await?;
    Ok(Json(ContactList { items: found.iter().map(contact_view).collect() }))
}

/// One conversation you are in.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}", tag = "messaging",
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path)),
    responses((status = 200, body = ConversationView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_conversation(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let sheet = uc::get(&app, &auth.actor, &tenant, &path.1).await?;
    let people = uc::members(&app, &sheet.conversation).await?;
    Ok(with_etag(sheet.version, Json(view(&sheet, &auth.actor.user, Some(&people)))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MembersChange {
    #[serde(default)]
    pub add: Vec<Id>,
    #[serde(default)]
    pub remove: Vec<Id>,
}

/// Adds and removes members of a group or channel (its creator, super admins, the tenant's
/// partners).
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/members", tag = "messaging", request_body = MembersChange,
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = ConversationView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_members(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    uc::load(&app, &auth.actor, &tenant, &path.1).await?;
    let req: MembersChange = from_json_bytes(&body)?;
    let (add, remove) = (user_ids(req.add, "add")?, user_ids(req.remove, "remove")?);
    let sheet = uc::change_members(&app, &auth.actor, &tenant, &path.1, &add, &remove, expected).await?;
    let people = uc::members(&app, &sheet.conversation).await?;
    Ok(with_etag(sheet.version, Json(view(&sheet, &auth.actor.user, Some(&people)))))
}
