//! What the index holds of each searchable thing, read from the store as it is now: a ticket
//! (subject, description and public replies; its internal notes apart, searched only for those
//! serving the tenant) and its files by name, a KB article, a conversation's message, an organization, a
//! person. Each builder answers the changes that make the index say what the store says:
//! `Put` when the thing exists and is searchable, `Remove` when it is gone.

use kt_domain::identity::{OrgId, TenantId, TicketId, UserId};
use kt_domain::messaging::{Conversation, Message};
use kt_domain::search::audience;
use kt_domain::tenancy::Tenant;
use kt_platform::search::{Change, SearchDoc};
use kt_store::{accounts, kb as kb_store, messaging, tickets};

use crate::{AppError, AppState};

/// Most replies and notes read into one ticket's documents.
const MAX_TICKET_MESSAGES: u32 = 200;

/// The index id of a thing: `<kind>:<tenant>:<id>`.
pub fn doc_id(kind: &str, tenant: &TenantId, id: &str) -> String {
    format!("{kind}:{tenant}:{id}")
}

pub(super) async fn names(app: &AppState, tenant: &TenantId, people: &[UserId]) -> Result<String, AppError> {
    let mut unique: Vec<UserId> = Vec::new();
    for p in people {
        if !unique.contains(p) {
            unique.push(p.clone());
        }
    }
    let keys: Vec<(TenantId, UserId)> = unique.into_iter().map(|u| (tenant.clone(), u)).collect();
    let users = accounts::get_users(app.store.as_ref(), &keys).await?;
    Ok(users.into_iter().flatten().map(|u| format!("{} {}", u.name, u.email)).collect::<Vec<_>>().join(" "))
}

pub(super) async fn org_name(app: &AppState, tenant: &TenantId, org: &OrgId) -> Result<String, AppError> {
    Ok(accounts::get_org(app.store.as_ref(), tenant, org).await?.map(|o| o.value.name).unwrap_or_default())
}

/// A ticket's document.
pub async fn ticket(app: &AppState, tenant: &Tenant, id: &TicketId) -> Result<Vec<Change>, AppError> {
    let store = app.store.as_ref();
    let Some(t) = tickets::get(store, &tenant.id, id).await? else {
        return Ok(vec![Change::Remove(doc_id("ticket", &tenant.id, id.as_str()))]);
    };
    let t = t.value;
    let (messages, _) = tickets::messages(store, &tenant.id, id, MAX_TICKET_MESSAGES, None).await?;
    let (notes, replies): (Vec<_>, Vec<_>) = messages.into_iter().partition(|m| m.internal);
    let mut body = t.description.clone();
    for r in &replies {
        body.push_str("\n\n");
        body.push_str(&r.body);
    }
    let mut authors = vec![t.requester.clone()];
    authors.extend(replies.iter().map(|r| r.author.clone()));
    let notes = notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>().join("\n\n");
    let org_name = org_name(app, &tenant.id, &t.org).await?;
    let label = kt_domain::ticket::display_number(tenant.ticket_prefix.as_str(), t.number);
    let mut changes = Vec::new();
    // Its files, found by name by whoever sees the ticket.
    for a in tickets::attachments(store, &tenant.id, id).await?.into_iter().filter(|a| a.ready) {
        changes.push(Change::Put(Box::new(SearchDoc {
            id: doc_id("file", &tenant.id, &a.id),
            tenant: tenant.id.to_string(),
            kind: "file".into(),
            title: a.filename.clone(),
            body: t.subject.clone(),
            notes: String::new(),
            status: None,
            priority: None,
            org: Some(t.org.to_string()),
            org_name: org_name.clone(),
            from: names(app, &tenant.id, std::slice::from_ref(&a.uploader)).await?,
            tags: Vec::new(),
            at: a.created_at,
            audience: audience::ticket(&t.org, &t.requester),
            target: id.to_string(),
            label: label.clone(),
        })));
    }
    let doc = SearchDoc {
        id: doc_id("ticket", &tenant.id, id.as_str()),
        tenant: tenant.id.to_string(),
        kind: "ticket".into(),
        title: t.subject.clone(),
        body,
        notes,
        status: Some(t.status.as_str().to_owned()),
        priority: Some(t.priority.as_str().to_owned()),
        org: Some(t.org.to_string()),
        org_name,
        from: names(app, &tenant.id, &authors).await?,
        tags: t.tags.clone(),
        at: t.created_at,
        audience: audience::ticket(&t.org, &t.requester),
        target: id.to_string(),
        label,
    };
    changes.push(Change::Put(Box::new(doc)));
    Ok(changes)
}

