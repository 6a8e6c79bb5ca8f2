//! The log as tiles, in the C2SP tlog-tiles layout: static files from
//! which a client with nothing else computes any root and any proof.
//!
//! ```text
//! tile/<L>/<N>[.p/<W>]        hash tile: level L, index N, width W
//! tile/entries/<N>[.p/<W>]    entry bundle: the entries of level 0 tile N
//! ```
//!
//! `N` is written in groups of three digits, every group but the last with
//! an `x` in front (`1234067` is `x001/x234/067`); `.p/<W>` marks a partial
//! tile of `W` (1 to 255) hashes or entries, a full one has 256.
//!
//! A tile of height 8 at level `L`, index `N`, holds for `i` in `0..W`
//! `MTH(D[(N·256 + i)·256^L : (N·256 + i + 1)·256^L])`: at level 0 the leaf
//! hashes, above the root of each full tile of the level below. An entry
//! bundle holds the same entries as the level 0 tile, each as a big-endian
//! 16-bit length then its bytes; an entry longer than 65,535 bytes has no
//! encoding and is refused.
//!
//! A tree of size `S` has, at each level `L` with `S ≥ 256^L`, the full
//! tiles `0 .. ⌊S / 256^(L+1)⌋` and, when `W = ⌊S / 256^L⌋ mod 256` is not
//! 0, one partial tile of width `W` after them. Full tiles never change;
//! a partial tile is replaced by a wider one, or by the full one, as the
//! tree grows ([`changed`]).

use std::collections::BTreeMap;
use std::fmt;

use crate::merkle::{self, Hash, ProofError, Tree, node_hash_bytes, split};

/// The height of a tile: 8 levels of the tree, 256 hashes.
pub const HEIGHT: u32 = 8;
/// The width of a full tile.
pub const FULL: u16 = 256;
/// The highest level a path may name.
pub const MAX_LEVEL: u8 = 63;
/// The longest entry an entry bundle can hold (its length is 16 bits).
pub const MAX_ENTRY: usize = 0xffff;

const HASH_LEN: usize = 32;

/// Why tiles cannot be made, read or used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TileError {
    /// Not a tile path; `why` says what is wrong with it.
    BadPath { path: String, why: String },
    /// A level above [`MAX_LEVEL`].
    BadLevel { level: u8 },
    /// A width of 0 or above 256.
    BadWidth { width: u16 },
    /// A hash tile was needed and an entry bundle given, or the reverse.
    WrongKind { path: String, want: &'static str },
    /// The tile spans entries past the tree's (or past `u64`).
    BeyondTree { path: String, size: u64 },
    /// A size past the entries of the tree.
    SizeBeyondTree { size: u64, len: u64 },
    /// The entries of the bundle were not all given.
    EntriesNotGiven {
        path: String,
        first: u64,
        given: u64,
    },
    /// An entry longer than an entry bundle can hold.
    EntryTooLong { index: u64, len: usize },
    /// A hash tile whose bytes are not its width's 32-byte hashes.
    WrongLength {
        path: String,
        len: usize,
        want: usize,
    },
    /// An entry bundle that does not parse as its width's entries.
    BadBundle { path: String, why: String },
    /// A tile needed and not given: the path of the one the tree size
    /// requires (a wider or full one of the same index would do).
    Missing { path: String },
    /// A proof was asked for that cannot exist.
    Proof(ProofError),
}

