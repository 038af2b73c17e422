//! Categories, three levels deep: written by the KB's managers, read by everyone who reads the
//! KB (a category is only a heading; what shows under it is each article's business). A category
//! with sub-categories is not removed; articles of a removed one read as uncategorized.

use kt_domain::kb::{Category, MAX_DEPTH, Reader, check_category, slugify};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_store::entity::Versioned;
use kt_store::kb as store;
use kt_store::{Cond, TxOp};

use super::manager;
use crate::{AppError, AppState};

/// What a manager sets.
#[derive(Debug, Clone)]
pub struct CategoryInput {
    pub name: String,
    pub description: String,
    pub parent: Option<String>,
    pub position: u32,
}

fn may_write(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    crate::identity::tenancy::in_reach(actor, tenant).or_else(|_| {
        // The system KB is read by every tenant's people: its existence is no secret.
        if super::is_system(tenant) { Err(AppError::Forbidden) } else { Err(AppError::NotFound) }
    })?;
    if manager(actor, tenant) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Every category of the tenant, in order, for `reader`: the system KB's for everyone, a
/// partner's for its own people and its help center's visitors.
pub async fn read(app: &AppState, reader: Reader<'_>, tenant: &Tenant) -> Result<Vec<Versioned<Category>>, AppError> {
    if let Reader::Person(actor) = reader
        && !super::is_system(tenant)
    {
        crate::identity::tenancy::in_reach(actor, tenant)?;
    }
    list(app, tenant).await
}

/// Every category of the tenant, in order (parents before their children).
async fn list(app: &AppState, tenant: &Tenant) -> Result<Vec<Versioned<Category>>, AppError> {
    let mut all = store::categories(app.store.as_ref(), &tenant.id).await?;
    all.sort_by(|a, b| {
        (a.value.depth, a.value.position, &a.value.name).cmp(&(b.value.depth, b.value.position, &b.value.name))
    });
    Ok(all)
}

/// The one commit path: `ops` in one transaction, 412 when something read changed meanwhile.
async fn write(app: &AppState, ops: Vec<TxOp>) -> Result<(), AppError> {
    app.store.transact(ops).await.map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })
}

/// Checks `input` against the tenant's categories (`own`: the category being changed).
fn place(all: &[Versioned<Category>], input: &CategoryInput, own: Option<&str>) -> Result<u8, AppError> {
    let Some(parent) = &input.parent else { return Ok(1) };
    let p = all
        .iter()
        .find(|c| &c.value.id == parent)
        .ok_or_else(|| AppError::invalid("parent_id", "is no category of this knowledge base"))?;
    // Not under itself or one of its own descendants.
    let mut up = Some(p.value.clone());
    while let Some(c) = up {
        if Some(c.id.as_str()) == own {
            return Err(AppError::invalid("parent_id", "cannot be the category itself or one of its own"));
        }
        up = c.parent.as_ref().and_then(|id| all.iter().find(|x| &x.value.id == id)).map(|x| x.value.clone());
    }
    if p.value.depth >= MAX_DEPTH {
        return Err(AppError::invalid("parent_id", "categories go three levels deep"));
    }
    let below = own.map_or(0, |id| height(all, id));
    if p.value.depth + 1 + below > MAX_DEPTH {
        return Err(AppError::invalid("parent_id", "its sub-categories would go deeper than three levels"));
    }
    Ok(p.value.depth + 1)
}

/// The check that `parent` is still as read (none for the top level).
fn parent_check(
    all: &[Versioned<Category>],
    parent: Option<&str>,
    tenant: &kt_domain::identity::TenantId,
) -> Option<TxOp> {
    let p = all.iter().find(|c| Some(c.value.id.as_str()) == parent)?;
    Some(TxOp::Check { key: store::category_key(tenant, &p.value.id), cond: Cond::Version(p.version) })
}

/// How many levels sit under category `id`.
fn height(all: &[Versioned<Category>], id: &str) -> u8 {
    all.iter()
        .filter(|c| c.value.parent.as_deref() == Some(id))
        .map(|c| 1 + height(all, &c.value.id))
        .max()
        .unwrap_or(0)
}

