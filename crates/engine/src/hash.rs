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
const K3: u64 = 0x082e_fa98_ec4e_6c89;

/// Multiplies in 128 bits and folds the halves: the mixing step of
/// foldhash and wyhash.
#[inline]
fn fold(a: u64, b: u64) -> u64 {
    let p = u128::from(a).wrapping_mul(u128::from(b));
    (p as u64) ^ ((p >> 64) as u64)
}

/// The eight bytes at `at` as a little-endian word (0 past the end).
#[inline]
fn read8(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8)
        .and_then(|s| <[u8; 8]>::try_from(s).ok())
        .map_or(0, u64::from_le_bytes)
}

/// The four bytes at `at` as a little-endian word (0 past the end).
#[inline]
fn read4(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 4)
        .and_then(|s| <[u8; 4]>::try_from(s).ok())
        .map_or(0, |w| u64::from(u32::from_le_bytes(w)))
}

/// Up to fifteen bytes as two words that, with the length, determine them
/// (overlapping reads, as wyhash does: no copy, no loop).
#[inline]
fn tail(b: &[u8]) -> (u64, u64) {
    let n = b.len();
    let byte = |i: usize| u64::from(b.get(i).copied().unwrap_or(0));
    match n {
        0 => (0, 0),
        1..=3 => (byte(0) | (byte(n / 2) << 8) | (byte(n - 1) << 16), 0),
        4..=7 => (read4(b, 0), read4(b, n - 4)),
        _ => (read8(b, 0), read8(b, n - 8)),
    }
}

/// Mixes a run of bytes into `seed`, sixteen bytes per multiplication.
#[inline]
fn mix_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K3);
    let mut blocks = bytes.chunks_exact(16);
    for b in &mut blocks {
        h = fold(read8(b, 0) ^ h, read8(b, 8) ^ K1);
    }
    let rest = blocks.remainder();
    if !rest.is_empty() {
        let (lo, hi) = tail(rest);
        h = fold(lo ^ h, hi ^ K2);
    }
    h
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
        self.state = mix_bytes(self.state, bytes);
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

/// A 64-bit fingerprint of an input's content but its identity (inputs are
/// compared only with others of the same identity): equal inputs have
/// equal fingerprints; different inputs differ but for a chance of 2⁻⁶⁴.
/// A collision could only answer a changed copy of an input as a duplicate
/// instead of rejecting it — and both change nothing — so a party crafting
/// one for its own inputs gains nothing.
pub(crate) fn fingerprint(input: &Input) -> u64 {
    let mut s = Sponge(K0);
    match input {
        Input::Observation(o) => {
            s.one(1);
            observation(o, &mut s);
        }
        // Rare inputs: their canonical encoding says everything they hold.
        Input::Vote(_)
        | Input::Attestation(_)
        | Input::Review(_)
        | Input::OrderReport(_)
        | Input::Delivery(_)
        | Input::Retraction(_)
        | Input::Amendment(_)
        | Input::Outage(_) => {
            s.one(2);
            s.bytes(&model::canonical::to_vec(input));
        }
    }
    fold(s.0, K2)
}

/// Absorbs values so that different values give different states: byte
/// runs carry their lengths, absent values a tag of their own.
struct Sponge(u64);

impl Sponge {
    #[inline]
    fn pair(&mut self, a: u64, b: u64) {
        self.0 = fold(a ^ self.0, b ^ K1);
    }
    #[inline]
    fn one(&mut self, a: u64) {
        self.pair(a, K3);
    }
    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        self.0 = mix_bytes(self.0, b);
    }
    fn opt_str(&mut self, s: &Option<String>) {
        match s {
            None => self.one(0),
            Some(s) => {
                self.one(1);
                self.bytes(s.as_bytes());
            }
        }
    }
    /// An optional number as (tag, value).
    #[inline]
    fn opt(v: Option<u32>) -> u64 {
        v.map_or(0, |v| (1 << 32) | u64::from(v))
    }
    fn id(&mut self, id: &model::InputId) {
        let model::InputId {
            party,
            source,
            message,
        } = id;
        self.bytes(party.as_bytes());
        self.bytes(source.as_bytes());
        self.bytes(message.as_bytes());
    }
}