impl fmt::Display for TileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TileError::BadPath { path, why } => write!(f, "`{path}` is not a tile path: {why}"),
            TileError::BadLevel { level } => {
                write!(f, "tile level {level} is above the highest, {MAX_LEVEL}")
            }
            TileError::BadWidth { width } => {
                write!(f, "tile width {width} is not between 1 and {FULL}")
            }
            TileError::WrongKind { path, want } => write!(f, "{path} is not {want}"),
            TileError::BeyondTree { path, size } => {
                write!(f, "{path} spans entries past a tree of {size}")
            }
            TileError::SizeBeyondTree { size, len } => {
                write!(
                    f,
                    "a tree of {size} entries is asked for and there are {len}"
                )
            }
            TileError::EntriesNotGiven { path, first, given } => write!(
                f,
                "{path} needs entries not among the {given} given from index {first}"
            ),
            TileError::EntryTooLong { index, len } => write!(
                f,
                "entry {index} has {len} bytes: an entry bundle holds entries of at most {MAX_ENTRY} bytes (a 16-bit length)"
            ),
            TileError::WrongLength { path, len, want } => write!(
                f,
                "{path} has {len} bytes; its width makes it {want} (32 per hash)"
            ),
            TileError::BadBundle { path, why } => write!(f, "{path}: {why}"),
            TileError::Missing { path } => write!(f, "the tile {path} is needed and not given"),
            TileError::Proof(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for TileError {}

impl From<ProofError> for TileError {
    fn from(e: ProofError) -> TileError {
        TileError::Proof(e)
    }
}

/// What a tile holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Hashes, at a level (0: leaf hashes).
    Hashes(u8),
    /// Entries: the bundle of the entries of a level 0 tile.
    Entries,
}

/// A tile: what it holds, its index in its level, and its width (256 for
/// a full tile). Always valid: made by [`TileId::hashes`],
/// [`TileId::entries`] or [`TileId::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TileId {
    kind: Kind,
    index: u64,
    width: u16,
}

fn check_width(width: u16) -> Result<(), TileError> {
    if width == 0 || width > FULL {
        Err(TileError::BadWidth { width })
    } else {
        Ok(())
    }
}

impl TileId {
    /// The hash tile at `level`, `index`, of `width` hashes (1 to 256).
    pub fn hashes(level: u8, index: u64, width: u16) -> Result<TileId, TileError> {
        if level > MAX_LEVEL {
            return Err(TileError::BadLevel { level });
        }
        check_width(width)?;
        Ok(TileId {
            kind: Kind::Hashes(level),
            index,
            width,
        })
    }