fn free_slug(all: &[Versioned<Category>], name: &str, own: Option<&str>) -> String {
    let base = slugify(name);
    (1..)
        .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
        .find(|s| !all.iter().any(|c| &c.value.slug == s && Some(c.value.id.as_str()) != own))
        .unwrap_or(base)
}

pub async fn create(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: CategoryInput,
) -> Result<Versioned<Category>, AppError> {
    may_write(actor, tenant)?;
    let (name, description) = check_category(&input.name, &input.description).map_err(AppError::from_invalid)?;
    let all = list(app, tenant).await?;
    if all.len() >= 500 {
        return Err(AppError::Conflict("a knowledge base holds at most 500 categories".into()));
    }
    let depth = place(&all, &input, None)?;
    // The parent as it was read: a concurrent move or removal of it refuses this.
    let parent = parent_check(&all, input.parent.as_deref(), &tenant.id);
    let c = Category {
        id: app.ids.ulid().to_string(),
        tenant: tenant.id.clone(),
        parent: input.parent,
        depth,
        slug: free_slug(&all, &name, None),
        name,
        description,
        position: input.position,
    };
    let mut ops = vec![TxOp::Put { item: store::category_item(&c, 1)?, cond: Cond::NotExists }];
    ops.extend(parent);
    write(app, ops).await?;
    Ok(Versioned { version: 1, value: c })
}

/// Changes category `id` under `expected` (its version). Moving it moves its sub-categories.
pub async fn update(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    input: CategoryInput,
    expected: Option<u64>,
) -> Result<Versioned<Category>, AppError> {
    may_write(actor, tenant)?;
    let all = list(app, tenant).await?;
    let current = all.iter().find(|c| c.value.id == id).cloned().ok_or(AppError::NotFound)?;
    if expected.is_some_and(|e| e != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let (name, description) = check_category(&input.name, &input.description).map_err(AppError::from_invalid)?;
    let depth = place(&all, &input, Some(id))?;
    let mut ops: Vec<TxOp> = parent_check(&all, input.parent.as_deref(), &tenant.id).into_iter().collect();
    let shift = i16::from(depth) - i16::from(current.value.depth);
    if shift != 0 {
        // The sub-categories keep their place under it, at their new depth.
        let mut stack = vec![id.to_owned()];
        while let Some(pid) = stack.pop() {
            for child in all.iter().filter(|c| c.value.parent.as_deref() == Some(pid.as_str())) {
                let mut moved = child.value.clone();
                moved.depth = u8::try_from(i16::from(moved.depth) + shift).unwrap_or(MAX_DEPTH);
                ops.push(TxOp::Put {
                    item: store::category_item(&moved, child.version + 1)?,
                    cond: Cond::Version(child.version),
                });
                stack.push(moved.id.clone());
            }
        }
    }
    let slug = if name == current.value.name { current.value.slug.clone() } else { free_slug(&all, &name, Some(id)) };
    let c =
        Category { parent: input.parent, depth, slug, name, description, position: input.position, ..current.value };
    if ops.len() >= kt_store::limits::MAX_TRANSACT_OPS {
        return Err(AppError::Conflict("move fewer categories at once: move some of its sub-categories first".into()));
    }
    ops.push(TxOp::Put { item: store::category_item(&c, current.version + 1)?, cond: Cond::Version(current.version) });
    write(app, ops).await?;
    Ok(Versioned { version: current.version + 1, value: c })
}

/// Removes category `id` (none under it).
pub async fn remove(app: &AppState, actor: &Actor, tenant: &Tenant, id: &str) -> Result<(), AppError> {
    may_write(actor, tenant)?;
    let all = list(app, tenant).await?;
    if !all.iter().any(|c| c.value.id == id) {
        return Err(AppError::NotFound);
    }
    if all.iter().any(|c| c.value.parent.as_deref() == Some(id)) {
        return Err(AppError::Conflict("move or remove its sub-categories first".into()));
    }
    app.store
        .delete(&store::category_key(&tenant.id, id), Cond::Exists)
        .await
        .map_err(|e| if e.is_conflict() { AppError::NotFound } else { e.into() })
}
