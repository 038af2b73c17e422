//! Doing what was decided, each in one transaction with the mail's new state: a ticket filed
//! (its files kept through the Blobs port within the organization's storage), a reply added,
//! the mail held, refused (with a branded answer unless a machine wrote it) or ignored.

use bytes::Bytes;
use kt_domain::identity::OrgId;
use kt_domain::identity::Role;
use kt_domain::mail::auto::Automation;
use kt_domain::mail::body::kept_reply;
use kt_domain::mail::inbound::{Action, InboundMail, MailOrigin, Reason};
use kt_domain::mail::template::TemplateKind;
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, User};
use kt_domain::ticket::{
    Attachment, Category, MAX_BODY_CHARS, Message, Priority, Ticket, check_attachment, display_number, quota_allows,
};
use kt_platform::MailAddress;
use kt_store::entity::Versioned;
use kt_store::inbound as store;
use kt_store::{TxOp, tickets};

use super::Parsed;
use crate::mail::Letter;
use crate::tickets::conversation::{NewMessage, reply_with};
use crate::tickets::{NewTicket, create_with};
use crate::{AppError, AppState, mail, outbox};

/// A file of the mail, kept in storage, to be recorded with the ticket or the reply.
struct Kept {
    /// Stable per mail and file: a retried delivery writes the same record.
    id: String,
    filename: String,
    content_type: String,
    size: u64,
    blob_key: String,
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn commit(
    app: &AppState,
    tenant: &Tenant,
    current: &Versioned<InboundMail>,
    parsed: &Parsed,
    automation: Automation,
    who: Option<(User, Actor)>,
    ticket: Option<Ticket>,
    action: Action,
) -> Result<InboundMail, AppError> {
    let mut m = current.value.clone();
    m.automation = automation;
    m.sender = who.as_ref().map(|(u, _)| u.id.clone());
    m.updated_at = super::now(app);
    m.error = None;
    match (action, who, ticket) {
        (Action::Reply, Some((_, actor)), Some(t)) => {
            if crate::tickets::get(app, &actor, tenant, &t.id).await.is_ok() {
                return reply(app, tenant, current, m, parsed, &actor, &t).await;
            }
            // A ticket the sender may not see is no thread of theirs: new mail.
            file(app, tenant, current, m, parsed, &actor).await
        }
        (Action::File, Some((_, actor)), _) => file(app, tenant, current, m, parsed, &actor).await,
        (other, _, t) => {
            m.status = other.status();
            m.reason = other.reason();
            if let Some(t) = &t
                && other.reason() == Some(Reason::TicketClosed)
            {
                m.ticket = Some(t.id.clone());
                m.ticket_ref = Some(display_number(tenant.ticket_prefix.as_str(), t.number));
            }
            let mut ops = state_ops(current, &m)?;
            if let Action::Refuse { reason, answer: true } = other
                && let Some(to) = &m.from
            {
                let refusal = refusal(app, tenant, &m, parsed, reason, to.email.as_str());
                ops.push(outbox::record(mail::QUEUE, mail::requested(app.ids.ulid(), m.updated_at, &refusal)?)?);
            }
            finish(app, current, m, ops).await
        }
    }
}

/// The mail's new state and the end of its due entry.
fn state_ops(current: &Versioned<InboundMail>, m: &InboundMail) -> Result<Vec<TxOp>, AppError> {
    let mut ops = store::write_ops(m, current.version + 1, Some(current.value.status))?;
    ops.push(super::done_op(m));
    Ok(ops)
}

async fn finish(
    app: &AppState,
    current: &Versioned<InboundMail>,
    m: InboundMail,
    ops: Vec<TxOp>,
) -> Result<InboundMail, AppError> {
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok(m)
        }
        Err(e) if e.is_conflict() => settled(app, current).await,
        Err(e) => Err(e.into()),
    }
}

/// The state another delivery left the mail in, when it got there first.
async fn settled(app: &AppState, current: &Versioned<InboundMail>) -> Result<InboundMail, AppError> {
    let now = store::get(app.store.as_ref(), &current.value.tenant, &current.value.id).await?;
    match now {
        Some(v) if v.version > current.version => Ok(v.value),
        _ => Err(AppError::Conflict("the mail's ticket is being changed by others; retry".into())),
    }
}

