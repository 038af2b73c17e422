//! The documents of the business records: invoices, quotes, projects and service requests,
//! each read from the store as it is now and searchable by exactly those who may open it.
//!
//! Quotes, projects and requests are found through the records' terms
//! (`kt_domain::search::audience`): a project or a sent quote by those who see its
//! organization, a request also by its requester. A quote still in draft is not indexed (its
//! issuers find it in the quotes list). Invoices have rules of their own
//! ([`crate::invoices::side_of`]: issuers, a staff member's own drafts, the billed party once
//! sent), restated here as `inv:` terms ([`invoice_terms`], [`invoice_reach`]) and held equal to
//! those rules by the tests below.

use kt_domain::identity::Role;
use kt_domain::identity::TenantId;
use kt_domain::invoice::Status;
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::policy::{self, Actor, Permission};
use kt_domain::quote::QuoteStatus;
use kt_domain::search::audience;
use kt_domain::tenancy::Tenant;
use kt_platform::search::{Change, SearchDoc};
use kt_store::{invoices, projects, quotes, service};
use time::OffsetDateTime;

use super::documents::{doc_id, names, org_name};
use crate::{AppError, AppState};

const ADMIN: &str = "inv:admin";
const PARTNER: &str = "inv:partner";

fn drafted_by(u: &kt_domain::identity::UserId) -> String {
    format!("inv:by:{u}")
}

fn billed_term(scope: &str) -> String {
    format!("inv:{scope}")
}

/// Who may open an invoice, as terms: the tenant's super admins and partner, the staff member
/// who drafted it, and once sent its billed party.
pub fn invoice_terms(inv: &Invoice) -> Vec<String> {
    let mut terms = vec![ADMIN.to_owned(), PARTNER.into(), drafted_by(&inv.created_by)];
    if inv.status != Status::Draft {
        terms.push(billed_term(&inv.billed.scope()));
    }
    terms
}

/// The terms through which `actor` opens invoices of `tenant`.
pub fn invoice_reach(actor: &Actor, tenant: &Tenant) -> Vec<String> {
    let mut terms = Vec::new();
    if crate::invoices::issues(actor, tenant) {
        terms.push(match actor.role {
            Role::Partner => PARTNER.to_owned(),
            Role::Staff => drafted_by(&actor.user),
            _ => ADMIN.to_owned(),
        });
    }
    terms.extend(crate::invoices::billed_scopes(actor, tenant).iter().map(|s| billed_term(s)));
    terms
}

/// Whether `actor` (an API key: by its scopes) reads invoices at all.
pub fn reads_invoices(actor: &Actor) -> bool {
    policy::may(actor, Permission::ViewOwnInvoices) || policy::may(actor, Permission::CreateInvoices)
}

fn doc(tenant: &TenantId, kind: &str, id: &str, title: String, at: OffsetDateTime, audience: Vec<String>) -> SearchDoc {
    SearchDoc {
        id: doc_id(kind, tenant, id),
        tenant: tenant.to_string(),
        kind: kind.into(),
        title,
        body: String::new(),
        notes: String::new(),
        status: None,
        priority: None,
        org: None,
        org_name: String::new(),
        from: String::new(),
        tags: Vec::new(),
        at,
        audience,
        target: id.to_owned(),
        label: String::new(),
    }
}

fn lines(descriptions: impl Iterator<Item = String>, notes: &str) -> String {
    let mut body: Vec<String> = descriptions.collect();
    if !notes.trim().is_empty() {
        body.push(notes.to_owned());
    }
    body.join("\n")
}

