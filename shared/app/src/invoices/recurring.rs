//! Recurring invoices: schedules the issuer keeps (a template, a frequency, a start and an
//! optional end), and the sweep that generates each period's invoice, as a draft or sent at
//! once. Each generation commits the invoice (its id derived from schedule and period, written
//! only if absent), the schedule moved on under the version read and the schedule's next day
//! on the recurring calendar, in one transaction: however often or late the sweep runs, a
//! period has one invoice. A late sweep catches up missed periods, one invoice each (at most
//! [`MAX_CATCH_UP`](kt_domain::invoice::recurring::MAX_CATCH_UP) at a time).
//!
//! The tenant's annual run rate (ARR, in minor units per currency, integral for every
//! frequency) is a counter kept with each schedule change; MRR is a twelfth of it.

use kt_domain::identity::OrgId;
use kt_domain::invoice::Status;
use kt_domain::invoice::entity::{Billed, Invoice, RecurringRef};
use kt_domain::invoice::recurring::{self, Frequency, Recurring};
use kt_domain::money::Currency;
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::invoices::{self, Due, RECURRING_DAYS};
use kt_store::{Cond, Key, Query, TxOp};
use rust_decimal::Decimal;
use serde_json::Value;
use time::{Date, OffsetDateTime};

use super::drafts::{self, DraftInput};
use super::{commit_ops, issues};
use crate::idempotency::{Guard, Recorded};
use crate::identity::tenancy;
use crate::{AppError, AppState};

/// How far back a sweep that did not run reads its calendar: a schedule's next day is its
/// only due-item, so a sweep reads back over a year rather than lose one (a normal run reads
/// the day before and today).
const MAX_DAYS_BACK: i64 = 400;

/// What a schedule holds besides its template.
#[derive(Debug, Clone, Default)]
pub struct ScheduleInput {
    pub template: DraftInput,
    pub frequency: Option<Frequency>,
    pub start_on: Option<Date>,
    /// `Some(None)` removes the end.
    pub end_on: Option<Option<Date>>,
    pub auto_send: Option<bool>,
    pub auto_charge: Option<bool>,
    pub active: Option<bool>,
}

/// A schedule's template as a draft invoice (the one each period copies).
pub fn template_invoice(r: &Recurring) -> Invoice {
    Invoice {
        id: r.id.clone(),
        tenant: r.tenant.clone(),
        billed: r.billed.clone(),
        status: Status::Draft,
        number: None,
        seq: None,
        currency: r.currency,
        lines: r.lines.clone(),
        discount: r.discount,
        tax_rates: r.tax_rates.clone(),
        notes: r.notes.clone(),
        terms_text: r.terms_text.clone(),
        terms: None,
        issued_on: None,
        due_on: None,
        total: r.total,
        paid: Decimal::ZERO,
        viewed_at: None,
        tickets: Vec::new(),
        time_entries: Vec::new(),
        reminded: Vec::new(),
        credited: Decimal::ZERO,
        plan: None,
        recurring: None,
        void_reason: None,
        created_by: r.created_by.clone(),
        created_at: r.created_at,
        updated_at: r.updated_at,
    }
}

fn take_template(r: &mut Recurring, inv: Invoice) {
    r.billed = inv.billed;
    r.currency = inv.currency;
    r.lines = inv.lines;
    r.discount = inv.discount;
    r.tax_rates = inv.tax_rates;
    r.notes = inv.notes;
    r.terms_text = inv.terms_text;
    r.total = inv.total;
}

/// Passes the tenant's issuers who manage schedules (super admins and partners; staff draft
/// invoices but run no schedules); 403 for others of the tenant, 404 for outsiders.
pub fn issuer_only(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    if issues(actor, tenant) && actor.role != kt_domain::identity::Role::Staff {
        return Ok(());
    }
    Err(if actor.tenant == tenant.id || actor.role.is_house_staff() { AppError::Forbidden } else { AppError::NotFound })
}

