//! Notification settings: each person's own (per kind and channel, time zone, quiet hours),
//! their tenant's defaults per role (set by whoever configures the tenant: super admins, and a
//! partner for their own tenant), and the log that explains each delivery.

use kt_domain::identity::{Invalid, Role};
use kt_domain::notification::preferences::{QuietHours, Setting, Source, effective, parse_zone};
use kt_domain::notification::{Kind, Preferences, RoleDefaults, may_receive};
use kt_domain::policy::{Actor, Permission};
use kt_domain::tenancy::{Tenant, role_fits_tenant};
use kt_store::held::{self, Logged};
use kt_store::notifications as store;
use kt_store::{Cond, accounts};

use crate::identity::accounts::require;
use crate::{AppError, AppState};

/// One kind as it applies, and whose choice it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub kind: Kind,
    pub setting: Setting,
    pub source: Source,
}

/// A person's settings as they apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub kinds: Vec<Applied>,
    pub time_zone: String,
    pub quiet_hours: Option<QuietHours>,
    /// The verified phone texts go to, as a hint (`••••67`).
    pub phone_hint: Option<String>,
    pub push_devices: u32,
}

/// A change to one kind: the fields given replace the setting that applies now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindChange {
    pub kind: String,
    pub in_app: Option<bool>,
    pub email: Option<bool>,
    pub sms: Option<bool>,
    pub push: Option<bool>,
    pub delivery: Option<String>,
}

/// A change to a person's settings; what is `None` stays.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    pub kinds: Vec<KindChange>,
    /// Kinds that go back to the tenant's default.
    pub reset: Vec<String>,
    pub time_zone: Option<String>,
    /// `Some(None)` turns quiet hours off; times are `HH:MM`.
    pub quiet_hours: Option<Option<(String, String)>>,
}

fn kinds_for(role: Role) -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(move |k| may_receive(role, *k))
}

fn parse_kind(raw: &str, role: Role, field: String) -> Result<Kind, Invalid> {
    match Kind::parse(raw) {
        Some(k) if may_receive(role, k) => Ok(k),
        Some(_) => Err(Invalid::new(field, "this role never receives that kind")),
        None => Err(Invalid::new(field, "is not a notification kind")),
    }
}

