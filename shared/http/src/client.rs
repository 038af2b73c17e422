//! The client's address, as the platform saw it: the one that throttles sign-ins and is written
//! to sessions and the audit log. On Lambda it is API Gateway's `sourceIp` (which, behind
//! CloudFront, is the viewer's address CloudFront appended to `X-Forwarded-For`); locally the
//! socket's peer. `X-Forwarded-For` is read only when the peer is a configured trusted proxy
//! (`PORTAL_TRUSTED_PROXIES`), from the right, skipping trusted hops: the entries on its left
//! are whatever the client wrote.
//!
//! [`layer`] works it out once per request and hands it on in [`CLIENT_ADDRESS`] (any value a
//! client sent in that header is dropped first); [`crate::auth::client_info`] reads it.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;

/// The internal header carrying the address [`layer`] worked out.
pub const CLIENT_ADDRESS: &str = "x-kt-client-address";

/// Networks whose requests may tell the client's address in `X-Forwarded-For`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    fn contains(&self, ip: IpAddr) -> bool {
        match (self.base, canonical(ip)) {
            (IpAddr::V4(b), IpAddr::V4(a)) => {
                masked(u32::from(b).into(), self.prefix, 32) == masked(u32::from(a).into(), self.prefix, 32)
            }
            (IpAddr::V6(b), IpAddr::V6(a)) => {
                masked(u128::from(b), self.prefix, 128) == masked(u128::from(a), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8, width: u8) -> u128 {
    if prefix == 0 { 0 } else { bits >> (width - prefix) }
}

/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, as a dual-stack socket reports them) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

impl FromStr for TrustedProxies {
    type Err = String;

    /// Comma-separated addresses or CIDR networks: `10.0.0.0/8, 127.0.0.1, ::1`.
    fn from_str(s: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (ip, prefix) = match part.split_once('/') {
                Some((ip, p)) => (ip, Some(p)),
                None => (part, None),
            };
            let base = canonical(IpAddr::from_str(ip).map_err(|_| format!("'{part}' is not an address or network"))?);
            let width = if base.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                Some(p) => {
                    p.parse::<u8>().ok().filter(|p| *p <= width).ok_or_else(|| format!("'{part}': bad prefix"))?
                }
                None => width,
            };
            nets.push(Network { base, prefix });
        }
        Ok(Self(nets))
    }
}

impl TrustedProxies {
    /// `PORTAL_TRUSTED_PROXIES`, none when unset.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var("PORTAL_TRUSTED_PROXIES") {
            Ok(v) => v.parse().map_err(|e| format!("PORTAL_TRUSTED_PROXIES: {e}")),
            Err(_) => Ok(Self::default()),
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client behind `peer`: `peer` itself unless it is trusted; then the rightmost
    /// `X-Forwarded-For` entry that is not a trusted proxy (an unreadable entry stops the walk
    /// at the last trusted hop, which is then the best known address).
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let mut client = canonical(peer);
        if !self.contains(client) {
            return client;
        }
        for entry in forwarded_for.unwrap_or_default().rsplit(',').map(str::trim) {
            let Some(ip) = parse_entry(entry) else { return client };
            client = ip;
            if !self.contains(ip) {
                return ip;
            }
        }
        client
    }
}

/// An `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = IpAddr::from_str(entry) {
        return Some(canonical(ip));
    }
    SocketAddr::from_str(entry).ok().map(|s| canonical(s.ip()))
}

/// The address of whoever connected: API Gateway's source IP on Lambda, the socket's peer on
/// the local host.
fn peer(req: &Request) -> Option<IpAddr> {
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
        return Some(addr.ip());
    }
    match req.extensions().get::<lambda_http::request::RequestContext>() {
        Some(lambda_http::request::RequestContext::ApiGatewayV2(ctx)) => {
            ctx.http.source_ip.as_deref().and_then(|ip| IpAddr::from_str(ip).ok())
        }
        Some(lambda_http::request::RequestContext::WebSocket(ctx)) => {
            ctx.identity.source_ip.as_deref().and_then(|ip| IpAddr::from_str(ip).ok())
        }
        _ => None,
    }
}

async fn resolve(State(trusted): State<Arc<TrustedProxies>>, mut req: Request, next: Next) -> Response {
    let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let client = peer(&req).map(|p| trusted.client(p, forwarded.as_deref()));
    let headers = req.headers_mut();
    headers.remove(CLIENT_ADDRESS);
    if let Some(ip) = client.and_then(|ip| HeaderValue::from_str(&ip.to_string()).ok()) {
        headers.insert(CLIENT_ADDRESS, ip);
    }
    next.run(req).await
}

/// `router` with the client's address worked out for every request, and a method a route does
/// not take answered as problem+json.
pub fn layer(router: Router, trusted: TrustedProxies) -> Router {
    router
        .layer(middleware::map_response(crate::problem::method_not_allowed))
        .layer(middleware::from_fn_with_state(Arc::new(trusted), resolve))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("198.51.100.7"), Some("203.0.113.9")), ip("198.51.100.7"));
        assert_eq!(none.client(ip("198.51.100.7"), None), ip("198.51.100.7"));
        let some: TrustedProxies = "10.0.0.0/8".parse().expect("parse");
        assert_eq!(some.client(ip("198.51.100.7"), Some("203.0.113.9")), ip("198.51.100.7"), "not a trusted proxy");
    }

    #[test]
    fn a_trusted_proxy_is_read_from_the_right_skipping_trusted_hops() {
        let trusted: TrustedProxies = "10.0.0.0/8, 192.0.2.1".parse().expect("parse");
        // The client wrote "6.6.6.6"; the first proxy appended the real address, the second the first.
        let xff = "6.6.6.6, 203.0.113.9, 10.1.2.3";
        assert_eq!(trusted.client(ip("192.0.2.1"), Some(xff)), ip("203.0.113.9"));
        assert_eq!(trusted.client(ip("10.9.9.9"), Some("203.0.113.9:4711")), ip("203.0.113.9"), "with a port");
        assert_eq!(trusted.client(ip("10.9.9.9"), Some("[2001:db8::5]:443")), ip("2001:db8::5"));
        assert_eq!(trusted.client(ip("10.9.9.9"), None), ip("10.9.9.9"), "nothing forwarded: the proxy itself");
        assert_eq!(trusted.client(ip("10.9.9.9"), Some("10.1.1.1")), ip("10.1.1.1"), "only trusted hops");
        assert_eq!(trusted.client(ip("10.9.9.9"), Some("garbage, 10.1.1.1")), ip("10.1.1.1"), "stops at garbage");
        assert_eq!(trusted.client(ip("::ffff:10.9.9.9"), Some("203.0.113.9")), ip("203.0.113.9"), "mapped IPv4");
    }

    #[test]
    fn networks_parse_or_say_what_is_wrong() {
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
        let v6: TrustedProxies = "2001:db8::/32".parse().expect("v6");
        assert!(v6.contains(ip("2001:db8:1::1")) && !v6.contains(ip("2001:db9::1")));
        let all: TrustedProxies = "0.0.0.0/0".parse().expect("all");
        assert!(all.contains(ip("8.8.8.8")) && !all.contains(ip("::2")));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().unwrap_err().contains("prefix"));
        assert!("cloudfront".parse::<TrustedProxies>().unwrap_err().contains("cloudfront"));
    }
}
