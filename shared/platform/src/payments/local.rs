//! The local payments adapter: PaymentIntents and refunds kept in memory, paid with Stripe's
//! test card numbers (`4242 4242 4242 4242` succeeds, `4000 0000 0000 0002` is declined,
//! `4000 0027 6000 3184` asks for 3-D Secure, passed with `3ds:approve` or failed with
//! `3ds:fail`; `pm_card_visa` and `pm_card_chargeDeclined` as in Stripe's tests; an intent for a
//! US bank account takes `pm_usBankAccount_success`, `pm_usBankAccount_processing` (a debit
//! still clearing) or `pm_usBankAccount_accountClosed` (failing), and nothing else). The app turns
//! what happens into signed webhook events delivered through its webhook handling.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::{
    Account, CustomerInfo, Intent, IntentRequest, IntentStatus, PaymentError, Payments, Refund, RefundRequest,
};

#[derive(Default)]
pub struct LocalPayments {
    /// (account key, idempotency key) -> the object id it made.
    made: Mutex<HashMap<(String, String), String>>,
    intents: Mutex<HashMap<String, (String, Intent)>>,
    refunded: Mutex<HashMap<String, i64>>,
}

impl LocalPayments {
    pub fn new() -> Self {
        Self::default()
    }

    fn once(&self, account: &Account, key: &str, make: impl FnOnce() -> String) -> (String, bool) {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        let k = (account.secret_key.clone(), key.to_owned());
        if let Some(id) = made.get(&k) {
            return (id.clone(), false);
        }
        let id = make();
        made.insert(k, id.clone());
        (id, true)
    }

