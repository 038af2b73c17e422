//! Who may see a search result, written as terms: each indexed document carries the terms of
//! the people who may open it, each query the terms of the person asking ([`reach`]), and a
//! document matches only through a term both have. The terms restate the read rules
//! ([`crate::policy::visible`] for tickets, organizations and people, with
//! [`crate::ticket::sees_internal`] for their internal notes, [`crate::kb::may_read`]
//! and [`crate::kb::manages`] for articles, membership for conversations), and the tests below
//! hold them equal for every role, tenant and access level.

use crate::identity::{OrgId, Role, TenantId, UserId};
use crate::kb::Access;
use crate::policy::Actor;

/// Kre8ivTech's super admins and staff (of every tenant, or of their own when tenant-bound).
pub const HOUSE: &str = "house";
/// The tenant's partner and partner staff.
pub const STAFF: &str = "staff";

pub fn org(o: &OrgId) -> String {
    format!("org:{o}")
}

pub fn user(u: &UserId) -> String {
    format!("user:{u}")
}

pub fn conversation(c: &str) -> String {
    format!("conv:{c}")
}

/// A ticket (subject, description, public replies): as its reads.
pub fn ticket(org_id: &OrgId, requester: &UserId) -> Vec<String> {
    vec![HOUSE.into(), STAFF.into(), org(org_id), user(requester)]
}

/// An organization: those serving it and its members.
pub fn organization(o: &OrgId) -> Vec<String> {
    vec![HOUSE.into(), STAFF.into(), org(o)]
}

/// A person: those who manage people, and the person.
pub fn person(u: &UserId) -> Vec<String> {
    vec![HOUSE.into(), STAFF.into(), user(u)]
}

/// A message: the conversation's members (whoever they are when the query runs).
pub fn message(c: &str) -> Vec<String> {
    vec![conversation(c)]
}

/// Article terms are their own (`kb:`), so a query reaches articles by the KB's rules only.
mod kb {
    pub const HOUSE: &str = "kb:house";
    pub const MANAGER: &str = "kb:manager";
    pub const MEMBER: &str = "kb:member";
    pub const STAFF: &str = "kb:staff";
    pub const EVERYONE: &str = "kb:everyone";
    pub const OUTSIDER: &str = "kb:outsider";
}

fn kb_org(o: &OrgId) -> String {
    format!("kb:org:{o}")
}

/// An article of a tenant's KB (`house`: the system KB), `live` when published and its time
/// has come; otherwise only those who manage the KB see it.
pub fn article(access: &Access, house: bool, live: bool) -> Vec<String> {
    let mut terms = vec![kb::HOUSE.to_owned()];
    if !live {
        if !house {
            terms.push(kb::MANAGER.into());
        }
        return terms;
    }
    match access {
        Access::Public => terms.push(if house { kb::EVERYONE } else { kb::MEMBER }.into()),
        Access::Partner => terms.push(if house { kb::OUTSIDER } else { kb::MEMBER }.into()),
        Access::Internal => terms.push(kb::STAFF.into()),
        Access::Clients { orgs } => {
            terms.push(kb::STAFF.into());
            terms.extend(orgs.iter().map(kb_org));
        }
    }
    terms
}

fn sees_all(actor: &Actor, tenant: &TenantId) -> bool {
    actor.role.is_house_staff() && (!actor.tenant_bound || &actor.tenant == tenant)
}

/// The terms through which `actor` sees tickets, organizations and people of `tenant`.
pub fn records(actor: &Actor, tenant: &TenantId) -> Vec<String> {
    if sees_all(actor, tenant) {
        return vec![HOUSE.into()];
    }
    if &actor.tenant != tenant {
        return Vec::new();
    }
    match actor.role {
        Role::Client => {
            let mut terms: Vec<String> = actor.orgs.iter().map(org).collect();
            terms.push(user(&actor.user));
            terms
        }
        _ => vec![STAFF.into()],
    }
}

/// Whether `actor` reads the internal notes of the tickets it sees in `tenant` (those serving
/// the tenant: never a client).
pub fn sees_notes(actor: &Actor, tenant: &TenantId) -> bool {
    records(actor, tenant).iter().any(|t| t == HOUSE || t == STAFF)
}

