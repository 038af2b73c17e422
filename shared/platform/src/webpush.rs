//! Browser push: Web Push (RFC 8030) with VAPID (RFC 8292) and payloads encrypted as
//! `aes128gcm` (RFC 8291 over RFC 8188), sent straight to the push service a browser named.
//!
//! The VAPID key is derived from a secret (a random string in Secrets Manager on AWS, a file
//! in the data directory locally), so deploying needs no key ceremony; changing the secret
//! changes the key, and browsers then subscribe again. Endpoints are only ever pushed to on an
//! allow-list of push-service hosts (the browsers' own), so a subscription cannot make the
//! portal call an address of an attacker's choice.

use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use p256::ecdsa::signature::Signer;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use sha2::Sha256;

/// A browser's subscription, as `PushSubscription.toJSON()` gives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Subscription {
    pub endpoint: String,
    /// The browser's P-256 public key, base64url (65 bytes uncompressed).
    pub p256dh: String,
    /// The browser's auth secret, base64url (16 bytes).
    pub auth: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// The push service took it.
    Accepted,
    /// The subscription is gone (404 / 410): forget it.
    Gone,
}

#[derive(Debug, thiserror::Error)]
pub enum WebPushError {
    #[error("the subscription is not usable: {0}")]
    BadSubscription(String),
    #[error("{0} is not a push service this portal sends to")]
    HostNotAllowed(String),
    #[error("the push service answered {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("push unavailable: {0}")]
    Unavailable(String),
}

/// The Web Push port.
#[async_trait]
pub trait WebPush: Send + Sync + 'static {
    /// The VAPID public key browsers subscribe with (base64url, 65 bytes uncompressed).
    fn public_key(&self) -> String;

    /// Whether pushes to `endpoint` are allowed (checked when a browser subscribes, and again
    /// before each push).
    fn allows(&self, endpoint: &str) -> Result<(), WebPushError>;

    /// Encrypts `payload` for the subscription and posts it, to be kept `ttl_secs` by the push
    /// service while the device is offline.
    async fn send(&self, sub: &Subscription, payload: &[u8], ttl_secs: u32) -> Result<Delivered, WebPushError>;
}

/// The push services of the major browsers (host suffixes).
pub const BROWSER_PUSH_HOSTS: [&str; 5] = [
    "fcm.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
    "push.api.chromium.org",
];

/// The VAPID signing key.
#[derive(Clone)]
pub struct Vapid {
    key: p256::ecdsa::SigningKey,
    /// `mailto:` or `https:` contact for push services.
    subject: String,
}

impl std::fmt::Debug for Vapid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vapid").field("public_key", &self.public_key()).field("subject", &self.subject).finish()
    }
}

impl Vapid {
    /// The key derived from `secret` (HKDF-SHA-256; the first candidate that is a valid scalar).
    pub fn from_secret(secret: &[u8], subject: &str) -> Result<Self, WebPushError> {
        if secret.len() < 16 {
            return Err(WebPushError::Unavailable("the VAPID secret is shorter than 16 bytes".into()));
        }
        let hk = hkdf::Hkdf::<Sha256>::new(Some(b"kt-portal vapid"), secret);
        for counter in 0u8..=255 {
            let mut scalar = [0u8; 32];
            hk.expand(&[b"P-256 signing key ".as_slice(), &[counter]].concat(), &mut scalar)
                .map_err(|e| WebPushError::Unavailable(e.to_string()))?;
            if let Ok(key) = p256::ecdsa::SigningKey::from_slice(&scalar) {
                return Ok(Self { key, subject: subject.to_owned() });
            }
        }
        Err(WebPushError::Unavailable("no VAPID key could be derived".into()))
    }

    pub fn public_key(&self) -> String {
        B64.encode(self.key.verifying_key().to_encoded_point(false).as_bytes())
    }

    /// The `Authorization` header for a push to `endpoint`: a JWT (ES256) for the endpoint's
    /// origin, valid 12 hours from `now_unix`.
    pub fn authorization(&self, endpoint: &url::Url, now_unix: i64) -> String {
        let audience = endpoint.origin().ascii_serialization();
        let header = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({"aud": audience, "exp": now_unix + 12 * 3600, "sub": self.subject});
        let claims = B64.encode(claims.to_string());
        let signing_input = format!("{header}.{claims}");
        let signature: p256::ecdsa::Signature = self.key.sign(signing_input.as_bytes());
        format!("vapid t={signing_input}.{}, k={}", B64.encode(signature.to_bytes()), self.public_key())
    }
}

