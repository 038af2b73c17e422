//! Mail in. Every path feeds [`accept`]: on AWS an SES receipt rule stores the raw message in
//! S3 and its notification reaches the inbound-mail function through SNS and SQS; on the local
//! host the SMTP listener stores it through the Blobs port ([`receive`]). The raw message is
//! kept before anything else happens; then one record per tenant it is addressed to commits
//! with a due entry (so a process that stops before acting is made good by the sweep), and
//! [`process`] reads it, gathers the facts and acts on the one decision of
//! `kt_domain::mail::inbound::decide`, in the transaction of what it does (a ticket, a reply,
//! a hold, a refusal), so a retried delivery acts once. A mail that cannot be processed stands
//! in the dead-letter list with the reason until staff retry it.

mod act;
pub mod admin;
pub mod parse;

use std::collections::BTreeMap;

use bytes::Bytes;
use kt_domain::identity::Role;
use kt_domain::identity::{Email, TenantId, TicketId};
use kt_domain::mail::address::{self, ReplyToken, Route};
use kt_domain::mail::auto::{Signals, classify};
use kt_domain::mail::inbound::{Facts, InboundMail, Party, Status, Verdicts, decide};
use kt_domain::mail::thread;
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_domain::ticket::Status as TicketStatus;
use kt_store::entity::Versioned;
use kt_store::inbound as store;
use kt_store::{Cond, TxOp, accounts, tenants, tickets};
use time::OffsetDateTime;

use crate::identity::tenancy;
use crate::{AppError, AppState};

pub use parse::{Parsed, parse};

/// A received mail is acted on at once; the sweep looks again after this long.
pub const SWEEP_AFTER_SECS: i64 = 10 * 60;
/// The due index's hours the sweep reads back at most.
const SWEEP_HOURS_BACK: i64 = 48;
/// Where raw messages are kept (the SES receipt rule writes under the same prefix).
pub const RAW_PREFIX: &str = "mail/inbound/";
/// The purpose a reply address's tag is made for.
const TAG_PURPOSE: &str = "mail reply address";

/// What the transport says about a mail besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    /// The addresses it was delivered to (SMTP `RCPT TO`, SES's recipients).
    pub recipients: Vec<String>,
    /// SMTP `MAIL FROM` (`Some("")` for the null sender of bounces).
    pub mail_from: Option<String>,
    pub verdicts: Verdicts,
}

/// Keeps `raw` (a fresh key under [`RAW_PREFIX`]) and accepts it.
pub async fn receive(app: &AppState, raw: Bytes, envelope: Envelope) -> Result<Vec<InboundMail>, AppError> {
    let id = app.ids.ulid();
    let key = format!("{RAW_PREFIX}{}.eml", id.to_string().to_lowercase());
    app.blobs.put(&key, raw.clone(), "message/rfc822").await?;
    accept(app, &key, id, &raw, &envelope).await
}

/// The tenants a mail is for: the first route to each (a reply address before the tenant's own).
pub async fn routes(app: &AppState, recipients: &[String]) -> Result<Vec<(Tenant, String, Route)>, AppError> {
    let mut by_tenant: BTreeMap<String, (Tenant, String, Route)> = BTreeMap::new();
    for r in recipients {
        let Some(route) = address::route(r, &app.config.mail_inbound_domain) else { continue };
        let Some(id) = tenants::by_slug(app.store.as_ref(), &route.slug).await? else { continue };
        let tenant = tenancy::get(app, &id).await?;
        let better = by_tenant.get(id.as_str()).is_none_or(|(_, _, r)| r.reply.is_none() && route.reply.is_some());
        if better {
            by_tenant.insert(id.to_string(), (tenant, r.trim().to_ascii_lowercase(), route));
        }
    }
    Ok(by_tenant.into_values().collect())
}

