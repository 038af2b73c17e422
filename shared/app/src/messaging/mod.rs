//! Async messaging (PRD 4.8): direct, group and organization conversations and their messages.
//!
//! **Who**: anyone may message (the matrix's "Direct messaging" row), with the people
//! [`kt_domain::messaging::may_talk`] allows; a conversation belongs to one tenant and is seen
//! by its members only (others get 404). Kre8ivTech's staff take part in any tenant's.
//!
//! **Writes**: a conversation commits with its members' standings (up to
//! [`FIRST_STANDINGS`] in its transaction, the rest written right after, idempotently); a
//! message takes its place from the conversation's counter and commits with its
//! `message.posted` event; the events worker moves each member's standing (unread, recent
//! activity), pushes the message live on `conversation:<id>` and tells mentioned people.

pub mod fanout;
pub mod files;
pub mod messages;
pub mod presence;

use kt_domain::DomainEvent;
use kt_domain::identity::{OrgId, Role, TenantId, UserId};
use kt_domain::messaging::{self, Conversation, Kind, Membership, Person};
use kt_domain::policy::{self, Actor, Permission};
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_store::entity::Versioned;
use kt_store::messaging as store;
use kt_store::{Cond, TxOp, accounts};
use serde_json::json;

use crate::idempotency::{Guard, Recorded};
use crate::notifications::delivery::find_user;
use crate::{AppError, AppState, outbox};

/// The queue messaging events travel on.
pub const EVENTS: &str = crate::tickets::EVENTS;
/// Standings written in a new conversation's own transaction (DynamoDB takes 100 operations).
pub const FIRST_STANDINGS: usize = 90;

/// Whether the actor may follow conversation `id` live (`conversation:<id>`): a member.
pub async fn may_follow(app: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    if id.len() != 26 || !policy::may(actor, Permission::DirectMessaging) || actor.scopes.is_some() {
        return Err(AppError::NotFound);
    }
    let s = app.store.as_ref();
    let tenant = store::home(s, id).await?.ok_or(AppError::NotFound)?;
    let c = store::conversation(s, &tenant, id).await?.ok_or(AppError::NotFound)?;
    if c.value.is_member(&actor.user) { Ok(()) } else { Err(AppError::NotFound) }
}

/// The actor as the talk rule sees it.
pub fn person_of(actor: &Actor) -> Person {
    Person { id: actor.user.clone(), tenant: actor.tenant.clone(), role: actor.role, orgs: actor.orgs.clone() }
}

/// Whether the actor messages in `tenant` at all: its own tenant, or any as Kre8ivTech staff.
pub(crate) fn may_message(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    if !policy::may(actor, Permission::DirectMessaging) || actor.scopes.is_some() {
        return Err(AppError::Forbidden);
    }
    if actor.tenant == tenant.id || (actor.role.is_house_staff() && !actor.tenant_bound) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The people named by `ids` (active, of `tenant` or Kre8ivTech's staff), as the talk rule
/// sees them; an unknown one is refused naming `members[i]`.
async fn people(app: &AppState, tenant: &TenantId, ids: &[UserId], field: &str) -> Result<Vec<Person>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let user = find_user(app, tenant, id)
            .await?
            .filter(|u| u.status == UserStatus::Active && (&u.tenant == tenant || u.role.is_house_staff()));
        let Some(u) = user else {
            return Err(AppError::invalid(format!("{field}[{i}]"), "is not someone you can message here"));
        };
        let orgs = if u.role == Role::Client {
            accounts::orgs_of(app.store.as_ref(), &u.tenant, &u.id).await?
        } else {
            vec![]
        };
        out.push(Person { id: u.id, tenant: u.tenant, role: u.role, orgs });
    }
    Ok(out)
}

/// Someone to message, or a member as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: UserId,
    pub name: String,
    pub role: Role,
}

/// People an active user list holds, as contacts.
fn as_contacts(users: Vec<User>, me: &UserId) -> impl Iterator<Item = Contact> + '_ {
    users.into_iter().filter(move |u| u.status == UserStatus::Active && &u.id != me).map(|u| Contact {
        id: u.id,
        name: u.name,
        role: u.role,
    })
}

/// Most people a tenant's directory is read for (its first users by id).
pub const DIRECTORY_SCAN: u32 = 2_000;

