//! Global search (PRD 4.11): one index ([`kt_platform::search::SearchIndex`]) of tickets,
//! internal notes, files, messages, KB articles, organizations and people, invoices, quotes,
//! projects and service requests ([`records`]), forms and submissions ([`forms`]), kept current from the
//! outbox's events ([`indexing`]) and rebuilt whole by [`reindex`]; queries read the search
//! language of [`kt_domain::search`] and see only what the person may open: the query carries
//! the person's audience terms ([`kt_domain::search::audience`]), so a hidden thing gives no
//! hit, no title, no snippet and no count.

pub mod documents;
pub mod forms;
pub mod indexing;
pub mod records;
pub mod reindex;
pub mod saved;
pub mod suggestions;

use kt_domain::identity::TenantId;
use kt_domain::policy::{Actor, Permission};
use kt_domain::search::{self as language, audience};
use kt_domain::tenancy::Tenant;
use kt_platform::search::{Order, Reach, SearchPage, SearchRequest};
use time::{OffsetDateTime, Time};

use crate::{AppError, AppState};

/// The queue the indexer consumes.
pub const QUEUE: &str = "search";
/// Most results on one page, and how deep paging goes.
pub const MAX_LIMIT: usize = 50;
pub const MAX_OFFSET: usize = 1_000;

/// Kinds found through the records' audience (the rest, articles, through the KB's), each with
/// the permissions that read it (an API key limited to scopes finds only what they name).
const RECORD_KINDS: [(&str, &[Permission]); 8] = [
    ("ticket", TICKETS),
    ("file", TICKETS),
    ("message", &[Permission::DirectMessaging]),
    ("organization", &[Permission::ManagePartnerClients]),
    ("user", &[Permission::ManagePartnerClients]),
    ("project", TICKETS),
    ("request", TICKETS),
    ("quote", &[Permission::ViewOwnInvoices, Permission::CreateInvoices]),
];
const TICKETS: &[Permission] =
    &[Permission::ViewOwnTickets, Permission::ManageTenantTickets, Permission::ManageAllTickets];

/// Whether `actor` (an API key: by its scopes) reads things of `kind` at all.
fn scoped(actor: &Actor, permissions: &[Permission]) -> bool {
    actor.scopes.as_ref().is_none_or(|s| permissions.iter().any(|p| s.contains(p)))
}

/// What a person asks.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    /// The query as typed (words, phrases, filters).
    pub text: String,
    /// Kinds asked for besides the query's `type:` filters.
    pub types: Vec<String>,
    pub order: Order,
    pub offset: usize,
    pub limit: usize,
    /// Count the matches per kind too (the results page's tabs).
    pub count_kinds: bool,
    /// Any of the words may match (suggestions), not all.
    pub any: bool,
    /// Submitted on the results page (not typed ahead): finding no article is counted.
    pub submitted: bool,
}

/// Who may search `tenant`'s index at all: its own people, and Kre8ivTech's staff.
pub fn check_access(actor: &Actor, tenant: &TenantId) -> Result<(), AppError> {
    let house_staff = actor.role.is_house_staff() && !actor.tenant_bound;
    if &actor.tenant == tenant || house_staff { Ok(()) } else { Err(AppError::NotFound) }
}

