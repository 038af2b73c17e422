//! Auto-assignment (rules in [`kt_domain::workflow`]): super admins keep the rules; the events
//! worker walks the queue, oldest first, whenever a ticket may have become assignable (filed,
//! back in the queue, handed back) or capacity may have freed up (a ticket resolved or closed,
//! a rule changed); the minute sweep does the same, so nothing waits for an event that was
//! missed. Walking rather than assigning the ticket an event names keeps the queue's order
//! when events arrive out of order. Rules that share agents form a group; one dispatcher walks
//! a group at a time under the group's lease, so two never fill the same agent past capacity,
//! while groups of different rules (different tenants' agents) walk independently. A lease is
//! an item whose version is its holder's nonce: only its holder releases it (a conditional
//! delete), it expires by itself after [`LEASE_SECS`], and a dispatcher that finds it held
//! does not wait: it marks the lease `again` (changing its version), and the holder, finding
//! its release refused, walks once more. Without rules, or with no agent under capacity, a
//! walk reads nothing but the rules and the loads.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use kt_domain::DomainEvent;
use kt_domain::identity::{TenantId, UserId};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::ticket::{Priority, Status, Ticket};
use kt_domain::workflow::{AssignmentRule, MAX_RULES, check_rule, counts_as_load};
use kt_store::entity::Versioned;
use kt_store::{Cond, Item, TxOp, accounts, tickets, workflow};

use super::{activity_entry, check_worker, event_op};
use crate::identity::tenancy;
use crate::worker::{Consumer, HandlerError};
use crate::{AppError, AppState, permit};

/// How long one dispatcher may hold the lease (it releases it when done).
const LEASE_SECS: i64 = 60;
/// Tickets one walk assigns at most (the next event or sweep goes on).
const MAX_PER_WALK: usize = 500;
/// Queue items one walk reads at most (the next event or sweep goes on).
const MAX_SCAN: usize = 5_000;

fn system_scope(actor: &Actor) -> Resource<'_> {
    Resource { tenant: &actor.tenant, org: None, owner: None }
}

/// House staff read the rules and the workload; others see nothing.
fn house_reader(actor: &Actor) -> Result<(), AppError> {
    if !actor.role.is_house_staff() || actor.tenant_bound {
        return Err(AppError::NotFound);
    }
    permit(actor, Permission::ManageAllTickets, &system_scope(actor))
}

/// Whether the actor may write rules (super admins); checked before their input is read.
pub fn rule_admin(actor: &Actor) -> Result<(), AppError> {
    house_reader(actor)?;
    permit(actor, Permission::ManageSystemSettings, &system_scope(actor))
}

/// A rule as submitted (the id, when editing, comes from the path).
#[derive(Debug, Clone)]
pub struct RuleInput {
    pub name: String,
    pub enabled: bool,
    pub position: u32,
    pub tenant: Option<TenantId>,
    pub org: Option<kt_domain::identity::OrgId>,
    pub categories: Vec<kt_domain::ticket::Category>,
    pub agents: Vec<UserId>,
    pub strategy: kt_domain::workflow::Strategy,
    pub capacity: u32,
}

/// The rules with their versions, in the order they are tried.
pub async fn list_rules(app: &AppState, actor: &Actor) -> Result<Vec<Versioned<AssignmentRule>>, AppError> {
    house_reader(actor)?;
    Ok(workflow::rules_versioned(app.store.as_ref()).await?)
}

pub async fn get_rule(app: &AppState, actor: &Actor, id: &str) -> Result<Versioned<AssignmentRule>, AppError> {
    house_reader(actor)?;
    workflow::get_rule(app.store.as_ref(), id).await?.ok_or(AppError::NotFound)
}

