//! Saved searches: a person's named queries (with the kinds they narrow to), at most
//! [`MAX_SAVED`] each, seen and changed by that person only.

use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::search as store;
use kt_store::{Cond, Key};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{AppError, AppState, FieldError};

pub const MAX_SAVED: usize = 50;
pub const MAX_NAME: usize = 80;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSearch {
    pub id: String,
    pub name: String,
    pub query: String,
    #[serde(default)]
    pub types: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The person's saved searches, oldest first.
pub async fn list(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Vec<SavedSearch>, AppError> {
    super::check_access(actor, &tenant.id)?;
    let items = store::saved::<SavedSearch>(app.store.as_ref(), &tenant.id, &actor.user, MAX_SAVED as u32).await?;
    Ok(items.into_iter().map(|v| v.value).collect())
}

/// Saves `query` as `name` (the query must read; the name is unique among the person's).
pub async fn save(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    name: &str,
    query: &str,
    types: Vec<String>,
) -> Result<SavedSearch, AppError> {
    super::check_access(actor, &tenant.id)?;
    let mut errors = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.contains(char::is_control) {
        errors.push(FieldError::new("name", format!("use 1 to {MAX_NAME} characters on one line")));
    }
    if let Err(e) = kt_domain::search::parse(query) {
        errors.push(FieldError::new("query", e.message));
    }
    for (i, t) in types.iter().enumerate() {
        if !kt_domain::search::TYPES.contains(&t.as_str()) {
            errors.push(FieldError::new(
                format!("types[{i}]"),
                format!("one of: {}", kt_domain::search::TYPES.join(", ")),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let existing = list(app, actor, tenant).await?;
    if existing.iter().any(|s| s.name.eq_ignore_ascii_case(name)) {
        return Err(AppError::Invalid(vec![FieldError::new("name", "you have a saved search of this name")]));
    }
    if existing.len() >= MAX_SAVED {
        return Err(AppError::Conflict(format!("at most {MAX_SAVED} saved searches: delete one first")));
    }
    let saved = SavedSearch {
        id: app.ids.ulid().to_string(),
        name: name.to_owned(),
        query: query.trim().to_owned(),
        types,
        created_at: app.clock.now(),
    };
    let key = store::saved_key(&tenant.id, &actor.user, &saved.id);
    store::put(app.store.as_ref(), key, &saved, 1, Cond::NotExists).await?;
    Ok(saved)
}

/// Deletes the person's saved search `id`.
pub async fn delete(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<(), AppError> {
    super::check_access(actor, &tenant.id)?;
    let key: Key = store::saved_key(&tenant.id, &actor.user, id);
    match app.store.delete(&key, Cond::Exists).await {
        Ok(()) => Ok(()),
        Err(e) if e.is_conflict() => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}
