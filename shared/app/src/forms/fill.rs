//! Filling a form: views counted, drafts saved and resumed on any device, and submissions the
//! server evaluates itself (hidden fields dropped, calculated values recomputed, every answer
//! checked) within the form's schedule and limits. One commit path: [`commit`].

use std::collections::HashMap;

use kt_domain::forms::{self as domain, Availability, Document, Draft, Form, Submission, UploadInfo, evaluate};
use kt_domain::policy::{self, Actor, Permission};
use kt_store::entity::Versioned;
use kt_store::forms as store;
use kt_store::{Cond, TxOp};
use serde_json::{Map, Value};

use super::{files, load, stats};
use crate::error::FieldError;
use crate::idempotency::{Guard, Recorded};
use crate::{AppError, AppState};

/// Tries of a submission whose slot another took first.
const SLOT_TRIES: usize = 5;

fn submitter(actor: &Actor) -> Result<(), AppError> {
    if policy::may(actor, Permission::SubmitForms) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// The form open now with its current document, or why not (409).
pub(super) async fn open(
    app: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<(Versioned<Form>, u32, Document), AppError> {
    submitter(actor)?;
    let f = load(app, actor, id).await?;
    if let Some(why) = f.value.availability(app.clock.now()).reason() {
        return Err(AppError::Conflict(why.into()));
    }
    let version = f.value.published.ok_or(AppError::NotFound)?;
    let doc = store::version(app.store.as_ref(), id, version).await?.ok_or(AppError::NotFound)?;
    Ok((f, version, doc))
}

/// Refuses answers too large or naming what is no field of `doc` (a calculated field's value
/// sent along is ignored: the server computes its own).
fn known(doc: &Document, answers: &Map<String, Value>) -> Result<(), AppError> {
    if serde_json::to_vec(answers).map(|b| b.len()).unwrap_or(usize::MAX) > domain::MAX_ANSWERS_BYTES {
        return Err(AppError::invalid("answers", "are too large (256 KB at most)"));
    }
    let unknown: Vec<FieldError> = answers
        .keys()
        .filter(|k| doc.field(k).is_none())
        .map(|k| FieldError::new(format!("answers.{k}"), "is not a field of this form"))
        .collect();
    if unknown.is_empty() { Ok(()) } else { Err(AppError::Invalid(unknown)) }
}

async fn commit(app: &AppState, ops: Vec<TxOp>) -> Result<(), AppError> {
    app.store.transact(ops).await.map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })
}

/// Counts one view of the form (its page opened to fill).
pub async fn view(app: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    submitter(actor)?;
    let f = load(app, actor, id).await?;
    if let Some(why) = f.value.availability(app.clock.now()).reason() {
        return Err(AppError::Conflict(why.into()));
    }
    commit(app, store::stat_ops(&f.value.id, &app.ids.ulid().to_string(), &stats::views())).await
}

pub async fn draft(app: &AppState, actor: &Actor, id: &str) -> Result<Versioned<Draft>, AppError> {
    submitter(actor)?;
    load(app, actor, id).await?;
    store::draft(app.store.as_ref(), &actor.tenant, &actor.user, id).await?.ok_or(AppError::NotFound)
}

