//! Independence of evidence (DESIGN "Independence"): two observations are
//! independent only if their parties differ and their source classes differ.
//! A standard that needs N independent sources therefore needs a matching of
//! size N between classes and parties; if it also needs a neutral source,
//! one matched class must be neutral. The checker asks this of declared
//! source classes, the engine of the observations in hand.

use std::collections::{BTreeMap, BTreeSet};

/// A possible corroborating source: a class, a party operating it, and
/// whether the class is neutral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Source<C, P> {
    pub class: C,
    pub party: P,
    pub neutral: bool,
}

/// Whether `required` pairwise independent sources (one neutral, if
/// `neutral`) can be drawn from `sources`.
pub fn independent<C: Ord + Copy, P: Ord + Copy>(
    required: usize,
    neutral: bool,
    sources: &[Source<C, P>],
) -> bool {
    if !neutral {
        return max_matching(sources) >= required;
    }
    sources.iter().filter(|s| s.neutral).any(|fixed| {
        let rest: Vec<Source<C, P>> = sources
            .iter()
            .copied()
            .filter(|s| s.class != fixed.class && s.party != fixed.party)
            .collect();
        1 + max_matching(&rest) >= required
    })
}

/// The largest number of sources with pairwise distinct classes and parties.
pub fn max_matching<C: Ord + Copy, P: Ord + Copy>(sources: &[Source<C, P>]) -> usize {
    let mut by_class: BTreeMap<C, Vec<P>> = BTreeMap::new();
    for s in sources {
        let parties = by_class.entry(s.class).or_default();
        if !parties.contains(&s.party) {
            parties.push(s.party);
        }
    }
    let adjacency: Vec<Vec<P>> = by_class.into_values().collect();
    bipartite(&adjacency)
}

/// Size of a maximum bipartite matching; `adjacency[i]` lists the
/// right-hand nodes of left node `i` (augmenting paths; graphs here are small).
pub fn bipartite<R: Ord + Copy>(adjacency: &[Vec<R>]) -> usize {
    fn augment<R: Ord + Copy>(
        i: usize,
        adjacency: &[Vec<R>],
        owner: &mut BTreeMap<R, usize>,
        visited: &mut BTreeSet<R>,
    ) -> bool {
        let Some(options) = adjacency.get(i) else {
            return false;
        };
        for right in options {
            if !visited.insert(*right) {
                continue;
            }
            let free = match owner.get(right).copied() {
                None => true,
                Some(other) => augment(other, adjacency, owner, visited),
            };
            if free {
                owner.insert(*right, i);
                return true;
            }
        }
        false
    }
    let mut owner: BTreeMap<R, usize> = BTreeMap::new();
    (0..adjacency.len())
        .filter(|i| augment(*i, adjacency, &mut owner, &mut BTreeSet::new()))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(class: u8, party: u8, neutral: bool) -> Source<u8, u8> {
        Source {
            class,
            party,
            neutral,
        }
    }

    #[test]
    fn one_party_never_counts_twice() {
        // One party claiming three classes is one source.
        let one = [s(1, 9, false), s(2, 9, false), s(3, 9, false)];
        assert_eq!(max_matching(&one), 1);
        assert!(!independent(2, false, &one));
    }

    #[test]
    fn matching_finds_the_assignment() {
        // Class 1 by parties A or B, class 2 only by A: A→2, B→1.
        let sources = [s(1, 0, false), s(1, 1, false), s(2, 0, false)];
        assert_eq!(max_matching(&sources), 2);
    }

    #[test]
    fn neutral_source_is_required_when_asked() {
        let sources = [s(1, 0, false), s(2, 1, false)];
        assert!(independent(2, false, &sources));
        assert!(!independent(2, true, &sources));
        let with_cell = [s(1, 0, false), s(3, 2, true)];
        assert!(independent(2, true, &with_cell));
        // The neutral party cannot also fill the other slot.
        let only_cell = [s(1, 2, false), s(3, 2, true)];
        assert!(!independent(2, true, &only_cell));
    }
}
