//! KB suggestions while a ticket is filed (flow 6.1, step 4) and the figures they give: as the
//! person types the subject, the articles they may read that best match any of its words; a
//! filing record once suggestions were shown (which articles, which were opened, whether a
//! ticket was filed after all), and from those the deflection rate of PRD 8.1: of the filings
//! that showed suggestions, the share that filed no ticket. Searches submitted on the results
//! page that found no article are counted per wording, for the KB's authors.

use kt_domain::identity::TicketId;
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_platform::search::{Order, SearchPage};
use kt_store::Cond;
use kt_store::search as store;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Ask, check_access};
use crate::{AppError, AppState};

/// Suggestions shown at most.
pub const MAX_SUGGESTIONS: usize = 5;
/// Articles one filing record names at most.
pub const MAX_SHOWN: usize = 20;
/// Longest wording counted as a search that found nothing.
const MAX_MISS: usize = 100;

/// The articles `actor` may read that match any word of `subject` best.
pub async fn suggest(app: &AppState, actor: &Actor, tenant: &Tenant, subject: &str) -> Result<SearchPage, AppError> {
    // Only words: filters and quotes typed into a subject are read as plain words.
    let words: String = subject.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let ask = Ask {
        text: words.split_whitespace().take(kt_domain::search::MAX_TERMS).collect::<Vec<_>>().join(" "),
        types: vec!["article".into()],
        order: Order::Relevance,
        offset: 0,
        limit: MAX_SUGGESTIONS,
        count_kinds: false,
        any: true,
        submitted: false,
    };
    if ask.text.is_empty() {
        check_access(actor, &tenant.id)?;
        return Ok(SearchPage::default());
    }
    super::search(app, actor, tenant, &ask).await
}

/// One filing that showed suggestions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    pub id: String,
    pub user: String,
    pub shown: Vec<String>,
    #[serde(default)]
    pub opened: Vec<String>,
    #[serde(default)]
    pub ticket: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

fn month(at: OffsetDateTime) -> String {
    format!("{:04}-{:02}", at.year(), u8::from(at.month()))
}

/// Records that `shown` (article ids) were suggested to `actor` filing a ticket; the id answered
/// names the filing (its month is in it: a ULID's time).
pub async fn start(app: &AppState, actor: &Actor, tenant: &Tenant, shown: Vec<String>) -> Result<Filing, AppError> {
    check_access(actor, &tenant.id)?;
    if shown.is_empty() || shown.len() > MAX_SHOWN {
        return Err(AppError::invalid("shown", format!("name 1 to {MAX_SHOWN} articles")));
    }
    let filing = Filing {
        id: app.ids.ulid().to_string(),
        user: actor.user.to_string(),
        shown,
        opened: vec![],
        ticket: None,
        at: app.clock.now(),
    };
    let key = store::filing_key(&tenant.id, &month(filing.at), &filing.id);
    store::put(app.store.as_ref(), key, &filing, 1, Cond::NotExists).await?;
    Ok(filing)
}

/// What happened next in filing `id`: an article opened, or the ticket filed after all.
pub enum Next {
    Opened(String),
    Filed(TicketId),
}

/// Records `next` on the person's filing `id` (another's filing is not found).
pub async fn record(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str, next: Next) -> Result<Filing, AppError> {
    check_access(actor, &tenant.id)?;
    let at = ulid::Ulid::from_string(id).map_err(|_| AppError::NotFound)?.datetime();
    let key = store::filing_key(&tenant.id, &month(OffsetDateTime::from(at)), id);
    let current = kt_store::entity::get::<Filing>(app.store.as_ref(), &key).await?.ok_or(AppError::NotFound)?;
    let mut filing = current.value;
    if filing.user != actor.user.as_str() {
        return Err(AppError::NotFound);
    }
    match next {
        Next::Opened(article) => {
            if !filing.shown.contains(&article) {
                return Err(AppError::invalid("article_id", "was not suggested in this filing"));
            }
            if filing.opened.contains(&article) {
                return Ok(filing);
            }
            filing.opened.push(article);
        }
        Next::Filed(ticket) => {
            crate::tickets::get(app, actor, tenant, &ticket)
                .await
                .map_err(|_| AppError::invalid("ticket_id", "is not a ticket you filed"))?;
            filing.ticket = Some(ticket.to_string());
        }
    }
    store::put(app.store.as_ref(), key, &filing, current.version + 1, Cond::Version(current.version)).await?;
    Ok(filing)
}

/// A month's suggestion figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub month: String,
    /// Filings that showed suggestions.
    pub filings: u64,
    /// Of those, filings where an article was opened.
    pub opened: u64,
    /// Of those, filings that ended in a ticket.
    pub filed: u64,
    /// The share of filings that showed suggestions and filed nothing (0 to 1; 0 when none).
    pub deflection: f64,
    /// Searches that found no article: `(words, times)`, most frequent first.
    pub unanswered: Vec<(String, i64)>,
}

/// The figures of `month` (`2026-12`) for the KB's managers.
pub async fn figures(app: &AppState, actor: &Actor, tenant: &Tenant, month: &str) -> Result<Figures, AppError> {
    check_access(actor, &tenant.id)?;
    if !crate::kb::manager(actor, tenant) {
        return Err(AppError::Forbidden);
    }
    let valid = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month.bytes().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit());
    if !valid {
        return Err(AppError::invalid("month", "write a month as YYYY-MM"));
    }
    let mut f = Figures { month: month.to_owned(), ..Default::default() };
    let mut cursor = None;
    loop {
        let (page, next) = store::filings::<Filing>(app.store.as_ref(), &tenant.id, month, cursor).await?;
        for filing in page {
            f.filings += 1;
            f.opened += u64::from(!filing.value.opened.is_empty());
            f.filed += u64::from(filing.value.ticket.is_some());
        }
        match next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    if f.filings > 0 {
        f.deflection = (f.filings - f.filed) as f64 / f.filings as f64;
    }
    let mut unanswered = store::misses(app.store.as_ref(), &tenant.id, 1_000).await?;
    unanswered.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    unanswered.truncate(50);
    f.unanswered = unanswered;
    Ok(f)
}

/// Counts a submitted search of `text` that found no article (its words, lower-cased, one
/// space apart; filters left out).
pub async fn count_miss(app: &AppState, tenant: &Tenant, query: &kt_domain::search::Query) -> Result<(), AppError> {
    let words: Vec<String> = query.terms.iter().filter(|t| !t.excluded).map(|t| t.text.to_lowercase()).collect();
    let words: String = words.join(" ").chars().take(MAX_MISS).collect();
    if words.trim().is_empty() {
        return Ok(());
    }
    app.store.increment(&store::miss_key(&tenant.id, words.trim()), "n", 1).await?;
    Ok(())
}
