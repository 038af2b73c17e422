//! Organizations, users, their credentials and memberships. Everything lives under the
//! tenant's partitions:
//!
//! * `T#<t>#ORG#<org>` / `ORG`: organization (gsi1 `T#<t>#ORGS` / org id)
//! * `T#<t>#USER#<user>` / `USER`: user (gsi1 `T#<t>#USERS` / user id; for the people who
//!   work tickets, every role but Client, also gsi2 `T#<t>#STAFF` / user id: those a new
//!   ticket is announced to, found without reading the tenant's clients)
//! * `T#<t>#USER#<user>` / `CREDENTIALS`: password hash and second factors
//! * `T#<t>#USER#<user>` / `MEMBER#<org>`: membership (gsi1 `T#<t>#ORG#<org>#MEMBERS` / user id)
//! * `T#<t>#EMAIL#<email>` / `EMAIL`: email -> user, unique per tenant

use kt_domain::auth::Credentials;
use kt_domain::identity::{Email, OrgId, Role, TenantId, UserId};
use kt_domain::tenancy::{Organization, User};

use crate::entity::{self, Versioned, pointer, pointer_item};
use crate::{Cond, Index, IndexKey, Item, Key, Query, SkCond, Store, StoreError, TxOp};

pub fn org_key(tenant: &TenantId, org: &OrgId) -> Key {
    Key::new(format!("T#{tenant}#ORG#{org}"), "ORG")
}

pub fn user_key(tenant: &TenantId, user: &UserId) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}"), "USER")
}

pub fn credentials_key(tenant: &TenantId, user: &UserId) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}"), "CREDENTIALS")
}

pub fn membership_key(tenant: &TenantId, user: &UserId, org: &OrgId) -> Key {
    Key::new(format!("T#{tenant}#USER#{user}"), format!("MEMBER#{org}"))
}

pub fn email_key(tenant: &TenantId, email: &Email) -> Key {
    Key::new(format!("T#{tenant}#EMAIL#{email}"), "EMAIL")
}

