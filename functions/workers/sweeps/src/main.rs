//! Lambda wiring for the scheduled sweeps (EventBridge schedule).

use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kt_http::logging::init_from_env();
    let state = kt_app::wiring::aws::AwsWiring::from_env().await?.blobs()?.data_key().await?.build();
    lambda_runtime::run(service_fn(|_: LambdaEvent<serde_json::Value>| {
        let state = state.clone();
        async move { kt_fn_sweeps::run(&state).await.map_err(|e| lambda_runtime::Error::from(e.to_string())) }
    }))
    .await
}
