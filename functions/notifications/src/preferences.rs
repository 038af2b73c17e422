//! Notification settings (PRD 4.10): mine per kind and channel (in the portal, email, text,
//! browser push) with email at once or in hourly / daily / weekly digests, my time zone and
//! quiet hours; my tenant's defaults per role (whoever configures the tenant); and the log of
//! what was decided for each of my notifications, and why.

use axum::Json;
use axum::extract::State;
use kt_app::AppState;
use kt_app::notifications::settings::{self as uc, Applied, Change, KindChange, Settings};
use kt_domain::notification::preferences::{Channel, Hold, Missing, Outcome, format_clock};
use kt_http::ApiPath as Path;
use kt_http::auth::{Auth, TenantInPath};
use kt_http::input::{Short, words};
use kt_http::pagination::{PageParams, Paginated};
use kt_http::{ApiError, ApiJson, ApiQuery, Problem};
use kt_store::held::Logged;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_preferences, change_preferences))
        .routes(routes!(list_deliveries))
        .routes(routes!(get_role_defaults, change_role_defaults))
}

const DELIVERIES: [&str; 4] = ["instant", "hourly", "daily", "weekly"];

/// One kind's setting as it applies.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationSettingView {
    #[schema(schema_with = words::notification_kind, example = "ticket_reply")]
    pub kind: String,
    pub in_app: bool,
    pub email: bool,
    pub sms: bool,
    pub push: bool,
    /// How mail of this kind goes out: `instant`, or in an `hourly`, `daily` or `weekly` digest.
    #[schema(schema_with = delivery_schema)]
    pub delivery: String,
    /// Whose choice it is: `person` (one's own), `tenant` (the tenant's default for the role)
    /// or `platform`.
    #[schema(schema_with = source_schema)]
    pub source: String,
}

fn delivery_schema() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(DELIVERIES)
}

fn source_schema() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(["person", "tenant", "platform"])
}

fn setting_view(a: &Applied) -> NotificationSettingView {
    NotificationSettingView {
        kind: a.kind.as_str().into(),
        in_app: a.setting.in_app,
        email: a.setting.email,
        sms: a.setting.sms,
        push: a.setting.push,
        delivery: a.setting.delivery.as_str().into(),
        source: a.source.as_str().into(),
    }
}

/// A daily window of quiet, `HH:MM` to `HH:MM` (24-hour) in one's time zone; over midnight
/// when the start is later than the end.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursBody {
    #[schema(example = "22:00")]
    pub start: Short,
    #[schema(example = "07:00")]
    pub end: Short,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPreferencesView {
    /// Every kind the person's role can receive.
    pub kinds: Vec<NotificationSettingView>,
    /// IANA zone of digests and quiet hours.
    pub time_zone: String,
    pub quiet_hours: Option<QuietHoursBody>,
    /// The verified phone texts go to (the one of two-step sign-in), as a hint.
    pub phone_hint: Option<String>,
    /// Browsers with push turned on.
    pub push_devices: u32,
}

fn preferences_view(s: Settings) -> NotificationPreferencesView {
    NotificationPreferencesView {
        kinds: s.kinds.iter().map(setting_view).collect(),
        time_zone: s.time_zone,
        quiet_hours: s.quiet_hours.map(|q| QuietHoursBody {
            start: Short::from(format_clock(q.start)),
            end: Short::from(format_clock(q.end)),
        }),
        phone_hint: s.phone_hint,
        push_devices: s.push_devices,
    }
}

/// A change to one kind: the fields given replace what applies now.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettingChange {
    #[schema(schema_with = words::notification_kind, example = "ticket_reply")]
    pub kind: Short,
    pub in_app: Option<bool>,
    pub email: Option<bool>,
    pub sms: Option<bool>,
    pub push: Option<bool>,
    #[schema(schema_with = delivery_schema)]
    pub delivery: Option<Short>,
}

