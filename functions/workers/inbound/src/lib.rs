//! Received mail on AWS. An SES receipt rule stores each message under `mail/inbound/` in the
//! files bucket and publishes its notification to an SNS topic; the topic's SQS subscription
//! delivers it here. Each record names the stored object, the recipients and SES's verdicts
//! (SPF, DKIM, DMARC, spam, virus); the function reads the object and hands it to
//! [`kt_app::inbound::accept`], the same code the local SMTP listener feeds. A record that
//! cannot be read or acted on is reported as a batch item failure (SQS retries it, then moves
//! it to the dead-letter queue); a mail that was read but failed to file is kept in the
//! tenant's dead-letter list instead, where staff retry it.
//!
//! The same function takes what comes back of mail sent: the SES configuration set publishes
//! bounces and complaints to a second topic, whose queue feeds it too; a permanent bounce or a
//! complaint stops mail to the address ([`kt_app::mail::stops`]).

use std::time::Duration;

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use kt_app::AppState;
use kt_app::inbound::{Envelope, RAW_PREFIX};
use kt_domain::mail::inbound::{Verdict, Verdicts};
use serde::Deserialize;

/// The function's timeout in `template.yaml` (InboundMailFunction): a 30 MB message is read,
/// parsed and its files stored well within it (the deployed-shape test holds the two equal).
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// An SNS envelope (raw message delivery off): the SES notification is its `Message`.
#[derive(Debug, Deserialize)]
struct SnsEnvelope {
    #[serde(rename = "Message")]
    message: String,
}