/// Absorbs every field of an observation. The destructuring names every
/// field (no `..`): a field added to the wire type fails to compile here
/// until it is fingerprinted too.
fn observation(o: &Observation, s: &mut Sponge) {
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
    // The identity is the table's key: the fingerprint is of the rest.
    let _ = id;
    s.bytes(class.as_bytes());
    s.bytes(kind.as_bytes());
    s.one(derived_from.len() as u64);
    for d in derived_from {
        s.id(d);
    }
    let model::Observed { from, to } = observed;
    s.pair(
        from.millis() as u64,
        to.map_or(0, |t| t.millis() as u64 ^ K0),
    );
    s.one(u64::from(to.is_some()));
    let model::Place {
        point,
        error_m,
        zone,
        track,
    } = place;
    s.pair(
        point.map_or(0, |p| {
            (u64::from(p.lon_e7 as u32) << 32) | u64::from(p.lat_e7 as u32)
        }),
        (u64::from(point.is_some()) << 40) | Sponge::opt(*error_m),
    );
    s.opt_str(zone);
    s.one(track.len() as u64);
    for model::TrackPoint { lon_e7, lat_e7, at } in track {
        s.pair(
            (u64::from(*lon_e7 as u32) << 32) | u64::from(*lat_e7 as u32),
            at.millis() as u64,
        );
    }
    let model::Counts {
        launched,
        destroyed,
        hit,
        not_reached,
        crossings,
        casualties,
    } = counts;
    s.pair(Sponge::opt(*launched), Sponge::opt(*destroyed));
    s.pair(Sponge::opt(*hit), Sponge::opt(*not_reached));
    s.pair(Sponge::opt(*crossings), Sponge::opt(*casualties));
    s.opt_str(weapon);
    s.opt_str(target);
    match attribution {
        None => s.one(0),
        Some(model::Attribution {
            actor,
            confidence_bp,
            basis,
        }) => {
            s.pair(1, u64::from(*confidence_bp));
            s.bytes(actor.as_bytes());
            s.one(basis.len() as u64);
            for b in basis {
                s.bytes(b.as_bytes());
            }
        }
    }
    let model::Releasability { visibility, to } = releasability;
    let visibility: u64 = match visibility {
        model::Visibility::Public => 0,
        model::Visibility::Parties => 1,
        model::Visibility::Restricted => 2,
    };
    s.pair(u64::from(*confidence_bp), visibility);
    s.one(to.len() as u64);
    for p in to {
        s.bytes(p.as_bytes());
    }
    s.one(attributes.len() as u64);
    for (k, v) in attributes {
        s.bytes(k.as_bytes());
        s.bytes(v.as_bytes());
    }
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

    fn fp(input: &Input) -> u64 {
        fingerprint(input)
    }

    #[test]
    fn equal_inputs_share_a_fingerprint_and_others_do_not() {
        assert_eq!(fp(&obs("1", 9000)), fp(&obs("1", 9000)));
        assert_ne!(fp(&obs("1", 9000)), fp(&obs("1", 9001)));
        let mut a = obs("1", 9000);
        if let Input::Observation(o) = &mut a {
            o.attributes.insert("note".into(), "x".into());
        }
        assert_ne!(fp(&a), fp(&obs("1", 9000)));
        // Where one field ends and the next begins is part of the content.
        let (mut b, mut c) = (obs("1", 9000), obs("1", 9000));
        if let (Input::Observation(b), Input::Observation(c)) = (&mut b, &mut c) {
            b.weapon = Some("ab".into());
            b.target = Some("c".into());
            c.weapon = Some("a".into());
            c.target = Some("bc".into());
        }
        assert_ne!(fp(&b), fp(&c));
        // An absent value is not a zero.
        let (mut d, mut e) = (obs("1", 9000), obs("1", 9000));
        if let (Input::Observation(d), Input::Observation(e)) = (&mut d, &mut e) {
            d.counts.launched = Some(0);
            e.counts.hit = Some(0);
        }
        assert_ne!(fp(&d), fp(&obs("1", 9000)));
        assert_ne!(fp(&d), fp(&e));
    }

    #[test]
    fn byte_runs_of_every_short_length_mix_apart() {
        let text = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut seen = std::collections::BTreeSet::new();
        for len in 0..text.len() {
            // One empty run, not one per place.
            let starts = if len == 0 { 1 } else { text.len() - len };
            for start in 0..starts {
                let run = &text[start..start + len];
                assert!(seen.insert(mix_bytes(K0, run)), "{run:?}");
                // One byte changed anywhere changes the mix.
                for i in 0..len {
                    let mut other = run.to_vec();
                    other[i] ^= 1;
                    assert_ne!(mix_bytes(K0, run), mix_bytes(K0, &other));
                }
            }
        }
    }
}
