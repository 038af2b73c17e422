//! Identifier generation: ULIDs, monotonic within a millisecond so ids made in one process sort
//! in creation order.

use std::sync::Mutex;

use ulid::{Generator, Ulid};

pub trait Ids: Send + Sync + 'static {
    fn ulid(&self) -> Ulid;
}

#[derive(Default)]
pub struct UlidIds {
    generator: Mutex<Generator>,
}

impl UlidIds {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Ids for UlidIds {
    fn ulid(&self) -> Ulid {
        let mut g = self.generator.lock().unwrap_or_else(|e| e.into_inner());
        // Overflow needs 2^80 ids in one millisecond; fall back to a fresh random id.
        g.generate().unwrap_or_else(|_| Ulid::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_ordered() {
        let ids = UlidIds::new();
        let made: Vec<Ulid> = (0..10_000).map(|_| ids.ulid()).collect();
        assert!(made.windows(2).all(|w| w[0] < w[1]));
    }
}