/// Checks a rule: its fields, that its tenant and organization exist, and that every agent
/// may work that tenant's tickets (house staff for rules over every tenant).
async fn checked(app: &AppState, id: String, input: RuleInput) -> Result<AssignmentRule, AppError> {
    let rule = AssignmentRule {
        id,
        name: input.name.trim().to_owned(),
        enabled: input.enabled,
        position: input.position,
        tenant: input.tenant,
        org: input.org,
        categories: input.categories,
        agents: input.agents,
        strategy: input.strategy,
        capacity: input.capacity,
    };
    check_rule(&rule).map_err(AppError::from_invalid)?;
    let store = app.store.as_ref();
    let scope = match &rule.tenant {
        Some(t) => {
            if store.get(&kt_store::tenants::key(t)).await?.is_none() {
                return Err(AppError::invalid("tenant_id", "is not a tenant of this portal"));
            }
            if let Some(o) = &rule.org
                && accounts::get_org(store, t, o).await?.is_none()
            {
                return Err(AppError::invalid("org_id", "is not an organization of that tenant"));
            }
            t.clone()
        }
        None => tenancy::house(store).await?.ok_or_else(|| AppError::Internal("no house tenant".into()))?,
    };
    for a in &rule.agents {
        if rule.tenant.is_none() {
            let house_staff = accounts::get_user(store, &scope, a).await?.is_some_and(|u| {
                u.value.role.is_house_staff() && u.value.status == kt_domain::tenancy::UserStatus::Active
            });
            if !house_staff {
                return Err(AppError::invalid(
                    "agent_ids",
                    "a rule over every tenant assigns to active Kre8ivTech staff only",
                ));
            }
        } else {
            check_worker(app, &scope, a, "agent_ids").await?;
        }
    }
    Ok(rule)
}

pub async fn create_rule(app: &AppState, actor: &Actor, input: RuleInput) -> Result<AssignmentRule, AppError> {
    rule_admin(actor)?;
    if workflow::rules(app.store.as_ref()).await?.len() >= MAX_RULES {
        return Err(AppError::Conflict(format!("keep at most {MAX_RULES} assignment rules")));
    }
    let rule = checked(app, app.ids.ulid().to_string(), input).await?;
    app.store.put(workflow::rule_item(&rule, 1)?, Cond::NotExists).await?;
    rules_changed(app, actor).await?;
    Ok(rule)
}

pub async fn update_rule(
    app: &AppState,
    actor: &Actor,
    id: &str,
    input: RuleInput,
    if_match: Option<u64>,
) -> Result<Versioned<AssignmentRule>, AppError> {
    rule_admin(actor)?;
    let current = workflow::get_rule(app.store.as_ref(), id).await?.ok_or(AppError::NotFound)?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let rule = checked(app, id.to_owned(), input).await?;
    let version = current.version + 1;
    match app.store.put(workflow::rule_item(&rule, version)?, Cond::Version(current.version)).await {
        Ok(()) => {}
        Err(e) if e.is_conflict() => return Err(AppError::PreconditionFailed),
        Err(e) => return Err(e.into()),
    }
    rules_changed(app, actor).await?;
    Ok(Versioned { value: rule, version })
}

pub async fn delete_rule(app: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    rule_admin(actor)?;
    workflow::get_rule(app.store.as_ref(), id).await?.ok_or(AppError::NotFound)?;
    app.store
        .transact(vec![
            TxOp::Delete { key: workflow::rule_key(id), cond: Cond::Exists },
            TxOp::Delete { key: workflow::last_key(id), cond: Cond::None },
        ])
        .await?;
    Ok(())
}

/// Tells the worker to walk the queue with the new rules.
async fn rules_changed(app: &AppState, actor: &Actor) -> Result<(), AppError> {
    let event = DomainEvent::new(
        app.ids.ulid(),
        "assignment.rules_changed",
        None,
        app.clock.now(),
        serde_json::json!({"actor": actor.user.to_string()}),
    );
    app.store.transact(vec![crate::outbox::record(super::EVENTS, event)?]).await?;
    app.outbox_wake.notify_one();
    Ok(())
}

/// One agent's load, for the staff's workload widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentLoad {
    pub user: UserId,
    pub name: String,
    /// Open tickets assigned to them (not Resolved or Closed).
    pub load: u32,
    /// The lowest capacity among the enabled rules that name them (`None`: no rule does).
    pub capacity: Option<u32>,
}

