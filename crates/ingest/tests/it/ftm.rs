//! FollowTheMoney: our own fixture (a drone maker, its owner, a supplier and
//! a vessel; an absent address and director; malformed lines), target lines
//! read back, and line order not mattering.

use ingest::ftm;

use crate::{check, test_data};

/// The outcome as text: the summary, every target line and every note.
pub fn render(t: &ftm::Targets) -> String {
    let o = &t.outcome;
    let mut s = format!(
        "read {}, imported {}, skipped {}, rejected {}\n",
        o.read,
        t.targets.len(),
        o.skipped.len(),
        o.rejected.len()
    );
    for line in t.summary() {
        s.push_str(&line);
        s.push('\n');
    }
    s.push_str(&ftm::encode(&t.targets));
    for (what, notes) in [("skipped", &o.skipped), ("rejected", &o.rejected)] {
        for n in notes {
            s.push_str(&format!(
                "{what} {}:{} (byte {}) {:?}: {}\n",
                n.at.line, n.at.column, n.at.offset, n.record, n.message
            ));
        }
    }
    s
}

fn fixture() -> Vec<u8> {
    std::fs::read(test_data("ftm/sanctions.ftm.json")).unwrap()
}

#[test]
fn fixture_gives_targets_links_and_located_notes() {
    let t = ftm::read(&fixture());
    check("ftm/sanctions.ftm.json.expected", &render(&t));
}

#[test]
fn fixture_counts_exactly() {
    let t = ftm::read(&fixture());
    // 16 lines (the blank one is not counted); 4 targets; 4 malformed or
    // repeated lines; 2 references to entities absent from the file (an
    // address and a director).
    assert_eq!(t.outcome.read, 16);
    assert_eq!(t.targets.len(), 4);
    assert_eq!(t.sanctioned(), 3);
    assert_eq!(t.outcome.rejected.len(), 4);
    assert_eq!(t.absent(), 2);
    let kestrel = t.targets.iter().find(|x| x.id == "co-kestrel").unwrap();
    assert_eq!(kestrel.programmes, ["EU-UKR", "UA-SA1644"]);
    assert_eq!(kestrel.sanctions, ["sanc-eu", "sanc-ua"]);
    assert_eq!(kestrel.addresses, ["1 Aviation St, Izhevsk, Russia"]);
    let rejected: Vec<(u32, u32)> = t
        .outcome
        .rejected
        .iter()
        .map(|n| (n.at.line, n.at.column))
        .collect();
    assert_eq!(rejected, [(13, 65), (14, 1), (15, 65), (16, 1)]);
}

#[test]
fn target_lines_read_back_as_the_same_targets() {
    let first = ftm::read(&fixture());
    let lines = ftm::encode(&first.targets);
    let again = ftm::read(lines.as_bytes());
    assert_eq!(again.kind, ftm::Kind::Targets);
    assert_eq!(again.targets, first.targets);
    assert!(again.outcome.rejected.is_empty());
    assert_eq!(again.outcome.read, first.targets.len());
}

#[test]
fn a_bad_target_line_is_refused_with_its_place() {
    let text = "{\"id\":\"a\",\"kind\":\"person\",\"name\":\"A\"}\n\
                {\"id\":\"b\",\"kind\":\"planet\",\"name\":\"B\"}\n\
                {\"id\":\"c\",\"kind\":\"person\",\"name\":\"C\",\"colour\":\"red\"}\n\
                {\"id\":\"a\",\"kind\":\"person\",\"name\":\"A again\"}\n";
    let t = ftm::read(text.as_bytes());
    assert_eq!(t.targets.len(), 1);
    let notes: Vec<String> = t
        .outcome
        .rejected
        .iter()
        .map(|n| format!("{}:{} {}", n.at.line, n.at.column, n.message))
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[0].starts_with("2:1 `kind` `planet`"), "{notes:?}");
    assert!(
        notes[1].starts_with("3:") && notes[1].contains("unknown field `colour`"),
        "{notes:?}"
    );
    assert!(notes[2].starts_with("4:1 a second target"), "{notes:?}");
}

#[test]
fn line_order_does_not_change_the_targets() {
    let bytes = fixture();
    let text = String::from_utf8(bytes).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    let reversed = lines.join("\n");
    let a = ftm::read(text.as_bytes());
    let b = ftm::read(reversed.as_bytes());
    // The repeated id now wins over the first: leave it out of the comparison.
    let keep = |t: &ftm::Targets| -> Vec<ftm::Target> {
        t.targets
            .iter()
            .filter(|x| x.id != "pe-owner")
            .cloned()
            .collect()
    };
    assert_eq!(keep(&a), keep(&b));
    assert_eq!(a.absent(), b.absent());
}

#[test]
fn anything_at_all_is_read_without_a_panic() {
    for bytes in [
        &b""[..],
        b"\n\n",
        b"not json",
        b"[1,2]\n{}",
        b"{\"id\":\"\",\"schema\":\"Person\"}",
        b"{\"id\":\"x\",\"schema\":\"Person\",\"properties\":{\"name\":[\"\xff\"]}}",
        b"{\"schema\":1}",
        b"\xef\xbb\xbf{\"id\":\"x\",\"schema\":\"Person\"}",
    ] {
        let t = ftm::read(bytes);
        assert!(t.outcome.read <= 2);
    }
}
