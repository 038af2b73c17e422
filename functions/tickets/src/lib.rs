//! Tickets API (PRD 4.2): filing tickets, the tenant's lists with filters and aggregate
//! counts, a ticket with its place in the queue and estimated response time, edits under
//! `If-Match`, the conversation (public replies and internal notes) and the activity log, and
//! the cross-tenant work queue staff take tickets from. Tickets are addressed under their
//! tenant (`/tenants/{tenant_id}/tickets/...`), like every tenant-owned collection.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use kt_app::tickets::listing::{self, Filter};
use kt_app::tickets::{self, Change, NewTicket, QueueStanding};
use kt_app::{AppError, AppState};
use kt_domain::identity::{OrgId, TicketId, UserId};
use kt_domain::ticket::{Category, Priority, Status};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::etag::with_etag;
use kt_http::extract::from_json_bytes;
use kt_http::input::{Body, Id, Short, Subject, words};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem, etag, idempotency};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub mod assignment;
pub mod attachments;
pub mod conversation;
pub mod forms;
pub mod help;
pub mod kb;
pub mod mail;
pub mod mail_out;
pub mod projects;
pub mod reports;
pub mod service;
pub mod sla;
pub mod time_entries;
mod views;
pub mod workflow;

pub use views::{EstimateView, QueueView, SatisfactionView, SlaClockView, SlaView, TicketView};
use views::{name_of, queue_view, rfc3339, ticket_view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(sla::router())
        .merge(reports::router())
        .merge(attachments::router())
        .merge(time_entries::router())
        .merge(workflow::router())
        .merge(assignment::router())
        .routes(routes!(list_tickets, create_ticket))
        .routes(routes!(ticket_counts))
        .routes(routes!(get_ticket, update_ticket))
        .routes(routes!(ticket_position))
        .merge(conversation::router())
        .merge(forms::router())
        .merge(service::router())
        .merge(projects::router())
        .merge(kb::router())
        .merge(help::router())
        .merge(mail::router())
        .merge(mail_out::router())
        .routes(routes!(work_queue))
        .routes(routes!(queue_lengths))
}

fn parse_ticket_id(raw: &str) -> Result<TicketId, ApiError> {
    TicketId::try_from(raw.to_owned()).map_err(|_| ApiError::not_found())
}

fn parse_enum<T: serde::de::DeserializeOwned>(raw: &str, field: &'static str, allowed: &str) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(raw.trim().to_owned()))
        .map_err(|_| AppError::invalid(field, format!("use one of {allowed}")))
}

const STATUSES: &str = "new, open, in_progress, pending_client, resolved, closed";
const PRIORITIES: &str = "low, medium, high, critical";
const CATEGORIES: &str = "technical_support, billing, general_inquiry, bug_report, feature_request";

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketRequest {
    /// The client organization; may be left out by a client of exactly one organization.
    #[schema(example = "01JD00000000000000000000G0")]
    pub org_id: Option<Id>,
    #[schema(example = "The contact form no longer sends")]
    pub subject: Subject,
    /// Markdown.
    #[schema(example = "Since this morning the form on /contact shows an error.")]
    pub description: Body,
    #[schema(schema_with = words::priority, example = "high")]
    pub priority: Short,
    #[schema(schema_with = words::category, example = "technical_support")]
    pub category: Short,
    /// Up to 20 tags of letters, digits, `-` and `_`.
    #[serde(default)]
    pub tags: Vec<Short>,
}

fn parse_new_ticket(body: NewTicketRequest) -> Result<NewTicket, AppError> {
    let mut errors = Vec::new();
    let priority = keep(&mut errors, parse_enum::<Priority>(&body.priority, "priority", PRIORITIES));
    let category = keep(&mut errors, parse_enum::<Category>(&body.category, "category", CATEGORIES));
    let org = keep(
        &mut errors,
        body.org_id
            .map(OrgId::try_from)
            .transpose()
            .map_err(|_| AppError::invalid("org_id", "is not an organization id")),
    );
    if !errors.is_empty() {
        // Report the text fields' problems too (the domain's rules), so one answer names all.
        use kt_domain::ticket::{parse_body, parse_subject, parse_tags};
        let text = [
            parse_subject(&body.subject).err(),
            parse_body(&body.description, "description").err(),
            parse_tags(&body.tags).err(),
        ];
        errors.extend(text.into_iter().flatten().map(|e| kt_app::FieldError::new(e.field, e.message)));
        return Err(AppError::Invalid(errors));
    }
    match (priority, category, org) {
        (Some(priority), Some(category), Some(org)) => Ok(NewTicket {
            org,
            subject: body.subject.into(),
            description: body.description.into(),
            priority,
            category,
            tags: body.tags.into_iter().map(Into::into).collect(),
        }),
        _ => Err(AppError::Internal("parsed fields missing".into())),
    }
}