fn kind_changes(kinds: Option<Vec<NotificationSettingChange>>) -> Vec<KindChange> {
    kinds
        .unwrap_or_default()
        .into_iter()
        .map(|c| KindChange {
            kind: c.kind.into(),
            in_app: c.in_app,
            email: c.email,
            sms: c.sms,
            push: c.push,
            delivery: c.delivery.map(Into::into),
        })
        .collect()
}

fn texts(list: Option<Vec<Short>>) -> Vec<String> {
    list.unwrap_or_default().into_iter().map(Into::into).collect()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferencesChange {
    pub kinds: Option<Vec<NotificationSettingChange>>,
    /// Kinds that go back to the tenant's default for one's role.
    #[schema(schema_with = words::notification_kinds)]
    pub reset: Option<Vec<Short>>,
    #[schema(example = "Europe/Berlin")]
    pub time_zone: Option<Short>,
    /// `null` turns quiet hours off.
    #[serde(default, deserialize_with = "kt_http::extract::double_option")]
    #[schema(value_type = Option<QuietHoursBody>)]
    pub quiet_hours: Option<Option<QuietHoursBody>>,
}

/// My notification settings as they apply, per kind and channel.
#[utoipa::path(get, path = "/api/v1/notifications/preferences", tag = "notifications",
    responses((status = 200, body = NotificationPreferencesView), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn get_preferences(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<NotificationPreferencesView>, ApiError> {
    Ok(Json(preferences_view(uc::preferences(&app, &auth.actor).await?)))
}

/// Changes my notification settings: all of the change, or nothing with every field at fault.
#[utoipa::path(patch, path = "/api/v1/notifications/preferences", tag = "notifications", request_body = NotificationPreferencesChange,
    responses((status = 200, body = NotificationPreferencesView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_preferences(
    State(app): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<NotificationPreferencesChange>,
) -> Result<Json<NotificationPreferencesView>, ApiError> {
    let change = Change {
        kinds: kind_changes(body.kinds),
        reset: texts(body.reset),
        time_zone: body.time_zone.map(Into::into),
        quiet_hours: body.quiet_hours.map(|q| q.map(|q| (q.start.into(), q.end.into()))),
    };
    Ok(Json(preferences_view(uc::change_preferences(&app, &auth.actor, change).await?)))
}

/// What one channel did with a notification.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChannelOutcomeView {
    #[schema(schema_with = channel_schema)]
    pub channel: String,
    /// `sent`, `off` (by the setting), `held` (until `until`) or `unavailable`.
    #[schema(schema_with = outcome_schema)]
    pub outcome: String,
    /// When a held notification goes out.
    pub until: Option<String>,
    /// Why it is held: `hourly_digest`, `daily_digest`, `weekly_digest` or `quiet_hours`.
    pub hold: Option<String>,
    /// What is missing for an unavailable channel: `phone` or `device`.
    pub missing: Option<String>,
}

fn channel_schema() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(Channel::ALL.map(Channel::as_str))
}

fn outcome_schema() -> utoipa::openapi::schema::ObjectBuilder {
    kt_http::input::one_of(["sent", "off", "held", "unavailable"])
}

/// One notification and what was decided for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationDeliveryView {
    /// The notification's id (as in the center, when it is there).
    pub id: String,
    #[schema(schema_with = words::notification_kind)]
    pub kind: String,
    pub title: String,
    pub link: String,
    pub created_at: String,
    /// Whose setting decided: `person`, `tenant` or `platform`.
    #[schema(schema_with = source_schema)]
    pub source: String,
    pub channels: Vec<ChannelOutcomeView>,
    /// The decision in words, one line per channel.
    pub explanation: Vec<String>,
}

fn delivery_view(l: &Logged) -> NotificationDeliveryView {
    let d = &l.decision;
    NotificationDeliveryView {
        id: l.id.clone(),
        kind: d.kind.as_str().into(),
        title: l.title.clone(),
        link: l.link.clone(),
        created_at: kt_domain::timestamp(l.created_at),
        source: d.source.as_str().into(),
        channels: d
            .channels
            .iter()
            .map(|c| {
                let (outcome, until, hold, missing) = match c.outcome {
                    Outcome::Sent => ("sent", None, None, None),
                    Outcome::Off => ("off", None, None, None),
                    Outcome::Held { until, hold } => {
                        let why = match hold {
                            Hold::Digest(d) => format!("{}_digest", d.as_str()),
                            Hold::QuietHours => "quiet_hours".into(),
                        };
                        ("held", Some(kt_domain::timestamp(until)), Some(why), None)
                    }
                    Outcome::Unavailable { missing } => {
                        let what = match missing {
                            Missing::Phone => "phone",
                            Missing::Device => "device",
                        };
                        ("unavailable", None, None, Some(what.to_owned()))
                    }
                };
                ChannelOutcomeView { channel: c.channel.as_str().into(), outcome: outcome.into(), until, hold, missing }
            })
            .collect(),
        explanation: d.explain(),
    }
}

/// What happened to each of my recent notifications on each channel, and why; newest first.
#[utoipa::path(get, path = "/api/v1/notifications/deliveries", tag = "notifications", params(PageParams),
    responses((status = 200, body = Paginated<NotificationDeliveryView>), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_deliveries(
    State(app): State<AppState>,
    auth: Auth,
    ApiQuery(page): ApiQuery<PageParams>,
) -> Result<Json<Paginated<NotificationDeliveryView>>, ApiError> {
    let (items, next_cursor) = uc::deliveries(&app, &auth.actor, page.limit()?, page.cursor()).await?;
    Ok(Json(Paginated { items: items.iter().map(delivery_view).collect(), next_cursor }))
}

/// A tenant's notification defaults for one role.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleDefaultsView {
    #[schema(schema_with = words::role)]
    pub role: String,
    /// Every kind the role can receive; `source` is `tenant` where the tenant chose.
    pub kinds: Vec<NotificationSettingView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDefaultsChange {
    pub kinds: Option<Vec<NotificationSettingChange>>,
    /// Kinds that go back to the platform's default.
    #[schema(schema_with = words::notification_kinds)]
    pub reset: Option<Vec<Short>>,
}

fn role_view((role, kinds): (kt_domain::identity::Role, Vec<Applied>)) -> RoleDefaultsView {
    RoleDefaultsView { role: role.as_str().into(), kinds: kinds.iter().map(setting_view).collect() }
}

/// A tenant's notification defaults for one of its roles (whoever configures the tenant).
#[utoipa::path(get, path = "/api/v1/tenants/{tenant_id}/notification-defaults/{role}", tag = "notifications",
    params(("tenant_id" = String, Path), ("role" = String, Path, description = "A role of the tenant")),
    responses((status = 200, body = RoleDefaultsView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn get_role_defaults(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, role)): Path<(String, String)>,
    ApiQuery(_none): ApiQuery<kt_http::NoParams>,
) -> Result<Json<RoleDefaultsView>, ApiError> {
    Ok(Json(role_view(uc::role_defaults(&app, &auth.actor, &tenant, &role).await?)))
}

/// Changes a tenant's notification defaults for one role; people who chose a kind themselves
/// keep their choice.
#[utoipa::path(patch, path = "/api/v1/tenants/{tenant_id}/notification-defaults/{role}", tag = "notifications",
    request_body = RoleDefaultsChange,
    params(("tenant_id" = String, Path), ("role" = String, Path, description = "A role of the tenant")),
    responses((status = 200, body = RoleDefaultsView), (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_role_defaults(
    State(app): State<AppState>,
    auth: Auth,
    TenantInPath(tenant): TenantInPath,
    Path((_tenant_id, role)): Path<(String, String)>,
    ApiJson(body): ApiJson<RoleDefaultsChange>,
) -> Result<Json<RoleDefaultsView>, ApiError> {
    let kinds = kind_changes(body.kinds);
    let reset = texts(body.reset);
    Ok(Json(role_view(uc::change_role_defaults(&app, &auth.actor, &tenant, &role, &kinds, &reset).await?)))
}
