//! The invoice as stored: who issued it, who is billed, its lines and figures, its status and
//! the terms it was sent under.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::Status;
use super::draft::Line;
use super::plan::Plan;
use super::terms::Terms;
use super::totals::{Discount, TaxRate};
use crate::identity::{OrgId, TenantId, TicketId, UserId};
use crate::money::Currency;

/// Who an invoice bills: one of the issuing tenant's client organizations, or (for invoices
/// Kre8ivTech issues) a partner tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Billed {
    Org { org: OrgId },
    Partner { tenant: TenantId },
}

impl Billed {
    /// The index scope of the billed party's invoice list (`ORG#<id>` or `PARTNER#<id>`).
    pub fn scope(&self) -> String {
        match self {
            Billed::Org { org } => format!("ORG#{org}"),
            Billed::Partner { tenant } => format!("PARTNER#{tenant}"),
        }
    }
}

/// A time entry an invoice bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLink {
    pub ticket: TicketId,
    pub entry: String,
    pub minutes: u32,
    pub work_date: time::Date,
}

/// Which period of which recurring schedule an invoice bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringRef {
    pub schedule: String,
    pub period: u32,
    pub period_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: String,
    /// The issuing tenant.
    pub tenant: TenantId,
    pub billed: Billed,
    pub status: Status,
    /// Taken when it is sent; drafts have none.
    #[serde(default)]
    pub number: Option<String>,
    /// The tenant's sequence value behind `number`.
    #[serde(default)]
    pub seq: Option<u64>,
    pub currency: Currency,
    pub lines: Vec<Line>,
    #[serde(default)]
    pub discount: Option<Discount>,
    /// The tax rates its lines name, as they were when it was last edited (a rate changed later
    /// does not change a sent invoice).
    #[serde(default)]
    pub tax_rates: Vec<TaxRate>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub terms_text: String,
    /// The payment terms it was sent under.
    #[serde(default)]
    pub terms: Option<Terms>,
    #[serde(default)]
    pub issued_on: Option<Date>,
    #[serde(default)]
    pub due_on: Option<Date>,
    /// The figures of its lines (kept with it for lists and sums).
    #[serde(with = "rust_decimal::serde::str")]
    pub total: Decimal,
    /// Settled so far: payments less refunds, plus credit notes applied.
    #[serde(with = "rust_decimal::serde::str", default)]
    pub paid: Decimal,
    #[serde(default, with = "crate::clock::rfc3339_ms::option")]
    pub viewed_at: Option<OffsetDateTime>,
    /// Tickets this invoice bills work on.
    #[serde(default)]
    pub tickets: Vec<TicketId>,
    /// Time entries of those tickets it bills (each entry on one invoice at most), as they
    /// were when linked. Internal: its issuers see them, the billed party does not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_entries: Vec<TimeLink>,
    /// The reminders sent (days relative to the due date), each once.
    #[serde(default)]
    pub reminded: Vec<i16>,
    /// What credit notes have credited against it (applied or left as the party's credit).
    #[serde(with = "rust_decimal::serde::str", default)]
    pub credited: Decimal,
    /// Its balance split into instalments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// The recurring schedule and period that generated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurring: Option<RecurringRef>,
    /// Why it was voided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub void_reason: Option<String>,
    pub created_by: UserId,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub updated_at: OffsetDateTime,
}

impl Invoice {
    /// What is still owed.
    pub fn balance(&self) -> Decimal {
        (self.total - self.paid).max(Decimal::ZERO)
    }

    /// Past its due date on `today` with something owed, or behind its payment plan.
    pub fn past_due(&self, today: Date) -> bool {
        self.status.is_open()
            && self.balance() > Decimal::ZERO
            && (self.due_on.is_some_and(|d| today > d)
                || self.plan.as_ref().is_some_and(|p| p.behind(self.paid, today)))
    }
}