fn decode(field: &str, raw: &str) -> Result<Vec<u8>, WebPushError> {
    let trimmed = raw.trim_end_matches('=');
    B64.decode(trimmed)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(trimmed))
        .map_err(|_| WebPushError::BadSubscription(format!("{field} is not base64url")))
}

/// Checks a subscription's keys (a P-256 point and a 16-byte secret).
pub fn check_keys(sub: &Subscription) -> Result<(), WebPushError> {
    let public = decode("p256dh", &sub.p256dh)?;
    p256::PublicKey::from_sec1_bytes(&public)
        .map_err(|_| WebPushError::BadSubscription("p256dh is not a P-256 public key".into()))?;
    if decode("auth", &sub.auth)?.len() != 16 {
        return Err(WebPushError::BadSubscription("auth is not 16 bytes".into()));
    }
    Ok(())
}

/// Records of this size; a push payload is one record (push services take at most 4096 bytes).
const RECORD_SIZE: u32 = 4096;
/// The largest payload that fits one record (4096 minus the header, tag and delimiter).
pub const MAX_PAYLOAD: usize = 3993;

/// `payload` encrypted for the subscription as an `aes128gcm` body (RFC 8291 section 3.4), with
/// a fresh key pair and salt.
pub fn encrypt(sub: &Subscription, payload: &[u8]) -> Result<Vec<u8>, WebPushError> {
    let salt: [u8; 16] = rand::random();
    let mut scalar: [u8; 32] = rand::random();
    let secret = loop {
        if let Ok(s) = p256::SecretKey::from_slice(&scalar) {
            break s;
        }
        scalar = rand::random();
    };
    encrypt_with(sub, payload, &secret, salt)
}

/// [`encrypt`] with the sender's key and salt given (tests fix them).
pub fn encrypt_with(
    sub: &Subscription,
    payload: &[u8],
    sender: &p256::SecretKey,
    salt: [u8; 16],
) -> Result<Vec<u8>, WebPushError> {
    use aes_gcm::aead::{Aead, KeyInit};
    if payload.len() > MAX_PAYLOAD {
        return Err(WebPushError::BadSubscription(format!("the payload is over {MAX_PAYLOAD} bytes")));
    }
    let ua_public_bytes = decode("p256dh", &sub.p256dh)?;
    let ua_public = p256::PublicKey::from_sec1_bytes(&ua_public_bytes)
        .map_err(|_| WebPushError::BadSubscription("p256dh is not a P-256 public key".into()))?;
    let auth = decode("auth", &sub.auth)?;
    let as_public = sender.public_key().to_encoded_point(false);
    let shared = p256::ecdh::diffie_hellman(sender.to_nonzero_scalar(), ua_public.as_affine());
    let expand = |salt: &[u8], ikm: &[u8], info: &[u8], out: &mut [u8]| {
        hkdf::Hkdf::<Sha256>::new(Some(salt), ikm)
            .expand(info, out)
            .map_err(|e| WebPushError::Unavailable(e.to_string()))
    };
    // IKM from the ECDH secret, bound to both public keys and the browser's auth secret.
    let key_info = [b"WebPush: info\0".as_slice(), &ua_public_bytes, as_public.as_bytes()].concat();
    let mut ikm = [0u8; 32];
    expand(&auth, shared.raw_secret_bytes(), &key_info, &mut ikm)?;
    let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
    expand(&salt, &ikm, b"Content-Encoding: aes128gcm\0", &mut cek)?;
    expand(&salt, &ikm, b"Content-Encoding: nonce\0", &mut nonce)?;
    // One record, the last: the payload and the delimiter 0x02.
    let mut plain = payload.to_vec();
    plain.push(2);
    let cipher = aes_gcm::Aes128Gcm::new_from_slice(&cek).map_err(|e| WebPushError::Unavailable(e.to_string()))?;
    let sealed = cipher
        .encrypt(aes_gcm::Nonce::from_slice(&nonce), plain.as_slice())
        .map_err(|e| WebPushError::Unavailable(e.to_string()))?;
    let mut body = Vec::with_capacity(86 + sealed.len());
    body.extend_from_slice(&salt);
    body.extend_from_slice(&RECORD_SIZE.to_be_bytes());
    body.push(as_public.as_bytes().len() as u8);
    body.extend_from_slice(as_public.as_bytes());
    body.extend_from_slice(&sealed);
    Ok(body)
}

