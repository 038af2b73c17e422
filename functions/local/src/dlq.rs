//! `portal dlq`: the dead letters of the local host or of a deployed stack, and their replay.

use kt_app::AppState;
use kt_app::dead_letters::{self, DeadMessage};

pub enum Action {
    List { queue: Option<String>, json: bool },
    Replay { queue: String, message: Option<String> },
}

/// Runs `action` and prints its outcome.
pub async fn run(state: &AppState, action: Action) -> anyhow::Result<()> {
    print!("{}", render(state, action).await?);
    Ok(())
}

/// What `run` prints.
pub async fn render(state: &AppState, action: Action) -> anyhow::Result<String> {
    match action {
        Action::List { queue, json } => {
            let dead = dead_letters::list(state, queue.as_deref()).await.map_err(explain)?;
            if json {
                let lines: Vec<String> = dead.iter().map(|m| json_line(m).to_string()).collect();
                return Ok(lines.iter().map(|l| format!("{l}\n")).collect());
            }
            if dead.is_empty() {
                return Ok("No dead letters: every message was delivered.\n".into());
            }
            let mut out = String::new();
            for m in &dead {
                let kind = m.event.as_ref().map(|e| e.kind.as_str()).unwrap_or("(not an event)");
                let tenant = m.event.as_ref().and_then(|e| e.tenant.as_deref()).unwrap_or("-");
                let at =
                    m.failure.as_ref().and_then(|f| Some(kt_domain::timestamp(f.at))).unwrap_or_else(|| "-".into());
                out.push_str(&format!("{}  {}  {kind}  tenant {tenant}  failed {at}\n", m.queue, m.message_id));
                out.push_str(&format!("    {}\n", m.reason));
            }
            out.push_str(&format!(
                "{} dead letter(s). Replay: portal dlq replay --queue QUEUE [--message ID]\n",
                dead.len()
            ));
            Ok(out)
        }
        Action::Replay { queue, message } => {
            let n = dead_letters::replay(state, None, &queue, message.as_deref()).await.map_err(explain)?;
            Ok(format!("Replayed {n} message(s) to the {queue} queue.\n"))
        }
    }
}

fn json_line(m: &DeadMessage) -> serde_json::Value {
    serde_json::json!({
        "queue": m.queue,
        "message_id": m.message_id,
        "event_id": m.event.as_ref().map(|e| e.id.to_string()),
        "kind": m.event.as_ref().map(|e| e.kind.clone()),
        "tenant_id": m.event.as_ref().and_then(|e| e.tenant.clone()),
        "reason": m.reason,
        "failed_at": m.failure.as_ref().and_then(|f| Some(kt_domain::timestamp(f.at))),
        "attempts": m.failure.as_ref().and_then(|f| f.attempts),
    })
}

fn explain(e: kt_app::AppError) -> anyhow::Error {
    match e {
        kt_app::AppError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors.iter().map(|f| format!("--{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
        ),
        kt_app::AppError::NotFound => anyhow::anyhow!("that message is not (or no longer) a dead letter"),
        other => anyhow::anyhow!("{other}"),
    }
}
