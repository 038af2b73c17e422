//! The tenant's mail templates: every kind with its current subject and body (the tenant's
//! own or the default), a change under the version read, a reset to the default, and a preview
//! that writes the mail with sample values exactly as it would be sent. Those who configure the
//! tenant's branding do this (super admins, and a partner for its own tenant).

use kt_domain::mail::template::{self, Template, TemplateKind};
use kt_domain::policy::{Actor, Permission, Resource};
use kt_domain::tenancy::Tenant;
use kt_platform::{Mail, MailAddress};
use kt_store::mail_out::{self as store, StoredTemplate};
use kt_store::{Cond, TxOp};

use super::letter::{self, Button, Entry, Extra, Letter, Sender};
use crate::{AppError, AppState, permit};

/// One kind of mail as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub kind: TemplateKind,
    pub template: Template,
    /// The tenant's own (else the default).
    pub customized: bool,
    /// Version to send back with a change or reset (0: the default).
    pub version: u64,
    pub updated_at: Option<time::OffsetDateTime>,
    pub updated_by: Option<String>,
}

fn require(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    permit(actor, Permission::ConfigureBranding, &Resource { tenant: &tenant.id, org: None, owner: None })
}

fn view(kind: TemplateKind, stored: Option<kt_store::entity::Versioned<StoredTemplate>>) -> View {
    match stored {
        Some(s) => View {
            kind,
            template: Template { subject: s.value.subject, body: s.value.body },
            customized: true,
            version: s.version,
            updated_at: Some(s.value.updated_at),
            updated_by: Some(s.value.updated_by),
        },
        None => View {
            kind,
            template: kind.default_template(),
            customized: false,
            version: 0,
            updated_at: None,
            updated_by: None,
        },
    }
}

/// The template mail of `kind` is written from: the tenant's own, else the default.
pub async fn current(app: &AppState, tenant: &Tenant, kind: TemplateKind) -> Result<Template, AppError> {
    Ok(store::template(app.store.as_ref(), &tenant.id, kind)
        .await?
        .map(|s| Template { subject: s.value.subject, body: s.value.body })
        .unwrap_or_else(|| kind.default_template()))
}

/// Every kind of mail, in the editor's order.
pub async fn list(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Vec<View>, AppError> {
    require(actor, tenant)?;
    let mut own = store::templates(app.store.as_ref(), &tenant.id).await?;
    Ok(TemplateKind::all()
        .into_iter()
        .map(|k| {
            let stored = own.iter().position(|s| s.value.kind == k).map(|i| own.swap_remove(i));
            view(k, stored)
        })
        .collect())
}

pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant, kind: TemplateKind) -> Result<View, AppError> {
    require(actor, tenant)?;
    Ok(view(kind, store::template(app.store.as_ref(), &tenant.id, kind).await?))
}

/// Replaces the template of `kind` (under `version`, the one read: `If-Match`).
pub async fn set(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    kind: TemplateKind,
    subject: &str,
    body: &str,
    version: Option<u64>,
) -> Result<View, AppError> {
    require(actor, tenant)?;
    let checked = template::check(kind, subject, body).map_err(AppError::from_invalid)?;
    let current = store::template(app.store.as_ref(), &tenant.id, kind).await?;
    let at = current.as_ref().map(|c| c.version).unwrap_or(0);
    if version.is_some_and(|v| v != at) {
        return Err(AppError::PreconditionFailed);
    }
    let next = StoredTemplate {
        kind,
        subject: checked.subject,
        body: checked.body,
        updated_at: app.clock.now(),
        updated_by: actor.user.to_string(),
    };
    let cond = if at == 0 { Cond::NotExists } else { Cond::Version(at) };
    app.store
        .put(store::template_item(&tenant.id, &next, at + 1)?, cond)
        .await
        .map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    Ok(view(kind, Some(kt_store::entity::Versioned { value: next, version: at + 1 })))
}

/// Goes back to the default for `kind` (under `version`, when given).
pub async fn reset(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    kind: TemplateKind,
    version: Option<u64>,
) -> Result<View, AppError> {
    require(actor, tenant)?;
    if let Some(current) = store::template(app.store.as_ref(), &tenant.id, kind).await? {
        if version.is_some_and(|v| v != current.version) {
            return Err(AppError::PreconditionFailed);
        }
        let op = TxOp::Delete { key: store::template_key(&tenant.id, kind), cond: Cond::Version(current.version) };
        app.store
            .transact(vec![op])
            .await
            .map_err(|e| if e.is_conflict() { AppError::PreconditionFailed } else { e.into() })?;
    }
    Ok(view(kind, None))
}

/// `subject` and `body` (checked as a change would be) written for `kind` with sample values,
/// in the tenant's branding, as the mail would go out. The HTML is the sanitized mail body: a
/// page shows it in a sandboxed frame.
pub async fn preview(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    kind: TemplateKind,
    subject: &str,
    body: &str,
) -> Result<Mail, AppError> {
    require(actor, tenant)?;
    let checked = template::check(kind, subject, body).map_err(AppError::from_invalid)?;
    let base = crate::seed::portal_url(app, tenant);
    let sender = Sender { portal: tenant, base_url: &base, from: &app.config.mail_from };
    Ok(letter::write(&sender, &sample(kind, tenant, &base), &checked))
}

/// The letter a preview writes: sample values, and the button and extras the kind has.
fn sample(kind: TemplateKind, tenant: &Tenant, base: &str) -> Letter {
    let to = MailAddress::new(Some("Dana Scully"), "dana@example.com");
    let mut l = Letter::new(kind, tenant, to);
    for (k, v) in kind.sample_values() {
        if !matches!(k.as_str(), "portal.name" | "recipient.name" | "recipient.first_name" | "action.url") {
            l.values.insert(k, v);
        }
    }
    let button = |label: &str, path: &str| Some(Button { label: label.into(), url: format!("{base}{path}") });
    l.button = match kind {
        TemplateKind::Notification(_) => button("Open the ticket", "/tickets/01J0EXAMPLE"),
        TemplateKind::MagicLink => button("Sign in", "/auth/magic?token=example"),
        TemplateKind::PasswordReset => button("Choose a new password", "/auth/reset?token=example"),
        TemplateKind::Invitation => button("Accept the invitation", "/auth/invitation?token=example"),
        TemplateKind::AddressConfirm => button("Confirm the address", "/auth/confirm-address?token=example"),
        TemplateKind::Digest | TemplateKind::MailRefused => None,
    };
    if kind == TemplateKind::Digest {
        let entry = |t: &str, b: &str| Entry { title: t.into(), body: b.into(), url: format!("{base}/tickets") };
        l.extra = Some(Extra::Digest {
            groups: vec![
                ("Replies".into(), vec![entry("ACME-1001: new reply", "We have deployed the fix.")]),
                ("Status changes".into(), vec![entry("ACME-1002 is resolved", "Marked resolved by Avery.")]),
            ],
        });
    }
    l
}
