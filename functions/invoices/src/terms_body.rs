//! Payment terms as the API reads and writes them (percentages and amounts as strings).

use kt_app::AppError;
use kt_domain::identity::Invalid;
use kt_domain::invoice::terms::{Due, EarlyDiscount, FeeAmount, Interest, LateFee, Terms};
use kt_http::input::{Amount, Name};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// When payment is due and what paying early or late means.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermsBody {
    #[schema(example = "Net 30")]
    pub name: Name,
    /// Days after sending the invoice is due; 0: due on receipt.
    #[schema(example = 30, minimum = 0, maximum = 365)]
    pub due_days: u16,
    /// "2/10 net 30": `percent` off when paid within `days`.
    pub early_discount: Option<EarlyDiscountBody>,
    pub late_fee: Option<LateFeeBody>,
    /// Interest by the day on what is overdue (simple, actual/365), e.g. the EU's reference
    /// rate plus 8 points for business debts.
    pub interest: Option<InterestBody>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EarlyDiscountBody {
    #[schema(example = "2")]
    pub percent: Amount,
    #[schema(example = 10)]
    pub days: u16,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LateFeeBody {
    /// `percent` (of the overdue balance) or `fixed` (in the invoice's currency).
    #[schema(example = "percent")]
    pub kind: kt_http::input::Short,
    #[schema(example = "1.5")]
    pub value: Amount,
    /// Days after the due date before the first fee.
    #[schema(example = 7)]
    pub grace_days: u16,
    /// Charged again every this many days while overdue; absent: once.
    #[schema(example = 30)]
    pub repeat_days: Option<u16>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestBody {
    #[schema(example = "10.5")]
    pub annual_percent: Amount,
}

fn decimal(field: &str, raw: &str, errors: &mut Vec<Invalid>) -> Decimal {
    match raw.trim().parse::<Decimal>() {
        Ok(d) if !raw.contains(['e', 'E']) => d,
        _ => {
            errors.push(Invalid::new(field.to_owned(), "use a decimal number such as 2 or 1.5"));
            Decimal::ZERO
        }
    }
}

fn text<T: From<String>>(s: String) -> T {
    T::from(s)
}

impl TermsBody {
    /// The domain's terms, every broken rule named (under `prefix`, e.g. `terms.`).
    pub fn into_terms(self, prefix: &str) -> Result<Terms, AppError> {
        let mut errors = Vec::new();
        let at = |f: &str| format!("{prefix}{f}");
        let early_discount = self.early_discount.map(|d| EarlyDiscount {
            percent: decimal(&at("early_discount.percent"), &d.percent, &mut errors),
            days: d.days,
        });
        let late_fee = self.late_fee.map(|f| {
            let value = decimal(&at("late_fee.value"), &f.value, &mut errors);
            let amount = match f.kind.trim() {
                "percent" => FeeAmount::Percent { percent: value },
                "fixed" => FeeAmount::Fixed { amount: value },
                _ => {
                    errors.push(Invalid::new(at("late_fee.kind"), "use percent or fixed"));
                    FeeAmount::Fixed { amount: value }
                }
            };
            LateFee { amount, grace_days: f.grace_days, repeat_days: f.repeat_days }
        });
        let interest = self.interest.map(|i| Interest {
            annual_percent: decimal(&at("interest.annual_percent"), &i.annual_percent, &mut errors),
        });
        if self.due_days > 365 {
            errors.push(Invalid::new(at("due_days"), "use 0 to 365 days"));
        }
        let terms = Terms {
            name: self.name.trim().to_owned(),
            due: if self.due_days == 0 { Due::OnReceipt } else { Due::Net { days: self.due_days } },
            early_discount,
            late_fee,
            interest,
        };
        if let Err(es) = terms.check() {
            errors.extend(es.into_iter().map(|e| Invalid::new(at(&e.field), e.message)));
        }
        if errors.is_empty() { Ok(terms) } else { Err(AppError::from_invalid(errors)) }
    }

    pub fn from_terms(t: &Terms) -> Self {
        let amount = |d: Decimal| -> Amount { text(d.normalize().to_string()) };
        TermsBody {
            name: text(t.name.clone()),
            due_days: match t.due {
                Due::OnReceipt => 0,
                Due::Net { days } => days,
            },
            early_discount: t.early_discount.map(|d| EarlyDiscountBody { percent: amount(d.percent), days: d.days }),
            late_fee: t.late_fee.map(|f| {
                let (kind, value) = match f.amount {
                    FeeAmount::Percent { percent } => ("percent", percent),
                    FeeAmount::Fixed { amount } => ("fixed", amount),
                };
                LateFeeBody {
                    kind: text(kind.to_owned()),
                    value: amount(value),
                    grace_days: f.grace_days,
                    repeat_days: f.repeat_days,
                }
            }),
            interest: t.interest.map(|i| InterestBody { annual_percent: amount(i.annual_percent) }),
        }
    }
}
