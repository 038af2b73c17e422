//! Lambda wiring for the email queue consumer (SQS event source, partial batch failures).

use aws_lambda_events::sqs::SqsEvent;
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kt_http::logging::init_from_env();
    let state = kt_app::wiring::aws::AwsWiring::from_env().await?.mailer().sms().web_push().await?.build();
    let dispatcher = kt_fn_mail_worker::dispatcher(&state);
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| {
        let dispatcher = dispatcher.clone();
        async move { Ok::<_, lambda_runtime::Error>(dispatcher.handle_sqs_batch(event.payload).await) }
    }))
    .await
}
