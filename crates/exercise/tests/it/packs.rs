//! Every example run's log and evidence packs: each pack verifies, holds
//! every observation of its incidents (contradicting ones too), and any
//! change to it — a byte anywhere, an entry taken out — is caught.

use ledger::note::{Checkpoint, Signer, sign};
use ledger::pack::{self, Pack};

use crate::scenarios::{all_scenarios, load, name};

/// Every pack of every example scenario, with its run's name.
fn packs() -> Vec<(String, Pack, bool)> {
    let signer = Signer::from_seed("bulwark.test/exercise", [3; 32]).unwrap();
    let mut out = Vec::new();
    for (dir, file) in all_scenarios() {
        let (fw, scenario) = load(&dir, &file);
        let (report, log) = exercise::run_logged(&fw, &scenario, [5; 32], &mut |_| {}).unwrap();
        assert_eq!(report.log.size, log.tree.len());
        let size = log.tree.len();
        let body = Checkpoint {
            origin: "bulwark.test/exercise".into(),
            size,
            root: log.tree.root(),
            extensions: vec![],
        };
        let note = sign(&body.encode(), std::slice::from_ref(&signer)).unwrap();
        for &index in &log.certifications {
            let p = pack::build(
                &log.tree,
                &log.entries,
                index,
                &signer.verifier(),
                &note,
                size,
            )
            .unwrap();
            // Does this pack's breach rest on a contested incident?
            let contested = report
                .breaches
                .iter()
                .filter(|b| b.id == p.breach)
                .flat_map(|b| &b.incidents)
                .any(|i| report.incidents.iter().any(|x| &x.id == i && x.contested));
            out.push((name(&dir, &file), p, contested));
        }
    }
    out
}

#[test]
fn every_pack_verifies_and_an_entry_taken_out_is_named() {
    let packs = packs();
    assert!(
        packs.len() >= 5,
        "only {} packs in the examples",
        packs.len()
    );
    assert!(
        packs.iter().any(|(_, _, contested)| *contested),
        "no example certifies a breach on a contested incident"
    );
    for (run, p, contested) in &packs {
        let bytes = serde_json::to_vec_pretty(p).unwrap();
        let r = pack::verify(&bytes, None).unwrap_or_else(|e| panic!("{run} {}: {e}", p.breach));
        assert!(r.observations >= 1, "{run}: a pack without observations");
        let key = Signer::from_seed("bulwark.test/exercise", [3; 32])
            .unwrap()
            .verifier();
        assert!(pack::verify(&bytes, Some(&key)).unwrap().key_trusted);
        // Each entry taken out, one at a time, is named as missing.
        for k in 0..p.evidence.len() {
            let mut less = p.clone();
            let gone = less.evidence.remove(k);
            let e = pack::verify(&serde_json::to_vec(&less).unwrap(), None).unwrap_err();
            assert!(
                e.problems
                    .iter()
                    .any(|m| m.contains(&format!("at log entry {}", gone.index))
                        && m.contains("the pack does not hold it")),
                "{run}: entry {} taken out: {e}",
                gone.index
            );
        }
        if *contested {
            // The observations of a contested incident disagree; the pack
            // keeps the one that contradicts, and dropping it is caught.
            assert!(
                p.evidence.len() >= 2,
                "{run}: a contested incident with one observation"
            );
        }
    }
}

#[test]
fn a_pack_with_any_one_byte_changed_does_not_verify() {
    let packs = packs();
    let (run, p, _) = packs.iter().find(|(_, _, c)| *c).unwrap();
    let bytes = serde_json::to_vec_pretty(p).unwrap();
    pack::verify(&bytes, None).unwrap();
    let mut accepted = Vec::new();
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] = bad[i].wrapping_add(1);
        if pack::verify(&bad, None).is_ok() {
            accepted.push(i);
        }
    }
    assert!(
        accepted.is_empty(),
        "{run}: {} of {} one-byte changes accepted, first at {:?}",
        accepted.len(),
        bytes.len(),
        accepted.first()
    );
}

#[test]
fn a_pack_from_another_log_or_key_is_refused_with_the_reason() {
    let packs = packs();
    let (_, p, _) = &packs[0];
    let other = Signer::from_seed("bulwark.test/exercise", [4; 32]).unwrap();
    let e = pack::verify(&serde_json::to_vec(p).unwrap(), Some(&other.verifier())).unwrap_err();
    assert!(e.problems[0].contains("not the key you gave"), "{e}");
    // The breach renamed in the pack but not in the log.
    let mut renamed = p.clone();
    renamed.breach = "B99".into();
    let e = pack::verify(&serde_json::to_vec(&renamed).unwrap(), None).unwrap_err();
    assert!(e.problems[0].contains("the pack's breach is `B99`"), "{e}");
    // An entry's content changed with its proof kept.
    let mut changed = p.clone();
    changed.evidence[0].entry["at"] = "2020-01-01T00:00:00Z".into();
    let e = pack::verify(&serde_json::to_vec(&changed).unwrap(), None).unwrap_err();
    assert!(
        e.problems[0].contains("is not in the log of the checkpoint"),
        "{e}"
    );
}
