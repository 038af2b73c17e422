//! The order of a work queue and the counts that turn a queue number into a position, laid out
//! so that no single item takes every queue change (see [`crate::ticket`] for the rules).
//!
//! # Queue numbers
//!
//! A ticket's queue number is the moment it entered, in 1/256 ms since [`EPOCH_UNIX_MS`], with
//! the low byte taken from its id to break ties within a millisecond: first in, first out by
//! time, with no counter that every filing must write. Numbers fit in [`NUMBER_BITS`] bits
//! (34 years). One process issues strictly increasing numbers ([`next_number`]: filings it
//! takes in one millisecond keep their order); two processes' tickets of one priority entering
//! in the same millisecond with the same low byte (1 in 256 of those rare pairs) share a number,
//! and so a position.
//!
//! # The count tree
//!
//! A radix-64 tree over the number space, [`LEVELS`] deep: the node of level `l` (1 = leaf)
//! with index `n >> 6l` counts, in 64 child counters, the waiting numbers under each of its
//! children. An entry or exit changes one counter per level ([`update_path`]); the count of
//! waiting numbers below `n` is, at every level, the sum of the counters left of `n`'s path
//! ([`prefix_reads`]): [`LEVELS`] nodes, whatever the queue's length.
//!
//! Every entry lands at "now", so the nodes of levels covering a second or more
//! ([`SPLIT_FROM_LEVEL`] and up) would be written by every filing of every tenant. Those are
//! split into [`SHARDS`] copies: a change writes the copy of its ticket's shard, a reader sums
//! all copies. A copy's counters may go negative (a ticket may leave through another shard
//! than it entered by); only the sums mean anything. A position read is then
//! [`READ_ITEMS`] items, and the busiest copy takes 1/[`SHARDS`] of a priority's changes.

/// Queue numbers count 1/256 ms since 2026-01-01T00:00:00Z.
pub const EPOCH_UNIX_MS: i64 = 1_767_225_600_000;
/// Bits of a queue number: 40 of milliseconds, 8 of tie-break.
pub const NUMBER_BITS: u32 = 48;
/// Bits per level (radix 64).
pub const RADIX_BITS: u32 = 6;
/// Children per node.
pub const RADIX: u64 = 1 << RADIX_BITS;
/// Levels of the tree; the top one has a single node (index 0), whose counters sum to the
/// queue's length.
pub const LEVELS: u32 = NUMBER_BITS / RADIX_BITS;
/// Levels from which nodes are split into [`SHARDS`] copies: level 3 spans about a second.
pub const SPLIT_FROM_LEVEL: u32 = 3;
/// Copies of each split node.
pub const SHARDS: u32 = 8;
/// Items a count of the numbers below a number reads (every copy of every node on its path).
pub const READ_ITEMS: usize =
    (SPLIT_FROM_LEVEL as usize - 1) + (LEVELS - SPLIT_FROM_LEVEL + 1) as usize * SHARDS as usize;

/// One copy of one node of a priority's tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Node {
    pub level: u32,
    pub index: u64,
    pub shard: u32,
}

/// The queue number of a ticket (`id`) entering at `entered_at`.
pub fn number(entered_at: time::OffsetDateTime, id: &str) -> u64 {
    let ms = (entered_at.unix_timestamp_nanos() / 1_000_000) as i64 - EPOCH_UNIX_MS;
    let ms = ms.clamp(0, (1i64 << (NUMBER_BITS - 8)) - 1) as u64;
    (ms << 8) | (crate::stable_hash(id) & 0xff)
}

/// The last number this process issued.
static LAST_ISSUED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The queue number of ticket `id` entering now (`entered_at`): [`number`], or one past the
/// last this process issued when that is later, so this process's numbers strictly increase.
pub fn next_number(entered_at: time::OffsetDateTime, id: &str) -> u64 {
    use std::sync::atomic::Ordering;
    let wanted = number(entered_at, id);
    let last = LAST_ISSUED.fetch_update(Ordering::AcqRel, Ordering::Acquire, |last| Some(wanted.max(last + 1)));
    // The closure never refuses: `Err` cannot happen.
    last.map_or(wanted, |last| wanted.max(last + 1))
}

/// The copy of split nodes a ticket's changes write.
pub fn shard_of(id: &str) -> u32 {
    ((crate::stable_hash(id) >> 8) % SHARDS as u64) as u32
}

fn copies(level: u32) -> u32 {
    if level >= SPLIT_FROM_LEVEL { SHARDS } else { 1 }
}

/// The child of the level-`level` node on `number`'s path.
fn child(number: u64, level: u32) -> u8 {
    ((number >> (RADIX_BITS * (level - 1))) & (RADIX - 1)) as u8
}

fn index(number: u64, level: u32) -> u64 {
    number.checked_shr(RADIX_BITS * level).unwrap_or(0)
}

