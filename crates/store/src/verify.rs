//! `verify-log`: recompute a log directory's tree from its entries and
//! check every checkpoint — its signature, its root, its file, and the
//! consistency between successive ones — then the tiles under `tile/`
//! against the entries, the released salts of restricted entries and the
//! evidence packs beside the log. Every problem found is reported, each
//! saying where.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use ledger::entry::{self, Entry};
use ledger::merkle::{self, Hash, Tree};
use ledger::note::{self, Checkpoint, Verifier};
use ledger::pack;
use ledger::tiles::{self, Kind, TileId};
use serde::Serialize;
use serde_json::Value;

use crate::logdir::{CHECKPOINT, CHECKPOINTS, ENTRIES, KEY, TILES, checkpoint_file, lines};

/// What a log that verified holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LogReport {
    /// The log directory checked.
    pub dir: String,
    pub origin: String,
    pub entries: u64,
    pub inputs: u64,
    pub restricted: u64,
    pub decisions: u64,
    /// Key registry entries (enrolments and key statements; their
    /// signatures are the `keyring` crate's to check).
    pub keys: u64,
    pub checkpoints: usize,
    /// The latest checkpoint's size and root (hex).
    pub size: u64,
    pub root: String,
    pub key_name: String,
    pub key_id: String,
    /// True when the key was given by the caller; false when the log's own
    /// `log.vkey` was used (integrity only, not who signed).
    pub key_trusted: bool,
    /// The size of the `checkpoint` file's checkpoint: the largest, or one
    /// behind it after a crash between writing the two.
    pub latest: u64,
    /// Entries after the latest checkpoint (written, not yet signed).
    pub unsigned_entries: u64,
    /// Bytes of a partial last line: a write interrupted by a crash, never
    /// acknowledged.
    pub partial_bytes: u64,
    /// Released salts checked against their commitments.
    pub salts_opened: usize,
    /// Evidence packs checked against the log.
    pub packs: usize,
    /// Checkpoints given by the caller and found consistent with the log.
    pub seen_checkpoints: usize,
    /// Tiles under `tile/` (hash tiles and entry bundles) checked against
    /// the entries and found equal.
    pub tiles: usize,
    /// Tiles the latest checkpoint's tree has and `tile/` does not (derived
    /// data: the writer makes them again at its next checkpoint).
    pub tiles_missing: usize,
}

/// Every problem found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogError {
    pub problems: Vec<String>,
}

impl std::fmt::Display for LogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} problem(s):", self.problems.len())?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LogError {}

/// The log directory under `root`: `root/log` when it holds one (an
/// exercise's output), else `root` itself.
pub fn log_dir(root: &Path) -> PathBuf {
    let inner = root.join("log");
    if inner.join(ENTRIES).exists() {
        inner
    } else {
        root.to_path_buf()
    }
}

/// Reads a signed checkpoint with `key`.
fn read_checkpoint(text: &str, key: &Verifier) -> Result<Checkpoint, String> {
    let v = note::open(text, std::slice::from_ref(key)).map_err(|e| e.to_string())?;
    Checkpoint::parse(&v.text).map_err(|e| e.to_string())
}