/// Files a ticket: it gets the tenant's next number and enters its priority's queue.
/// A retry with the same `Idempotency-Key` and body gets the ticket the first attempt filed
/// (`Idempotent-Replayed: true`), however that attempt ended.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/tickets", tag = "tickets", request_body = NewTicketRequest,
    params(("tenant_id" = String, Path), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses(
        (status = 201, body = TicketView, description = "Filed; `queue` says where it stands (with `Idempotent-Replayed: true`: filed by an earlier request with the same key)"),
        (status = 400, description = "Unreadable body, or an `Idempotency-Key` that is not 1-255 visible ASCII characters", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing or wrong CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or the `Idempotency-Key` was used with another body", body = Problem, content_type = "application/problem+json"),
    ))]
async fn create_ticket(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let key = match idempotency::key_from(&headers) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    // Out of sight before anything is read from the body: another tenant's portal is not there.
    let own = kt_domain::policy::Resource { tenant: &tenant.id, org: None, owner: Some(&auth.actor.user) };
    if let Err(e) = kt_app::permit(&auth.actor, kt_domain::policy::Permission::SubmitTickets, &own) {
        return ApiError::from(e).into_response();
    }
    let scope = format!("T#{}#USER#{}#TICKETS", auth.actor.tenant, auth.actor.user);
    let guard = idempotency::guard(&scope, key.as_deref(), &body);
    let client = kt_http::auth::client_info(&headers);
    let filed = async {
        let input = parse_new_ticket(from_json_bytes::<NewTicketRequest>(&body)?)?;
        let (t, replayed) = tickets::create_once(&app, &auth.actor, &tenant, input, &client, guard.as_ref()).await?;
        let standing = tickets::standing(&app, &t).await?;
        let version = match replayed {
            true => kt_store::tickets::get(app.store.as_ref(), &tenant.id, &t.id).await?.map_or(1, |v| v.version),
            false => 1,
        };
        Ok::<_, ApiError>((ticket_view(&tenant, &t, version, standing.as_ref(), true, &auth.actor), replayed))
    };
    match filed.await {
        Ok((view, replayed)) => {
            let mut res = (StatusCode::CREATED, Json(view)).into_response();
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
pub struct TicketFilterParams {
    /// Only this client organization's tickets.
    pub org_id: Option<Id>,
    /// Comma-separated statuses, e.g. `new,open`.
    pub status: Option<Short>,
    pub priority: Option<kt_http::input::PriorityParam>,
    pub category: Option<kt_http::input::CategoryParam>,
    pub assignee_id: Option<Id>,
    pub requester_id: Option<Id>,
    /// Created at or after (RFC 3339).
    pub created_from: Option<Short>,
    /// Created before (RFC 3339).
    pub created_to: Option<Short>,
    /// A ticket number (`ACME-1002`, or `1002`): the list holds at most that ticket.
    pub number: Option<Id>,
    /// Include each waiting ticket's queue position (costs one batch read per ticket).
    pub with_positions: Option<bool>,
}

/// The value, or its field errors added to `errors`.
fn keep<T>(errors: &mut Vec<kt_app::FieldError>, r: Result<T, AppError>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(AppError::Invalid(f)) => {
            errors.extend(f);
            None
        }
        Err(e) => {
            errors.push(kt_app::FieldError::new("body", e.to_string()));
            None
        }
    }
}

fn parse_filter(p: &TicketFilterParams) -> Result<Filter, AppError> {
    let mut errors = Vec::new();
    let id_of = |raw: &Option<Id>, field: &'static str| -> Result<Option<String>, AppError> {
        match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) if kt_domain::identity::UserId::try_from(s.to_owned()).is_ok() => Ok(Some(s.to_owned())),
            Some(_) => Err(AppError::invalid(field, "is not an id")),
            None => Ok(None),
        }
    };
    let date = |raw: &Option<Short>, field: &'static str| kt_http::input::rfc3339(raw.as_deref(), field);
    let status = keep(
        &mut errors,
        p.status
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_enum::<Status>(s, "status", STATUSES))
            .collect::<Result<Vec<_>, _>>(),
    );
    let priority =
        keep(&mut errors, p.priority.as_deref().map(|s| parse_enum::<Priority>(s, "priority", PRIORITIES)).transpose());
    let category =
        keep(&mut errors, p.category.as_deref().map(|s| parse_enum::<Category>(s, "category", CATEGORIES)).transpose());
    let org = keep(&mut errors, id_of(&p.org_id, "org_id"));
    let assignee = keep(&mut errors, id_of(&p.assignee_id, "assignee_id"));
    let requester = keep(&mut errors, id_of(&p.requester_id, "requester_id"));
    let created_from = keep(&mut errors, date(&p.created_from, "created_from"));
    let created_to = keep(&mut errors, date(&p.created_to, "created_to"));
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Filter {
        org: org.flatten().and_then(|o| OrgId::try_from(o).ok()),
        status: status.unwrap_or_default(),
        priority: priority.flatten(),
        category: category.flatten(),
        assignee: assignee.flatten().and_then(|a| UserId::try_from(a).ok()),
        requester: requester.flatten().and_then(|r| UserId::try_from(r).ok()),
        created_from: created_from.flatten(),
        created_to: created_to.flatten(),
        number: p.number.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned),
    })
}

