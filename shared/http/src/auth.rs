//! Who is asking and for which tenant. The tenant comes from the Host (or the
//! `X-Forwarded-Host` CloudFront sets); the actor from a bearer token or the `__Host-` session
//! cookie. A token is only honoured on a host of its own tenant, and cookie-authenticated
//! unsafe requests must carry the CSRF token (double submit).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use kt_app::identity::{sessions, tenancy};
use kt_app::{AppError, AppState};
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use subtle::ConstantTimeEq;

use crate::ApiError;

pub const SESSION_COOKIE: &str = "__Host-kt_session";
pub const REFRESH_COOKIE: &str = "__Host-kt_refresh";
pub const CSRF_COOKIE: &str = "__Host-kt_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The tenant whose host the request came to.
pub struct TenantHost(pub Tenant);

pub fn request_host(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-forwarded-host").or_else(|| headers.get(header::HOST)).and_then(|v| v.to_str().ok())
}

impl FromRequestParts<AppState> for TenantHost {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let host = request_host(&parts.headers).ok_or_else(ApiError::not_found)?;
        Ok(TenantHost(tenancy::resolve_host(state, host).await?))
    }
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The signed-in actor, on a host of their own tenant.
pub struct Auth {
    pub actor: Actor,
    pub tenant: Tenant,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let TenantHost(tenant) = TenantHost::from_request_parts(parts, state).await?;
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let token = match bearer {
            Some(t) => t,
            None => {
                let t = cookie(&parts.headers, SESSION_COOKIE).ok_or(AppError::Unauthenticated)?;
                if !is_safe(&parts.method) {
                    let session = state.tokens.verify(t)?.sid;
                    check_csrf(&parts.headers, &state.tokens, &session)?;
                }
                t
            }
        };
        let actor = if token.starts_with(kt_app::identity::api_keys::PREFIX) {
            let (actor, kind) = kt_app::identity::api_keys::authenticate(state, token).await?;
            if kind == kt_domain::auth::ApiKeyKind::ReadOnly && !is_safe(&parts.method) {
                return Err(ApiError::new(
                    axum::http::StatusCode::FORBIDDEN,
                    "read-only-key",
                    "This API key can only read",
                    None,
                ));
            }
            actor
        } else {
            sessions::actor_from_token(state, token).await?
        };
        if actor.tenant != tenant.id {
            // A token of another tenant is no credential here.
            return Err(AppError::Unauthenticated.into());
        }
        Ok(Auth { actor, tenant })
    }
}

/// The signed-in person when the request carries a credential that holds, else no one: for
/// what signed-out readers may also see (a public article's images). A credential that does not
/// hold (an expired session) reads as signed out rather than failing the request.
pub struct MaybeAuth(pub Option<Auth>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let presented =
            parts.headers.contains_key(header::AUTHORIZATION) || cookie(&parts.headers, SESSION_COOKIE).is_some();
        if !presented {
            return Ok(MaybeAuth(None));
        }
        Ok(MaybeAuth(Auth::from_request_parts(parts, state).await.ok()))
    }
}

/// The tenant named by the `{tenant_id}` path parameter (404 when it does not exist; whether
/// the actor may see it is the use case's question).
pub struct TenantInPath(pub Tenant);

impl FromRequestParts<AppState> for TenantInPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(params) =
            axum::extract::Path::<std::collections::HashMap<String, String>>::from_request_parts(parts, app)
                .await
                .map_err(|_| ApiError::not_found())?;
        let raw = params.get("tenant_id").ok_or_else(ApiError::not_found)?;
        let id = kt_domain::identity::TenantId::try_from(raw.to_owned()).map_err(|_| ApiError::not_found())?;
        Ok(TenantInPath(tenancy::get(app, &id).await?))
    }
}

