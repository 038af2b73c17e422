//! Paying online: the tenant's connection to its payment provider (keys sealed, never
//! returned), the billed party's checkout (a PaymentIntent on the tenant's own account, for the
//! balance or part of it), the local stand-in's card form, and refunds through the provider.
//! The money itself reaches the ledger through the provider's webhook events ([`super::webhooks`]).

use kt_domain::identity::Role;
use kt_domain::invoice::entity::{Billed, Invoice};
use kt_domain::invoice::ledger::{Entry, EntryKind};
use kt_domain::invoice::terms;
use kt_domain::policy::Actor;
use kt_domain::tenancy::Tenant;
use kt_platform::payments::{Account, CustomerInfo, IntentRequest, IntentStatus, PaymentError, RefundRequest};
use kt_store::payments::{self as store, Checkout, Connection};
use kt_store::{Cond, TxOp, accounts, entity, invoices, tenants};
use rust_decimal::Decimal;

use super::{Sheet, Side, issues, load};
use crate::{AppError, AppState};

pub(crate) fn provider_error(e: PaymentError) -> AppError {
    match e {
        PaymentError::Refused(why) => AppError::Conflict(format!("the payment provider refused: {why}")),
        PaymentError::Unavailable(why) => AppError::Unavailable(why),
    }
}

/// Super admins, and partners for their own tenant.
fn may_connect(actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    if issues(actor, tenant) && actor.role != Role::Staff {
        return Ok(());
    }
    Err(if actor.tenant == tenant.id || actor.role.is_house_staff() { AppError::Forbidden } else { AppError::NotFound })
}

/// The connection as people may see it (no secrets).
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    pub provider: String,
    pub publishable_key: String,
    pub live: bool,
    /// USD invoices may be paid by US bank account (ACH) debit too.
    pub bank_debits: bool,
    pub connected_at: time::OffsetDateTime,
}

fn info(c: &Connection) -> ConnectionInfo {
    ConnectionInfo {
        provider: c.provider.clone(),
        publishable_key: c.publishable_key.clone(),
        live: c.live,
        bank_debits: c.bank_debits,
        connected_at: c.connected_at,
    }
}

pub async fn connection(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<Option<ConnectionInfo>, AppError> {
    may_connect(actor, tenant)?;
    Ok(store::connection(app.store.as_ref(), &tenant.id).await?.map(|c| info(&c.value)))
}

fn owner(tenant: &Tenant, what: &str) -> String {
    format!("stripe:{what}:{}", tenant.id)
}

/// The keys of a Stripe account, and what it takes.
pub struct StripeKeys<'a> {
    pub secret_key: &'a str,
    pub webhook_secret: &'a str,
    pub publishable_key: &'a str,
    /// USD invoices may be paid by US bank account (ACH) debit too.
    pub bank_debits: bool,
}

