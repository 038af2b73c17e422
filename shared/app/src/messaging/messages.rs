//! Messages: posted (Markdown, a thread's reply, mentions of members, files), edited by their author
//! with the history kept, deleted to a tombstone (by the author or whoever manages the
//! conversation), reacted to; history pages; read marks.

use kt_domain::DomainEvent;
use kt_domain::identity::UserId;
use kt_domain::messaging::{self, Message};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::messaging::{self as store, From};
use kt_store::{Cond, TxOp};
use serde_json::json;

use super::{EVENTS, load, person_of};
use crate::idempotency::{Guard, Recorded};
use crate::{AppError, AppState, outbox};

/// A message as written.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub body: String,
    /// The place of the message it answers (a thread's root).
    pub parent: Option<u64>,
    pub mentions: Vec<UserId>,
    /// Files uploaded to the conversation ([`super::files`]) the message carries.
    pub attachments: Vec<String>,
}

pub(crate) fn event(app: &AppState, tenant: &Tenant, kind: &str, m: &Message, actor: &UserId) -> DomainEvent {
    DomainEvent::new(
        app.ids.ulid(),
        kind,
        Some(tenant.id.to_string()),
        app.clock.now(),
        json!({"conversation": m.conversation, "seq": m.seq, "author": m.author.as_str(), "actor": actor.as_str(),
            "mentions": m.mentions.iter().map(UserId::as_str).collect::<Vec<_>>()}),
    )
}

/// Posts a message to conversation `id`. With an idempotency key a retry answers the first
/// attempt's message (`false`).
pub async fn post(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    draft: Draft,
    guard: Option<&Guard>,
) -> Result<(Message, bool), AppError> {
    let c = load(app, actor, tenant, id).await?.value;
    let s = app.store.as_ref();
    if let Some(g) = guard {
        match g.recorded(s).await? {
            Some(Recorded::OtherBody) => return Err(Guard::other_body()),
            Some(Recorded::Made(r)) => {
                let seq = r.rsplit('#').next().and_then(|n| n.parse().ok()).unwrap_or(0);
                let m = store::message(s, &tenant.id, id, seq).await?.ok_or(AppError::NotFound)?;
                return Ok((m.value, false));
            }
            None => {}
        }
    }
    let mut errors = Vec::new();
    let body = messaging::check_body(&draft.body).map_err(|e| errors.push(e)).ok();
    if let Err(e) = messaging::check_mentions(&draft.mentions, &c) {
        errors.push(e);
    }
    if let Some(p) = draft.parent {
        match store::message(s, &tenant.id, id, p).await? {
            Some(root) if root.value.parent.is_none() => {}
            Some(_) => errors.push(kt_domain::identity::Invalid::new("parent", "answer the thread's first message")),
            None => errors.push(kt_domain::identity::Invalid::new("parent", "is not a message of this conversation")),
        }
    }
    let files = match super::files::claim(app, tenant, id, &draft.attachments, &actor.user).await? {
        Ok(files) => files,
        Err(e) => {
            errors.push(e);
            vec![]
        }
    };
    let (Some(body), true) = (body, errors.is_empty()) else { return Err(AppError::from_invalid(errors)) };
    let seq = store::next_seq(s, &tenant.id, id).await?;
    let mut m = Message::new(id, seq, actor.user.clone(), body, app.clock.now());
    (m.parent, m.mentions) = (draft.parent, draft.mentions);
    m.attachments = files.iter().map(|f| f.value.as_ref()).collect();
    let mut ops = vec![TxOp::Put { item: store::message_item(&tenant.id, &m, 1)?, cond: Cond::NotExists }];
    ops.extend(super::files::attach_ops(tenant, &files, seq)?);
    if let Some(g) = guard {
        ops.push(g.record(&format!("{id}#{seq}"), app.clock.now_unix())?);
    }
    match outbox::publish(app, ops, vec![(EVENTS, event(app, tenant, "message.posted", &m, &actor.user))]).await {
        Ok(()) => Ok((m, true)),
        // The same key's other attempt won: answer with its message (this place stays a gap).
        Err(AppError::Conflict(_)) if guard.is_some() => {
            Box::pin(post(app, actor, tenant, id, Draft::default(), guard)).await
        }
        Err(e) => Err(e),
    }
}

async fn message_of(app: &AppState, tenant: &Tenant, id: &str, seq: u64) -> Result<Versioned<Message>, AppError> {
    store::message(app.store.as_ref(), &tenant.id, id, seq).await?.ok_or(AppError::NotFound)
}