/// The counter of the tenant's annual run rate in `currency` (minor units) and of its
/// active schedules.
fn arr_key(tenant: &kt_domain::identity::TenantId, currency: Currency, what: &str) -> Key {
    Key::new(format!("T#{tenant}#INVSTATS"), format!("RECUR#{}#{what}", currency.code()))
}

fn arr_ops(before: Option<&Recurring>, after: Option<&Recurring>) -> Vec<TxOp> {
    let mut deltas: Vec<(Key, i64)> = Vec::new();
    let mut add = |key: Key, by: i64| match deltas.iter_mut().find(|(k, _)| *k == key) {
        Some((_, n)) => *n += by,
        None => deltas.push((key, by)),
    };
    for (r, sign) in [(before, -1i64), (after, 1)] {
        if let Some(r) = r {
            let yearly = r.yearly();
            if yearly > Decimal::ZERO {
                add(arr_key(&r.tenant, r.currency, "arr"), sign * r.currency.to_minor(yearly).unwrap_or(0));
                add(arr_key(&r.tenant, r.currency, "n"), sign);
            }
        }
    }
    deltas
        .into_iter()
        .filter(|(_, by)| *by != 0)
        .map(|(key, by)| TxOp::Increment { key, field: "n".into(), by })
        .collect()
}

/// The schedule's next look on the recurring calendar (today at the earliest: a catch-up that
/// stopped half-way is read again by the next sweep).
fn calendar_ops(r: &Recurring, from: Option<&Key>, today: Date) -> Vec<TxOp> {
    let next = r.next_on().filter(|_| r.active).map(|d| RECURRING_DAYS.key(d.max(today), &r.tenant, &r.id));
    if next.as_ref() == from && next.is_some() {
        return Vec::new();
    }
    let mut ops = Vec::new();
    if let Some(k) = from {
        ops.push(TxOp::Delete { key: k.clone(), cond: Cond::None });
    }
    if let Some(k) = next {
        ops.push(invoices::due_put(k));
    }
    ops
}

/// The commit of a schedule (`before`: its stored version, `None`: new).
fn schedule_ops(before: Option<&Versioned<Recurring>>, after: &Recurring, today: Date) -> Result<Vec<TxOp>, AppError> {
    let (version, cond) = match before {
        Some(b) => (b.version + 1, Cond::Version(b.version)),
        None => (1, Cond::NotExists),
    };
    let mut ops = vec![TxOp::Put { item: kt_store::recurring::item(after, version)?, cond }];
    ops.extend(arr_ops(before.map(|b| &b.value), Some(after)));
    let old = before.and_then(|b| b.value.next_on().filter(|_| b.value.active)).map(|d| d.max(today));
    let from = old.map(|d| RECURRING_DAYS.key(d, &after.tenant, &after.id));
    ops.extend(calendar_ops(after, from.as_ref(), today));
    Ok(ops)
}

