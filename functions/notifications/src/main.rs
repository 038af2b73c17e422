//! Lambda wiring for the notifications function.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    kt_http::logging::init_from_env();
    let wired = kt_app::wiring::wire(&kt_app::wiring::Settings::from_env()).await?;
    let (router, _) = kt_fn_notifications::router().split_for_parts();
    lambda_http::run(router.with_state(wired.state)).await
}
