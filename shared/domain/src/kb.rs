//! The knowledge base (PRD 4.6): each tenant's categories (three levels deep) and articles in
//! Markdown, with tags, hand-picked related articles, an access level, a version per save, and
//! publishing now or at a set time. Kre8ivTech's own tenant holds the system KB; each partner
//! tenant its own, under its brand.
//!
//! Who reads what ([`may_read`]), exactly as PRD 4.6 puts it:
//! * **public**: anyone, signed out too (the tenant's help center);
//! * **partner**: the tenant's people and its clients; for the system KB, every partner's people
//!   and their clients (Kre8ivTech's own direct clients are not partners' clients);
//! * **internal**: the tenant's staff (for the system KB, Kre8ivTech's staff);
//! * **clients**: the named organizations' people (and the tenant's staff).
//!
//! Kre8ivTech's staff read everything; an article is read by the reader's side only once live
//! (published, its publishing time passed); drafts are its managers' alone.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::{Invalid, OrgId, Role, TenantId, UserId};
use crate::policy::Actor;

/// Deepest a category may sit (1: top level).
pub const MAX_DEPTH: u8 = 3;
pub const MAX_TITLE: usize = 200;
/// Markdown, in characters.
pub const MAX_BODY: usize = 100_000;
pub const MAX_TAGS: usize = 20;
pub const MAX_RELATED: usize = 10;
pub const MAX_ORGS: usize = 50;

/// Who may read an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "level", rename_all = "snake_case")]
pub enum Access {
    Public,
    Partner,
    Internal,
    /// The named organizations of the tenant.
    Clients {
        orgs: Vec<OrgId>,
    },
}

impl Access {
    pub fn name(&self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Partner => "partner",
            Access::Internal => "internal",
            Access::Clients { .. } => "clients",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: String,
    pub tenant: TenantId,
    pub parent: Option<String>,
    /// 1 at the top, at most [`MAX_DEPTH`].
    pub depth: u8,
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub description: String,
    pub position: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    Draft,
    /// Live from `publish_at` (scheduled while that is ahead).
    Published,
    /// Taken down (kept with its history).
    Archived,
}

/// What a version holds: the article's words and settings as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub summary: String,
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub access: Access,
    #[serde(default)]
    pub related: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: String,
    pub tenant: TenantId,
    /// Unique in the tenant: the help center's address of it.
    pub slug: String,
    pub content: Content,
    pub status: ArticleStatus,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub publish_at: Option<OffsetDateTime>,
    /// The number of the version the content is (1 for the first save).
    pub revision: u32,
    pub created_by: UserId,
    pub updated_by: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl Article {
    /// Published and its time come.
    pub fn live(&self, now: OffsetDateTime) -> bool {
        self.status == ArticleStatus::Published && self.publish_at.is_none_or(|t| t <= now)
    }

    /// What the help center lists of it: a published public article (live once its time
    /// comes), else nothing.
    pub fn public_entry(&self) -> Option<PublicEntry> {
        (self.status == ArticleStatus::Published && self.content.access == Access::Public).then(|| PublicEntry {
            id: self.id.clone(),
            slug: self.slug.clone(),
            title: self.content.title.clone(),
            summary: self.content.summary.clone(),
            category: self.content.category.clone(),
            publish_at: self.publish_at,
            updated_at: self.updated_at,
        })
    }
}

/// A public article as the help center lists it: small, so a tenant's whole public index reads
/// in a page or two whatever the size of its KB.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicEntry {
    pub id: String,
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub category: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub publish_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl PublicEntry {
    pub fn live(&self, now: OffsetDateTime) -> bool {
        self.publish_at.is_none_or(|t| t <= now)
    }
}

/// One saved version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Version {
    pub article: String,
    pub number: u32,
    pub content: Content,
    pub author: UserId,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What the author said of it (`Restored version 3`).
    #[serde(default)]
    pub note: String,
}

/// Who is reading: a person, or someone signed out on the tenant's help center.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    Person(&'a Actor),
    Anonymous,
}

/// Whether the tenant's KB is written by `actor`: the system KB (`house`) by Kre8ivTech's super
/// admins and staff, a partner's by those and the partner.
pub fn manages(actor: &Actor, tenant: &TenantId, house: bool) -> bool {
    if actor.role.is_house_staff() && (!actor.tenant_bound || &actor.tenant == tenant) {
        return true;
    }
    !house && actor.role == Role::Partner && &actor.tenant == tenant
}

