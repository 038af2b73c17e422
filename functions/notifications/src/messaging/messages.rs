//! Message routes: history pages, posting (threads, mentions, idempotent retries), edits with
//! history, tombstones, reactions, read marks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::messaging::messages::{self, Draft};
use kt_app::messaging::{self as uc};
use kt_app::{AppError, AppState};
use kt_domain::identity::UserId;
use kt_domain::messaging::Message;
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::extract::from_json_bytes;
use kt_http::input::{Body, Id, Short};
use kt_http::{ApiError, ApiQuery, Problem, etag, idempotency};
use kt_store::messaging::From;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{user_ids, with_etag};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(message_history, post_message))
        .routes(routes!(edit_message, delete_message))
        .routes(routes!(react))
        .routes(routes!(mark_read))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationReactionView {
    pub emoji: String,
    pub count: usize,
    /// Whether the caller reacted so.
    pub mine: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationAttachmentView {
    pub id: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationMessageView {
    /// Its place in the conversation: its id there.
    pub seq: u64,
    pub author_id: String,
    /// Markdown as written (empty once deleted).
    pub body: String,
    /// The Markdown rendered to sanitized HTML.
    pub html: String,
    /// The thread's first message, for a reply.
    pub parent: Option<u64>,
    pub mentions: Vec<String>,
    /// Its files (download each at `.../attachments/{id}/download`); none once deleted.
    pub attachments: Vec<ConversationAttachmentView>,
    pub reactions: Vec<ConversationReactionView>,
    /// Earlier versions kept (edits).
    pub edits: usize,
    pub edited_at: Option<String>,
    pub deleted: bool,
    pub at: String,
    /// Sent by the portal for its author (the reply outside business hours).
    pub automatic: bool,
}

fn message_view(m: &Message, me: &UserId) -> ConversationMessageView {
    ConversationMessageView {
        seq: m.seq,
        author_id: m.author.to_string(),
        body: m.body.clone(),
        html: if m.deleted_at.is_some() { String::new() } else { kt_app::markdown::render(&m.body) },
        parent: m.parent,
        mentions: m.mentions.iter().map(ToString::to_string).collect(),
        attachments: m
            .attachments
            .iter()
            .map(|a| ConversationAttachmentView {
                id: a.id.clone(),
                filename: a.filename.clone(),
                content_type: a.content_type.clone(),
                size: a.size,
            })
            .collect(),
        reactions: m
            .reactions
            .iter()
            .map(|r| ConversationReactionView { emoji: r.emoji.clone(), count: r.by.len(), mine: r.by.contains(me) })
            .collect(),
        edits: m.history.len(),
        edited_at: m.edited_at.map(kt_domain::timestamp),
        deleted: m.deleted_at.is_some(),
        at: kt_domain::timestamp(m.at),
        automatic: m.automatic,
    }
}

fn seq_of(raw: &str) -> Result<u64, AppError> {
    raw.parse::<u64>().ok().filter(|n| *n > 0).ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    /// Messages before this place, newest first.
    pub before: Option<u64>,
    /// Messages after this place, oldest first (with neither: the newest, newest first).
    pub after: Option<u64>,
    /// Messages per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationMessagePage {
    pub items: Vec<ConversationMessageView>,
    /// Whether more may follow in the page's direction.
    pub more: bool,
}

/// A page of the conversation's messages from any place, either way.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages", tag = "messaging",
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), HistoryParams),
    responses((status = 200, body = ConversationMessagePage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn message_history(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    ApiQuery(q): ApiQuery<HistoryParams>,
) -> Result<Json<ConversationMessagePage>, ApiError> {
    let from = match (q.before, q.after) {
        (Some(_), Some(_)) => return Err(AppError::invalid("after", "give before or after, not both").into()),
        (Some(b), None) => From::Before(b),
        (None, Some(a)) => From::After(a),
        (None, None) => From::Latest,
    };
    let limit = q.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(AppError::invalid("limit", "use 1 to 100").into());
    }
    let (items, more) = messages::history(&app, &auth.actor, &tenant, &path.1, from, limit).await?;
    Ok(Json(ConversationMessagePage { items: items.iter().map(|m| message_view(m, &auth.actor.user)).collect(), more }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConversationMessage {
    /// Markdown, 1 to 10,000 characters.
    pub body: Body,
    /// Answers this message's thread (the thread's first message).
    pub parent: Option<u64>,
    /// Members mentioned (each hears of it).
    #[serde(default)]
    pub mentions: Vec<Id>,
    /// Files you uploaded to this conversation and confirmed (`.../attachments`), at most 10.
    #[serde(default)]
    pub attachments: Vec<Id>,
}

/// Posts a message. `Idempotency-Key` makes retries answer the first attempt's message.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages", tag = "messaging", request_body = NewConversationMessage,
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key and body answer the first attempt's message")),
    responses((status = 201, body = ConversationMessageView),
        (status = 200, description = "A replay of an earlier attempt", body = ConversationMessageView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn post_message(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let key = idempotency::key_from(&headers)?;
    uc::load(&app, &auth.actor, &tenant, &path.1).await?;
    let req: NewConversationMessage = from_json_bytes(&body)?;
    let draft = Draft {
        body: req.body.into(),
        parent: req.parent,
        mentions: user_ids(req.mentions, "mentions")?,
        attachments: req.attachments.into_iter().map(String::from).collect(),
    };
    let scope = format!("T#{}#USER#{}#MESSAGES", tenant.id, auth.actor.user);
    let guard = idempotency::guard(&scope, key.as_deref(), &body);
    let (m, made) = messages::post(&app, &auth.actor, &tenant, &path.1, draft, guard.as_ref()).await?;
    let mut res = (if made { StatusCode::CREATED } else { StatusCode::OK }, Json(message_view(&m, &auth.actor.user)))
        .into_response();
    if !made {
        idempotency::mark_replayed(&mut res);
    }
    Ok(res)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationMessageEdit {
    pub body: Body,
    #[serde(default)]
    pub mentions: Vec<Id>,
}

/// Edits your message (the earlier text is kept; "edited" shows).
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages/{seq}", tag = "messaging", request_body = ConversationMessageEdit,
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), ("seq" = u64, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = ConversationMessageView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Deleted", body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn edit_message(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let expected = etag::if_match(&headers)?;
    uc::load(&app, &auth.actor, &tenant, &path.1).await?;
    let seq = seq_of(&path.2)?;
    let req: ConversationMessageEdit = from_json_bytes(&body)?;
    let mentions = user_ids(req.mentions, "mentions")?;
    let (m, version) =
        messages::edit(&app, &auth.actor, &tenant, &path.1, seq, req.body.as_str(), mentions, expected).await?;
    Ok(with_etag(version, Json(message_view(&m, &auth.actor.user))))
}

/// Deletes a message to a tombstone (its author, or whoever manages the conversation).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages/{seq}", tag = "messaging",
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), ("seq" = u64, Path)),
    responses((status = 200, body = ConversationMessageView, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json")))]
async fn delete_message(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Response, ApiError> {
    let seq = seq_of(&path.2)?;
    let (m, version) = messages::delete(&app, &auth.actor, &tenant, &path.1, seq).await?;
    Ok(with_etag(version, Json(message_view(&m, &auth.actor.user))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationReactionRequest {
    /// One emoji or a name such as `:tada:`: added, or taken back if you had it.
    #[schema(example = "👍")]
    pub emoji: Short,
}

/// Adds your reaction to a message, or takes it back.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/messages/{seq}/reactions", tag = "messaging", request_body = ConversationReactionRequest,
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path), ("seq" = u64, Path)),
    responses((status = 200, body = ConversationMessageView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Deleted", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn react(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String, String)>,
    body: Bytes,
) -> Result<Json<ConversationMessageView>, ApiError> {
    // Out of sight before the body is read: a stranger learns nothing from its errors.
    uc::load(&app, &auth.actor, &tenant, &path.1).await?;
    let req: ConversationReactionRequest = from_json_bytes(&body)?;
    let seq = seq_of(&path.2)?;
    let (m, _) = messages::react(&app, &auth.actor, &tenant, &path.1, seq, req.emoji.as_str()).await?;
    Ok(Json(message_view(&m, &auth.actor.user)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationReadRequest {
    /// Read up to this place (never backwards).
    pub seq: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationReadView {
    /// Unread messages left in this conversation.
    pub unread: u64,
}

/// Marks the conversation read up to a message.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/conversations/{conversation_id}/read", tag = "messaging", request_body = ConversationReadRequest,
    params(("tenant_id" = String, Path), ("conversation_id" = String, Path)),
    responses((status = 200, body = ConversationReadView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn mark_read(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<ConversationReadView>, ApiError> {
    uc::load(&app, &auth.actor, &tenant, &path.1).await?;
    let req: ConversationReadRequest = from_json_bytes(&body)?;
    let unread = messages::read(&app, &auth.actor, &tenant, &path.1, req.seq).await?;
    Ok(Json(ConversationReadView { unread }))
}
