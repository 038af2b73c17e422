//! Forms and their submissions in global search.
//!
//! Forms are the platform's (kept under Kre8ivTech's tenant): a published form that is not
//! archived is found by everyone (everyone may fill it), every form by those who edit forms
//! (`kt_domain::forms::may_edit`). A submission is found by those who may read it
//! (`Submission::visible_to`: house staff every one, a partner its tenant's, everyone else
//! their own), in its submitter's tenant, with its answers as its text. The terms restate those
//! rules and the tests below hold them equal.

use kt_domain::forms::{Form, Submission, SubmissionScope, may_edit, submission_scope};
use kt_domain::identity::TenantId;
use kt_domain::policy::Actor;
use kt_domain::search::audience;
use kt_domain::tenancy::Tenant;
use kt_platform::search::{Change, SearchDoc};
use serde_json::Value;

use super::documents::{doc_id, names};
use crate::{AppError, AppState};

const EVERYONE: &str = "form:everyone";
const EDITOR: &str = "form:editor";
const ALL: &str = "sub:all";
const TENANT: &str = "sub:tenant";

/// Who finds a form.
pub fn form_terms(f: &Form) -> Vec<String> {
    let mut terms = vec![EDITOR.to_owned()];
    if f.published.is_some() && !f.archived {
        terms.push(EVERYONE.into());
    }
    terms
}

/// The terms through which `actor` finds forms.
pub fn form_reach(actor: &Actor) -> Vec<String> {
    let mut terms = vec![EVERYONE.to_owned()];
    if may_edit(actor) {
        terms.push(EDITOR.into());
    }
    terms
}

/// Who finds a submission.
pub fn submission_terms(s: &Submission) -> Vec<String> {
    vec![ALL.to_owned(), TENANT.into(), audience::user(&s.by)]
}

/// The terms through which `actor` finds submissions made in `tenant`.
pub fn submission_reach(actor: &Actor, tenant: &TenantId) -> Vec<String> {
    match submission_scope(actor) {
        SubmissionScope::All => vec![ALL.into()],
        SubmissionScope::Tenant(t) if &t == tenant => vec![TENANT.into()],
        SubmissionScope::Own if &actor.tenant == tenant => vec![audience::user(&actor.user)],
        _ => Vec::new(),
    }
}

fn text(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.trim().is_empty() => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(a) => a.iter().for_each(|x| text(x, out)),
        Value::Object(o) => o.values().for_each(|x| text(x, out)),
        _ => {}
    }
}

/// A form's document (in the house's tenant).
pub async fn form(app: &AppState, house: &Tenant, id: &str) -> Result<Vec<Change>, AppError> {
    let Some(f) = kt_store::forms::get(app.store.as_ref(), id).await?.map(|f| f.value) else {
        return Ok(vec![Change::Remove(doc_id("form", &house.id, id))]);
    };
    let status = match (f.archived, f.published) {
        (true, _) => "archived",
        (false, Some(_)) => "published",
        (false, None) => "draft",
    };
    Ok(vec![Change::Put(Box::new(SearchDoc {
        id: doc_id("form", &house.id, &f.id),
        tenant: house.id.to_string(),
        kind: "form".into(),
        title: f.name.clone(),
        body: f.description.clone(),
        notes: String::new(),
        status: Some(status.into()),
        priority: None,
        org: None,
        org_name: String::new(),
        from: names(app, &house.id, std::slice::from_ref(&f.created_by)).await?,
        tags: if f.template { vec!["template".into()] } else { Vec::new() },
        at: f.created_at,
        audience: form_terms(&f),
        target: f.id.clone(),
        label: String::new(),
    }))])
}

/// A submission's document (`key`: `<form>/<submission>`), in its submitter's tenant.
pub async fn submission(app: &AppState, tenant: &Tenant, key: &str) -> Result<Vec<Change>, AppError> {
    let Some((form_id, id)) = key.split_once('/') else { return Ok(Vec::new()) };
    let in_index = doc_id("submission", &tenant.id, id);
    let s = app.store.as_ref();
    let (Some(sub), Some(f)) =
        (kt_store::forms::submission(s, &tenant.id, form_id, id).await?, kt_store::forms::get(s, form_id).await?)
    else {
        return Ok(vec![Change::Remove(in_index)]);
    };
    let by = names(app, &tenant.id, std::slice::from_ref(&sub.by)).await?;
    let mut answers = Vec::new();
    sub.values.values().for_each(|v| text(v, &mut answers));
    let who = by.rsplit_once(' ').map_or(by.as_str(), |(name, _)| name).to_owned();
    Ok(vec![Change::Put(Box::new(SearchDoc {
        id: in_index,
        tenant: tenant.id.to_string(),
        kind: "submission".into(),
        title: if who.is_empty() { f.value.name.clone() } else { format!("{} · {who}", f.value.name) },
        body: answers.join("\n"),
        notes: String::new(),
        status: None,
        priority: None,
        org: sub.org.as_ref().map(ToString::to_string),
        org_name: match &sub.org {
            Some(o) => super::documents::org_name(app, &tenant.id, o).await?,
            None => String::new(),
        },
        from: by,
        tags: Vec::new(),
        at: sub.at,
        audience: submission_terms(&sub),
        target: format!("{}/{}", sub.form, sub.id),
        label: String::new(),
    }))])
}

#[cfg(test)]
mod tests {
    use kt_domain::identity::{Role, UserId};

    use super::*;

    #[test]
    fn submission_terms_are_the_submission_rules() {
        let (house, acme) = (TenantId::new(ulid::Ulid::new()), TenantId::new(ulid::Ulid::new()));
        let (me, other) = (UserId::new(ulid::Ulid::new()), UserId::new(ulid::Ulid::new()));
        let mut checked = 0;
        for role in [Role::SuperAdmin, Role::Staff, Role::Partner, Role::PartnerStaff, Role::Client] {
            for own in [&house, &acme] {
                for bound in [false, true] {
                    let actor = Actor {
                        user: me.clone(),
                        tenant: own.clone(),
                        role,
                        orgs: Vec::new(),
                        scopes: None,
                        optional_enabled: false,
                        tenant_bound: bound,
                    };
                    for t in [&house, &acme] {
                        let reach = submission_reach(&actor, t);
                        for by in [&me, &other] {
                            let sub: Submission = serde_json::from_value(serde_json::json!({
                                "id": "s1", "form": "f1", "form_version": 1, "tenant": t, "by": by,
                                "values": {}, "path": [], "at": "2026-01-01T00:00:00Z"
                            }))
                            .expect("submission");
                            let found = submission_terms(&sub).iter().any(|x| reach.contains(x));
                            assert_eq!(
                                found,
                                sub.visible_to(&actor),
                                "{role:?} of {own} bound {bound} in {t} by me {}",
                                by == &me
                            );
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 5 * 2 * 2 * 2 * 2);
    }
}