/// Whether `reader` may read an article of `tenant` (the system KB when `house`) at `access`,
/// leaving aside whether it is live (see [`Article::live`]).
pub fn may_read(reader: Reader<'_>, tenant: &TenantId, house: bool, access: &Access) -> bool {
    let actor = match reader {
        Reader::Anonymous => return *access == Access::Public,
        Reader::Person(a) => a,
    };
    if actor.role.is_house_staff() && (!actor.tenant_bound || &actor.tenant == tenant) {
        return true;
    }
    let own = &actor.tenant == tenant;
    let staff = own && matches!(actor.role, Role::Partner | Role::PartnerStaff);
    match access {
        Access::Public => own || house,
        Access::Partner => own && !house || house && !own,
        Access::Internal => staff,
        Access::Clients { orgs } => staff || own && actor.orgs.iter().any(|o| orgs.contains(o)),
    }
}

/// A slug from `text`: lower-case ASCII letters and digits joined by single hyphens, at most
/// 80 characters (`Reset your password!` → `reset-your-password`); `item` when nothing is left.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 80 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() { "item".into() } else { out }
}

/// Checks a category's words.
pub fn check_category(name: &str, description: &str) -> Result<(String, String), Vec<Invalid>> {
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 || name.contains(['\n', '\r']) {
        errors.push(Invalid::new("name", "use 1 to 120 characters on one line"));
    }
    if description.chars().count() > 2_000 {
        errors.push(Invalid::new("description", "use at most 2,000 characters"));
    }
    if errors.is_empty() { Ok((name.to_owned(), description.trim().to_owned())) } else { Err(errors) }
}