async fn file(
    app: &AppState,
    tenant: &Tenant,
    current: &Versioned<InboundMail>,
    mut m: InboundMail,
    parsed: &Parsed,
    actor: &Actor,
) -> Result<InboundMail, AppError> {
    // A ticket belongs to an organization: only clients name theirs by writing.
    let org = match (actor.role, actor.orgs.first()) {
        (Role::Client, Some(org)) if actor.tenant == tenant.id => org.clone(),
        _ => {
            m.status = Action::Hold(Reason::NoOrganization).status();
            m.reason = Some(Reason::NoOrganization);
            let ops = state_ops(current, &m)?;
            return finish(app, current, m, ops).await;
        }
    };
    let (files, notes) = keep_files(app, tenant, &m, &org, parsed).await?;
    let subject: String = match parsed.subject.trim() {
        "" => "(no subject)".into(),
        s => s.chars().filter(|c| !c.is_control()).take(200).collect(),
    };
    let description = body_with_notes(parsed.text.trim(), &notes, "(The mail had no text.)");
    let input = NewTicket {
        org: Some(org),
        subject,
        description,
        priority: Priority::Medium,
        category: Category::GeneralInquiry,
        tags: vec![],
    };
    let origin = MailOrigin { mail_id: m.id.clone(), verdicts: m.verdicts };
    let extra = |t: &Ticket| -> Result<Vec<TxOp>, AppError> {
        let done = acted(&m, tenant, Action::File, t, None);
        let mut ops = state_ops(current, &done)?;
        ops.extend(file_ops(app, t, &actor.user, &files)?);
        Ok(ops)
    };
    match create_with(app, actor, tenant, input, None, Some(origin), &extra).await {
        Ok((t, _)) => Ok(acted(&m, tenant, Action::File, &t, None)),
        Err(AppError::Conflict(_)) => settled(app, current).await,
        Err(e) => Err(e),
    }
}

/// The mail once `action` put it on `t` (as `message`, for a reply).
fn acted(m: &InboundMail, tenant: &Tenant, action: Action, t: &Ticket, message: Option<&Message>) -> InboundMail {
    let mut done = m.clone();
    done.status = action.status();
    done.ticket = Some(t.id.clone());
    done.ticket_ref = Some(display_number(tenant.ticket_prefix.as_str(), t.number));
    if let Some(msg) = message {
        done.message = Some(msg.id.clone());
        done.internal = msg.internal;
    }
    done
}

async fn reply(
    app: &AppState,
    tenant: &Tenant,
    current: &Versioned<InboundMail>,
    m: InboundMail,
    parsed: &Parsed,
    actor: &Actor,
    t: &Ticket,
) -> Result<InboundMail, AppError> {
    let kept = kept_reply(&parsed.text);
    // Only the people who work tickets write internal notes.
    let internal = kept.internal && actor.role != Role::Client;
    let (files, notes) = keep_files(app, tenant, &m, &t.org, parsed).await?;
    let body = body_with_notes(&kept.text, &notes, "(The mail had no text.)");
    let origin = MailOrigin { mail_id: m.id.clone(), verdicts: m.verdicts };
    let extra = |t: &Ticket, msg: &Message| -> Result<Vec<TxOp>, AppError> {
        let done = acted(&m, tenant, Action::Reply, t, Some(msg));
        let mut ops = state_ops(current, &done)?;
        ops.extend(file_ops(app, t, &actor.user, &files)?);
        Ok(ops)
    };
    let input = NewMessage { body, internal, status: None };
    match reply_with(app, actor, tenant, &t.id, input, Some(origin), &extra).await {
        Ok((msg, t)) => Ok(acted(&m, tenant, Action::Reply, &t, Some(&msg))),
        Err(AppError::Conflict(_)) => settled(app, current).await,
        Err(e) => Err(e),
    }
}

