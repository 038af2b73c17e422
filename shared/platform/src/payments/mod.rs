//! Payments: the port through which invoices are paid, with its adapters, and Stripe's webhook
//! signatures ([`webhook`]).
//!
//! Every tenant takes payments into its own account: each call names the [`Account`] (the
//! tenant's secret key), so a partner's clients pay the partner, never Kre8ivTech. Every create
//! carries an idempotency key, so a retried request never charges twice.
//!
//! * `stripe` (feature `stripe`): Stripe's API through async-stripe (PaymentIntents for cards
//!   and US bank accounts, customers, refunds); pointed at localstripe in tests.
//! * [`local`] (feature `local`): an in-process stand-in for `scripts/dev` with no Stripe
//!   account. It simulates success, declines and 3-D Secure with Stripe's test card numbers;
//!   the app then delivers the resulting events, signed, through the same webhook handling.

#[cfg(feature = "local")]
pub mod local;
#[cfg(feature = "stripe")]
pub mod stripe;
pub mod webhook;

use async_trait::async_trait;

/// The tenant's account with the provider.
#[derive(Clone)]
pub struct Account {
    pub secret_key: String,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Account { secret_key: <sealed> }")
    }
}

/// Who pays: one customer per client organization (or partner) and tenant.
#[derive(Debug, Clone)]
pub struct CustomerInfo {
    pub name: String,
    pub email: Option<String>,
    /// Our reference (`org:<id>`), kept in the customer's metadata.
    pub reference: String,
}

#[derive(Debug, Clone)]
pub struct IntentRequest {
    /// In the currency's minor units.
    pub amount_minor: i64,
    /// ISO 4217, as Stripe writes it (lowercase).
    pub currency: String,
    pub customer: String,
    /// Kept with the intent and echoed in its events (`tenant`, `invoice`).
    pub metadata: Vec<(String, String)>,
    pub idempotency_key: String,
    /// Keep the method the payer confirms with, to charge it later without them
    /// (`setup_future_usage=off_session`).
    pub save_method: bool,
    /// Charge this saved method now, without the payer: the intent is confirmed as it is made
    /// (`confirm=true`, `off_session=true`).
    pub charge_saved: Option<String>,
    /// The method types it may be paid with (`us_bank_account` for an ACH debit); empty: the
    /// provider's default (cards).
    pub methods: Vec<String>,
}

/// Stripe's name of a US bank account (ACH) debit.
pub const BANK_DEBIT: &str = "us_bank_account";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentStatus {
    RequiresPaymentMethod,
    RequiresConfirmation,
    /// 3-D Secure or a bank-account verification is pending.
    RequiresAction,
    Processing,
    Succeeded,
    Canceled,
}

impl IntentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IntentStatus::RequiresPaymentMethod => "requires_payment_method",
            IntentStatus::RequiresConfirmation => "requires_confirmation",
            IntentStatus::RequiresAction => "requires_action",
            IntentStatus::Processing => "processing",
            IntentStatus::Succeeded => "succeeded",
            IntentStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            IntentStatus::RequiresPaymentMethod,
            IntentStatus::RequiresConfirmation,
            IntentStatus::RequiresAction,
            IntentStatus::Processing,
            IntentStatus::Succeeded,
            IntentStatus::Canceled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct Intent {
    pub id: String,
    /// Handed to the browser, which confirms the payment with it (never stored).
    pub client_secret: String,
    pub status: IntentStatus,
    pub amount_minor: i64,
    pub currency: String,
    /// Why the last attempt failed (a decline), when it did.
    pub last_error: Option<String>,
    /// The method it was (or is being) paid with.
    pub payment_method: Option<String>,
    /// The method types it may be paid with, as the provider says.
    pub methods: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub payment_intent: String,
    pub amount_minor: i64,
    pub idempotency_key: String,
}

#[derive(Debug, Clone)]
pub struct Refund {
    pub id: String,
    /// `succeeded`, `pending` or `failed`.
    pub status: String,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The provider refused the request as made (bad key, bad amount): not worth retrying.
    #[error("refused: {0}")]
    Refused(String),
    /// The provider could not be reached or failed; retrying may help.
    #[error("unavailable: {0}")]
    Unavailable(String),
}

#[async_trait]
pub trait Payments: Send + Sync + 'static {
    /// `stripe` or `local`.
    fn provider(&self) -> &'static str;
    async fn create_customer(
        &self,
        account: &Account,
        c: &CustomerInfo,
        idempotency_key: &str,
    ) -> Result<String, PaymentError>;
    async fn create_intent(&self, account: &Account, req: &IntentRequest) -> Result<Intent, PaymentError>;
    async fn get_intent(&self, account: &Account, id: &str) -> Result<Intent, PaymentError>;
    /// Confirms with a payment method (a saved card for an automatic charge; test methods such
    /// as `pm_card_visa` in tests and the local checkout).
    async fn confirm_intent(&self, account: &Account, id: &str, payment_method: &str) -> Result<Intent, PaymentError>;
    async fn refund(&self, account: &Account, req: &RefundRequest) -> Result<Refund, PaymentError>;
}

/// The adapters a process has, chosen per tenant by its connection's provider.
#[derive(Clone)]
pub struct Gateways {
    pub stripe: std::sync::Arc<dyn Payments>,
    pub local: std::sync::Arc<dyn Payments>,
}

impl Gateways {
    /// Neither adapter wired (a function that takes no payments).
    pub fn absent() -> Self {
        Self {
            stripe: std::sync::Arc::new(crate::Absent("payments (stripe)")),
            local: std::sync::Arc::new(crate::Absent("payments (local)")),
        }
    }

    pub fn for_provider(&self, provider: &str) -> &dyn Payments {
        if provider == "local" { self.local.as_ref() } else { self.stripe.as_ref() }
    }
}
