//! Lambda wiring for the search functions: the API (`PORTAL_SEARCH_ROLE=api`, HTTP) and the
//! indexer (`indexer`, the search queue's SQS event source with partial batch failures).

use aws_lambda_events::sqs::SqsEvent;
use kt_fn_search::index::{self, Role};
use lambda_runtime::{LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kt_http::logging::init_from_env();
    let role = Role::from_env()?;
    let dir = index::lambda_dir(role);
    let dir = dir.as_path();
    match role {
        Role::Api => {
            let mut state = kt_app::wiring::aws::AwsWiring::from_env().await?.blobs()?.token_secret().await?.build();
            state.search = index::aws(role, state.blobs.clone(), dir);
            let (router, _) = kt_fn_search::router().split_for_parts();
            let trusted = kt_http::client::TrustedProxies::from_env()?;
            lambda_http::run(kt_http::client::layer(router.with_state(state), trusted)).await
        }
        Role::Indexer => {
            let mut state = kt_app::wiring::aws::AwsWiring::from_env().await?.blobs()?.build();
            state.search = index::aws(role, state.blobs.clone(), dir);
            let dispatcher = kt_fn_search::indexer::dispatcher(&state);
            lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| {
                let dispatcher = dispatcher.clone();
                async move { Ok::<_, lambda_runtime::Error>(dispatcher.handle_sqs_batch(event.payload).await) }
            }))
            .await
        }
    }
}