/// Stores the mail's files that the ticket may take (type, size, the organization's storage)
/// under keys of the mail's own, so a retry writes the same ones; says why the others stayed out.
async fn keep_files(
    app: &AppState,
    tenant: &Tenant,
    m: &InboundMail,
    org: &OrgId,
    parsed: &Parsed,
) -> Result<(Vec<Kept>, Vec<String>), AppError> {
    let mut notes = Vec::new();
    if parsed.winmail {
        notes.push(
            "The sender's Outlook packed its attachments into winmail.dat, which cannot be opened here; ask for them as ordinary attachments.".to_owned(),
        );
    }
    let storage = crate::tickets::attachments::storage(app, &tenant.id, org).await?;
    let mut used = storage.used;
    let mut kept = Vec::new();
    for (i, p) in parsed.parts.iter().enumerate() {
        let size = p.bytes.len() as u64;
        let name = match check_attachment(&p.filename, &p.content_type, size) {
            Ok(name) => name,
            Err(errors) => {
                let why = errors.first().map(|e| e.message.clone()).unwrap_or_default();
                notes.push(format!("Not attached: {} ({why}).", p.filename));
                continue;
            }
        };
        if !quota_allows(used, storage.limit, size) {
            notes.push(format!("Not attached: {} (the organization's storage is full).", p.filename));
            continue;
        }
        used += size;
        let blob_key = format!("tenants/{}/mail/{}/{i}", tenant.id, m.id.to_lowercase());
        app.blobs.put(&blob_key, Bytes::copy_from_slice(&p.bytes), &p.content_type).await?;
        let base = ulid::Ulid::from_string(&m.id).map_err(|_| AppError::Internal("mail id".into()))?;
        let id = ulid::Ulid::from_parts(base.timestamp_ms(), base.random().wrapping_add(i as u128 + 1)).to_string();
        kept.push(Kept { id, filename: name, content_type: p.content_type.clone(), size, blob_key });
    }
    Ok((kept, notes))
}

/// The attachment records of `files` on `t`, and the storage they take.
fn file_ops(
    app: &AppState,
    t: &Ticket,
    uploader: &kt_domain::identity::UserId,
    files: &[Kept],
) -> Result<Vec<TxOp>, AppError> {
    let mut ops = Vec::new();
    let mut total = 0i64;
    for f in files {
        let a = Attachment {
            id: f.id.clone(),
            ticket: t.id.clone(),
            org: t.org.clone(),
            uploader: uploader.clone(),
            filename: f.filename.clone(),
            content_type: f.content_type.clone(),
            size: f.size,
            blob_key: f.blob_key.clone(),
            ready: true,
            created_at: app.clock.now(),
        };
        ops.push(TxOp::Put { item: tickets::attachment_item(&t.tenant, &a)?, cond: kt_store::Cond::NotExists });
        total += f.size as i64;
    }
    if total > 0 {
        ops.push(TxOp::Increment { key: tickets::storage_key(&t.tenant, &t.org), field: "used".into(), by: total });
    }
    Ok(ops)
}

fn body_with_notes(text: &str, notes: &[String], empty: &str) -> String {
    let mut body = if text.trim().is_empty() { empty.to_owned() } else { text.to_owned() };
    let room = MAX_BODY_CHARS.saturating_sub(600);
    if body.chars().count() > room {
        body = body.chars().take(room).collect();
        body.push_str("\n\n(Cut here: the whole mail can be downloaded from the ticket.)");
    }
    for n in notes {
        body.push_str("\n\n_");
        body.push_str(n);
        body.push('_');
    }
    body
}

/// The branded answer to a refused mail: why, and what to do instead. Marked as an automatic
/// reply so other systems do not answer it in turn.
fn refusal(app: &AppState, tenant: &Tenant, m: &InboundMail, parsed: &Parsed, reason: Reason, to: &str) -> Letter {
    let b = &tenant.branding;
    let portal = crate::seed::portal_url(app, tenant);
    let what = match reason {
        Reason::UnknownSender => format!(
            "{} takes requests by mail only from the people it knows. Sign in at {portal} to file it, or ask us to add you.",
            b.portal_name
        ),
        Reason::TooLarge => format!(
            "Your message is larger than {} MB, the most we take. Send the files as links, or add them to the ticket at {portal}.",
            kt_domain::mail::inbound::MAX_MESSAGE_BYTES / 1024 / 1024
        ),
        Reason::TicketClosed => format!(
            "The ticket you answered{} is closed and takes no more replies. Write to us again to open a new one, or file it at {portal}.",
            m.ticket_ref.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
        ),
        other => format!("Your message was not filed: {}.", other.text()),
    };
    let subject = if parsed.subject.is_empty() { "your message".to_owned() } else { parsed.subject.clone() };
    let mut letter = Letter::new(TemplateKind::MailRefused, tenant, MailAddress::new(None, to))
        .value("refusal.reason", what)
        .value("mail.subject", subject);
    letter.headers.push(("Auto-Submitted".to_owned(), "auto-replied".to_owned()));
    if let Some(id) = &parsed.message_id {
        letter.headers.push(("In-Reply-To".into(), format!("<{id}>")));
        letter.headers.push(("References".into(), format!("<{id}>")));
    }
    letter
}
