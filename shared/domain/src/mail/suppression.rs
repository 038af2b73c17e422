//! Addresses mail no longer goes to: SES reports a permanent bounce (the mailbox does not exist)
//! or a complaint (the person marked the mail as spam), and the portal stops sending there until
//! the address is confirmed again. Sending on would hurt the sending reputation every tenant
//! shares, so a stop holds for the address, whichever tenant's mail bounced.

use serde::{Deserialize, Serialize};

use crate::identity::Email;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// A permanent bounce: the address does not take mail.
    Bounce,
    /// The recipient reported the mail as spam.
    Complaint,
}

impl StopReason {
    pub fn text(self) -> &'static str {
        match self {
            StopReason::Bounce => "mail to it bounced",
            StopReason::Complaint => "its owner reported our mail as spam",
        }
    }
}

/// One address to stop, as a report from SES says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub email: Email,
    pub reason: StopReason,
    /// The receiving server's words (`smtp; 550 5.1.1 user unknown`) or the complaint's type.
    pub detail: String,
    /// The tenant whose mail it was, from the mail's `tenant` tag.
    pub tenant: Option<String>,
}

/// What an SES report asks: the addresses to stop. Reads both shapes SES publishes, the
/// identity notification (`notificationType`) and the configuration set's event (`eventType`).
/// A transient or undetermined bounce stops nothing (the mailbox may be full today); anything
/// else (deliveries, opens) is not a stop either. `Err` only for what is not an SES report.
pub fn stops_in(report: &serde_json::Value) -> Result<Vec<Stop>, String> {
    let kind = report
        .get("notificationType")
        .or_else(|| report.get("eventType"))
        .and_then(|v| v.as_str())
        .ok_or("not an SES notification: no notificationType or eventType")?;
    let tenant = report
        .pointer("/mail/tags/tenant/0")
        .and_then(|v| v.as_str())
        .filter(|t| !t.is_empty() && t.len() <= 64)
        .map(str::to_owned);
    let mut out = Vec::new();
    match kind {
        "Bounce" => {
            let bounce = report.get("bounce").ok_or("a bounce without its bounce object")?;
            if bounce.get("bounceType").and_then(|v| v.as_str()) != Some("Permanent") {
                return Ok(out);
            }
            for r in bounce.get("bouncedRecipients").and_then(|v| v.as_array()).into_iter().flatten() {
                let Some(email) = r.get("emailAddress").and_then(|v| v.as_str()).and_then(address) else {
                    continue;
                };
                let detail = r
                    .get("diagnosticCode")
                    .or_else(|| r.get("status"))
                    .and_then(|v| v.as_str())
                    .or_else(|| bounce.get("bounceSubType").and_then(|v| v.as_str()))
                    .unwrap_or("permanent bounce");
                out.push(Stop { email, reason: StopReason::Bounce, detail: clip(detail), tenant: tenant.clone() });
            }
        }
        "Complaint" => {
            let complaint = report.get("complaint").ok_or("a complaint without its complaint object")?;
            let detail = complaint.get("complaintFeedbackType").and_then(|v| v.as_str()).unwrap_or("complaint");
            for r in complaint.get("complainedRecipients").and_then(|v| v.as_array()).into_iter().flatten() {
                let Some(email) = r.get("emailAddress").and_then(|v| v.as_str()).and_then(address) else {
                    continue;
                };
                out.push(Stop { email, reason: StopReason::Complaint, detail: clip(detail), tenant: tenant.clone() });
            }
        }
        _ => {}
    }
    Ok(out)
}

/// An address as SES writes it, with or without a display name (`"Dana" <dana@x.com>`).
fn address(raw: &str) -> Option<Email> {
    let inner = match (raw.rfind('<'), raw.rfind('>')) {
        (Some(a), Some(b)) if a < b => &raw[a + 1..b],
        _ => raw,
    };
    Email::parse(inner).ok()
}

fn clip(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_permanent_bounce_stops_each_recipient_with_the_servers_words() {
        let report = json!({
            "notificationType": "Bounce",
            "bounce": {"bounceType": "Permanent", "bounceSubType": "General", "bouncedRecipients": [
                {"emailAddress": "\"Gone\" <Gone@Example.com>", "status": "5.1.1", "diagnosticCode": "smtp; 550 5.1.1 user unknown"},
                {"emailAddress": "also@example.com", "status": "5.1.1"},
                {"emailAddress": "not an address"}
            ]},
            "mail": {"tags": {"tenant": ["01J0TENANT"]}}
        });
        let stops = stops_in(&report).unwrap();
        assert_eq!(stops.len(), 2);
        assert_eq!(stops[0].email.as_str(), "gone@example.com");
        assert_eq!(stops[0].detail, "smtp; 550 5.1.1 user unknown");
        assert_eq!(stops[0].reason, StopReason::Bounce);
        assert_eq!(stops[0].tenant.as_deref(), Some("01J0TENANT"));
        assert_eq!(stops[1].detail, "5.1.1");
    }

    #[test]
    fn transient_bounces_and_deliveries_stop_nothing_and_complaints_do() {
        let transient = json!({"eventType": "Bounce", "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "full@example.com"}]}});
        assert!(stops_in(&transient).unwrap().is_empty());
        assert!(stops_in(&json!({"eventType": "Delivery", "mail": {}})).unwrap().is_empty());
        let complaint = json!({"eventType": "Complaint", "complaint": {"complaintFeedbackType": "abuse", "complainedRecipients": [{"emailAddress": "angry@example.com"}]}, "mail": {}});
        let stops = stops_in(&complaint).unwrap();
        assert_eq!(stops.len(), 1);
        assert_eq!(
            (stops[0].reason, stops[0].detail.as_str(), stops[0].tenant.clone()),
            (StopReason::Complaint, "abuse", None)
        );
        assert!(stops_in(&json!({"Records": []})).is_err());
    }
}
