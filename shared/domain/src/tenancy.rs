//! Tenants, their branding and settings, client organizations and users: the entities of
//! PRD sections 2-4.1, with the rules that keep them valid.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::identity::{Email, Invalid, OrgId, Role, TenantId, TenantSlug, TicketPrefix, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantKind {
    /// Kre8ivTech itself, serving direct clients.
    House,
    /// A white-label agency.
    Partner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    Active,
    /// Every user of the tenant is locked out at once.
    Suspended,
}

impl TenantStatus {
    /// Every TenantStatus, in the order the API lists them.
    pub const ALL: [TenantStatus; 2] = [TenantStatus::Active, TenantStatus::Suspended];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: TenantSlug,
    pub name: String,
    pub kind: TenantKind,
    pub ticket_prefix: TicketPrefix,
    pub status: TenantStatus,
    pub settings: TenantSettings,
    pub branding: Branding,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
}

impl TenantSettings {
    /// Whether users of `role` must pass a second factor to sign in here.
    pub fn requires_second_factor(&self, role: Role) -> bool {
        self.require_2fa.contains(&role)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TenantSettings {
    /// Roles that must use a second factor to sign in.
    #[serde(default)]
    pub require_2fa: Vec<Role>,
    /// The matrix's "Optional" cells (read-only API keys for clients).
    #[serde(default)]
    pub client_api_enabled: bool,
}

/// Fonts the branding editor offers (served locally, no third-party requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Font {
    SystemUi,
    Inter,
    Roboto,
    OpenSans,
    Lato,
    Merriweather,
    SourceSerif,
}

impl Font {
    /// Every Font, in the order the API lists them.
    pub const ALL: [Font; 7] =
        [Font::SystemUi, Font::Inter, Font::Roboto, Font::OpenSans, Font::Lato, Font::Merriweather, Font::SourceSerif];
}

/// A `#rrggbb` colour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Color(String);

impl Color {
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, Invalid> {
        let s = raw.trim().to_lowercase();
        let ok = s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit());
        if ok { Ok(Self(s)) } else { Err(Invalid::new(field, "use a colour like #1d4ed8")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// sRGB relative luminance (WCAG 2.1).
    pub fn luminance(&self) -> f64 {
        let channel = |i: usize| {
            let v = u8::from_str_radix(&self.0[i..i + 2], 16).unwrap_or(0) as f64 / 255.0;
            if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    /// WCAG contrast ratio between two colours (1 to 21).
    pub fn contrast(&self, other: &Color) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

impl TryFrom<String> for Color {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Color::parse(&s, "color")
    }
}

impl From<Color> for String {
    fn from(c: Color) -> String {
        c.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    pub portal_name: String,
    /// Blob key of the uploaded logo.
    #[serde(default)]
    pub logo_key: Option<String>,
    pub primary: Color,
    pub secondary: Color,
    pub accent: Color,
    pub font: Font,
    #[serde(default)]
    pub support_email: Option<Email>,
    #[serde(default)]
    pub support_phone: Option<String>,
    #[serde(default)]
    pub terms_url: Option<String>,
    #[serde(default)]
    pub privacy_url: Option<String>,
    /// The name mail is sent under (`"Acme Support" <no-reply@...>`); the portal's name if unset.
    #[serde(default)]
    pub mail_sender_name: Option<String>,
}

impl Branding {
    /// The name the portal's mail is sent under.
    pub fn sender_name(&self) -> &str {
        self.mail_sender_name.as_deref().unwrap_or(&self.portal_name)
    }

    pub fn default_for(portal_name: &str) -> Self {
        Self {
            portal_name: portal_name.to_owned(),
            logo_key: None,
            primary: Color("#1d4ed8".into()),
            secondary: Color("#0f172a".into()),
            accent: Color("#f59e0b".into()),
            font: Font::SystemUi,
            support_email: None,
            support_phone: None,
            terms_url: None,
            privacy_url: None,
            mail_sender_name: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: OrgId,
    pub tenant: TenantId,
    pub name: String,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Invited; becomes active when the invitation is accepted.
    Invited,
    Active,
    Disabled,
}

impl UserStatus {
    /// Every UserStatus, in the order the API lists them.
    pub const ALL: [UserStatus; 3] = [UserStatus::Invited, UserStatus::Active, UserStatus::Disabled];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub tenant: TenantId,
    pub email: Email,
    pub name: String,
    pub role: Role,
    pub status: UserStatus,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
    /// Counts the changes to what the user may do (role, status, organization memberships).
    /// Access tokens carry the count they were issued at; one issued before a change no longer
    /// works, so the change takes effect on the next request (the client refreshes its token).
    #[serde(default)]
    pub grants: u32,
}

/// A display name: 1-120 characters after trimming, no control characters.
pub fn parse_name(raw: &str, field: &'static str) -> Result<String, Invalid> {
    let s = raw.trim();
    if s.is_empty() || s.chars().count() > 120 || s.chars().any(char::is_control) {
        return Err(Invalid::new(field, "use 1 to 120 characters"));
    }
    Ok(s.to_owned())
}

/// Which roles a tenant of `kind` can hold: the house has staff and direct clients, a partner
/// has partners, partner staff and their clients.
pub fn role_fits_tenant(role: Role, kind: TenantKind) -> bool {
    match kind {
        TenantKind::House => matches!(role, Role::SuperAdmin | Role::Staff | Role::Client),
        TenantKind::Partner => matches!(role, Role::Partner | Role::PartnerStaff | Role::Client),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_contrast() {
        let white = Color::parse("#FFFFFF", "c").unwrap();
        let black = Color::parse("#000000", "c").unwrap();
        assert_eq!(white.as_str(), "#ffffff");
        assert!((white.contrast(&black) - 21.0).abs() < 0.01);
        assert!(Color::parse("blue", "c").is_err());
        assert!(Color::parse("#12345g", "c").is_err());
    }

    #[test]
    fn roles_fit_their_tenants() {
        assert!(role_fits_tenant(Role::Staff, TenantKind::House));
        assert!(!role_fits_tenant(Role::Staff, TenantKind::Partner));
        assert!(role_fits_tenant(Role::Client, TenantKind::Partner));
        assert!(!role_fits_tenant(Role::Partner, TenantKind::House));
    }

    #[test]
    fn names() {
        assert_eq!(parse_name("  Acme Agency ", "name").unwrap(), "Acme Agency");
        assert!(parse_name("   ", "name").is_err());
        assert!(parse_name("a\u{0007}b", "name").is_err());
    }
}