    /// The entry bundle `index`, of `width` entries (1 to 256).
    pub fn entries(index: u64, width: u16) -> Result<TileId, TileError> {
        check_width(width)?;
        Ok(TileId {
            kind: Kind::Entries,
            index,
            width,
        })
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The level of a hash tile (`None` for an entry bundle).
    pub fn level(&self) -> Option<u8> {
        match self.kind {
            Kind::Hashes(l) => Some(l),
            Kind::Entries => None,
        }
    }

    pub fn index(&self) -> u64 {
        self.index
    }

    pub fn width(&self) -> u16 {
        self.width
    }

    pub fn is_full(&self) -> bool {
        self.width == FULL
    }

    /// The path, relative to the log's prefix (`tile/…`).
    pub fn path(&self) -> String {
        let mut groups = Vec::new();
        let mut n = self.index;
        loop {
            groups.push(n % 1000);
            n /= 1000;
            if n == 0 {
                break;
            }
        }
        let mut path = match self.kind {
            Kind::Hashes(l) => format!("tile/{l}"),
            Kind::Entries => "tile/entries".to_string(),
        };
        for (i, g) in groups.iter().rev().enumerate() {
            let x = if i + 1 < groups.len() { "x" } else { "" };
            path.push_str(&format!("/{x}{g:03}"));
        }
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Reads a path (`tile/…`, as [`TileId::path`] writes it); refuses
    /// any other spelling of the same tile.
    pub fn parse(path: &str) -> Result<TileId, TileError> {
        let bad = |why: &str| TileError::BadPath {
            path: path.chars().take(200).collect(),
            why: why.to_string(),
        };
        let Some(rest) = path.strip_prefix("tile/") else {
            return Err(bad("it does not start with `tile/`"));
        };
        let mut parts: Vec<&str> = rest.split('/').collect();
        if parts.len() < 2 {
            return Err(bad("it has no index"));
        }
        let level = parts.remove(0);
        let mut width = FULL;
        if let [.., last_n, w] = parts.as_slice()
            && let Some(n) = last_n.strip_suffix(".p")
        {
            if !is_decimal(w) {
                return Err(bad("the width after `.p/` is not a decimal number"));
            }
            width = match w.parse::<u16>() {
                Ok(w) if (1..FULL).contains(&w) => w,
                _ => return Err(bad("a partial tile's width is between 1 and 255")),
            };
            let n = n.to_string();
            parts.pop();
            parts.pop();
            return finish(path, level, &parts, Some(&n), width, &bad);
        }
        finish(path, level, &parts, None, width, &bad)
    }

    /// The range of entries `[start, end)` the tile covers (for a partial
    /// tile, only as far as its width); `None` past `u64`.
    pub fn span(&self) -> Option<(u64, u64)> {
        let level = u32::from(self.level().unwrap_or(0));
        let unit: u64 = 1u64.checked_shl(HEIGHT * level)?;
        let first = self.index.checked_mul(u64::from(FULL))?;
        let start = first.checked_mul(unit)?;
        let end = first
            .checked_add(u64::from(self.width))?
            .checked_mul(unit)?;
        Some((start, end))
    }
}

fn is_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn finish(
    path: &str,
    level: &str,
    groups: &[&str],
    last: Option<&str>,
    width: u16,
    bad: &dyn Fn(&str) -> TileError,
) -> Result<TileId, TileError> {
    let mut all: Vec<&str> = groups.to_vec();
    if let Some(l) = last {
        all.push(l);
    }
    let Some((final_group, leading)) = all.split_last() else {
        return Err(bad("it has no index"));
    };
    let mut index: u64 = 0;
    for (i, g) in leading
        .iter()
        .chain(std::iter::once(final_group))
        .enumerate()
    {
        let digits = if i < leading.len() {
            match g.strip_prefix('x') {
                Some(d) => d,
                None => {
                    return Err(bad(
                        "every index element but the last starts with `x` (as x001/234)",
                    ));
                }
            }
        } else {
            g
        };
        if digits.len() != 3 || !is_decimal(digits) {
            return Err(bad("an index element is not three decimal digits"));
        }
        let d: u64 = digits
            .parse()
            .map_err(|_| bad("an index element is not three decimal digits"))?;
        index = index
            .checked_mul(1000)
            .and_then(|n| n.checked_add(d))
            .ok_or_else(|| bad("the index is past 2^64"))?;
    }
    let id = if level == "entries" {
        TileId::entries(index, width)?
    } else {
        if !is_decimal(level) || (level.len() > 1 && level.starts_with('0')) {
            return Err(bad(
                "the level is not `entries` nor a decimal number without leading zeros",
            ));
        }
        let l: u8 = level.parse().map_err(|_| bad("the level is above 63"))?;
        if l > MAX_LEVEL {
            return Err(bad("the level is above 63"));
        }
        TileId::hashes(l, index, width)?
    };
    if id.path() != path {
        return Err(bad(
            "the index has leading zero groups (write it as the fewest groups, as x001/234)",
        ));
    }
    Ok(id)
}

/// The path of the hash tile at `level`, `index`, of `width` hashes (256
/// for a full tile); refused for a level above 63 or a width of 0 or above
/// 256.
pub fn tile_path(level: u8, index: u64, width: u16) -> Result<String, TileError> {
    Ok(TileId::hashes(level, index, width)?.path())
}

/// The path of the entry bundle `index`, of `width` entries.
pub fn entries_path(index: u64, width: u16) -> Result<String, TileError> {
    Ok(TileId::entries(index, width)?.path())
}

/// The hash tiles at `level` that differ between a tree of `old` entries
/// and one of `new` (`old ≤ new`): every tile of `new` at that level that
/// `old` did not have in the same width.
fn changed_at(level: u8, old: u64, new: u64) -> impl Iterator<Item = (u64, u16)> {
    let shift = HEIGHT * u32::from(level);
    let (old_n, new_n) = if shift < 64 {
        (old.min(new) >> shift, new >> shift)
    } else {
        (0, 0)
    };
    let changed = old_n != new_n;
    let full = if changed {
        (old_n >> HEIGHT)..(new_n >> HEIGHT)
    } else {
        0..0
    };
    let partial = (new_n & 0xff) as u16;
    let partial = (changed && partial > 0).then_some((new_n >> HEIGHT, partial));
    full.map(|n| (n, FULL)).chain(partial)
}

/// The tiles to publish when a tree grows from `old` to `new` entries
/// (every tile of `new` when `old` is 0; none when `old ≥ new`): the hash
/// tiles of every level, then the entry bundles. Full tiles already
/// published never change; a partial one is replaced.
pub fn changed(old: u64, new: u64) -> impl Iterator<Item = TileId> {
    let hashes = (0..=7u8).flat_map(move |level| {
        changed_at(level, old, new).map(move |(index, width)| TileId {
            kind: Kind::Hashes(level),
            index,
            width,
        })
    });
    let bundles = changed_at(0, old, new).map(|(index, width)| TileId {
        kind: Kind::Entries,
        index,
        width,
    });
    hashes.chain(bundles)
}

/// Every tile of a tree of `size` entries.
pub fn tiles_of(size: u64) -> impl Iterator<Item = TileId> {
    changed(0, size)
}

/// The bytes of the hash tile `id`, from the tree.
pub fn hash_tile(tree: &Tree, id: TileId) -> Result<Vec<u8>, TileError> {
    let Kind::Hashes(level) = id.kind else {
        return Err(TileError::WrongKind {
            path: id.path(),
            want: "a hash tile",
        });
    };
    let beyond = || TileError::BeyondTree {
        path: id.path(),
        size: tree.len(),
    };
    let (start, end) = id.span().ok_or_else(beyond)?;
    if end > tree.len() {
        return Err(beyond());
    }
    let unit = 1u64 << (HEIGHT * u32::from(level));
    let mut bytes = Vec::with_capacity(usize::from(id.width) * HASH_LEN);
    for i in 0..u64::from(id.width) {
        let a = start + i * unit;
        bytes.extend_from_slice(&tree.subtree(a, a + unit));
    }
    Ok(bytes)
}

/// The bytes of the entry bundle `id`, from `entries`, entry `first` and
/// those after it.
pub fn entry_bundle<E: AsRef<[u8]>>(
    id: TileId,
    first: u64,
    entries: &[E],
) -> Result<Vec<u8>, TileError> {
    if id.kind != Kind::Entries {
        return Err(TileError::WrongKind {
            path: id.path(),
            want: "an entry bundle",
        });
    }
    let given = entries.len() as u64;
    let missing = || TileError::EntriesNotGiven {
        path: id.path(),
        first,
        given,
    };
    let (start, end) = id.span().ok_or_else(missing)?;
    if start < first || end - first > given {
        return Err(missing());
    }
    let from = usize::try_from(start - first).map_err(|_| missing())?;
    let chosen = entries
        .get(from..from + usize::from(id.width))
        .ok_or_else(missing)?;
    let mut bytes = Vec::new();
    for (i, e) in chosen.iter().enumerate() {
        let e = e.as_ref();
        let len = u16::try_from(e.len()).map_err(|_| TileError::EntryTooLong {
            index: start + i as u64,
            len: e.len(),
        })?;
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.extend_from_slice(e);
    }
    Ok(bytes)
}

/// The entries of an entry bundle, in order.
pub fn parse_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let [a, b, tail @ ..] = rest else {
            return Err(format!(
                "entry {} has a length of one byte: the bundle is cut",
                out.len()
            ));
        };
        let len = usize::from(u16::from_be_bytes([*a, *b]));
        if tail.len() < len {
            return Err(format!(
                "entry {} is said to have {len} bytes and {} remain: the bundle is cut",
                out.len(),
                tail.len()
            ));
        }
        let (e, next) = tail.split_at(len);
        out.push(e);
        rest = next;
    }
    Ok(out)
}

