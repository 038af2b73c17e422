//! Identity and tenancy use cases: tenants and the hosts that reach them, organizations and
//! users, passwords, second factors, sessions and tokens, sign-in throttling.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod branding;
pub mod domains;
pub mod links;
pub mod passwords;
pub mod people;
pub mod sessions;
pub mod standing;
pub mod tenancy;
pub mod throttle;
pub mod tokens;
pub mod two_factor;
pub mod upgrade;
