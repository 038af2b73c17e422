//! Service requests (PRD 4.3): the service types the house offers, and the requests clients
//! (or partners and staff for them) make with each type's form.

pub mod requests;
pub mod types;
