//! Managing tenants, organizations and users (PRD 3.2's tenant- and user-management rows).
//! Tenant-owned collections are addressed by tenant id, so Kre8ivTech staff on the house portal
//! and a partner on its own portal use the same routes; the policy decides who sees what.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use kt_app::identity::accounts::{self as accounts_uc, NewUser};
use kt_app::identity::tenancy::{self, NewTenant};
use kt_app::{AppError, AppState};
use kt_domain::identity::{OrgId, Role, UserId};
use kt_domain::policy::Permission;
use kt_domain::tenancy::{Tenant, TenantKind, TenantStatus, UserStatus};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::extract::non_null;
use kt_http::input::{Email, Id, Name, Password, Short, words};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use kt_store::{accounts, tenants};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::{OrgView, UserView, user_view};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tenants, create_tenant))
        .routes(routes!(set_tenant_status))
        .routes(routes!(list_orgs, create_org))
        .routes(routes!(list_users, create_user))
        .routes(routes!(update_user))
        .routes(routes!(add_membership, remove_membership))
        .routes(routes!(resend_invitation))
        .routes(routes!(reset_two_factor))
        .routes(routes!(update_settings))
        .routes(routes!(list_audit))
        .routes(routes!(export_audit))
        .merge(crate::tenant_branding::router())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TenantView {
    pub id: String,
    pub slug: String,
    pub name: String,
    /// `house` or `partner`.
    pub kind: String,
    pub ticket_prefix: String,
    /// `active` or `suspended`.
    pub status: String,
    /// Roles that must sign in with a second factor.
    #[schema(value_type = Vec<String>)]
    pub require_2fa: Vec<Role>,
    /// Whether clients may hold read-only API keys.
    pub client_api_enabled: bool,
}

fn tenant_view(t: &Tenant) -> TenantView {
    TenantView {
        id: t.id.to_string(),
        slug: t.slug.to_string(),
        name: t.name.clone(),
        kind: if t.kind == TenantKind::House { "house" } else { "partner" }.into(),
        ticket_prefix: t.ticket_prefix.as_str().into(),
        status: if t.status == TenantStatus::Active { "active" } else { "suspended" }.into(),
        require_2fa: t.settings.require_2fa.clone(),
        client_api_enabled: t.settings.client_api_enabled,
    }
}

/// Asks the policy about the tenant in the path (404 when out of sight, existence not revealed).
fn require(auth: &Auth, tenant: &Tenant, permission: Permission) -> Result<(), ApiError> {
    Ok(accounts_uc::require(Some(&auth.actor), permission, tenant)?)
}

