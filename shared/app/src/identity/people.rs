//! The people shown beside what they did (a ticket's requester, a reply's author): users of the
//! ticket's tenant or, for Kre8ivTech staff, of the house. Read in one batch per tenant.

use std::collections::HashMap;

use kt_domain::identity::{TenantId, UserId};
use kt_domain::tenancy::User;
use kt_store::{Item, accounts, tenants};

use crate::{AppError, AppState};

/// Every one of `ids` found, by id.
pub async fn lookup<'a>(
    app: &AppState,
    tenant: &TenantId,
    ids: impl IntoIterator<Item = &'a UserId>,
) -> Result<HashMap<UserId, User>, AppError> {
    let store = app.store.as_ref();
    let mut wanted: Vec<UserId> = ids.into_iter().cloned().collect();
    wanted.sort();
    wanted.dedup();
    let mut found = HashMap::with_capacity(wanted.len());
    let read = |items: Vec<Option<Item>>, found: &mut HashMap<UserId, User>| {
        for item in items.into_iter().flatten() {
            if let Ok(user) = item.to_entity::<User>() {
                found.insert(user.id.clone(), user);
            }
        }
    };
    if wanted.is_empty() {
        return Ok(found);
    }
    let keys: Vec<_> = wanted.iter().map(|u| accounts::user_key(tenant, u)).collect();
    read(store.get_many(&keys).await?, &mut found);
    let missing: Vec<&UserId> = wanted.iter().filter(|u| !found.contains_key(*u)).collect();
    if !missing.is_empty()
        && let Some(house) = tenants::house(store).await?.filter(|h| h != tenant)
    {
        let keys: Vec<_> = missing.iter().map(|u| accounts::user_key(&house, u)).collect();
        read(store.get_many(&keys).await?, &mut found);
    }
    Ok(found)
}

/// Up to two initials of a name ("Sky Staff" -> "SS"), for an avatar.
pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).flat_map(char::to_uppercase).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn initials_of_names() {
        assert_eq!(super::initials("Sky Staff"), "SS");
        assert_eq!(super::initials("dana"), "D");
        assert_eq!(super::initials("Ana María de la Cruz"), "AM");
        assert_eq!(super::initials("  "), "");
    }
}
