//! Structured logs on standard error: JSON lines (CloudWatch-friendly) on Lambda, readable text
//! locally.

use tracing_subscriber::EnvFilter;

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Standard error: standard output is for what a command prints (`portal seed --json`,
    // `portal dlq list --json`, `portal openapi`); on Lambda both reach CloudWatch.
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second init (tests) keeps the first subscriber.
    let _ = if json {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    } else {
        builder.compact().try_init()
    };
}

/// `PORTAL_LOG_FORMAT=json|pretty`; JSON by default inside Lambda.
pub fn init_from_env() {
    let json = match std::env::var("PORTAL_LOG_FORMAT").as_deref() {
        Ok("json") => true,
        Ok(_) => false,
        Err(_) => std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some(),
    };
    init(json);
}