async fn transact(app: &AppState, ops: Vec<TxOp>) -> Result<(), AppError> {
    match app.store.transact(ops).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

fn check_schedule(r: &Recurring, today: Date, new: bool) -> Result<(), AppError> {
    if r.auto_charge && !r.auto_send {
        return Err(AppError::invalid("auto_charge", "charges invoices as they are sent: turn on auto_send too"));
    }
    let start_check = if new { recurring::check_days(r.start_on, r.end_on, today) } else { Ok(()) };
    match start_check {
        Err(e) => Err(AppError::from_invalid(e)),
        Ok(()) if r.end_on.is_some_and(|e| e < r.start_on) => Err(AppError::invalid("end_on", "is before the start")),
        Ok(()) => Ok(()),
    }
}

/// Starts a schedule. With an idempotency key, a retry answers with what the first made.
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: ScheduleInput,
    guard: Option<&Guard>,
) -> Result<(Versioned<Recurring>, bool), AppError> {
    issuer_only(actor, tenant)?;
    if let Some(g) = guard
        && let Some(made) = made_before(app, actor, tenant, g).await?
    {
        return Ok((made, true));
    }
    let mut errors = Vec::new();
    if input.template.billed.is_none() {
        errors.push(kt_domain::identity::Invalid::new("billed", "name the organization (or partner) to bill"));
    }
    if input.frequency.is_none() {
        errors.push(kt_domain::identity::Invalid::new("frequency", "use weekly, monthly, quarterly or yearly"));
    }
    if input.start_on.is_none() {
        errors.push(kt_domain::identity::Invalid::new("start_on", "name the day of the first invoice"));
    }
    let (Some(frequency), Some(start_on), true) = (input.frequency, input.start_on, errors.is_empty()) else {
        return Err(AppError::from_invalid(errors));
    };
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let now = app.clock.now();
    let mut r = Recurring {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        billed: Billed::Org { org: OrgId::new(app.ids.ulid()) },
        currency: settings.currency,
        lines: Vec::new(),
        discount: None,
        tax_rates: Vec::new(),
        notes: String::new(),
        terms_text: String::new(),
        total: Decimal::ZERO,
        frequency,
        start_on,
        end_on: input.end_on.flatten(),
        next: 0,
        auto_send: input.auto_send.unwrap_or(false),
        auto_charge: input.auto_charge.unwrap_or(false),
        active: input.active.unwrap_or(true),
        last_invoice: None,
        created_by: actor.user.clone(),
        created_at: now,
        updated_at: now,
    };
    let mut inv = template_invoice(&r);
    drafts::apply(app, tenant, &settings, &mut inv, input.template, true).await?;
    take_template(&mut r, inv);
    check_schedule(&r, now.date(), true)?;
    let mut ops = schedule_ops(None, &r, now.date())?;
    if let Some(g) = guard {
        ops.push(g.record(&format!("recurring:{}", r.id), now.unix_timestamp())?);
    }
    match transact(app, ops).await {
        Ok(()) => Ok((Versioned { value: r, version: 1 }, false)),
        Err(AppError::PreconditionFailed) if guard.is_some() => {
            let g = guard.ok_or_else(|| AppError::Internal("guard".into()))?;
            made_before(app, actor, tenant, g).await?.map(|s| (s, true)).ok_or(AppError::PreconditionFailed)
        }
        Err(e) => Err(e),
    }
}

async fn made_before(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    guard: &Guard,
) -> Result<Option<Versioned<Recurring>>, AppError> {
    match guard.recorded(app.store.as_ref()).await? {
        None => Ok(None),
        Some(Recorded::OtherBody) => Err(Guard::other_body()),
        Some(Recorded::Made(resource)) => {
            let id = resource
                .strip_prefix("recurring:")
                .ok_or_else(|| AppError::Internal(format!("idempotency record names {resource}")))?;
            Ok(Some(get(app, actor, tenant, id).await?))
        }
    }
}

/// One schedule (the issuer's).
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<Versioned<Recurring>, AppError> {
    issuer_only(actor, tenant)?;
    if id.len() != 26 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    kt_store::recurring::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)
}

/// One page of the tenant's schedules, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    filter: &super::Filter,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Recurring>>, Option<String>), AppError> {
    issuer_only(actor, tenant)?;
    let scope = match super::list_scope(actor, tenant, filter)? {
        super::Scope::Issuer(p) => p,
        super::Scope::Billed(_) => return Err(AppError::Forbidden),
    };
    Ok(kt_store::recurring::page(app.store.as_ref(), &tenant.id, scope.as_deref(), limit, cursor).await?)
}

