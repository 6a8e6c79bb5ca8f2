//! The log directory: the ledger on disk (docs/ledger.md, "The log
//! directory").
//!
//! ```text
//! entries.jsonl        every entry, its canonical JSON on one line, in log order
//! checkpoints/N.note   the signed checkpoint of size N (N in 20 digits)
//! checkpoint           the latest signed checkpoint
//! log.vkey             the log's verifier key
//! tile/…               the tree and entries as C2SP tlog-tiles, for serving
//! ```
//!
//! Crash safety: [`LogDir::append`] returns only once its entries are on
//! disk (`fdatasync`), and a checkpoint is signed only over entries that
//! are; checkpoint files are written whole (a temporary file, synced, then
//! renamed, then the directory synced). After a crash, [`LogDir::open`]
//! cuts a partial last line — an entry whose write was interrupted, never
//! acknowledged — and refuses a log whose signed checkpoint covers more
//! than it holds.
//!
//! Tiles ([`ledger::tiles`]) are written by [`LogDir::checkpoint`] before
//! it signs, each file whole: the tiles that changed since the last
//! checkpoint (a full tile never changes; a partial one is replaced by a
//! wider one, the older kept for the checkpoints that name it). They are
//! derived from the entries: [`LogDir::open`] finds those of the latest
//! checkpoint that are missing or of the wrong length (a crash, or a log
//! written before tiles) and the next checkpoint writes them again.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ledger::merkle::Tree;
use ledger::note::{self, Checkpoint, Signer};
use ledger::tiles::{self, Kind, TileError, TileId};

/// The entries file.
pub const ENTRIES: &str = "entries.jsonl";
/// The latest checkpoint.
pub const CHECKPOINT: &str = "checkpoint";
/// Every checkpoint, by size.
pub const CHECKPOINTS: &str = "checkpoints";
/// The verifier key.
pub const KEY: &str = "log.vkey";
/// The tiles (C2SP tlog-tiles): `tile/<L>/<N>[.p/<W>]`, `tile/entries/…`.
pub const TILES: &str = "tile";

