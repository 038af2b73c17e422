//! Service levels on tickets: every change reconciles the ticket's clocks with its status
//! (running while staff owe work, paused in Pending Client, stopped by the first public answer
//! and by resolution), counts each clock's outcome once in the compliance figures, and
//! replaces the due-items the sweep reads. The sweep raises each warning and breach once and
//! runs the policy's escalations (notify, raise the priority, reassign).

use kt_domain::identity::{TenantId, TicketId, UserId};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::sla::{Alarm, Clock, Escalation, Policy};
use kt_domain::ticket::{Status, Ticket, TicketSla};
use kt_store::{Cond, Key, TxOp, daily, sla, tickets};
use time::OffsetDateTime;

use super::{activity_entry, event_op, move_ticket};
use crate::identity::tenancy;
use crate::{AppError, AppState, permit};

/// The policy for a ticket: its organization's, its tenant's, the platform's, or the built-in default.
pub async fn policy_for(
    app: &AppState,
    tenant: &TenantId,
    org: &kt_domain::identity::OrgId,
) -> Result<Policy, AppError> {
    Ok(sla::effective(app.store.as_ref(), tenant, org).await?.unwrap_or_else(Policy::default_policy))
}

/// Brings `t`'s clocks in line with its status and priority at `now`; returns the operations:
/// due-items replaced and outcomes counted.
pub fn reconcile(t: &mut Ticket, policy: &Policy, now: OffsetDateTime) -> Vec<TxOp> {
    let cal = &policy.calendar;
    let targets = policy.targets(t.priority);
    let mut s = t.sla.take().unwrap_or_else(|| TicketSla {
        policy: policy.name.clone(),
        warn_percent: policy.warn_percent,
        first_response: Clock::start(targets.first_response_secs, t.created_at),
        resolution: Clock::start(targets.resolution_secs, t.created_at),
        first_counted: false,
        resolution_counted: false,
        first_response_due_at: None,
        resolution_due_at: None,
        due_items: vec![],
    });
    s.policy = policy.name.clone();
    s.warn_percent = policy.warn_percent;
    s.first_response.target_secs = targets.first_response_secs;
    s.resolution.target_secs = targets.resolution_secs;
    let mut ops = Vec::new();

    // First response: ends with staff's first public answer (or when the ticket ends without one).
    let first_over = t.first_response_at.is_some() || matches!(t.status, Status::Resolved | Status::Closed);
    if first_over {
        let at = t.first_response_at.unwrap_or(now);
        let met = s.first_response.stop(cal, at);
        if !s.first_counted {
            s.first_counted = true;
            ops.extend(sla::outcome_ops(&t.tenant, at, t.priority, "first", met));
            ops.extend(daily::ops(&t.tenant, at, &daily::outcome_metric("first", met), 1));
            if let Some(answered) = t.first_response_at {
                let minutes = (answered - t.created_at).whole_minutes().max(0);
                ops.extend(daily::ops(&t.tenant, answered, &daily::response_metric(minutes), 1));
            }
        }
    } else if t.status.sla_clock_runs() {
        s.first_response.resume(now);
    } else {
        s.first_response.pause(cal, now);
    }

    // Resolution: stops at Resolved / Closed; a reopened ticket's clock runs on from where it stood.
    match t.status {
        Status::Resolved | Status::Closed => {
            let met = s.resolution.stop(cal, now);
            if !s.resolution_counted {
                s.resolution_counted = true;
                ops.extend(sla::outcome_ops(&t.tenant, now, t.priority, "resolution", met));
                ops.extend(daily::ops(&t.tenant, now, &daily::outcome_metric("resolution", met), 1));
                ops.extend(daily::ops(&t.tenant, now, daily::RESOLVED, 1));
            }
        }
        status => {
            s.resolution.stopped_at = None;
            if status.sla_clock_runs() {
                s.resolution.resume(now);
            } else {
                s.resolution.pause(cal, now);
            }
        }
    }

    // Due-items: the pending alarms of running clocks replace the old ones (unchanged ones stay:
    // a transaction may name an item only once).
    let old: Vec<(String, String)> = std::mem::take(&mut s.due_items);
    s.first_response_due_at = None;
    s.resolution_due_at = None;
    for (name, clock) in [("first", s.first_response), ("resolution", s.resolution)] {
        let Some((warn, breach)) = clock.due(cal, s.warn_percent) else { continue };
        if name == "first" {
            s.first_response_due_at = Some(breach);
        } else {
            s.resolution_due_at = Some(breach);
        }
        for (alarm, at, raised) in [("warning", warn, clock.warned), ("breach", breach, clock.breached)] {
            if raised {
                continue;
            }
            let key = sla::due_key(at, &t.tenant, &t.id, name, alarm);
            let entry = (key.pk.clone(), key.sk.clone());
            if !old.contains(&entry) && !s.due_items.contains(&entry) {
                ops.push(sla::due_put(key));
            }
            if !s.due_items.contains(&entry) {
                s.due_items.push(entry);
            }
        }
    }
    for (pk, sk) in old.into_iter().filter(|e| !s.due_items.contains(e)) {
        ops.push(TxOp::Delete { key: Key::new(pk, sk), cond: Cond::None });
    }
    t.sla = Some(s);
    ops
}

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub warnings: usize,
    pub breaches: usize,
    /// Due-items that no longer applied (the clock paused or stopped since).
    pub stale: usize,
}

