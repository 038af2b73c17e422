//! The full rebuild (`portal search reindex`, and the local host's first start on an empty
//! index): the index emptied, then every tenant's tickets, articles, organizations, people,
//! conversations' messages, invoices, quotes, projects and service requests, and the forms and
//! their submissions read from the store and written in batches. Events that arrive meanwhile are applied as usual; each writes its
//! document's current state, so nothing the rebuild read earlier can stay stale.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use kt_domain::identity::{OrgId, UserId};
use kt_domain::ticket::Ticket;
use kt_platform::search::Change;
use kt_store::{Item, accounts, kb as kb_store, messaging, tenants, tickets};

use super::{documents, records};
use crate::{AppError, AppState};

/// Documents written per commit.
const BATCH: usize = 2_000;
const PAGE: u32 = 200;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub tenants: u64,
    pub documents: u64,
    pub seconds: f64,
}

impl Report {
    pub fn per_second(&self) -> f64 {
        if self.seconds > 0.0 { self.documents as f64 / self.seconds } else { 0.0 }
    }
}

struct Writer<'a> {
    app: &'a AppState,
    pending: Vec<Change>,
    written: u64,
}

impl Writer<'_> {
    async fn add(&mut self, changes: Vec<Change>) -> Result<(), AppError> {
        self.written += changes.iter().filter(|c| matches!(c, Change::Put(_))).count() as u64;
        self.pending.extend(changes);
        if self.pending.len() >= BATCH {
            self.flush().await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), AppError> {
        let changes = std::mem::take(&mut self.pending);
        self.app.search.apply(&changes).await.map_err(|e| AppError::Unavailable(e.to_string()))
    }
}

