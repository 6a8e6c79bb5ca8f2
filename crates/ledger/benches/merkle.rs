//! Appends per second in memory, and proof making and checking, against
//! the machine's raw SHA-256 rate on 64-byte inputs (what a node hash
//! costs) and against `ct-merkle` doing the same work, in the same run.
//!
//! An append costs one leaf hash and, amortized, one node hash, so against
//! the raw rate of single 64-byte hashes the ceiling is one half. The
//! SHA-256 limit of appending is `sha256_leaf_and_node`: exactly the two
//! hashes an append needs, over the same leaves, with no tree around them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ledger::merkle::{self, Tree};
use sha2::{Digest, Sha256};

const LEAVES: u64 = 100_000;

fn bench(c: &mut Criterion) {
    let leaves: Vec<Vec<u8>> = (0..LEAVES).map(|n| n.to_be_bytes().repeat(4)).collect();
    let mut group = c.benchmark_group("append");
    group.throughput(Throughput::Elements(LEAVES));
    group.sample_size(10);
    group.bench_function("sha256_64_bytes", |b| {
        let block = [7u8; 64];
        b.iter(|| {
            let mut h = [0u8; 32];
            for _ in 0..LEAVES {
                h = Sha256::digest(black_box(&block)).into();
            }
            h
        })
    });
    group.bench_function("sha256_leaf_and_node", |b| {
        b.iter(|| {
            let mut h = [0u8; 32];
            for l in &leaves {
                let leaf = merkle::leaf_hash(black_box(l));
                h = merkle::node_hash(&h, &leaf);
            }
            h
        })
    });
    group.bench_function("ledger_tree_push", |b| {
        b.iter(|| {
            let mut t = Tree::new();
            for l in &leaves {
                t.push(l);
            }
            t.root()
        })
    });
    group.bench_function("ct_merkle_push", |b| {
        b.iter_batched(
            || leaves.clone(),
            |leaves| {
                let mut t: MemoryBackedTree<Sha256, Vec<u8>> = MemoryBackedTree::new();
                for l in leaves {
                    t.push(l);
                }
                t.root().as_bytes().len()
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();

    let mut tree = Tree::new();
    for l in &leaves {
        tree.push(l);
    }
    let size = tree.len();
    let root = tree.root();
    let index = size / 3;
    let leaf = tree.leaf(index).unwrap();
    let proof = tree.inclusion_proof(index, size).unwrap();
    let old = size / 2 + 7;
    let root1 = tree.root_at(old).unwrap();
    let consistency = tree.consistency_proof(old, size).unwrap();
    let mut group = c.benchmark_group("proof");
    group.bench_function("inclusion_make", |b| {
        b.iter(|| tree.inclusion_proof(black_box(index), size).unwrap().len())
    });
    group.bench_function("inclusion_verify", |b| {
        b.iter(|| merkle::verify_inclusion(black_box(index), size, &leaf, &proof, &root).is_ok())
    });
    group.bench_function("consistency_make", |b| {
        b.iter(|| tree.consistency_proof(black_box(old), size).unwrap().len())
    });
    group.bench_function("consistency_verify", |b| {
        b.iter(|| {
            merkle::verify_consistency(black_box(old), size, &root1, &root, &consistency).is_ok()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