/// Records the mail kept at `raw_key` for every tenant it is addressed to and acts on each.
/// Idempotent: a delivery seen before acts only where the first one did not finish. A mail
/// addressed to no tenant is logged (its raw message stays where it was kept).
pub async fn accept(
    app: &AppState,
    raw_key: &str,
    id: ulid::Ulid,
    raw: &[u8],
    envelope: &Envelope,
) -> Result<Vec<InboundMail>, AppError> {
    let routes = routes(app, &envelope.recipients).await?;
    if routes.is_empty() {
        tracing::warn!(raw_key, recipients = ?envelope.recipients, "mail for no tenant of this portal");
        return Ok(vec![]);
    }
    let parsed = parse(raw);
    let now = app.clock.now();
    let mut out = Vec::new();
    for (tenant, recipient, route) in routes {
        let m = InboundMail {
            id: id.to_string(),
            tenant: tenant.id.clone(),
            raw_key: raw_key.to_owned(),
            size: raw.len() as u64,
            recipient,
            envelope_from: envelope.mail_from.clone(),
            from: parsed.from.clone().map(|(name, email)| Party { name, email }),
            subject: parsed.subject.chars().take(300).collect(),
            message_id: parsed.message_id.clone(),
            verdicts: envelope.verdicts,
            automation: kt_domain::mail::auto::Automation::Person,
            status: Status::Received,
            reason: None,
            error: None,
            attempts: 0,
            sender: None,
            ticket: None,
            ticket_ref: None,
            message: None,
            internal: false,
            received_at: now,
            updated_at: now,
        };
        let mut ops = store::write_ops(&m, 1, None)?;
        ops.push(kt_store::due::DueIndex::put(store::due_key(&m, now + time::Duration::seconds(SWEEP_AFTER_SECS))));
        let current = match app.store.transact(ops).await {
            Ok(()) => Versioned { value: m, version: 1 },
            // Delivered before: act only if the first delivery did not.
            Err(e) if e.is_conflict() => store::get(app.store.as_ref(), &tenant.id, &id.to_string())
                .await?
                .ok_or_else(|| AppError::Internal("a received mail vanished".into()))?,
            Err(e) => return Err(e.into()),
        };
        out.push(process_parsed(app, &tenant, current, &parsed, route.reply.as_ref()).await?);
    }
    Ok(out)
}

