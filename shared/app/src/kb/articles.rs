//! Writing articles: every save is a version (author, time, the whole content) written with the
//! article in one transaction, under `If-Match`; the article's slug is claimed in the same
//! transaction (unique in the tenant); publishing now or at a set time, taking back to draft,
//! archiving. One commit path: [`commit`].

use kt_domain::DomainEvent;
use kt_domain::kb::{Access, Article, ArticleStatus, Content, Version, check_content, slugify};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::kb as store;
use kt_store::{Cond, TxOp};
use serde_json::json;
use time::OffsetDateTime;

use super::manager;
use crate::{AppError, AppState, outbox};

fn may_write(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    if !super::is_system(tenant) {
        crate::identity::tenancy::in_reach(actor, tenant)?;
    }
    if manager(actor, tenant) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The article `id` as its manager reads it.
async fn managed(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    expected: Option<u64>,
) -> Result<Versioned<Article>, AppError> {
    may_write(actor, tenant)?;
    let a = store::article(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if expected.is_some_and(|e| e != a.version) {
        return Err(AppError::PreconditionFailed);
    }
    Ok(a)
}

/// Checks what is linked: the category and the related articles exist in this KB, the named
/// organizations are the tenant's.
async fn check_links(app: &AppState, tenant: &Tenant, c: &Content, own: Option<&str>) -> Result<(), AppError> {
    let s = app.store.as_ref();
    if let Some(cat) = &c.category
        && store::category(s, &tenant.id, cat).await?.is_none()
    {
        return Err(AppError::invalid("category_id", "is no category of this knowledge base"));
    }
    for (n, r) in c.related.iter().enumerate() {
        if Some(r.as_str()) == own || store::article(s, &tenant.id, r).await?.is_none() {
            return Err(AppError::invalid(format!("related_ids[{n}]"), "is no other article of this knowledge base"));
        }
    }
    if let Access::Clients { orgs } = &c.access {
        for (n, o) in orgs.iter().enumerate() {
            if kt_store::accounts::get_org(s, &tenant.id, o).await?.is_none() {
                return Err(AppError::invalid(format!("access.org_ids[{n}]"), "is no organization of this portal"));
            }
        }
    }
    Ok(())
}

fn event(app: &AppState, a: &Article, kind: &str, actor: &Actor) -> DomainEvent {
    DomainEvent::new(
        app.ids.ulid(),
        kind,
        Some(a.tenant.to_string()),
        app.clock.now(),
        json!({"article": a.id, "actor": actor.user.to_string(), "version": a.revision}),
    )
}

/// Writes `a` at `version` over `previous` (none: new) with `extra`, its help-center entry and
/// its event, in one transaction. A taken slug answers 422 at `slug`; a changed article 412.
async fn commit(
    app: &AppState,
    a: &Article,
    version: u64,
    previous: Option<u64>,
    extra: Vec<TxOp>,
    event: DomainEvent,
) -> Result<(), AppError> {
    let mut ops = vec![TxOp::Put {
        item: store::article_item(a, version)?,
        cond: previous.map_or(Cond::NotExists, Cond::Version),
    }];
    let slug_at = extra.iter().position(|op| op.key() == &store::slug_key(&a.tenant, &a.slug)).map(|i| i + 1);
    ops.extend(extra);
    ops.push(store::public_op(a)?);
    ops.push(outbox::record(crate::tickets::EVENTS, event)?);
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok(())
        }
        Err(e) if e.is_conflict() => {
            let taken = slug_at.is_some()
                && store::by_slug(app.store.as_ref(), &a.tenant, &a.slug).await?.is_some_and(|id| id != a.id);
            if taken {
                Err(AppError::invalid("slug", "is the address of another article"))
            } else {
                Err(AppError::PreconditionFailed)
            }
        }
        Err(e) => Err(e.into()),
    }
}

fn version_of(a: &Article, actor: &Actor, note: &str) -> Version {
    Version {
        article: a.id.clone(),
        number: a.revision,
        content: a.content.clone(),
        author: actor.user.clone(),
        at: a.updated_at,
        note: note.to_owned(),
    }
}

/// The slug `wanted` (or one made from the title), checked.
fn slug_for(wanted: Option<&str>, title: &str) -> Result<String, AppError> {
    match wanted {
        Some(s) if slugify(s) == s && s.len() <= 80 => Ok(s.to_owned()),
        Some(_) => Err(AppError::invalid("slug", "use lower-case letters, digits and single hyphens (at most 80)")),
        None => Ok(slugify(title)),
    }
}