/// Verifies the log under `root` (see [`log_dir`]); with `key`, its
/// checkpoints must be signed by that key. `seen` are checkpoints received
/// elsewhere (e.g. by another party): each must be consistent with the log
/// — a checkpoint of the same size with another root is a fork.
pub fn verify_log(
    root: &Path,
    key: Option<&Verifier>,
    seen: &[(String, String)],
) -> Result<LogReport, LogError> {
    let dir = log_dir(root);
    let given = key.is_some();
    let mut problems: Vec<String> = Vec::new();
    let fatal = |p: String| LogError { problems: vec![p] };
    let own = fs::read_to_string(dir.join(KEY))
        .map_err(|e| e.to_string())
        .and_then(|t| Verifier::parse(t.trim_end()).map_err(|e| e.to_string()));
    let key: Verifier = match (key, own) {
        (Some(k), _) => k.clone(),
        (None, Ok(k)) => k,
        (None, Err(e)) => {
            return Err(fatal(format!(
                "{}: {e} (give the log's key with --key)",
                dir.join(KEY).display()
            )));
        }
    };
    let mut report = LogReport {
        dir: dir.display().to_string(),
        origin: key.name.clone(),
        key_name: key.name.clone(),
        key_id: merkle::hex(&key.id),
        key_trusted: given,
        ..LogReport::default()
    };
    let bytes = fs::read(dir.join(ENTRIES))
        .map_err(|e| fatal(format!("{}: {e}", dir.join(ENTRIES).display())))?;
    let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    report.partial_bytes = (bytes.len() - whole) as u64;

    // The entries: each canonical JSON, each a known kind.
    let mut tree = Tree::new();
    let mut commitments: BTreeMap<u64, Hash> = BTreeMap::new();
    let all: Vec<&[u8]> = lines(&bytes[..whole]).collect();
    for (i, line) in all.iter().copied().enumerate() {
        let index = tree.push(line);
        let at = || format!("entry {index} (line {})", i + 1);
        let value: Value = match serde_json::from_slice(line) {
            Ok(v) => v,
            Err(e) => {
                problems.push(format!("{}: not JSON: {e}", at()));
                continue;
            }
        };
        if entry::canonical(&value) != line {
            problems.push(format!(
                "{}: not in canonical form (RFC 8785): it was edited",
                at()
            ));
        }
        match Entry::read(&value) {
            Ok(Entry::Input { .. }) => report.inputs += 1,
            Ok(Entry::Restricted { commitment, .. }) => {
                report.restricted += 1;
                commitments.insert(index, commitment);
            }
            Ok(Entry::Key { .. }) => report.keys += 1,
            Ok(Entry::Certified(_) | Entry::Decision(_)) => report.decisions += 1,
            Err(e) => problems.push(format!("{}: {e}", at())),
        }
    }
    report.entries = tree.len();

    // The checkpoints, in order of size.
    let cps_dir = dir.join(CHECKPOINTS);
    let mut names: Vec<String> = fs::read_dir(&cps_dir)
        .map_err(|e| fatal(format!("{}: {e}", cps_dir.display())))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".note"))
        .collect();
    names.sort();
    let mut previous: Option<Checkpoint> = None;
    let mut by_size: BTreeMap<u64, Hash> = BTreeMap::new();
    for name in &names {
        let path = cps_dir.join(name);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let cp = match read_checkpoint(&text, &key) {
            Ok(cp) => cp,
            Err(e) => {
                problems.push(format!("checkpoint {name}: {e}"));
                continue;
            }
        };
        if cp.origin != key.name {
            problems.push(format!(
                "checkpoint {name} is of the log `{}`, not `{}`",
                cp.origin, key.name
            ));
        }
        if *name != checkpoint_file(cp.size) {
            problems.push(format!(
                "checkpoint {name} holds a checkpoint of size {}: checkpoint files were swapped",
                cp.size
            ));
        }
        check_against_tree(&tree, &cp, &format!("checkpoint {name}"), &mut problems);
        if let Some(prev) = &previous {
            consistent(&tree, prev, &cp, name, &mut problems);
        }
        by_size.insert(cp.size, cp.root);
        report.checkpoints += 1;
        previous = Some(cp);
    }
    match fs::read_to_string(dir.join(CHECKPOINT)) {
        Ok(text) => match read_checkpoint(&text, &key) {
            Ok(cp) => {
                // It may lag the largest in checkpoints/ (a crash between
                // the two writes), never differ from it or go beyond.
                if !by_size.contains_key(&cp.size) {
                    problems.push(format!(
                        "the latest checkpoint (`{CHECKPOINT}`, size {}) is not among {CHECKPOINTS}/: it was swapped, or its file removed",
                        cp.size
                    ));
                }
                report.latest = cp.size;
                fork_check(&by_size, &cp, CHECKPOINT, &mut problems);
            }
            Err(e) => problems.push(format!("the latest checkpoint: {e}")),
        },
        Err(e) if names.is_empty() => {
            problems.push(format!(
                "no signed checkpoint: {e}; nothing in this log is signed"
            ));
        }
        Err(e) => problems.push(format!("the latest checkpoint `{CHECKPOINT}`: {e}")),
    }
    if let Some(last) = &previous {
        report.size = last.size;
        report.root = merkle::hex(&last.root);
        report.unsigned_entries = tree.len().saturating_sub(last.size);
    }

    // The tiles, against the entries.
    let (checked, present) = check_tiles(&dir, &tree, &all, &mut problems);
    report.tiles = checked;
    report.tiles_missing = tiles::tiles_of(report.size)
        .filter(|id| !present.contains(id))
        .count();

    // Checkpoints seen elsewhere.
    for (name, text) in seen {
        match read_checkpoint(text, &key) {
            Ok(cp) => {
                let before = problems.len();
                fork_check(&by_size, &cp, name, &mut problems);
                if problems.len() == before {
                    check_against_tree(&tree, &cp, name, &mut problems);
                }
                if problems.len() == before {
                    report.seen_checkpoints += 1;
                }
            }
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }

    // Released salts (an exercise's `restricted/`), and packs (`packs/`).
    if dir != root {
        report.salts_opened = open_salts(&root.join("restricted"), &commitments, &mut problems);
        report.packs = check_packs(&root.join("packs"), &key, &by_size, &mut problems);
    }
    if problems.is_empty() {
        Ok(report)
    } else {
        Err(LogError { problems })
    }
}