/// Changes a schedule under `if_match`: its template, frequency, days, auto-send, or pauses
/// and resumes it (a resumed schedule picks up at the first period from today; the ones
/// missed while paused are skipped). The periods already generated stay as they are.
pub async fn edit(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    input: ScheduleInput,
    if_match: Option<u64>,
) -> Result<Versioned<Recurring>, AppError> {
    let current = get(app, actor, tenant, id).await?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let today = app.clock.now().date();
    let mut r = current.value.clone();
    let (settings, _) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    let mut inv = template_invoice(&r);
    drafts::apply(app, tenant, &settings, &mut inv, input.template, false).await?;
    take_template(&mut r, inv);
    let generated = r.next > 0;
    if let Some(f) = input.frequency
        && f != r.frequency
    {
        if generated {
            return Err(AppError::invalid(
                "frequency",
                "is fixed once an invoice was generated; end this schedule and start another",
            ));
        }
        r.frequency = f;
    }
    if let Some(s) = input.start_on
        && s != r.start_on
    {
        if generated {
            return Err(AppError::invalid("start_on", "is fixed once an invoice was generated"));
        }
        recurring::check_days(s, r.end_on, today).map_err(AppError::from_invalid)?;
        r.start_on = s;
    }
    if let Some(e) = input.end_on {
        r.end_on = e;
    }
    if let Some(a) = input.auto_send {
        r.auto_send = a;
    }
    if let Some(a) = input.auto_charge {
        r.auto_charge = a;
    }
    if let Some(active) = input.active {
        if active && !r.active {
            r.next = r.first_from(today);
        }
        r.active = active;
    }
    check_schedule(&r, today, false)?;
    r.updated_at = app.clock.now();
    transact(app, schedule_ops(Some(&current), &r, today)?).await?;
    Ok(Versioned { version: current.version + 1, value: r })
}

/// Ends a schedule for good (the invoices it generated stay).
pub async fn delete(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    if_match: Option<u64>,
) -> Result<(), AppError> {
    let current = get(app, actor, tenant, id).await?;
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let today = app.clock.now().date();
    let r = &current.value;
    let mut ops =
        vec![TxOp::Delete { key: kt_store::recurring::key(&tenant.id, &r.id), cond: Cond::Version(current.version) }];
    ops.extend(arr_ops(Some(r), None));
    if let Some(d) = r.next_on().filter(|_| r.active) {
        ops.push(TxOp::Delete { key: RECURRING_DAYS.key(d.max(today), &r.tenant, &r.id), cond: Cond::None });
    }
    transact(app, ops).await
}

/// Recurring revenue of a tenant in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revenue {
    pub currency: Currency,
    pub schedules: u64,
    pub arr: Decimal,
    /// A twelfth of `arr`, rounded to the currency's minor units.
    pub mrr: Decimal,
}

/// The tenant's recurring revenue per currency (one read of its counters).
pub async fn revenue(app: &AppState, tenant: &kt_domain::identity::TenantId) -> Result<Vec<Revenue>, AppError> {
    let page = app
        .store
        .query(Query::table(format!("T#{tenant}#INVSTATS")).sk(kt_store::SkCond::BeginsWith("RECUR#".into())))
        .await?;
    let mut out: Vec<Revenue> = Vec::new();
    for item in &page.items {
        let mut parts = item.key.sk.split('#').skip(1);
        let (Some(code), Some(what)) = (parts.next(), parts.next()) else { continue };
        let Ok(currency) = Currency::parse(code) else { continue };
        let n = item.attrs.get("n").and_then(Value::as_i64).unwrap_or(0);
        let i = match out.iter().position(|r| r.currency == currency) {
            Some(i) => i,
            None => {
                out.push(Revenue { currency, schedules: 0, arr: Decimal::ZERO, mrr: Decimal::ZERO });
                out.len() - 1
            }
        };
        match what {
            "n" => out[i].schedules = n.max(0) as u64,
            _ => {
                out[i].arr = currency.from_minor(n);
                out[i].mrr = currency.round(out[i].arr / Decimal::from(12));
            }
        }
    }
    out.retain(|r| r.schedules > 0);
    Ok(out)
}