/// The tiles (path and bytes) to publish when the tree grows from `old`
/// to `new` entries, hash tiles then entry bundles; `entries` are the
/// log's entries from index `first`, and must hold those of the bundles
/// that change (from `old` rounded down to a multiple of 256, to `new`).
pub fn tiles<E: AsRef<[u8]>>(
    tree: &Tree,
    old: u64,
    new: u64,
    first: u64,
    entries: &[E],
) -> Result<Vec<(TileId, Vec<u8>)>, TileError> {
    if new > tree.len() {
        return Err(TileError::SizeBeyondTree {
            size: new,
            len: tree.len(),
        });
    }
    changed(old, new)
        .map(|id| {
            let bytes = match id.kind {
                Kind::Hashes(_) => hash_tile(tree, id)?,
                Kind::Entries => entry_bundle(id, first, entries)?,
            };
            Ok((id, bytes))
        })
        .collect()
}

/// Tiles as a client has them — fetched, untrusted — and what it can
/// compute from them: roots and proofs for any tree size the tiles cover.
/// The tiles are not trusted by being here: check a root against a signed
/// checkpoint, and a proof with [`merkle::verify_inclusion`] or
/// [`merkle::verify_consistency`] against the checkpoints' roots.
#[derive(Clone, Debug, Default)]
pub struct TileSet {
    tiles: BTreeMap<TileId, Vec<u8>>,
}