/// The load of every active Kre8ivTech staff member and every agent a rule names.
pub async fn workload(app: &AppState, actor: &Actor) -> Result<Vec<AgentLoad>, AppError> {
    house_reader(actor)?;
    let store = app.store.as_ref();
    let rules = workflow::rules(store).await?;
    let mut people: BTreeMap<UserId, String> = BTreeMap::new();
    if let Some(house) = tenancy::house(store).await? {
        let mut cursor = None;
        loop {
            let (users, next) = accounts::list_users(store, &house, 200, cursor).await?;
            for u in users {
                if u.role.is_house_staff() && u.status == kt_domain::tenancy::UserStatus::Active {
                    people.insert(u.id.clone(), u.name.clone());
                }
            }
            cursor = next;
            if cursor.is_none() {
                break;
            }
        }
    }
    for r in &rules {
        for a in &r.agents {
            if !people.contains_key(a) {
                let scope = r.tenant.clone();
                let name = match scope {
                    Some(t) => accounts::get_user(store, &t, a).await?.map(|u| u.value.name),
                    None => None,
                };
                people.insert(a.clone(), name.unwrap_or_default());
            }
        }
    }
    let ids: Vec<UserId> = people.keys().cloned().collect();
    let loads = workflow::loads(store, &ids).await?;
    let mut out: Vec<AgentLoad> = people
        .into_iter()
        .map(|(user, name)| {
            let capacity = rules.iter().filter(|r| r.enabled && r.agents.contains(&user)).map(|r| r.capacity).min();
            AgentLoad { load: loads.get(&user).copied().unwrap_or(0), user, name, capacity }
        })
        .collect();
    out.sort_by(|a, b| b.load.cmp(&a.load).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

/// A group's lease as its holder knows it: the version it last wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub group: String,
    pub version: u64,
}

/// What became of an attempt to take a group's lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    Held(Lease),
    /// Another dispatcher holds it and has been asked to walk again.
    Busy,
}

fn lease_item(app: &AppState, group: &str, again: bool) -> (Item, u64) {
    // A nonce as the version: no one else writes the same one.
    let version = (app.ids.ulid().random() as u64).max(1);
    let mut attrs = serde_json::Map::new();
    attrs.insert("again".into(), serde_json::Value::Bool(again));
    let item = Item::new(workflow::lease_key(group), attrs)
        .with_version(version)
        .with_expiry(app.clock.now_unix() + LEASE_SECS);
    (item, version)
}

