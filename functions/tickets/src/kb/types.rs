//! The knowledge base's bodies and views.

use kt_app::{AppError, AppState};
use kt_domain::identity::OrgId;
use kt_domain::kb::{Access, Article, ArticleStatus, Category, Content, Reader};
use kt_domain::tenancy::Tenant;
use kt_http::input::{ArticleBody, Cursor, Id, LongText, Name, Short, Subject};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    /// 1 to 120 characters on one line.
    pub name: Name,
    pub description: Option<LongText>,
    /// The category it sits under (three levels at most).
    pub parent_id: Option<Id>,
    /// Where it is listed among its siblings, lowest first.
    pub position: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub id: String,
    pub parent_id: Option<String>,
    /// 1 at the top, 3 at most.
    pub depth: u8,
    pub name: String,
    pub slug: String,
    pub description: String,
    pub position: u32,
    /// Send back as `If-Match` to change it.
    pub etag: String,
}

pub fn category_view(c: &Category, version: u64) -> CategoryView {
    CategoryView {
        id: c.id.clone(),
        parent_id: c.parent.clone(),
        depth: c.depth,
        name: c.name.clone(),
        slug: c.slug.clone(),
        description: c.description.clone(),
        position: c.position,
        etag: format!("\"{version}\""),
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AccessLevel {
    /// Anyone, signed out too (the help center).
    Public,
    /// The tenant's people and its clients (the system KB: every partner's people and clients).
    Partner,
    /// The tenant's staff.
    Internal,
    /// The organizations named in `org_ids`.
    Clients,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessBody {
    pub level: AccessLevel,
    /// `clients`: the organizations that read it.
    #[serde(default)]
    pub org_ids: Vec<Id>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatusName {
    Draft,
    /// Live from `publish_at` (scheduled while that is ahead).
    Published,
    Archived,
}

impl From<ArticleStatus> for ArticleStatusName {
    fn from(s: ArticleStatus) -> Self {
        match s {
            ArticleStatus::Draft => Self::Draft,
            ArticleStatus::Published => Self::Published,
            ArticleStatus::Archived => Self::Archived,
        }
    }
}

impl From<ArticleStatusName> for ArticleStatus {
    fn from(s: ArticleStatusName) -> Self {
        match s {
            ArticleStatusName::Draft => Self::Draft,
            ArticleStatusName::Published => Self::Published,
            ArticleStatusName::Archived => Self::Archived,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleRequest {
    /// 1 to 200 characters on one line.
    pub title: Subject,
    /// Markdown (rendered sanitized), up to 100,000 characters.
    pub body: ArticleBody,
    /// A line or two shown in lists and suggestions.
    pub summary: Option<LongText>,
    pub category_id: Option<Id>,
    #[serde(default)]
    pub tags: Vec<Short>,
    pub access: AccessBody,
    /// Related articles chosen by hand (at most 10).
    #[serde(default)]
    pub related_ids: Vec<Id>,
    /// Its address in the help center (lower-case letters, digits, hyphens); made from the
    /// title when left out of a new article, kept when left out of a save.
    pub slug: Option<Short>,
    /// What this save changed (kept with the version).
    pub note: Option<Subject>,
}

pub fn content(b: ArticleRequest) -> Result<Content, AppError> {
    if b.access.level != AccessLevel::Clients && !b.access.org_ids.is_empty() {
        return Err(AppError::invalid("access.org_ids", "name organizations only for the clients level"));
    }
    let access = match b.access.level {
        AccessLevel::Public => Access::Public,
        AccessLevel::Partner => Access::Partner,
        AccessLevel::Internal => Access::Internal,
        AccessLevel::Clients => {
            let mut orgs = Vec::with_capacity(b.access.org_ids.len());
            for (n, o) in b.access.org_ids.into_iter().enumerate() {
                orgs.push(
                    OrgId::try_from(o.into_inner())
                        .map_err(|_| AppError::invalid(format!("access.org_ids[{n}]"), "is not an organization id"))?,
                );
            }
            Access::Clients { orgs }
        }
    };
    Ok(Content {
        title: b.title.to_string(),
        body: b.body.to_string(),
        summary: b.summary.map(|s| s.to_string()).unwrap_or_default(),
        category: b.category_id.map(Id::into_inner),
        tags: b.tags.into_iter().map(|t| t.to_string()).collect(),
        access,
        related: b.related_ids.into_iter().map(Id::into_inner).collect(),
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RelatedView {
    pub id: String,
    pub title: String,
    pub slug: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    pub id: String,
    pub tenant_id: String,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub category_id: Option<String>,
    pub tags: Vec<String>,
    pub access: AccessBody,
    pub status: ArticleStatusName,
    pub publish_at: Option<String>,
    /// Published and its time come.
    pub live: bool,
    /// The version the content is.
    pub version: u32,
    pub updated_at: String,
}

fn access_body(a: &Access) -> AccessBody {
    let (level, orgs) = match a {
        Access::Public => (AccessLevel::Public, Vec::new()),
        Access::Partner => (AccessLevel::Partner, Vec::new()),
        Access::Internal => (AccessLevel::Internal, Vec::new()),
        Access::Clients { orgs } => (AccessLevel::Clients, orgs.clone()),
    };
    AccessBody { level, org_ids: orgs.iter().filter_map(|o| Id::try_from(o.to_string()).ok()).collect() }
}

/// The summary of `a`; `manager`: for the KB's managers (readers are not told which other
/// organizations an article names).
pub fn summary(app: &AppState, a: &Article, manager: bool) -> ArticleSummary {
    let mut access = access_body(&a.content.access);
    if !manager {
        access.org_ids.clear();
    }
    ArticleSummary {
        id: a.id.clone(),
        tenant_id: a.tenant.to_string(),
        slug: a.slug.clone(),
        title: a.content.title.clone(),
        summary: a.content.summary.clone(),
        category_id: a.content.category.clone(),
        tags: a.content.tags.clone(),
        access,
        status: a.status.into(),
        publish_at: a.publish_at.map(kt_domain::timestamp),
        live: a.live(app.clock.now()),
        version: a.revision,
        updated_at: kt_domain::timestamp(a.updated_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleView {
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// The Markdown as written.
    pub body: String,
    /// The Markdown rendered and sanitized; videos of allowed providers as click-to-load
    /// figures (`figure.kb-video` with `data-embed`, the player's address).
    pub body_html: String,
    /// The related articles the reader may read (none of the others is named).
    pub related: Vec<RelatedView>,
    pub created_at: String,
}

/// The view of `a` for `reader`: related articles they may not read are left out.
pub async fn view(app: &AppState, reader: Reader<'_>, tenant: &Tenant, a: &Article) -> Result<ArticleView, AppError> {
    let mut related = Vec::new();
    for id in &a.content.related {
        if let Ok(r) = kt_app::kb::get(app, reader, tenant, id).await {
            related.push(RelatedView { id: r.value.id, title: r.value.content.title, slug: r.value.slug });
        }
    }
    let manager = matches!(reader, Reader::Person(actor) if kt_app::kb::manager(actor, tenant));
    Ok(ArticleView {
        summary: summary(app, a, manager),
        body: a.content.body.clone(),
        body_html: kt_app::kb::embeds::render(&a.content.body),
        related,
        created_at: kt_domain::timestamp(a.created_at),
    })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ArticlePage {
    pub category_id: Option<Id>,
    pub tag: Option<Short>,
    /// The KB's managers: only drafts, published or archived ones.
    pub status: Option<ArticleStatusName>,
    /// Items per page, 1 to 100 (default 25).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<Cursor>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// When it goes live (RFC 3339; now when left out or past).
    pub publish_at: Option<Short>,
}
