//! The knowledge base (PRD 4.6): each tenant's categories and articles, the system KB being
//! Kre8ivTech's own tenant's. Reads go through [`readable`] (the access level of
//! `kt_domain::kb::may_read`, and for everyone but the KB's managers, only live articles);
//! writes through [`articles`] and [`categories`], each with one commit path; [`versions`] keeps
//! and compares the saves; [`readers`] counts views and takes feedback; [`images`] holds what
//! articles show.

pub mod articles;
pub mod categories;
pub mod document;
pub mod embeds;
pub mod images;
pub mod readers;
pub mod versions;

use kt_domain::kb::{Article, Reader, manages, may_read};
use kt_domain::policy::Actor;
use kt_domain::tenancy::{Tenant, TenantKind};
use kt_store::entity::Versioned;
use kt_store::kb as store;

use crate::{AppError, AppState};

/// Whether `tenant`'s KB is the system KB.
pub fn is_system(tenant: &Tenant) -> bool {
    tenant.kind == TenantKind::House
}

/// Whether `actor` writes `tenant`'s KB.
pub fn manager(actor: &Actor, tenant: &Tenant) -> bool {
    manages(actor, &tenant.id, is_system(tenant))
}

/// Whether `reader` may read `a` now: its managers always, everyone else by its access level
/// once it is live.
pub fn readable(app: &AppState, reader: Reader<'_>, tenant: &Tenant, a: &Article) -> bool {
    if let Reader::Person(actor) = reader
        && manager(actor, tenant)
    {
        return true;
    }
    a.live(app.clock.now()) && may_read(reader, &tenant.id, is_system(tenant), &a.content.access)
}

/// Article `id`, when `reader` may read it (404 otherwise: its existence is not told).
pub async fn get(
    app: &AppState,
    reader: Reader<'_>,
    tenant: &Tenant,
    id: &str,
) -> Result<Versioned<Article>, AppError> {
    let a = store::article(app.store.as_ref(), &tenant.id, id).await?.ok_or(AppError::NotFound)?;
    if readable(app, reader, tenant, &a.value) { Ok(a) } else { Err(AppError::NotFound) }
}

/// The article at `slug`, when `reader` may read it.
pub async fn by_slug(
    app: &AppState,
    reader: Reader<'_>,
    tenant: &Tenant,
    slug: &str,
) -> Result<Versioned<Article>, AppError> {
    let id = store::by_slug(app.store.as_ref(), &tenant.id, slug).await?.ok_or(AppError::NotFound)?;
    get(app, reader, tenant, &id).await
}

/// What a list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub category: Option<String>,
    pub tag: Option<String>,
    /// Managers only: drafts, published (live or scheduled) or archived.
    pub status: Option<kt_domain::kb::ArticleStatus>,
}

/// A page of the tenant's articles `reader` may read, newest first, narrowed by `filter`. Reads
/// on (a few store pages at most) until the page is full, each read asking only for what is
/// missing, so the cursor answered is exact.
pub async fn list(
    app: &AppState,
    reader: Reader<'_>,
    tenant: &Tenant,
    filter: &Filter,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Article>>, Option<String>), AppError> {
    if filter.status.is_some() && !matches!(reader, Reader::Person(a) if manager(a, tenant)) {
        return Err(AppError::invalid("status", "is for the KB's managers"));
    }
    let (mut out, mut next) = (Vec::new(), cursor);
    for _ in 0..8 {
        let want = limit.saturating_sub(out.len() as u32).max(1);
        let (items, after) = store::articles(app.store.as_ref(), &tenant.id, want, next).await?;
        out.extend(items.into_iter().filter(|a| {
            let c = &a.value.content;
            readable(app, reader, tenant, &a.value)
                && filter.category.as_ref().is_none_or(|x| c.category.as_ref() == Some(x))
                && filter.tag.as_ref().is_none_or(|t| c.tags.contains(t))
                && filter.status.is_none_or(|s| a.value.status == s)
        }));
        next = after;
        if next.is_none() || out.len() as u32 >= limit {
            break;
        }
    }
    Ok((out, next))
}