/// Every file under `dir/tile/` must be a tile whose bytes the entries
/// give; returns how many are, and the tiles found.
fn check_tiles(
    dir: &Path,
    tree: &Tree,
    entries: &[&[u8]],
    problems: &mut Vec<String>,
) -> (usize, std::collections::BTreeSet<TileId>) {
    let mut files = Vec::new();
    walk(&dir.join(TILES), TILES, &mut files, problems);
    files.sort();
    let mut present = std::collections::BTreeSet::new();
    let mut checked = 0;
    for (rel, path) in files {
        let id = match TileId::parse(&rel) {
            Ok(id) => id,
            Err(e) => {
                problems.push(format!(
                    "{rel}: a file among the tiles that is not one: {e}"
                ));
                continue;
            }
        };
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                problems.push(format!("{rel}: {e}"));
                continue;
            }
        };
        present.insert(id);
        let want = match id.kind() {
            Kind::Hashes(_) => tiles::hash_tile(tree, id),
            Kind::Entries => tiles::entry_bundle(id, 0, entries),
        };
        let want = match want {
            Ok(w) => w,
            Err(e) => {
                problems.push(format!(
                    "{rel}: the log's {} entries do not make this tile: {e}",
                    tree.len()
                ));
                continue;
            }
        };
        match first_difference(id, &bytes, &want) {
            None => checked += 1,
            Some(what) => problems.push(format!(
                "{rel} does not match the entries: {what}; the tile was changed, or the entries were"
            )),
        }
    }
    (checked, present)
}