/// An invoice: its number, billed party, lines and notes.
pub async fn invoice(app: &AppState, tenant: &Tenant, id: &str) -> Result<Vec<Change>, AppError> {
    let Some(inv) = invoices::get(app.store.as_ref(), &tenant.id, id).await? else {
        return Ok(vec![Change::Remove(doc_id("invoice", &tenant.id, id))]);
    };
    let inv = inv.value;
    let (org, party) = match &inv.billed {
        Billed::Org { org } => (Some(org.to_string()), org_name(app, &tenant.id, org).await?),
        Billed::Partner { tenant: t } => (None, crate::identity::tenancy::get(app, t).await.map(|t| t.name)?),
    };
    let title = match &inv.number {
        Some(n) => format!("Invoice {n} · {party}"),
        None => format!("Draft invoice · {party}"),
    };
    let mut d = doc(&tenant.id, "invoice", &inv.id, title, inv.created_at, invoice_terms(&inv));
    d.body = lines(inv.lines.iter().map(|l| l.description.clone()), &inv.notes);
    d.status = Some(inv.status.as_str().to_owned());
    d.org = org;
    d.org_name = party;
    d.from = names(app, &tenant.id, std::slice::from_ref(&inv.created_by)).await?;
    d.label = inv.number.clone().unwrap_or_default();
    Ok(vec![Change::Put(Box::new(d))])
}

fn quote_status(s: QuoteStatus) -> &'static str {
    match s {
        QuoteStatus::Draft => "draft",
        QuoteStatus::Sent => "sent",
        QuoteStatus::Accepted => "accepted",
        QuoteStatus::Declined => "declined",
        QuoteStatus::Withdrawn => "withdrawn",
    }
}

/// A quote once sent (a draft is its issuers' alone, and not indexed).
pub async fn quote(app: &AppState, tenant: &Tenant, id: &str) -> Result<Vec<Change>, AppError> {
    let found = quotes::get(app.store.as_ref(), &tenant.id, id).await?;
    let Some(q) = found.map(|q| q.value).filter(|q| q.status != QuoteStatus::Draft) else {
        return Ok(vec![Change::Remove(doc_id("quote", &tenant.id, id))]);
    };
    let mut d = doc(&tenant.id, "quote", &q.id, q.title.clone(), q.created_at, audience::organization(&q.org));
    d.body = lines(q.items.iter().map(|i| i.line.description.clone()), &q.notes);
    d.status = Some(quote_status(q.status).to_owned());
    d.org_name = org_name(app, &tenant.id, &q.org).await?;
    d.org = Some(q.org.to_string());
    d.from = names(app, &tenant.id, std::slice::from_ref(&q.created_by)).await?;
    d.label = format!("Revision {}", q.revision);
    Ok(vec![Change::Put(Box::new(d))])
}

/// A project: its name and milestones, for those who see its organization.
pub async fn project(app: &AppState, tenant: &Tenant, id: &str) -> Result<Vec<Change>, AppError> {
    let Some(p) = projects::get(app.store.as_ref(), &tenant.id, id).await? else {
        return Ok(vec![Change::Remove(doc_id("project", &tenant.id, id))]);
    };
    let p = p.value;
    let mut d = doc(&tenant.id, "project", &p.id, p.name.clone(), p.created_at, audience::organization(&p.org));
    d.body = p.milestones.iter().map(|m| m.title.clone()).collect::<Vec<_>>().join("\n");
    d.status = Some(p.status.as_str().to_owned());
    d.org_name = org_name(app, &tenant.id, &p.org).await?;
    d.org = Some(p.org.to_string());
    d.from = names(app, &tenant.id, std::slice::from_ref(&p.owner)).await?;
    Ok(vec![Change::Put(Box::new(d))])
}

/// A service request: its title, type and details, for those who see it (as its reads).
pub async fn request(app: &AppState, tenant: &Tenant, id: &str) -> Result<Vec<Change>, AppError> {
    let Some(r) = service::request(app.store.as_ref(), &tenant.id, id).await? else {
        return Ok(vec![Change::Remove(doc_id("request", &tenant.id, id))]);
    };
    let r = r.value;
    let terms = audience::ticket(&r.org, &r.requested_by);
    let mut d = doc(&tenant.id, "request", &r.id, r.title.clone(), r.created_at, terms);
    d.body = r.details.clone();
    d.status = Some(r.status.as_str().to_owned());
    d.org_name = org_name(app, &tenant.id, &r.org).await?;
    d.org = Some(r.org.to_string());
    d.from = names(app, &tenant.id, std::slice::from_ref(&r.requested_by)).await?;
    d.tags = vec![r.service_type.clone()];
    d.label = r.type_name.clone();
    Ok(vec![Change::Put(Box::new(d))])
}

