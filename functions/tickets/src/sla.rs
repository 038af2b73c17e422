//! Service-level routes: the policy at each scope (the platform default, a tenant's, one
//! organization's), with its business-hours calendar, and the compliance figures for the
//! dashboards. Times of day are `HH:MM`, targets are minutes, dates `YYYY-MM-DD`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kt_app::tickets::sla::{self, Scope};
use kt_app::{AppError, AppState, FieldError};
use kt_domain::identity::{OrgId, TenantId};
use kt_domain::sla::{Calendar, Escalation, Policy, Shift, Targets};
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Id, PolicyName, Short};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_platform_policy, put_platform_policy, delete_platform_policy))
        .routes(routes!(get_tenant_policy, put_tenant_policy, delete_tenant_policy))
        .routes(routes!(tenant_compliance))
        .routes(routes!(platform_compliance))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsBody {
    #[schema(example = 240, minimum = 1, maximum = 527040)]
    pub first_response_minutes: i64,
    #[schema(example = 1440, minimum = 1, maximum = 527040)]
    pub resolution_minutes: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorityTargets {
    pub low: TargetsBody,
    pub medium: TargetsBody,
    pub high: TargetsBody,
    pub critical: TargetsBody,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftBody {
    #[schema(example = "09:00")]
    pub start: Short,
    #[schema(example = "17:00")]
    pub end: Short,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarBody {
    #[schema(example = "Office hours")]
    pub name: PolicyName,
    #[schema(example = "Europe/Berlin")]
    pub time_zone: Short,
    /// Seven lists of shifts, Monday first; all empty means around the clock.
    pub weekly: Vec<Vec<ShiftBody>>,
    /// Days off, `YYYY-MM-DD`.
    #[serde(default)]
    pub holidays: Vec<Short>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationBody {
    #[schema(schema_with = escalation_actions, example = "notify")]
    pub action: Short,
    /// The person to hand the ticket to (`reassign`).
    pub user_id: Option<Id>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    #[schema(example = "Standard")]
    pub name: PolicyName,
    pub targets: PriorityTargets,
    pub calendar: CalendarBody,
    /// Percent of a target at which the warning is raised.
    #[schema(example = 80)]
    pub warn_percent: u8,
    #[serde(default)]
    pub on_warning: Vec<EscalationBody>,
    #[serde(default)]
    pub on_breach: Vec<EscalationBody>,
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    ((h < 24 && m < 60) || (h == 24 && m == 0)).then_some(h * 60 + m)
}

fn escalation_body(e: &Escalation) -> EscalationBody {
    match e {
        Escalation::Notify => EscalationBody { action: "notify".into(), user_id: None },
        Escalation::RaisePriority => EscalationBody { action: "raise_priority".into(), user_id: None },
        Escalation::Reassign { user_id } => {
            EscalationBody { action: "reassign".into(), user_id: Some(user_id.clone().into()) }
        }
    }
}

pub fn policy_body(p: &Policy) -> PolicyBody {
    let t = |t: Targets| TargetsBody {
        first_response_minutes: t.first_response_secs / 60,
        resolution_minutes: t.resolution_secs / 60,
    };
    PolicyBody {
        name: p.name.clone().into(),
        targets: PriorityTargets {
            low: t(p.targets[0]),
            medium: t(p.targets[1]),
            high: t(p.targets[2]),
            critical: t(p.targets[3]),
        },
        calendar: CalendarBody {
            name: p.calendar.name.clone().into(),
            time_zone: p.calendar.time_zone.clone().into(),
            weekly: p
                .calendar
                .weekly
                .iter()
                .map(|day| {
                    day.iter().map(|s| ShiftBody { start: hhmm(s.start).into(), end: hhmm(s.end).into() }).collect()
                })
                .collect(),
            holidays: p.calendar.holidays.iter().map(|d| d.to_string().into()).collect(),
        },
        warn_percent: p.warn_percent,
        on_warning: p.on_warning.iter().map(escalation_body).collect(),
        on_breach: p.on_breach.iter().map(escalation_body).collect(),
    }
}

/// The longest target: a (leap) year of minutes.
const MAX_TARGET_MINUTES: i64 = 366 * 24 * 60;

fn parse_policy(b: PolicyBody) -> Result<Policy, AppError> {
    let mut errors = Vec::new();
    let all = [&b.targets.low, &b.targets.medium, &b.targets.high, &b.targets.critical];
    if all
        .iter()
        .flat_map(|t| [t.first_response_minutes, t.resolution_minutes])
        .any(|m| !(1..=MAX_TARGET_MINUTES).contains(&m))
    {
        errors.push(FieldError::new("targets", format!("use 1 to {MAX_TARGET_MINUTES} minutes (a leap year)")));
    }
    let t = |t: &TargetsBody| Targets {
        first_response_secs: t.first_response_minutes.clamp(0, MAX_TARGET_MINUTES) * 60,
        resolution_secs: t.resolution_minutes.clamp(0, MAX_TARGET_MINUTES) * 60,
    };
    if b.calendar.weekly.len() != 7 {
        errors.push(FieldError::new("calendar.weekly", "give seven days, Monday first"));
    }
    let mut weekly: [Vec<Shift>; 7] = Default::default();
    for (i, day) in b.calendar.weekly.iter().take(7).enumerate() {
        for s in day {
            match (parse_hhmm(&s.start), parse_hhmm(&s.end)) {
                (Some(start), Some(end)) => weekly[i].push(Shift { start, end }),
                _ => errors.push(FieldError::new(format!("calendar.weekly[{i}]"), "use HH:MM times")),
            }
        }
    }
    let mut holidays = Vec::new();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    for (i, d) in b.calendar.holidays.iter().enumerate() {
        match time::Date::parse(d.trim(), format) {
            Ok(d) => holidays.push(d),
            Err(_) => errors.push(FieldError::new(format!("calendar.holidays[{i}]"), "use YYYY-MM-DD")),
        }
    }
    let escalations = |list: &[EscalationBody], field: &str, errors: &mut Vec<FieldError>| -> Vec<Escalation> {
        let mut out = Vec::new();
        for (i, e) in list.iter().enumerate() {
            match (e.action.as_str(), &e.user_id) {
                ("notify", _) => out.push(Escalation::Notify),
                ("raise_priority", _) => out.push(Escalation::RaisePriority),
                ("reassign", Some(u)) => out.push(Escalation::Reassign { user_id: u.clone().into() }),
                _ => errors.push(FieldError::new(
                    format!("{field}[{i}]"),
                    "use notify, raise_priority, or reassign with a user_id",
                )),
            }
        }
        out
    };
    let on_warning = escalations(&b.on_warning, "on_warning", &mut errors);
    let on_breach = escalations(&b.on_breach, "on_breach", &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(Policy {
        name: b.name.into(),
        targets: [t(&b.targets.low), t(&b.targets.medium), t(&b.targets.high), t(&b.targets.critical)],
        calendar: Calendar { name: b.calendar.name.into(), time_zone: b.calendar.time_zone.into(), weekly, holidays },
        warn_percent: b.warn_percent,
        on_warning,
        on_breach,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyView {
    /// `platform`, `tenant` or `org`: where the policy in force is kept.
    pub scope: String,
    /// Whether this scope has a policy of its own (otherwise `policy` is the one that applies).
    pub own: bool,
    pub policy: PolicyBody,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeParams {
    /// One organization's policy instead of the tenant's.
    pub org_id: Option<Id>,
}

fn org_of(p: &ScopeParams) -> Result<Option<OrgId>, AppError> {
    p.org_id
        .as_deref()
        .map(|o| OrgId::try_from(o.to_owned()).map_err(|_| AppError::invalid("org_id", "is not an id")))
        .transpose()
}

/// The platform's default service levels (super admins change it; staff read it).
#[utoipa::path(get, path = "/api/v1/sla/policy", tag = "sla",
    responses((status = 200, body = PolicyView), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn get_platform_policy(State(app): State<AppState>, auth: Auth) -> Result<Json<PolicyView>, ApiError> {
    let own = sla::get_policy(&app, &auth.actor, Scope::Platform).await?;
    Ok(Json(PolicyView {
        scope: "platform".into(),
        own: own.is_some(),
        policy: policy_body(&own.unwrap_or_else(Policy::default_policy)),
    }))
}

/// Replaces the platform's default service levels (super admin).
#[utoipa::path(put, path = "/api/v1/sla/policy", tag = "sla", request_body = PolicyBody,
    responses((status = 200, body = PolicyView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_platform_policy(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<PolicyBody>,
) -> Result<Json<PolicyView>, ApiError> {
    sla::require_admin(&auth.actor, &Scope::Platform)?;
    let p = sla::set_policy(&app, &auth.actor, Scope::Platform, parse_policy(body)?).await?;
    Ok(Json(PolicyView { scope: "platform".into(), own: true, policy: policy_body(&p) }))
}

/// Goes back to the built-in default (super admin).
#[utoipa::path(delete, path = "/api/v1/sla/policy", tag = "sla",
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn delete_platform_policy(State(app): State<AppState>, auth: Auth) -> Result<StatusCode, ApiError> {
    sla::remove_policy(&app, &auth.actor, Scope::Platform).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn scope<'a>(tenant: &'a TenantId, org: Option<&'a OrgId>) -> Scope<'a> {
    match org {
        Some(o) => Scope::Org(tenant, o),
        None => Scope::Tenant(tenant),
    }
}

/// The service levels a tenant's (or one organization's) tickets run on: its own policy, or
/// the broader one that applies.
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/sla/policy", tag = "sla", params(("tenant_id" = String, Path), ScopeParams),
    responses((status = 200, body = PolicyView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_tenant_policy(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<ScopeParams>,
) -> Result<Json<PolicyView>, ApiError> {
    let org = org_of(&params)?;
    let own = sla::get_policy(&app, &auth.actor, scope(&tenant.id, org.as_ref())).await?;
    let (scope_name, policy) = match own.clone() {
        Some(p) => (if org.is_some() { "org" } else { "tenant" }, p),
        None => {
            let broader = match &org {
                Some(_) => kt_store::sla::get(app.store.as_ref(), &kt_store::sla::tenant_key(&tenant.id))
                    .await
                    .map_err(AppError::from)?,
                None => None,
            };
            match broader {
                Some(p) => ("tenant", p),
                None => match kt_store::sla::get(app.store.as_ref(), &kt_store::sla::default_key())
                    .await
                    .map_err(AppError::from)?
                {
                    Some(p) => ("platform", p),
                    None => ("platform", Policy::default_policy()),
                },
            }
        }
    };
    Ok(Json(PolicyView { scope: scope_name.into(), own: own.is_some(), policy: policy_body(&policy) }))
}

/// Gives a tenant (or one organization) service levels of its own (super admin).
#[utoipa::path(put, path = "/api/v1/tenants/{tenant_id}/sla/policy", tag = "sla", request_body = PolicyBody,
    params(("tenant_id" = String, Path), ScopeParams),
    responses((status = 200, body = PolicyView), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_tenant_policy(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<ScopeParams>,
    ApiJson(body): ApiJson<PolicyBody>,
) -> Result<Json<PolicyView>, ApiError> {
    let org = org_of(&params)?;
    sla::require_admin(&auth.actor, &scope(&tenant.id, org.as_ref()))?;
    if let Some(o) = &org
        && kt_store::accounts::get_org(app.store.as_ref(), &tenant.id, o).await.map_err(AppError::from)?.is_none()
    {
        return Err(AppError::NotFound.into());
    }
    let p = sla::set_policy(&app, &auth.actor, scope(&tenant.id, org.as_ref()), parse_policy(body)?).await?;
    let name = if org.is_some() { "org" } else { "tenant" };
    Ok(Json(PolicyView { scope: name.into(), own: true, policy: policy_body(&p) }))
}

/// Removes a tenant's (or organization's) own policy; the broader one applies again.
#[utoipa::path(delete, path = "/api/v1/tenants/{tenant_id}/sla/policy", tag = "sla", params(("tenant_id" = String, Path), ScopeParams),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_tenant_policy(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(params): ApiQuery<ScopeParams>,
) -> Result<StatusCode, ApiError> {
    let org = org_of(&params)?;
    sla::remove_policy(&app, &auth.actor, scope(&tenant.id, org.as_ref())).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First month, `YYYY-MM`.
    #[param(required = true)]
    pub from: Short,
    /// Last month, `YYYY-MM`.
    #[param(required = true)]
    pub to: Short,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceRow {
    #[schema(example = "2026-12")]
    pub month: String,
    pub priority: String,
    /// `first` (first response) or `resolution`.
    pub clock: String,
    pub met: i64,
    pub missed: i64,
    /// Share met, in percent (absent when nothing was measured).
    pub percent: Option<f64>,
}

fn rows(list: Vec<sla::Compliance>) -> Vec<ComplianceRow> {
    list.into_iter()
        .map(|c| ComplianceRow {
            month: c.month,
            priority: c.priority,
            clock: c.clock,
            met: c.met,
            missed: c.missed,
            percent: c.percent,
        })
        .collect()
}

/// A tenant's SLA compliance per month, priority and clock (staff, super admins, the tenant's partners).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/sla/compliance", tag = "sla", params(("tenant_id" = String, Path), PeriodParams),
    responses((status = 200, body = Vec<ComplianceRow>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn tenant_compliance(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> Result<Json<Vec<ComplianceRow>>, ApiError> {
    Ok(Json(rows(sla::compliance(&app, &auth.actor, Some(&tenant.id), &p.from, &p.to).await?)))
}

/// SLA compliance across every tenant (Kre8ivTech staff and super admins).
#[utoipa::path(get, path = "/api/v1/sla/compliance", tag = "sla", params(PeriodParams),
    responses((status = 200, body = Vec<ComplianceRow>), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn platform_compliance(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> Result<Json<Vec<ComplianceRow>>, ApiError> {
    Ok(Json(rows(sla::compliance(&app, &auth.actor, None, &p.from, &p.to).await?)))
}

/// What an escalation does.
fn escalation_actions() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(["notify", "raise_priority", "reassign"])
}