/// The files under `path` (named `rel` relative to the log directory),
/// leaving out temporaries (`.NAME.tmp`, a write cut by a crash).
fn walk(path: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>, problems: &mut Vec<String>) {
    let Ok(read) = fs::read_dir(path) else {
        return;
    };
    for e in read.filter_map(Result::ok) {
        let Ok(name) = e.file_name().into_string() else {
            problems.push(format!("{rel}: a file whose name is not UTF-8"));
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let (sub, p) = (format!("{rel}/{name}"), e.path());
        if p.is_dir() {
            walk(&p, &sub, out, problems);
        } else {
            out.push((sub, p));
        }
    }
}

/// Where a tile's bytes first differ from what they should be.
fn first_difference(id: TileId, got: &[u8], want: &[u8]) -> Option<String> {
    if got == want {
        return None;
    }
    let (start, _) = id.span().unwrap_or((0, 0));
    match id.kind() {
        Kind::Hashes(level) => {
            if got.len() != want.len() {
                return Some(format!(
                    "it has {} bytes, and {} hashes make {}",
                    got.len(),
                    id.width(),
                    want.len()
                ));
            }
            let i = got
                .chunks(32)
                .zip(want.chunks(32))
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            let unit = 1u64 << (tiles::HEIGHT * u32::from(level));
            let from = start + i as u64 * unit;
            Some(format!(
                "hash {i} (of entries {from} to {}) differs",
                from + unit - 1
            ))
        }
        Kind::Entries => match tiles::parse_bundle(got) {
            Err(why) => Some(why),
            Ok(es) => {
                let wanted = tiles::parse_bundle(want).unwrap_or_default();
                match es.iter().zip(&wanted).position(|(a, b)| a != b) {
                    Some(i) => Some(format!("entry {} differs", start + i as u64)),
                    None => Some(format!(
                        "it holds {} entries; its width says {}",
                        es.len(),
                        wanted.len()
                    )),
                }
            }
        },
    }
}

fn check_against_tree(tree: &Tree, cp: &Checkpoint, what: &str, problems: &mut Vec<String>) {
    match tree.root_at(cp.size) {
        None => problems.push(format!(
            "{what} signs {} entries and the log holds {}: signed entries were dropped",
            cp.size,
            tree.len()
        )),
        Some(root) if root != cp.root => problems.push(format!(
            "{what} (size {}) signs root {} and the entries give {}: an entry was changed, dropped or inserted",
            cp.size,
            merkle::hex(&cp.root),
            merkle::hex(&root)
        )),
        Some(_) => {}
    }
}

/// A fork: a checkpoint of a size already signed, with another root.
fn fork_check(
    by_size: &BTreeMap<u64, Hash>,
    cp: &Checkpoint,
    what: &str,
    problems: &mut Vec<String>,
) {
    if let Some(root) = by_size.get(&cp.size)
        && *root != cp.root
    {
        problems.push(format!(
            "FORK: {what} and checkpoints/{} are both signed for size {} with different roots ({} and {}): the log was shown differently to different readers",
            checkpoint_file(cp.size),
            cp.size,
            merkle::hex(&cp.root),
            merkle::hex(root)
        ));
    }
}

/// Checks, by a consistency proof made from the entries, that `cp` extends
/// `prev`.
fn consistent(
    tree: &Tree,
    prev: &Checkpoint,
    cp: &Checkpoint,
    name: &str,
    problems: &mut Vec<String>,
) {
    if prev.size == 0 || prev.size > tree.len() || cp.size > tree.len() {
        return;
    }
    let result = tree
        .consistency_proof(prev.size, cp.size)
        .and_then(|proof| {
            merkle::verify_consistency(prev.size, cp.size, &prev.root, &cp.root, &proof)
        });
    if let Err(e) = result {
        problems.push(format!(
            "checkpoint {name} is not consistent with the one before (size {}): {e}",
            prev.size
        ));
    }
}

/// One released salt: `{"index":N,"salt":HEX,"input":{…}}` per line.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Salt {
    index: u64,
    salt: String,
    input: Value,
}

fn open_salts(dir: &Path, commitments: &BTreeMap<u64, Hash>, problems: &mut Vec<String>) -> usize {
    let Ok(files) = fs::read_dir(dir) else {
        return 0;
    };
    let mut names: Vec<PathBuf> = files.filter_map(|e| Some(e.ok()?.path())).collect();
    names.sort();
    let mut opened = 0;
    for path in names {
        let Ok(text) = fs::read_to_string(&path) else {
            problems.push(format!("{}: unreadable", path.display()));
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let at = format!("{} line {}", path.display(), i + 1);
            let salt: Salt = match serde_json::from_str(line) {
                Ok(s) => s,
                Err(e) => {
                    problems.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let Some(bytes) = pack::unhex(&salt.salt) else {
                problems.push(format!("{at}: the salt is not 64 hex digits"));
                continue;
            };
            match commitments.get(&salt.index) {
                None => problems.push(format!(
                    "{at}: log entry {} is not a restricted entry",
                    salt.index
                )),
                Some(c) if *c != entry::commit(&bytes, &entry::canonical(&salt.input)) => {
                    problems.push(format!(
                        "{at}: the salt and input do not open the commitment of log entry {}",
                        salt.index
                    ));
                }
                Some(_) => opened += 1,
            }
        }
    }
    opened
}

fn check_packs(
    dir: &Path,
    key: &Verifier,
    by_size: &BTreeMap<u64, Hash>,
    problems: &mut Vec<String>,
) -> usize {
    let Ok(files) = fs::read_dir(dir) else {
        return 0;
    };
    let mut names: Vec<PathBuf> = files.filter_map(|e| Some(e.ok()?.path())).collect();
    names.sort();
    let mut checked = 0;
    for path in names {
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                problems.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        match pack::verify(&bytes, Some(key)) {
            Ok(r) => {
                let root = pack::unhex(&r.root);
                if by_size.get(&r.size).copied() != root {
                    problems.push(format!(
                        "{}: its checkpoint (size {}) is not one of this log's checkpoints",
                        path.display(),
                        r.size
                    ));
                } else {
                    checked += 1;
                }
            }
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    checked
}
