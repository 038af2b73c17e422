//! Forms (PRD 4.7): super admins and staff write them (a draft document, published as frozen
//! versions), everyone signed in fills the published ones ([`fill`]), the house and partners
//! read the submissions ([`results`]).

pub mod files;
pub mod fill;
pub mod results;
pub mod stats;

use kt_domain::forms::{self as domain, Document, Form, Settings, check_form, check_head, may_edit};
use kt_domain::policy::Actor;
use kt_store::entity::Versioned;
use kt_store::forms as store;
use kt_store::{Cond, TxOp};

use crate::idempotency::{Guard, Recorded};
use crate::{AppError, AppState};

/// What an editor writes: the whole head and draft.
#[derive(Debug, Clone)]
pub struct FormInput {
    pub name: String,
    pub description: String,
    pub document: Document,
    pub settings: Settings,
    pub template: bool,
}

fn editor(actor: &Actor) -> Result<(), AppError> {
    if may_edit(actor) { Ok(()) } else { Err(AppError::Forbidden) }
}

fn checked(input: FormInput) -> Result<FormInput, AppError> {
    let mut errors = Vec::new();
    let (name, description) = match check_head(&input.name, &input.description, &input.settings) {
        Ok(v) => v,
        Err(e) => {
            errors.extend(e);
            Default::default()
        }
    };
    if let Err(e) = check_form(&input.document) {
        errors.extend(e.into_iter().map(|i| kt_domain::identity::Invalid {
            field: format!("document.{}", i.field).into(),
            message: i.message,
        }));
    }
    if errors.is_empty() { Ok(FormInput { name, description, ..input }) } else { Err(AppError::from_invalid(errors)) }
}

/// Loads a form an actor may see: editors every form; everyone else a published one not
/// archived (anything else is not found).
pub async fn load(app: &AppState, actor: &Actor, id: &str) -> Result<Versioned<Form>, AppError> {
    if id.len() != 26 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::NotFound);
    }
    let f = store::get(app.store.as_ref(), id).await?.ok_or(AppError::NotFound)?;
    if may_edit(actor) || (f.value.published.is_some() && !f.value.archived) { Ok(f) } else { Err(AppError::NotFound) }
}

/// A page of forms: editors see all (templates only, when asked); others the published ones.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    templates: bool,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Versioned<Form>>, Option<String>), AppError> {
    let editing = may_edit(actor);
    let (items, next) = store::list(app.store.as_ref(), limit, cursor).await?;
    let items = items
        .into_iter()
        .filter(|f| editing || (f.value.published.is_some() && !f.value.archived))
        .filter(|f| !templates || f.value.template)
        .collect();
    Ok((items, next))
}

/// Makes a form from `input`, or a copy of `from` (its draft, named by `input`).
pub async fn create(
    app: &AppState,
    actor: &Actor,
    input: FormInput,
    guard: Option<&Guard>,
) -> Result<(Versioned<Form>, bool), AppError> {
    editor(actor)?;
    if let Some(g) = guard
        && let Some(f) = made_before(app, actor, g).await?
    {
        return Ok((f, true));
    }
    let input = checked(input)?;
    let f = Form {
        id: app.ids.ulid().to_string(),
        name: input.name,
        description: input.description,
        draft: input.document,
        published: None,
        template: input.template,
        settings: input.settings,
        archived: false,
        created_by: actor.user.clone(),
        created_at: app.clock.now(),
        updated_at: None,
    };
    let mut ops = vec![TxOp::Put { item: store::item(&f, 1)?, cond: Cond::NotExists }];
    if let Some(g) = guard {
        ops.push(g.record(&format!("form:{}", f.id), app.clock.now().unix_timestamp())?);
    }
    ops.extend(indexed(app, &f).await?);
    match app.store.transact(ops).await {
        Ok(()) => {
            app.outbox_wake.notify_one();
            Ok((Versioned { value: f, version: 1 }, false))
        }
        Err(e) if e.is_conflict() && guard.is_some() => {
            let g = guard.ok_or_else(|| AppError::Internal("guard".into()))?;
            made_before(app, actor, g).await?.map(|f| (f, true)).ok_or(AppError::PreconditionFailed)
        }
        Err(e) => Err(e.into()),
    }
}

async fn made_before(app: &AppState, actor: &Actor, guard: &Guard) -> Result<Option<Versioned<Form>>, AppError> {
    match guard.recorded(app.store.as_ref()).await? {
        None => Ok(None),
        Some(Recorded::OtherBody) => Err(Guard::other_body()),
        Some(Recorded::Made(resource)) => {
            let id = resource
                .strip_prefix("form:")
                .ok_or_else(|| AppError::Internal(format!("idempotency record names {resource}")))?;
            Ok(Some(load(app, actor, id).await?))
        }
    }
}

