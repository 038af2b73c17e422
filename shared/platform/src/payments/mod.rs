//! Payments: Stripe's webhook signatures ([`webhook`]); the Payments port with its Stripe and
//! local adapters comes with invoicing.

pub mod webhook;
