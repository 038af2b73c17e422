//! What quote events tell whom: the client organization's members hear a quote is ready; the
//! issuer (a partner's partner-role users, or Kre8ivTech's super admins, and whoever wrote it)
//! hears it was accepted or declined; the members are reminded before a sent quote expires. Nobody hears of their own action.

use kt_domain::DomainEvent;
use kt_domain::identity::{Role, TenantId, UserId};
use kt_domain::notification::Kind;
use kt_domain::tenancy::{TenantKind, UserStatus};
use kt_store::accounts;
use serde_json::Value;

use super::delivery::{About, Text, notify};
use crate::identity::tenancy;
use crate::{AppError, AppState};

pub(super) async fn handle(app: &AppState, event: &DomainEvent) -> Result<(), AppError> {
    let p = &event.payload;
    let (Some(tenant_id), Some(id)) = (
        event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()),
        p.get("quote").and_then(Value::as_str),
    ) else {
        return Ok(());
    };
    let Some(q) = kt_store::quotes::get(app.store.as_ref(), &tenant_id, id).await?.map(|v| v.value) else {
        return Ok(());
    };
    let store = app.store.as_ref();
    let issuer = tenancy::get(app, &tenant_id).await?;
    let org =
        accounts::get_org(store, &q.tenant, &q.org).await?.map(|o| o.value.name).unwrap_or_else(|| "The client".into());
    let actor = p.get("actor").and_then(Value::as_str).map(str::to_owned);
    let choice = q.acceptance.as_ref().map(|a| a.choice.clone()).unwrap_or_else(|| q.default_choice());
    let total = q
        .figures(&choice)
        .map(|t| format!("{} {}", kt_domain::money::format_amount(q.currency, t.total), q.currency.code()))
        .unwrap_or_default();
    let (people, title, body): (Vec<UserId>, String, String) = match event.kind.as_str() {
        "quote.sent" => (
            accounts::members_of(store, &q.tenant, &q.org).await?,
            format!("Quote “{}” is ready", q.title),
            format!("{total}, valid until {}.", q.valid_until),
        ),
        "quote.expiring" if q.status == kt_domain::quote::QuoteStatus::Sent => (
            accounts::members_of(store, &q.tenant, &q.org).await?,
            format!("Quote “{}” expires soon", q.title),
            format!("{total}: it can be accepted until {}.", q.valid_until),
        ),
        "quote.accepted" | "quote.declined" => {
            let wanted = if issuer.kind == TenantKind::House { Role::SuperAdmin } else { Role::Partner };
            let mut out: Vec<UserId> = accounts::staff(store, &q.tenant)
                .await?
                .into_iter()
                .filter(|u| u.role == wanted && u.status == UserStatus::Active)
                .map(|u| u.id)
                .collect();
            if !out.contains(&q.created_by) {
                out.push(q.created_by.clone());
            }
            let verb = if event.kind == "quote.accepted" { "accepted" } else { "declined" };
            (out, format!("{org} {verb} “{}”", q.title), total)
        }
        _ => return Ok(()),
    };
    let about = About::Quote { tenant: q.tenant.clone(), id: q.id.clone() };
    let event_id = event.id.to_string();
    for user in people.iter().filter(|u| Some(u.to_string()) != actor) {
        let t = Text { title: title.clone(), body: body.clone(), survey: None };
        notify(app, &issuer, user, Kind::ServiceRequestUpdate, &event_id, &about, t, vec![]).await?;
    }
    Ok(())
}
