//! Recording and reading the audit log. State changes put their entry in the same transaction
//! as the change; events with nothing else to write (sign-ins) put it on its own.

use kt_domain::audit::AuditEntry;
use kt_domain::identity::{TenantId, UserId};
use kt_domain::policy::{Actor, Permission};
use kt_domain::tenancy::Tenant;
use kt_store::{Cond, TxOp, audit};

use super::accounts::require;
use super::sessions::ClientInfo;
use crate::{AppError, AppState};

pub fn entry(
    app: &AppState,
    tenant: &TenantId,
    actor: Option<&UserId>,
    action: &str,
    target: Option<String>,
    client: &ClientInfo,
) -> AuditEntry {
    AuditEntry {
        id: app.ids.ulid().to_string(),
        tenant: tenant.clone(),
        at: app.clock.now(),
        actor: actor.cloned(),
        action: action.to_owned(),
        target,
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
    }
}

/// The transaction operation that records `entry`.
pub fn op(entry: &AuditEntry) -> Result<TxOp, AppError> {
    Ok(TxOp::Put { item: audit::item(entry)?, cond: Cond::NotExists })
}

/// Records an entry on its own.
pub async fn record(app: &AppState, entry: AuditEntry) -> Result<(), AppError> {
    app.store.put(audit::item(&entry)?, Cond::NotExists).await?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub from: Option<time::OffsetDateTime>,
    pub to: Option<time::OffsetDateTime>,
}

fn bound(at: time::OffsetDateTime, high: bool) -> String {
    let ms = (at.unix_timestamp_nanos() / 1_000_000).max(0) as u64;
    let random = if high { (1u128 << 80) - 1 } else { 0 };
    ulid::Ulid::from_parts(ms, random).to_string()
}

/// Entries of `tenant` matching `filter`, newest first, for those who may see tenant reports.
/// Pages are filled by reading on through the time range; `cursor` continues where one ended.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    filter: &AuditFilter,
    limit: u32,
    mut cursor: Option<String>,
) -> Result<(Vec<AuditEntry>, Option<String>), AppError> {
    require(Some(actor), Permission::ViewTenantReports, tenant)?;
    let from = bound(filter.from.unwrap_or(time::OffsetDateTime::UNIX_EPOCH), false);
    let to = bound(filter.to.unwrap_or_else(|| app.clock.now() + time::Duration::days(1)), true);
    let mut out = Vec::new();
    loop {
        let (entries, next) = audit::page(app.store.as_ref(), &tenant.id, &from, &to, limit, cursor.take()).await?;
        out.extend(entries.into_iter().filter(|e| {
            filter.action.as_deref().is_none_or(|a| e.action == a || e.action.starts_with(&format!("{a}.")))
                && filter.actor.as_deref().is_none_or(|u| e.actor.as_ref().is_some_and(|x| x.as_str() == u))
        }));
        match next {
            Some(c) if (out.len() as u32) < limit => cursor = Some(c),
            other => return Ok((out.into_iter().take(limit as usize).collect(), other)),
        }
    }
}

/// The names an entry's actor and target stand for, as `(actor_name, target_name)` per entry:
/// the acting user's; for `user.*` (and `2fa.reset`) the user's, `org.*` the organization's, `tenant.*` the
/// tenant's (`None` where the id names nothing any more, or the target is no id). One batch
/// read for the people, one read per distinct organization or tenant.
pub async fn names(
    app: &AppState,
    tenant: &TenantId,
    entries: &[AuditEntry],
) -> Result<Vec<(Option<String>, Option<String>)>, AppError> {
    use std::collections::HashMap;
    let store = app.store.as_ref();
    /// The id an entry's target starts with (`<user>:<org>` and `<user>:<old>-><new>` name a
    /// user first), for actions about that kind of thing.
    fn target_of<'a>(e: &'a AuditEntry, prefix: &str) -> Option<&'a str> {
        let about = e.action.starts_with(prefix) || (prefix == "user." && e.action == "2fa.reset");
        e.target.as_deref().filter(|_| about).map(|t| t.split(':').next().unwrap_or(t))
    }
    let user_targets =
        entries.iter().filter_map(|e| target_of(e, "user.")).filter_map(|t| UserId::try_from(t.to_owned()).ok());
    let users: Vec<UserId> = entries.iter().filter_map(|e| e.actor.clone()).chain(user_targets).collect();
    let people = super::people::lookup(app, tenant, users.iter()).await?;
    let mut others: HashMap<String, Option<String>> = HashMap::new();
    for e in entries {
        if let Some(t) = target_of(e, "org.").filter(|t| !others.contains_key(*t)) {
            let name = match kt_domain::identity::OrgId::try_from(t.to_owned()) {
                Ok(org) => kt_store::accounts::get_org(store, tenant, &org).await?.map(|o| o.value.name),
                Err(_) => None,
            };
            others.insert(t.to_owned(), name);
        }
        if let Some(t) = target_of(e, "tenant.").filter(|t| !others.contains_key(*t)) {
            let name = match TenantId::try_from(t.to_owned()) {
                Ok(id) => kt_store::tenants::get(store, &id).await?.map(|x| x.value.name),
                Err(_) => None,
            };
            others.insert(t.to_owned(), name);
        }
    }
    Ok(entries
        .iter()
        .map(|e| {
            let actor = e.actor.as_ref().and_then(|a| people.get(a)).map(|u| u.name.clone());
            let target = if let Some(t) = target_of(e, "user.") {
                UserId::try_from(t.to_owned()).ok().and_then(|u| people.get(&u)).map(|u| u.name.clone())
            } else {
                e.target.as_ref().and_then(|t| others.get(t).cloned().flatten())
            };
            (actor, target)
        })
        .collect())
}

/// RFC 4180 CSV of entries (header row first); cells that a spreadsheet would run as a
/// formula are prefixed with a quote.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let header = ["time", "action", "actor", "target", "ip", "user_agent"].map(str::to_owned).to_vec();
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                kt_domain::timestamp(e.at),
                e.action.clone(),
                e.actor.as_ref().map(|a| a.to_string()).unwrap_or_default(),
                e.target.clone().unwrap_or_default(),
                e.ip.clone().unwrap_or_default(),
                e.user_agent.clone().unwrap_or_default(),
            ]
        })
        .collect();
    crate::export::Table { header, rows }.csv()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let e = AuditEntry {
            id: "1".into(),
            tenant: TenantId::new(ulid::Ulid::new()),
            at: time::macros::datetime!(2026-11-25 10:00 UTC),
            actor: None,
            action: "auth.sign_in_failed".into(),
            target: Some("=HYPERLINK(\"x\")".into()),
            ip: Some("203.0.113.7".into()),
            user_agent: Some("Mozilla/5.0, \"quoted\"".into()),
        };
        let csv = to_csv(&[e]);
        assert_eq!(
            csv,
            "time,action,actor,target,ip,user_agent\r\n2026-11-25T10:00:00.000Z,auth.sign_in_failed,,\"'=HYPERLINK(\"\"x\"\")\",203.0.113.7,\"Mozilla/5.0, \"\"quoted\"\"\"\r\n"
        );
    }
}