/// Checks an article's content and cleans it (trimmed title, tags lower-cased and unique);
/// every fault named.
pub fn check_content(mut c: Content) -> Result<Content, Vec<Invalid>> {
    let mut errors = Vec::new();
    c.title = c.title.trim().to_owned();
    if c.title.is_empty() || c.title.chars().count() > MAX_TITLE || c.title.contains(['\n', '\r']) {
        errors.push(Invalid::new("title", "use 1 to 200 characters on one line"));
    }
    if c.body.chars().count() > MAX_BODY {
        errors.push(Invalid::new("body", "use at most 100,000 characters"));
    }
    c.summary = c.summary.trim().to_owned();
    if c.summary.chars().count() > 500 {
        errors.push(Invalid::new("summary", "use at most 500 characters"));
    }
    let mut tags: Vec<String> = Vec::new();
    for (n, t) in c.tags.iter().enumerate() {
        let t = t.trim().to_lowercase();
        if t.is_empty() || t.chars().count() > 40 || t.contains(['\n', '\r', ',']) {
            errors.push(Invalid::new(format!("tags[{n}]"), "use 1 to 40 characters without commas"));
        } else if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if c.tags.len() > MAX_TAGS {
        errors.push(Invalid::new("tags", format!("use at most {MAX_TAGS} tags")));
    }
    c.tags = tags;
    if c.related.len() > MAX_RELATED {
        errors.push(Invalid::new("related", format!("choose at most {MAX_RELATED} related articles")));
    }
    if let Access::Clients { orgs } = &mut c.access {
        orgs.dedup();
        if orgs.is_empty() || orgs.len() > MAX_ORGS {
            errors.push(Invalid::new("access.org_ids", format!("name 1 to {MAX_ORGS} organizations")));
        }
    }
    if errors.is_empty() { Ok(c) } else { Err(errors) }
}

/// Helpful or not, with an optional comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feedback {
    pub id: String,
    pub article: String,
    pub helpful: bool,
    #[serde(default)]
    pub comment: String,
    /// Who gave it (none when signed out).
    pub by: Option<UserId>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// The image types an article may carry (no SVG: it can hold script).
pub const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
/// The largest image an article may carry.
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

/// An image uploaded into an article: shown to whoever may read the article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub id: String,
    pub tenant: TenantId,
    pub article: String,
    pub uploader: UserId,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    pub blob_key: String,
    /// False until the upload is confirmed.
    pub ready: bool,
    /// Removed (an upload never confirmed): its bytes are gone or going.
    #[serde(default)]
    pub removed: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Checks an image declared for an article; answers its clean file name.
pub fn check_image(filename: &str, content_type: &str, size: u64) -> Result<String, Vec<Invalid>> {
    let mut errors = Vec::new();
    let base = filename.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned();
    if name.is_empty() || name == "." || name == ".." {
        errors.push(Invalid::new("filename", "is required"));
    } else if name.chars().count() > 200 {
        errors.push(Invalid::new("filename", "use at most 200 characters"));
    }
    if !IMAGE_TYPES.contains(&content_type) {
        errors.push(Invalid::new("content_type", "use a PNG, JPEG, GIF or WebP image"));
    }
    if size == 0 || size > MAX_IMAGE_BYTES {
        errors.push(Invalid::new("size", format!("an image is 1 byte to {} MiB", MAX_IMAGE_BYTES / 1024 / 1024)));
    }
    if errors.is_empty() { Ok(name) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, tenant: &TenantId, orgs: Vec<OrgId>) -> Actor {
        Actor {
            user: UserId::new(ulid::Ulid::new()),
            tenant: tenant.clone(),
            role,
            orgs,
            scopes: None,
            optional_enabled: false,
            tenant_bound: false,
        }
    }

    #[test]
    fn access_levels_are_the_prd_s() {
        let house = TenantId::new(ulid::Ulid::new());
        let acme = TenantId::new(ulid::Ulid::new());
        let other = TenantId::new(ulid::Ulid::new());
        let globex = OrgId::new(ulid::Ulid::new());
        let initech = OrgId::new(ulid::Ulid::new());
        let staff = actor(Role::Staff, &house, vec![]);
        let drew = actor(Role::Client, &house, vec![OrgId::new(ulid::Ulid::new())]);
        let pat = actor(Role::Partner, &acme, vec![]);
        let sam = actor(Role::PartnerStaff, &acme, vec![]);
        let dana = actor(Role::Client, &acme, vec![globex.clone()]);
        let olga = actor(Role::Client, &acme, vec![initech.clone()]);
        let stranger = actor(Role::Client, &other, vec![]);
        let clients = Access::Clients { orgs: vec![globex.clone()] };
        let read = |a: &Actor, t: &TenantId, access: &Access| may_read(Reader::Person(a), t, t == &house, access);

        // Acme's own KB.
        for (who, public, partner, internal, named) in [
            (&staff, true, true, true, true),
            (&pat, true, true, true, true),
            (&sam, true, true, true, true),
            (&dana, true, true, false, true),
            (&olga, true, true, false, false),
            (&drew, false, false, false, false),
            (&stranger, false, false, false, false),
        ] {
            let got = (
                read(who, &acme, &Access::Public),
                read(who, &acme, &Access::Partner),
                read(who, &acme, &Access::Internal),
                read(who, &acme, &clients),
            );
            assert_eq!(got, (public, partner, internal, named), "{:?} on Acme's KB", who.role);
        }
        // The system KB: public to all, partner-level to partners' people and clients.
        assert!(read(&dana, &house, &Access::Public) && read(&dana, &house, &Access::Partner));
        assert!(read(&drew, &house, &Access::Public) && !read(&drew, &house, &Access::Partner));
        assert!(!read(&pat, &house, &Access::Internal) && read(&staff, &house, &Access::Internal));
        assert!(may_read(Reader::Anonymous, &acme, false, &Access::Public));
        assert!(!may_read(Reader::Anonymous, &acme, false, &Access::Partner));

        assert!(manages(&pat, &acme, false) && !manages(&sam, &acme, false) && !manages(&pat, &house, true));
        assert!(manages(&staff, &acme, false) && manages(&staff, &house, true) && !manages(&dana, &acme, false));
    }

    #[test]
    fn slugs_and_content_checks() {
        assert_eq!(slugify("  Reset your password! "), "reset-your-password");
        assert_eq!(slugify("Über — ünïcode"), "ber-n-code");
        assert_eq!(slugify("!!!"), "item");
        let c = Content {
            title: " ".into(),
            body: String::new(),
            summary: String::new(),
            category: None,
            tags: vec!["Billing".into(), "billing".into(), "a,b".into()],
            access: Access::Clients { orgs: vec![] },
            related: vec![],
        };
        let fields: Vec<String> =
            check_content(c).expect_err("bad").into_iter().map(|e| e.field.into_owned()).collect();
        assert_eq!(fields, ["title", "tags[2]", "access.org_ids"]);
    }

    #[test]
    fn images_are_checked() {
        assert_eq!(check_image("C:\\shots\\flow.png", "image/png", 10).as_deref(), Ok("flow.png"));
        let e = check_image("", "image/svg+xml", MAX_IMAGE_BYTES + 1).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|i| i.field.as_ref()).collect();
        assert_eq!(fields, ["filename", "content_type", "size"]);
        assert!(check_image("a.gif", "image/gif", 0).is_err());
    }
}
