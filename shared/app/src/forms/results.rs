//! What a form gathered, for those who may read it (PRD 3.2 "View submissions": super admins and
//! staff every tenant's, partners their own tenant's; everyone their own): submissions, the
//! analytics from the counters, and exports to CSV and XLSX.

use std::collections::HashMap;

use kt_domain::forms::{Document, Form, Submission, SubmissionScope, may_edit, submission_scope};
use kt_domain::identity::{TenantId, UserId};
use kt_domain::policy::Actor;
use kt_store::forms::{self as store, Submitters};
use serde_json::Value;

use super::load;
use super::stats::{self, Analytics};
use crate::export::{Format, Table};
use crate::{AppError, AppState};

/// Most rows one export holds (newest first).
pub const EXPORT_ROWS: usize = 10_000;

/// A page of the submissions the actor may read, newest first.
pub async fn list(
    app: &AppState,
    actor: &Actor,
    id: &str,
    limit: u32,
    cursor: Option<String>,
) -> Result<(Vec<Submission>, Option<String>), AppError> {
    load(app, actor, id).await?;
    let scope = submission_scope(actor);
    let who = match &scope {
        SubmissionScope::All => Submitters::All,
        SubmissionScope::Tenant(t) => Submitters::Tenant(t),
        SubmissionScope::Own => Submitters::Person(&actor.tenant, &actor.user),
    };
    Ok(store::submissions(app.store.as_ref(), id, who, limit, cursor).await?)
}

/// One submission (its tenant named, as the lists give it).
pub async fn get(app: &AppState, actor: &Actor, id: &str, tenant: &str, sub: &str) -> Result<Submission, AppError> {
    load(app, actor, id).await?;
    let tenant = TenantId::try_from(tenant.to_owned()).map_err(|_| AppError::NotFound)?;
    let s = store::submission(app.store.as_ref(), &tenant, id, sub).await?.ok_or(AppError::NotFound)?;
    if s.visible_to(actor) { Ok(s) } else { Err(AppError::NotFound) }
}

/// Who submitted each of `subs`: name and email by tenant and user, in one batch read.
pub async fn submitters(
    app: &AppState,
    subs: &[Submission],
) -> Result<HashMap<(TenantId, UserId), (String, String)>, AppError> {
    let mut people: Vec<(TenantId, UserId)> = subs.iter().map(|s| (s.tenant.clone(), s.by.clone())).collect();
    people.sort();
    people.dedup();
    let users = kt_store::accounts::get_users(app.store.as_ref(), &people).await?;
    Ok(people.into_iter().zip(users).filter_map(|(who, u)| u.map(|u| (who, (u.name, u.email.to_string())))).collect())
}

/// Whether the actor reads the form's figures: those who read every tenant's submissions.
fn analyst(actor: &Actor) -> Result<(), AppError> {
    if may_edit(actor) && submission_scope(actor) == SubmissionScope::All { Ok(()) } else { Err(AppError::Forbidden) }
}

async fn latest(app: &AppState, f: &Form) -> Result<Document, AppError> {
    Ok(match f.published {
        Some(v) => store::version(app.store.as_ref(), &f.id, v).await?.unwrap_or_else(|| f.draft.clone()),
        None => f.draft.clone(),
    })
}

/// The form's figures (editors), from its counters: one batch read however many submissions.
pub async fn analytics(app: &AppState, actor: &Actor, id: &str) -> Result<Analytics, AppError> {
    analyst(actor)?;
    let f = load(app, actor, id).await?.value;
    let doc = latest(app, &f).await?;
    let counters = store::stats(app.store.as_ref(), id).await?;
    Ok(stats::analytics(&doc, &counters))
}

fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a.iter().map(|x| cell(Some(x))).collect::<Vec<_>>().join("; "),
        Some(Value::Object(o)) => {
            o.iter().map(|(k, x)| format!("{k}: {}", cell(Some(x)))).collect::<Vec<_>>().join("; ")
        }
        Some(other) => other.to_string(),
    }
}

/// The submissions the actor may read as a table (newest first, at most [`EXPORT_ROWS`]): one
/// column per field of the current version (answers of earlier versions' other fields are left
/// out), then written as `format`. Returns the file name with the bytes.
pub async fn export(app: &AppState, actor: &Actor, id: &str, format: Format) -> Result<(String, Vec<u8>), AppError> {
    let f = load(app, actor, id).await?.value;
    if submission_scope(actor) == SubmissionScope::Own {
        return Err(AppError::Forbidden);
    }
    let doc = latest(app, &f).await?;
    let fields: Vec<_> = doc
        .fields()
        .map(|(_, x)| x)
        .filter(|x| {
            !matches!(
                x.kind,
                kt_domain::forms::FieldType::Section
                    | kt_domain::forms::FieldType::Paragraph
                    | kt_domain::forms::FieldType::Divider
            )
        })
        .collect();
    let mut header = vec![
        "Submitted at".to_owned(),
        "Submission".into(),
        "Tenant".into(),
        "Name".into(),
        "Email".into(),
        "Version".into(),
    ];
    header.extend(fields.iter().map(|x| if x.label.is_empty() { x.key.clone() } else { x.label.clone() }));
    let mut table = Table { header, rows: Vec::new() };
    let mut cursor = None;
    while table.rows.len() < EXPORT_ROWS {
        let (page, next) = list(app, actor, id, 100, cursor).await?;
        let people = submitters(app, &page).await?;
        for s in page {
            let (name, email) = people.get(&(s.tenant.clone(), s.by.clone())).cloned().unwrap_or_default();
            let mut row = vec![
                kt_domain::timestamp(s.at),
                s.id.clone(),
                s.tenant.to_string(),
                name,
                email,
                s.version.to_string(),
            ];
            row.extend(fields.iter().map(|x| cell(s.values.get(&x.key))));
            table.rows.push(row);
            if table.rows.len() == EXPORT_ROWS {
                break;
            }
        }
        match next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    let stem: String =
        f.name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let name = format!("{}-submissions.{}", stem.trim_matches('-'), format.extension());
    Ok((name, table.write(format)?))
}