/// Copies a form's draft (or a template) into a new form.
pub async fn clone(app: &AppState, actor: &Actor, id: &str, name: Option<String>) -> Result<Versioned<Form>, AppError> {
    editor(actor)?;
    let src = load(app, actor, id).await?.value;
    let input = FormInput {
        name: name.unwrap_or_else(|| format!("Copy of {}", src.name).chars().take(domain::MAX_NAME).collect()),
        description: src.description,
        document: src.draft,
        settings: src.settings,
        template: false,
    };
    Ok(create(app, actor, input, None).await?.0)
}

async fn save(app: &AppState, f: &Form, version: u64, extra: Vec<TxOp>) -> Result<u64, AppError> {
    let mut ops = vec![TxOp::Put { item: store::item(f, version + 1)?, cond: Cond::Version(version) }];
    ops.extend(extra);
    ops.extend(indexed(app, f).await?);
    app.store.transact(ops).await.map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    app.outbox_wake.notify_one();
    Ok(version + 1)
}

/// Tells the search index that `f` changed (forms are the platform's: Kre8ivTech's tenant's).
async fn indexed(app: &AppState, f: &Form) -> Result<Option<TxOp>, AppError> {
    match crate::identity::tenancy::house_cached(app).await? {
        Some(house) => Ok(Some(crate::search::indexing::touch(app, &house, "form", &f.id)?)),
        None => Ok(None),
    }
}

fn expect(f: &Versioned<Form>, expected: Option<u64>) -> Result<(), AppError> {
    match expected {
        Some(v) if v != f.version => Err(AppError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// Rewrites a form's head and draft (what is published stays until published again).
pub async fn update(
    app: &AppState,
    actor: &Actor,
    id: &str,
    input: FormInput,
    expected: Option<u64>,
) -> Result<Versioned<Form>, AppError> {
    editor(actor)?;
    let mut f = load(app, actor, id).await?;
    expect(&f, expected)?;
    let input = checked(input)?;
    let v = &mut f.value;
    v.name = input.name;
    v.description = input.description;
    v.draft = input.document;
    v.settings = input.settings;
    v.template = input.template;
    v.updated_at = Some(app.clock.now());
    let version = save(app, &f.value, f.version, vec![]).await?;
    Ok(Versioned { value: f.value, version })
}

/// Publishes the draft as the next version: new submissions answer it.
pub async fn publish(
    app: &AppState,
    actor: &Actor,
    id: &str,
    expected: Option<u64>,
) -> Result<Versioned<Form>, AppError> {
    editor(actor)?;
    let mut f = load(app, actor, id).await?;
    expect(&f, expected)?;
    if f.value.archived {
        return Err(AppError::Conflict("This form is archived.".into()));
    }
    checked(FormInput {
        name: f.value.name.clone(),
        description: f.value.description.clone(),
        document: f.value.draft.clone(),
        settings: f.value.settings.clone(),
        template: f.value.template,
    })?;
    if f.value.draft.pages.iter().all(|p| p.fields.iter().all(|x| !x.kind.takes_answer())) {
        return Err(AppError::invalid("document.pages", "add a field to answer before publishing"));
    }
    let next = f.value.published.unwrap_or(0) + 1;
    f.value.published = Some(next);
    f.value.updated_at = Some(app.clock.now());
    let op = store::version_op(id, next, &f.value.draft)?;
    let version = save(app, &f.value, f.version, vec![op]).await?;
    Ok(Versioned { value: f.value, version })
}

/// Archives a form: closed to new submissions, kept with its submissions and analytics.
pub async fn archive(app: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    editor(actor)?;
    let mut f = load(app, actor, id).await?;
    if f.value.archived {
        return Ok(());
    }
    f.value.archived = true;
    f.value.updated_at = Some(app.clock.now());
    save(app, &f.value, f.version, vec![]).await?;
    Ok(())
}

/// A published version's document.
pub async fn version(app: &AppState, actor: &Actor, id: &str, version: u32) -> Result<Document, AppError> {
    let f = load(app, actor, id).await?;
    if f.value.published.is_none_or(|p| version > p) || version == 0 {
        return Err(AppError::NotFound);
    }
    store::version(app.store.as_ref(), id, version).await?.ok_or(AppError::NotFound)
}