/// Whether `endpoint` is an `https` URL on one of `hosts` (a host or a parent domain), or any
/// URL on one of them when it is a loopback address (local tests' push endpoint).
pub fn endpoint_allowed(endpoint: &str, hosts: &[String]) -> Result<url::Url, WebPushError> {
    let url = url::Url::parse(endpoint).map_err(|_| WebPushError::BadSubscription("endpoint is not a URL".into()))?;
    let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
    let loopback = host == "127.0.0.1" || host == "localhost" || host == "[::1]";
    let listed = hosts.iter().any(|h| host == *h || host.ends_with(&format!(".{h}")));
    if listed && (url.scheme() == "https" || (loopback && url.scheme() == "http")) {
        Ok(url)
    } else {
        Err(WebPushError::HostNotAllowed(host))
    }
}

/// Pushes over HTTPS with [`reqwest`].
pub struct HttpWebPush {
    client: reqwest::Client,
    vapid: Vapid,
    hosts: Vec<String>,
}

impl HttpWebPush {
    pub fn new(vapid: Vapid, hosts: Vec<String>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Self { client, vapid, hosts }
    }
}

#[async_trait]
impl WebPush for HttpWebPush {
    fn public_key(&self) -> String {
        self.vapid.public_key()
    }

    fn allows(&self, endpoint: &str) -> Result<(), WebPushError> {
        endpoint_allowed(endpoint, &self.hosts).map(|_| ())
    }