/// Saves the actor's answers so far and the page they are on (`expected`: the draft version
/// read, to refuse overwriting what another device saved since).
pub async fn save_draft(
    app: &AppState,
    actor: &Actor,
    id: &str,
    page: &str,
    answers: Map<String, Value>,
    expected: Option<u64>,
) -> Result<Versioned<Draft>, AppError> {
    let (f, version, doc) = open(app, actor, id).await?;
    if doc.page_index(page).is_none() {
        return Err(AppError::invalid("page", "is not a page of this form"));
    }
    known(&doc, &answers)?;
    let old = store::draft(app.store.as_ref(), &actor.tenant, &actor.user, id).await?;
    if let (Some(e), Some(o)) = (expected, &old)
        && e != o.version
    {
        return Err(AppError::PreconditionFailed);
    }
    let (mut reached, mut answered) =
        old.as_ref().map(|o| (o.value.reached.clone(), o.value.answered.clone())).unwrap_or_default();
    let new_pages: Vec<String> = (!reached.iter().any(|p| p == page)).then(|| page.to_owned()).into_iter().collect();
    let new_fields: Vec<String> =
        answers.iter().filter(|(k, v)| !domain::is_empty(v) && !answered.contains(k)).map(|(k, _)| k.clone()).collect();
    reached.extend(new_pages.iter().cloned());
    answered.extend(new_fields.iter().cloned());
    let d = Draft {
        form: f.value.id.clone(),
        version,
        page: page.to_owned(),
        answers,
        reached,
        answered,
        updated_at: app.clock.now(),
    };
    let (cond, next) = match &old {
        Some(o) => (Cond::Version(o.version), o.version + 1),
        None => (Cond::NotExists, 1),
    };
    let mut ops = vec![TxOp::Put { item: store::draft_item(&actor.tenant, &actor.user, &d, next)?, cond }];
    ops.extend(store::stat_ops(id, actor.user.as_str(), &stats::progress(old.is_none(), &new_pages, &new_fields)));
    commit(app, ops).await?;
    Ok(Versioned { value: d, version: next })
}

pub async fn discard_draft(app: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    submitter(actor)?;
    load(app, actor, id).await?;
    commit(app, vec![store::draft_delete(&actor.tenant, &actor.user, id)]).await
}

/// The slots a submission takes, or why the form takes no more from this person or at all.
async fn slots(app: &AppState, actor: &Actor, f: &Form, sub: &str) -> Result<Vec<TxOp>, AppError> {
    let s = app.store.as_ref();
    let mine = store::last_slot(s, &f.id, Some(&actor.user)).await?.unwrap_or(0);
    if f.settings.max_per_person.is_some_and(|m| mine >= u64::from(m)) {
        return Err(AppError::Conflict("You have sent this form as many times as it allows.".into()));
    }
    let mut ops = vec![store::slot_op(&f.id, Some(&actor.user), mine + 1, sub)];
    if let Some(max) = f.settings.max_submissions {
        // Slots in all are kept from when a limit was set: before, the counters tell.
        let all = match store::last_slot(s, &f.id, None).await? {
            Some(n) => n,
            None => store::stats(s, &f.id).await?.get("done").copied().unwrap_or(0).max(0) as u64,
        };
        if all >= u64::from(max) {
            return Err(AppError::Conflict("This form has all the submissions it takes.".into()));
        }
        ops.push(store::slot_op(&f.id, None, all + 1, sub));
    }
    Ok(ops)
}

/// Submits `answers` to the form's current version: evaluated and checked by the server, kept
/// with that version, counted, and the person's draft removed. A retry with the same guard
/// gets the submission the first attempt made (`true`).
pub async fn submit(
    app: &AppState,
    actor: &Actor,
    id: &str,
    answers: Map<String, Value>,
    guard: Option<&Guard>,
) -> Result<(Submission, bool), AppError> {
    submit_with(app, actor, id, answers, guard, &|_| Ok(Vec::new())).await
}

/// What else a submission's transaction writes (e.g. the service request it asks for).
pub type Joined<'a> = &'a (dyn Fn(&Submission) -> Result<Vec<TxOp>, AppError> + Send + Sync);

