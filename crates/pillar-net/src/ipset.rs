//! Sets of integers as sorted, disjoint, non-adjacent inclusive intervals:
//! IPv4 addresses (`u32`), IPv6 addresses (`u128`) and ports (`u16`).
//!
//! Every operation keeps the canonical form, so two sets are equal exactly
//! when they hold the same members, and partial reachability (a NACL deny
//! carving one /24 out of the internet) stays exact.

use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// An unsigned integer type the sets are built over.
pub trait Point: Copy + Ord + Debug + Default {
    /// The largest member.
    const MAX: Self;
    /// The smallest member.
    const MIN: Self;
    /// The next value, if any.
    fn succ(self) -> Option<Self>;
    /// The previous value, if any.
    fn pred(self) -> Option<Self>;
    /// Widened to `u128`.
    fn wide(self) -> u128;
}

macro_rules! point {
    ($($t:ty),*) => {$(
        impl Point for $t {
            const MAX: Self = <$t>::MAX;
            const MIN: Self = 0;
            fn succ(self) -> Option<Self> { self.checked_add(1) }
            fn pred(self) -> Option<Self> { self.checked_sub(1) }
            fn wide(self) -> u128 { u128::from(self) }
        }
    )*};
}
point!(u16, u32, u128);

/// A set of values as canonical inclusive intervals.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IntervalSet<T: Point> {
    ranges: Vec<(T, T)>,
}

impl<T: Point> Default for IntervalSet<T> {
    fn default() -> Self {
        IntervalSet { ranges: Vec::new() }
    }
}

impl<T: Point> IntervalSet<T> {
    /// The empty set.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every value.
    pub fn full() -> Self {
        IntervalSet {
            ranges: vec![(T::MIN, T::MAX)],
        }
    }

    /// One inclusive range (empty when `lo > hi`).
    pub fn range(lo: T, hi: T) -> Self {
        if lo > hi {
            return Self::empty();
        }
        IntervalSet {
            ranges: vec![(lo, hi)],
        }
    }

    /// A single value.
    pub fn single(v: T) -> Self {
        Self::range(v, v)
    }

    /// From any ranges (overlapping, unsorted, reversed ones are dropped).
    pub fn from_ranges(iter: impl IntoIterator<Item = (T, T)>) -> Self {
        let mut v: Vec<(T, T)> = iter.into_iter().filter(|(a, b)| a <= b).collect();
        v.sort_unstable();
        let mut out: Vec<(T, T)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            if let Some(last) = out.last_mut() {
                // Merge when overlapping or adjacent.
                let touches = match last.1.succ() {
                    Some(n) => a <= n,
                    None => true,
                };
                if touches {
                    if b > last.1 {
                        last.1 = b;
                    }
                    continue;
                }
            }
            out.push((a, b));
        }
        IntervalSet { ranges: out }
    }

    /// The canonical ranges, ascending.
    pub fn ranges(&self) -> &[(T, T)] {
        &self.ranges
    }

    /// Whether the set has no member.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the set holds every value.
    pub fn is_full(&self) -> bool {
        self.ranges.as_slice() == [(T::MIN, T::MAX)]
    }

    /// Whether `v` is a member.
    pub fn contains(&self, v: T) -> bool {
        let i = self.ranges.partition_point(|&(_, b)| b < v);
        self.ranges.get(i).is_some_and(|&(a, _)| a <= v)
    }

    /// Whether every member of `other` is a member of `self`.
    pub fn contains_set(&self, other: &Self) -> bool {
        other.difference(self).is_empty()
    }

    /// Whether the sets share a member.
    pub fn intersects(&self, other: &Self) -> bool {
        !self.intersection(other).is_empty()
    }

    /// Members of either.
    pub fn union(&self, other: &Self) -> Self {
        Self::from_ranges(self.ranges.iter().chain(&other.ranges).copied())
    }

    /// Members of both.
    pub fn intersection(&self, other: &Self) -> Self {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while let (Some(&(a1, b1)), Some(&(a2, b2))) = (self.ranges.get(i), other.ranges.get(j)) {
            let lo = a1.max(a2);
            let hi = b1.min(b2);
            if lo <= hi {
                out.push((lo, hi));
            }
            if b1 < b2 {
                i += 1;
            } else {
                j += 1;
            }
        }
        IntervalSet { ranges: out }
    }

    /// Every value not in the set.
    pub fn complement(&self) -> Self {
        let mut out = Vec::with_capacity(self.ranges.len() + 1);
        let mut next = Some(T::MIN);
        for &(a, b) in &self.ranges {
            if let Some(n) = next {
                if n < a {
                    if let Some(p) = a.pred() {
                        out.push((n, p));
                    }
                }
            }
            next = b.succ();
        }
        if let Some(n) = next {
            out.push((n, T::MAX));
        }
        IntervalSet { ranges: out }
    }

    /// Members of `self` not in `other`.
    pub fn difference(&self, other: &Self) -> Self {
        self.intersection(&other.complement())
    }

    /// Number of members, saturating at `u128::MAX`.
    pub fn count(&self) -> u128 {
        self.ranges.iter().fold(0u128, |acc, &(a, b)| {
            acc.saturating_add((b.wide() - a.wide()).saturating_add(1))
        })
    }
}

/// Ports, `0..=65535`.
pub type PortSet = IntervalSet<u16>;
/// IPv4 addresses.
pub type V4Set = IntervalSet<u32>;
/// IPv6 addresses.
pub type V6Set = IntervalSet<u128>;

/// Decompose `[lo, hi]` of a `bits`-wide space into the fewest aligned
/// prefixes, as (start, prefix length).
pub fn to_prefixes(lo: u128, hi: u128, bits: u32) -> Vec<(u128, u32)> {
    let mut out = Vec::new();
    let mut cur = lo;
    loop {
        // The largest aligned block starting at `cur` that fits in [cur, hi].
        let mut size_bits = if cur == 0 {
            bits
        } else {
            cur.trailing_zeros().min(bits)
        };
        loop {
            let last = if size_bits >= 128 {
                u128::MAX
            } else {
                cur | ((1u128 << size_bits) - 1)
            };
            if last <= hi {
                out.push((cur, bits - size_bits));
                match last.checked_add(1) {
                    Some(n) if last < hi => cur = n,
                    _ => return out,
                }
                break;
            }
            size_bits -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_merge_and_complement() {
        let s = IntervalSet::<u16>::from_ranges([(5, 9), (10, 12), (1, 2), (20, 19)]);
        assert_eq!(s.ranges(), &[(1, 2), (5, 12)]);
        assert_eq!(s.complement().ranges(), &[(0, 0), (3, 4), (13, u16::MAX)]);
        assert!(IntervalSet::<u16>::full().complement().is_empty());
        assert!(IntervalSet::<u16>::empty().complement().is_full());
        assert_eq!(s.count(), 10);
        assert!(s.contains(7) && !s.contains(3));
    }

    #[test]
    fn prefixes_of_ranges() {
        assert_eq!(to_prefixes(0, u128::from(u32::MAX), 32), vec![(0, 0)]);
        assert_eq!(to_prefixes(0, 0x7fff_ffff, 32), vec![(0, 1)]);
        assert_eq!(
            to_prefixes(1, 6, 32),
            vec![(1, 32), (2, 31), (4, 31), (6, 32)]
        );
        assert_eq!(to_prefixes(0, u128::MAX, 128), vec![(0, 0)]);
    }
}