/// Connects the tenant's Stripe account (replacing any earlier keys). The keys are checked for
/// their shape and mode (test or live, alike); the secret ones are sealed.
pub async fn connect(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    keys: StripeKeys<'_>,
) -> Result<ConnectionInfo, AppError> {
    let StripeKeys { secret_key, webhook_secret, publishable_key, bank_debits } = keys;
    may_connect(actor, tenant)?;
    let (sk, wh, pk) = (secret_key.trim(), webhook_secret.trim(), publishable_key.trim());
    let mut errors = Vec::new();
    let token = |s: &str| s.len() >= 12 && s.len() <= 255 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let live = sk.starts_with("sk_live_") || sk.starts_with("rk_live_");
    if !(token(sk) && (live || sk.starts_with("sk_test_") || sk.starts_with("rk_test_"))) {
        errors.push(kt_domain::identity::Invalid::new(
            "secret_key",
            "paste the secret key (sk_live_… or sk_test_…) from Stripe's dashboard",
        ));
    }
    if !(token(wh) && wh.starts_with("whsec_")) {
        errors.push(kt_domain::identity::Invalid::new(
            "webhook_secret",
            "paste the webhook endpoint's signing secret (whsec_…)",
        ));
    }
    let pk_live = pk.starts_with("pk_live_");
    if !(token(pk) && (pk_live || pk.starts_with("pk_test_"))) {
        errors.push(kt_domain::identity::Invalid::new(
            "publishable_key",
            "paste the publishable key (pk_live_… or pk_test_…)",
        ));
    } else if pk_live != live {
        errors.push(kt_domain::identity::Invalid::new(
            "publishable_key",
            "use keys of the same mode (both live or both test)",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::from_invalid(errors));
    }
    save(app, tenant, "stripe", (sk, wh, pk), live, bank_debits, &actor.user.to_string()).await
}

/// Connects `tenant` to the local stand-in (the demo of `scripts/dev`), with fresh keys.
pub async fn connect_local(app: &AppState, tenant: &Tenant) -> Result<ConnectionInfo, AppError> {
    let r = || ulid::Ulid::new().to_string().to_lowercase();
    let keys = (&format!("sk_local_{}", r())[..], &format!("whsec_{}", r())[..], &format!("pk_local_{}", r())[..]);
    // The stand-in takes bank debits too, so the demo shows both ways to pay.
    save(app, tenant, "local", keys, false, true, "seed").await
}

async fn save(
    app: &AppState,
    tenant: &Tenant,
    provider: &str,
    (sk, wh, pk): (&str, &str, &str),
    live: bool,
    bank_debits: bool,
    by: &str,
) -> Result<ConnectionInfo, AppError> {
    let c = Connection {
        provider: provider.into(),
        secret_key_sealed: app.sealer.seal(sk.as_bytes(), &owner(tenant, "sk"))?,
        webhook_secret_sealed: app.sealer.seal(wh.as_bytes(), &owner(tenant, "whsec"))?,
        publishable_key: pk.into(),
        live,
        bank_debits,
        connected_by: by.into(),
        connected_at: app.clock.now(),
    };
    app.store.put(entity::item(store::connection_key(&tenant.id), &c, 1)?, Cond::None).await?;
    Ok(info(&c))
}

pub async fn disconnect(app: &AppState, actor: &Actor, tenant: &Tenant) -> Result<(), AppError> {
    may_connect(actor, tenant)?;
    Ok(app.store.delete(&store::connection_key(&tenant.id), Cond::None).await?)
}

/// The opened keys of a tenant's connection: (connection, account, webhook secret).
pub(crate) async fn keys(
    app: &AppState,
    tenant: &kt_domain::identity::TenantId,
) -> Result<Option<(Connection, Account, String)>, AppError> {
    let Some(c) = store::connection(app.store.as_ref(), tenant).await?.map(|v| v.value) else { return Ok(None) };
    let t = format!("{tenant}");
    let sk = app.sealer.open(&c.secret_key_sealed, &format!("stripe:sk:{t}"))?;
    let wh = app.sealer.open(&c.webhook_secret_sealed, &format!("stripe:whsec:{t}"))?;
    let text = |b: Vec<u8>| String::from_utf8(b).map_err(|_| AppError::Internal("sealed key is not text".into()));
    Ok(Some((c, Account { secret_key: text(sk)? }, text(wh)?)))
}

/// What the browser needs to take the payment.
#[derive(Debug, Clone)]
pub struct Started {
    pub provider: String,
    pub publishable_key: String,
    pub intent: String,
    pub client_secret: String,
    pub amount: Decimal,
    /// `card` or `ach`: what this intent is paid with.
    pub method: &'static str,
    /// The ways this invoice may be paid online (`card`, and `ach` for USD invoices of a
    /// portal that takes bank debits).
    pub methods: Vec<&'static str>,
}

/// How a checkout is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayWith {
    #[default]
    Card,
    /// A US bank account debit.
    Ach,
}

impl PayWith {
    pub fn as_str(self) -> &'static str {
        match self {
            PayWith::Card => "card",
            PayWith::Ach => "ach",
        }
    }
}

/// What is asked of the billed party when it pays the whole balance today: the balance, less
/// the early-payment discount while it holds.
pub fn due_now(inv: &Invoice, today: time::Date) -> Decimal {
    let discount = match (&inv.terms, inv.issued_on) {
        (Some(t), Some(sent)) if inv.paid.is_zero() => terms::early_discount(t, inv.currency, sent, today, inv.total),
        _ => Decimal::ZERO,
    };
    (inv.balance() - discount).max(Decimal::ZERO)
}