/// [`submit`], with `joined`'s operations in the submission's transaction: both are written,
/// or neither.
pub async fn submit_with(
    app: &AppState,
    actor: &Actor,
    id: &str,
    answers: Map<String, Value>,
    guard: Option<&Guard>,
    joined: Joined<'_>,
) -> Result<(Submission, bool), AppError> {
    submitter(actor)?;
    if let Some(g) = guard
        && let Some(s) = made_before(app, actor, id, g).await?
    {
        return Ok((s, true));
    }
    let (f, version, doc) = open(app, actor, id).await?;
    known(&doc, &answers)?;
    let named = domain::named_uploads(&doc, &answers);
    let mut carried = files::usable(app, actor, id, &named).await?;
    let ev = {
        let info: HashMap<&str, UploadInfo> = carried
            .iter()
            .map(|v| {
                (v.value.id.as_str(), UploadInfo { content_type: v.value.content_type.clone(), size: v.value.size })
            })
            .collect();
        evaluate(&doc, &answers, &|k| info.get(k).cloned())
    };
    if !ev.errors.is_empty() {
        let errors = ev.errors.into_iter().map(|(k, m)| FieldError::new(format!("answers.{k}"), m)).collect();
        return Err(AppError::Invalid(errors));
    }
    let values: Map<String, Value> = ev.values.into_iter().collect();
    let draft = store::draft(app.store.as_ref(), &actor.tenant, &actor.user, id).await?;
    let sub = Submission {
        id: app.ids.ulid().to_string(),
        form: f.value.id.clone(),
        version,
        tenant: actor.tenant.clone(),
        by: actor.user.clone(),
        org: actor.orgs.first().cloned(),
        values,
        path: ev.path,
        at: app.clock.now(),
    };
    let seen = draft.as_ref().map(|d| (d.value.reached.as_slice(), d.value.answered.as_slice()));
    let counters = stats::submitted(&doc, &sub.values, &sub.path, seen);
    let kept = domain::named_uploads(&doc, &sub.values);
    for attempt in 0..SLOT_TRIES {
        if attempt > 0 && !kept.is_empty() {
            // A file may have gone to another submission meanwhile.
            carried = files::usable(app, actor, id, &kept).await?;
            if carried.len() < kept.len() {
                return Err(AppError::invalid("answers", "name a file that was submitted already; upload it again"));
            }
        }
        let mut ops = vec![TxOp::Put { item: store::submission_item(&sub)?, cond: Cond::NotExists }];
        ops.extend(files::claim(&carried, &kept, &sub.id)?);
        ops.extend(joined(&sub)?);
        ops.extend(slots(app, actor, &f.value, &sub.id).await?);
        ops.extend(store::stat_ops(id, &sub.id, &counters));
        if draft.is_some() {
            ops.push(store::draft_delete(&actor.tenant, &actor.user, id));
        }
        if let Some(g) = guard {
            ops.push(g.record(&format!("submission:{}", sub.id), sub.at.unix_timestamp())?);
        }
        ops.push(crate::search::indexing::touch(app, &sub.tenant, "submission", &format!("{}/{}", sub.form, sub.id))?);
        match app.store.transact(ops).await {
            Ok(()) => {
                // The joined operations may hold events for the outbox.
                app.outbox_wake.notify_one();
                return Ok((sub, false));
            }
            Err(e) if e.is_conflict() => {
                if let Some(g) = guard
                    && let Some(s) = made_before(app, actor, id, g).await?
                {
                    return Ok((s, true));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Unavailable("the form is busy; try again".into()))
}

async fn made_before(app: &AppState, actor: &Actor, form: &str, guard: &Guard) -> Result<Option<Submission>, AppError> {
    match guard.recorded(app.store.as_ref()).await? {
        None => Ok(None),
        Some(Recorded::OtherBody) => Err(Guard::other_body()),
        Some(Recorded::Made(resource)) => {
            let id = resource
                .strip_prefix("submission:")
                .ok_or_else(|| AppError::Internal(format!("idempotency record names {resource}")))?;
            let s = store::submission(app.store.as_ref(), &actor.tenant, form, id).await?;
            Ok(Some(s.ok_or_else(|| AppError::Internal("a recorded submission is missing".into()))?))
        }
    }
}

/// What a form shows its filler: the current version's document and the availability.
pub async fn current(
    app: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<(Versioned<Form>, Option<Document>, Availability), AppError> {
    let f = load(app, actor, id).await?;
    let doc = match f.value.published {
        Some(v) => store::version(app.store.as_ref(), id, v).await?,
        None => None,
    };
    let a = f.value.availability(app.clock.now());
    Ok((f, doc, a))
}
