//! The Search port: one full-text index of everything searchable, each document carrying its
//! tenant and the audience that may see it (terms written by `kt_app::search::audience`), and
//! queries that say whose eyes they are for ([`Reach`]). The engine (tantivy, crate
//! `kt-search`) is linked only by the processes that search or index; every other function
//! holds [`crate::Absent`].

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One searchable thing, as the index keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Unique in the index: `<kind>:<tenant>:<id>`.
    pub id: String,
    pub tenant: String,
    /// One of `kt_domain::search::TYPES`.
    pub kind: String,
    pub title: String,
    pub body: String,
    /// Text only some of the audience may search (a ticket's internal notes): matched and
    /// shown only for requests with [`SearchRequest::notes`].
    #[serde(default)]
    pub notes: String,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub org: Option<String>,
    /// The organization's name (what `org:` matches).
    pub org_name: String,
    /// Who wrote it: names and addresses (what `from:` matches).
    pub from: String,
    pub tags: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Audience terms; a query matches a document only through one of them.
    pub audience: Vec<String>,
    /// What a result opens: the entity's id (ticket id, article slug, ...).
    pub target: String,
    /// A short label shown beside the title (`KT-1042`, an email address).
    pub label: String,
}

/// A change to the index. Applying the same change twice leaves the same index.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Adds the document, or replaces the one with its id.
    Put(Box<SearchDoc>),
    /// Removes the document with this id, if any.
    Remove(String),
}

/// Whose eyes a query is for: documents of `tenant` whose audience has one of `audience`
/// (and, when `kinds` is set, of those kinds only). A query's reaches are alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub tenant: String,
    pub audience: Vec<String>,
    pub kinds: Option<Vec<String>>,
    /// Only documents dated up to this moment (articles: scheduled ones wait for their time).
    pub until: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    #[default]
    Relevance,
    Newest,
}

/// A query as the engine takes it: words matched by prefix and with typos, phrases matched
/// exactly, exclusions, and filters (each list: any of its values).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    pub reach: Vec<Reach>,
    pub words: Vec<String>,
    /// Any of the words may match (suggestions), not every one.
    pub any: bool,
    /// The asker may read internal notes: documents' `notes` are searched and shown.
    pub notes: bool,
    pub phrases: Vec<String>,
    /// Words or phrases no result may contain.
    pub excluded: Vec<String>,
    pub kinds: Vec<String>,
    pub statuses: Vec<String>,
    pub priorities: Vec<String>,
    pub from: Vec<String>,
    pub orgs: Vec<String>,
    pub tags: Vec<String>,
    pub after: Option<OffsetDateTime>,
    pub before: Option<OffsetDateTime>,
    pub order: Order,
    pub offset: usize,
    pub limit: usize,
    /// Also count the matches of each kind (the results page's tabs).
    pub count_kinds: bool,
}

/// One result: what it is, its title and a snippet with the matched words marked
/// (`<mark>`; everything else escaped HTML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: String,
    pub tenant: String,
    pub kind: String,
    pub target: String,
    pub label: String,
    pub title_html: String,
    pub snippet_html: String,
    pub status: Option<String>,
    pub priority: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub score: f32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    pub hits: Vec<SearchHit>,
    /// Every match, not only this page's.
    pub total: usize,
    /// Matches per kind, when asked for.
    pub kinds: Vec<(String, usize)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search is unavailable: {0}")]
    Unavailable(String),
    #[error("search index: {0}")]
    Engine(String),
}

#[async_trait]
pub trait SearchIndex: Send + Sync + 'static {
    /// Applies `changes` in order and makes them visible to the next query.
    async fn apply(&self, changes: &[Change]) -> Result<(), SearchError>;
    async fn search(&self, request: &SearchRequest) -> Result<SearchPage, SearchError>;
    /// Empties the index (a full rebuild starts here).
    async fn clear(&self) -> Result<(), SearchError>;
    /// Documents held.
    async fn count(&self) -> Result<u64, SearchError>;
}
