//! Search's parameters, bodies and views.

use kt_app::search::saved::SavedSearch;
use kt_app::search::suggestions::{Figures, Filing};
use kt_http::input::{Id, Name, SearchText, Short, Subject};
use kt_platform::search::{SearchHit, SearchPage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The search as typed (empty: everything, newest first with `order=newest`).
    pub q: Option<SearchText>,
    /// Only these kinds, comma-separated: ticket, message, article, organization, user.
    pub r#type: Option<Name>,
    /// `relevance` (default) or `newest`.
    pub order: Option<Short>,
    /// Results to skip (at most 1,000).
    #[param(minimum = 0, maximum = 1000)]
    pub offset: Option<u32>,
    /// Results per page, 1 to 50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
    /// Also count the matches of each kind.
    pub counts: Option<bool>,
    /// Submitted (Enter on the results page), not typed ahead: a search that finds no
    /// article is counted for the KB's authors.
    pub submitted: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HitView {
    /// ticket, file, message, article, organization, user, invoice, quote, project, request,
    /// form or submission.
    pub kind: String,
    /// What it opens: the ticket's (a file's ticket), article's, conversation's, organization's,
    /// person's, invoice's, quote's, project's, service request's or form's id; a submission's
    /// `<form>/<submission>`.
    pub id: String,
    /// The tenant it belongs to (system KB articles are Kre8ivTech's).
    pub tenant_id: String,
    /// A short label: the ticket's number, the article's address, the person's email, the
    /// invoice's number, the quote's revision, the request's service type.
    pub label: String,
    /// The title, HTML-escaped, matched words in `<mark>`.
    pub title_html: String,
    /// A passage around the first match, HTML-escaped, matched words in `<mark>`.
    pub snippet_html: String,
    pub status: Option<String>,
    pub priority: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub at: time::OffsetDateTime,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindCount {
    pub kind: String,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    pub hits: Vec<HitView>,
    /// Every match you may open, not only this page's.
    pub total: usize,
    /// Matches per kind (with `counts=true`).
    pub kinds: Vec<KindCount>,
}

fn hit_view(h: SearchHit) -> HitView {
    HitView {
        kind: h.kind,
        id: h.target,
        tenant_id: h.tenant,
        label: h.label,
        title_html: h.title_html,
        snippet_html: h.snippet_html,
        status: h.status,
        priority: h.priority,
        at: h.at,
    }
}

pub fn results(page: SearchPage) -> SearchResults {
    SearchResults {
        hits: page.hits.into_iter().map(hit_view).collect(),
        total: page.total,
        kinds: page.kinds.into_iter().map(|(kind, count)| KindCount { kind, count }).collect(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveSearchRequest {
    /// 1 to 80 characters, unique among yours.
    pub name: Name,
    pub query: SearchText,
    /// Kinds it narrows to.
    #[schema(max_items = 9)]
    pub types: Option<Vec<Short>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SavedSearchView {
    pub id: String,
    pub name: String,
    pub query: String,
    pub types: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: time::OffsetDateTime,
}

pub fn saved_view(s: SavedSearch) -> SavedSearchView {
    SavedSearchView { id: s.id, name: s.name, query: s.query, types: s.types, created_at: s.created_at }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SuggestParams {
    /// The ticket's subject as typed so far.
    pub subject: Option<Subject>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingRequest {
    /// The ids of the articles suggested (1 to 20).
    #[schema(max_items = 20)]
    pub shown: Vec<Id>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenedRequest {
    pub article_id: Id,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiledRequest {
    pub ticket_id: Id,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilingView {
    pub id: String,
    pub shown: Vec<String>,
    pub opened: Vec<String>,
    pub ticket_id: Option<String>,
}

pub fn filing_view(f: Filing) -> FilingView {
    FilingView { id: f.id, shown: f.shown, opened: f.opened, ticket_id: f.ticket }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FiguresParams {
    /// The month, `YYYY-MM` (default: this month).
    pub month: Option<Short>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Unanswered {
    pub words: String,
    pub times: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchFigures {
    pub month: String,
    /// Ticket filings that showed KB suggestions.
    pub filings: u64,
    /// Of those, the filings where a suggested article was opened.
    pub opened: u64,
    /// Of those, the filings that ended in a ticket.
    pub filed: u64,
    /// The share of filings with suggestions that filed no ticket (0 to 1).
    pub deflection: f64,
    /// Submitted searches that found no article, most frequent first.
    pub unanswered: Vec<Unanswered>,
}

pub fn figures_view(f: Figures) -> SearchFigures {
    SearchFigures {
        month: f.month,
        filings: f.filings,
        opened: f.opened,
        filed: f.filed,
        deflection: f.deflection,
        unanswered: f.unanswered.into_iter().map(|(words, times)| Unanswered { words, times }).collect(),
    }
}
