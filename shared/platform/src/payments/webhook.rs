//! Stripe webhook signatures: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`, where each
//! `v1` is HMAC-SHA256 of `<t>.<raw body>` under the endpoint's signing secret. A delivery is
//! accepted when one `v1` matches (compared in constant time) and `t` is within the tolerance
//! of now, either way; anything else is refused before the body is read as JSON.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Stripe's default: five minutes.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing or malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &str, timestamp: i64, payload: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any size");
    m.update(timestamp.to_string().as_bytes());
    m.update(b".");
    m.update(payload);
    m
}

/// The header value Stripe would send for `payload` at `timestamp` (for the local payments
/// adapter and tests).
pub fn sign(secret: &str, timestamp: i64, payload: &[u8]) -> String {
    format!("t={timestamp},v1={}", hex::encode(mac(secret, timestamp, payload).finalize().into_bytes()))
}

/// Checks `header` against `payload` at `now` (Unix seconds).
pub fn verify(secret: &str, header: &str, payload: &[u8], now: i64, tolerance_secs: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or(SignatureError::Malformed)?;
        match k {
            "t" => timestamp = Some(v.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            "v1" => signatures.push(hex::decode(v).map_err(|_| SignatureError::Malformed)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > tolerance_secs {
        return Err(SignatureError::Stale);
    }
    let expected = mac(secret, timestamp, payload).finalize().into_bytes();
    if signatures.iter().any(|s| s.len() == expected.len() && bool::from(s.as_slice().ct_eq(expected.as_slice()))) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn a_signed_delivery_passes_and_every_tampering_fails() {
        let now = 1_767_225_600;
        let header = sign(SECRET, now, BODY);
        assert_eq!(verify(SECRET, &header, BODY, now + 10, TOLERANCE_SECS), Ok(()));
        // Rotated secrets: Stripe sends a v1 per secret; one match is enough.
        let both = format!("{},v1={}", sign("whsec_old", now, BODY), header.split("v1=").nth(1).expect("v1"));
        assert_eq!(verify(SECRET, &both, BODY, now, TOLERANCE_SECS), Ok(()));
        assert_eq!(verify(SECRET, &header, b"{}", now, TOLERANCE_SECS), Err(SignatureError::Mismatch));
        assert_eq!(verify("whsec_other", &header, BODY, now, TOLERANCE_SECS), Err(SignatureError::Mismatch));
        assert_eq!(verify(SECRET, &header, BODY, now + 301, TOLERANCE_SECS), Err(SignatureError::Stale));
        assert_eq!(verify(SECRET, &header, BODY, now - 301, TOLERANCE_SECS), Err(SignatureError::Stale));
        for bad in ["", "t=abc,v1=00", "v1=00", &format!("t={now}"), &format!("t={now},v1=zz"), "garbage"] {
            assert_eq!(verify(SECRET, bad, BODY, now, TOLERANCE_SECS), Err(SignatureError::Malformed), "{bad}");
        }
    }
}