/// The actor of a WebSocket upgrade (`$connect` on API Gateway, `/ws` locally): the session
/// cookie the browser sends with the upgrade, or a bearer token, on a host of the actor's own
/// tenant. Upgrades are GETs, so no CSRF token is involved; the `Origin` is checked instead
/// (a page of another site must not open a socket with the user's cookies).
pub async fn websocket_actor(state: &AppState, headers: &HeaderMap) -> Result<Auth, ApiError> {
    let host = request_host(headers).ok_or_else(ApiError::not_found)?;
    let tenant = tenancy::resolve_host(state, host).await?;
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        if tenancy::normalize_host(origin_host) != tenancy::normalize_host(host) {
            return Err(AppError::Unauthenticated.into());
        }
    }
    let bearer =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    let token = bearer.or_else(|| cookie(headers, SESSION_COOKIE)).ok_or(AppError::Unauthenticated)?;
    let actor = if token.starts_with(kt_app::identity::api_keys::PREFIX) {
        kt_app::identity::api_keys::authenticate(state, token).await?.0
    } else {
        sessions::actor_from_token(state, token).await?
    };
    if actor.tenant != tenant.id {
        return Err(AppError::Unauthenticated.into());
    }
    Ok(Auth { actor, tenant })
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Double submit bound to the session: the header must equal the CSRF cookie, and be the
/// session's own token (an HMAC of its id), so a pair planted from elsewhere is worthless.
pub fn check_csrf(
    headers: &HeaderMap,
    keys: &kt_app::identity::tokens::TokenKeys,
    session_id: &str,
) -> Result<(), ApiError> {
    let cookie = cookie(headers, CSRF_COOKIE);
    let header = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    match (cookie, header) {
        (Some(c), Some(h))
            if !c.is_empty() && bool::from(c.as_bytes().ct_eq(h.as_bytes())) && keys.csrf_matches(session_id, h) =>
        {
            Ok(())
        }
        _ => Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "csrf",
            "Missing or wrong CSRF token",
            Some(format!("Send the {CSRF_COOKIE} cookie's value in the X-CSRF-Token header.")),
        )),
    }
}

/// A `Set-Cookie` for a `__Host-` cookie (Secure, Path=/, no Domain).
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool) -> HeaderValue {
    let http_only = if http_only { "; HttpOnly" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; Secure; SameSite=Lax; Max-Age={max_age_secs}{http_only}"))
        .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` that removes `name`.
pub fn clear_cookie(name: &str) -> HeaderValue {
    set_cookie(name, "", 0, true)
}

/// The client's address (first hop of `X-Forwarded-For`, as API Gateway and CloudFront set it).
/// The client's address as [`crate::client::layer`] worked it out (never a header the client
/// wrote itself).
pub fn client_ip(headers: &HeaderMap) -> Option<String> {
    headers.get(crate::client::CLIENT_ADDRESS).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

pub fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Where the request came from, for throttling, sessions and the audit log.
pub fn client_info(headers: &HeaderMap) -> kt_app::identity::sessions::ClientInfo {
    kt_app::identity::sessions::ClientInfo { ip: client_ip(headers), user_agent: user_agent(headers) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_csrf() {
        let mut h = HeaderMap::new();
        let keys = kt_app::identity::tokens::TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let tok = keys.csrf_token("s1").unwrap();
        h.insert(header::COOKIE, HeaderValue::from_str(&format!("a=1; __Host-kt_csrf={tok}; b=2")).unwrap());
        assert_eq!(cookie(&h, "__Host-kt_csrf"), Some(tok.as_str()));
        assert_eq!(cookie(&h, "missing"), None);
        assert!(check_csrf(&h, &keys, "s1").is_err(), "no header");
        h.insert(CSRF_HEADER, HeaderValue::from_static("other"));
        assert!(check_csrf(&h, &keys, "s1").is_err(), "wrong header");
        h.insert(CSRF_HEADER, HeaderValue::from_str(&tok).unwrap());
        assert!(check_csrf(&h, &keys, "s1").is_ok());
        assert!(check_csrf(&h, &keys, "s2").is_err(), "a matching pair of another session");
        let mut planted = HeaderMap::new();
        planted.insert(header::COOKIE, HeaderValue::from_static("__Host-kt_csrf=tok"));
        planted.insert(CSRF_HEADER, HeaderValue::from_static("tok"));
        assert!(check_csrf(&planted, &keys, "s1").is_err(), "any matching pair is not enough");
        let c = set_cookie(SESSION_COOKIE, "v", 60, true);
        assert_eq!(c.to_str().unwrap(), "__Host-kt_session=v; Path=/; Secure; SameSite=Lax; Max-Age=60; HttpOnly");
    }
}
