//! The log directory's tiles (C2SP tlog-tiles): written at each
//! checkpoint before it is signed, only those that changed, enough for a
//! client with nothing else to check every checkpoint; checked by
//! verify-log, a changed byte named; made again when missing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use ledger::entry;
use ledger::merkle;
use ledger::note::{self, Checkpoint, Signer};
use ledger::tiles::{self, TileId, TileSet};
use store::logdir::{self, LogDir, StoreError};
use store::verify::verify_log;

fn signer() -> Signer {
    Signer::from_seed("bulwark.test/tiles", [7; 32]).unwrap()
}

fn entry(n: u64) -> Vec<u8> {
    entry::canonical(&serde_json::json!({
        "entry": "decision", "decision": "test", "at": "2025-01-01T00:00:00Z", "n": n
    }))
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bulwark-tiles-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A log of `n` entries, a checkpoint after every 37 (and at the end);
/// returns the sizes signed.
fn log_of(dir: &Path, n: u64) -> Vec<u64> {
    let mut log = LogDir::create(dir, signer()).unwrap();
    let mut sizes = Vec::new();
    for i in 0..n {
        log.append(&[entry(i)]).unwrap();
        if i % 37 == 36 {
            log.checkpoint().unwrap();
            sizes.push(i + 1);
        }
    }
    log.checkpoint().unwrap();
    sizes.push(n);
    sizes
}

/// Every file under `dir/tile/`, by its path relative to `dir`.
fn tile_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(p: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(p).unwrap() {
            let e = e.unwrap();
            let name = format!("{rel}/{}", e.file_name().to_str().unwrap());
            if e.path().is_dir() {
                walk(&e.path(), &name, out);
            } else {
                out.push((name, std::fs::read(e.path()).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&dir.join(logdir::TILES), logdir::TILES, &mut out);
    out.sort();
    out
}

fn signed(dir: &Path, size: u64) -> Checkpoint {
    let text = std::fs::read_to_string(
        dir.join(logdir::CHECKPOINTS)
            .join(logdir::checkpoint_file(size)),
    )
    .unwrap();
    let v = note::open(&text, &[signer().verifier()]).unwrap();
    Checkpoint::parse(&v.text).unwrap()
}

#[test]
fn a_client_with_only_the_tiles_checks_every_checkpoint() {
    let dir = fresh("client");
    let n = 700;
    let sizes = log_of(&dir, n);
    let report = verify_log(&dir, None, &[]).unwrap();
    let files = tile_files(&dir);
    assert_eq!(report.tiles, files.len());
    assert_eq!(report.tiles_missing, 0);

    let mut set = TileSet::new();
    for (path, bytes) in &files {
        set.insert(path, bytes.clone()).unwrap();
    }
    // Every tile of the tree, as the ledger makes them.
    let mut tree = merkle::Tree::new();
    let entries: Vec<Vec<u8>> = (0..n).map(entry).collect();
    for e in &entries {
        tree.push(e);
    }
    for (id, bytes) in tiles::tiles(&tree, 0, n, 0, &entries).unwrap() {
        let on_disk = std::fs::read(dir.join(id.path())).unwrap();
        assert_eq!(on_disk, bytes, "{}", id.path());
    }
    // Each checkpoint's partial tiles are there (the spec: served for
    // every size a checkpoint was signed for), and its root and a
    // consistency proof from the one before come from the tiles alone.
    let mut before: Option<Checkpoint> = None;
    for &size in &sizes {
        for id in tiles::tiles_of(size) {
            assert!(
                dir.join(id.path()).is_file(),
                "{} of size {size}",
                id.path()
            );
        }
        let cp = signed(&dir, size);
        assert_eq!(set.root(size).unwrap(), cp.root, "size {size}");
        if let Some(b) = &before {
            let proof = set.consistency_proof(b.size, size).unwrap();
            merkle::verify_consistency(b.size, size, &b.root, &cp.root, &proof).unwrap();
        }
        before = Some(cp);
    }
    // Every entry, from its bundle, is in the latest tree.
    let last = signed(&dir, n);
    for index in 0..n {
        let e = set.entry(index, n).unwrap();
        assert_eq!(e, entry(index));
        let proof = set.inclusion_proof(index, n).unwrap();
        merkle::verify_inclusion(index, n, &merkle::leaf_hash(&e), &proof, &last.root).unwrap();
    }
}

#[test]
fn a_changed_tile_byte_is_named_by_verify() {
    let dir = fresh("byte");
    log_of(&dir, 600);
    let flip = |rel: &str, at: usize| {
        let p = dir.join(rel);
        let mut b = std::fs::read(&p).unwrap();
        b[at] ^= 1;
        std::fs::write(&p, b).unwrap();
    };
    flip("tile/0/001", 32 * 5 + 3);
    flip("tile/entries/000", 2 + 10);
    flip("tile/1/000.p/2", 40);
    std::fs::write(dir.join("tile/0/stray"), b"x").unwrap();
    let e = verify_log(&dir, None, &[]).unwrap_err();
    let p = e.problems.join("\n");
    assert_eq!(e.problems.len(), 4, "{p}");
    assert!(
        p.contains("tile/0/001 does not match the entries: hash 5 (of entries 261 to 261) differs"),
        "{p}"
    );
    assert!(
        p.contains("tile/entries/000 does not match the entries: entry 0 differs"),
        "{p}"
    );
    assert!(
        p.contains(
            "tile/1/000.p/2 does not match the entries: hash 1 (of entries 256 to 511) differs"
        ),
        "{p}"
    );
    assert!(
        p.contains("tile/0/stray: a file among the tiles that is not one"),
        "{p}"
    );
    // A cut tile, too.
    let path = dir.join("tile/0/000");
    std::fs::write(&path, &std::fs::read(&path).unwrap()[..100]).unwrap();
    let p = verify_log(&dir, None, &[]).unwrap_err().problems.join("\n");
    assert!(
        p.contains("tile/0/000 does not match the entries: it has 100 bytes"),
        "{p}"
    );
}

#[test]
fn a_checkpoint_writes_only_the_tiles_that_changed() {
    let dir = fresh("changed");
    let mut log = LogDir::create(&dir, signer()).unwrap();
    let batch: Vec<Vec<u8>> = (0..300).map(entry).collect();
    log.append(&batch).unwrap();
    log.checkpoint().unwrap();
    let inode = |rel: &str| std::fs::metadata(dir.join(rel)).unwrap().ino();
    let full = [inode("tile/0/000"), inode("tile/entries/000")];
    let partial = inode("tile/0/001.p/44");
    log.append(&[entry(300)]).unwrap();
    log.checkpoint().unwrap();
    // Full tiles are not written again; the partial one of 300 stays, and
    // the one of 301 is new.
    assert_eq!([inode("tile/0/000"), inode("tile/entries/000")], full);
    assert_eq!(inode("tile/0/001.p/44"), partial);
    assert!(dir.join("tile/0/001.p/45").is_file());
    // A checkpoint with nothing new writes no tile.
    let before = tile_files(&dir);
    let ino = inode("tile/0/001.p/45");
    log.checkpoint().unwrap();
    assert_eq!(tile_files(&dir), before);
    assert_eq!(inode("tile/0/001.p/45"), ino);
    assert_eq!(verify_log(&dir, None, &[]).unwrap().tiles, before.len());
}

#[test]
fn tiles_are_written_before_the_checkpoint_is_signed() {
    let dir = fresh("order");
    let mut log = LogDir::create(&dir, signer()).unwrap();
    log.append(&[entry(0), entry(1)]).unwrap();
    log.checkpoint().unwrap();
    // Where the next partial tile's directory goes, a file: the tile
    // cannot be written, and so nothing is signed.
    std::fs::create_dir_all(dir.join("tile/0")).unwrap();
    std::fs::remove_dir_all(dir.join("tile/0/000.p")).unwrap();
    std::fs::write(dir.join("tile/0/000.p"), b"in the way").unwrap();
    log.append(&[entry(2)]).unwrap();
    assert!(matches!(log.checkpoint(), Err(StoreError::Io { .. })));
    assert!(
        !dir.join(logdir::CHECKPOINTS)
            .join(logdir::checkpoint_file(3))
            .exists()
    );
    assert_eq!(signed(&dir, 2).size, 2);
    assert_eq!(log.signed(), 2);
}

#[test]
fn missing_tiles_are_made_again_after_open() {
    let dir = fresh("missing");
    log_of(&dir, 300);
    let all = tile_files(&dir);
    // A log without tiles (written before them, or its tiles lost) still
    // verifies, and says what is missing.
    std::fs::remove_dir_all(dir.join(logdir::TILES)).unwrap();
    let r = verify_log(&dir, None, &[]).unwrap();
    assert_eq!(
        (r.tiles, r.tiles_missing),
        (0, tiles::tiles_of(300).count())
    );
    let (mut log, rec) = LogDir::open(&dir, signer()).unwrap();
    assert_eq!(rec.missing_tiles, tiles::tiles_of(300).count());
    log.append(&[entry(300)]).unwrap();
    log.checkpoint().unwrap();
    let r = verify_log(&dir, None, &[]).unwrap();
    assert_eq!(r.tiles_missing, 0);
    for id in tiles::tiles_of(300).chain(tiles::tiles_of(301)) {
        assert!(dir.join(id.path()).is_file(), "{}", id.path());
    }
    // The tiles made again are the ones written the first time.
    for (path, bytes) in &all {
        if let Ok(id) = TileId::parse(path)
            && tiles::tiles_of(300).any(|t| t == id)
        {
            assert_eq!(&std::fs::read(dir.join(path)).unwrap(), bytes, "{path}");
        }
    }
    // A cut tile is found at open too.
    let cut = dir.join("tile/0/001.p/45");
    std::fs::write(&cut, b"short").unwrap();
    let (_, rec) = LogDir::open(&dir, signer()).unwrap();
    assert_eq!(rec.missing_tiles, 1);
}

#[test]
fn an_entry_too_long_for_a_bundle_is_refused_at_append() {
    let dir = fresh("long");
    let mut log = LogDir::create(&dir, signer()).unwrap();
    let long =
        entry::canonical(&serde_json::json!({"entry": "decision", "pad": "x".repeat(70_000)}));
    let e = log.append(&[long]).unwrap_err();
    assert!(e.to_string().contains("at most 65535 bytes"), "{e}");
    assert_eq!(log.tree().len(), 0);
}
