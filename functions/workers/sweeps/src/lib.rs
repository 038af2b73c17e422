//! The scheduled sweeps, shared by the Lambda (an EventBridge schedule, every minute) and the
//! local host (its own timer): SLA warnings and breaches due by now.

use kt_app::AppState;
use kt_app::tickets::sla;
use serde_json::{Value, json};

/// Runs every sweep once; the answer says what each found.
pub async fn run(state: &AppState) -> Result<Value, kt_app::AppError> {
    let swept = sla::sweep(state, state.clock.now()).await?;
    if swept.warnings + swept.breaches > 0 {
        tracing::info!(warnings = swept.warnings, breaches = swept.breaches, "SLA alarms raised");
    }
    Ok(json!({"sla": {"warnings": swept.warnings, "breaches": swept.breaches, "stale": swept.stale}}))
}
