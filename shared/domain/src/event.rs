//! The envelope every domain event travels in, from the outbox through the queue to consumers.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ulid::Ulid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainEvent {
    /// Unique per event; consumers deduplicate on it.
    pub id: Ulid,
    /// Dotted name, e.g. `ticket.created`.
    pub kind: String,
    /// The tenant the event belongs to; `None` for platform events.
    pub tenant: Option<String>,
    #[serde(with = "crate::clock::rfc3339_ms")]
    pub occurred_at: OffsetDateTime,
    pub payload: serde_json::Value,
}

impl DomainEvent {
    pub fn new(
        id: Ulid,
        kind: impl Into<String>,
        tenant: Option<String>,
        occurred_at: OffsetDateTime,
        payload: serde_json::Value,
    ) -> Self {
        Self { id, kind: kind.into(), tenant, occurred_at, payload }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let e = DomainEvent::new(
            Ulid::new(),
            "ticket.created",
            Some("kt".into()),
            time::macros::datetime!(2026-03-01 12:00 UTC),
            serde_json::json!({"number": "KT-1001"}),
        );
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("2026-03-01T12:00:00.000Z"), "{json}");
        assert_eq!(serde_json::from_str::<DomainEvent>(&json).unwrap(), e);
    }
}
