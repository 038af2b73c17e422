//! Lambda wiring for the outbox relay (DynamoDB stream -> SQS).

use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kt_http::logging::init_from_env();
    let state = kt_app::wiring::aws::AwsWiring::from_env().await?.queues()?.build();
    let relay = kt_app::outbox::Relay::new(state.store.clone(), state.queue.clone());
    lambda_runtime::run(service_fn(|event: LambdaEvent<aws_lambda_events::dynamodb::Event>| {
        let relay = relay.clone();
        async move { Ok::<_, lambda_runtime::Error>(kt_fn_relay::handle(&relay, event.payload).await) }
    }))
    .await
}
