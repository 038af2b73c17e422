//! Managing tenants, organizations and users (PRD 3.2's tenant- and user-management rows).
//! Tenant-owned collections are addressed by tenant id, so Kre8ivTech staff on the house portal
//! and a partner on its own portal use the same routes; the policy decides who sees what.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kt_app::identity::accounts::{self as accounts_uc, NewUser};
use kt_app::identity::tenancy::{self, NewTenant};
use kt_app::{AppError, AppState};
use kt_domain::identity::{OrgId, Role, TenantId};
use kt_domain::policy::Permission;
use kt_domain::tenancy::{Tenant, TenantKind, TenantStatus};
use kt_http::auth::Auth;
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, Problem};
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
}

fn tenant_view(t: &Tenant) -> TenantView {
    TenantView {
        id: t.id.to_string(),
        slug: t.slug.to_string(),
        name: t.name.clone(),
        kind: if t.kind == TenantKind::House {
            "house"
        } else {
            "partner"
        }
        .into(),
        ticket_prefix: t.ticket_prefix.as_str().into(),
        status: if t.status == TenantStatus::Active {
            "active"
        } else {
            "suspended"
        }
        .into(),
    }
}

fn parse_tenant_id(raw: &str) -> Result<TenantId, ApiError> {
    TenantId::try_from(raw.to_owned()).map_err(|_| ApiError::not_found())
}

/// The tenant in the path, if the actor may see it (else 404, existence not revealed).
async fn path_tenant(
    app: &AppState,
    auth: &Auth,
    raw: &str,
    permission: Permission,
) -> Result<Tenant, ApiError> {
    let id = parse_tenant_id(raw)?;
    let tenant = tenancy::get(app, &id).await?;
    accounts_uc::require(Some(&auth.actor), permission, &tenant)?;
    Ok(tenant)
}

