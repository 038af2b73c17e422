//! A mail the victim's client sent to its portal (filed as a ticket) and one held for review:
//! nobody of another tenant reads, downloads, accepts, discards or retries either.

use bytes::Bytes;
use kt_app::AppState;
use kt_app::inbound::{Envelope, receive};
use kt_domain::mail::inbound::Status;

/// The held mail's id (the filed one is reachable through the ticket it became).
pub async fn victim(app: &AppState) -> String {
    let raw = "From: Stranger <stranger@prospect.test>\r\nTo: acme@in.localhost\r\nSubject: Victim-held-mail\r\nMessage-ID: <victim-held@prospect.test>\r\n\r\nPrivate request.\r\n";
    let envelope = Envelope { recipients: vec!["acme@in.localhost".into()], ..Default::default() };
    let got = receive(app, Bytes::from(raw), envelope).await.expect("receive");
    assert_eq!(got[0].status, Status::Held, "the victim tenant holds mail from strangers");
    got[0].id.clone()
}

/// An address of the victim tenant that mail stopped to (a bounce): nobody of another tenant
/// lists it or starts mail to it again.
pub async fn stopped(app: &AppState, tenant: &str) -> String {
    let email = "victim-gone@acme-client.test";
    let report = serde_json::json!({
        "eventType": "Bounce",
        "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": email, "status": "5.1.1"}]},
        "mail": {"tags": {"tenant": [tenant]}},
    });
    assert_eq!(kt_app::mail::stops::record(app, &report).await.expect("record"), 1);
    email.to_owned()
}