/// Empties the index and writes every searchable thing again.
pub async fn rebuild(app: &AppState) -> Result<Report, AppError> {
    let started = Instant::now();
    let store = app.store.as_ref();
    app.search.clear().await.map_err(|e| AppError::Unavailable(e.to_string()))?;
    let mut w = Writer { app, pending: Vec::new(), written: 0 };
    let mut report = Report::default();
    let mut cursor = None;
    loop {
        let (page, next) = tenants::list(store, 100, cursor).await?;
        for tenant in page {
            report.tenants += 1;
            let mut c = None;
            loop {
                let p = store.query(tickets::list_query(&tenant.id, None).limit(PAGE).after(c)).await?;
                for item in &p.items {
                    let t: Ticket = Item::to_entity(item)?;
                    w.add(documents::ticket(app, &tenant, &t.id).await?).await?;
                }
                if p.next_cursor.is_none() {
                    break;
                }
                c = p.next_cursor;
            }
            let mut c = None;
            loop {
                let (articles, next) = kb_store::articles(store, &tenant.id, PAGE, c).await?;
                for a in articles {
                    w.add(documents::article(app, &tenant, &a.value.id).await?).await?;
                }
                if next.is_none() {
                    break;
                }
                c = next;
            }
            let mut c = None;
            loop {
                let (orgs, next) = accounts::list_orgs(store, &tenant.id, PAGE, c).await?;
                for o in orgs {
                    w.add(documents::organization(app, &tenant.id, &o.id).await?).await?;
                }
                if next.is_none() {
                    break;
                }
                c = next;
            }
            let mut people: Vec<UserId> = Vec::new();
            let mut c = None;
            loop {
                let (users, next) = accounts::list_users(store, &tenant.id, PAGE, c).await?;
                for u in users {
                    w.add(documents::person(app, &tenant.id, &u.id).await?).await?;
                    people.push(u.id);
                }
                if next.is_none() {
                    break;
                }
                c = next;
            }
            messages(app, &mut w, &tenant.id, &people).await?;
            records(app, &mut w, &tenant).await?;
        }
        if next.is_none() {
            break;
        }
        cursor = next;
    }
    forms(app, &mut w).await?;
    w.flush().await?;
    report.documents = w.written;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Every form (under Kre8ivTech's tenant) and every submission (under its submitter's).
async fn forms(app: &AppState, w: &mut Writer<'_>) -> Result<(), AppError> {
    let store = app.store.as_ref();
    let Some(house) = crate::identity::tenancy::house(store).await? else { return Ok(()) };
    let house = crate::identity::tenancy::get(app, &house).await?;
    let mut tenants: HashMap<kt_domain::identity::TenantId, kt_domain::tenancy::Tenant> = HashMap::new();
    let mut c = None;
    loop {
        let (page, next) = kt_store::forms::list(store, PAGE, c).await?;
        for f in page {
            w.add(super::forms::form(app, &house, &f.value.id).await?).await?;
            let mut sc = None;
            loop {
                let who = kt_store::forms::Submitters::All;
                let (subs, more) = kt_store::forms::submissions(store, &f.value.id, who, PAGE, sc).await?;
                for s in subs {
                    let t = match tenants.get(&s.tenant) {
                        Some(t) => t.clone(),
                        None => {
                            let t = crate::identity::tenancy::get(app, &s.tenant).await?;
                            tenants.insert(s.tenant.clone(), t.clone());
                            t
                        }
                    };
                    w.add(super::forms::submission(app, &t, &format!("{}/{}", s.form, s.id)).await?).await?;
                }
                let Some(n) = more else { break };
                sc = Some(n);
            }
        }
        let Some(n) = next else { break };
        c = Some(n);
    }
    Ok(())
}

/// Every invoice, quote, project and service request of the tenant.
async fn records(app: &AppState, w: &mut Writer<'_>, tenant: &kt_domain::tenancy::Tenant) -> Result<(), AppError> {
    let store = app.store.as_ref();
    let t = &tenant.id;
    let mut c = None;
    loop {
        let (page, next) = kt_store::invoices::page(store, t, &kt_store::invoices::List::All, PAGE, c).await?;
        for i in page {
            w.add(records::invoice(app, tenant, &i.value.id).await?).await?;
        }
        let Some(n) = next else { break };
        c = Some(n);
    }
    let mut c = None;
    loop {
        let (page, next) = kt_store::quotes::list(store, t, None, PAGE, c).await?;
        for q in page {
            w.add(records::quote(app, tenant, &q.value.id).await?).await?;
        }
        let Some(n) = next else { break };
        c = Some(n);
    }
    let mut c = None;
    loop {
        let (page, next) = kt_store::projects::list(store, t, None, PAGE, c).await?;
        for p in page {
            w.add(records::project(app, tenant, &p.value.id).await?).await?;
        }
        let Some(n) = next else { break };
        c = Some(n);
    }
    let mut c = None;
    loop {
        let (page, next) = kt_store::service::requests(store, t, None, PAGE, c).await?;
        for r in page {
            w.add(records::request(app, tenant, &r.id).await?).await?;
        }
        let Some(n) = next else { break };
        c = Some(n);
    }
    Ok(())
}

/// Every message of every conversation the tenant's `people` are in (each conversation once).
async fn messages(
    app: &AppState,
    w: &mut Writer<'_>,
    tenant: &kt_domain::identity::TenantId,
    people: &[UserId],
) -> Result<(), AppError> {
    let store = app.store.as_ref();
    let mut conversations = BTreeSet::new();
    for p in people {
        for m in messaging::memberships(store, tenant, p).await? {
            conversations.insert(m.value.conversation);
        }
    }
    let mut authors: HashMap<UserId, String> = HashMap::new();
    let mut orgs: HashMap<OrgId, String> = HashMap::new();
    for id in conversations {
        let Some(c) = messaging::conversation(store, tenant, &id).await? else { continue };
        let c = c.value;
        let org_name = match &c.org {
            Some(o) => match orgs.get(o) {
                Some(n) => n.clone(),
                None => {
                    let n = documents::org_name(app, tenant, o).await?;
                    orgs.insert(o.clone(), n.clone());
                    n
                }
            },
            None => String::new(),
        };
        let mut after = 0;
        loop {
            let (page, more) = messaging::history(store, tenant, &id, messaging::From::After(after), PAGE).await?;
            for m in &page {
                let author = match authors.get(&m.value.author) {
                    Some(a) => a.clone(),
                    None => {
                        let a = documents::names(app, tenant, std::slice::from_ref(&m.value.author)).await?;
                        authors.insert(m.value.author.clone(), a.clone());
                        a
                    }
                };
                w.add(vec![documents::message_change(&c, &m.value, &author, org_name.clone())]).await?;
                after = m.value.seq;
            }
            if !more || page.is_empty() {
                break;
            }
        }
    }
    Ok(())
}