/// Raises every warning and breach due by `now`, each once, and runs the escalations.
pub async fn sweep(app: &AppState, now: OffsetDateTime) -> Result<Swept, AppError> {
    let (due, next_hour) = sla::due_until(app.store.as_ref(), now, 24 * 7).await?;
    let mut swept = Swept::default();
    for d in due {
        match sweep_one(app, &d.tenant, &d.ticket, now).await {
            Ok(Some((warnings, breaches))) => {
                swept.warnings += warnings;
                swept.breaches += breaches;
            }
            Ok(None) => {
                swept.stale += 1;
                app.store.delete(&d.key, Cond::None).await?;
            }
            Err(e) => tracing::warn!(error = %e, ticket = %d.ticket, "SLA alarm not raised; the next sweep retries"),
        }
    }
    sla::set_cursor(app.store.as_ref(), next_hour).await?;
    Ok(swept)
}

/// `Some((warnings, breaches))` raised on one ticket, `None` when nothing was due.
async fn sweep_one(
    app: &AppState,
    tenant_id: &TenantId,
    id: &TicketId,
    now: OffsetDateTime,
) -> Result<Option<(usize, usize)>, AppError> {
    for _ in 0..5 {
        let Some(current) = tickets::get(app.store.as_ref(), tenant_id, id).await? else {
            return Ok(None);
        };
        let mut t = current.value;
        let policy = policy_for(app, &t.tenant, &t.org).await?;
        let Some(mut s) = t.sla.clone() else { return Ok(None) };
        let cal = &policy.calendar;
        let mut alarms = Vec::new();
        if let Some(a) = s.first_response.check(cal, s.warn_percent, now) {
            alarms.push(("first", a));
        }
        if let Some(a) = s.resolution.check(cal, s.warn_percent, now) {
            alarms.push(("resolution", a));
        }
        if alarms.is_empty() {
            return Ok(None);
        }
        t.sla = Some(s.clone());
        let before = t.clone();
        let mut ops = Vec::new();
        let mut touched = Vec::new();
        let mut done = Vec::new();
        for (clock, alarm) in &alarms {
            let escalations = match alarm {
                Alarm::Warning => &policy.on_warning,
                Alarm::Breach => &policy.on_breach,
            };
            for e in escalations {
                match e {
                    Escalation::Notify => done.push("notify".to_owned()),
                    Escalation::RaisePriority if t.priority.raised() != t.priority => {
                        let (status, raised) = (t.status, t.priority.raised());
                        let (moves, queues) = move_ticket(app, &mut t, status, raised).await?;
                        ops.extend(moves);
                        touched.extend(queues);
                        done.push(format!("priority:{}", t.priority.as_str()));
                    }
                    Escalation::RaisePriority => {}
                    Escalation::Reassign { user_id } => {
                        if let Ok(u) = UserId::try_from(user_id.clone())
                            && t.assignee.as_ref() != Some(&u)
                        {
                            t.assignee = Some(u);
                            done.push(format!("assignee:{user_id}"));
                        }
                    }
                }
            }
            let kind = match alarm {
                Alarm::Warning => "sla_warning",
                Alarm::Breach => "sla_breach",
            };
            ops.push(activity_entry(app, &t, None, kind, None, Some((*clock).to_owned()))?);
        }
        s = t.sla.clone().unwrap_or(s);
        t.sla = Some(s);
        ops.extend(reconcile(&mut t, &policy, now));
        if before.priority != t.priority {
            ops.push(activity_entry(
                app,
                &t,
                None,
                "priority",
                Some(before.priority.as_str().into()),
                Some(t.priority.as_str().into()),
            )?);
        }
        if before.assignee != t.assignee {
            ops.push(activity_entry(
                app,
                &t,
                None,
                "assignee",
                before.assignee.as_ref().map(|u| u.to_string()),
                t.assignee.as_ref().map(|u| u.to_string()),
            )?);
        }
        t.updated_at = now;
        ops.extend(kt_store::workflow::load_ops(
            before.assignee.as_ref(),
            before.status,
            t.assignee.as_ref(),
            t.status,
        ));
        ops.insert(
            0,
            TxOp::Put { item: tickets::item(&t, current.version + 1)?, cond: Cond::Version(current.version) },
        );
        let tenant = tenancy::get(app, &t.tenant).await?;
        for (clock, alarm) in &alarms {
            let kind = match alarm {
                Alarm::Warning => "ticket.sla_warning",
                Alarm::Breach => "ticket.sla_breached",
            };
            let extra = serde_json::json!({"clock": clock, "escalations": done});
            ops.push(event_op(app, kind, &t, &tenant, None, &touched, extra)?);
        }
        match app.store.transact(ops).await {
            Ok(()) => {
                app.outbox_wake.notify_one();
                let w = alarms.iter().filter(|(_, a)| *a == Alarm::Warning).count();
                return Ok(Some((w, alarms.len() - w)));
            }
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("the ticket kept changing during the sweep".into()))
}

/// Where a policy is kept: the platform default, a tenant's, or one organization's.
pub enum Scope<'a> {
    Platform,
    Tenant(&'a TenantId),
    Org(&'a TenantId, &'a kt_domain::identity::OrgId),
}

fn scope_key(scope: &Scope<'_>) -> Key {
    match scope {
        Scope::Platform => sla::default_key(),
        Scope::Tenant(t) => sla::tenant_key(t),
        Scope::Org(t, o) => sla::org_key(t, o),
    }
}

/// Only super admins set service levels (they are Kre8ivTech's promise to its partners).
pub fn require_admin(actor: &Actor, scope: &Scope<'_>) -> Result<(), AppError> {
    let tenant = match scope {
        Scope::Platform => &actor.tenant,
        Scope::Tenant(t) | Scope::Org(t, _) => t,
    };
    permit(actor, Permission::ManageSystemSettings, &Resource { tenant, org: None, owner: None })
}

/// The policy stored at `scope` (`None`: the next broader one applies).
pub async fn get_policy(app: &AppState, actor: &Actor, scope: Scope<'_>) -> Result<Option<Policy>, AppError> {
    let tenant = match &scope {
        Scope::Platform => &actor.tenant,
        Scope::Tenant(t) | Scope::Org(t, _) => t,
    };
    // Those who manage a tenant's tickets may read the service levels they work to.
    permit(actor, Permission::ManageTenantTickets, &Resource { tenant, org: None, owner: None })?;
    Ok(sla::get(app.store.as_ref(), &scope_key(&scope)).await?)
}

/// Stores a policy at `scope` after checking it; tickets pick it up at their next change.
pub async fn set_policy(app: &AppState, actor: &Actor, scope: Scope<'_>, policy: Policy) -> Result<Policy, AppError> {
    require_admin(actor, &scope)?;
    let policy = policy.parse().map_err(AppError::from_invalid)?;
    for e in policy.on_warning.iter().chain(&policy.on_breach) {
        if let Escalation::Reassign { user_id } = e {
            UserId::try_from(user_id.clone())
                .map_err(|_| AppError::invalid("on_breach", "names a user id that is not one"))?;
        }
    }
    app.store.put(sla::policy_item(scope_key(&scope), &policy)?, Cond::None).await?;
    Ok(policy)
}

/// Removes the policy at `scope` (the broader one applies again).
pub async fn remove_policy(app: &AppState, actor: &Actor, scope: Scope<'_>) -> Result<(), AppError> {
    require_admin(actor, &scope)?;
    app.store.delete(&scope_key(&scope), Cond::None).await?;
    Ok(())
}

/// Compliance per month, priority and clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Compliance {
    pub month: String,
    pub priority: String,
    pub clock: String,
    pub met: i64,
    pub missed: i64,
    /// Met share in percent (`None` with nothing measured).
    pub percent: Option<f64>,
}