/// The parts of SES's "Received" notification the portal reads.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesNotification {
    pub notification_type: String,
    pub mail: SesMail,
    pub receipt: SesReceipt,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesMail {
    pub message_id: String,
    /// RFC 3339 time SES received it.
    pub timestamp: String,
    /// The envelope sender (`MAIL FROM`).
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesReceipt {
    /// The recipients this receipt rule matched.
    pub recipients: Vec<String>,
    #[serde(default)]
    pub spf_verdict: Option<Status>,
    #[serde(default)]
    pub dkim_verdict: Option<Status>,
    #[serde(default)]
    pub dmarc_verdict: Option<Status>,
    #[serde(default)]
    pub spam_verdict: Option<Status>,
    #[serde(default)]
    pub virus_verdict: Option<Status>,
    pub action: SesAction,
}

#[derive(Debug, Deserialize)]
pub struct Status {
    pub status: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SesAction {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub object_key: Option<String>,
}

fn verdict(s: &Option<Status>) -> Verdict {
    s.as_ref().map(|s| Verdict::from_ses(&s.status)).unwrap_or_default()
}

/// Reads one SQS body: an SNS envelope around the notification, or the notification itself
/// (raw message delivery).
pub fn notification(body: &str) -> Result<SesNotification, String> {
    let inner = match serde_json::from_str::<SnsEnvelope>(body) {
        Ok(env) => env.message,
        Err(_) => body.to_owned(),
    };
    serde_json::from_str(&inner).map_err(|e| format!("not an SES notification: {e}"))
}

/// What one SQS body holds: a received mail, or a report on mail sent (a bounce, a
/// complaint, or an event the portal does not act on).
pub enum Report {
    Received(Box<SesNotification>),
    Sent(serde_json::Value),
}

pub fn report(body: &str) -> Result<Report, String> {
    let inner = match serde_json::from_str::<SnsEnvelope>(body) {
        Ok(env) => env.message,
        Err(_) => body.to_owned(),
    };
    let value: serde_json::Value = serde_json::from_str(&inner).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("notificationType").or_else(|| value.get("eventType")).and_then(|v| v.as_str()) {
        Some("Received") => serde_json::from_value(value)
            .map(|n| Report::Received(Box::new(n)))
            .map_err(|e| format!("not an SES notification: {e}")),
        Some(_) => Ok(Report::Sent(value)),
        None => Err("not an SES notification: no notificationType or eventType".into()),
    }
}

/// A stable id for the mail: the time SES received it with a hash of its message id, so a
/// redelivered notification names the same record.
fn mail_id(n: &SesNotification) -> ulid::Ulid {
    let at = time::OffsetDateTime::parse(&n.mail.timestamp, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as u64)
        .unwrap_or_default();
    let h = kt_domain::stable_hash(&n.mail.message_id) as u128;
    let h2 = kt_domain::stable_hash(&format!("{}#2", n.mail.message_id)) as u128;
    ulid::Ulid::from_parts(at, ((h << 64) | h2) & ((1u128 << 80) - 1))
}

/// Acts on one notification.
pub async fn receive(state: &AppState, n: &SesNotification) -> Result<usize, String> {
    if n.notification_type != "Received" {
        return Ok(0);
    }
    let key = match (&n.receipt.action.kind[..], &n.receipt.action.object_key) {
        ("S3", Some(k)) if k.starts_with(RAW_PREFIX) => k.clone(),
        _ => return Err("the receipt rule must store the message under mail/inbound/ (an S3 action)".into()),
    };
    let raw =
        state.blobs.get(&key).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("{key} is not in the bucket"))?;
    let r = &n.receipt;
    let envelope = Envelope {
        recipients: r.recipients.clone(),
        mail_from: n.mail.source.clone(),
        verdicts: Verdicts {
            spf: verdict(&r.spf_verdict),
            dkim: verdict(&r.dkim_verdict),
            dmarc: verdict(&r.dmarc_verdict),
            spam: verdict(&r.spam_verdict),
            virus: verdict(&r.virus_verdict),
        },
    };
    let done =
        kt_app::inbound::accept(state, &key, mail_id(n), &raw.bytes, &envelope).await.map_err(|e| e.to_string())?;
    Ok(done.len())
}

/// One SQS batch: every record acted on, the ones that failed reported for a retry.
pub async fn handle(state: &AppState, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = Vec::new();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        let result = match report(record.body.as_deref().unwrap_or_default()) {
            Ok(Report::Received(n)) => receive(state, &n).await,
            Ok(Report::Sent(v)) => kt_app::mail::stops::record(state, &v).await.map_err(|e| e.to_string()),
            Err(e) => Err(e),
        };
        if let Err(e) = result {
            tracing::warn!(message = %id, error = %e, "received mail not processed; SQS retries it");
            failures.push(BatchItemFailure { item_identifier: id });
        }
    }
    SqsBatchResponse { batch_item_failures: failures }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SES: &str = r#"{"notificationType":"Received","mail":{"timestamp":"2026-12-01T10:00:00.000Z","source":"dana@globex.test","messageId":"o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1","destination":["acme@in.portal.test"]},"receipt":{"timestamp":"2026-12-01T10:00:00.000Z","processingTimeMillis":222,"recipients":["acme@in.portal.test"],"spamVerdict":{"status":"PASS"},"virusVerdict":{"status":"PASS"},"spfVerdict":{"status":"PASS"},"dkimVerdict":{"status":"GRAY"},"dmarcVerdict":{"status":"FAIL"},"action":{"type":"S3","topicArn":"arn:aws:sns:us-east-1:123456789012:received","bucketName":"files","objectKeyPrefix":"mail/inbound/","objectKey":"mail/inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1"}}}"#;

    #[test]
    fn reads_ses_notifications_inside_and_outside_sns_envelopes() {
        let wrapped = serde_json::json!({"Type": "Notification", "MessageId": "x", "Message": SES}).to_string();
        for body in [SES.to_owned(), wrapped] {
            let n = notification(&body).expect("notification");
            assert_eq!(n.receipt.recipients, vec!["acme@in.portal.test"]);
            assert_eq!(verdict(&n.receipt.dmarc_verdict), Verdict::Fail);
            assert_eq!(verdict(&n.receipt.dkim_verdict), Verdict::Gray);
            assert_eq!(
                n.receipt.action.object_key.as_deref(),
                Some("mail/inbound/o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1")
            );
            assert_eq!(mail_id(&n), mail_id(&n), "stable");
        }
        assert!(notification("{}").is_err());
    }

    #[test]
    fn tells_received_mail_from_reports_on_mail_sent() {
        assert!(matches!(report(SES), Ok(Report::Received(_))));
        let bounce = serde_json::json!({"Type": "Notification", "Message": serde_json::json!({"eventType": "Bounce", "bounce": {}}).to_string()});
        assert!(matches!(report(&bounce.to_string()), Ok(Report::Sent(_))));
        assert!(report("{}").is_err());
        assert!(report("not json").is_err());
    }
}