impl TileSet {
    pub fn new() -> TileSet {
        TileSet::default()
    }

    /// Adds a tile by its path; refuses a malformed path, a hash tile that
    /// is not its width's hashes, or a bundle that is not its width's
    /// entries.
    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) -> Result<TileId, TileError> {
        let id = TileId::parse(path)?;
        self.insert_tile(id, bytes)?;
        Ok(id)
    }

    /// Adds a tile (see [`TileSet::insert`]).
    pub fn insert_tile(&mut self, id: TileId, bytes: Vec<u8>) -> Result<(), TileError> {
        match id.kind {
            Kind::Hashes(_) => {
                let want = usize::from(id.width) * HASH_LEN;
                if bytes.len() != want {
                    return Err(TileError::WrongLength {
                        path: id.path(),
                        len: bytes.len(),
                        want,
                    });
                }
            }
            Kind::Entries => {
                let n = parse_bundle(&bytes)
                    .map_err(|why| TileError::BadBundle {
                        path: id.path(),
                        why,
                    })?
                    .len();
                if n != usize::from(id.width) {
                    return Err(TileError::BadBundle {
                        path: id.path(),
                        why: format!("it holds {n} entries; its width says {}", id.width),
                    });
                }
            }
        }
        self.tiles.insert(id, bytes);
        Ok(())
    }

    /// The number of tiles held.
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }

    /// The tile `(kind, index)` at least `need` wide: the widest held.
    /// Missing: the path of the one a tree of `size` has.
    fn find(&self, kind: Kind, index: u64, need: u16, size: u64) -> Result<&[u8], TileError> {
        let lo = TileId {
            kind,
            index,
            width: need,
        };
        let hi = TileId {
            kind,
            index,
            width: FULL,
        };
        if let Some((_, bytes)) = self.tiles.range(lo..=hi).next_back() {
            return Ok(bytes);
        }
        let shift = match kind {
            Kind::Hashes(l) => HEIGHT * u32::from(l),
            Kind::Entries => 0,
        };
        let n = size.checked_shr(shift).unwrap_or(0);
        let width = if index < n >> HEIGHT {
            FULL
        } else {
            (n & 0xff) as u16
        };
        Err(TileError::Missing {
            path: TileId {
                kind,
                index,
                width: width.max(need),
            }
            .path(),
        })
    }

    /// MTH of the perfect subtree of height `k` (2ᵏ leaves) at index `i`,
    /// inside a tree of `size`.
    fn perfect(&self, k: u32, i: u64, size: u64) -> Result<Hash, TileError> {
        let level = k / HEIGHT;
        let r = k % HEIGHT;
        let first = i << r; // index at level `level·8`
        let index = first >> HEIGHT;
        let pos = (first & 0xff) as usize;
        let count = 1usize << r;
        let need = (pos + count) as u16;
        let bytes = self.find(Kind::Hashes(level as u8), index, need, size)?;
        let run = bytes
            .get(pos * HASH_LEN..(pos + count) * HASH_LEN)
            .ok_or_else(|| TileError::Missing {
                path: TileId {
                    kind: Kind::Hashes(level as u8),
                    index,
                    width: need,
                }
                .path(),
            })?;
        Ok(fold(run))
    }

    /// MTH(D[start:end]) for `start < end ≤ size`.
    fn subtree(&self, start: u64, end: u64, size: u64) -> Result<Hash, TileError> {
        let n = end - start;
        if n.is_power_of_two() && start.is_multiple_of(n) {
            let k = n.trailing_zeros();
            return self.perfect(k, start >> k, size);
        }
        let k = split(n);
        let left = self.subtree(start, start + k, size)?;
        let right = self.subtree(start + k, end, size)?;
        Ok(node_hash_bytes(&left, &right))
    }

    /// The root of the tree of `size` entries.
    pub fn root(&self, size: u64) -> Result<Hash, TileError> {
        if size == 0 {
            return Ok(merkle::empty_root());
        }
        self.subtree(0, size, size)
    }

    /// The leaf hash of entry `index`, in a tree of `size` entries.
    pub fn leaf_hash(&self, index: u64, size: u64) -> Result<Hash, TileError> {
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size }.into());
        }
        self.perfect(0, index, size)
    }

    /// Entry `index`, from its bundle, in a tree of `size` entries.
    pub fn entry(&self, index: u64, size: u64) -> Result<Vec<u8>, TileError> {
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size }.into());
        }
        let pos = (index & 0xff) as usize;
        let bytes = self.find(Kind::Entries, index >> HEIGHT, pos as u16 + 1, size)?;
        let entries = parse_bundle(bytes).map_err(|why| TileError::BadBundle {
            path: format!("the bundle of entry {index}"),
            why,
        })?;
        entries
            .get(pos)
            .map(|e| e.to_vec())
            .ok_or_else(|| TileError::BadBundle {
                path: format!("the bundle of entry {index}"),
                why: "it is narrower than its width".into(),
            })
    }

    /// The inclusion proof of entry `index` in the tree of `size` entries
    /// (RFC 9162 §2.1.3.1), leaf to root, as [`Tree::inclusion_proof`].
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, TileError> {
        if index >= size {
            return Err(ProofError::IndexOutOfRange { index, size }.into());
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, size, &mut proof)?;
        Ok(proof)
    }

    fn path(
        &self,
        m: u64,
        start: u64,
        end: u64,
        size: u64,
        out: &mut Vec<Hash>,
    ) -> Result<(), TileError> {
        let n = end - start;
        if n <= 1 {
            return Ok(());
        }
        let k = split(n);
        if m < k {
            self.path(m, start, start + k, size, out)?;
            out.push(self.subtree(start + k, end, size)?);
        } else {
            self.path(m - k, start + k, end, size, out)?;
            out.push(self.subtree(start, start + k, size)?);
        }
        Ok(())
    }

    /// The consistency proof from `size1` to `size2` entries (RFC 9162
    /// §2.1.4.1), as [`Tree::consistency_proof`]: the tiles of `size2`
    /// suffice.
    pub fn consistency_proof(&self, size1: u64, size2: u64) -> Result<Vec<Hash>, TileError> {
        if size1 > size2 {
            return Err(ProofError::SizesOutOfOrder { size1, size2 }.into());
        }
        if size1 == 0 {
            return Err(ProofError::EmptyFirstTree.into());
        }
        let mut proof = Vec::new();
        if size1 < size2 {
            self.subproof(size1, 0, size2, true, size2, &mut proof)?;
        }
        Ok(proof)
    }

    fn subproof(
        &self,
        m: u64,
        start: u64,
        end: u64,
        whole: bool,
        size: u64,
        out: &mut Vec<Hash>,
    ) -> Result<(), TileError> {
        let n = end - start;
        if m == n {
            if !whole {
                out.push(self.subtree(start, end, size)?);
            }
            return Ok(());
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, start, start + k, whole, size, out)?;
            out.push(self.subtree(start + k, end, size)?);
        } else {
            self.subproof(m - k, start + k, end, false, size, out)?;
            out.push(self.subtree(start, start + k, size)?);
        }
        Ok(())
    }
}