/// Starts paying an invoice (its billed party): a PaymentIntent on the issuing tenant's own
/// account for `amount` (default: what is due now), reused while unpaid.
pub async fn start(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    amount: Option<&str>,
    save_card: bool,
    with: PayWith,
) -> Result<Started, AppError> {
    let (current, side) = load(app, actor, tenant, id).await?;
    if side != Side::Billed {
        return Err(AppError::Forbidden);
    }
    let inv = &current.value;
    if !inv.status.is_open() || inv.balance() <= Decimal::ZERO {
        return Err(AppError::Conflict(format!("a {} invoice is not paid online", inv.status.as_str())));
    }
    let amount = match amount {
        Some(a) => {
            let a = inv.currency.parse_amount("amount", a).map_err(|e| AppError::from_invalid(vec![e]))?;
            if a <= Decimal::ZERO || a > inv.balance() {
                return Err(AppError::invalid(
                    "amount",
                    format!("pay more than 0 and at most the balance of {}", inv.balance()),
                ));
            }
            a
        }
        None => due_now(inv, app.clock.now().date()),
    };
    let minor = inv.currency.to_minor(amount).ok_or_else(|| AppError::invalid("amount", "is too large"))?;
    let Some((conn, account, _)) = keys(app, &tenant.id).await? else {
        return Err(AppError::Conflict("this portal does not take online payments yet".into()));
    };
    let methods: Vec<&'static str> = if conn.bank_debits && inv.currency.code() == "USD" {
        vec![PayWith::Card.as_str(), PayWith::Ach.as_str()]
    } else {
        vec![PayWith::Card.as_str()]
    };
    if !methods.contains(&with.as_str()) {
        return Err(AppError::invalid(
            "method",
            "this invoice is paid by card (bank debits are for USD invoices of portals that take them)",
        ));
    }
    if with == PayWith::Ach && save_card {
        return Err(AppError::invalid("save_card", "only a card is kept for automatic payments"));
    }
    let gateway = app.payments.for_provider(&conn.provider);
    let s = app.store.as_ref();
    let made = store::checkouts(s, &tenant.id, &inv.id).await?;
    let mut reusable = None;
    for c in made.iter().rev().filter(|c| c.provider == conn.provider) {
        // An intent made earlier for the same amount and way, still unpaid, is used again; bank
        // debits are asked about too (they take days to clear, and no second payment starts
        // meanwhile). Other card intents cost no call to the provider.
        let same = c.amount_minor == minor && c.save == save_card && c.method == with.as_str();
        if !same && c.method != PayWith::Ach.as_str() {
            continue;
        }
        let i = gateway.get_intent(&account, &c.intent).await.map_err(provider_error)?;
        if i.status == IntentStatus::Processing {
            return Err(AppError::Conflict(
                "a payment of this invoice is on its way (bank debits take a few days to clear)".into(),
            ));
        }
        let open = matches!(
            i.status,
            IntentStatus::RequiresPaymentMethod | IntentStatus::RequiresConfirmation | IntentStatus::RequiresAction
        );
        if same && open && reusable.is_none() {
            reusable = Some(i);
        }
    }
    if let Some(i) = reusable {
        return Ok(Started {
            provider: conn.provider,
            publishable_key: conn.publishable_key,
            intent: i.id,
            client_secret: i.client_secret,
            amount,
            method: with.as_str(),
            methods,
        });
    }
    let customer = customer(app, tenant, inv, gateway, &account).await?;
    let req = IntentRequest {
        amount_minor: minor,
        currency: inv.currency.code().to_ascii_lowercase(),
        customer,
        metadata: vec![
            ("tenant".into(), tenant.id.to_string()),
            ("invoice".into(), inv.id.clone()),
            ("number".into(), inv.number.clone().unwrap_or_default()),
        ],
        idempotency_key: format!("checkout-{}-{}-{minor}", inv.id, made.len()),
        save_method: save_card,
        charge_saved: None,
        methods: match with {
            PayWith::Card => Vec::new(),
            PayWith::Ach => vec![kt_platform::payments::BANK_DEBIT.to_owned()],
        },
    };
    let intent = gateway.create_intent(&account, &req).await.map_err(provider_error)?;
    let record = Checkout {
        intent: intent.id.clone(),
        provider: conn.provider.clone(),
        amount_minor: minor,
        by: actor.user.to_string(),
        at: app.clock.now(),
        save: save_card,
        method: with.as_str().to_owned(),
    };
    s.transact(vec![
        TxOp::Put { item: store::checkout_item(&tenant.id, &inv.id, &record)?, cond: Cond::None },
        TxOp::Put {
            item: kt_store::entity::pointer_item(intent_key(&tenant.id, &intent.id), "invoice", &inv.id),
            cond: Cond::None,
        },
    ])
    .await?;
    Ok(Started {
        provider: conn.provider,
        publishable_key: conn.publishable_key,
        intent: intent.id,
        client_secret: intent.client_secret,
        amount,
        method: with.as_str(),
        methods,
    })
}