    async fn send(&self, sub: &Subscription, payload: &[u8], ttl_secs: u32) -> Result<Delivered, WebPushError> {
        let url = endpoint_allowed(&sub.endpoint, &self.hosts)?;
        let body = encrypt(sub, payload)?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let res = self
            .client
            .post(url.clone())
            .header("Authorization", self.vapid.authorization(&url, now))
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("TTL", ttl_secs.to_string())
            .header("Urgency", "normal")
            .body(body)
            .send()
            .await
            .map_err(|e| WebPushError::Unavailable(e.to_string()))?;
        match res.status().as_u16() {
            200..=299 => Ok(Delivered::Accepted),
            404 | 410 => Ok(Delivered::Gone),
            status => {
                let body: String = res.text().await.unwrap_or_default().chars().take(300).collect();
                Err(WebPushError::Refused { status, body })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn browser() -> (p256::SecretKey, Subscription) {
        let key = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let sub = Subscription {
            endpoint: "https://fcm.googleapis.com/fcm/send/abc".into(),
            p256dh: B64.encode(key.public_key().to_encoded_point(false).as_bytes()),
            auth: B64.encode([9u8; 16]),
        };
        (key, sub)
    }

    /// The receiving side of RFC 8291, written from the RFC, to read back what we sent.
    fn decrypt(ua: &p256::SecretKey, auth: &[u8], body: &[u8]) -> Vec<u8> {
        use aes_gcm::aead::{Aead, KeyInit};
        let (salt, rest) = body.split_at(16);
        let rs = u32::from_be_bytes(rest[..4].try_into().unwrap());
        assert_eq!(rs, 4096);
        let idlen = rest[4] as usize;
        let (as_public, sealed) = rest[5..].split_at(idlen);
        let as_key = p256::PublicKey::from_sec1_bytes(as_public).unwrap();
        let shared = p256::ecdh::diffie_hellman(ua.to_nonzero_scalar(), as_key.as_affine());
        let ua_public = ua.public_key().to_encoded_point(false);
        let info = [b"WebPush: info\0".as_slice(), ua_public.as_bytes(), as_public].concat();
        let mut ikm = [0u8; 32];
        hkdf::Hkdf::<Sha256>::new(Some(auth), shared.raw_secret_bytes()).expand(&info, &mut ikm).unwrap();
        let hk = hkdf::Hkdf::<Sha256>::new(Some(salt), &ikm);
        let (mut cek, mut nonce) = ([0u8; 16], [0u8; 12]);
        hk.expand(b"Content-Encoding: aes128gcm\0", &mut cek).unwrap();
        hk.expand(b"Content-Encoding: nonce\0", &mut nonce).unwrap();
        let plain = aes_gcm::Aes128Gcm::new_from_slice(&cek)
            .unwrap()
            .decrypt(aes_gcm::Nonce::from_slice(&nonce), sealed)
            .unwrap();
        assert_eq!(plain.last(), Some(&2), "the last record's delimiter");
        plain[..plain.len() - 1].to_vec()
    }

    #[test]
    fn payloads_round_trip_and_differ_each_time() {
        let (ua, sub) = browser();
        let a = encrypt(&sub, b"{\"title\":\"Hello\"}").unwrap();
        let b = encrypt(&sub, b"{\"title\":\"Hello\"}").unwrap();
        assert_ne!(a, b, "fresh salt and key per push");
        assert_eq!(decrypt(&ua, &[9u8; 16], &a), b"{\"title\":\"Hello\"}");
        assert!(encrypt(&sub, &vec![b'x'; MAX_PAYLOAD + 1]).is_err());
        assert_eq!(decrypt(&ua, &[9u8; 16], &encrypt(&sub, &vec![b'x'; MAX_PAYLOAD]).unwrap()).len(), MAX_PAYLOAD);
    }

    #[test]
    fn rfc_8291_example() {
        // RFC 8291 appendix A: the sender's key, the salt, the receiver's keys and the message.
        let sender =
            p256::SecretKey::from_slice(&B64.decode("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw").unwrap()).unwrap();
        let salt: [u8; 16] = B64.decode("DGv6ra1nlYgDCS1FRnbzlw").unwrap().try_into().unwrap();
        let sub = Subscription {
            endpoint: "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV".into(),
            p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4".into(),
            auth: "BTBZMqHH6r4Tts7J_aSIgg".into(),
        };
        let body = encrypt_with(&sub, b"When I grow up, I want to be a watermelon", &sender, salt).unwrap();
        assert_eq!(
            B64.encode(body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
        );
    }

    #[test]
    fn vapid_header_and_allow_list() {
        let vapid = Vapid::from_secret(b"a secret of some length", "mailto:ops@kre8ivtech.test").unwrap();
        let again = Vapid::from_secret(b"a secret of some length", "mailto:ops@kre8ivtech.test").unwrap();
        assert_eq!(vapid.public_key(), again.public_key(), "the same secret, the same key");
        assert_eq!(B64.decode(vapid.public_key()).unwrap().len(), 65);
        let url = url::Url::parse("https://fcm.googleapis.com/fcm/send/abc").unwrap();
        let header = vapid.authorization(&url, 1_800_000_000);
        let (t, k) = header.strip_prefix("vapid t=").unwrap().split_once(", k=").unwrap();
        assert_eq!(k, vapid.public_key());
        let parts: Vec<&str> = t.split('.').collect();
        let claims: serde_json::Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["exp"], 1_800_000_000 + 12 * 3600);
        use p256::ecdsa::signature::Verifier;
        let sig = p256::ecdsa::Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
        let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&B64.decode(k).unwrap()).unwrap();
        key.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig).expect("signature verifies");

        let hosts: Vec<String> = BROWSER_PUSH_HOSTS.iter().map(|h| h.to_string()).collect();
        assert!(endpoint_allowed("https://fcm.googleapis.com/fcm/send/x", &hosts).is_ok());
        assert!(endpoint_allowed("https://wns2-by3p.notify.windows.com/w/?token=x", &hosts).is_ok());
        assert!(endpoint_allowed("http://fcm.googleapis.com/x", &hosts).is_err(), "https only");
        assert!(endpoint_allowed("https://evil.test/fcm.googleapis.com", &hosts).is_err());
        assert!(endpoint_allowed("https://notfcm.googleapis.com.evil.test/", &hosts).is_err());
        assert!(endpoint_allowed("http://127.0.0.1:9/push", &hosts).is_err(), "loopback only when listed");
        let local = vec!["127.0.0.1".to_owned()];
        assert!(endpoint_allowed("http://127.0.0.1:9/push", &local).is_ok());
        let (_, sub) = browser();
        assert!(check_keys(&sub).is_ok());
        assert!(check_keys(&Subscription { auth: B64.encode([1u8; 8]), ..sub.clone() }).is_err());
        assert!(check_keys(&Subscription { p256dh: B64.encode([4u8; 65]), ..sub }).is_err());
    }
}