/// The root of a perfect run of hashes (a power of two of them).
fn fold(run: &[u8]) -> Hash {
    if run.len() <= HASH_LEN {
        let mut h = [0u8; HASH_LEN];
        h[..run.len()].copy_from_slice(run);
        return h;
    }
    let (left, right) = run.split_at(run.len() / 2);
    node_hash_bytes(&fold(left), &fold(right))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(size: u64) -> Vec<String> {
        tiles_of(size).map(|t| t.path()).collect()
    }

    #[test]
    fn paths_are_as_the_spec_writes_them() {
        assert_eq!(
            tile_path(4, 1_234_067, 1).unwrap(),
            "tile/4/x001/x234/067.p/1"
        );
        assert_eq!(
            tile_path(4, 1_234_067, 256).unwrap(),
            "tile/4/x001/x234/067"
        );
        assert_eq!(tile_path(0, 0, 256).unwrap(), "tile/0/000");
        assert_eq!(entries_path(1000, 7).unwrap(), "tile/entries/x001/000.p/7");
        assert_eq!(
            TileId::hashes(0, u64::MAX, 256).unwrap().path(),
            "tile/0/x018/x446/x744/x073/x709/x551/615"
        );
        assert!(tile_path(64, 0, 1).is_err());
        assert!(tile_path(0, 0, 0).is_err());
        assert!(tile_path(0, 0, 257).is_err());
    }

    #[test]
    fn the_spec_example_of_70000_entries() {
        let ids: Vec<TileId> = tiles_of(70_000).collect();
        let count = |l: u8, w: u16| {
            ids.iter()
                .filter(|t| t.level() == Some(l) && t.width() == w)
                .count()
        };
        assert_eq!(count(0, FULL), 273);
        assert_eq!(count(0, 112), 1);
        assert_eq!(count(1, FULL), 1);
        assert_eq!(count(1, 17), 1);
        assert_eq!(count(2, 1), 1);
        assert_eq!(ids.iter().filter(|t| t.level().is_none()).count(), 274);
        assert_eq!(ids.len(), 273 + 1 + 1 + 1 + 1 + 274);
        assert_eq!(
            paths(256),
            ["tile/0/000", "tile/1/000.p/1", "tile/entries/000"]
        );
        assert!(paths(0).is_empty());
        assert_eq!(paths(1), ["tile/0/000.p/1", "tile/entries/000.p/1"]);
    }

    #[test]
    fn only_what_changed_is_published() {
        let p = |a, b| changed(a, b).map(|t| t.path()).collect::<Vec<_>>();
        assert_eq!(p(3, 5), ["tile/0/000.p/5", "tile/entries/000.p/5"]);
        assert_eq!(
            p(255, 257),
            [
                "tile/0/000",
                "tile/0/001.p/1",
                "tile/1/000.p/1",
                "tile/entries/000",
                "tile/entries/001.p/1"
            ]
        );
        assert_eq!(p(256, 258), ["tile/0/001.p/2", "tile/entries/001.p/2"]);
        assert!(p(9, 9).is_empty());
        assert!(p(10, 9).is_empty());
    }

    #[test]
    fn malformed_paths_are_refused() {
        for bad in [
            "",
            "tile",
            "tile/",
            "tile/0",
            "tile/0/",
            "tile/00/000",
            "tile/64/000",
            "tile/300/000",
            "tile/-1/000",
            "tile/+1/000",
            "tile/0/0",
            "tile/0/0000",
            "tile/0/00a",
            "tile/0/x000/001",
            "tile/0/001/001",
            "tile/0/x001",
            "tile/0/x1/001",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/0/000.p/01",
            "tile/0/000.p/",
            "tile/0/000.p",
            "tile/0/000.p/1/2",
            "tile/0/000/",
            "/tile/0/000",
            "tile/data/000",
            "tile/entries/",
            "tile/0/x018/x446/x744/x073/x709/x551/616",
            "tile/0/x999/x999/x999/x999/x999/x999/x999/999",
            "tile/8/0/000",
        ] {
            assert!(TileId::parse(bad).is_err(), "{bad:?} accepted");
        }
        for good in [
            "tile/0/000",
            "tile/63/x001/x234/067.p/1",
            "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255",
        ] {
            assert_eq!(TileId::parse(good).unwrap().path(), good);
        }
    }

    #[test]
    fn a_long_entry_is_refused_by_name() {
        let id = TileId::entries(0, 2).unwrap();
        let entries = [vec![1u8; 3], vec![0u8; MAX_ENTRY + 1]];
        assert_eq!(
            entry_bundle(id, 0, &entries),
            Err(TileError::EntryTooLong {
                index: 1,
                len: MAX_ENTRY + 1
            })
        );
        let ok = [vec![1u8; 3], vec![0u8; MAX_ENTRY]];
        let bytes = entry_bundle(id, 0, &ok).unwrap();
        assert_eq!(&bytes[..5], &[0, 3, 1, 1, 1]);
        assert_eq!(&bytes[5..7], &[0xff, 0xff]);
        assert_eq!(parse_bundle(&bytes).unwrap().len(), 2);
        assert!(parse_bundle(&bytes[..bytes.len() - 1]).is_err());
    }
}