/// Every tenant (super admin).
#[utoipa::path(get, path = "/api/v1/tenants", tag = "tenancy", params(PageParams),
    responses((status = 200, body = Paginated<TenantView>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_tenants(
    State(app): State<AppState>,
    auth: Auth,
    Query(page): Query<PageParams>,
) -> Result<Json<Paginated<TenantView>>, ApiError> {
    accounts_uc::require(Some(&auth.actor), Permission::ViewAllTenants, &auth.tenant)?;
    let (items, next_cursor) =
        tenants::list(app.store.as_ref(), page.limit()?, page.cursor.clone()).await?;
    Ok(Json(Paginated {
        items: items.iter().map(tenant_view).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTenantRequest {
    pub name: String,
    /// Subdomain: `{slug}.<portal domain>`.
    pub slug: String,
    /// Ticket number prefix, e.g. `ACME` for ACME-1001.
    pub ticket_prefix: String,
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
    accounts_uc::require(
        Some(&auth.actor),
        Permission::ManageSystemSettings,
        &auth.tenant,
    )?;
    let input = NewTenant {
        name: body.name,
        slug: body.slug,
        ticket_prefix: body.ticket_prefix,
    };
    let tenant = tenancy::create(&app, &input, TenantKind::Partner).await?;
    Ok((StatusCode::CREATED, Json(tenant_view(&tenant))))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TenantStatusRequest {
    /// `active` or `suspended`.
    pub status: String,
}

/// Suspends or reactivates a tenant (super admin); suspension locks its users out at once.
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/status", tag = "tenancy", request_body = TenantStatusRequest,
    params(("tenant_id" = String, Path)),
    responses((status = 200, body = TenantView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn set_tenant_status(
    State(app): State<AppState>,
    auth: Auth,
    Path(tenant_id): Path<String>,
    ApiJson(body): ApiJson<TenantStatusRequest>,
) -> Result<Json<TenantView>, ApiError> {
    let status = match body.status.as_str() {
        "active" => TenantStatus::Active,
        "suspended" => TenantStatus::Suspended,
        _ => return Err(AppError::invalid("status", "use active or suspended").into()),
    };
    let id = parse_tenant_id(&tenant_id)?;
    Ok(Json(tenant_view(
        &tenancy::set_status(&app, &auth.actor, &id, status).await?,
    )))
}

/// A tenant's client organizations.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/orgs", tag = "accounts", params(("tenant_id" = String, Path), PageParams),
    responses((status = 200, body = Paginated<OrgView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_orgs(
    State(app): State<AppState>,
    auth: Auth,
    Path(tenant_id): Path<String>,
    Query(page): Query<PageParams>,
) -> Result<Json<Paginated<OrgView>>, ApiError> {
    let tenant = path_tenant(&app, &auth, &tenant_id, Permission::ManagePartnerClients).await?;
    let (items, next_cursor) = accounts::list_orgs(
        app.store.as_ref(),
        &tenant.id,
        page.limit()?,
        page.cursor.clone(),
    )
    .await?;
    Ok(Json(Paginated {
        items: items
            .into_iter()
            .map(|o| OrgView {
                id: o.id.to_string(),
                name: o.name,
            })
            .collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewOrgRequest {
    pub name: String,
}

/// Creates a client organization in a tenant.
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/orgs", tag = "accounts", request_body = NewOrgRequest, params(("tenant_id" = String, Path)),
    responses((status = 201, body = OrgView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_org(
    State(app): State<AppState>,
    auth: Auth,
    Path(tenant_id): Path<String>,
    ApiJson(body): ApiJson<NewOrgRequest>,
) -> Result<(StatusCode, Json<OrgView>), ApiError> {
    let tenant = path_tenant(&app, &auth, &tenant_id, Permission::ManagePartnerClients).await?;
    let org = accounts_uc::create_org(&app, Some(&auth.actor), &tenant, &body.name).await?;
    Ok((
        StatusCode::CREATED,
        Json(OrgView {
            id: org.id.to_string(),
            name: org.name,
        }),
    ))
}

/// A tenant's users.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/users", tag = "accounts", params(("tenant_id" = String, Path), PageParams),
    responses((status = 200, body = Paginated<UserView>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_users(
    State(app): State<AppState>,
    auth: Auth,
    Path(tenant_id): Path<String>,
    Query(page): Query<PageParams>,
) -> Result<Json<Paginated<UserView>>, ApiError> {
    let tenant = path_tenant(&app, &auth, &tenant_id, Permission::ManagePartnerClients).await?;
    let (items, next_cursor) = accounts::list_users(
        app.store.as_ref(),
        &tenant.id,
        page.limit()?,
        page.cursor.clone(),
    )
    .await?;
    Ok(Json(Paginated {
        items: items.iter().map(user_view).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewUserRequest {
    pub email: String,
    pub name: String,
    /// super_admin, staff, partner, partner_staff or client.
    #[schema(value_type = String)]
    pub role: Role,
    /// Organizations of a client (at least one).
    #[serde(default)]
    pub orgs: Vec<String>,
    /// Sets the password directly; invitations by email come with their own route.
    pub password: Option<String>,
}

/// Creates a user in a tenant (who may create whom follows the permission matrix).
#[utoipa::path(post, path = "/api/v1/tenants/{tenant_id}/users", tag = "accounts", request_body = NewUserRequest, params(("tenant_id" = String, Path)),
    responses((status = 201, body = UserView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_user(
    State(app): State<AppState>,
    auth: Auth,
    Path(tenant_id): Path<String>,
    ApiJson(body): ApiJson<NewUserRequest>,
) -> Result<(StatusCode, Json<UserView>), ApiError> {
    let id = parse_tenant_id(&tenant_id)?;
    let tenant = tenancy::get(&app, &id).await?;
    let mut orgs = Vec::new();
    for raw in &body.orgs {
        orgs.push(OrgId::try_from(raw.clone()).map_err(|_| {
            AppError::invalid("orgs", format!("{raw:?} is not an organization id"))
        })?);
    }
    let input = NewUser {
        email: body.email,
        name: body.name,
        role: body.role,
        password: body.password,
        orgs,
    };
    let user = accounts_uc::create_user(&app, Some(&auth.actor), &tenant, input).await?;
    Ok((StatusCode::CREATED, Json(user_view(&user))))
}
