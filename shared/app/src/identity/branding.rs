//! Per-tenant branding (PRD 4.9, the basics): portal name, colours checked for WCAG AA
//! contrast, a curated font, support contact, legal links, and a logo uploaded through Blobs.

use std::time::Duration;

use kt_domain::identity::{Email, Invalid};
use kt_domain::policy::{Actor, Permission};
use kt_domain::tenancy::{Branding, Color, Font, Tenant, parse_name};
use kt_platform::{PresignedUpload, UploadSpec};
use kt_store::{Cond, TxOp, tenants};

use super::accounts::require;
use super::sessions::ClientInfo;
use super::{audit, tenancy};
use crate::{AppError, AppState};

pub const LOGO_MAX_BYTES: u64 = 1024 * 1024;
/// Raster formats only: an SVG logo could carry script.
pub const LOGO_TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];
/// Minimum contrast of white text on the primary colour (WCAG 2.1 AA, normal text).
pub const MIN_CONTRAST: f64 = 4.5;

#[derive(Debug, Clone)]
pub struct BrandingInput {
    pub portal_name: String,
    pub primary: String,
    pub secondary: String,
    pub accent: String,
    pub font: Font,
    pub support_email: Option<String>,
    pub support_phone: Option<String>,
    pub terms_url: Option<String>,
    pub privacy_url: Option<String>,
    /// The name mail is sent under (empty: the portal's name).
    pub mail_sender_name: Option<String>,
}

fn url(field: &'static str, raw: &Option<String>, errors: &mut Vec<Invalid>) -> Option<String> {
    let v = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    let ok = v.len() <= 2048
        && (v.starts_with("https://") || v.starts_with("http://localhost"))
        && !v.contains(char::is_whitespace);
    if ok {
        Some(v.to_owned())
    } else {
        errors.push(Invalid::new(field, "use an https:// address"));
        None
    }
}

/// Checks every field at once and builds the new branding (keeping the current logo).
pub fn parse(input: &BrandingInput, current: &Branding) -> Result<Branding, AppError> {
    let mut errors = Vec::new();
    let name = parse_name(&input.portal_name, "portal_name").map_err(|e| errors.push(e)).ok();
    let primary = Color::parse(&input.primary, "primary").map_err(|e| errors.push(e)).ok();
    let secondary = Color::parse(&input.secondary, "secondary").map_err(|e| errors.push(e)).ok();
    let accent = Color::parse(&input.accent, "accent").map_err(|e| errors.push(e)).ok();
    let white = Color::parse("#ffffff", "white").map_err(|e| errors.push(e)).ok();
    for (field, color) in [("primary", &primary), ("secondary", &secondary)] {
        if let (Some(c), Some(w)) = (color, &white) {
            let ratio = c.contrast(w);
            if ratio < MIN_CONTRAST {
                errors.push(Invalid::new(
                    field,
                    format!("white text on it has a contrast of {ratio:.1}:1; WCAG AA needs {MIN_CONTRAST}:1"),
                ));
            }
        }
    }
    let support_email = match input.support_email.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(e) => {
            Email::parse(e).map_err(|_| errors.push(Invalid::new("support_email", "is not an email address"))).ok()
        }
        None => None,
    };
    let support_phone = input.support_phone.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    if support_phone
        .as_ref()
        .is_some_and(|p| p.len() > 32 || !p.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c)))
    {
        errors.push(Invalid::new("support_phone", "use digits, spaces and + - ( ) ."));
    }
    let terms_url = url("terms_url", &input.terms_url, &mut errors);
    let privacy_url = url("privacy_url", &input.privacy_url, &mut errors);
    let mail_sender_name = match input.mail_sender_name.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // Quotes and angle brackets would need escaping in a From header: keep names plain.
        Some(n) if n.contains(['"', '<', '>', '\\']) => {
            errors.push(Invalid::new("mail_sender_name", "use a name without quotes or angle brackets"));
            None
        }
        Some(n) => parse_name(n, "mail_sender_name").map_err(|e| errors.push(e)).ok(),
        None => None,
    };
    match (name, primary, secondary, accent, errors.is_empty()) {
        (Some(portal_name), Some(primary), Some(secondary), Some(accent), true) => Ok(Branding {
            portal_name,
            logo_key: current.logo_key.clone(),
            primary,
            secondary,
            accent,
            font: input.font,
            support_email,
            support_phone,
            terms_url,
            privacy_url,
            mail_sender_name,
        }),
        _ => Err(AppError::from_invalid(errors)),
    }
}