/// Every tenant (super admin).
#[utoipa::path(get, path = "/api/v1/tenants", tag = "tenancy", params(PageParams),
    responses((status = 200, body = Paginated<TenantView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_tenants(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<TenantView>>, ApiError> {
    accounts_uc::require(Some(&auth.actor), Permission::ViewAllTenants, &auth.tenant)?;
    let (items, next_cursor) = tenants::list(app.store.as_ref(), page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(tenant_view).collect(), next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenantRequest {
    pub name: Name,
    /// Subdomain: `{slug}.<portal domain>`.
    pub slug: Short,
    /// Ticket number prefix, e.g. `ACME` for ACME-1001.
    pub ticket_prefix: Short,
}

/// Creates a partner tenant (super admin).
#[utoipa::path(post, path = "/api/v1/tenants", tag = "tenancy", request_body = NewTenantRequest,
    responses((status = 201, body = TenantView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_tenant(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NewTenantRequest>,
) -> Result<(StatusCode, Json<TenantView>), ApiError> {
    accounts_uc::require(Some(&auth.actor), Permission::ManageSystemSettings, &auth.tenant)?;
    let input = NewTenant { name: body.name.into(), slug: body.slug.into(), ticket_prefix: body.ticket_prefix.into() };
    let tenant = tenancy::create(&app, &input, TenantKind::Partner).await?;
    Ok((StatusCode::CREATED, Json(tenant_view(&tenant))))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantStatusRequest {
    #[schema(schema_with = words::tenant_status)]
    pub status: Short,
}

/// Suspends or reactivates a tenant (super admin); suspension locks its users out at once.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/status", tag = "tenancy", request_body = TenantStatusRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = TenantView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn set_tenant_status(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<TenantStatusRequest>,
) -> Result<Json<TenantView>, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let status = match body.status.as_str() {
        "active" => TenantStatus::Active,
        "suspended" => TenantStatus::Suspended,
        _ => return Err(AppError::invalid("status", "use active or suspended").into()),
    };
    Ok(Json(tenant_view(&tenancy::set_status(&app, &auth.actor, &tenant.id, status, &client).await?)))
}

/// A tenant's client organizations.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/orgs", tag = "accounts", params(("tenant_id" = String, Path), PageParams),
    responses((status = 200, body = Paginated<OrgView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_orgs(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<OrgView>>, ApiError> {
    require(&auth, &tenant, Permission::ManagePartnerClients)?;
    let (items, next_cursor) =
        accounts::list_orgs(app.store.as_ref(), &tenant.id, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated {
        items: items.into_iter().map(|o| OrgView { id: o.id.to_string(), name: o.name }).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrgRequest {
    pub name: Name,
}

/// Creates a client organization in a tenant.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/orgs", tag = "accounts", request_body = NewOrgRequest, params(("tenant_id" = String, Path)),
    responses((status = 201, body = OrgView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_org(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<NewOrgRequest>,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    let client = kt_http::auth::client_info(&headers);
    require(&auth, &tenant, Permission::ManagePartnerClients)?;
    let org = accounts_uc::create_org(&app, Some(&auth.actor), &tenant, &body.name, &client).await?;
    Ok((StatusCode::CREATED, Json(OrgView { id: org.id.to_string(), name: org.name })))
}

/// A tenant's users.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/users", tag = "accounts", params(("tenant_id" = String, Path), PageParams),
    responses((status = 200, body = Paginated<UserView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_users(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<UserView>>, ApiError> {
    require(&auth, &tenant, Permission::ManagePartnerClients)?;
    let (items, next_cursor) =
        accounts::list_users(app.store.as_ref(), &tenant.id, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(user_view).collect(), next_cursor }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub email: Email,
    pub name: Name,
    #[schema(schema_with = words::role)]
    pub role: Role,
    /// Organizations of a client (at least one).
    #[serde(default)]
    pub orgs: Vec<Id>,
    /// Sets the password directly; invitations by email come with their own route.
    pub password: Option<Password>,
}

/// Creates a user in a tenant (who may create whom follows the permission matrix).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/users", tag = "accounts", request_body = NewUserRequest, params(("tenant_id" = String, Path)),
    responses((status = 201, body = UserView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_user(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let mut orgs = Vec::new();
    for raw in &body.orgs {
        orgs.push(
            OrgId::try_from(raw.clone().into_inner())
                .map_err(|_| AppError::invalid("orgs", format!("{raw:?} is not an organization id")))?,
        );
    }
    let input = NewUser {
        email: body.email.into(),
        name: body.name.into(),
        role: body.role,
        password: body.password.map(Into::into),
        orgs,
    };
    let user = accounts_uc::create_user(&app, Some(&auth.actor), &tenant, input, &client).await?;
    Ok((StatusCode::CREATED, Json(user_view(&user))))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An action or a prefix of one (`auth` matches `auth.sign_in`, `auth.sign_in_failed`).
    pub action: Option<Short>,
    /// Only entries by this user id.
    pub actor: Option<Id>,
    /// RFC 3339 lower bound of the time.
    pub from: Option<Short>,
    /// RFC 3339 upper bound of the time.
    pub to: Option<Short>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<kt_http::input::Cursor>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: String,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
    pub action: String,
    pub actor: Option<String>,
    /// The acting user's name (`null` for the system or an unknown caller).
    pub actor_name: Option<String>,
    pub target: Option<String>,
    /// The name of the user, organization or tenant `target` names, when it names one.
    pub target_name: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

fn parse_filter(q: &AuditQuery) -> Result<kt_app::identity::audit::AuditFilter, ApiError> {
    let time = |field: &'static str, v: &Option<Short>| -> Result<Option<time::OffsetDateTime>, ApiError> {
        v.as_deref()
            .map(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339))
            .transpose()
            .map_err(|_| AppError::invalid(field, "use an RFC 3339 time such as 2026-11-25T10:00:00Z").into())
    };
    Ok(kt_app::identity::audit::AuditFilter {
        action: q.action.clone().map(Into::into),
        actor: q.actor.clone().map(Into::into),
        from: time("from", &q.from)?,
        to: time("to", &q.to)?,
    })
}

/// A tenant's audit log (30 days), newest first, with filters.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/audit", tag = "audit", params(("tenant_id" = String, Path), AuditQuery),
    responses((status = 200, body = Paginated<AuditView>), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_audit(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<Paginated<AuditView>>, ApiError> {
    let filter = parse_filter(&q)?;
    let limit = PageParams { limit: q.limit, cursor: None }.limit()?;
    let (entries, next_cursor) =
        kt_app::identity::audit::list(&app, &auth.actor, &tenant, &filter, limit, q.cursor.clone().map(Into::into))
            .await?;
    let names = kt_app::identity::audit::names(&app, &tenant.id, &entries).await?;
    let items = entries
        .into_iter()
        .zip(names)
        .map(|(e, (actor_name, target_name))| AuditView {
            id: e.id,
            at: e.at,
            action: e.action,
            actor: e.actor.map(|a| a.to_string()),
            actor_name,
            target: e.target,
            target_name,
            ip: e.ip,
            user_agent: e.user_agent,
        })
        .collect();
    Ok(Json(Paginated { items, next_cursor }))
}

/// The same entries as CSV (up to 10,000 rows), for spreadsheets and auditors.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/audit/export", tag = "audit", params(("tenant_id" = String, Path), AuditQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn export_audit(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let filter = parse_filter(&q)?;
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let (entries, next) = kt_app::identity::audit::list(&app, &auth.actor, &tenant, &filter, 100, cursor).await?;
        all.extend(entries);
        match next {
            Some(c) if all.len() < 10_000 => cursor = Some(c),
            _ => break,
        }
    }
    let csv = kt_app::identity::audit::to_csv(&all);
    let name = format!("attachment; filename=\"audit-{}.csv\"", tenant.slug);
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, name),
        ],
        csv,
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantSettingsRequest {
    /// Roles that must sign in with a second factor (replaces the list).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(schema_with = words::roles, example = json!(["partner", "partner_staff"]))]
    pub require_2fa: Option<Vec<Role>>,
    /// Whether clients may hold read-only API keys.
    #[serde(default, deserialize_with = "non_null")]
    pub client_api_enabled: Option<bool>,
}

/// Changes a tenant's security settings (the super admin, or the partner for its tenant).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/settings", tag = "tenancy", request_body = TenantSettingsRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = TenantView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_settings(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    ApiJson(body): ApiJson<TenantSettingsRequest>,
) -> Result<Json<TenantView>, ApiError> {
    if body.require_2fa.is_none() && body.client_api_enabled.is_none() {
        return Err(AppError::invalid("body", "name what to change: require_2fa or client_api_enabled").into());
    }
    let client = kt_http::auth::client_info(&headers);
    let change = tenancy::SettingsChange { require_2fa: body.require_2fa, client_api_enabled: body.client_api_enabled };
    Ok(Json(tenant_view(&tenancy::update_settings(&app, &auth.actor, &tenant.id, change, &client).await?)))
}

/// The `{user_id}` (and `{org_id}`) path parameters; malformed ids are simply not found.
fn parse_user_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::try_from(raw.to_owned()).map_err(|_| ApiError::not_found())
}

fn parse_org_id(raw: &str) -> Result<OrgId, ApiError> {
    OrgId::try_from(raw.to_owned()).map_err(|_| ApiError::not_found())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChangeRequest {
    #[serde(default, deserialize_with = "non_null")]
    pub name: Option<Name>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(schema_with = words::role, example = "partner_staff")]
    pub role: Option<Role>,
    /// `active` or `disabled`.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(schema_with = words::user_status, example = "disabled")]
    pub status: Option<UserStatus>,
}

/// Renames a user, changes their role, disables or re-enables them (disabling ends their
/// sessions). Every change is in the audit log.
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/users/{user_id}", tag = "accounts", request_body = UserChangeRequest,
    params(("tenant_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 200, body = UserView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_user(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, user_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<UserChangeRequest>,
) -> Result<Json<UserView>, ApiError> {
    if body.name.is_none() && body.role.is_none() && body.status.is_none() {
        return Err(AppError::invalid("body", "name what to change: name, role or status").into());
    }
    let client = kt_http::auth::client_info(&headers);
    let change = accounts_uc::UserChange { name: body.name.map(Into::into), role: body.role, status: body.status };
    let user = accounts_uc::update_user(&app, &auth.actor, &tenant, &parse_user_id(&user_id)?, change, &client).await?;
    Ok(Json(user_view(&user)))
}

/// Adds a client to an organization of the tenant (idempotent).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/users/{user_id}/orgs/{org_id}", tag = "accounts",
    params(("tenant_id" = String, Path), ("user_id" = String, Path), ("org_id" = String, Path)),
    responses((status = 204, description = "A member"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn add_membership(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, user_id, org_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let (user, org) = (parse_user_id(&user_id)?, parse_org_id(&org_id)?);
    accounts_uc::add_membership(&app, &auth.actor, &tenant, &user, &org, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a client out of an organization (a client keeps at least one).
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/users/{user_id}/orgs/{org_id}", tag = "accounts",
    params(("tenant_id" = String, Path), ("user_id" = String, Path), ("org_id" = String, Path)),
    responses((status = 204, description = "No longer a member"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn remove_membership(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, user_id, org_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    let (user, org) = (parse_user_id(&user_id)?, parse_org_id(&org_id)?);
    accounts_uc::remove_membership(&app, &auth.actor, &tenant, &user, &org, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends a fresh invitation to a user who has not accepted yet.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/users/{user_id}/invitation", tag = "accounts",
    params(("tenant_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 202, description = "Sent"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn resend_invitation(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    accounts_uc::resend_invitation(&app, &auth.actor, &tenant, &parse_user_id(&user_id)?, &client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Clears a user's second factors (a lost phone); they set one up again when required.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/users/{user_id}/two-factor", tag = "accounts",
    params(("tenant_id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204, description = "Cleared"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Your own factors change in your security settings", body = Problem, content_type = "application/problem+json")))]
async fn reset_two_factor(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let client = kt_http::auth::client_info(&headers);
    kt_app::identity::two_factor::reset(&app, &auth.actor, &tenant, &parse_user_id(&user_id)?, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
