//! Hashing for lookups that never reach an output: a fast hasher for the
//! engine's hash maps (id tables, inputs seen) and a fingerprint of an
//! input's content, so that "same identity, same input" is answered without
//! keeping every input whole.
//!
//! Both are deterministic (fixed keys, no randomness): the same inputs give
//! the same lookups on every run. Neither is a cryptographic hash, and
//! neither needs to be: no hash map is ever iterated into a decision or a
//! view, and a fingerprint collision could only answer a changed copy of an
//! input as `duplicate` instead of `rejected` — both of which change nothing.

use std::hash::{BuildHasherDefault, Hash, Hasher};

use model::{Input, Observation};

const K0: u64 = 0x243f_6a88_85a3_08d3;
const K1: u64 = 0x1319_8a2e_0370_7344;
const K2: u64 = 0xa409_3822_299f_31d0;

/// Multiplies in 128 bits and folds the halves: the mixing step of
/// foldhash and wyhash.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a).wrapping_mul(u128::from(b));
    (p as u64) ^ ((p >> 64) as u64)
}

/// Reads up to eight bytes as a little-endian word (zero padded).
#[inline]
fn word(bytes: &[u8]) -> u64 {
    let mut buf = [0u8; 8];
    let n = bytes.len().min(8);
    if let (Some(dst), Some(src)) = (buf.get_mut(..n), bytes.get(..n)) {
        dst.copy_from_slice(src);
    }
    u64::from_le_bytes(buf)
}

/// A fast, deterministic hasher for the engine's hash maps.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct FastHasher {
    state: u64,
}

impl FastHasher {
    #[inline]
    fn add(&mut self, w: u64) {
        self.state = fold(self.state ^ w ^ K0, K1);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(word(c));
        }
        let rest = chunks.remainder();
        self.add(word(rest) ^ ((bytes.len() as u64) << 56));
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u16(&mut self, i: u16) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    #[inline]
    fn finish(&self) -> u64 {
        fold(self.state, K2)
    }
}

/// Builds [`FastHasher`]s for `HashMap`s.
pub(crate) type FastBuild = BuildHasherDefault<FastHasher>;

/// For maps keyed by a hash already computed: passes it through.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PassThrough {
    state: u64,
}

impl Hasher for PassThrough {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.state = self.state.rotate_left(8) ^ u64::from(*b);
        }
    }
    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.state = i;
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.state
    }
}

/// The hash of one value, with [`FastHasher`].
#[inline]
pub(crate) fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = FastHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// A 64-bit fingerprint of an input's whole content: equal inputs have
/// equal fingerprints; different inputs differ but for a chance of 2⁻⁶⁴.
/// A collision could only answer a changed copy of an input as a duplicate
/// instead of rejecting it — and both change nothing — so a party crafting
/// one for its own inputs gains nothing.
pub(crate) fn fingerprint(input: &Input) -> u64 {
    let mut h = FastHasher::default();
    match input {
        Input::Observation(o) => {
            h.write_u8(1);
            observation(o, &mut h);
        }
        // Rare inputs: their canonical encoding says everything they hold.
        Input::Vote(_)
        | Input::Attestation(_)
        | Input::Review(_)
        | Input::OrderReport(_)
        | Input::Delivery(_)
        | Input::Retraction(_)
        | Input::Amendment(_) => {
            h.write_u8(2);
            h.write(&model::canonical::to_vec(input));
        }
    }
    h.finish()
}

/// Feeds every field of an observation. The destructuring names every field
/// (no `..`): a field added to the wire type fails to compile here until it
/// is fingerprinted too.
fn observation(o: &Observation, h: &mut FastHasher) {
    let Observation {
        id,
        class,
        derived_from,
        observed,
        place,
        kind,
        counts,
        weapon,
        target,
        attribution,
        confidence_bp,
        releasability,
        attributes,
    } = o;
    id.hash(h);
    class.hash(h);
    derived_from.hash(h);
    let model::Observed { from, to } = observed;
    from.hash(h);
    to.hash(h);
    let model::Place {
        point,
        error_m,
        zone,
        track,
    } = place;
    point.hash(h);
    error_m.hash(h);
    zone.hash(h);
    h.write_usize(track.len());
    for model::TrackPoint { lon_e7, lat_e7, at } in track {
        lon_e7.hash(h);
        lat_e7.hash(h);
        at.hash(h);
    }
    kind.hash(h);
    let model::Counts {
        launched,
        destroyed,
        hit,
        not_reached,
        crossings,
        casualties,
    } = counts;
    for c in [launched, destroyed, hit, not_reached, crossings, casualties] {
        c.hash(h);
    }
    weapon.hash(h);
    target.hash(h);
    match attribution {
        None => h.write_u8(0),
        Some(model::Attribution {
            actor,
            confidence_bp,
            basis,
        }) => {
            h.write_u8(1);
            actor.hash(h);
            confidence_bp.hash(h);
            basis.hash(h);
        }
    }
    confidence_bp.hash(h);
    let model::Releasability { visibility, to } = releasability;
    h.write_u8(match visibility {
        model::Visibility::Public => 0,
        model::Visibility::Parties => 1,
        model::Visibility::Restricted => 2,
    });
    to.hash(h);
    attributes.hash(h);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(message: &str, confidence_bp: u16) -> Input {
        let line = format!(
            r#"{{"v":1,"type":"observation","id":{{"party":"us","source":"r","message":"{message}"}},"class":"radar","observed":{{"from":"2025-11-01T02:00:00Z"}},"kind":"missile_launch","confidence_bp":{confidence_bp}}}"#
        );
        model::decode_line(&line, 1).unwrap()
    }

    #[test]
    fn equal_inputs_share_a_fingerprint_and_others_do_not() {
        assert_eq!(fingerprint(&obs("1", 9000)), fingerprint(&obs("1", 9000)));
        assert_ne!(fingerprint(&obs("1", 9000)), fingerprint(&obs("1", 9001)));
        assert_ne!(fingerprint(&obs("1", 9000)), fingerprint(&obs("2", 9000)));
        let mut a = obs("1", 9000);
        if let Input::Observation(o) = &mut a {
            o.attributes.insert("note".into(), "x".into());
        }
        assert_ne!(fingerprint(&a), fingerprint(&obs("1", 9000)));
    }
}
