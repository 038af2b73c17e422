//! What service-request events tell whom. Its reviewers (Kre8ivTech's super admins and staff,
//! and a partner's partner-role users for their clients' requests) hear of new requests, of the
//! client side's comments and of withdrawals; the client side (whoever asked, and the members
//! of the organization it is for) hears of every move and of the reviewers' comments. Nobody
//! hears of their own action.

use kt_domain::DomainEvent;
use kt_domain::identity::{Role, TenantId, UserId};
use kt_domain::notification::Kind;
use kt_domain::service::{ServiceRequest, Status};
use kt_domain::tenancy::UserStatus;
use kt_store::accounts;
use serde_json::Value;

use super::delivery::{About, Text, notify};
use crate::identity::tenancy;
use crate::{AppError, AppState};

/// The reviewers of a tenant's requests, each with the tenant they sign in to.
async fn reviewers(app: &AppState, tenant: &TenantId) -> Result<Vec<(TenantId, UserId)>, AppError> {
    let store = app.store.as_ref();
    let mut out = Vec::new();
    let house = tenancy::house(store).await?;
    if house.as_ref() != Some(tenant) {
        for u in accounts::staff(store, tenant).await? {
            if u.role == Role::Partner && u.status == UserStatus::Active {
                out.push((tenant.clone(), u.id));
            }
        }
    }
    if let Some(h) = house {
        for u in accounts::staff(store, &h).await? {
            if u.role.is_house_staff() && u.status == UserStatus::Active {
                out.push((h.clone(), u.id));
            }
        }
    }
    Ok(out)
}

/// The client side: whoever asked, and the organization's members.
async fn client_side(app: &AppState, r: &ServiceRequest) -> Result<Vec<(TenantId, UserId)>, AppError> {
    let mut out = vec![(r.tenant.clone(), r.requested_by.clone())];
    for u in accounts::members_of(app.store.as_ref(), &r.tenant, &r.org).await? {
        if !out.iter().any(|(_, x)| x == &u) {
            out.push((r.tenant.clone(), u));
        }
    }
    Ok(out)
}

pub(super) async fn handle(app: &AppState, event: &DomainEvent) -> Result<(), AppError> {
    let p = &event.payload;
    let (Some(tenant_id), Some(id)) = (
        event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()),
        p.get("request").and_then(Value::as_str),
    ) else {
        return Ok(());
    };
    let Some(r) = kt_store::service::request(app.store.as_ref(), &tenant_id, id).await?.map(|v| v.value) else {
        return Ok(());
    };
    let actor = p.get("actor").and_then(Value::as_str).map(str::to_owned);
    let org = accounts::get_org(app.store.as_ref(), &r.tenant, &r.org).await?.map(|o| o.value.name);
    let org = org.unwrap_or_else(|| "A client".into());
    let status =
        |k: &str| p.get(k).and_then(Value::as_str).and_then(|s| Status::ALL.into_iter().find(|x| x.as_str() == s));
    let text = |title: String, body: String| Text { title, body, survey: None };
    // (to the reviewers, to the client side)
    let (to_reviewers, to_client): (Option<(Kind, Text)>, Option<(Kind, Text)>) = match event.kind.as_str() {
        "service_request.created" => (
            Some((Kind::ServiceRequestNew, text(format!("{org} asks for {}", r.type_name), format!("“{}”", r.title)))),
            None,
        ),
        "service_request.status" => {
            let to = status("to").unwrap_or(r.status);
            let words = text(format!("“{}” is now {}", r.title, to.label().to_lowercase()), r.type_name.clone());
            if to == Status::Withdrawn {
                let t = text(format!("{org} withdrew “{}”", r.title), r.type_name.clone());
                (Some((Kind::ServiceRequestUpdate, t)), None)
            } else {
                (None, Some((Kind::ServiceRequestUpdate, words)))
            }
        }
        "service_request.comment" => {
            let from_reviewer = p.get("from_reviewer").and_then(Value::as_bool).unwrap_or(false);
            let t = text(format!("New comment on “{}”", r.title), r.type_name.clone());
            if from_reviewer {
                (None, Some((Kind::ServiceRequestUpdate, t)))
            } else {
                (Some((Kind::ServiceRequestUpdate, t)), None)
            }
        }
        _ => (None, None),
    };
    let about = About::ServiceRequest { tenant: r.tenant.clone(), id: r.id.clone() };
    let event_id = event.id.to_string();
    let mut sent: Vec<UserId> = Vec::new();
    for (words, reviewer_side) in [(to_reviewers, true), (to_client, false)] {
        let Some((kind, t)) = words else { continue };
        let people = if reviewer_side { reviewers(app, &r.tenant).await? } else { client_side(app, &r).await? };
        for (home, user) in people {
            if Some(user.to_string()) == actor || sent.contains(&user) {
                continue;
            }
            sent.push(user.clone());
            let home = tenancy::get(app, &home).await?;
            let t = Text { title: t.title.clone(), body: t.body.clone(), survey: None };
            notify(app, &home, &user, kind, &event_id, &about, t, vec![]).await?;
        }
    }
    Ok(())
}
