//! A tenant's billing settings (number format, currency, tax rates, reminders, footer: its
//! issuers who are super admins or partners) and payment terms (the tenant's default and each
//! billed party's own: super admins, "Configure payment terms").

use kt_domain::identity::{Invalid, Role};
use kt_domain::invoice::NumberFormat;
use kt_domain::invoice::draft::check_tax_rate;
use kt_domain::invoice::print::{AmountStyle, DateFormat, Paper};
use kt_domain::invoice::settings::BillingSettings;
use kt_domain::invoice::terms::Terms;
use kt_domain::invoice::totals::TaxRate;
use kt_domain::money::Currency;
use kt_domain::policy::{self, Actor, Permission};
use kt_domain::tenancy::Tenant;
use kt_store::{Cond, entity, invoices};

use super::drafts::BilledRef;
use super::issues;
use crate::{AppError, AppState};

fn refuse(actor: &Actor, tenant: &Tenant) -> AppError {
    if actor.tenant == tenant.id || actor.role.is_house_staff() { AppError::Forbidden } else { AppError::NotFound }
}

/// The settings (issuers read them to draft), with their version (0: never saved).
pub async fn get(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<(BillingSettings, u64), AppError> {
    if !issues(actor, tenant) {
        return Err(refuse(actor, tenant));
    }
    let (s, v) = invoices::settings(app.store.as_ref(), &tenant.id).await?;
    Ok((s, v.unwrap_or(0)))
}

/// A tax rate as entered; `id` names one already there (kept), none adds one.
#[derive(Debug, Clone)]
pub struct TaxRateInput {
    pub id: Option<String>,
    pub name: String,
    pub percent: String,
    pub inclusive: bool,
    pub compound: bool,
}

/// A change of the settings; `None` leaves a field as it is. `terms: Some(None)` returns to
/// the platform's default terms.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    pub number_format: Option<String>,
    pub credit_note_format: Option<String>,
    pub currency: Option<String>,
    pub tax_rates: Option<Vec<TaxRateInput>>,
    pub reminders: Option<Vec<i16>>,
    pub footer: Option<String>,
    pub terms: Option<Option<Terms>>,
    pub address: Option<String>,
    pub tax_id: Option<String>,
    pub date_format: Option<DateFormat>,
    pub amount_style: Option<AmountStyle>,
    pub paper: Option<Paper>,
}

