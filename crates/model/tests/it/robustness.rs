//! Deterministic robustness: 5,000 pseudo-random mutations of the golden
//! lines never make the decoder panic; every error is located; anything
//! accepted survives canonical encoding unchanged. (The fuzz target proper
//! lives in `fuzz/`; this runs with every `cargo test`.)

use std::panic::catch_unwind;

use model::{decode_line, decode_lines, encode_line};

const MUTATIONS: usize = 5_000;

/// xorshift64*: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Pieces of JSON that make mutations interesting rather than merely invalid.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "-",
    "0",
    "1e9",
    "-0",
    "null",
    "true",
    "\\",
    "\\u",
    "\\ud800",
    "\"v\":1",
    "\"v\":2",
    "\"type\":",
    "\"observation\"",
    "\"id\":",
    "9007199254740993",
    "\n",
    "#",
    " ",
    "é",
    "😀",
    "\u{0}",
    "Z",
    "+03:00",
    "T",
    "\"counts\":{}",
    "[]",
    "{}",
];

fn mutate(rng: &mut Rng, line: &[u8]) -> Vec<u8> {
    let mut bytes = line.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] = rng.next() as u8;
            }
            1 => {
                let end = (at + 1 + rng.below(8)).min(bytes.len());
                bytes.drain(at.min(end)..end);
            }
            2 | 3 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, token.bytes());
            }
            4 => {
                let end = (at + rng.below(32)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            5 => bytes.truncate(at),
            _ if bytes.len() >= 2 => {
                let (i, j) = (rng.below(bytes.len()), rng.below(bytes.len()));
                bytes.swap(i, j);
            }
            _ => {}
        }
    }
    bytes
}

#[test]
fn mutated_golden_lines_never_panic() {
    let mut lines: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(crate::test_data("golden")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            let text = std::fs::read_to_string(path).unwrap();
            lines.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                    .map(str::to_string),
            );
        }
    }
    lines.sort();
    assert!(lines.len() >= 20);
    let mut rng = Rng(0x5eed_b17a_2025_1114);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..MUTATIONS {
        // One to three lines, each mutated, some left intact.
        let mut text = String::new();
        for k in 0..=rng.below(3) {
            let line = lines[rng.below(lines.len())].as_bytes();
            let bytes = if k == 0 || rng.below(2) == 0 {
                mutate(&mut rng, line)
            } else {
                line.to_vec()
            };
            text.push_str(&String::from_utf8_lossy(&bytes));
            text.push('\n');
        }
        let line_count = text.lines().count();
        let result = catch_unwind(|| decode_lines(&text));
        let Ok((inputs, errors)) = result else {
            panic!("the decoder panicked on {text:?}");
        };
        for e in &errors {
            assert!(
                (1..=line_count).contains(&e.line) && e.column >= 1,
                "{e} for {text:?}"
            );
            assert!(!e.message.is_empty());
        }
        for (_, input) in &inputs {
            let canonical = encode_line(input);
            assert_eq!(
                decode_line(&canonical, 1).as_ref(),
                Ok(input),
                "accepted {text:?} but its canonical form {canonical:?} does not decode back"
            );
            let _ = input.validate();
        }
        accepted += inputs.len();
        refused += errors.len();
    }
    // The mutations reach both sides of the decoder.
    assert!(
        accepted > 500 && refused > 2_000,
        "{accepted} accepted, {refused} refused"
    );
}