/// The terms through which `actor` sees articles of `tenant`'s KB.
pub fn articles(actor: &Actor, tenant: &TenantId) -> Vec<String> {
    if sees_all(actor, tenant) {
        return vec![kb::HOUSE.into()];
    }
    if &actor.tenant != tenant {
        return vec![kb::EVERYONE.into(), kb::OUTSIDER.into()];
    }
    let mut terms = vec![kb::MEMBER.to_owned(), kb::EVERYONE.into()];
    match actor.role {
        Role::Partner => terms.extend([kb::STAFF.to_owned(), kb::MANAGER.into()]),
        Role::PartnerStaff => terms.push(kb::STAFF.into()),
        _ => terms.extend(actor.orgs.iter().map(kb_org)),
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{Reader, manages, may_read};
    use crate::policy::{Resource, visible};

    fn meets(doc: &[String], reader: &[String]) -> bool {
        doc.iter().any(|t| reader.contains(t))
    }

    fn id(n: u128) -> ulid::Ulid {
        ulid::Ulid::from(n)
    }

    fn actors() -> Vec<Actor> {
        let tenants = [TenantId::new(id(1)), TenantId::new(id(2))];
        let mut out = Vec::new();
        for role in [Role::SuperAdmin, Role::Staff, Role::Partner, Role::PartnerStaff, Role::Client] {
            for tenant in &tenants {
                for orgs in [vec![], vec![OrgId::new(id(11))]] {
                    for bound in [false, true] {
                        out.push(Actor {
                            user: UserId::new(id(21)),
                            tenant: tenant.clone(),
                            role,
                            orgs: orgs.clone(),
                            scopes: None,
                            optional_enabled: false,
                            tenant_bound: bound,
                        });
                    }
                }
            }
        }
        out
    }

    #[test]
    fn article_terms_say_what_the_kb_rules_say() {
        let house = TenantId::new(id(1));
        let acme = TenantId::new(id(2));
        let o1 = OrgId::new(id(11));
        let o2 = OrgId::new(id(12));
        let accesses = [
            Access::Public,
            Access::Partner,
            Access::Internal,
            Access::Clients { orgs: vec![o1.clone()] },
            Access::Clients { orgs: vec![o2] },
        ];
        for actor in actors() {
            for tenant in [&house, &acme] {
                let is_house = tenant == &house;
                for access in &accesses {
                    for live in [true, false] {
                        let expected = if live {
                            may_read(Reader::Person(&actor), tenant, is_house, access)
                        } else {
                            manages(&actor, tenant, is_house)
                        };
                        let got = meets(&article(access, is_house, live), &articles(&actor, tenant));
                        assert_eq!(got, expected, "{actor:?} {tenant} {access:?} live={live}");
                    }
                }
            }
        }
    }

    #[test]
    fn record_terms_say_what_the_read_policy_says() {
        let o1 = OrgId::new(id(11));
        let o2 = OrgId::new(id(12));
        let me = UserId::new(id(21));
        let other = UserId::new(id(22));
        for actor in actors() {
            for tenant in [TenantId::new(id(1)), TenantId::new(id(2))] {
                let reader = records(&actor, &tenant);
                for org_id in [&o1, &o2] {
                    for owner in [&me, &other] {
                        let expected =
                            visible(&actor, &Resource { tenant: &tenant, org: Some(org_id), owner: Some(owner) });
                        assert_eq!(
                            meets(&ticket(org_id, owner), &reader),
                            expected,
                            "{actor:?} {tenant} {org_id} {owner}"
                        );
                    }
                    let expected = visible(&actor, &Resource { tenant: &tenant, org: Some(org_id), owner: None });
                    assert_eq!(meets(&organization(org_id), &reader), expected, "{actor:?} {tenant} {org_id}");
                }
                let staff = actor.role != Role::Client
                    && visible(&actor, &Resource { tenant: &tenant, org: None, owner: None });
                let notes = staff && crate::ticket::sees_internal(actor.role);
                assert_eq!(sees_notes(&actor, &tenant), notes, "{actor:?} {tenant} notes");
                assert_eq!(meets(&person(&other), &reader), staff, "{actor:?} {tenant} people");
            }
        }
    }
}
