//! Sending an announcement as notifications and emails when it starts: the events worker takes
//! `announcement.started` and walks its audience a page of people at a time, each page one
//! event (`announcement.page`, with where to go on), so an announcement to everyone never runs
//! past one invocation's time. Each person's notification is written once (its id derives
//! from the announcement), so a page handled twice sends nothing twice; each person's own
//! settings for announcements decide within the ways the author chose.

use kt_domain::DomainEvent;
use kt_domain::announcement::{Announcement, Display, Reader, Scope, State};
use kt_domain::identity::TenantId;
use kt_domain::notification::Kind;
use kt_domain::notification::preferences::Channel;
use kt_domain::tenancy::{Tenant, User, UserStatus};
use kt_store::announcements as store;
use kt_store::{accounts, tenants};
use serde_json::{Value, json};

use super::EVENTS;
use crate::notifications::delivery::{About, Text, notify};
use crate::{AppError, AppState, outbox};

/// People looked at per page.
pub const PAGE: u32 = 100;

/// Where a walk through the audience stands: the tenant being walked (for platform-wide
/// announcements, with the cursor of the tenants' list) and the cursor in its people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Walk {
    tenant: Option<String>,
    tenants_cursor: Option<String>,
    users_cursor: Option<String>,
}

impl Walk {
    fn from(p: &Value) -> Walk {
        let s = |k: &str| p.get(k).and_then(Value::as_str).map(str::to_owned);
        Walk { tenant: s("tenant"), tenants_cursor: s("tenants_cursor"), users_cursor: s("users_cursor") }
    }
}

/// Handles `announcement.started` and `announcement.page`.
pub async fn handle(app: &AppState, event: &DomainEvent) -> Result<(), AppError> {
    let p = &event.payload;
    let (Some(owner), Some(id)) = (
        event.tenant.as_deref().and_then(|t| TenantId::try_from(t.to_owned()).ok()),
        p.get("announcement").and_then(Value::as_str),
    ) else {
        return Ok(());
    };
    let s = app.store.as_ref();
    let Some(a) = store::get(s, &owner, id).await?.map(|v| v.value) else { return Ok(()) };
    if a.state(app.clock.now()) != State::Live {
        return Ok(());
    }
    let walk = Walk::from(p.get("walk").unwrap_or(&Value::Null));
    // The tenant this page walks, and the next tenant to walk after it (platform-wide only).
    let (tenant, next_tenants) = match (&a.scope, &walk.tenant) {
        (Scope::Everyone, Some(t)) => (TenantId::try_from(t.clone()).ok(), walk.tenants_cursor.clone()),
        (Scope::Everyone, None) => {
            let (page, cursor) = tenants::list(s, 1, walk.tenants_cursor.clone()).await?;
            match page.into_iter().next() {
                Some(t) => (Some(t.id), cursor),
                None => return Ok(()),
            }
        }
        _ => (Some(owner.clone()), None),
    };
    let Some(tenant) = tenant else { return Ok(()) };
    let portal = crate::identity::tenancy::get(app, &tenant).await?;
    let (people, more) = accounts::list_users(s, &tenant, PAGE, walk.users_cursor.clone()).await?;
    let mut reached = 0;
    for person in people.iter().filter(|u| u.status == UserStatus::Active) {
        if send_to(app, &a, &portal, person).await? {
            reached += 1;
        }
    }
    // Where the walk goes on: more people here, else the next tenant (platform-wide), else done.
    let next = match (more, &a.scope, next_tenants) {
        (Some(c), _, t) => Some(json!({"tenant": tenant.as_str(), "tenants_cursor": t, "users_cursor": c})),
        (None, Scope::Everyone, Some(t)) => Some(json!({"tenants_cursor": t})),
        _ => None,
    };
    let ops = vec![store::reached_op(&a.id, reached)];
    let events = next
        .map(|walk| {
            let e = DomainEvent::new(
                app.ids.ulid(),
                "announcement.page",
                Some(owner.to_string()),
                app.clock.now(),
                json!({"announcement": a.id, "walk": walk}),
            );
            vec![(EVENTS, e)]
        })
        .unwrap_or_default();
    if reached == 0 && events.is_empty() {
        return Ok(());
    }
    outbox::publish(app, ops, events).await?;
    Ok(())
}

/// Sends `a` to `person` if it is for them; whether it was.
async fn send_to(app: &AppState, a: &Announcement, portal: &Tenant, person: &User) -> Result<bool, AppError> {
    if person.id == a.created_by {
        return Ok(false);
    }
    let orgs = if person.role == kt_domain::identity::Role::Client {
        accounts::orgs_of(app.store.as_ref(), &person.tenant, &person.id).await?
    } else {
        vec![]
    };
    if !a.reaches(&Reader { tenant: person.tenant.clone(), role: person.role, orgs }) {
        return Ok(false);
    }
    let mut channels = Vec::new();
    if a.shows(Display::Notification) {
        channels.push(Channel::InApp);
    }
    if a.shows(Display::Email) {
        channels.push(Channel::Email);
    }
    let about = About::Announcement { tenant: a.tenant.clone(), id: a.id.clone(), channels };
    let body: String = a.body.chars().take(280).collect();
    let text = Text { title: a.title.clone(), body, survey: None };
    notify(app, portal, &person.id, Kind::Announcement, &format!("ann-{}", a.id), &about, text, vec![]).await?;
    Ok(true)
}