/// A KB article: searchable by whoever may read it, drafts and archived ones by its managers.
pub async fn article(app: &AppState, tenant: &Tenant, id: &str) -> Result<Vec<Change>, AppError> {
    let id_in_index = doc_id("article", &tenant.id, id);
    let Some(a) = kb_store::article(app.store.as_ref(), &tenant.id, id).await? else {
        return Ok(vec![Change::Remove(id_in_index)]);
    };
    let a = a.value;
    let house = crate::kb::is_system(tenant);
    let published = a.status == kt_domain::kb::ArticleStatus::Published;
    let c = &a.content;
    let body = if c.summary.is_empty() { c.body.clone() } else { format!("{}\n\n{}", c.summary, c.body) };
    let status = match a.status {
        kt_domain::kb::ArticleStatus::Draft => "draft",
        kt_domain::kb::ArticleStatus::Published => "published",
        kt_domain::kb::ArticleStatus::Archived => "archived",
    };
    let doc = SearchDoc {
        id: id_in_index,
        tenant: tenant.id.to_string(),
        kind: "article".into(),
        title: c.title.clone(),
        body,
        notes: String::new(),
        status: Some(status.into()),
        priority: None,
        org: None,
        org_name: String::new(),
        from: names(app, &tenant.id, std::slice::from_ref(&a.created_by)).await?,
        tags: c.tags.clone(),
        // Scheduled articles date from their publication: readers' queries reach articles
        // dated up to now, so one becomes searchable when it goes live.
        at: if published { a.publish_at.unwrap_or(a.updated_at) } else { a.updated_at },
        audience: audience::article(&c.access, house, published),
        target: a.id.clone(),
        label: a.slug.clone(),
    };
    Ok(vec![Change::Put(Box::new(doc))])
}

/// One message of a conversation (deleted ones leave the index).
pub async fn message(app: &AppState, tenant: &TenantId, conversation: &str, seq: u64) -> Result<Vec<Change>, AppError> {
    let store = app.store.as_ref();
    let (Some(c), Some(m)) = (
        messaging::conversation(store, tenant, conversation).await?,
        messaging::message(store, tenant, conversation, seq).await?,
    ) else {
        return Ok(vec![Change::Remove(message_id(tenant, conversation, seq))]);
    };
    let (c, m) = (c.value, m.value);
    let author = names(app, tenant, std::slice::from_ref(&m.author)).await?;
    let org_name = match &c.org {
        Some(o) => org_name(app, tenant, o).await?,
        None => String::new(),
    };
    Ok(vec![message_change(&c, &m, &author, org_name)])
}

fn message_id(tenant: &TenantId, conversation: &str, seq: u64) -> String {
    doc_id("message", tenant, &format!("{conversation}.{seq}"))
}

/// The change for message `m` of `c`, its author named `author` (`name email`).
pub fn message_change(c: &Conversation, m: &Message, author: &str, org_name: String) -> Change {
    let id = message_id(&c.tenant, &c.id, m.seq);
    if m.deleted_at.is_some() || m.body.trim().is_empty() {
        return Change::Remove(id);
    }
    let title = match &c.name {
        Some(n) => n.clone(),
        None => format!("Message from {}", author.rsplit_once(' ').map_or(author, |(name, _)| name)),
    };
    Change::Put(Box::new(SearchDoc {
        id,
        tenant: c.tenant.to_string(),
        kind: "message".into(),
        title,
        body: m.body.clone(),
        notes: String::new(),
        status: None,
        priority: None,
        org: c.org.as_ref().map(ToString::to_string),
        org_name,
        from: author.to_owned(),
        tags: Vec::new(),
        at: m.at,
        audience: audience::message(&c.id),
        target: c.id.clone(),
        label: format!("#{}", m.seq),
    }))
}

/// A client organization.
pub async fn organization(app: &AppState, tenant: &TenantId, id: &OrgId) -> Result<Vec<Change>, AppError> {
    let doc_id = doc_id("organization", tenant, id.as_str());
    let Some(o) = accounts::get_org(app.store.as_ref(), tenant, id).await? else {
        return Ok(vec![Change::Remove(doc_id)]);
    };
    let o = o.value;
    Ok(vec![Change::Put(Box::new(SearchDoc {
        id: doc_id,
        tenant: tenant.to_string(),
        kind: "organization".into(),
        title: o.name.clone(),
        body: String::new(),
        notes: String::new(),
        status: None,
        priority: None,
        org: Some(o.id.to_string()),
        org_name: o.name,
        from: String::new(),
        tags: Vec::new(),
        at: o.created_at,
        audience: audience::organization(id),
        target: id.to_string(),
        label: String::new(),
    }))])
}

/// A person of the tenant.
pub async fn person(app: &AppState, tenant: &TenantId, id: &UserId) -> Result<Vec<Change>, AppError> {
    let doc_id = doc_id("user", tenant, id.as_str());
    let Some(u) = accounts::get_user(app.store.as_ref(), tenant, id).await? else {
        return Ok(vec![Change::Remove(doc_id)]);
    };
    let u = u.value;
    Ok(vec![Change::Put(Box::new(SearchDoc {
        id: doc_id,
        tenant: tenant.to_string(),
        kind: "user".into(),
        title: u.name.clone(),
        body: u.email.to_string(),
        notes: String::new(),
        status: Some(if u.status == kt_domain::tenancy::UserStatus::Active { "active" } else { "disabled" }.into()),
        priority: None,
        org: None,
        org_name: String::new(),
        from: String::new(),
        tags: vec![u.role.as_str().to_owned()],
        at: u.created_at,
        audience: audience::person(id),
        target: id.to_string(),
        label: u.email.to_string(),
    }))])
}
