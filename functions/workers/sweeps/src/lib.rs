//! The scheduled sweeps, shared by the Lambda (an EventBridge schedule, every minute) and the
//! local host (its own timer): SLA warnings and breaches due by now, tickets the assignment
//! rules can now give to someone (in case an event that freed capacity was missed), invoice
//! recurring invoices due (generated once per period), invoice
//! reminders, overdue marks and late charges due today, scheduled announcements starting, notification digests and quiet-hours
//! summaries due (each once), attachment uploads started hours ago and never confirmed, and
//! message files abandoned, never sent or of deleted messages, reminders of quotes about to
//! expire, and received mail not yet acted on.

use kt_app::AppState;
use kt_app::tickets::sla;

use serde_json::{Value, json};

/// Runs every sweep once; the answer says what each found.
pub async fn run(state: &AppState) -> Result<Value, kt_app::AppError> {
    let swept = sla::sweep(state, state.clock.now()).await?;
    if swept.warnings + swept.breaches > 0 {
        tracing::info!(warnings = swept.warnings, breaches = swept.breaches, "SLA alarms raised");
    }
    let generated = kt_app::invoices::recurring::sweep(state, state.clock.now()).await?;
    if generated.invoices > 0 {
        tracing::info!(invoices = generated.invoices, sent = generated.sent, "recurring invoices generated");
    }
    let billed = kt_app::invoices::automation::sweep(state, state.clock.now()).await?;
    if billed.looked > 0 {
        tracing::info!(
            reminders = billed.reminders,
            overdue = billed.overdue,
            charges = billed.charges,
            "invoices swept"
        );
    }
    let released = kt_app::notifications::digests::sweep(state, state.clock.now()).await?;
    if released.releases > 0 {
        tracing::info!(
            releases = released.releases,
            mails = released.mails,
            texts = released.texts,
            "held notifications released"
        );
    }
    let assigned = kt_app::tickets::assignment::dispatch(state).await?;
    if assigned.assigned > 0 {
        tracing::info!(assigned = assigned.assigned, waiting = assigned.waiting, "tickets assigned by rule");
    }
    // Housekeeping: its failure must not fail the SLA and assignment sweeps' run.
    let abandoned_uploads = match kt_app::tickets::attachments::sweep_abandoned(state).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "the abandoned-upload sweep failed; the next run retries");
            0
        }
    };
    let announcements = kt_app::announcements::sweep(state).await?;
    if announcements > 0 {
        tracing::info!(started = announcements, "scheduled announcements started");
    }
    let message_files = match kt_app::messaging::files::sweep(state).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "the message-file sweep failed; the next run retries");
            0
        }
    };
    let form_uploads = match kt_app::forms::files::sweep(state).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "the form-upload sweep failed; the next run retries");
            0
        }
    };
    let article_images = match kt_app::kb::images::sweep(state).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "the article-image sweep failed; the next run retries");
            0
        }
    };
    let quote_reminders = kt_app::quotes::reminders::sweep(state).await?;
    // Received mail whose process stopped before acting on it (acted on now, once).
    let received_mail = match kt_app::inbound::sweep(state).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "the received-mail sweep failed; the next run retries");
            0
        }
    };
    Ok(json!({
        "received_mail": received_mail,
        "quote_reminders": quote_reminders,
        "sla": {"warnings": swept.warnings, "breaches": swept.breaches, "stale": swept.stale},
        "assignment": {"assigned": assigned.assigned, "waiting": assigned.waiting, "busy": assigned.busy},
        "abandoned_uploads": abandoned_uploads,
        "message_files": message_files,
        "form_uploads": form_uploads,
        "article_images": article_images,
        "announcements": {"started": announcements},
        "notifications": {"releases": released.releases, "mails": released.mails, "texts": released.texts},
        "recurring": {"invoices": generated.invoices, "sent": generated.sent, "stale": generated.stale},
        "invoices": {"looked": billed.looked, "reminders": billed.reminders, "overdue": billed.overdue, "charges": billed.charges, "stale": billed.stale},
    }))
}