/// `intent` -> the invoice it pays.
pub fn intent_key(tenant: &kt_domain::identity::TenantId, intent: &str) -> kt_store::Key {
    kt_store::Key::new(format!("T#{tenant}#PI#{intent}"), "PI")
}

/// The provider's customer of the billed party (made on first use, one per party and tenant).
pub(crate) async fn customer(
    app: &AppState,
    tenant: &Tenant,
    inv: &Invoice,
    gateway: &dyn kt_platform::payments::Payments,
    account: &Account,
) -> Result<String, AppError> {
    let scope = inv.billed.scope();
    let s = app.store.as_ref();
    if let Some(c) = store::customer(s, &tenant.id, &scope).await? {
        return Ok(c);
    }
    let name = match &inv.billed {
        Billed::Org { org } => accounts::get_org(s, &tenant.id, org).await?.map(|o| o.value.name),
        Billed::Partner { tenant } => tenants::get(s, tenant).await?.map(|t| t.value.name),
    }
    .unwrap_or_default();
    let info = CustomerInfo { name, email: None, reference: scope.clone() };
    let made = gateway
        .create_customer(account, &info, &format!("customer-{}-{scope}", tenant.id))
        .await
        .map_err(provider_error)?;
    match s.put(store::customer_item(&tenant.id, &scope, &made), Cond::NotExists).await {
        Ok(()) => Ok(made),
        Err(e) if e.is_conflict() => store::customer(s, &tenant.id, &scope).await?.ok_or(AppError::PreconditionFailed),
        Err(e) => Err(e.into()),
    }
}

/// What the local stand-in's card form answers.
#[derive(Debug, Clone)]
pub struct LocalOutcome {
    pub status: IntentStatus,
    pub message: Option<String>,
}

/// The local stand-in's card form: confirms the intent with a test card and delivers what
/// happened as signed provider events through the webhook handling, as Stripe would.
pub async fn confirm_local(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    intent: &str,
    card: &str,
) -> Result<LocalOutcome, AppError> {
    let (current, side) = load(app, actor, tenant, id).await?;
    if side != Side::Billed {
        return Err(AppError::Forbidden);
    }
    let Some((conn, account, webhook_secret)) = keys(app, &tenant.id).await? else { return Err(AppError::NotFound) };
    if conn.provider != "local" {
        return Err(AppError::NotFound);
    }
    let made = store::checkouts(app.store.as_ref(), &tenant.id, &current.value.id).await?;
    if !made.iter().any(|c| c.intent == intent) {
        return Err(AppError::NotFound);
    }
    let i = app.payments.local.confirm_intent(&account, intent, card).await.map_err(provider_error)?;
    let save = made.iter().any(|c| c.intent == intent && c.save);
    deliver_local(app, tenant, &current.value.id, &i, save, &webhook_secret).await?;
    Ok(LocalOutcome { status: i.status, message: i.last_error })
}

