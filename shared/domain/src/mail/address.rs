//! The portal's inbound addresses: `<slug>@<inbound domain>` for a tenant's new mail and
//! `<slug>+<ticket number>-<tag>@<inbound domain>` for replies to one ticket. The address names
//! the tenant (never the sender's claim); the tag, a MAC the use case computes, keeps people
//! from writing into a ticket by guessing its number.

use crate::identity::TenantSlug;

/// Characters of a reply tag (lowercase base32, no padding).
pub const TAG_LEN: usize = 10;

/// Where an inbound address points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub slug: TenantSlug,
    /// The ticket number and tag of a reply address.
    pub reply: Option<ReplyToken>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyToken {
    pub number: u64,
    pub tag: String,
}

/// The tenant address for `slug`.
pub fn tenant_address(slug: &TenantSlug, domain: &str) -> String {
    format!("{}@{}", slug.as_str(), domain.to_ascii_lowercase())
}

/// The reply address of ticket `number` with its `tag`.
pub fn reply_address(slug: &TenantSlug, number: u64, tag: &str, domain: &str) -> String {
    format!("{}+{number}-{tag}@{}", slug.as_str(), domain.to_ascii_lowercase())
}

/// Reads `address` as one of the portal's inbound addresses in `domain` (case-insensitive);
/// `None` when it is not one. A plus part that is not a well-formed token is ignored (the
/// tenant's address with a tag of the sender's own, as some people use).
pub fn route(address: &str, domain: &str) -> Option<Route> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>').to_ascii_lowercase();
    let (local, at) = address.rsplit_once('@')?;
    if at != domain.to_ascii_lowercase() {
        return None;
    }
    let (slug, plus) = match local.split_once('+') {
        Some((s, p)) => (s, Some(p)),
        None => (local, None),
    };
    let slug = TenantSlug::parse(slug).ok()?;
    let reply = plus.and_then(|p| {
        let (number, tag) = p.split_once('-')?;
        let number = number.parse::<u64>().ok().filter(|n| *n > 0)?;
        let ok = tag.len() == TAG_LEN && tag.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b));
        ok.then(|| ReplyToken { number, tag: tag.to_owned() })
    });
    Some(Route { slug, reply })
}

/// A MAC's first bytes as a tag: lowercase base32 (RFC 4648 alphabet), [`TAG_LEN`] characters.
pub fn tag_from(mac: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(TAG_LEN);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in mac {
        acc = (acc << 8) | b as u32;
        bits += 8;
        while bits >= 5 && out.len() < TAG_LEN {
            bits -= 5;
            out.push(ALPHABET[((acc >> bits) & 31) as usize] as char);
        }
        if out.len() == TAG_LEN {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(s: &str) -> TenantSlug {
        TenantSlug::parse(s).unwrap()
    }

    #[test]
    fn tenant_and_reply_addresses_round_trip() {
        let tag = tag_from(&[0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03]);
        assert_eq!(tag.len(), TAG_LEN);
        let a = reply_address(&slug("acme"), 1042, &tag, "in.portal.test");
        assert_eq!(
            route(&a, "in.portal.test"),
            Some(Route { slug: slug("acme"), reply: Some(ReplyToken { number: 1042, tag }) })
        );
        let t = tenant_address(&slug("acme"), "In.Portal.Test");
        assert_eq!(t, "acme@in.portal.test");
        assert_eq!(route("<ACME@IN.portal.test>", "in.portal.test"), Some(Route { slug: slug("acme"), reply: None }));
    }

    #[test]
    fn other_domains_and_malformed_tokens() {
        assert_eq!(route("acme@portal.test", "in.portal.test"), None);
        assert_eq!(route("acme@evil.in.portal.test", "in.portal.test"), None);
        assert_eq!(route("not an address", "in.portal.test"), None);
        // A plus part of the sender's own is not a token: the tenant's address all the same.
        assert_eq!(route("acme+sales@in.portal.test", "in.portal.test").unwrap().reply, None);
        assert_eq!(route("acme+0-aaaaaaaaaa@in.portal.test", "in.portal.test").unwrap().reply, None);
        assert_eq!(route("acme+12-short@in.portal.test", "in.portal.test").unwrap().reply, None);
    }
}
