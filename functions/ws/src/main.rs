//! Lambda wiring for the WebSocket API ($connect, $disconnect, $default).

use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kt_http::logging::init_from_env();
    let state = kt_app::wiring::aws::AwsWiring::from_env().await?.push()?.token_secret().await?.build();
    lambda_runtime::run(service_fn(|event: LambdaEvent<ApiGatewayWebsocketProxyRequest>| {
        let state = state.clone();
        async move { Ok::<_, lambda_runtime::Error>(kt_fn_ws::handle(&state, event.payload).await) }
    }))
    .await
}
