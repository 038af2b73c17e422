//! Shared AWS SDK configuration: the default chain in Lambda, or an explicit endpoint
//! (`AWS_ENDPOINT_URL`, e.g. the moto server) for `--backend aws` runs and tests.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

/// Every call is bounded: a stuck connection fails (and is retried by the caller's queue or
/// answered as 503) instead of holding a Lambda or a request forever. An attempt may take up to
/// 30 s because SQS long polls wait up to 20 s for messages.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(3))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(60))
        .build()
}

/// Loads the SDK configuration from the environment; `endpoint` overrides every service's URL.
pub async fn sdk_config(endpoint: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts());
    if let Some(url) = endpoint {
        loader = loader.endpoint_url(url);
    }
    if std::env::var_os("AWS_REGION").is_none() && std::env::var_os("AWS_DEFAULT_REGION").is_none() {
        loader = loader.region(aws_config::Region::new("us-east-1"));
    }
    loader.load().await
}

/// Configuration for an emulator at `endpoint` with fixed test credentials.
pub async fn emulator_config(endpoint: &str) -> SdkConfig {
    let creds = aws_sdk_s3::config::Credentials::new("testing", "testing", None, None, "emulator");
    aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(timeouts())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(creds)
        .load()
        .await
}