pub fn org_item(org: &Organization, version: u64) -> Result<Item, StoreError> {
    Ok(entity::item(org_key(&org.tenant, &org.id), org, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#ORGS", org.tenant), org.id.as_str())))
}

pub fn user_item(user: &User, version: u64) -> Result<Item, StoreError> {
    let item = entity::item(user_key(&user.tenant, &user.id), user, version)?
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{}#USERS", user.tenant), user.id.as_str()));
    if user.role == Role::Client {
        return Ok(item);
    }
    Ok(item.with_index(Index::Gsi2, IndexKey::new(staff_partition(&user.tenant), user.id.as_str())))
}

fn staff_partition(tenant: &TenantId) -> String {
    format!("T#{tenant}#STAFF")
}

/// Every user of `tenant` who works tickets (every role but Client), whatever their status.
pub async fn staff(store: &dyn Store, tenant: &TenantId) -> Result<Vec<User>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = store.query(Query::partition(Index::Gsi2, staff_partition(tenant)).limit(200).after(cursor)).await?;
        for item in &page.items {
            out.push(item.to_entity()?);
        }
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}

pub fn credentials_item(
    tenant: &TenantId,
    user: &UserId,
    credentials: &Credentials,
    version: u64,
) -> Result<Item, StoreError> {
    entity::item(credentials_key(tenant, user), credentials, version)
}

pub fn membership_item(tenant: &TenantId, user: &UserId, org: &OrgId) -> Item {
    pointer_item(membership_key(tenant, user, org), "org", org.as_str())
        .with_index(Index::Gsi1, IndexKey::new(format!("T#{tenant}#ORG#{org}#MEMBERS"), user.as_str()))
}

/// Operations creating `user` (claiming the email), its credentials and memberships.
pub fn create_user_ops(user: &User, credentials: &Credentials, orgs: &[OrgId]) -> Result<Vec<TxOp>, StoreError> {
    let mut ops = vec![
        TxOp::Put { item: user_item(user, 1)?, cond: Cond::NotExists },
        TxOp::Put {
            item: pointer_item(email_key(&user.tenant, &user.email), "user", user.id.as_str()),
            cond: Cond::NotExists,
        },
        TxOp::Put { item: credentials_item(&user.tenant, &user.id, credentials, 1)?, cond: Cond::NotExists },
    ];
    for org in orgs {
        ops.push(TxOp::Check { key: org_key(&user.tenant, org), cond: Cond::Exists });
        ops.push(TxOp::Put { item: membership_item(&user.tenant, &user.id, org), cond: Cond::NotExists });
    }
    Ok(ops)
}

pub async fn get_org(
    store: &dyn Store,
    tenant: &TenantId,
    org: &OrgId,
) -> Result<Option<Versioned<Organization>>, StoreError> {
    entity::get(store, &org_key(tenant, org)).await
}

pub async fn list_orgs(
    store: &dyn Store,
    tenant: &TenantId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Organization>, Option<String>), StoreError> {
    let page =
        store.query(Query::partition(Index::Gsi1, format!("T#{tenant}#ORGS")).limit(limit).after(cursor)).await?;
    Ok((page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?, page.next_cursor))
}

pub async fn get_user(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
) -> Result<Option<Versioned<User>>, StoreError> {
    entity::get(store, &user_key(tenant, user)).await
}

/// The users named, in one batch read per 100 (`None` where there is no such user).
pub async fn get_users(store: &dyn Store, people: &[(TenantId, UserId)]) -> Result<Vec<Option<User>>, StoreError> {
    let mut out = Vec::with_capacity(people.len());
    for chunk in people.chunks(crate::limits::MAX_BATCH_GET) {
        let keys: Vec<Key> = chunk.iter().map(|(t, u)| user_key(t, u)).collect();
        for item in store.get_many(&keys).await? {
            out.push(item.map(|i| i.to_entity::<User>()).transpose()?);
        }
    }
    Ok(out)
}

pub async fn list_users(
    store: &dyn Store,
    tenant: &TenantId,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<User>, Option<String>), StoreError> {
    let page =
        store.query(Query::partition(Index::Gsi1, format!("T#{tenant}#USERS")).limit(limit).after(cursor)).await?;
    Ok((page.items.iter().map(Item::to_entity).collect::<Result<_, _>>()?, page.next_cursor))
}

pub async fn user_by_email(store: &dyn Store, tenant: &TenantId, email: &Email) -> Result<Option<UserId>, StoreError> {
    Ok(pointer(store, &email_key(tenant, email), "user").await?.and_then(|s| UserId::try_from(s).ok()))
}

pub async fn get_credentials(
    store: &dyn Store,
    tenant: &TenantId,
    user: &UserId,
) -> Result<Option<Versioned<Credentials>>, StoreError> {
    entity::get(store, &credentials_key(tenant, user)).await
}

/// The members of an organization (its clients).
pub async fn members_of(store: &dyn Store, tenant: &TenantId, org: &OrgId) -> Result<Vec<UserId>, StoreError> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let q = Query::partition(Index::Gsi1, format!("T#{tenant}#ORG#{org}#MEMBERS")).limit(200).after(cursor);
        let page = store.query(q).await?;
        out.extend(page.items.iter().filter_map(|i| {
            i.key.pk.strip_prefix(&format!("T#{tenant}#USER#")).and_then(|u| UserId::try_from(u.to_owned()).ok())
        }));
        cursor = page.next_cursor;
        if cursor.is_none() {
            return Ok(out);
        }
    }
}

/// The organizations `user` belongs to.
pub async fn orgs_of(store: &dyn Store, tenant: &TenantId, user: &UserId) -> Result<Vec<OrgId>, StoreError> {
    let page =
        store.query(Query::table(format!("T#{tenant}#USER#{user}")).sk(SkCond::BeginsWith("MEMBER#".into()))).await?;
    Ok(page
        .items
        .iter()
        .filter_map(|i| i.key.sk.strip_prefix("MEMBER#").and_then(|o| OrgId::try_from(o.to_owned()).ok()))
        .collect())
}