/// The tenant's tickets the caller may see, newest first: partners and partner staff see all
/// of their tenant's, clients their organizations', staff everyone's.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets", tag = "tickets",
    params(("tenant_id" = String, Path), TicketFilterParams, PageParams),
    responses((status = 200, body = Paginated<TicketView>), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_tickets(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<TicketFilterParams>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<TicketView>>, ApiError> {
    let filter = parse_filter(&params)?;
    let (items, next_cursor) = listing::list(&app, &auth.actor, &tenant, &filter, page.limit()?, page.cursor()).await?;
    let mut views = Vec::with_capacity(items.len());
    for t in &items {
        let standing = match params.with_positions {
            Some(true) => tickets::standing(&app, t).await?,
            _ => None,
        };
        views.push(ticket_view(&tenant, t, 0, standing.as_ref(), false, &auth.actor));
    }
    Ok(Json(Paginated { items: views, next_cursor }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TicketCountsView {
    /// Tickets by status (every status present, zeros included).
    #[schema(value_type = Object)]
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// Tickets by priority.
    #[schema(value_type = Object)]
    pub by_priority: std::collections::BTreeMap<String, i64>,
    pub total: i64,
    pub satisfaction: SatisfactionFiguresView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SatisfactionFiguresView {
    /// Ratings given.
    pub count: i64,
    /// Their mean, to two decimals (0 when there are none).
    pub average: f64,
    /// How many gave 1, 2, 3, 4 and 5.
    pub by_rating: [i64; 5],
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountParams {
    /// One client organization's counts (clients: one of their own).
    pub org_id: Option<Id>,
}

/// Aggregate counts by status and priority for the tenant (those who manage its tickets) or
/// one organization.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/counts", tag = "tickets",
    params(("tenant_id" = String, Path), CountParams),
    responses((status = 200, body = TicketCountsView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn ticket_counts(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<CountParams>,
) -> Result<Json<TicketCountsView>, ApiError> {
    let org = match params.org_id.as_deref() {
        Some(o) => Some(OrgId::try_from(o.to_owned()).map_err(|_| AppError::invalid("org_id", "is not an id"))?),
        None => None,
    };
    let c = listing::counts(&app, &auth.actor, &tenant, org.as_ref()).await?;
    Ok(Json(TicketCountsView {
        by_status: c.by_status.into_iter().map(|(s, n)| (s.as_str().to_owned(), n)).collect(),
        by_priority: c.by_priority.into_iter().map(|(p, n)| (p.as_str().to_owned(), n)).collect(),
        total: c.total,
        satisfaction: SatisfactionFiguresView {
            count: c.satisfaction.count,
            average: c.satisfaction.average,
            by_rating: c.satisfaction.by_rating,
        },
    }))
}

/// One ticket with its place in the queue and the estimated response time.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = TicketView, headers(("ETag" = String))), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_ticket(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let t = tickets::get(&app, &auth.actor, &tenant, &id).await?;
    let standing = tickets::standing(&app, &t.value).await?;
    let mut view = ticket_view(&tenant, &t.value, t.version, standing.as_ref(), true, &auth.actor);
    view.requester = requester_view(&app, &tenant, &t.value, &auth.actor).await?;
    Ok(with_etag(t.version, Json(view)))
}

/// Who filed `t`, as `viewer` may see them.
async fn requester_view(
    app: &AppState,
    tenant: &kt_domain::tenancy::Tenant,
    t: &kt_domain::ticket::Ticket,
    viewer: &kt_domain::policy::Actor,
) -> Result<Option<views::PersonView>, ApiError> {
    let people = kt_app::identity::people::lookup(app, &tenant.id, [&t.requester]).await?;
    let Some(person) = people.get(&t.requester) else { return Ok(None) };
    let org = kt_store::accounts::get_org(app.store.as_ref(), &tenant.id, &t.org).await.map_err(AppError::from)?;
    Ok(Some(views::PersonView {
        id: person.id.to_string(),
        initials: kt_app::identity::people::initials(&person.name),
        name: person.name.clone(),
        email: (viewer.role != kt_domain::identity::Role::Client).then(|| person.email.to_string()),
        org: org.map(|o| views::OrgView { id: o.value.id.to_string(), name: o.value.name }),
    }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketUpdate {
    #[schema(example = "The contact form no longer sends mail")]
    pub subject: Option<Subject>,
    #[schema(schema_with = words::status, example = "in_progress")]
    pub status: Option<Short>,
    #[schema(schema_with = words::priority, example = "high")]
    pub priority: Option<Short>,
    #[schema(schema_with = words::category, example = "bug_report")]
    pub category: Option<Short>,
    /// A user id, or `null` to unassign.
    #[serde(default, deserialize_with = "kt_http::extract::double_option")]
    #[schema(value_type = Option<Id>, example = "01JD00000000000000000000G1")]
    pub assignee_id: Option<Option<Id>>,
    #[schema(example = json!(["website"]))]
    pub tags: Option<Vec<Short>>,
    #[schema(example = json!([]))]
    pub watcher_ids: Option<Vec<Id>>,
}

/// `null` -> `Some(None)`, absent -> `None`.
fn parse_update(body: TicketUpdate) -> Result<Change, AppError> {
    let mut errors = Vec::new();
    let status =
        keep(&mut errors, body.status.as_deref().map(|s| parse_enum::<Status>(s, "status", STATUSES)).transpose());
    let priority = keep(
        &mut errors,
        body.priority.as_deref().map(|s| parse_enum::<Priority>(s, "priority", PRIORITIES)).transpose(),
    );
    let category = keep(
        &mut errors,
        body.category.as_deref().map(|s| parse_enum::<Category>(s, "category", CATEGORIES)).transpose(),
    );
    let assignee = keep(
        &mut errors,
        body.assignee_id
            .map(|a| {
                a.map(UserId::try_from).transpose().map_err(|_| AppError::invalid("assignee_id", "is not a user id"))
            })
            .transpose(),
    );
    let watchers = keep(
        &mut errors,
        body.watcher_ids
            .map(|ws| {
                ws.into_iter()
                    .map(UserId::try_from)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| AppError::invalid("watcher_ids", "are not all user ids"))
            })
            .transpose(),
    );
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Change {
        subject: body.subject.map(Into::into),
        status: status.flatten(),
        priority: priority.flatten(),
        category: category.flatten(),
        assignee: assignee.flatten(),
        tags: body.tags.map(kt_http::input::texts),
        watchers: watchers.flatten(),
    })
}

/// Edits a ticket (staff, partners, partner staff). Status changes follow the allowed
/// transitions and move the ticket in or out of the queue; every change is in the activity log.
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}", tag = "tickets", request_body = TicketUpdate,
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path), ("If-Match" = Option<String>, Header, description = "The ETag read; 412 if it changed since")),
    responses((status = 200, body = TicketView, headers(("ETag" = String))), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_ticket(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<TicketUpdate>,
) -> Result<Response, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let expected = etag::if_match(&headers)?;
    let change = parse_update(body)?;
    let t = tickets::change(&app, &auth.actor, &tenant, &id, change, expected).await?;
    let standing = tickets::standing(&app, &t.value).await?;
    let mut view = ticket_view(&tenant, &t.value, t.version, standing.as_ref(), true, &auth.actor);
    view.requester = requester_view(&app, &tenant, &t.value, &auth.actor).await?;
    Ok(with_etag(t.version, Json(view)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PositionView {
    pub ticket_id: String,
    pub status: String,
    /// Absent when the ticket is not waiting for staff.
    pub queue: Option<QueueView>,
}

/// Where a ticket stands: "#3 of 12 in the High queue" and the estimated response time.
/// One batch read of O(log n) items, whatever the queue's length.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/tickets/{ticket_id}/position", tag = "tickets",
    params(("tenant_id" = String, Path), ("ticket_id" = String, Path)),
    responses((status = 200, body = PositionView), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn ticket_position(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path(path): Path<(String, String)>,
) -> Result<Json<PositionView>, ApiError> {
    let id = parse_ticket_id(&path.1)?;
    let t = tickets::get(&app, &auth.actor, &tenant, &id).await?.value;
    let standing = tickets::position(&app, &auth.actor, &tenant, &id).await?;
    Ok(Json(PositionView {
        ticket_id: t.id.to_string(),
        status: t.status.as_str().into(),
        queue: standing.as_ref().map(queue_view),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    pub priority: kt_http::input::PriorityParam,
}

/// One priority's work queue across every tenant, first in first (Kre8ivTech staff).
#[utoipa::path(get, path = "/api/v1/queue", tag = "tickets", params(QueueParams, PageParams),
    responses((status = 200, body = Paginated<TicketView>), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn work_queue(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(params): ApiQuery<QueueParams>,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<TicketView>>, ApiError> {
    let priority = parse_enum::<Priority>(&params.priority, "priority", PRIORITIES)?;
    let (items, next_cursor) = listing::queue(&app, &auth.actor, priority, page.limit()?, page.cursor()).await?;
    let summary = app
        .store
        .get(&kt_store::tickets::summary_key(priority))
        .await
        .map_err(AppError::from)?
        .and_then(|i| i.to_entity::<kt_domain::ticket::estimate::Summary>().ok());
    let mut views = Vec::with_capacity(items.len());
    for q in &items {
        let tenant = kt_app::identity::tenancy::get(&app, &q.ticket.tenant).await?;
        let standing = QueueStanding {
            at: q.at,
            estimate: kt_domain::ticket::estimate::estimate(
                summary.as_ref(),
                q.at.position,
                kt_domain::ticket::default_first_response_secs(priority),
            ),
        };
        views.push(ticket_view(&tenant, &q.ticket, 0, Some(&standing), false, &auth.actor));
    }
    Ok(Json(Paginated { items: views, next_cursor }))
}

/// How many tickets wait in one priority's queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueLengthView {
    pub priority: String,
    pub length: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueLengthsView {
    /// Every priority, most urgent first.
    pub items: Vec<QueueLengthView>,
}

/// Every priority's queue length across tenants, most urgent first (Kre8ivTech staff): the
/// queue page's tab counts.
#[utoipa::path(get, path = "/api/v1/queue/lengths", tag = "tickets",
    responses((status = 200, body = QueueLengthsView), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn queue_lengths(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<QueueLengthsView>, ApiError> {
    let items = listing::queue_lengths(&app, &auth.actor)
        .await?
        .into_iter()
        .map(|(p, length)| QueueLengthView { priority: p.as_str().to_owned(), length })
        .collect();
    Ok(Json(QueueLengthsView { items }))
}