/// Saves a change of the settings under `if_match` (the version read; 0 when never saved).
pub async fn save(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    change: SettingsChange,
    if_match: Option<u64>,
) -> Result<(BillingSettings, u64), AppError> {
    if !issues(actor, tenant) || actor.role == Role::Staff {
        return Err(refuse(actor, tenant));
    }
    if change.terms.is_some() && !policy::may(actor, Permission::ConfigurePaymentTerms) {
        return Err(AppError::Forbidden);
    }
    let store = app.store.as_ref();
    let (mut s, version) = invoices::settings(store, &tenant.id).await?;
    if if_match.is_some_and(|v| v != version.unwrap_or(0)) {
        return Err(AppError::PreconditionFailed);
    }
    let mut errors: Vec<Invalid> = Vec::new();
    if let Some(f) = &change.number_format {
        match NumberFormat::parse(f) {
            Ok(f) => s.number_format = f,
            Err(e) => errors.push(e),
        }
    }
    if let Some(f) = &change.credit_note_format {
        match NumberFormat::parse(f) {
            Ok(f) => s.credit_note_format = f,
            Err(e) => errors.push(Invalid::new("credit_note_format", e.message)),
        }
    }
    if let Some(c) = &change.currency {
        match Currency::parse(c) {
            Ok(c) => s.currency = c,
            Err(e) => errors.push(e),
        }
    }
    if let Some(rates) = change.tax_rates {
        let mut out: Vec<TaxRate> = Vec::with_capacity(rates.len());
        for (i, r) in rates.into_iter().enumerate() {
            match check_tax_rate(&r.name, &r.percent) {
                Ok((name, percent)) => {
                    let id = match r.id {
                        Some(id) if s.rate(&id).is_some() => id,
                        Some(_) => {
                            errors.push(Invalid::new(
                                format!("tax_rates[{i}].id"),
                                "is not one of this tenant's tax rates",
                            ));
                            continue;
                        }
                        None => app.ids.ulid().to_string(),
                    };
                    if r.inclusive && r.compound {
                        errors.push(Invalid::new(
                            format!("tax_rates[{i}].compound"),
                            "an inclusive rate is not compound",
                        ));
                    }
                    if out.iter().any(|x| x.name.eq_ignore_ascii_case(&name)) {
                        errors.push(Invalid::new(format!("tax_rates[{i}].name"), "is used by another rate"));
                    }
                    out.push(TaxRate { id, name, percent, inclusive: r.inclusive, compound: r.compound });
                }
                Err(es) => errors
                    .extend(es.into_iter().map(|e| Invalid::new(format!("tax_rates[{i}].{}", e.field), e.message))),
            }
        }
        s.tax_rates = out;
    }
    if let Some(r) = change.reminders {
        s.reminders = r;
    }
    if let Some(f) = change.footer {
        s.footer = f.trim().to_owned();
    }
    if let Some(t) = change.terms {
        s.terms = t;
    }
    if let Some(a) = change.address {
        s.address = a.trim().lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    }
    if let Some(t) = change.tax_id {
        s.tax_id = t.trim().to_owned();
    }
    s.date_format = change.date_format.unwrap_or(s.date_format);
    s.amount_style = change.amount_style.unwrap_or(s.amount_style);
    s.paper = change.paper.unwrap_or(s.paper);
    if let Err(es) = s.check() {
        errors.extend(es);
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    let (next, cond) = match version {
        Some(v) => (v + 1, Cond::Version(v)),
        None => (1, Cond::NotExists),
    };
    match store.put(entity::item(invoices::settings_key(&tenant.id), &s, next)?, cond).await {
        Ok(()) => Ok((s, next)),
        Err(e) if e.is_conflict() => Err(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

fn party_scope(party: &BilledRef) -> String {
    use kt_domain::invoice::entity::Billed;
    match party {
        BilledRef::Org(org) => Billed::Org { org: org.clone() }.scope(),
        BilledRef::Partner(p) => Billed::Partner { tenant: p.clone() }.scope(),
    }
}

/// Sets (or with `None` removes) one billed party's own terms (super admins).
pub async fn set_party_terms(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    party: &BilledRef,
    terms: Option<Terms>,
) -> Result<(), AppError> {
    if !issues(actor, tenant) {
        return Err(refuse(actor, tenant));
    }
    if !policy::may(actor, Permission::ConfigurePaymentTerms) {
        return Err(AppError::Forbidden);
    }
    let store = app.store.as_ref();
    match party {
        BilledRef::Org(org) => {
            if kt_store::accounts::get_org(store, &tenant.id, org).await?.is_none() {
                return Err(AppError::NotFound);
            }
        }
        BilledRef::Partner(p) => {
            let t = kt_store::tenants::get(store, p).await?;
            if tenant.kind != kt_domain::tenancy::TenantKind::House
                || !t.is_some_and(|t| t.value.kind == kt_domain::tenancy::TenantKind::Partner)
            {
                return Err(AppError::NotFound);
            }
        }
    }
    let key = invoices::terms_key(&tenant.id, &party_scope(party));
    match terms {
        Some(t) => {
            t.check().map_err(AppError::from_invalid)?;
            store.put(entity::item(key, &t, 1)?, Cond::None).await?;
        }
        None => store.delete(&key, Cond::None).await?,
    }
    Ok(())
}

/// Every billed party's own terms in the tenant: (scope, terms).
pub async fn party_terms(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Vec<(String, Terms)>, AppError> {
    if !issues(actor, tenant) {
        return Err(refuse(actor, tenant));
    }
    Ok(invoices::all_party_terms(app.store.as_ref(), &tenant.id).await?)
}