fn valid_month(m: &str) -> bool {
    m.len() == 7
        && m.as_bytes()[4] == b'-'
        && m[..4].bytes().all(|b| b.is_ascii_digit())
        && m[5..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n))
}

/// Compliance figures for months `from..=to` (`yyyy-mm`): one tenant's (those who may see its
/// reports) or, with `None`, every tenant's (house staff).
pub async fn compliance(
    app: &AppState,
    actor: &Actor,
    tenant: Option<&TenantId>,
    from: &str,
    to: &str,
) -> Result<Vec<Compliance>, AppError> {
    let mut errors = Vec::new();
    if !valid_month(from) {
        errors.push(crate::FieldError::new("from", "use yyyy-mm"));
    }
    if !valid_month(to) {
        errors.push(crate::FieldError::new("to", "use yyyy-mm"));
    }
    if errors.is_empty() && from > to {
        errors.push(crate::FieldError::new("to", "must not be before from"));
    }
    match tenant {
        Some(t) => permit(actor, Permission::ViewTenantReports, &Resource { tenant: t, org: None, owner: None })?,
        None => {
            if !actor.role.is_house_staff() || actor.tenant_bound {
                return Err(AppError::NotFound);
            }
            permit(actor, Permission::ViewAllReports, &Resource { tenant: &actor.tenant, org: None, owner: None })?
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let rows = sla::outcomes(app.store.as_ref(), tenant, from, to).await?;
    let mut out: Vec<Compliance> = Vec::new();
    for r in rows {
        let i = match out.iter().position(|c| c.month == r.month && c.priority == r.priority && c.clock == r.clock) {
            Some(i) => i,
            None => {
                out.push(Compliance {
                    month: r.month.clone(),
                    priority: r.priority.clone(),
                    clock: r.clock.clone(),
                    met: 0,
                    missed: 0,
                    percent: None,
                });
                out.len() - 1
            }
        };
        if r.met {
            out[i].met += r.count;
        } else {
            out[i].missed += r.count;
        }
    }
    for c in &mut out {
        let total = c.met + c.missed;
        c.percent = (total > 0).then(|| (c.met as f64 * 1000.0 / total as f64).round() / 10.0);
    }
    Ok(out)
}