/// Delivers what happened to a local stand-in intent as the signed provider event Stripe
/// would send (`save`: the payer asked to keep the card), through the webhook handling.
pub(crate) async fn deliver_local(
    app: &AppState,
    tenant: &Tenant,
    invoice: &str,
    i: &kt_platform::payments::Intent,
    save: bool,
    webhook_secret: &str,
) -> Result<(), AppError> {
    let kind = match i.status {
        IntentStatus::Succeeded => "payment_intent.succeeded",
        IntentStatus::RequiresPaymentMethod => "payment_intent.payment_failed",
        _ => return Ok(()),
    };
    let now = app.clock.now_unix();
    let event = serde_json::json!({
        "id": format!("evt_local_{}", app.ids.ulid()),
        "object": "event",
        "type": kind,
        "created": now,
        "data": {"object": {
            "id": i.id, "object": "payment_intent", "amount": i.amount_minor,
            "amount_received": if i.status == IntentStatus::Succeeded { i.amount_minor } else { 0 },
            "currency": i.currency, "status": i.status.as_str(),
            "payment_method": i.payment_method,
            "payment_method_types": i.methods,
            "setup_future_usage": if save { Some("off_session") } else { None },
            "last_payment_error": i.last_error.as_ref().map(|m| serde_json::json!({"message": m})),
            "metadata": {"tenant": tenant.id.to_string(), "invoice": invoice},
        }},
    });
    let body = serde_json::to_vec(&event).map_err(|e| AppError::Internal(e.to_string()))?;
    let signature = kt_platform::payments::webhook::sign(webhook_secret, now, &body);
    super::webhooks::receive(app, &tenant.id, &body, Some(&signature)).await?;
    Ok(())
}

/// Refunds (part of) a card or bank payment through the provider (the issuer). The ledger
/// takes the refund at once; the provider's event for it changes nothing more.
pub async fn refund(
    app: &AppState,
    actor: &Actor,
    tenant: &Tenant,
    id: &str,
    payment: &str,
    amount: &str,
) -> Result<Sheet, AppError> {
    let (current, side) = load(app, actor, tenant, id).await?;
    if side != Side::Issuer || actor.role == Role::Staff {
        return Err(AppError::Forbidden);
    }
    let inv = current.value.clone();
    let entries = invoices::entries(app.store.as_ref(), &tenant.id, &inv.id).await?;
    let Some(paid) = entries.iter().find(|e| e.id == payment && matches!(e.kind, EntryKind::Payment { .. })) else {
        return Err(AppError::invalid("payment_id", "is not a payment of this invoice"));
    };
    let refunded: Decimal = entries
        .iter()
        .filter(|e| matches!(&e.kind, EntryKind::Refund { payment: p } if p == payment))
        .map(|e| -e.amount)
        .sum();
    let amount = inv.currency.parse_amount("amount", amount).map_err(|e| AppError::from_invalid(vec![e]))?;
    if amount <= Decimal::ZERO || amount > paid.amount - refunded {
        return Err(AppError::invalid("amount", format!("refund more than 0 and at most {}", paid.amount - refunded)));
    }
    if paid.recorded_by.is_some() {
        return Err(AppError::invalid(
            "payment_id",
            "was paid outside the portal: give it back the same way, or issue a credit note",
        ));
    }
    let Some((conn, account, _)) = keys(app, &tenant.id).await? else {
        return Err(AppError::Conflict("this portal is not connected to its payment provider".into()));
    };
    let minor = inv.currency.to_minor(amount).ok_or_else(|| AppError::invalid("amount", "is too large"))?;
    let n = entries.iter().filter(|e| matches!(e.kind, EntryKind::Refund { .. })).count();
    let req = RefundRequest {
        payment_intent: payment.into(),
        amount_minor: minor,
        idempotency_key: format!("refund-{payment}-{n}-{minor}"),
    };
    let r = app.payments.for_provider(&conn.provider).refund(&account, &req).await.map_err(provider_error)?;
    let entry = Entry {
        id: r.id,
        kind: EntryKind::Refund { payment: payment.into() },
        amount: -amount,
        on: app.clock.now().date(),
        reference: format!("refund of {payment}"),
        recorded_by: Some(actor.user.clone()),
        at: app.clock.now(),
    };
    for _ in 0..5 {
        let current = invoices::get(app.store.as_ref(), &tenant.id, &inv.id).await?.ok_or(AppError::NotFound)?;
        match super::payments::settle(app, tenant, current, vec![entry.clone()], Some(actor), Vec::new()).await {
            Ok(Some(sheet)) => return Ok(sheet),
            Ok(None) => break,
            Err(AppError::PreconditionFailed) => continue,
            Err(e) => return Err(e),
        }
    }
    let (now, side) = load(app, actor, tenant, id).await?;
    Ok(Sheet { figures: super::figures(&now.value), invoice: now.value, version: now.version, side })
}
