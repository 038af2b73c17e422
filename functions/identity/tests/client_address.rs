//! The client's address is the one the platform saw: the socket's peer locally, API Gateway's
//! source IP on Lambda, `X-Forwarded-For` only from a trusted proxy and read from the right. A
//! client rotating `X-Forwarded-For` is still throttled per address, and what sessions and the
//! audit log record cannot be forged.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kt_app::identity::throttle::FREE_IP_FAILURES;
use kt_app::wiring::{Settings, wire};
use kt_http::client::TrustedProxies;
use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequestContext;
use lambda_http::request::RequestContext;
use serde_json::{Value, json};
use tower::ServiceExt;

const ACME: &str = "acme.localhost:3000";

/// How a request reaches the portal.
#[derive(Clone, Copy)]
enum Via {
    /// A TCP peer of the local host.
    Peer([u8; 4]),
    /// API Gateway on Lambda, with the source IP it saw.
    Gateway([u8; 4]),
}

struct Portal {
    _dir: tempfile::TempDir,
    router: Router,
}

async fn portal(trusted: &str) -> Portal {
    let dir = tempfile::tempdir().expect("tmp");
    let state = wire(&Settings::local(dir.path())).await.expect("wire").state;
    kt_app::seed::demo(&state).await.expect("seed");
    let (router, _) = kt_fn_identity::router().split_for_parts();
    let trusted: TrustedProxies = trusted.parse().expect("networks");
    Portal { _dir: dir, router: kt_http::client::layer(router.with_state(state), trusted) }
}

impl Portal {
    async fn call(
        &self,
        method: &str,
        path: &str,
        via: Via,
        headers: &[(&str, &str)],
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req =
            Request::builder().method(method).uri(path).header(header::HOST, ACME).header("x-requested-with", "t");
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let mut req = req.body(body.map(|b| Body::from(b.to_string())).unwrap_or_default()).expect("request");
        match via {
            Via::Peer(ip) => {
                req.extensions_mut().insert(ConnectInfo(SocketAddr::from((ip, 50_000))));
            }
            Via::Gateway(ip) => {
                let mut ctx = ApiGatewayV2httpRequestContext::default();
                ctx.http.source_ip = Some(std::net::Ipv4Addr::from(ip).to_string());
                req.extensions_mut().insert(RequestContext::ApiGatewayV2(ctx));
            }
        }
        let res = self.router.clone().oneshot(req).await.expect("response");
        let status = res.status();
        let cookies: Vec<String> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
            .collect();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let mut body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !cookies.is_empty() {
            body["__cookies"] = json!(cookies.join("; "));
        }
        (status, body)
    }

    async fn sign_in(&self, via: Via, forwarded: Option<&str>, email: &str, password: &str) -> (StatusCode, Value) {
        let mut headers = vec![("user-agent", "Probe/1.0")];
        if let Some(f) = forwarded {
            headers.push(("x-forwarded-for", f));
        }
        self.call("POST", "/api/v1/auth/sign-in", via, &headers, Some(json!({"email": email, "password": password})))
            .await
    }

    /// Fails `n` sign-ins from `via`, each for another account and with another forwarded address.
    async fn fail_many(&self, via: Via, n: u32) {
        for i in 0..n {
            let forged = format!("198.18.{}.{}", i / 250, i % 250 + 1);
            let (status, body) = self.sign_in(via, Some(&forged), &format!("nobody{i}@example.com"), "wrong").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}: {body}");
        }
    }

    /// The address the audit log recorded for the latest failed sign-in, as Pat reads it.
    async fn last_failure_ip(&self) -> Value {
        let (_, signed) =
            self.sign_in(Via::Peer([127, 0, 0, 1]), None, "pat@acme-agency.test", "Acme-Demo-Partner-2026").await;
        let cookie = signed["__cookies"].as_str().expect("cookies").to_owned();
        let (_, me) = self.call("GET", "/api/v1/me", Via::Peer([127, 0, 0, 1]), &[("cookie", &cookie)], None).await;
        let tenant = me["user"]["tenant"].as_str().expect("tenant").to_owned();
        let path = format!("/api/v1/tenants/{tenant}/audit?action=auth.sign_in_failed");
        let (status, log) = self.call("GET", &path, Via::Peer([127, 0, 0, 1]), &[("cookie", &cookie)], None).await;
        assert_eq!(status, StatusCode::OK, "{log}");
        log["items"][0]["ip"].clone()
    }
}