/// Why the log directory cannot be written or read.
#[derive(Debug)]
pub enum StoreError {
    Io {
        path: PathBuf,
        error: io::Error,
    },
    /// What is on disk is not a log this writer may continue: why.
    Corrupt(String),
    /// An entry that cannot be logged: why.
    BadEntry(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            StoreError::Corrupt(why) => write!(f, "the log cannot be continued: {why}"),
            StoreError::BadEntry(why) => write!(f, "an entry cannot be logged: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |error| StoreError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// The name of the file of the checkpoint of `size`.
pub fn checkpoint_file(size: u64) -> String {
    format!("{size:020}.note")
}

/// Writes `bytes` to `dir/name` whole: a temporary file, synced, renamed
/// over the name, then the directory synced.
pub fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let tmp = dir.join(format!(".{name}.tmp"));
    let path = dir.join(name);
    let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
    f.write_all(bytes).map_err(io_err(&tmp))?;
    f.sync_all().map_err(io_err(&tmp))?;
    fs::rename(&tmp, &path).map_err(io_err(&path))?;
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

/// Writes the tile `id` under the log directory `dir`, whole
/// ([`write_durably`]), making its directories (each one made synced into
/// its parent).
pub fn write_tile(dir: &Path, id: TileId, bytes: &[u8]) -> Result<(), StoreError> {
    write_tiles(dir, &[(id, bytes.to_vec())])
}

/// Writes tiles under the log directory `dir`, each whole: every file
/// written to a temporary name and synced, then renamed, then each
/// directory touched synced once (not once per tile).
pub fn write_tiles(dir: &Path, tiles: &[(TileId, Vec<u8>)]) -> Result<(), StoreError> {
    let mut dirs = std::collections::BTreeSet::new();
    for (id, bytes) in tiles {
        let at = tile_dir(dir, *id)?;
        let rel = id.path();
        let name = rel.rsplit_once('/').map_or(rel.as_str(), |(_, n)| n);
        let tmp = at.join(format!(".{name}.tmp"));
        let path = at.join(name);
        let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
        f.write_all(bytes).map_err(io_err(&tmp))?;
        f.sync_all().map_err(io_err(&tmp))?;
        fs::rename(&tmp, &path).map_err(io_err(&path))?;
        dirs.insert(at);
    }
    for d in &dirs {
        sync_dir(d)?;
    }
    Ok(())
}

/// The directory of tile `id`, made (and synced into its parent) if new.
fn tile_dir(dir: &Path, id: TileId) -> Result<PathBuf, StoreError> {
    let rel = id.path();
    let parent = rel.rsplit_once('/').map_or("", |(p, _)| p);
    let mut at = dir.to_path_buf();
    for part in parent.split('/').filter(|p| !p.is_empty()) {
        let next = at.join(part);
        if !next.is_dir() {
            match fs::create_dir(&next) {
                Ok(()) => sync_dir(&at)?,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io_err(&next)(e)),
            }
        }
        at = next;
    }
    Ok(at)
}

fn tile_err(e: TileError) -> StoreError {
    match e {
        TileError::EntryTooLong { .. } => StoreError::BadEntry(e.to_string()),
        e => StoreError::Corrupt(format!("making the tiles: {e}")),
    }
}

/// What [`LogDir::open`] found and repaired.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Entries on disk.
    pub entries: u64,
    /// Bytes of a partial last entry cut (an interrupted write).
    pub cut_bytes: u64,
    /// The size of the latest signed checkpoint.
    pub checkpoint: u64,
    /// Tiles of the latest checkpoint missing or of the wrong length, to
    /// be written again by the next checkpoint.
    pub missing_tiles: usize,
}

/// A log directory open for appending.
#[derive(Debug)]
pub struct LogDir {
    dir: PathBuf,
    file: File,
    tree: Tree,
    signer: Signer,
    signed: u64,
    /// The size whose tiles are all written.
    tiled: u64,
    /// The entries from `bundle_from` (a multiple of 256) on: those of the
    /// entry bundles still to change.
    bundle_from: u64,
    pending: Vec<Vec<u8>>,
    /// Tiles found missing at open, for the next checkpoint to write.
    repair: Vec<(TileId, Vec<u8>)>,
}

impl LogDir {
    /// Makes a new log in `dir`, which must not exist yet: built whole in a
    /// hidden directory beside it — entries file, verifier key, a signed
    /// checkpoint of the empty tree — then renamed into place, so a crash
    /// leaves either no log or a complete one.
    pub fn create(dir: &Path, signer: Signer) -> Result<LogDir, StoreError> {
        if dir.join(ENTRIES).exists() {
            return Err(StoreError::Corrupt(format!(
                "{} already holds a log; open it, or choose an empty directory",
                dir.display()
            )));
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "log".into());
        fs::create_dir_all(&parent).map_err(io_err(&parent))?;
        let tmp = parent.join(format!(".{name}.creating"));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
        }
        fs::create_dir_all(tmp.join(CHECKPOINTS)).map_err(io_err(&tmp))?;
        let entries = tmp.join(ENTRIES);
        File::create(&entries)
            .and_then(|f| f.sync_all())
            .map_err(io_err(&entries))?;
        write_durably(
            &tmp,
            KEY,
            format!("{}\n", signer.verifier().encode()).as_bytes(),
        )?;
        let mut log = LogDir {
            dir: tmp.clone(),
            file: File::open(&entries).map_err(io_err(&entries))?,
            tree: Tree::new(),
            signer,
            signed: 0,
            tiled: 0,
            bundle_from: 0,
            pending: Vec::new(),
            repair: Vec::new(),
        };
        log.checkpoint()?;
        // An empty directory given by the caller is replaced.
        if dir.exists() {
            fs::remove_dir(dir).map_err(|e| match e.kind() {
                io::ErrorKind::DirectoryNotEmpty => StoreError::Corrupt(format!(
                    "{} is not empty: choose an empty directory for a new log",
                    dir.display()
                )),
                _ => io_err(dir)(e),
            })?;
        }
        fs::rename(&tmp, dir).map_err(io_err(dir))?;
        sync_dir(&parent)?;
        let path = dir.join(ENTRIES);
        log.file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        log.dir = dir.to_path_buf();
        Ok(log)
    }

    /// Opens the log in `dir` to continue it: cuts a partial last entry,
    /// and checks the latest checkpoint against the entries.
    pub fn open(dir: &Path, signer: Signer) -> Result<(LogDir, Recovered), StoreError> {
        let path = dir.join(ENTRIES);
        let bytes = fs::read(&path).map_err(io_err(&path))?;
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let all: Vec<&[u8]> = lines(&bytes[..whole]).collect();
        let mut tree = Tree::new();
        for line in &all {
            tree.push(line);
        }
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let cut = (bytes.len() - whole) as u64;
        if cut > 0 {
            file.set_len(whole as u64).map_err(io_err(&path))?;
            file.sync_all().map_err(io_err(&path))?;
        }
        let mut signed = 0;
        let latest = dir.join(CHECKPOINT);
        match fs::read_to_string(&latest) {
            Ok(text) => {
                let cp = note::open(&text, &[signer.verifier()])
                    .map_err(|e| StoreError::Corrupt(format!("{}: {e}", latest.display())))
                    .and_then(|v| {
                        Checkpoint::parse(&v.text)
                            .map_err(|e| StoreError::Corrupt(format!("{}: {e}", latest.display())))
                    })?;
                if cp.size > tree.len() {
                    return Err(StoreError::Corrupt(format!(
                        "its signed checkpoint covers {} entries and only {} are on disk: acknowledged entries are missing",
                        cp.size,
                        tree.len()
                    )));
                }
                if tree.root_at(cp.size) != Some(cp.root) {
                    return Err(StoreError::Corrupt(format!(
                        "the entries do not give the root of its signed checkpoint of size {}: an entry was changed",
                        cp.size
                    )));
                }
                signed = cp.size;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_err(&latest)(e)),
        }
        let repair = missing_tiles(dir, &tree, signed, &all)?;
        let bundle_from = signed >> tiles::HEIGHT << tiles::HEIGHT;
        let pending = all
            .get(usize::try_from(bundle_from).unwrap_or(usize::MAX)..)
            .unwrap_or_default()
            .iter()
            .map(|e| e.to_vec())
            .collect();
        let recovered = Recovered {
            entries: tree.len(),
            cut_bytes: cut,
            checkpoint: signed,
            missing_tiles: repair.len(),
        };
        Ok((
            LogDir {
                dir: dir.to_path_buf(),
                file,
                tree,
                signer,
                signed,
                tiled: signed,
                bundle_from,
                pending,
                repair,
            },
            recovered,
        ))
    }