#[cfg(test)]
mod tests {
    use kt_domain::identity::{OrgId, UserId};
    use kt_domain::tenancy::{Branding, TenantKind, TenantSettings, TenantStatus};

    use super::*;

    fn tenant(id: &TenantId, kind: TenantKind) -> Tenant {
        Tenant {
            id: id.clone(),
            slug: kt_domain::identity::TenantSlug::parse("tenant").expect("slug"),
            name: "T".into(),
            kind,
            ticket_prefix: kt_domain::identity::TicketPrefix::parse("TT").expect("prefix"),
            status: TenantStatus::Active,
            settings: TenantSettings::default(),
            branding: Branding::default_for("T"),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    /// The terms say exactly what `side_of` says, for every role, scope, tenant, party, author
    /// and state.
    #[test]
    fn invoice_terms_are_the_invoice_rules() {
        let (house, acme, beta) =
            (TenantId::new(ulid::Ulid::new()), TenantId::new(ulid::Ulid::new()), TenantId::new(ulid::Ulid::new()));
        let (globex, initech) = (OrgId::new(ulid::Ulid::new()), OrgId::new(ulid::Ulid::new()));
        let (me, other) = (UserId::new(ulid::Ulid::new()), UserId::new(ulid::Ulid::new()));
        let tenants = [tenant(&house, TenantKind::House), tenant(&acme, TenantKind::Partner)];
        let parties = [
            Billed::Org { org: globex.clone() },
            Billed::Org { org: initech.clone() },
            Billed::Partner { tenant: acme.clone() },
            Billed::Partner { tenant: beta.clone() },
        ];
        let scopes = [None, Some(vec![Permission::ViewOwnInvoices]), Some(vec![Permission::ViewOwnTickets])];
        let mut checked = 0;
        for role in [Role::SuperAdmin, Role::Staff, Role::Partner, Role::PartnerStaff, Role::Client] {
            for own in [&house, &acme] {
                for bound in [false, true] {
                    for scope in &scopes {
                        let actor = Actor {
                            user: me.clone(),
                            tenant: own.clone(),
                            role,
                            orgs: if role == Role::Client { vec![globex.clone()] } else { Vec::new() },
                            scopes: scope.clone(),
                            optional_enabled: false,
                            tenant_bound: bound,
                        };
                        for t in &tenants {
                            let reach = invoice_reach(&actor, t);
                            for billed in &parties {
                                for by in [&me, &other] {
                                    for status in [Status::Draft, Status::Sent, Status::Paid] {
                                        let inv = Invoice {
                                            billed: billed.clone(),
                                            created_by: by.clone(),
                                            status,
                                            ..sample(t)
                                        };
                                        let rule = crate::invoices::side(&actor, t, &inv).is_ok();
                                        let terms = invoice_terms(&inv);
                                        let found = reach.iter().any(|r| terms.contains(r));
                                        assert_eq!(
                                            found, rule,
                                            "{role:?} of {own} bound {bound} {scope:?} in {} {billed:?} {status:?}",
                                            t.id
                                        );
                                        checked += 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 5 * 2 * 2 * 3 * 2 * 4 * 2 * 3);
    }

    fn sample(t: &Tenant) -> Invoice {
        serde_json::from_value(serde_json::json!({
            "id": "01JD0000000000000000000INV", "tenant": t.id, "billed": {"kind": "org", "org": OrgId::new(ulid::Ulid::new())},
            "status": "draft", "number": null, "seq": null, "currency": "USD", "lines": [], "notes": "",
            "terms_text": "", "issued_on": null, "due_on": null, "total": "0", "paid": "0", "viewed_at": null,
            "created_by": UserId::new(ulid::Ulid::new()), "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z"
        }))
        .expect("invoice")
    }
}