/// The people the actor may message here (the tenant's, and Kre8ivTech's staff), by name;
/// `q` keeps those whose name contains it (any case). A client sees its organizations' people,
/// its partner's people and Kre8ivTech's staff.
pub async fn contacts(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    q: Option<&str>,
    limit: usize,
) -> Result<Vec<Contact>, AppError> {
    may_message(actor, tenant)?;
    let s = app.store.as_ref();
    let mut out: Vec<Contact> = Vec::new();
    if actor.role == Role::Client {
        // The partner's people (the tenant's non-clients) and the organizations' members.
        out.extend(as_contacts(accounts::staff(s, &tenant.id).await?, &actor.user));
        for org in &actor.orgs {
            for id in accounts::members_of(s, &tenant.id, org).await? {
                if id != actor.user && !out.iter().any(|c| c.id == id) {
                    if let Some(u) = accounts::get_user(s, &tenant.id, &id).await? {
                        out.extend(as_contacts(vec![u.value], &actor.user));
                    }
                }
            }
        }
    } else {
        let (users, _) = accounts::list_users(s, &tenant.id, DIRECTORY_SCAN, None).await?;
        out.extend(as_contacts(users, &actor.user));
    }
    if let Some(house) = crate::identity::tenancy::house(s).await?
        && house != tenant.id
    {
        let staff = accounts::staff(s, &house).await?.into_iter().filter(|u| u.role.is_house_staff()).collect();
        out.extend(as_contacts(staff, &actor.user));
    }
    let needle = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    out.retain(|c| needle.as_ref().is_none_or(|n| c.name.to_lowercase().contains(n.as_str())));
    out.sort_by(|a, b| a.name.to_lowercase().cmp(&b.name.to_lowercase()).then(a.id.cmp(&b.id)));
    out.dedup_by(|a, b| a.id == b.id);
    out.truncate(limit);
    Ok(out)
}

/// The members of `c` with their names (a tenant's people, or Kre8ivTech's staff).
pub async fn members(app: &AppState, c: &Conversation) -> Result<Vec<Contact>, AppError> {
    let s = app.store.as_ref();
    let mut found: Vec<Option<User>> = Vec::with_capacity(c.members.len());
    for chunk in c.members.chunks(kt_store::limits::MAX_BATCH_GET) {
        let keys: Vec<_> = chunk.iter().map(|u| accounts::user_key(&c.tenant, u)).collect();
        for item in s.get_many(&keys).await? {
            found.push(item.map(|i| i.to_entity()).transpose()?);
        }
    }
    let mut out = Vec::with_capacity(c.members.len());
    for (id, user) in c.members.iter().zip(found) {
        let user = match user {
            Some(u) => Some(u),
            None => find_user(app, &c.tenant, id).await?,
        };
        out.push(match user {
            Some(u) => Contact { id: u.id, name: u.name, role: u.role },
            None => Contact { id: id.clone(), name: "Former member".into(), role: Role::Client },
        });
    }
    Ok(out)
}

/// A new conversation as asked for.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub kind: Kind,
    /// The others (the actor joins by itself).
    pub members: Vec<UserId>,
    pub name: Option<String>,
    /// A channel's organization.
    pub org: Option<OrgId>,
}

/// A conversation with the actor's standing in it.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub conversation: Conversation,
    pub version: u64,
    pub standing: Option<Membership>,
}

fn standing_of(c: &Conversation, user: &UserId) -> Membership {
    Membership {
        tenant: c.tenant.clone(),
        user: user.clone(),
        conversation: c.id.clone(),
        last_read_seq: 0,
        last_seq: 0,
        last_message_at: Some(c.created_at),
        muted: false,
    }
}

/// Starts a conversation; a direct one the two already have is answered instead (`false`:
/// nothing new was made). With an idempotency key a retry answers the first attempt's.
pub async fn start(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewConversation,
    guard: Option<&Guard>,
) -> Result<(Sheet, bool), AppError> {
    for _ in 0..3 {
        match start_once(app, actor, tenant, input.clone(), guard).await {
            // The pair started one meanwhile (or the same retry won): look again.
            Err(AppError::Conflict(_)) => continue,
            other => return other,
        }
    }
    Err(AppError::Conflict("the conversation was being started at the same time; try again".into()))
}

