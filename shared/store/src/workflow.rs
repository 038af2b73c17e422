//! Ticket workflow: canned responses, ticket links, assignment rules and agent loads.
//!
//! * `T#<t>#CANNED` / `C#<id>`: a tenant's canned responses (one query lists them).
//! * `T#<t>#TICKET#<id>` / `LINK#<other>`: a link to a related ticket of the same tenant,
//!   written in both tickets' partitions in one transaction.
//! * `ASSIGNRULES` / `R#<id>`: the auto-assignment rules (few; read whole);
//!   `ASSIGNRULES` / `LAST#<id>`: the agent a rule assigned last (round robin);
//!   `ASSIGNRULES` / `LEASE`: held while one dispatcher assigns, so two never overfill an agent.
//! * `AGENT#<user>` / `LOAD` (attribute `n`): tickets assigned to the user and not yet
//!   Resolved or Closed, kept in the same transaction as every change of assignee or status.

use std::collections::BTreeMap;

use kt_domain::identity::{TenantId, TicketId, UserId};
use kt_domain::workflow::{AssignmentRule, CannedResponse, load_changes};
use serde::{Deserialize, Serialize};

use crate::tickets::NODE_FIELD;
use crate::{Item, Key, Query, SkCond, Store, StoreError, TxOp};

pub fn canned_key(tenant: &TenantId, id: &str) -> Key {
    Key::new(format!("T#{tenant}#CANNED"), format!("C#{id}"))
}

pub fn canned_item(c: &CannedResponse, version: u64) -> Result<Item, StoreError> {
    crate::entity::item(canned_key(&c.tenant, &c.id), c, version)
}

pub async fn get_canned(
    store: &dyn Store,
    tenant: &TenantId,
    id: &str,
) -> Result<Option<crate::entity::Versioned<CannedResponse>>, StoreError> {
    crate::entity::get(store, &canned_key(tenant, id)).await
}

/// Every canned response of a tenant with its version (at most
/// [`kt_domain::workflow::MAX_CANNED_PER_TENANT`]).
pub async fn canned(
    store: &dyn Store,
    tenant: &TenantId,
) -> Result<Vec<crate::entity::Versioned<CannedResponse>>, StoreError> {
    all_versioned(store, Query::table(format!("T#{tenant}#CANNED")).sk(SkCond::BeginsWith("C#".into()))).await
}

/// Every item `query` finds, page after page, with its version.
async fn all_versioned<T: serde::de::DeserializeOwned>(
    store: &dyn Store,
    query: Query,
) -> Result<Vec<crate::entity::Versioned<T>>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = store.query(query.clone().limit(500).after(cursor)).await?;
        for item in &page.items {
            out.push(crate::entity::Versioned { value: item.to_entity()?, version: item.version });
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}

/// One side of a link between two tickets of a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// The ticket at the other end.
    pub ticket: TicketId,
    /// `related` (linked by hand) or `merged` (the other ticket was merged into this one, or
    /// this one into it).
    pub kind: String,
    pub created_by: Option<UserId>,
    #[serde(with = "kt_domain::clock::rfc3339_ms")]
    pub at: time::OffsetDateTime,
}

pub fn link_key(tenant: &TenantId, from: &TicketId, to: &TicketId) -> Key {
    Key::new(format!("T#{tenant}#TICKET#{from}"), format!("LINK#{to}"))
}

pub fn link_item(tenant: &TenantId, from: &TicketId, link: &Link) -> Result<Item, StoreError> {
    Item::from_entity(link_key(tenant, from, &link.ticket), link)
}

/// A ticket's links, in the order of the linked tickets' ids (oldest ticket first).
pub async fn links(store: &dyn Store, tenant: &TenantId, id: &TicketId) -> Result<Vec<Link>, StoreError> {
    let q = Query::table(format!("T#{tenant}#TICKET#{id}")).sk(SkCond::BeginsWith("LINK#".into()));
    Ok(all_versioned(store, q).await?.into_iter().map(|l| l.value).collect())
}

pub fn rule_key(id: &str) -> Key {
    Key::new("ASSIGNRULES", format!("R#{id}"))
}