/// The counters (node copy, child) an entry or exit of `number` changes, written through
/// copy `shard` of split nodes: one per level.
pub fn update_path(number: u64, shard: u32) -> Vec<(Node, u8)> {
    (1..=LEVELS)
        .map(|level| {
            let shard = if copies(level) > 1 { shard % SHARDS } else { 0 };
            (Node { level, index: index(number, level), shard }, child(number, level))
        })
        .collect()
}

/// The nodes to read to count the waiting numbers below `number`, each with how many of its
/// leading children count: the sum of `counters[..below]` over every listed node. The top
/// level's copies come last; all their counters together are the queue's length.
pub fn prefix_reads(number: u64) -> Vec<(Node, u8)> {
    let mut out = Vec::with_capacity(READ_ITEMS);
    for level in 1..=LEVELS {
        for shard in 0..copies(level) {
            out.push((Node { level, index: index(number, level), shard }, child(number, level)));
        }
    }
    out
}

/// The copies of the top node: their counters sum to the queue's length.
pub fn root_copies() -> impl Iterator<Item = Node> {
    (0..copies(LEVELS)).map(|shard| Node { level: LEVELS, index: 0, shard })
}

/// `(position, length)` of `number` from the counters of [`prefix_reads`]`(number)`, read in
/// that order (`counters(i)` gives the i-th node's 64 counters, absent ones 0). A moment
/// between two changes can leave a count off by one: never below 1 nor past the end.
pub fn position_from(number: u64, counters: impl Fn(usize) -> [i64; RADIX as usize]) -> (u64, u64) {
    let reads = prefix_reads(number);
    let mut below = 0i64;
    let mut length = 0i64;
    for (i, (node, upto)) in reads.iter().enumerate() {
        let c = counters(i);
        below += c[..*upto as usize].iter().sum::<i64>();
        if node.level == LEVELS {
            length += c.iter().sum::<i64>();
        }
    }
    let length = length.max(0) as u64;
    ((below.max(0) as u64 + 1).min(length.max(1)), length)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use proptest::prelude::*;

    use super::*;

    #[test]
    fn numbers_follow_time_and_fit() {
        let t = time::macros::datetime!(2026-12-04 09:00 UTC);
        let a = number(t, "01JA");
        let b = number(t + time::Duration::milliseconds(1), "01JB");
        assert!(a < b, "a millisecond later is later");
        assert_eq!(a >> 8, (t.unix_timestamp() * 1000 - EPOCH_UNIX_MS) as u64);
        assert!(number(time::macros::datetime!(2060-01-01 0:00 UTC), "x") < 1 << NUMBER_BITS);
        assert_eq!(number(time::macros::datetime!(2020-01-01 0:00 UTC), "x") >> 8, 0, "before the epoch: the front");
        assert_eq!(READ_ITEMS, prefix_reads(a).len());
        assert_eq!(READ_ITEMS, 2 + 6 * 8);
        assert_eq!(update_path(a, 3).len(), LEVELS as usize);
        assert!(update_path(a, 3).iter().all(|(n, _)| n.shard == if n.level >= SPLIT_FROM_LEVEL { 3 } else { 0 }));
        assert!(shard_of("01JBXYZ") < SHARDS);
        // One process's numbers strictly increase, even at one instant.
        let first = next_number(t, "01JC");
        let second = next_number(t, "01JC");
        assert!(second > first);
    }

    proptest! {
        /// Counting through the tree equals counting the set, for any mix of entries and exits,
        /// whichever copies the changes write through.
        #[test]
        fn counts_like_a_set(
            ops in proptest::collection::vec((0u64..(1 << NUMBER_BITS), any::<bool>(), 0u32..SHARDS), 1..200),
            near in proptest::collection::vec(0u64..5_000, 0..100),
            probe in 0u64..(1 << NUMBER_BITS),
        ) {
            let mut nodes: HashMap<Node, [i64; 64]> = HashMap::new();
            let mut set = BTreeSet::new();
            // Wide numbers and crowded small ones (shared nodes at every level).
            let all = ops.iter().copied().chain(near.iter().map(|n| (*n, n % 3 != 0, (*n % 8) as u32)));
            for (n, enter, shard) in all {
                let delta = match (enter, set.contains(&n)) {
                    (true, false) => { set.insert(n); 1 }
                    (false, true) => { set.remove(&n); -1 }
                    _ => continue,
                };
                for (node, c) in update_path(n, shard) {
                    nodes.entry(node).or_insert([0; 64])[c as usize] += delta;
                }
            }
            for probe in [probe, probe % 5_000] {
                let reads = prefix_reads(probe);
                let (position, length) = position_from(probe, |i| nodes.get(&reads[i].0).copied().unwrap_or([0; 64]));
                prop_assert_eq!(length, set.len() as u64);
                let below = set.range(..probe).count() as u64;
                prop_assert_eq!(position, (below + 1).min(length.max(1)));
            }
        }
    }
}