async fn save(
    app: &AppState,
    tenant: &Tenant,
    current: &Versioned<Message>,
    after: Message,
    kind: &str,
    actor: &Actor,
    also: Vec<TxOp>,
) -> Result<(Message, u64), AppError> {
    let version = current.version + 1;
    let mut ops = vec![TxOp::Put {
        item: store::message_item(&tenant.id, &after, version)?,
        cond: Cond::Version(current.version),
    }];
    ops.extend(also);
    match outbox::publish(app, ops, vec![(EVENTS, event(app, tenant, kind, &after, &actor.user))]).await {
        Ok(()) => Ok((after, version)),
        Err(AppError::Conflict(_)) => Err(AppError::PreconditionFailed),
        Err(e) => Err(e),
    }
}

/// Edits message `seq` (its author; not once deleted), keeping the earlier text.
#[allow(clippy::too_many_arguments)]
pub async fn edit(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    seq: u64,
    body: &str,
    mentions: Vec<UserId>,
    if_match: Option<u64>,
) -> Result<(Message, u64), AppError> {
    let c = load(app, actor, tenant, id).await?.value;
    let current = message_of(app, tenant, id, seq).await?;
    if current.value.author != actor.user {
        return Err(AppError::Forbidden);
    }
    if current.value.deleted_at.is_some() {
        return Err(AppError::Conflict("a deleted message is not edited".into()));
    }
    if if_match.is_some_and(|v| v != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let mut errors = Vec::new();
    let body = messaging::check_body(body).map_err(|e| errors.push(e)).ok();
    if let Err(e) = messaging::check_mentions(&mentions, &c) {
        errors.push(e);
    }
    let (Some(body), true) = (body, errors.is_empty()) else { return Err(AppError::from_invalid(errors)) };
    let mut after = current.value.clone();
    after.edit(body, mentions, app.clock.now());
    save(app, tenant, &current, after, "message.edited", actor, vec![]).await
}

/// Deletes message `seq` to a tombstone (its author, or whoever manages the conversation).
pub async fn delete(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    seq: u64,
) -> Result<(Message, u64), AppError> {
    let c = load(app, actor, tenant, id).await?.value;
    let current = message_of(app, tenant, id, seq).await?;
    if current.value.author != actor.user && !c.manages(&person_of(actor)) {
        return Err(AppError::Forbidden);
    }
    if current.value.deleted_at.is_some() {
        return Ok((current.value, current.version));
    }
    let files = super::files::release_ops(app, tenant, &current.value).await?;
    let mut after = current.value.clone();
    after.delete(app.clock.now());
    save(app, tenant, &current, after, "message.deleted", actor, files).await
}

/// Adds or takes back the actor's `emoji` on message `seq` (retried over concurrent changes).
pub async fn react(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    seq: u64,
    emoji: &str,
) -> Result<(Message, u64), AppError> {
    load(app, actor, tenant, id).await?;
    let emoji = messaging::check_emoji(emoji).map_err(|e| AppError::from_invalid(vec![e]))?;
    for _ in 0..20 {
        let current = message_of(app, tenant, id, seq).await?;
        if current.value.deleted_at.is_some() {
            return Err(AppError::Conflict("a deleted message takes no reactions".into()));
        }
        let mut after = current.value.clone();
        after.toggle_reaction(&emoji, &actor.user);
        match save(app, tenant, &current, after, "message.reacted", actor, vec![]).await {
            Err(AppError::PreconditionFailed) => continue,
            other => return other,
        }
    }
    Err(AppError::Conflict("too many changes at once; try again".into()))
}

/// A page of conversation `id`'s history from `from`, and whether more may follow that way.
pub async fn history(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    from: From,
    limit: u32,
) -> Result<(Vec<Message>, bool), AppError> {
    load(app, actor, tenant, id).await?;
    let (page, more) = store::history(app.store.as_ref(), &tenant.id, id, from, limit).await?;
    Ok((page.into_iter().map(|m| m.value).collect(), more))
}

/// Marks conversation `id` read up to `seq` (never backwards); the unread count left there.
pub async fn read(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str, seq: u64) -> Result<u64, AppError> {
    let c = load(app, actor, tenant, id).await?.value;
    let s = app.store.as_ref();
    let last = store::current_seq(s, &tenant.id, id).await?;
    let upto = seq.min(last);
    for _ in 0..20 {
        let current = store::membership(s, &tenant.id, &actor.user, id).await?;
        let (mut m, cond, version) = match current {
            Some(v) => (v.value, Cond::Version(v.version), v.version + 1),
            None => (super::standing_of(&c, &actor.user), Cond::NotExists, 1),
        };
        if m.last_read_seq >= upto && m.last_seq >= last {
            return Ok(m.unread());
        }
        m.last_read_seq = m.last_read_seq.max(upto);
        m.last_seq = m.last_seq.max(last);
        match s.put(store::membership_item(&m, version)?, cond).await {
            Ok(()) => return Ok(m.unread()),
            Err(e) if e.is_conflict() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict("too many changes at once; try again".into()))
}
