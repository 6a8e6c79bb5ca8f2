//! The log directory: the ledger on disk (docs/ledger.md, "The log
//! directory").
//!
//! ```text
//! entries.jsonl        every entry, its canonical JSON on one line, in log order
//! checkpoints/N.note   the signed checkpoint of size N (N in 20 digits)
//! checkpoint           the latest signed checkpoint
//! log.vkey             the log's verifier key
//! ```
//!
//! Crash safety: [`LogDir::append`] returns only once its entries are on
//! disk (`fdatasync`), and a checkpoint is signed only over entries that
//! are; checkpoint files are written whole (a temporary file, synced, then
//! renamed, then the directory synced). After a crash, [`LogDir::open`]
//! cuts a partial last line — an entry whose write was interrupted, never
//! acknowledged — and refuses a log whose signed checkpoint covers more
//! than it holds.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ledger::merkle::{self, Tree};
use ledger::note::{self, Checkpoint, Signer};

/// The entries file.
pub const ENTRIES: &str = "entries.jsonl";
/// The latest checkpoint.
pub const CHECKPOINT: &str = "checkpoint";
/// Every checkpoint, by size.
pub const CHECKPOINTS: &str = "checkpoints";
/// The verifier key.
pub const KEY: &str = "log.vkey";

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

/// What [`LogDir::open`] found and repaired.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Entries on disk.
    pub entries: u64,
    /// Bytes of a partial last entry cut (an interrupted write).
    pub cut_bytes: u64,
    /// The size of the latest signed checkpoint.
    pub checkpoint: u64,
}

/// A log directory open for appending.
#[derive(Debug)]
pub struct LogDir {
    dir: PathBuf,
    file: File,
    tree: Tree,
    signer: Signer,
    signed: u64,
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
        let mut tree = Tree::new();
        for line in lines(&bytes[..whole]) {
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
        let recovered = Recovered {
            entries: tree.len(),
            cut_bytes: cut,
            checkpoint: signed,
        };
        Ok((
            LogDir {
                dir: dir.to_path_buf(),
                file,
                tree,
                signer,
                signed,
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
            buf.extend_from_slice(e);
            buf.push(b'\n');
        }
        let path = self.dir.join(ENTRIES);
        self.file.write_all(&buf).map_err(io_err(&path))?;
        self.file.sync_data().map_err(io_err(&path))?;
        for e in entries {
            self.tree.push(e.as_ref());
        }
        Ok(first)
    }

    /// Signs a checkpoint of every entry appended (all durable), writes it,
    /// and returns the signed note.
    pub fn checkpoint(&mut self) -> Result<String, StoreError> {
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

    /// The tree of the entries appended.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The size of the latest signed checkpoint.
    pub fn signed(&self) -> u64 {
        self.signed
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The root as hex (for messages).
    pub fn root_hex(&self) -> String {
        merkle::hex(&self.tree.root())
    }
}

/// The lines of whole entries (`bytes` ends in a newline, or is empty).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes
        .strip_suffix(b"\n")
        .into_iter()
        .flat_map(|b| b.split(|&c| c == b'\n'))
}