async fn start_once(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: NewConversation,
    guard: Option<&Guard>,
) -> Result<(Sheet, bool), AppError> {
    may_message(actor, tenant)?;
    let s = app.store.as_ref();
    if let Some(g) = guard {
        match g.recorded(s).await? {
            Some(Recorded::OtherBody) => return Err(Guard::other_body()),
            Some(Recorded::Made(id)) => return Ok((get(app, actor, tenant, &id).await?, false)),
            None => {}
        }
    }
    let me = person_of(actor);
    let mut ids = input.members.clone();
    ids.retain(|m| m != &actor.user);
    let others = people(app, &tenant.id, &ids, "members").await?;
    let (name, org) = match input.kind {
        Kind::Direct => {
            if others.len() != 1 {
                return Err(AppError::invalid("members", "a direct conversation is with one other person"));
            }
            (None, None)
        }
        Kind::Group => (Some(messaging::check_name(input.name.as_deref().unwrap_or_default()).map_err(inv)?), None),
        Kind::Channel => {
            if actor.role == Role::Client || actor.role == Role::PartnerStaff {
                return Err(AppError::Forbidden);
            }
            let org = input.org.clone().ok_or_else(|| AppError::invalid("org_id", "name the organization"))?;
            let found = accounts::get_org(s, &tenant.id, &org).await?;
            let Some(found) = found else { return Err(AppError::invalid("org_id", "is not an organization here")) };
            for (i, p) in others.iter().enumerate() {
                if p.role == Role::Client && !p.orgs.contains(&org) {
                    return Err(AppError::invalid(format!("members[{i}]"), "is a client of another organization"));
                }
            }
            let name = match input.name.as_deref() {
                Some(n) => messaging::check_name(n).map_err(inv)?,
                None => found.value.name,
            };
            (Some(name), Some(org))
        }
    };
    let mut everyone = vec![me.clone()];
    everyone.extend(others);
    messaging::check_members(&everyone, &actor.user).map_err(|e| {
        // Indices in the request exclude the actor.
        let field =
            e.field.strip_prefix("members[").and_then(|r| r.strip_suffix(']')).and_then(|n| n.parse::<usize>().ok());
        match field {
            Some(n) if n > 0 => AppError::invalid(format!("members[{}]", n - 1), e.message),
            _ => inv(e),
        }
    })?;
    let pair = (input.kind == Kind::Direct).then(|| messaging::direct_key(&everyone[0].id, &everyone[1].id));
    if let Some(p) = &pair
        && let Some(existing) = store::direct(s, &tenant.id, p).await?
    {
        return Ok((get(app, actor, tenant, &existing).await?, false));
    }
    let now = app.clock.now();
    let c = Conversation {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        kind: input.kind,
        name,
        org,
        members: everyone.iter().map(|p| p.id.clone()).collect(),
        created_by: actor.user.clone(),
        created_at: now,
    };
    let mut ops = vec![TxOp::Put { item: store::conversation_item(&c, 1)?, cond: Cond::NotExists }, store::home_op(&c)];
    if let Some(p) = &pair {
        ops.push(store::direct_op(&tenant.id, p, &c.id));
    }
    if let Some(g) = guard {
        ops.push(g.record(&c.id, app.clock.now_unix())?);
    }
    let (first, rest) = c.members.split_at(c.members.len().min(FIRST_STANDINGS));
    for m in first {
        ops.push(TxOp::Put { item: store::membership_item(&standing_of(&c, m), 1)?, cond: Cond::NotExists });
    }
    let event = DomainEvent::new(
        app.ids.ulid(),
        "conversation.started",
        Some(tenant.id.to_string()),
        now,
        json!({"conversation": c.id, "actor": actor.user.as_str()}),
    );
    outbox::publish(app, ops, vec![(EVENTS, event)]).await?;
    for m in rest {
        s.put(store::membership_item(&standing_of(&c, m), 1)?, Cond::NotExists)
            .await
            .or_else(|e| if e.is_conflict() { Ok(()) } else { Err(e) })?;
    }
    let standing = Some(standing_of(&c, &actor.user));
    Ok((Sheet { conversation: c, version: 1, standing }, true))
}

fn inv(e: kt_domain::identity::Invalid) -> AppError {
    AppError::from_invalid(vec![e])
}