/// What one sweep of the recurring calendar did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Generated {
    pub invoices: usize,
    pub sent: usize,
    /// Due-items of schedules with nothing due any more (paused, ended, deleted).
    pub stale: usize,
}

/// Generates every period due by `now` of the schedules on the recurring calendar.
pub async fn sweep(app: &AppState, now: OffsetDateTime) -> Result<Generated, AppError> {
    let today = now.date();
    let (due, next) = RECURRING_DAYS.until(app.store.as_ref(), today, MAX_DAYS_BACK).await?;
    let mut done = Generated::default();
    for d in &due {
        match generate(app, d, today).await {
            Ok(g) => {
                done.invoices += g.invoices;
                done.sent += g.sent;
                done.stale += g.stale;
            }
            Err(e) => {
                tracing::warn!(error = %e, schedule = %d.invoice, "recurring sweep: not done; the next sweep retries")
            }
        }
    }
    RECURRING_DAYS.set_cursor(app.store.as_ref(), next).await?;
    Ok(done)
}

/// Generates the periods of one schedule due by `today`, one transaction each.
async fn generate(app: &AppState, d: &Due, today: Date) -> Result<Generated, AppError> {
    let store = app.store.as_ref();
    let mut done = Generated::default();
    let mut from = Some(d.key.clone());
    for _ in 0..(recurring::MAX_CATCH_UP * 4) {
        let Some(current) = kt_store::recurring::get(store, &d.tenant, &d.invoice).await? else {
            if let Some(k) = from.take() {
                store.delete(&k, Cond::None).await?;
            }
            done.stale += 1;
            return Ok(done);
        };
        let r = &current.value;
        let Some(&(period, day)) = r.due(today).first() else {
            // Nothing due (any more): the calendar names only the schedule's next day.
            let ops = calendar_ops(r, from.as_ref(), today);
            if !ops.is_empty() {
                store.transact(ops).await?;
            }
            if done.invoices == 0 {
                done.stale += 1;
            }
            return Ok(done);
        };
        let tenant = tenancy::get(app, &d.tenant).await?;
        let id =
            recurring::invoice_id(&r.id, period).ok_or_else(|| AppError::Internal(format!("schedule id {}", r.id)))?;
        let now = app.clock.now();
        let mut inv = template_invoice(r);
        inv.id = id.clone();
        inv.recurring = Some(RecurringRef { schedule: r.id.clone(), period, period_on: day });
        inv.created_at = now;
        inv.updated_at = now;
        let mut moved = r.clone();
        moved.next = period + 1;
        moved.last_invoice = Some(id.clone());
        moved.updated_at = now;
        let mut extra = vec![TxOp::Put {
            item: kt_store::recurring::item(&moved, current.version + 1)?,
            cond: Cond::Version(current.version),
        }];
        extra.extend(arr_ops(Some(r), Some(&moved)));
        extra.extend(calendar_ops(&moved, from.as_ref(), today));
        let result = if r.auto_send {
            super::issuing::issue(app, &tenant, None, inv, extra, None).await.map(|_| true)
        } else {
            let ops = commit_ops(app, &tenant, None, &mut inv, extra, Some(("invoice.generated", None)))?;
            transact(app, ops).await.map(|()| false)
        };
        match result {
            Ok(sent) => {
                app.outbox_wake.notify_one();
                done.invoices += 1;
                done.sent += usize::from(sent);
                // The calendar now names the schedule's next day (today's if more is due).
                from = moved
                    .next_on()
                    .filter(|_| moved.active)
                    .map(|d| RECURRING_DAYS.key(d.max(today), &moved.tenant, &moved.id));
            }
            // Another sweep generated this period, or the schedule changed: read it again.
            Err(AppError::PreconditionFailed) => {
                from = Some(d.key.clone());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
