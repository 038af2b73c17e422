//! Brings users written before the staff index ([`kt_store::accounts::staff`]) into it: every
//! user but a client is written again as it is (same version, guarded by it), which adds the
//! index entry. Run by the local host at start-up; once done, a marker item makes later runs
//! one read.

use kt_domain::identity::Role;
use kt_store::{Cond, Item, Key, TxOp, accounts, tenants};

use crate::{AppError, AppState};

fn marker() -> Key {
    Key::new("UPGRADE#STAFF-INDEX", "DONE")
}

/// Indexes every staff-side user not indexed yet. Returns how many were written.
pub async fn index_staff(app: &AppState) -> Result<usize, AppError> {
    let store = app.store.as_ref();
    if store.get(&marker()).await?.is_some() {
        return Ok(0);
    }
    let mut written = 0;
    let mut tenant_cursor = None;
    loop {
        let (page, next) = tenants::list(store, 100, tenant_cursor).await?;
        for tenant in page {
            let mut cursor = None;
            loop {
                let (users, next) = accounts::list_users(store, &tenant.id, 200, cursor).await?;
                for user in users.into_iter().filter(|u| u.role != Role::Client) {
                    let Some(current) = accounts::get_user(store, &tenant.id, &user.id).await? else { continue };
                    let item = accounts::user_item(&current.value, current.version)?;
                    // A user changed meanwhile was written with its index entry already.
                    match store.transact(vec![TxOp::Put { item, cond: Cond::Version(current.version) }]).await {
                        Ok(()) => written += 1,
                        Err(e) if e.is_conflict() => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                cursor = next;
                if cursor.is_none() {
                    break;
                }
            }
        }
        tenant_cursor = next;
        if tenant_cursor.is_none() {
            break;
        }
    }
    store.put(Item::new(marker(), Default::default()), Cond::None).await?;
    Ok(written)
}