    fn fail(&self, account: &Account, id: &str, why: &str) -> Result<Intent, PaymentError> {
        let mut intent = self.intent(account, id)?;
        intent.status = IntentStatus::RequiresPaymentMethod;
        intent.last_error = Some(why.to_owned());
        self.intents
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_owned(), (account.secret_key.clone(), intent.clone()));
        Ok(intent)
    }

    fn intent(&self, account: &Account, id: &str) -> Result<Intent, PaymentError> {
        let intents = self.intents.lock().unwrap_or_else(|e| e.into_inner());
        match intents.get(id) {
            Some((owner, i)) if *owner == account.secret_key => Ok(i.clone()),
            _ => Err(PaymentError::Refused(format!("no such payment_intent: {id}"))),
        }
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

#[async_trait]
impl Payments for LocalPayments {
    fn provider(&self) -> &'static str {
        "local"
    }

    async fn create_customer(
        &self,
        account: &Account,
        _c: &CustomerInfo,
        idempotency_key: &str,
    ) -> Result<String, PaymentError> {
        Ok(self.once(account, idempotency_key, || format!("cus_local_{}", ulid::Ulid::new())).0)
    }

    async fn create_intent(&self, account: &Account, req: &IntentRequest) -> Result<Intent, PaymentError> {
        if req.amount_minor <= 0 {
            return Err(PaymentError::Refused("amount must be positive".into()));
        }
        let (id, new) = self.once(account, &req.idempotency_key, || format!("pi_local_{}", ulid::Ulid::new()));
        if new {
            let intent = Intent {
                client_secret: format!("{id}_secret_{}", ulid::Ulid::new()),
                id: id.clone(),
                status: IntentStatus::RequiresPaymentMethod,
                amount_minor: req.amount_minor,
                currency: req.currency.clone(),
                last_error: None,
                payment_method: None,
                methods: if req.methods.is_empty() { vec!["card".to_owned()] } else { req.methods.clone() },
            };
            self.intents
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id.clone(), (account.secret_key.clone(), intent));
        }
        match (&req.charge_saved, new) {
            // A saved method is charged at once; without the payer there is no 3-D Secure.
            (Some(method), true) => {
                let i = self.confirm_intent(account, &id, method).await?;
                if i.status == IntentStatus::RequiresAction {
                    return self.fail(account, &id, "The card asks for authentication; the payer must pay by hand.");
                }
                Ok(i)
            }
            _ => self.intent(account, &id),
        }
    }

    async fn get_intent(&self, account: &Account, id: &str) -> Result<Intent, PaymentError> {
        self.intent(account, id)
    }

    async fn confirm_intent(&self, account: &Account, id: &str, payment_method: &str) -> Result<Intent, PaymentError> {
        let mut intent = self.intent(account, id)?;
        if matches!(intent.status, IntentStatus::Succeeded | IntentStatus::Canceled) {
            return Err(PaymentError::Refused(format!("this payment is {} already", intent.status.as_str())));
        }
        let method = digits(payment_method);
        let bank = method.starts_with("pm_usBankAccount");
        if bank != intent.methods.iter().any(|m| m == super::BANK_DEBIT) {
            let why = if bank { "This payment takes cards only." } else { "This payment takes a bank account only." };
            return self.fail(account, id, why);
        }
        let (status, error) = match (intent.status, method.as_str()) {
            (IntentStatus::RequiresAction, "3ds:approve") => (IntentStatus::Succeeded, None),
            (IntentStatus::RequiresAction, _) => {
                (IntentStatus::RequiresPaymentMethod, Some("3-D Secure authentication failed".to_owned()))
            }
            (_, "4242424242424242" | "pm_card_visa" | "pm_usBankAccount_success") => (IntentStatus::Succeeded, None),
            // A debit still clearing, as real ones do for days.
            (_, "pm_usBankAccount_processing") => (IntentStatus::Processing, None),
            (_, "pm_usBankAccount_accountClosed") => {
                (IntentStatus::RequiresPaymentMethod, Some("The bank account is closed.".to_owned()))
            }
            (_, "4000002760003184" | "pm_card_authenticationRequired") => (IntentStatus::RequiresAction, None),
            (_, "4000000000000002" | "pm_card_chargeDeclined") => {
                (IntentStatus::RequiresPaymentMethod, Some("Your card was declined.".to_owned()))
            }
            _ => (IntentStatus::RequiresPaymentMethod, Some("Your card number is not a test card.".to_owned())),
        };
        intent.status = status;
        intent.last_error = error;
        // The method as Stripe's tests name it: what a saved card is charged with later.
        intent.payment_method = match method.as_str() {
            "4242424242424242" | "pm_card_visa" => Some("pm_card_visa".to_owned()),
            "4000002760003184" | "pm_card_authenticationRequired" | "3ds:approve" => {
                Some("pm_card_authenticationRequired".to_owned())
            }
            "4000000000000002" | "pm_card_chargeDeclined" => Some("pm_card_chargeDeclined".to_owned()),
            m if m.starts_with("pm_") => Some(m.to_owned()),
            _ => None,
        };
        self.intents
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_owned(), (account.secret_key.clone(), intent.clone()));
        Ok(intent)
    }

    async fn refund(&self, account: &Account, req: &RefundRequest) -> Result<Refund, PaymentError> {
        let intent = self.intent(account, &req.payment_intent)?;
        if intent.status != IntentStatus::Succeeded {
            return Err(PaymentError::Refused("only a succeeded payment is refunded".into()));
        }
        let (id, new) = self.once(account, &req.idempotency_key, || format!("re_local_{}", ulid::Ulid::new()));
        if new {
            let mut refunded = self.refunded.lock().unwrap_or_else(|e| e.into_inner());
            let done = refunded.entry(req.payment_intent.clone()).or_default();
            if *done + req.amount_minor > intent.amount_minor || req.amount_minor <= 0 {
                return Err(PaymentError::Refused("the refund is more than what is left of the payment".into()));
            }
            *done += req.amount_minor;
        }
        Ok(Refund { id, status: "succeeded".into(), amount_minor: req.amount_minor })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(key: &str) -> IntentRequest {
        IntentRequest {
            amount_minor: 12_50,
            currency: "eur".into(),
            customer: "cus_1".into(),
            metadata: vec![],
            idempotency_key: key.into(),
            save_method: false,
            charge_saved: None,
            methods: Vec::new(),
        }
    }

    #[tokio::test]
    async fn saved_cards_are_charged_at_once_and_never_ask_for_3ds() {
        let p = LocalPayments::new();
        let acct = Account { secret_key: "sk_local_saved".into() };
        let first = p.create_intent(&acct, &request("k0")).await.expect("intent");
        let paid = p.confirm_intent(&acct, &first.id, "4242 4242 4242 4242").await.expect("paid");
        assert_eq!(paid.payment_method.as_deref(), Some("pm_card_visa"));
        for (key, method, status) in [
            ("k1", "pm_card_visa", IntentStatus::Succeeded),
            ("k2", "pm_card_chargeDeclined", IntentStatus::RequiresPaymentMethod),
            ("k3", "pm_card_authenticationRequired", IntentStatus::RequiresPaymentMethod),
        ] {
            let mut req = request(key);
            req.charge_saved = Some(method.into());
            let i = p.create_intent(&acct, &req).await.expect("intent");
            assert_eq!(i.status, status, "{method}");
            assert_eq!(i.last_error.is_some(), status != IntentStatus::Succeeded, "{method}");
        }
    }

    #[tokio::test]
    async fn test_cards_succeed_decline_and_ask_for_3ds() {
        let p = LocalPayments::new();
        let acct = Account { secret_key: "sk_local_a".into() };
        let a = p.create_intent(&acct, &request("k1")).await.expect("intent");
        assert_eq!(p.create_intent(&acct, &request("k1")).await.expect("again").id, a.id, "idempotent");
        let declined = p.confirm_intent(&acct, &a.id, "4000 0000 0000 0002").await.expect("confirm");
        assert_eq!((declined.status, declined.last_error.is_some()), (IntentStatus::RequiresPaymentMethod, true));
        let three = p.confirm_intent(&acct, &a.id, "4000 0027 6000 3184").await.expect("3ds");
        assert_eq!(three.status, IntentStatus::RequiresAction);
        let ok = p.confirm_intent(&acct, &a.id, "3ds:approve").await.expect("approve");
        assert_eq!(ok.status, IntentStatus::Succeeded);
        assert!(p.confirm_intent(&acct, &a.id, "4242424242424242").await.is_err(), "paid once");
        let other = Account { secret_key: "sk_local_b".into() };
        assert!(p.get_intent(&other, &a.id).await.is_err(), "another account does not see it");
        let part = RefundRequest { payment_intent: a.id.clone(), amount_minor: 500, idempotency_key: "r1".into() };
        assert_eq!(p.refund(&acct, &part).await.expect("refund").amount_minor, 500);
        let too_much = RefundRequest { payment_intent: a.id.clone(), amount_minor: 1000, idempotency_key: "r2".into() };
        assert!(p.refund(&acct, &too_much).await.is_err());
    }
}
