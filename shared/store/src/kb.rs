//! The knowledge base.
//!
//! * `T#<t>#KBCAT` / `<category>`: a tenant's categories (a few dozen: read whole).
//! * `T#<t>#KBART` / `<article>`: its articles, newest first; written when a manager saves one.
//! * `T#<t>#KBSLUG` / `<slug>`: the claim of an article's slug (its id), written with the
//!   article so two articles never share an address.
//! * `T#<t>#KBPUB` / `<article>`: the help center's index, a small entry per published public
//!   article, written (or removed) with the article.
//! * `T#<t>#KB#<article>#V` / `<number:08>`: the article's versions, one per save.
//! * `T#<t>#KB#<article>#STAT` / `STAT`: its counters (views, unique readers, helpful, not
//!   helpful), on the article's own partition: a popular article heats only itself.
//! * `T#<t>#KB#<article>#READER` / `<user>`: who read it (the unique-reader count's proof).
//! * `T#<t>#KB#<article>#FEEDBACK` / `<user>`: the feedback given, one per person.
//! * `T#<t>#KB#<article>#IMG` / `<image>`: the images uploaded into the article.

use kt_domain::identity::TenantId;
use kt_domain::kb::{Article, Category, Feedback, Image, PublicEntry, Version};

use crate::due::DueIndex;
use crate::entity::{self, Versioned};
use crate::{Cond, Item, Key, Query, Store, StoreError, TxOp};

pub fn category_key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#KBCAT"), id)
}

pub fn category_item(c: &Category, version: u64) -> Result<Item, StoreError> {
    entity::item(category_key(&c.tenant, &c.id), c, version)
}

pub async fn category(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<Versioned<Category>>, StoreError> {
    entity::get(store, &category_key(tenant, id)).await
}

/// Every category of the tenant.
pub async fn categories(store: &dyn Store, tenant: &TenantId) -> Result<Vec<Versioned<Category>>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let (page, next) =
            entity::page(store, Query::table(format!("T#{tenant}#KBCAT")).limit(200).after(cursor)).await?;
        out.extend(page);
        match next {
            Some(n) => cursor = Some(n),
            None => return Ok(out),
        }
    }
}

pub fn article_key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#KBART"), id)
}

pub fn article_item(a: &Article, version: u64) -> Result<Item, StoreError> {
    entity::item(article_key(&a.tenant, &a.id), a, version)
}

pub async fn article(store: &dyn Store, tenant: &TenantId, id: &str) -> Result<Option<Versioned<Article>>, StoreError> {
    entity::get(store, &article_key(tenant, id)).await
}

/// A page of the tenant's articles, newest first.
pub async fn articles(
    store: &dyn Store,
    tenant: &TenantId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Article>>, Option<String>), StoreError> {
    entity::page(store, Query::table(format!("T#{tenant}#KBART")).desc().limit(limit).after(cursor)).await
}

pub fn slug_key(tenant: &TenantId, slug: &str) -> Key {
    Key::new(format!("T#{tenant}#KBSLUG"), slug)
}

/// Claims `slug` for `article` (fails when another holds it).
pub fn claim_slug(tenant: &TenantId, slug: &str, article: &str) -> TxOp {
    TxOp::Put { item: entity::pointer_item(slug_key(tenant, slug), "article", article), cond: Cond::NotExists }
}

/// The article holding `slug`.
pub async fn by_slug(store: &dyn Store, tenant: &TenantId, slug: &str) -> Result<Option<String>, StoreError> {
    entity::pointer(store, &slug_key(tenant, slug), "article").await
}

pub fn version_key(tenant: &TenantId, article: &str, number: u32) -> Key {
    Key::new(format!("T#{tenant}#KB#{article}#V"), format!("{number:08}"))
}

pub fn version_put(tenant: &TenantId, v: &Version) -> Result<TxOp, StoreError> {
    Ok(TxOp::Put { item: entity::item(version_key(tenant, &v.article, v.number), v, 1)?, cond: Cond::NotExists })
}

pub async fn version(
    store: &dyn Store,
    tenant: &TenantId,
    article: &str,
    number: u32,
) -> Result<Option<Version>, StoreError> {
    Ok(entity::get(store, &version_key(tenant, article, number)).await?.map(|v: Versioned<Version>| v.value))
}