/// Takes `group`'s lease, or, when another dispatcher holds it, asks that one to walk again.
pub async fn take_lease(app: &AppState, group: &str) -> Result<Taken, AppError> {
    // Bounded: each round either takes the lease, marks it, or finds it gone and tries again.
    for _ in 0..5 {
        let (item, version) = lease_item(app, group, false);
        match app.store.put(item, Cond::NotExists).await {
            Ok(()) => return Ok(Taken::Held(Lease { group: group.to_owned(), version })),
            Err(e) if e.is_conflict() => {}
            Err(e) => return Err(e.into()),
        }
        let Some(held) = app.store.get(&workflow::lease_key(group)).await? else { continue };
        if held.attrs.get("again").and_then(serde_json::Value::as_bool) == Some(true) {
            return Ok(Taken::Busy);
        }
        let mut marked = held.clone();
        marked.attrs.insert("again".into(), serde_json::Value::Bool(true));
        marked.version = (app.ids.ulid().random() as u64).max(1);
        match app.store.put(marked, Cond::Version(held.version)).await {
            Ok(()) => return Ok(Taken::Busy),
            Err(e) if e.is_conflict() => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Taken::Busy)
}

/// Releases `lease` if it is still the holder's. `Some(lease)` when another dispatcher asked
/// for another walk meanwhile: the lease is held again (renewed), walk and release again.
pub async fn release_lease(app: &AppState, lease: &Lease) -> Result<Option<Lease>, AppError> {
    let key = workflow::lease_key(&lease.group);
    match app.store.delete(&key, Cond::Version(lease.version)).await {
        Ok(()) => return Ok(None),
        Err(e) if e.is_conflict() => {}
        Err(e) => return Err(e.into()),
    }
    let Some(held) = app.store.get(&key).await? else { return Ok(None) };
    if held.attrs.get("again").and_then(serde_json::Value::as_bool) != Some(true) {
        // Taken over by another dispatcher after it expired: theirs now.
        return Ok(None);
    }
    let (item, version) = lease_item(app, &lease.group, false);
    match app.store.put(item, Cond::Version(held.version)).await {
        Ok(()) => Ok(Some(Lease { group: lease.group.clone(), version })),
        // Changed again meanwhile: someone else's now, or marked once more; either way
        // another walk follows (theirs, or the next event's).
        Err(e) if e.is_conflict() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The enabled rules in groups sharing agents (connected through any agent), each named by
/// its first rule's id.
fn groups(rules: &[AssignmentRule]) -> Vec<(String, Vec<AssignmentRule>)> {
    let mut parent: Vec<usize> = (0..rules.len()).collect();
    fn root(parent: &mut [usize], i: usize) -> usize {
        let mut r = i;
        while parent[r] != r {
            r = parent[r];
        }
        parent[i] = r;
        r
    }
    for i in 0..rules.len() {
        for j in i + 1..rules.len() {
            if rules[i].agents.iter().any(|a| rules[j].agents.contains(a)) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut out: BTreeMap<usize, Vec<AssignmentRule>> = BTreeMap::new();
    for (i, r) in rules.iter().enumerate() {
        let g = root(&mut parent, i);
        out.entry(g).or_default().push(r.clone());
    }
    out.into_values()
        .map(|rs| {
            let name = rs.iter().map(|r| r.id.clone()).min().unwrap_or_default();
            (name, rs)
        })
        .collect()
}

/// Who the rules give `t` to, if anyone: the first matching rule with an agent under capacity.
fn choose<'r>(
    rules: &'r [AssignmentRule],
    loads: &BTreeMap<UserId, u32>,
    last: &BTreeMap<String, UserId>,
    t: &Ticket,
) -> Option<(&'r AssignmentRule, UserId)> {
    if t.assignee.is_some() || !t.status.waits_for_staff() || t.merged_into.is_some() {
        return None;
    }
    rules.iter().filter(|r| r.matches(t)).find_map(|r| r.pick(loads, last.get(&r.id)).map(|a| (r, a)))
}

/// Assigns `t` (as read at `version`) to `agent` by `rule`, in one transaction with the load,
/// the rule's round-robin cursor, the activity entry and the `ticket.changed` event. `false`
/// when the ticket changed meanwhile (it is left alone).
async fn assign(
    app: &AppState,
    t: &Ticket,
    version: u64,
    rule: &AssignmentRule,
    agent: &UserId,
) -> Result<bool, AppError> {
    let tenant = tenancy::get(app, &t.tenant).await?;
    let mut after = t.clone();
    after.assignee = Some(agent.clone());
    after.updated_at = app.clock.now();
    let mut ops = vec![TxOp::Put { item: tickets::item(&after, version + 1)?, cond: Cond::Version(version) }];
    ops.extend(workflow::load_ops(None, t.status, Some(agent), after.status));
    ops.push(TxOp::Put { item: workflow::last_item(&rule.id, agent), cond: Cond::None });
    ops.push(activity_entry(app, &after, None, "assignee", None, Some(agent.to_string()))?);
    let extra = serde_json::json!({
        "fields": ["assignee"],
        "from_status": t.status.as_str(),
        "from_priority": t.priority.as_str(),
        "from_assignee": null,
        "rule": rule.id,
        "rule_name": rule.name,
    });
    ops.push(event_op(app, "ticket.changed", &after, &tenant, None, &[], extra)?);
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok(true)
        }
        Err(e) if e.is_conflict() => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// What one dispatch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dispatched {
    pub assigned: usize,
    /// Unassigned waiting tickets the walk saw that a rule matched but no agent had room for
    /// (the walk stops reading once no agent has room, so this is a lower bound).
    pub waiting: usize,
    /// Whether another dispatcher held a group's lease (it was asked to walk that group again).
    pub busy: bool,
}

/// Walks the queue (Critical first, oldest first) for each group of rules that has an agent
/// with room, assigning unassigned tickets until no rule of the group has room left.
pub async fn dispatch(app: &AppState) -> Result<Dispatched, AppError> {
    let store = app.store.as_ref();
    let rules: Vec<AssignmentRule> = workflow::rules(store).await?.into_iter().filter(|r| r.enabled).collect();
    if rules.is_empty() {
        return Ok(Dispatched::default());
    }
    let agents: Vec<UserId> = rules.iter().flat_map(|r| r.agents.clone()).collect();
    let loads = workflow::loads(store, &agents).await?;
    let mut out = Dispatched::default();
    for (group, rules) in groups(&rules) {
        if !rules.iter().any(|r| r.has_capacity(&loads)) {
            continue;
        }
        let Taken::Held(mut lease) = take_lease(app, &group).await? else {
            out.busy = true;
            continue;
        };
        loop {
            let walked = walk(app, &rules).await;
            let again = release_lease(app, &lease).await;
            let walked = walked?;
            out.assigned += walked.assigned;
            out.waiting += walked.waiting;
            match again? {
                Some(renewed) => lease = renewed,
                None => break,
            }
        }
    }
    Ok(out)
}

/// One walk for one group of rules, under its lease.
async fn walk(app: &AppState, rules: &[AssignmentRule]) -> Result<Dispatched, AppError> {
    let store = app.store.as_ref();
    let agents: Vec<UserId> = rules.iter().flat_map(|r| r.agents.clone()).collect();
    // Read under the lease: another dispatcher may have assigned meanwhile.
    let mut loads = workflow::loads(store, &agents).await?;
    let mut last = workflow::last_assigned(store, rules).await?;
    let mut out = Dispatched::default();
    let mut scanned = 0;
    for priority in Priority::ALL.into_iter().rev() {
        let mut cursor = None;
        loop {
            let full = !rules.iter().any(|r| r.has_capacity(&loads));
            if out.assigned >= MAX_PER_WALK || scanned >= MAX_SCAN || full {
                return Ok(out);
            }
            // Keys first: only unassigned tickets some rule matches are read whole.
            let (entries, next) = tickets::queue_entries(store, priority, 100, cursor).await?;
            scanned += entries.len();
            let candidates: Vec<_> = entries
                .into_iter()
                .filter(|e| !e.assigned && rules.iter().any(|r| r.matches_parts(&e.tenant, &e.org, &e.category)))
                .collect();
            for current in tickets::tickets_of(store, &candidates).await? {
                let t = current.value;
                if t.assignee.is_some() || !rules.iter().any(|r| r.matches(&t)) {
                    continue;
                }
                let Some((rule, agent)) = choose(rules, &loads, &last, &t) else {
                    out.waiting += 1;
                    continue;
                };
                if assign(app, &t, current.version, rule, &agent).await? {
                    out.assigned += 1;
                    *loads.entry(agent.clone()).or_insert(0) += 1;
                    last.insert(rule.id.clone(), agent);
                }
            }
            cursor = next;
            if cursor.is_none() {
                break;
            }
        }
    }
    Ok(out)
}

/// Whether an event may have made a ticket assignable or freed an agent's capacity: a ticket
/// waiting unassigned, an assignee gone, a ticket finished, a rule changed.
fn may_change_assignments(event: &DomainEvent) -> bool {
    let p = &event.payload;
    let s = |k: &str| p.get(k).and_then(|v| v.as_str());
    let status = |k: &str| s(k).and_then(|v| serde_json::from_value::<Status>(v.into()).ok());
    let waits_unassigned = s("assignee").is_none() && p.get("queue_number").is_some_and(|q| !q.is_null());
    let assignee_left = s("from_assignee").is_some() && s("from_assignee") != s("assignee");
    let finished = matches!((status("from_status"), status("status")), (Some(f), Some(t)) if counts_as_load(f) && !counts_as_load(t));
    event.kind == "assignment.rules_changed" || waits_unassigned || assignee_left || finished
}

/// The events worker's assignment step.
pub struct AssignmentConsumer {
    app: AppState,
}

impl AssignmentConsumer {
    pub fn shared(app: AppState) -> Arc<dyn Consumer> {
        Arc::new(Self { app })
    }
}

#[async_trait]
impl Consumer for AssignmentConsumer {
    fn name(&self) -> &'static str {
        "assignment"
    }

    fn wants(&self, kind: &str) -> bool {
        kind.starts_with("ticket.") || kind == "assignment.rules_changed"
    }

    /// A walk repeated assigns nothing twice (each assignment is conditional on the ticket's
    /// version), so it needs no once-only claim: every ticket event costs one read of the rules.
    fn needs_claim(&self) -> bool {
        false
    }

    async fn handle(&self, event: &DomainEvent) -> Result<(), HandlerError> {
        if !may_change_assignments(event) {
            return Ok(());
        }
        let d = dispatch(&self.app).await.map_err(|e| HandlerError(e.to_string()))?;
        if d.assigned > 0 {
            tracing::info!(assigned = d.assigned, waiting = d.waiting, "tickets assigned by rule");
        }
        Ok(())
    }
}
