//! Tiles (C2SP tlog-tiles) against `tlog_tiles`, the peer: the same paths,
//! the same bytes, and its client reads our tiles to the same proofs; and
//! against our own `Tree`: every root and proof computed from tiles alone
//! is the tree's.

use std::collections::BTreeMap;

use ledger::merkle::{self, Tree};
use ledger::tiles::{self, TileError, TileId, TileSet};
use tlog_tiles::{
    Error, Hash as PeerHash, HashReader, Tile, TileHashReader, TileReader, prove_record,
    prove_tree, stored_hashes,
};

/// The peer's hash storage: every stored hash, by its storage index.
struct Store(Vec<PeerHash>);

impl HashReader for Store {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<PeerHash>, Error> {
        indexes
            .iter()
            .map(|&i| {
                self.0
                    .get(i as usize)
                    .copied()
                    .ok_or(Error::IndexesNotInTree)
            })
            .collect()
    }
}

fn entry(n: u64) -> Vec<u8> {
    format!("{{\"n\":{n}}}").into_bytes()
}

/// Ours and the peer's, over the same `size` entries.
fn both(size: u64) -> (Tree, Store, Vec<Vec<u8>>) {
    let mut tree = Tree::new();
    let mut store = Store(Vec::new());
    let mut entries = Vec::new();
    for n in 0..size {
        let e = entry(n);
        tree.push(&e);
        let new = stored_hashes(n, &e, &store).unwrap();
        store.0.extend(new);
        entries.push(e);
    }
    (tree, store, entries)
}

/// The peer writes paths as Go's sumdb does, with the height: `tile/8/…`,
/// and `data` for the entries.
fn peer_path(t: &Tile) -> String {
    let p = t.path();
    let p = p.strip_prefix("tile/8/").unwrap();
    match p.strip_prefix("data/") {
        Some(rest) => format!("tile/entries/{rest}"),
        None => format!("tile/{p}"),
    }
}

fn our_hash_paths(old: u64, new: u64) -> Vec<String> {
    tiles::changed(old, new)
        .filter(|t| t.level().is_some())
        .map(|t| t.path())
        .collect()
}

fn peer_paths(old: u64, new: u64) -> Vec<String> {
    let mut p: Vec<String> = Tile::new_tiles(8, old, new).iter().map(peer_path).collect();
    p.sort_by_key(|s| TileId::parse(s).unwrap());
    p
}

#[test]
fn paths_agree_with_the_peer_at_the_edges() {
    let sizes = [
        0u64,
        1,
        2,
        255,
        256,
        257,
        511,
        512,
        65535,
        65536,
        65537,
        16_777_216 + 3,
    ];
    for &size in &sizes {
        assert_eq!(our_hash_paths(0, size), peer_paths(0, size), "size {size}");
        for &old in &sizes {
            if old <= size {
                assert_eq!(
                    our_hash_paths(old, size),
                    peer_paths(old, size),
                    "{old} → {size}"
                );
            }
        }
        for id in tiles::tiles_of(size) {
            // Every path reads back, in our parser and the peer's.
            assert_eq!(TileId::parse(&id.path()).unwrap(), id);
            let go = match id.level() {
                Some(_) => id.path().replacen("tile/", "tile/8/", 1),
                None => id.path().replacen("tile/entries/", "tile/8/data/", 1),
            };
            let t = Tile::from_path(&go).unwrap();
            assert_eq!(peer_path(&t), id.path());
        }
    }
    // The peer's index encoding, far out.
    for n in [999u64, 1000, 1_234_067, u64::MAX / 256] {
        let ours = tiles::tile_path(2, n, 7).unwrap();
        assert_eq!(ours, peer_path(&Tile::new(8, 2, n, 7, false)));
    }
}

#[test]
fn tile_bytes_agree_with_the_peer() {
    let (tree, store, entries) = both(65_537);
    for size in [1u64, 255, 256, 257, 1000, 65_535, 65_536, 65_537] {
        let ours: BTreeMap<String, Vec<u8>> = tiles::tiles(&tree, 0, size, 0, &entries)
            .unwrap()
            .into_iter()
            .map(|(id, b)| (id.path(), b))
            .collect();
        for t in Tile::new_tiles(8, 0, size) {
            let theirs = t.read_data(&store).unwrap();
            assert_eq!(
                ours[&peer_path(&t)],
                theirs,
                "{} of size {size}",
                peer_path(&t)
            );
        }
        // A bundle's entries hash to its level 0 tile.
        for (path, bytes) in &ours {
            if let Some(rest) = path.strip_prefix("tile/entries/") {
                let level0 = &ours[&format!("tile/0/{rest}")];
                let hashes: Vec<u8> = tiles::parse_bundle(bytes)
                    .unwrap()
                    .iter()
                    .flat_map(|e| merkle::leaf_hash(e))
                    .collect();
                assert_eq!(&hashes, level0, "{path}");
            }
        }
    }
}

/// Our tiles, served to the peer's client.
struct Served(BTreeMap<String, Vec<u8>>);

impl TileReader for Served {
    fn height(&self) -> u8 {
        8
    }
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, Error> {
        tiles
            .iter()
            .map(|t| self.0.get(&peer_path(t)).cloned().ok_or(Error::InvalidTile))
            .collect()
    }
    fn save_tiles(&self, _: &[Tile], _: &[Vec<u8>]) {}
}