/// A page of the article's versions, newest first.
pub async fn versions(
    store: &dyn Store,
    tenant: &TenantId,
    article: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Version>, Option<String>), StoreError> {
    let q = Query::table(format!("T#{tenant}#KB#{article}#V")).desc().limit(limit).after(cursor);
    let (items, next) = entity::page::<Version>(store, q).await?;
    Ok((items.into_iter().map(|v| v.value).collect(), next))
}

pub fn stat_key(tenant: &TenantId, article: &str) -> Key {
    Key::new(format!("T#{tenant}#KB#{article}#STAT"), "STAT")
}

/// The article's counters: views, readers, helpful, not_helpful.
pub async fn stats(store: &dyn Store, tenant: &TenantId, article: &str) -> Result<[i64; 4], StoreError> {
    let item = store.get(&stat_key(tenant, article)).await?;
    let n = |f: &str| item.as_ref().and_then(|i| i.attrs.get(f)).and_then(|v| v.as_i64()).unwrap_or(0);
    Ok([n("views"), n("readers"), n("helpful"), n("not_helpful")])
}

pub fn reader_key(tenant: &TenantId, article: &str, user: &str) -> Key {
    Key::new(format!("T#{tenant}#KB#{article}#READER"), user)
}

pub fn feedback_put(tenant: &TenantId, f: &Feedback) -> Result<TxOp, StoreError> {
    let key = Key::new(format!("T#{tenant}#KB#{}#FEEDBACK", f.article), f.id.clone());
    Ok(TxOp::Put { item: entity::item(key, f, 1)?, cond: Cond::NotExists })
}

/// A page of the article's feedback (by person).
pub async fn feedback(
    store: &dyn Store,
    tenant: &TenantId,
    article: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Feedback>, Option<String>), StoreError> {
    let q = Query::table(format!("T#{tenant}#KB#{article}#FEEDBACK")).desc().limit(limit).after(cursor);
    let (items, next) = entity::page::<Feedback>(store, q).await?;
    Ok((items.into_iter().map(|v| v.value).collect(), next))
}

/// `T#<t>#KB#<article>#IMG` / `<image>`: the images uploaded into an article, on its partition.
pub fn image_key(tenant: &TenantId, article: &str, id: &str) -> Key {
    Key::new(format!("T#{tenant}#KB#{article}#IMG"), id)
}

pub fn image_item(i: &Image, version: u64) -> Result<Item, StoreError> {
    entity::item(image_key(&i.tenant, &i.article, &i.id), i, version)
}

pub async fn image(
    store: &dyn Store,
    tenant: &TenantId,
    article: &str,
    id: &str,
) -> Result<Option<Versioned<Image>>, StoreError> {
    entity::get(store, &image_key(tenant, article, id)).await
}

/// When the sweep looks at an article image again (rest: `<tenant>#<article>#<image>`).
pub const IMAGE_SWEEP: DueIndex = DueIndex { prefix: "KBIMGDUE", shards: 8, legacy_bucket: false };

pub fn image_due_key(i: &Image, at: time::OffsetDateTime) -> Key {
    IMAGE_SWEEP.key(at, &i.id, &format!("{}#{}#{}", i.tenant, i.article, i.id))
}

pub fn public_key(tenant: &TenantId, article: &str) -> Key {
    Key::new(format!("T#{tenant}#KBPUB"), article)
}

/// The operation keeping the help center's index in step with `a` (in its transaction).
pub fn public_op(a: &Article) -> Result<TxOp, StoreError> {
    let key = public_key(&a.tenant, &a.id);
    Ok(match a.public_entry() {
        Some(e) => TxOp::Put { item: entity::item(key, &e, 1)?, cond: Cond::None },
        None => TxOp::Delete { key, cond: Cond::None },
    })
}

/// The tenant's public articles (live or scheduled), newest first.
pub async fn public_entries(store: &dyn Store, tenant: &TenantId) -> Result<Vec<PublicEntry>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let (page, next) = entity::page::<PublicEntry>(
            store,
            Query::table(format!("T#{tenant}#KBPUB")).desc().limit(1000).after(cursor),
        )
        .await?;
        out.extend(page.into_iter().map(|v| v.value));
        match next {
            Some(n) => cursor = Some(n),
            None => return Ok(out),
        }
    }
}
