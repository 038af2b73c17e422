//! Lambda wiring for received mail (SQS event source fed by SES through SNS; partial batch
//! failures). It reads the raw messages SES stored in the files bucket and writes the table.

use aws_lambda_events::sqs::SqsEvent;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kt_http::logging::init_from_env();
    let state = kt_app::wiring::aws::AwsWiring::from_env().await?.blobs()?.data_key().await?.build();
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| {
        let state = state.clone();
        async move { Ok::<_, lambda_runtime::Error>(kt_fn_inbound_mail::handle(&state, event.payload).await) }
    }))
    .await
}