    /// Appends entries (each one line: canonical JSON has no raw newline);
    /// returns the index of the first, once all are on disk.
    pub fn append<E: AsRef<[u8]>>(&mut self, entries: &[E]) -> Result<u64, StoreError> {
        let first = self.tree.len();
        let mut buf = Vec::new();
        for e in entries {
            let e = e.as_ref();
            if e.is_empty() || e.contains(&b'\n') {
                return Err(StoreError::BadEntry(
                    "an entry is empty or holds a newline".into(),
                ));
            }
            if e.len() > tiles::MAX_ENTRY {
                return Err(StoreError::BadEntry(format!(
                    "an entry of {} bytes: the log's entry bundles (C2SP tlog-tiles) hold entries of at most {} bytes",
                    e.len(),
                    tiles::MAX_ENTRY
                )));
            }
            buf.extend_from_slice(e);
            buf.push(b'\n');
        }
        let path = self.dir.join(ENTRIES);
        self.file.write_all(&buf).map_err(io_err(&path))?;
        self.file.sync_data().map_err(io_err(&path))?;
        for e in entries {
            self.tree.push(e.as_ref());
            self.pending.push(e.as_ref().to_vec());
        }
        Ok(first)
    }

    /// Writes the tiles of every entry appended (all durable) that changed
    /// since the last checkpoint, and those found missing at open; then
    /// signs a checkpoint of them, writes it, and returns the signed note.
    pub fn checkpoint(&mut self) -> Result<String, StoreError> {
        self.write_tiles()?;
        let body = Checkpoint {
            origin: self.signer.verifier().name.clone(),
            size: self.tree.len(),
            root: self.tree.root(),
            extensions: Vec::new(),
        };
        let signed = note::sign(&body.encode(), std::slice::from_ref(&self.signer))
            .map_err(|e| StoreError::Corrupt(format!("signing the checkpoint: {e}")))?;
        write_durably(
            &self.dir.join(CHECKPOINTS),
            &checkpoint_file(body.size),
            signed.as_bytes(),
        )?;
        write_durably(&self.dir, CHECKPOINT, signed.as_bytes())?;
        self.signed = body.size;
        Ok(signed)
    }

    /// Writes the tiles that changed from the last tiled size to the
    /// tree's, after those found missing at open.
    fn write_tiles(&mut self) -> Result<(), StoreError> {
        let size = self.tree.len();
        write_tiles(&self.dir, &self.repair)?;
        self.repair.clear();
        let made = tiles::tiles(
            &self.tree,
            self.tiled,
            size,
            self.bundle_from,
            &self.pending,
        )
        .map_err(tile_err)?;
        write_tiles(&self.dir, &made)?;
        self.tiled = size;
        let from = size >> tiles::HEIGHT << tiles::HEIGHT;
        let done = usize::try_from(from - self.bundle_from).unwrap_or(usize::MAX);
        self.pending.drain(..done.min(self.pending.len()));
        self.bundle_from = from;
        Ok(())
    }

    /// The tree of the entries appended.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The size of the latest signed checkpoint.
    pub fn signed(&self) -> u64 {
        self.signed
    }
}

/// The tiles of a tree of `size` entries whose file under `dir` is
/// missing or of another length than it should be, with their bytes.
fn missing_tiles(
    dir: &Path,
    tree: &Tree,
    size: u64,
    entries: &[&[u8]],
) -> Result<Vec<(TileId, Vec<u8>)>, StoreError> {
    let mut missing = Vec::new();
    for id in tiles::tiles_of(size) {
        let bytes = match id.kind() {
            Kind::Hashes(_) => tiles::hash_tile(tree, id),
            Kind::Entries => tiles::entry_bundle(id, 0, entries),
        }
        .map_err(tile_err)?;
        let on_disk = fs::metadata(dir.join(id.path())).map(|m| m.len()).ok();
        if on_disk != Some(bytes.len() as u64) {
            missing.push((id, bytes));
        }
    }
    Ok(missing)
}

/// The lines of whole entries (`bytes` ends in a newline, or is empty).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .strip_suffix(b"\n")
        .into_iter()
        .flat_map(|b| b.split(|&c| c == b'\n'))
}