#[tokio::test]
async fn rotating_x_forwarded_for_does_not_escape_the_per_address_throttle() {
    let p = portal("").await;
    let attacker = Via::Peer([198, 51, 100, 7]);
    p.fail_many(attacker, FREE_IP_FAILURES).await;
    let (status, body) = p.sign_in(attacker, Some("203.0.113.250"), "someone-else@example.com", "wrong").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // Someone else, from another address, is not held up.
    let (status, body) =
        p.sign_in(Via::Peer([192, 0, 2, 44]), None, "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(p.last_failure_ip().await, "198.51.100.7", "the audit log has the peer, not the forged header");
}

#[tokio::test]
async fn without_any_forwarded_header_the_peer_is_throttled() {
    let p = portal("").await;
    let attacker = Via::Peer([198, 51, 100, 8]);
    for i in 0..FREE_IP_FAILURES {
        let (status, _) = p.sign_in(attacker, None, &format!("nobody{i}@example.com"), "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = p.sign_in(attacker, None, "last@example.com", "wrong").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_its_own_address() {
    let p = portal("10.0.0.0/8").await;
    let proxy = Via::Peer([10, 0, 0, 1]);
    // The proxy appends the address it saw; what the client wrote stays on the left.
    for i in 0..FREE_IP_FAILURES {
        let (status, _) = p
            .sign_in(proxy, Some(&format!("6.6.6.{i}, 203.0.113.9")), &format!("nobody{i}@example.com"), "wrong")
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = p.sign_in(proxy, Some("7.7.7.7, 203.0.113.9"), "x@example.com", "wrong").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "203.0.113.9 is throttled whatever it writes");
    let (status, body) = p.sign_in(proxy, Some("203.0.113.10"), "dana@globex.test", "Globex-Demo-Client-2026").await;
    assert_eq!(status, StatusCode::OK, "another client behind the same proxy: {body}");
    assert_eq!(p.last_failure_ip().await, "203.0.113.9");
}

#[tokio::test]
async fn on_lambda_the_gateway_source_ip_is_the_client() {
    let p = portal("").await;
    let gateway = Via::Gateway([203, 0, 113, 77]);
    p.fail_many(gateway, FREE_IP_FAILURES).await;
    let (status, _) = p.sign_in(gateway, Some("9.9.9.9"), "again@example.com", "wrong").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(p.last_failure_ip().await, "203.0.113.77");
    // A client cannot hand the portal an address through the internal header either.
    let headers = [("x-kt-client-address", "192.0.2.200")];
    let (status, _) = p
        .call(
            "POST",
            "/api/v1/auth/sign-in",
            gateway,
            &headers,
            Some(json!({"email": "z@example.com", "password": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "still 203.0.113.77");
}

#[tokio::test]
async fn link_requests_slow_down_the_requester_not_the_address_asked_for() {
    let p = portal("").await;
    let stranger = Via::Peer([198, 51, 100, 9]);
    let ask =
        |via: Via| p.call("POST", "/api/v1/auth/magic-link", via, &[], Some(json!({"email": "dana@globex.test"})));
    for _ in 0..FREE_IP_FAILURES {
        assert_eq!(ask(stranger).await.0, StatusCode::ACCEPTED);
    }
    assert_eq!(ask(stranger).await.0, StatusCode::TOO_MANY_REQUESTS, "the stranger's address is slowed down");
    assert_eq!(ask(Via::Peer([192, 0, 2, 45])).await.0, StatusCode::ACCEPTED, "Dana is not");
}
