//! The Stripe adapter (async-stripe): one client per tenant account, built on first use and
//! kept, every create under the caller's idempotency key. `api_base` points it at localstripe
//! in tests (`https://api.stripe.com/` otherwise).
//!
//! Payment methods are left to the account's settings (its dashboard enables cards and ACH
//! Direct Debit); the PaymentIntent carries the invoice in its metadata.
//!
//! Requests are built, authenticated, sent and retried by async-stripe; answers are read into
//! the few fields the portal uses ([`Object`]), so an object with fields this version of the
//! library does not know (or, from localstripe, without some it expects) still reads.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::Deserialize;
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_core::customer::CreateCustomer;
use stripe_core::payment_intent::{
    ConfirmPaymentIntent, CreatePaymentIntent, RetrievePaymentIntent, UpdatePaymentIntent,
};
use stripe_core::refund::CreateRefund;

use super::{
    Account, CustomerInfo, Intent, IntentRequest, IntentStatus, PaymentError, Payments, Refund, RefundRequest,
};

pub const API_BASE: &str = "https://api.stripe.com/";

pub struct StripePayments {
    api_base: String,
    clients: Mutex<HashMap<String, Client>>,
}

impl StripePayments {
    pub fn new(api_base: impl Into<String>) -> Self {
        // Two TLS crypto providers are linked (the AWS SDK's and another crate's), so rustls
        // picks none by itself: the process uses aws-lc-rs, as the AWS clients do.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        Self { api_base: api_base.into(), clients: Mutex::new(HashMap::new()) }
    }

    fn client(&self, account: &Account) -> Result<Client, PaymentError> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = clients.get(&account.secret_key) {
            return Ok(c.clone());
        }
        let client = ClientBuilder::new(account.secret_key.clone())
            .url(self.api_base.clone())
            .app_info("kt-portal", Some(env!("CARGO_PKG_VERSION").to_owned()), None)
            .build()
            .map_err(|e| PaymentError::Unavailable(format!("stripe client: {e}")))?;
        clients.insert(account.secret_key.clone(), client.clone());
        Ok(client)
    }
}

fn strategy(key: &str) -> Result<RequestStrategy, PaymentError> {
    IdempotencyKey::new(key)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| PaymentError::Refused(format!("idempotency key: {e}")))
}

fn error(e: StripeError) -> PaymentError {
    match e {
        StripeError::Stripe(api, status) if (400..500).contains(&status) && status != 429 => {
            PaymentError::Refused(api.message.unwrap_or_else(|| format!("HTTP {status}")))
        }
        other => PaymentError::Unavailable(other.to_string()),
    }
}

/// The fields of a Stripe object the portal reads.
#[derive(Debug, Deserialize)]
struct Object {
    id: String,
    #[serde(default)]
    client_secret: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    amount: i64,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    last_payment_error: Option<ApiError>,
    /// An id, or the expanded object.
    #[serde(default)]
    payment_method: Option<serde_json::Value>,
    #[serde(default)]
    payment_method_types: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ApiError {
    #[serde(default)]
    message: Option<String>,
}

/// Sends `req` under `strategy` and reads the answer's fields.
async fn send(
    client: &Client,
    req: &impl StripeRequest,
    strategy: Option<RequestStrategy>,
) -> Result<Object, PaymentError> {
    let mut call = req.build().customize::<miniserde::json::Value>();
    if let Some(s) = strategy {
        call = call.request_strategy(s);
    }
    let value = call.send(client).await.map_err(error)?;
    serde_json::from_str(&miniserde::json::to_string(&value))
        .map_err(|e| PaymentError::Unavailable(format!("unreadable answer from Stripe: {e}")))
}

fn status(s: Option<&str>) -> IntentStatus {
    match s.unwrap_or_default() {
        "requires_capture" => IntentStatus::Processing,
        other => IntentStatus::parse(other).unwrap_or(IntentStatus::RequiresPaymentMethod),
    }
}

fn intent(o: Object) -> Intent {
    Intent {
        status: status(o.status.as_deref()),
        id: o.id,
        client_secret: o.client_secret.unwrap_or_default(),
        amount_minor: o.amount,
        currency: o.currency,
        last_error: o.last_payment_error.and_then(|e| e.message),
        payment_method: o.payment_method.and_then(|m| match m {
            serde_json::Value::String(id) => Some(id),
            other => other["id"].as_str().map(str::to_owned),
        }),
        methods: o.payment_method_types,
    }
}

#[async_trait]
impl Payments for StripePayments {
    fn provider(&self) -> &'static str {
        "stripe"
    }

    async fn create_customer(
        &self,
        account: &Account,
        c: &CustomerInfo,
        idempotency_key: &str,
    ) -> Result<String, PaymentError> {
        let client = self.client(account)?;
        let mut req = CreateCustomer::new()
            .name(c.name.clone())
            .metadata(HashMap::from([("reference".to_owned(), c.reference.clone())]));
        if let Some(email) = &c.email {
            req = req.email(email.clone());
        }
        Ok(send(&client, &req, Some(strategy(idempotency_key)?)).await?.id)
    }

    async fn create_intent(&self, account: &Account, req: &IntentRequest) -> Result<Intent, PaymentError> {
        let client = self.client(account)?;
        let currency = req
            .currency
            .parse::<stripe_types::Currency>()
            .map_err(|_| PaymentError::Refused(format!("currency {}", req.currency)))?;
        let metadata: HashMap<String, String> = req.metadata.iter().cloned().collect();
        let mut create =
            CreatePaymentIntent::new(req.amount_minor, currency).customer(req.customer.clone()).metadata(metadata);
        if req.save_method {
            create = create.setup_future_usage(stripe_core::PaymentIntentSetupFutureUsage::OffSession);
        }
        if !req.methods.is_empty() {
            let allowed = req
                .methods
                .iter()
                .map(|m| {
                    m.parse::<stripe_core::PaymentIntentAllowedPaymentMethodTypes>()
                        .map_err(|_| PaymentError::Refused(format!("payment method type {m}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            create = create.allowed_payment_method_types(allowed);
        }
        if let Some(method) = &req.charge_saved {
            create = create
                .payment_method(method.clone())
                .confirm(true)
                .off_session(stripe_core::payment_intent::CreatePaymentIntentOffSession::Bool(true));
        }
        Ok(intent(send(&client, &create, Some(strategy(&req.idempotency_key)?)).await?))
    }

    async fn get_intent(&self, account: &Account, id: &str) -> Result<Intent, PaymentError> {
        let client = self.client(account)?;
        Ok(intent(send(&client, &RetrievePaymentIntent::new(id), None).await?))
    }

    async fn confirm_intent(&self, account: &Account, id: &str, payment_method: &str) -> Result<Intent, PaymentError> {
        let client = self.client(account)?;
        // The method is attached first, then the intent confirmed (as Stripe allows and
        // localstripe requires).
        send(&client, &UpdatePaymentIntent::new(id).payment_method(payment_method), None).await?;
        Ok(intent(send(&client, &ConfirmPaymentIntent::new(id), None).await?))
    }

    async fn refund(&self, account: &Account, req: &RefundRequest) -> Result<Refund, PaymentError> {
        let client = self.client(account)?;
        let create = CreateRefund::new().payment_intent(req.payment_intent.clone()).amount(req.amount_minor);
        let r = send(&client, &create, Some(strategy(&req.idempotency_key)?)).await?;
        Ok(Refund { id: r.id, status: r.status.unwrap_or_default(), amount_minor: r.amount })
    }
}