/// The reaches of `actor`'s query in `tenant`: its records through the person's record terms
/// and conversations, its invoices through theirs (and a partner's bills from Kre8ivTech), its
/// KB's articles and the system KB's through the KB's terms, for readers only when dated up to
/// `now` (a scheduled one appears when it goes live; its managers find it at once).
pub async fn reach(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Vec<Reach>, AppError> {
    let mut records = audience::records(actor, &tenant.id);
    if actor.tenant == tenant.id {
        let memberships = kt_store::messaging::memberships(app.store.as_ref(), &tenant.id, &actor.user).await?;
        records.extend(memberships.iter().map(|m| audience::conversation(&m.value.conversation)));
    }
    let mut out = Vec::with_capacity(5);
    let kinds: Vec<String> =
        RECORD_KINDS.iter().filter(|(_, p)| scoped(actor, p)).map(|(k, _)| (*k).to_owned()).collect();
    if !records.is_empty() && !kinds.is_empty() {
        out.push(Reach { tenant: tenant.id.to_string(), audience: records, kinds: Some(kinds), until: None });
    }
    let invoices = |t: &Tenant| Reach {
        tenant: t.id.to_string(),
        audience: records::invoice_reach(actor, t),
        kinds: Some(vec!["invoice".into()]),
        until: None,
    };
    out.push(invoices(tenant));
    let house_id = crate::identity::tenancy::house_cached(app).await?;
    let house = house_id.clone().filter(|h| h != &tenant.id);
    if scoped(actor, &[Permission::SubmitForms, Permission::EditForms]) {
        if let Some(h) = &house_id {
            let terms = forms::form_reach(actor);
            out.push(Reach { tenant: h.to_string(), audience: terms, kinds: Some(vec!["form".into()]), until: None });
        }
    }
    if scoped(actor, &[Permission::ViewSubmissions, Permission::SubmitForms]) {
        let terms = forms::submission_reach(actor, &tenant.id);
        out.push(Reach {
            tenant: tenant.id.to_string(),
            audience: terms,
            kinds: Some(vec!["submission".into()]),
            until: None,
        });
    }
    // A partner also finds what Kre8ivTech bills it.
    if let Some(h) = &house
        && actor.role == kt_domain::identity::Role::Partner
    {
        out.push(invoices(&crate::identity::tenancy::get(app, h).await?));
    }
    out.retain(|r| !r.audience.is_empty());
    if !scoped(actor, &[Permission::ViewKb]) {
        return Ok(out);
    }
    let now = app.clock.now();
    // The KB's managers also find what is scheduled; readers only what is live.
    let article = |t: &TenantId, system: bool| Reach {
        tenant: t.to_string(),
        audience: audience::articles(actor, t),
        kinds: Some(vec!["article".into()]),
        until: if kt_domain::kb::manages(actor, t, system) { None } else { Some(now) },
    };
    out.push(article(&tenant.id, crate::kb::is_system(tenant)));
    if let Some(h) = &house {
        out.push(article(h, true));
    }
    Ok(out)
}

fn day_start(d: time::Date) -> OffsetDateTime {
    d.with_time(Time::MIDNIGHT).assume_utc()
}

/// The request for `query` as `ask` frames it, for `reach`.
pub fn request(query: &language::Query, ask: &Ask, reach: Vec<Reach>, notes: bool) -> SearchRequest {
    let (mut words, mut phrases, mut excluded) = (Vec::new(), Vec::new(), Vec::new());
    for t in &query.terms {
        match (t.excluded, t.phrase) {
            (true, _) => excluded.push(t.text.clone()),
            (false, true) => phrases.push(t.text.clone()),
            (false, false) => words.push(t.text.clone()),
        }
    }
    let mut kinds = query.types.clone();
    kinds.extend(ask.types.iter().cloned());
    kinds.sort();
    kinds.dedup();
    SearchRequest {
        reach,
        words,
        phrases,
        excluded,
        any: ask.any,
        notes,
        kinds,
        statuses: query.statuses.clone(),
        priorities: query.priorities.clone(),
        from: query.from.clone(),
        orgs: query.orgs.clone(),
        tags: query.tags.clone(),
        after: query.after.map(day_start),
        before: query.before.map(day_start),
        order: ask.order,
        offset: ask.offset.min(MAX_OFFSET),
        limit: ask.limit.clamp(1, MAX_LIMIT),
        count_kinds: ask.count_kinds,
    }
}

/// What `actor` finds in `tenant` for `ask`: a page of results it may open, their total and,
/// when asked, the total per kind.
pub async fn search(app: &AppState, actor: &Actor, tenant: &Tenant, ask: &Ask) -> Result<SearchPage, AppError> {
    check_access(actor, &tenant.id)?;
    let query = language::parse(&ask.text)?;
    for t in &ask.types {
        if !language::TYPES.contains(&t.as_str()) {
            return Err(AppError::invalid("type", format!("one of: {}", language::TYPES.join(", "))));
        }
    }
    let reach = reach(app, actor, tenant).await?;
    let request = request(&query, ask, reach, audience::sees_notes(actor, &tenant.id));
    let page = app.search.search(&request).await.map_err(|e| AppError::Unavailable(e.to_string()))?;
    let articles_asked = request.kinds.is_empty() || request.kinds.iter().any(|k| k == "article");
    let articles_found =
        page.hits.iter().any(|h| h.kind == "article") || page.kinds.iter().any(|(k, _)| k == "article");
    if ask.submitted && articles_asked && !articles_found {
        suggestions::count_miss(app, tenant, &query).await?;
    }
    Ok(page)
}