/// Acts on a received mail again (the sweep, and staff retrying a dead letter): reads the raw
/// message back and processes it if it is still open.
pub async fn process(app: &AppState, tenant: &Tenant, id: &str) -> Result<InboundMail, AppError> {
    let current = store::get(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if !current.value.status.open() {
        return Ok(current.value);
    }
    let raw = app
        .blobs
        .get(&current.value.raw_key)
        .await?
        .ok_or_else(|| AppError::Conflict("the raw message is no longer kept".into()))?;
    let parsed = parse(&raw.bytes);
    let route = address::route(&current.value.recipient, &app.config.mail_inbound_domain);
    let reply = route.and_then(|r| r.reply);
    process_parsed(app, tenant, current, &parsed, reply.as_ref()).await
}

/// Decides and acts; a failure is recorded on the mail (the dead-letter list) and answered as
/// the mail's new state, so the transport does not deliver it again.
async fn process_parsed(
    app: &AppState,
    tenant: &Tenant,
    current: Versioned<InboundMail>,
    parsed: &Parsed,
    reply: Option<&ReplyToken>,
) -> Result<InboundMail, AppError> {
    if !current.value.status.open() {
        return Ok(current.value);
    }
    match act_on(app, tenant, &current, parsed, reply).await {
        Ok(m) => Ok(m),
        Err(e) => {
            let mut m = current.value.clone();
            m.status = Status::Failed;
            m.error = Some(e.to_string());
            m.attempts += 1;
            m.updated_at = app.clock.now();
            tracing::warn!(mail = %m.id, tenant = %m.tenant, error = %e, "inbound mail failed; in the dead-letter list");
            let ops = store::write_ops(&m, current.version + 1, Some(current.value.status))?;
            match app.store.transact(ops).await {
                Ok(()) => Ok(m),
                // Acted on meanwhile by another delivery: that one stands.
                Err(c) if c.is_conflict() => store::get(app.store.as_ref(), &tenant.id, &m.id)
                    .await?
                    .map(|v| v.value)
                    .ok_or_else(|| AppError::Internal("a received mail vanished".into())),
                Err(c) => Err(c.into()),
            }
        }
    }
}

/// The person behind an address: someone of the tenant, else one of Kre8ivTech's staff (who
/// work every tenant's tickets). Only active people count.
pub(crate) async fn sender(app: &AppState, tenant: &Tenant, email: &str) -> Result<Option<(User, Actor)>, AppError> {
    let Ok(email) = Email::parse(email) else { return Ok(None) };
    let s = app.store.as_ref();
    let mut places = vec![tenant.id.clone()];
    if let Some(house) = tenancy::house_cached(app).await?
        && house != tenant.id
    {
        places.push(house);
    }
    for (i, t) in places.iter().enumerate() {
        let Some(id) = accounts::user_by_email(s, t, &email).await? else { continue };
        let Some(user) = accounts::get_user(s, t, &id).await?.map(|v| v.value) else { continue };
        let house_staff = i > 0 && matches!(user.role, Role::Staff | Role::SuperAdmin);
        if user.status != UserStatus::Active || (i > 0 && !house_staff) {
            continue;
        }
        let orgs = if user.role == Role::Client { accounts::orgs_of(s, t, &id).await? } else { vec![] };
        let owner = if i == 0 { tenant.clone() } else { tenancy::get(app, t).await? };
        let actor = Actor {
            user: user.id.clone(),
            tenant: t.clone(),
            role: user.role,
            orgs,
            scopes: None,
            optional_enabled: owner.settings.client_api_enabled,
            tenant_bound: false,
        };
        return Ok(Some((user, actor)));
    }
    Ok(None)
}

/// The tag of ticket `number`'s reply address in `tenant`.
pub fn reply_tag(app: &AppState, tenant: &TenantId, number: u64) -> Result<String, AppError> {
    Ok(address::tag_from(&app.sealer.tag(TAG_PURPOSE, &format!("{tenant}#{number}"))?))
}

/// The reply address of `ticket` (for the Reply-To of the mail the portal sends about it).
pub fn reply_address(app: &AppState, tenant: &Tenant, number: u64) -> Result<String, AppError> {
    let tag = reply_tag(app, &tenant.id, number)?;
    Ok(address::reply_address(&tenant.slug, number, &tag, &app.config.mail_inbound_domain))
}

/// The ticket a mail answers: its reply address's token (when the tag holds), then the thread
/// headers, then a number in the subject. Only tickets of `tenant`; a merged ticket answers as
/// the one it was merged into.
pub(crate) async fn thread_of(
    app: &AppState,
    tenant: &Tenant,
    parsed: &Parsed,
    reply: Option<&ReplyToken>,
) -> Result<Option<kt_domain::ticket::Ticket>, AppError> {
    let s = app.store.as_ref();
    let mut candidates: Vec<TicketId> = Vec::new();
    if let Some(r) = reply {
        let tags = app.sealer.tags(TAG_PURPOSE, &format!("{}#{}", tenant.id, r.number));
        let holds = tags.iter().any(|t| address::tag_from(t) == r.tag);
        if holds && let Some(id) = tickets::id_by_number(s, &tenant.id, r.number).await? {
            candidates.push(id);
        }
    }
    let sender_domain = app.config.mail_from.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    let domains = [app.config.portal_domain.as_str(), sender_domain];
    candidates.extend(thread::tickets_in_headers(&parsed.in_reply_to, &parsed.references, &domains));
    // The Message-IDs recorded when a ticket's mail was sent: SES may show recipients its own
    // (`<id@<region>.amazonses.com>`), whose ticket the id does not name.
    if candidates.is_empty() {
        for raw in parsed.in_reply_to.iter().chain(parsed.references.iter().rev()).take(10) {
            let id = raw.trim().trim_start_matches('<').trim_end_matches('>');
            let Some((local, domain)) = id.rsplit_once('@') else { continue };
            let key = if domains.iter().any(|x| domain.eq_ignore_ascii_case(x)) {
                id
            } else if domain.to_ascii_lowercase().ends_with(".amazonses.com") {
                local
            } else {
                continue;
            };
            if let Some(sent) = kt_store::mail_out::sent(s, &tenant.id, key).await?
                && let Some(t) = sent.ticket.and_then(|t| TicketId::try_from(t).ok())
            {
                candidates.push(t);
            }
        }
    }
    if let Some(n) = thread::number_in_subject(&parsed.subject, tenant.ticket_prefix.as_str())
        && let Some(id) = tickets::id_by_number(s, &tenant.id, n).await?
    {
        candidates.push(id);
    }
    for id in candidates {
        let Some(mut t) = tickets::get(s, &tenant.id, &id).await?.map(|v| v.value) else { continue };
        if let Some(into) = t.merged_into.clone()
            && let Some(target) = tickets::get(s, &tenant.id, &into).await?
        {
            t = target.value;
        }
        return Ok(Some(t));
    }
    Ok(None)
}

/// Counts this mail against its sender's hourly limit; whether it went over.
async fn over_rate(app: &AppState, tenant: &TenantId, sender: &str) -> Result<bool, AppError> {
    let now = app.clock.now_unix();
    let hour = now - now.rem_euclid(3600);
    let key = store::rate_key(tenant, sender, hour);
    let count = app.store.increment(&key, "count", 1).await?;
    Ok(count > kt_domain::mail::inbound::SENDER_HOURLY_LIMIT)
}

async fn act_on(
    app: &AppState,
    tenant: &Tenant,
    current: &Versioned<InboundMail>,
    parsed: &Parsed,
    reply: Option<&ReplyToken>,
) -> Result<InboundMail, AppError> {
    let m = &current.value;
    let from = m.from.as_ref().map(|p| p.email.clone());
    let automation = classify(&Signals {
        headers: &parsed.headers,
        content_type: &parsed.content_type,
        envelope_from: m.envelope_from.as_deref(),
        from: from.as_deref(),
    });
    let who = match &from {
        Some(f) => sender(app, tenant, f).await?,
        None => None,
    };
    let over = match &from {
        Some(f) if automation.may_change_tickets() => over_rate(app, &tenant.id, f).await?,
        _ => false,
    };
    let ticket = if who.is_some() { thread_of(app, tenant, parsed, reply).await? } else { None };
    let settings = store::settings(app.store.as_ref(), &tenant.id).await?.value;
    let facts = Facts {
        size: m.size as usize,
        automation,
        verdicts: m.verdicts,
        known_sender: who.is_some(),
        over_rate: over,
        thread: ticket.as_ref().map(|t| t.status != TicketStatus::Closed),
        policy: settings.unknown_senders,
    };
    let action = decide(&facts);
    act::commit(app, tenant, current, parsed, automation, who, ticket, action).await
}

/// Acts on the mail whose process stopped before it could (the minute sweep).
pub async fn sweep(app: &AppState) -> Result<usize, AppError> {
    crate::uploads::sweep_due(app, &store::DUE, SWEEP_HOURS_BACK, "received mail", |d| async move {
        let s = app.store.as_ref();
        let (t, id) = d.rest.split_once('#').unwrap_or_default();
        let Ok(t) = TenantId::try_from(t.to_owned()) else {
            s.delete(&d.key, Cond::None).await?;
            return Ok(false);
        };
        let tenant = tenancy::get(app, &t).await?;
        let m = match store::get(s, &t, id).await? {
            Some(v) if v.value.status == Status::Received => process(app, &tenant, id).await?,
            _ => {
                s.delete(&d.key, Cond::None).await?;
                return Ok(false);
            }
        };
        if m.status != Status::Received {
            s.delete(&d.key, Cond::None).await?;
        }
        Ok(m.status != Status::Received)
    })
    .await
}

/// The due entry of `m`, removed with the mail's final state.
pub(crate) fn done_op(m: &InboundMail) -> TxOp {
    TxOp::Delete { key: store::due_key(m, m.received_at + time::Duration::seconds(SWEEP_AFTER_SECS)), cond: Cond::None }
}

pub(crate) fn now(app: &AppState) -> OffsetDateTime {
    app.clock.now()
}
