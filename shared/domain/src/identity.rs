//! Who is who: tenants, organizations, users and roles, as newtypes that are valid once held
//! (parse, don't validate).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A rule broken by an input; `field` names the input, `message` says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// The field at fault: a name, or a path into a list (`lines[2].quantity`).
    pub field: std::borrow::Cow<'static, str>,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<std::borrow::Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn new(id: ulid::Ulid) -> Self {
                Self(id.to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = Invalid;

            fn try_from(s: String) -> Result<Self, Invalid> {
                ulid::Ulid::from_string(&s)
                    .map(|u| Self(u.to_string()))
                    .map_err(|_| Invalid::new("id", format!("{s:?} is not an id")))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

ulid_id!(
    /// A tenant: the house (Kre8ivTech) or a partner agency.
    TenantId
);
ulid_id!(
    /// A client organization inside a tenant.
    OrgId
);
ulid_id!(
    /// A person who signs in.
    UserId
);
ulid_id!(
    /// A ticket (its number is per tenant; the id is global).
    TicketId
);

/// The five roles of PRD 3.1, in the matrix's column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SuperAdmin,
    Staff,
    Partner,
    PartnerStaff,
    Client,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::SuperAdmin, Role::Staff, Role::Partner, Role::PartnerStaff, Role::Client];

    /// Column of this role in the permission matrix.
    pub fn column(self) -> usize {
        match self {
            Role::SuperAdmin => 0,
            Role::Staff => 1,
            Role::Partner => 2,
            Role::PartnerStaff => 3,
            Role::Client => 4,
        }
    }

    /// The role's name in the API (`super_admin`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::SuperAdmin => "super_admin",
            Role::Staff => "staff",
            Role::Partner => "partner",
            Role::PartnerStaff => "partner_staff",
            Role::Client => "client",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }

    /// Kre8ivTech's own people, who work across tenants.
    pub fn is_house_staff(self) -> bool {
        matches!(self, Role::SuperAdmin | Role::Staff)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::SuperAdmin => "Super Admin",
            Role::Staff => "Staff",
            Role::Partner => "Partner",
            Role::PartnerStaff => "Partner Staff",
            Role::Client => "Client",
        }
    }
}

/// A lower-cased email address with one `@`, a non-empty local part and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_lowercase();
        let bad = || Invalid::new("email", "is not an email address");
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        let ok = !local.is_empty()
            && local.len() <= 64
            && s.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !s.chars().any(|c| c.is_whitespace() || c.is_control() || "<>(),;:\"[]\\".contains(c))
            && !domain.contains('@');
        if ok { Ok(Self(s)) } else { Err(bad()) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }
}

impl TryFrom<String> for Email {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Email::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Subdomain of a tenant: 2-40 of `a-z 0-9 -`, starting with a letter, not ending with `-`,
/// and not a name the platform keeps for itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TenantSlug(String);

const RESERVED_SLUGS: [&str; 14] = [
    "www", "api", "app", "admin", "portal", "mail", "static", "assets", "ws", "dev", "docs", "status", "help",
    "support",
];

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_lowercase();
        let shape = (2..=40).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.ends_with('-')
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !shape {
            return Err(Invalid::new(
                "slug",
                "use 2 to 40 lower-case letters, digits and dashes, starting with a letter",
            ));
        }
        if RESERVED_SLUGS.contains(&s.as_str()) {
            return Err(Invalid::new("slug", format!("{s:?} is reserved")));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TenantSlug {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        TenantSlug::parse(&s)
    }
}

impl From<TenantSlug> for String {
    fn from(s: TenantSlug) -> String {
        s.0
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The prefix of a tenant's ticket numbers (`KT` in `KT-1001`): 2-8 upper-case letters/digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TicketPrefix(String);

impl TicketPrefix {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_uppercase();
        let ok = (2..=8).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        if ok {
            Ok(Self(s))
        } else {
            Err(Invalid::new("ticket_prefix", "use 2 to 8 letters or digits, starting with a letter"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TicketPrefix {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        TicketPrefix::parse(&s)
    }
}

impl From<TicketPrefix> for String {
    fn from(p: TicketPrefix) -> String {
        p.0
    }
}

/// A phone number in E.164 form (`+15551234567`), for SMS codes. Spaces, dots, dashes and
/// brackets are accepted on input and dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
        let digits = s.strip_prefix('+').unwrap_or("");
        let ok =
            (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0');
        if ok { Ok(Self(s)) } else { Err(Invalid::new("phone", "use the international form, like +15551234567")) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The last two digits, for showing which phone a code went to.
    pub fn hint(&self) -> String {
        format!("\u{2022}\u{2022}\u{2022}\u{2022}{}", &self.0[self.0.len() - 2..])
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        PhoneNumber::parse(&s)
    }
}

impl From<PhoneNumber> for String {
    fn from(p: PhoneNumber) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn phone_numbers() {
        assert_eq!(PhoneNumber::parse(" +1 (555) 123-4567 ").unwrap().as_str(), "+15551234567");
        assert_eq!(PhoneNumber::parse("+447700900123").unwrap().hint(), "\u{2022}\u{2022}\u{2022}\u{2022}23");
        for bad in ["5551234567", "+0555123456", "+1555", "+1555123456789012", "+1555abc4567", ""] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse("  Dana@Client.Test ").unwrap().as_str(), "dana@client.test");
        for bad in
            ["", "dana", "@x.test", "dana@", "dana@test", "da na@x.test", "a@b@c.test", "dana@.test", "dana@x..test"]
        {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn slugs_and_prefixes() {
        assert_eq!(TenantSlug::parse("Acme-2").unwrap().as_str(), "acme-2");
        for bad in ["a", "2acme", "acme-", "ac me", "api", "x".repeat(41).as_str()] {
            assert!(TenantSlug::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(TicketPrefix::parse("acme").unwrap().as_str(), "ACME");
        assert!(TicketPrefix::parse("A").is_err());
        assert!(TicketPrefix::parse("1ACME").is_err());
    }

    proptest! {
        #[test]
        fn parsed_slugs_round_trip(s in "[a-z][a-z0-9-]{0,38}[a-z0-9]") {
            if let Ok(slug) = TenantSlug::parse(&s) {
                prop_assert_eq!(TenantSlug::parse(slug.as_str()).unwrap(), slug);
            }
        }

        #[test]
        fn ids_round_trip_through_json(n in any::<u128>()) {
            let id = UserId::new(ulid::Ulid(n));
            let json = serde_json::to_string(&id).unwrap();
            prop_assert_eq!(serde_json::from_str::<UserId>(&json).unwrap(), id);
        }
    }
}
