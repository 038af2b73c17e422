//! Estimated time to a first response, from history: each recorded wait (entering the queue
//! to the first staff response) divided by the position it started from is the time one
//! place in the queue took. A ticket at position X waits about X such places; the middle half
//! of the recorded per-place times gives a range, not false precision. With too little
//! history, the SLA target is the estimate.

use serde::{Deserialize, Serialize};

/// Fewer samples than this and the estimate falls back to the SLA target.
pub const MIN_SAMPLES: usize = 5;
/// Samples older than this are not history any more (30 days).
pub const WINDOW_SECS: i64 = 30 * 24 * 3600;
/// At most this many recent samples are summarized.
pub const MAX_SAMPLES: usize = 200;

/// One recorded first wait.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub wait_secs: u64,
    pub position: u64,
}

/// What a position read needs: seconds per place in the queue, low and high.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub per_place_low: f64,
    pub per_place_high: f64,
    pub samples: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    History,
    SlaTarget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub low_secs: u64,
    pub high_secs: u64,
    pub basis: Basis,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    let idx = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (idx.floor() as usize, idx.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (idx - lo as f64)
}

/// Summarizes samples (the most recent [`MAX_SAMPLES`] are expected); `None` with too few.
pub fn summarize(samples: &[Sample]) -> Option<Summary> {
    let mut per_place: Vec<f64> =
        samples.iter().map(|s| s.wait_secs as f64 / s.position.max(1) as f64).filter(|v| v.is_finite()).collect();
    if per_place.len() < MIN_SAMPLES {
        return None;
    }
    per_place.sort_by(f64::total_cmp);
    Some(Summary {
        per_place_low: quantile(&per_place, 0.25),
        per_place_high: quantile(&per_place, 0.75),
        samples: per_place.len(),
    })
}

/// Rounds to a figure a person reads: minutes below two hours, hours below two days, then days.
pub fn round_human(secs: u64, up: bool) -> u64 {
    let unit = match secs {
        0..7_200 => 60,
        7_200..172_800 => 3_600,
        _ => 86_400,
    };
    let units = if up { secs.div_ceil(unit) } else { secs / unit };
    (units * unit).max(60)
}

/// The estimate for a ticket at `position`.
pub fn estimate(summary: Option<&Summary>, position: u64, sla_target_secs: u64) -> Estimate {
    match summary {
        Some(s) => {
            let low = (s.per_place_low * position as f64).max(0.0) as u64;
            let high = (s.per_place_high * position as f64).ceil().max(low as f64) as u64;
            let (low, high) = (round_human(low, false), round_human(high, true));
            Estimate { low_secs: low, high_secs: high.max(low), basis: Basis::History }
        }
        None => Estimate { low_secs: 0, high_secs: sla_target_secs, basis: Basis::SlaTarget },
    }
}