async fn save(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    branding: Branding,
    action: &str,
    client: &ClientInfo,
) -> Result<Tenant, AppError> {
    let store = app.store.as_ref();
    let current = tenants::get(store, &tenant.id).await?.ok_or(AppError::NotFound)?;
    let mut updated = current.value;
    updated.branding = branding;
    let e = audit::entry(app, &tenant.id, Some(&actor.user), action, Some(tenant.id.to_string()), client);
    let put = TxOp::Put { item: tenants::item(&updated, current.version + 1)?, cond: Cond::Version(current.version) };
    store.transact(vec![put, audit::op(&e)?]).await?;
    app.tenant_cache.invalidate(&tenant.id);
    Ok(updated)
}

pub async fn update(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    input: &BrandingInput,
    client: &ClientInfo,
) -> Result<Tenant, AppError> {
    require(Some(actor), Permission::ConfigureBranding, tenant)?;
    let branding = parse(input, &tenant.branding)?;
    save(app, actor, tenant, branding, "tenant.branding_changed", client).await
}

fn logo_key(tenant: &Tenant, upload_id: &str) -> String {
    format!("tenants/{}/branding/logo-{upload_id}", tenant.id)
}

/// A presigned upload for a new logo; confirm it with [`confirm_logo`].
pub async fn start_logo_upload(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    content_type: &str,
    size: u64,
) -> Result<(String, PresignedUpload), AppError> {
    require(Some(actor), Permission::ConfigureBranding, tenant)?;
    let mut errors = Vec::new();
    if !LOGO_TYPES.contains(&content_type) {
        errors.push(Invalid::new("content_type", format!("use one of {}", LOGO_TYPES.join(", "))));
    }
    if size == 0 || size > LOGO_MAX_BYTES {
        errors.push(Invalid::new("size", format!("a logo is 1 byte to {} KiB", LOGO_MAX_BYTES / 1024)));
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    let upload_id = app.ids.ulid().to_string().to_lowercase();
    let spec = UploadSpec {
        key: logo_key(tenant, &upload_id),
        content_type: content_type.to_owned(),
        size,
        max_size: LOGO_MAX_BYTES,
        expires_in: Duration::from_secs(600),
    };
    Ok((upload_id, app.blobs.presign_upload(&spec).await?))
}

/// Makes an uploaded logo the tenant's, after checking what was stored.
pub async fn confirm_logo(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    upload_id: &str,
    client: &ClientInfo,
) -> Result<Tenant, AppError> {
    require(Some(actor), Permission::ConfigureBranding, tenant)?;
    if upload_id.is_empty() || !upload_id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(AppError::invalid("upload_id", "is not an upload of this tenant"));
    }
    let key = logo_key(tenant, upload_id);
    let meta = app.blobs.head(&key).await?.ok_or_else(|| AppError::invalid("upload_id", "nothing was uploaded"))?;
    let type_ok = meta.content_type.as_deref().is_some_and(|t| LOGO_TYPES.contains(&t));
    if meta.size > LOGO_MAX_BYTES || !type_ok {
        app.blobs.delete(&key).await?;
        return Err(AppError::invalid("upload_id", "the upload is not an accepted logo"));
    }
    let mut branding = tenant.branding.clone();
    branding.logo_key = Some(key);
    save(app, actor, tenant, branding, "tenant.logo_changed", client).await
}

/// The tenant's logo bytes, for the public logo route.
pub async fn logo(app: &AppState, host_tenant: &Tenant) -> Result<kt_platform::Blob, AppError> {
    let key = host_tenant.branding.logo_key.as_deref().ok_or(AppError::NotFound)?;
    app.blobs.get(key).await?.ok_or(AppError::NotFound)
}

/// The current tenant record (for routes that just changed it).
pub async fn current(app: &AppState, tenant: &Tenant) -> Result<Tenant, AppError> {
    tenancy::get(app, &tenant.id).await
}