pub fn last_key(rule: &str) -> Key {
    Key::new("ASSIGNRULES", format!("LAST#{rule}"))
}

/// The lease of one group of rules (rules sharing agents), named by its first rule: one
/// partition per group, so walks for unrelated rules never meet.
pub fn lease_key(group: &str) -> Key {
    Key::new(format!("ASSIGNLEASE#{group}"), "LEASE")
}

pub fn rule_item(r: &AssignmentRule, version: u64) -> Result<Item, StoreError> {
    crate::entity::item(rule_key(&r.id), r, version)
}

pub async fn get_rule(
    store: &dyn Store,
    id: &str,
) -> Result<Option<crate::entity::Versioned<AssignmentRule>>, StoreError> {
    crate::entity::get(store, &rule_key(id)).await
}

/// Every assignment rule with its version, in the order they are tried.
pub async fn rules_versioned(store: &dyn Store) -> Result<Vec<crate::entity::Versioned<AssignmentRule>>, StoreError> {
    let mut out: Vec<crate::entity::Versioned<AssignmentRule>> =
        all_versioned(store, Query::table("ASSIGNRULES").sk(SkCond::BeginsWith("R#".into()))).await?;
    out.sort_by(|a, b| a.value.position.cmp(&b.value.position).then_with(|| a.value.id.cmp(&b.value.id)));
    Ok(out)
}

/// Every assignment rule, in the order they are tried.
pub async fn rules(store: &dyn Store) -> Result<Vec<AssignmentRule>, StoreError> {
    Ok(rules_versioned(store).await?.into_iter().map(|r| r.value).collect())
}

/// The agent each rule assigned last (round robin's cursor), one batch read.
pub async fn last_assigned(
    store: &dyn Store,
    rules: &[AssignmentRule],
) -> Result<BTreeMap<String, UserId>, StoreError> {
    let mut out = BTreeMap::new();
    for chunk in rules.chunks(crate::limits::MAX_BATCH_GET) {
        let keys: Vec<Key> = chunk.iter().map(|r| last_key(&r.id)).collect();
        for (r, item) in chunk.iter().zip(store.get_many(&keys).await?) {
            let user = item
                .and_then(|i| i.attrs.get("user").and_then(|v| v.as_str()).map(str::to_owned))
                .and_then(|u| UserId::try_from(u).ok());
            if let Some(u) = user {
                out.insert(r.id.clone(), u);
            }
        }
    }
    Ok(out)
}

pub fn last_item(rule: &str, user: &UserId) -> Item {
    crate::entity::pointer_item(last_key(rule), "user", user.as_str())
}

pub fn load_key(user: &UserId) -> Key {
    Key::new(format!("AGENT#{user}"), "LOAD")
}

/// The loads of `users`, one batch read per 100.
pub async fn loads(store: &dyn Store, users: &[UserId]) -> Result<BTreeMap<UserId, u32>, StoreError> {
    let mut users = users.to_vec();
    users.sort();
    users.dedup();
    let mut out = BTreeMap::new();
    for chunk in users.chunks(crate::limits::MAX_BATCH_GET) {
        let keys: Vec<Key> = chunk.iter().map(load_key).collect();
        for (u, item) in chunk.iter().zip(store.get_many(&keys).await?) {
            let n = item.and_then(|i| i.attrs.get(NODE_FIELD).and_then(|v| v.as_i64())).unwrap_or(0);
            out.insert(u.clone(), n.max(0) as u32);
        }
    }
    Ok(out)
}

/// The load counter operations for a ticket going from (`assignee`, `status`) to
/// (`to_assignee`, `to_status`).
pub fn load_ops(
    assignee: Option<&UserId>,
    status: kt_domain::ticket::Status,
    to_assignee: Option<&UserId>,
    to_status: kt_domain::ticket::Status,
) -> Vec<TxOp> {
    load_changes(assignee, status, to_assignee, to_status)
        .into_iter()
        .map(|(u, by)| TxOp::Increment { key: load_key(&u), field: NODE_FIELD.into(), by })
        .collect()
}
