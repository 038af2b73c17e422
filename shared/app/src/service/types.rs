//! Service types: the eight of PRD 4.3 from the start, then what super admins make of them
//! (names, descriptions, the form each is asked with and its price field, order, retired).

use kt_domain::forms::FieldType;
use kt_domain::policy::{self, Actor, Permission};
use kt_domain::service::{AutoQuote, DEFAULT_TYPES, ServiceType, check_type};
use kt_store::entity::Versioned;
use kt_store::service as store;
use kt_store::{Cond, TxOp};

use crate::{AppError, AppState};

/// What a super admin sets on a type.
#[derive(Debug, Clone)]
pub struct TypeInput {
    pub name: String,
    pub description: String,
    pub form: Option<String>,
    pub price_field: Option<String>,
    /// Quote automatically, valid for these days (needs a price field).
    pub auto_quote_days: Option<u16>,
    pub active: bool,
    pub position: u32,
}

/// The automatic quoting `input` asks for: kept as it was when unchanged (so its author stays),
/// signed by `actor` when switched on or changed.
fn auto_quote(actor: &Actor, input: &TypeInput, current: Option<&AutoQuote>) -> Result<Option<AutoQuote>, AppError> {
    let Some(days) = input.auto_quote_days else { return Ok(None) };
    if !(1..=365).contains(&days) {
        return Err(AppError::invalid("auto_quote.valid_days", "use 1 to 365 days"));
    }
    if input.price_field.is_none() {
        return Err(AppError::invalid("auto_quote", "needs a price field to price the request by"));
    }
    Ok(Some(match current {
        Some(c) if c.valid_days == days => c.clone(),
        _ => AutoQuote { valid_days: days, by: actor.user.clone() },
    }))
}

fn admin(actor: &Actor) -> Result<(), AppError> {
    if policy::may(actor, Permission::ManageSystemSettings) && !actor.tenant_bound {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Every type (the defaults written the first time anyone asks); retired ones only for
/// `with_retired`.
pub async fn list(app: &AppState, with_retired: bool) -> Result<Vec<Versioned<ServiceType>>, AppError> {
    let mut all = store::types(app.store.as_ref()).await?;
    if all.is_empty() {
        let ops = DEFAULT_TYPES
            .iter()
            .enumerate()
            .map(|(n, (id, name, description))| {
                let t = ServiceType {
                    id: (*id).to_owned(),
                    name: (*name).to_owned(),
                    description: (*description).to_owned(),
                    form: None,
                    price_field: None,
                    auto_quote: None,
                    active: true,
                    position: n as u32 + 1,
                };
                Ok(TxOp::Put { item: store::type_item(&t, 1)?, cond: Cond::NotExists })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        match app.store.transact(ops).await {
            // Another caller wrote them first: read theirs.
            Ok(()) => {}
            Err(e) if e.is_conflict() => {}
            Err(e) => return Err(e.into()),
        }
        all = store::types(app.store.as_ref()).await?;
    }
    Ok(all.into_iter().filter(|t| with_retired || t.value.active).collect())
}

pub async fn get(app: &AppState, id: &str) -> Result<Versioned<ServiceType>, AppError> {
    list(app, true).await?.into_iter().find(|t| t.value.id == id).ok_or(AppError::NotFound)
}

/// Checks that `form` exists and is published, and that `price_field` is one of its current
/// version's numeric or calculated fields.
async fn check_binding(app: &AppState, form: Option<&str>, price_field: Option<&str>) -> Result<(), AppError> {
    let Some(form) = form else {
        return match price_field {
            Some(_) => Err(AppError::invalid("price_field", "needs a form")),
            None => Ok(()),
        };
    };
    if form.len() != 26 || !form.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid("form_id", "is no form in use"));
    }
    let f = kt_store::forms::get(app.store.as_ref(), form)
        .await?
        .filter(|f| !f.value.archived)
        .ok_or_else(|| AppError::invalid("form_id", "is no form in use"))?;
    let version = f.value.published.ok_or_else(|| AppError::invalid("form_id", "publish the form first"))?;
    if let Some(key) = price_field {
        let doc = kt_store::forms::version(app.store.as_ref(), form, version).await?;
        let numeric = doc
            .as_ref()
            .and_then(|d| d.field(key))
            .is_some_and(|x| matches!(x.kind, FieldType::Calculated | FieldType::Number | FieldType::Currency));
        if !numeric {
            return Err(AppError::invalid("price_field", "name a number, currency or calculated field of the form"));
        }
    }
    Ok(())
}

/// Changes type `id` under `expected` (its version).
pub async fn update(
    app: &AppState,
    actor: &Actor,
    id: &str,
    input: TypeInput,
    expected: Option<u64>,
) -> Result<Versioned<ServiceType>, AppError> {
    admin(actor)?;
    let current = get(app, id).await?;
    if expected.is_some_and(|e| e != current.version) {
        return Err(AppError::PreconditionFailed);
    }
    let (name, description) = check_type(&input.name, &input.description).map_err(AppError::from_invalid)?;
    check_binding(app, input.form.as_deref(), input.price_field.as_deref()).await?;
    let auto_quote = auto_quote(actor, &input, current.value.auto_quote.as_ref())?;
    let t = ServiceType {
        id: current.value.id.clone(),
        name,
        description,
        form: input.form,
        price_field: input.price_field,
        auto_quote,
        active: input.active,
        position: input.position,
    };
    let version = current.version + 1;
    let op = TxOp::Put { item: store::type_item(&t, version)?, cond: Cond::Version(current.version) };
    app.store
        .transact(vec![op])
        .await
        .map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    Ok(Versioned { version, value: t })
}

/// Adds a type (its key made from its name).
pub async fn create(app: &AppState, actor: &Actor, input: TypeInput) -> Result<Versioned<ServiceType>, AppError> {
    admin(actor)?;
    let (name, description) = check_type(&input.name, &input.description).map_err(AppError::from_invalid)?;
    check_binding(app, input.form.as_deref(), input.price_field.as_deref()).await?;
    let auto_quote = auto_quote(actor, &input, None)?;
    let taken: Vec<String> = list(app, true).await?.into_iter().map(|t| t.value.id).collect();
    let base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let base = if base.starts_with(|c: char| c.is_ascii_lowercase()) { base } else { format!("type_{base}") };
    let base: String = base.chars().take(40).collect();
    let id = (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}_{n}") }).find(|k| !taken.contains(k));
    let t = ServiceType {
        id: id.unwrap_or(base),
        name,
        description,
        form: input.form,
        price_field: input.price_field,
        auto_quote,
        active: input.active,
        position: input.position,
    };
    let op = TxOp::Put { item: store::type_item(&t, 1)?, cond: Cond::NotExists };
    app.store
        .transact(vec![op])
        .await
        .map_err(|e| if e.is_conflict() { AppError::Conflict("try again".into()) } else { e.into() })?;
    Ok(Versioned { version: 1, value: t })
}
