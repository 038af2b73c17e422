//! Invoices: money rules and the lifecycle (PRD 4.4).

pub mod totals;