/// Applies `changes` over what applies now (`current`), into `kinds`.
fn apply_kinds(
    role: Role,
    changes: &[KindChange],
    reset: &[String],
    current: impl Fn(Kind) -> Setting,
    kinds: &mut std::collections::BTreeMap<Kind, Setting>,
    errors: &mut Vec<Invalid>,
) {
    for (i, c) in changes.iter().enumerate() {
        let kind = match parse_kind(&c.kind, role, format!("kinds[{i}].kind")) {
            Ok(k) => k,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut s = current(kind);
        s.in_app = c.in_app.unwrap_or(s.in_app);
        s.email = c.email.unwrap_or(s.email);
        s.sms = c.sms.unwrap_or(s.sms);
        s.push = c.push.unwrap_or(s.push);
        if let Some(d) = &c.delivery {
            match kt_domain::notification::Delivery::parse(d) {
                Some(d) => s.delivery = d,
                None => {
                    errors.push(Invalid::new(format!("kinds[{i}].delivery"), "use instant, hourly, daily or weekly"))
                }
            }
        }
        kinds.insert(kind, s);
    }
    for (i, raw) in reset.iter().enumerate() {
        match parse_kind(raw, role, format!("reset[{i}]")) {
            Ok(k) => {
                kinds.remove(&k);
            }
            Err(e) => errors.push(e),
        }
    }
}

async fn load(app: &AppState, actor: &Actor) -> Result<(Preferences, Option<RoleDefaults>), AppError> {
    let s = app.store.as_ref();
    Ok(futures::try_join!(
        store::preferences(s, &actor.tenant, &actor.user),
        store::role_defaults(s, &actor.tenant, actor.role)
    )?)
}

/// The actor's settings as they apply (only the kinds their role can receive).
pub async fn preferences(app: &AppState, actor: &Actor) -> Result<Settings, AppError> {
    let (prefs, defaults) = load(app, actor).await?;
    let creds = accounts::get_credentials(app.store.as_ref(), &actor.tenant, &actor.user).await?;
    let devices = kt_store::devices::list(app.store.as_ref(), &actor.tenant, &actor.user).await?;
    Ok(Settings {
        kinds: kinds_for(actor.role)
            .map(|kind| {
                let (setting, source) = effective(kind, &prefs, defaults.as_ref());
                Applied { kind, setting, source }
            })
            .collect(),
        time_zone: prefs.time_zone.clone().unwrap_or_else(|| "UTC".into()),
        quiet_hours: prefs.quiet_hours,
        phone_hint: creds.and_then(|c| c.value.sms).map(|s| s.phone.hint()),
        push_devices: devices.len() as u32,
    })
}

/// Changes the actor's settings: all of the change or (with every field at fault) none.
pub async fn change_preferences(app: &AppState, actor: &Actor, change: Change) -> Result<Settings, AppError> {
    let (mut prefs, defaults) = load(app, actor).await?;
    let mut errors = Vec::new();
    let current = |k: Kind| effective(k, &prefs, defaults.as_ref()).0;
    let mut kinds = prefs.kinds.clone();
    apply_kinds(actor.role, &change.kinds, &change.reset, current, &mut kinds, &mut errors);
    prefs.kinds = kinds;
    if let Some(zone) = &change.time_zone {
        match parse_zone(zone, "time_zone") {
            Ok(z) => prefs.time_zone = Some(z),
            Err(e) => errors.push(e),
        }
    }
    match &change.quiet_hours {
        None => {}
        Some(None) => prefs.quiet_hours = None,
        Some(Some((start, end))) => {
            let times = (
                kt_domain::notification::preferences::parse_clock(start, "quiet_hours.start"),
                kt_domain::notification::preferences::parse_clock(end, "quiet_hours.end"),
            );
            match times {
                (Ok(s), Ok(e)) => match QuietHours::new(s, e) {
                    Ok(q) => prefs.quiet_hours = Some(q),
                    Err(e) => errors.push(e),
                },
                (s, e) => errors.extend(s.err().into_iter().chain(e.err())),
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    app.store.put(store::prefs_item(&actor.tenant, &actor.user, &prefs)?, Cond::None).await?;
    preferences(app, actor).await
}

/// One page of the actor's decision log, newest first.
pub async fn deliveries(
    app: &AppState,
    actor: &Actor,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Logged>, Option<String>), AppError> {
    Ok(held::log(app.store.as_ref(), &actor.tenant, &actor.user, limit, cursor).await?)
}

/// A tenant's defaults for `role` as they apply: `(kind, setting, source)` where the source is
/// the tenant's or the platform's.
pub async fn role_defaults(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    role: &str,
) -> Result<(Role, Vec<Applied>), AppError> {
    let role = admin_role(actor, tenant, role)?;
    let defaults = store::role_defaults(app.store.as_ref(), &tenant.id, role).await?;
    Ok((role, applied_defaults(role, defaults.as_ref())))
}

fn applied_defaults(role: Role, defaults: Option<&RoleDefaults>) -> Vec<Applied> {
    let none = Preferences::default();
    kinds_for(role)
        .map(|kind| {
            let (setting, source) = effective(kind, &none, defaults);
            Applied { kind, setting, source }
        })
        .collect()
}

/// Changes a tenant's defaults for `role`; people who set a kind themselves keep their choice.
pub async fn change_role_defaults(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    role: &str,
    kinds: &[KindChange],
    reset: &[String],
) -> Result<(Role, Vec<Applied>), AppError> {
    let role = admin_role(actor, tenant, role)?;
    let mut defaults = store::role_defaults(app.store.as_ref(), &tenant.id, role).await?.unwrap_or_default();
    let mut errors = Vec::new();
    let current = |k: Kind| effective(k, &Preferences::default(), Some(&defaults)).0;
    let mut map = defaults.kinds.clone();
    apply_kinds(role, kinds, reset, current, &mut map, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    defaults.kinds = map;
    app.store.put(store::role_defaults_item(&tenant.id, role, &defaults)?, Cond::None).await?;
    Ok((role, applied_defaults(role, Some(&defaults))))
}

/// The tenant, checked for the actor (out of sight: not found; in sight, not theirs to
/// configure: forbidden), and a role it has.
fn admin_role(actor: &Actor, t: &Tenant, role: &str) -> Result<Role, AppError> {
    require(Some(actor), Permission::ConfigureBranding, t)?;
    match Role::parse(role) {
        Some(r) if role_fits_tenant(r, t.kind) => Ok(r),
        _ => Err(AppError::invalid("role", "is not a role of this tenant")),
    }
}
