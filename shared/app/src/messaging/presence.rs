//! Presence: each person's choice and the signs of life their sockets send, stored in their own
//! partition (`T#<t>#USER#<u>` / `PRESENCE`, written at most every [`WRITE_EVERY`] per person
//! by the pings), and the statuses of the people one may message.

use kt_domain::identity::Role;
use kt_domain::identity::UserId;
use kt_domain::messaging::{Person, may_talk};
use kt_domain::policy::Actor;
use kt_domain::presence::{Choice, Presence, Status};
use kt_domain::tenancy::{Tenant, UserStatus};
use kt_store::{Cond, Item, Key, accounts};
use time::Duration;

use crate::notifications::delivery::find_user;
use crate::{AppError, AppState};

/// Signs of life closer together than this are not written again.
pub const WRITE_EVERY: Duration = Duration::seconds(30);
/// Most people asked about at once.
pub const MAX_PEOPLE: usize = 100;

fn key(tenant: &kt_domain::identity::TenantId, user: &UserId) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}"), "PRESENCE")
}

async fn load(app: &AppState, tenant: &kt_domain::identity::TenantId, user: &UserId) -> Result<Presence, AppError> {
    Ok(app.store.get(&key(tenant, user)).await?.map(|i| i.to_entity()).transpose()?.unwrap_or_default())
}

async fn save(app: &AppState, actor: &Actor, p: &Presence) -> Result<(), AppError> {
    app.store.put(Item::from_entity(key(&actor.tenant, &actor.user), p)?, Cond::None).await?;
    Ok(())
}

/// A socket of the actor is open (`active`: and they did something).
pub async fn touch(app: &AppState, actor: &Actor, active: bool) -> Result<(), AppError> {
    let now = app.clock.now();
    let mut p = load(app, &actor.tenant, &actor.user).await?;
    let stale = |t: Option<time::OffsetDateTime>| t.is_none_or(|t| now - t >= WRITE_EVERY);
    if !stale(p.seen_at) && (!active || !stale(p.active_at)) {
        return Ok(());
    }
    p.seen_at = Some(now);
    if active {
        p.active_at = Some(now);
    }
    save(app, actor, &p).await
}

/// The actor's choice, and what others see now.
pub async fn mine(app: &AppState, actor: &Actor) -> Result<(Choice, Status), AppError> {
    let p = load(app, &actor.tenant, &actor.user).await?;
    Ok((p.choice, p.status(app.clock.now())))
}

pub async fn choose(app: &AppState, actor: &Actor, choice: &str) -> Result<(Choice, Status), AppError> {
    let choice = Choice::parse(choice)
        .ok_or_else(|| AppError::invalid("status", "use automatic, away, do_not_disturb or invisible"))?;
    let mut p = load(app, &actor.tenant, &actor.user).await?;
    p.choice = choice;
    // Choosing is doing something.
    p.active_at = Some(app.clock.now());
    save(app, actor, &p).await?;
    Ok((choice, p.status(app.clock.now())))
}

/// The statuses of `users` (comma-separated ids) in `tenant`, for the people the actor may message; anyone else
/// (unknown, inactive, not theirs to message) is left out, so nothing is revealed.
pub async fn of(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    users: &str,
) -> Result<Vec<(UserId, Status)>, AppError> {
    super::may_message(actor, tenant)?;
    let mut ids = Vec::new();
    for (i, raw) in users.split(',').map(str::trim).filter(|s| !s.is_empty()).enumerate() {
        ids.push(
            UserId::try_from(raw.to_owned())
                .map_err(|_| AppError::invalid(format!("users[{i}]"), "is not a user id"))?,
        );
    }
    if ids.is_empty() || ids.len() > MAX_PEOPLE {
        return Err(AppError::invalid("users", format!("name 1 to {MAX_PEOPLE} people")));
    }
    let me = super::person_of(actor);
    let now = app.clock.now();
    let mut out = Vec::new();
    for id in &ids {
        let Some(u) = find_user(app, &tenant.id, id).await? else { continue };
        if u.status != UserStatus::Active || (u.tenant != tenant.id && !u.role.is_house_staff()) {
            continue;
        }
        let orgs = if u.role == Role::Client {
            accounts::orgs_of(app.store.as_ref(), &u.tenant, &u.id).await?
        } else {
            vec![]
        };
        let them = Person { id: u.id.clone(), tenant: u.tenant.clone(), role: u.role, orgs };
        if may_talk(&me, &them) {
            out.push((u.id.clone(), load(app, &u.tenant, &u.id).await?.status(now)));
        }
    }
    Ok(out)
}
