//! Lambda wiring for the invoices function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    kt_http::logging::init_from_env();
    let state = kt_app::wiring::aws::AwsWiring::from_env()
        .await?
        .blobs()?
        .token_secret()
        .await?
        .data_key()
        .await?
        .payments()
        .build();
    let (router, _) = kt_fn_invoices::router().split_for_parts();
    let trusted = kt_http::client::TrustedProxies::from_env()?;
    lambda_http::run(kt_http::client::layer(router.with_state(state), trusted)).await
}