/// Conversation `id` if the actor is in it (404 otherwise: its existence is not revealed).
pub async fn load(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
) -> Result<Versioned<Conversation>, AppError> {
    may_message(actor, tenant)?;
    if id.len() != 26 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let c = store::conversation(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if !c.value.is_member(&actor.user) {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

/// Conversation `id` with the actor's standing.
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Sheet, AppError> {
    let c = load(app, actor, tenant, id).await?;
    let standing = store::membership(app.store.as_ref(), &tenant.id, &actor.user, id).await?.map(|m| m.value);
    Ok(Sheet { conversation: c.value, version: c.version, standing })
}

/// One page of the actor's conversations here, the most recently active first.
pub async fn inbox(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Sheet>, Option<String>), AppError> {
    may_message(actor, tenant)?;
    let s = app.store.as_ref();
    let (page, next) = store::inbox(s, &tenant.id, &actor.user, limit, cursor).await?;
    let keys: Vec<_> = page.iter().map(|m| store::conversation_key(&tenant.id, &m.value.conversation)).collect();
    let mut out = Vec::with_capacity(page.len());
    for (chunk, standings) in
        keys.chunks(kt_store::limits::MAX_BATCH_GET).zip(page.chunks(kt_store::limits::MAX_BATCH_GET))
    {
        let found = s.get_many(chunk).await?;
        for (item, m) in found.into_iter().zip(standings) {
            let Some(item) = item else { continue };
            let c: Conversation = item.to_entity()?;
            // Someone removed from a conversation keeps no view of it.
            if c.is_member(&actor.user) {
                out.push(Sheet { conversation: c, version: item.version, standing: Some(m.value.clone()) });
            }
        }
    }
    Ok((out, next))
}

/// Unread messages here: in total, and how many conversations have some.
pub async fn unread(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<(u64, u64), AppError> {
    may_message(actor, tenant)?;
    let all = store::unread_counts(app.store.as_ref(), &tenant.id, &actor.user).await?;
    let counts: Vec<u64> = all.iter().filter(|(_, muted)| !muted).map(|(n, _)| *n).collect();
    Ok((counts.iter().sum(), counts.iter().filter(|n| **n > 0).count() as u64))
}

/// Adds and removes members of a group or channel (its creator, super admins, the tenant's
/// partners), under `if_match`.
pub async fn change_members(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    add: &[UserId],
    remove: &[UserId],
    if_match: Option<u64>,
) -> Result<Sheet, AppError> {
    let current = load(app, actor, tenant, id).await?;
    if !current.value.manages(&person_of(actor)) {
        return Err(AppError::Forbidden);
    }
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let s = app.store.as_ref();
    let mut c = current.value.clone();
    let added = people(app, &tenant.id, add, "add").await?;
    for (i, p) in added.iter().enumerate() {
        if c.org.as_ref().is_some_and(|o| p.role == Role::Client && !p.orgs.contains(o)) {
            return Err(AppError::invalid(format!("add[{i}]"), "is a client of another organization"));
        }
    }
    c.members.retain(|m| !remove.contains(m));
    let fresh: Vec<Person> = added.into_iter().filter(|p| !c.members.contains(&p.id)).collect();
    let existing = people(app, &tenant.id, &c.members, "members").await?;
    let mut all = existing;
    all.extend(fresh.iter().cloned());
    messaging::check_members(&all, &actor.user)
        .map_err(|e| AppError::invalid("add", format!("{} ({})", e.message, e.field)))?;
    c.members = all.iter().map(|p| p.id.clone()).collect();
    if c.members.is_empty() {
        return Err(AppError::invalid("remove", "a conversation keeps at least one member"));
    }
    let mut ops = vec![TxOp::Put {
        item: store::conversation_item(&c, current.version + 1)?,
        cond: Cond::Version(current.version),
    }];
    // Newcomers start with nothing unread.
    let seq = store::current_seq(s, &tenant.id, &c.id).await?;
    for p in fresh.iter().take(FIRST_STANDINGS) {
        let mut m = standing_of(&c, &p.id);
        (m.last_seq, m.last_read_seq) = (seq, seq);
        ops.push(TxOp::Put { item: store::membership_item(&m, 1)?, cond: Cond::None });
    }
    for r in remove.iter().take(FIRST_STANDINGS.saturating_sub(fresh.len())) {
        ops.push(TxOp::Delete { key: store::membership_key(&tenant.id, r, &c.id), cond: Cond::None });
    }
    match s.transact(ops).await {
        Ok(()) => {}
        Err(e) if e.is_conflict() => return Err(AppError::PreconditionFailed),
        Err(e) => return Err(e.into()),
    }
    let standing = store::membership(s, &tenant.id, &actor.user, id).await?.map(|m| m.value);
    Ok(Sheet { conversation: c, version: current.version + 1, standing })
}
