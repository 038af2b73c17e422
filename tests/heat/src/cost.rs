//! The monthly AWS bill of what the driver counted, from the unit prices in `prices.txt`.

use std::collections::BTreeMap;

use anyhow::Context;
use serde::Serialize;

/// Unit prices by name (`prices.txt`).
pub struct Prices(BTreeMap<String, f64>);

impl Prices {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut out = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (name, value) = line.split_once('=').with_context(|| format!("line {}: name = value", n + 1))?;
            let value: f64 = value.trim().parse().with_context(|| format!("line {}: a number", n + 1))?;
            out.insert(name.trim().to_owned(), value);
        }
        Ok(Self(out))
    }

    fn get(&self, name: &str) -> anyhow::Result<f64> {
        self.0.get(name).copied().with_context(|| format!("prices.txt names no {name}"))
    }
}

/// What one month at the measured load uses.
#[derive(Debug, Clone, Copy, Default, Serialize, serde::Deserialize)]
pub struct Usage {
    pub write_units: f64,
    pub read_units: f64,
    pub lambda_gb_seconds: f64,
    pub lambda_requests: f64,
    pub http_requests: f64,
    pub websocket_messages: f64,
    pub connection_minutes: f64,
    pub sqs_requests: f64,
    pub mails: f64,
}

/// Dollars per month, by service.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Bill {
    pub lines: Vec<(String, f64)>,
    pub total: f64,
}

pub fn bill(usage: &Usage, prices: &Prices) -> anyhow::Result<Bill> {
    let m = 1e6;
    let lines = vec![
        (
            "DynamoDB on-demand".to_owned(),
            usage.write_units / m * prices.get("dynamodb_per_million_write_units")?
                + usage.read_units / m * prices.get("dynamodb_per_million_read_units")?,
        ),
        (
            "Lambda".to_owned(),
            usage.lambda_gb_seconds * prices.get("lambda_per_gb_second")?
                + usage.lambda_requests / m * prices.get("lambda_per_million_requests")?,
        ),
        ("API Gateway HTTP".to_owned(), usage.http_requests / m * prices.get("http_api_per_million_requests")?),
        (
            "API Gateway WebSocket".to_owned(),
            usage.websocket_messages / m * prices.get("websocket_per_million_messages")?
                + usage.connection_minutes / m * prices.get("websocket_per_million_connection_minutes")?,
        ),
        ("SQS".to_owned(), usage.sqs_requests / m * prices.get("sqs_per_million_requests")?),
        ("SES".to_owned(), usage.mails / 1000.0 * prices.get("ses_per_thousand_messages")?),
    ];
    let total = lines.iter().map(|(_, d)| d).sum();
    Ok(Bill { lines, total })
}

pub fn memory_gb(prices: &Prices) -> anyhow::Result<f64> {
    prices.get("lambda_memory_gb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_file_parses_and_bills() {
        let prices = Prices::parse(include_str!("../prices.txt")).expect("prices.txt");
        let usage = Usage { write_units: 2e6, read_units: 8e6, mails: 1000.0, ..Usage::default() };
        let b = bill(&usage, &prices).expect("bill");
        assert!((b.lines[0].1 - (2.0 * 0.625 + 8.0 * 0.125)).abs() < 1e-9, "{b:?}");
        assert!((b.total - (2.25 + 0.10)).abs() < 1e-9, "{b:?}");
        assert!(Prices::parse("x = y").is_err());
    }
}
