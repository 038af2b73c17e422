//! Lambda wiring for the notifications function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    kt_http::logging::init_from_env();
    let state =
        kt_app::wiring::aws::AwsWiring::from_env().await?.push()?.token_secret().await?.web_push().await?.build();
    let (router, _) = kt_fn_notifications::router().split_for_parts();
    let trusted = kt_http::client::TrustedProxies::from_env()?;
    lambda_http::run(kt_http::client::layer(router.with_state(state), trusted)).await
}