/// Starts an article as a draft (version 1).
pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    content: Content,
    slug: Option<String>,
) -> Result<Versioned<Article>, AppError> {
    may_write(actor, tenant)?;
    let content = check_content(content).map_err(AppError::from_invalid)?;
    check_links(app, tenant, &content, None).await?;
    let now = app.clock.now();
    let id = app.ids.ulid().to_string();
    let mut slug = slug_for(slug.as_deref(), &content.title)?;
    let chosen = slug.clone();
    // A made-up slug that is taken gets the id's tail.
    if chosen == slugify(&content.title) && store::by_slug(app.store.as_ref(), &tenant.id, &slug).await?.is_some() {
        slug = format!("{}-{}", slug.chars().take(70).collect::<String>(), id[20..].to_lowercase());
    }
    let a = Article {
        id,
        tenant: tenant.id.clone(),
        slug,
        content,
        status: ArticleStatus::Draft,
        publish_at: None,
        revision: 1,
        created_by: actor.user.clone(),
        updated_by: actor.user.clone(),
        created_at: now,
        updated_at: now,
    };
    let extra = vec![
        store::claim_slug(&tenant.id, &a.slug, &a.id),
        store::version_put(&tenant.id, &version_of(&a, actor, ""))?,
    ];
    commit(app, &a, 1, None, extra, event(app, &a, "kb.article_saved", actor)).await?;
    Ok(Versioned { version: 1, value: a })
}

/// What a save writes.
#[derive(Debug, Clone)]
pub struct Edit {
    pub content: Content,
    /// A new address (kept when none).
    pub slug: Option<String>,
    /// What this save changed.
    pub note: String,
}

/// Saves new content (a new version) under `expected`.
pub async fn save(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    edit: Edit,
    expected: Option<u64>,
) -> Result<Versioned<Article>, AppError> {
    let Edit { content, slug, note } = edit;
    let current = managed(app, actor, tenant, id, expected).await?;
    let content = check_content(content).map_err(AppError::from_invalid)?;
    check_links(app, tenant, &content, Some(id)).await?;
    if note.chars().count() > 200 {
        return Err(AppError::invalid("note", "use at most 200 characters"));
    }
    let mut a = current.value.clone();
    let slug = match slug {
        Some(s) => slug_for(Some(&s), &content.title)?,
        None => a.slug.clone(),
    };
    let mut extra = Vec::new();
    if slug != a.slug {
        extra.push(TxOp::Delete { key: store::slug_key(&tenant.id, &a.slug), cond: Cond::None });
        extra.push(store::claim_slug(&tenant.id, &slug, &a.id));
        a.slug = slug;
    }
    a.content = content;
    a.revision += 1;
    a.updated_by = actor.user.clone();
    a.updated_at = app.clock.now();
    extra.push(store::version_put(&tenant.id, &version_of(&a, actor, note.trim()))?);
    commit(app, &a, current.version + 1, Some(current.version), extra, event(app, &a, "kb.article_saved", actor))
        .await?;
    Ok(Versioned { version: current.version + 1, value: a })
}

/// Where an article is going.
#[derive(Debug, Clone, Copy)]
pub enum Move {
    /// Live now, or from the time given.
    Publish(Option<OffsetDateTime>),
    Unpublish,
    Archive,
}

/// Publishes, schedules, takes back or archives article `id` under `expected`.
pub async fn change(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    to: Move,
    expected: Option<u64>,
) -> Result<Versioned<Article>, AppError> {
    let current = managed(app, actor, tenant, id, expected).await?;
    let mut a = current.value.clone();
    let now = app.clock.now();
    match to {
        Move::Publish(at) => {
            if at.is_some_and(|t| t > now + time::Duration::days(366)) {
                return Err(AppError::invalid("publish_at", "use a time within a year"));
            }
            a.status = ArticleStatus::Published;
            a.publish_at = Some(at.filter(|t| *t > now).unwrap_or(now));
        }
        Move::Unpublish => {
            a.status = ArticleStatus::Draft;
            a.publish_at = None;
        }
        Move::Archive => a.status = ArticleStatus::Archived,
    }
    a.updated_by = actor.user.clone();
    a.updated_at = now;
    let kind = match to {
        Move::Publish(_) => "kb.article_published",
        Move::Unpublish | Move::Archive => "kb.article_withdrawn",
    };
    commit(app, &a, current.version + 1, Some(current.version), Vec::new(), event(app, &a, kind, actor)).await?;
    Ok(Versioned { version: current.version + 1, value: a })
}