#[test]
fn the_peer_client_reads_our_tiles_to_our_proofs() {
    let (tree, _, entries) = both(70_000);
    for size in [1u64, 256, 257, 4097, 65_536, 70_000] {
        let all = tiles::tiles(&tree, 0, size, 0, &entries).unwrap();
        let served = Served(all.iter().map(|(id, b)| (id.path(), b.clone())).collect());
        let mut set = TileSet::new();
        for (id, b) in all {
            set.insert(&id.path(), b).unwrap();
        }
        let root = tree.root_at(size).unwrap();
        assert_eq!(set.root(size).unwrap(), root);
        let reader = TileHashReader::new(size, PeerHash(root), &served);
        for index in [0, size / 3, size - 1] {
            let theirs: Vec<[u8; 32]> = prove_record(size, index, &reader)
                .unwrap()
                .iter()
                .map(|h| h.0)
                .collect();
            assert_eq!(
                set.inclusion_proof(index, size).unwrap(),
                theirs,
                "{index} in {size}"
            );
        }
        for old in [1, size / 2, size] {
            if old == 0 {
                continue;
            }
            let theirs: Vec<[u8; 32]> = prove_tree(size, old, &reader)
                .unwrap()
                .iter()
                .map(|h| h.0)
                .collect();
            assert_eq!(
                set.consistency_proof(old, size).unwrap(),
                theirs,
                "{old} → {size}"
            );
        }
    }
}

#[test]
fn a_missing_or_malformed_tile_is_named() {
    let (tree, _, entries) = both(600);
    let mut set = TileSet::new();
    for (id, b) in tiles::tiles(&tree, 0, 600, 0, &entries).unwrap() {
        if id.path() != "tile/1/000.p/2" {
            set.insert(&id.path(), b).unwrap();
        }
    }
    // The root needs the level 1 tile; a leaf in the partial tile does not.
    assert_eq!(
        set.root(600),
        Err(TileError::Missing {
            path: "tile/1/000.p/2".into()
        })
    );
    assert_eq!(set.leaf_hash(599, 600).unwrap(), tree.leaf(599).unwrap());
    assert_eq!(set.entry(599, 600).unwrap(), entry(599));
    // Without it, the level 0 tiles give every root below 256, and a root
    // past it names the tile that tree size has.
    assert_eq!(set.root(255).unwrap(), tree.root_at(255).unwrap());
    assert_eq!(
        set.root(300),
        Err(TileError::Missing {
            path: "tile/1/000.p/1".into()
        })
    );
    assert!(matches!(
        set.insert("tile/0/000", vec![0; 31]),
        Err(TileError::WrongLength {
            len: 31,
            want: 8192,
            ..
        })
    ));
    assert!(matches!(
        set.insert("tile/entries/000.p/2", vec![0, 1, 7]),
        Err(TileError::BadBundle { .. })
    ));
    assert!(matches!(
        set.insert("tile/0/0", vec![]),
        Err(TileError::BadPath { .. })
    ));
    assert!(matches!(
        set.inclusion_proof(600, 600),
        Err(TileError::Proof(merkle::ProofError::IndexOutOfRange { .. }))
    ));
    assert!(matches!(
        tiles::tiles(&tree, 0, 601, 0, &entries),
        Err(TileError::SizeBeyondTree {
            size: 601,
            len: 600
        })
    ));
    assert!(matches!(
        tiles::tiles(&tree, 300, 600, 300, &entries[300..]),
        Err(TileError::EntriesNotGiven { .. })
    ));
    // From the aligned start, the changed tiles are made.
    assert_eq!(
        tiles::tiles(&tree, 300, 600, 256, &entries[256..])
            .unwrap()
            .len(),
        tiles::changed(300, 600).count()
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// For random sizes up to 3000, the tiles of the size alone give the
    /// root of it and of any smaller size, and inclusion and consistency
    /// proofs equal to the tree's, which verify.
    #[test]
    fn roots_and_proofs_from_tiles_are_the_trees(
        size in 1u64..3000,
        at in 0.0f64..1.0,
        from in 0.0f64..1.0,
    ) {
        let (tree, _, entries) = both(size);
        let mut set = TileSet::new();
        for (id, b) in tiles::tiles(&tree, 0, size, 0, &entries).unwrap() {
            set.insert(&id.path(), b).unwrap();
        }
        let root = tree.root();
        proptest::prop_assert_eq!(set.root(size).unwrap(), root);
        let index = ((size as f64 * at) as u64).min(size - 1);
        let smaller = ((size as f64 * from) as u64).clamp(1, size);
        proptest::prop_assert_eq!(set.root(smaller).unwrap(), tree.root_at(smaller).unwrap());
        let p = set.inclusion_proof(index, size).unwrap();
        proptest::prop_assert_eq!(&p, &tree.inclusion_proof(index, size).unwrap());
        merkle::verify_inclusion(index, size, &tree.leaf(index).unwrap(), &p, &root).unwrap();
        let c = set.consistency_proof(smaller, size).unwrap();
        proptest::prop_assert_eq!(&c, &tree.consistency_proof(smaller, size).unwrap());
        merkle::verify_consistency(smaller, size, &tree.root_at(smaller).unwrap(), &root, &c)
            .unwrap();
        proptest::prop_assert_eq!(set.entry(index, size).unwrap(), entry(index));
    }

    /// Any string is a tile path or refused, never a panic; a path that
    /// reads back is written the same.
    #[test]
    fn any_path_parses_or_is_refused(path in "tile/[0-9a-z.x/p]{0,40}") {
        if let Ok(id) = TileId::parse(&path) {
            proptest::prop_assert_eq!(id.path(), path);
        }
    }
}
