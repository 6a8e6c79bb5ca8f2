//! Tests: regressions and robustness. The loader and checker promise never to
//! panic on input (STYLE 8); these tests hold them to it.
//!
//! - every input under `test_data/regressions/` (crashes found by fuzzing or
//!   by the mutation test, committed as they were found) loads cleanly;
//! - a deterministic mutation test breaks every framework file in the
//!   repository a few thousand ways;
//! - random bytes give diagnostics, not a panic.
//!
//! Randomness is a fixed-seed xorshift, so a failure reproduces exactly; the
//! failing input is printed in full.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use base::{Diagnostic, Severity};
use framework::{NoFiles, Report, load_and_check};

/// Mutated inputs tried in total, spread over the files found.
const MUTANTS_TOTAL: usize = 3_000;
/// Mutations stacked on one input: 1 to this many.
const MUTATIONS_PER_MUTANT_MAX: usize = 3;
/// Files larger than this are mutated less often: a debug build checks a
/// 50 KB framework in tens of milliseconds, and the whole test must stay fast.
const LARGE_FILE_BYTES: usize = 16 * 1024;
const SEED: u64 = 0x5eed_b01d_fa11_0001;
/// A regression input that takes longer than this to check (in a debug
/// build) has become a denial of service: they are all small files.
const REGRESSION_SECONDS_MAX: u64 = 5;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn repo_root() -> PathBuf {
    crate_dir().join("../..")
}

/// xorshift64* (Vigna): tiny, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every `.toml` file under `dir`, recursively, in path order (none if `dir`
/// does not exist).
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Loads, checks and reports `text`; the panic message if anything panics.
fn run(path: &str, text: &str) -> Result<Vec<Diagnostic>, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let (fw, diags) = load_and_check(path, text, &NoFiles);
        let report = Report::new(&fw, &diags);
        assert_eq!(report.findings.len(), diags.len());
        diags
    }))
    .map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".to_string())
    })
}

/// Every diagnostic points into the file: its path, a line that exists (or
/// the one just past a missing final newline), a column of at least 1.
fn assert_located(path: &str, text: &str, diags: &[Diagnostic]) {
    let lines = u32::try_from(text.lines().count() + 1).unwrap_or(u32::MAX);
    for d in diags {
        assert_eq!(d.location.path, path, "{d}\n--- input ---\n{text}");
        assert!(
            (1..=lines).contains(&d.location.line) && d.location.column >= 1,
            "diagnostic outside the file ({lines} lines): {d}\n--- input ---\n{text}"
        );
    }
}

#[test]
fn committed_regressions_load_without_panicking() {
    let dir = crate_dir().join("test_data/regressions");
    let files = toml_files(&dir);
    assert!(!files.is_empty(), "no regression inputs under {dir:?}");
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let started = std::time::Instant::now();
        let diags =
            run(&name, &text).unwrap_or_else(|message| panic!("{file:?} panics: {message}"));
        assert!(
            started.elapsed().as_secs() < REGRESSION_SECONDS_MAX,
            "{file:?} took {:?} to check",
            started.elapsed()
        );
        assert_located(&name, &text, &diags);
        // Each regression is a framework with something wrong in it; say so
        // in its first line if it is meant to be clean.
        if !text.starts_with("# expect: clean") {
            assert!(!diags.is_empty(), "{file:?} gives no diagnostic at all");
        }
    }
}

/// One mutation of `text`, chosen by `rng`; the kinds of damage an editor,
/// a bad merge or a careless copy do to a file.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    match rng.below(10) {
        // Flip, replace or insert a byte.
        0 => {
            let mut bytes = text.as_bytes().to_vec();
            if !bytes.is_empty() {
                let at = rng.below(bytes.len());
                match rng.below(3) {
                    0 => bytes[at] ^= 1 << rng.below(8),
                    1 => bytes[at] = *rng.pick(b"[]{}\"'=#.,\n\\ 0aZ"),
                    _ => bytes.insert(at, *rng.pick(b"[]{}\"'=#.,\n\\")),
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        // Truncate (at a byte: may cut a character in two).
        1 => String::from_utf8_lossy(&text.as_bytes()[..rng.below(text.len() + 1)]).into_owned(),
        // Delete a line.
        2 => {
            if !lines.is_empty() {
                lines.remove(rng.below(lines.len()));
            }
            lines.concat()
        }
        // Duplicate a line (duplicate keys, duplicate ids).
        3 => {
            if !lines.is_empty() {
                let at = rng.below(lines.len());
                lines.insert(at, lines[at]);
            }
            lines.concat()
        }
        // Insert `[[`, at a line start or anywhere.
        4 => {
            let at = if rng.below(2) == 0 {
                lines[..rng.below(lines.len() + 1)].concat().len()
            } else {
                rng.below(text.len() + 1)
            };
            let at = floor_char_boundary(text, at);
            let header = *rng.pick(&["[[", "[[trigger]]\n", "[[tier]]\nid = \"x\"\n", "[["]);
            format!("{}{header}{}", &text[..at], &text[at..])
        }
        // A bare number in place of a duration (`window = 48`).
        5 => replace_nth_match(rng, text, is_duration_literal, |s| {
            s.trim_matches('"')
                .chars()
                .take_while(char::is_ascii_digit)
                .collect()
        }),
        // An extreme number in place of a number.
        6 => {
            let extreme = *rng.pick(&[
                "0",
                "-1",
                "4294967295",
                "4294967296",
                "9223372036854775807",
                "-9223372036854775808",
                "1e308",
                "nan",
                "inf",
                "0.5",
            ]);
            replace_nth_match(rng, text, is_number_literal, |_| extreme.to_string())
        }
        // Swap two lines.
        7 => {
            if lines.len() >= 2 {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
            }
            lines.concat()
        }
        // Another string of the file in place of a string: dangling or
        // crossed references, self-escalation, ids in the wrong namespace.
        8 => {
            let strings = string_literals(text);
            if strings.is_empty() {
                return text.to_string();
            }
            let other = rng.pick(&strings).2.to_string();
            replace_nth_match(rng, text, |s| s.starts_with('"'), |_| other.clone())
        }
        // Empty a value's line down to its key (`id =`).
        _ => {
            if !lines.is_empty() {
                let at = rng.below(lines.len());
                if let Some(eq) = lines[at].find('=') {
                    let cut = format!("{}=\n", &lines[at][..eq]);
                    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    out[at] = cut;
                    return out.concat();
                }
            }
            lines.concat()
        }
    }
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Double-quoted string literals on one line: (start, end, text with quotes).
fn string_literals(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c, start) {
            ('"', None) => start = Some(i),
            ('"', Some(s)) => {
                out.push((s, i + 1, &text[s..=i]));
                start = None;
            }
            ('\n', Some(_)) => start = None,
            _ => {}
        }
    }
    out
}

fn is_duration_literal(s: &str) -> bool {
    let inner = s.trim_matches('"');
    s.starts_with('"')
        && inner.starts_with(|c: char| c.is_ascii_digit())
        && inner.ends_with(|c: char| c.is_ascii_alphabetic())
        && inner.chars().all(|c| c.is_ascii_alphanumeric())
}

fn is_number_literal(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
}

/// Tokens of `text`: string literals, and runs of digits outside them.
fn tokens(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = string_literals(text);
    let mut inside = vec![false; text.len() + 1];
    for (s, e, _) in &out {
        inside[*s..*e].iter_mut().for_each(|b| *b = true);
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit()
            && !inside[i]
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
        {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            out.push((start, i, &text[start..i]));
        } else {
            i += 1;
        }
    }
    out.sort();
    out
}

/// Replaces one token that satisfies `wanted`, chosen at random, by `with(token)`.
fn replace_nth_match(
    rng: &mut Rng,
    text: &str,
    wanted: impl Fn(&str) -> bool,
    with: impl Fn(&str) -> String,
) -> String {
    let matches: Vec<(usize, usize, &str)> =
        tokens(text).into_iter().filter(|t| wanted(t.2)).collect();
    if matches.is_empty() {
        return text.to_string();
    }
    let (start, end, token) = *rng.pick(&matches);
    format!("{}{}{}", &text[..start], with(token), &text[end..])
}

#[test]
fn mutated_frameworks_never_panic() {
    let root = repo_root();
    let mut files = toml_files(&root.join("examples"));
    files.extend(toml_files(&crate_dir().join("test_data")));
    assert!(!files.is_empty(), "no framework files to mutate");
    // Small files get more mutants than large ones, for the same time.
    let weight = |text: &str| if text.len() > LARGE_FILE_BYTES { 1 } else { 4 };
    let texts: Vec<(PathBuf, String)> = files
        .iter()
        .map(|f| {
            (
                f.clone(),
                String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned(),
            )
        })
        .collect();
    let total_weight: usize = texts.iter().map(|(_, t)| weight(t)).sum();
    let mut rng = Rng::new(SEED);
    let mut tried = 0;
    let mut broken = 0;
    for (file, original) in &texts {
        let mutants = (MUTANTS_TOTAL * weight(original)).div_ceil(total_weight);
        for n in 0..mutants {
            let mut text = original.clone();
            for _ in 0..=rng.below(MUTATIONS_PER_MUTANT_MAX) {
                text = mutate(&mut rng, &text);
            }
            let diags = run("mutant.toml", &text).unwrap_or_else(|message| {
                panic!(
                    "mutant {n} of {file:?} panics: {message}\n--- input ---\n{text}\n--- end ---"
                )
            });
            assert_located("mutant.toml", &text, &diags);
            // A file that is not TOML must never pass as a clean framework.
            if toml::from_str::<toml::Table>(&text).is_err() {
                broken += 1;
                assert!(
                    diags.iter().any(|d| d.severity == Severity::Error),
                    "mutant {n} of {file:?} is not TOML, yet has no error\n--- input ---\n{text}\n--- end ---"
                );
            }
            tried += 1;
        }
    }
    assert!(tried >= MUTANTS_TOTAL, "only {tried} mutants");
    // The mutations must actually break things, or the test proves little.
    assert!(
        broken * 5 >= tried,
        "only {broken} of {tried} mutants were broken TOML"
    );
}

#[test]
fn random_bytes_give_diagnostics_not_a_panic() {
    let mut rng = Rng::new(SEED ^ 0xb17e5);
    for round in 0..8 {
        let bytes: Vec<u8> = (0..4096).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes);
        let diags = run("random.toml", &text)
            .unwrap_or_else(|message| panic!("random input {round} panics: {message}"));
        assert!(
            !diags.is_empty(),
            "random input {round} gives no diagnostic"
        );
        assert!(
            diags.iter().any(|d| d.code == "B001"),
            "random input {round} is not reported as invalid TOML"
        );
        assert_located("random.toml", &text, &diags);
        // Raw bytes, invalid UTF-8 included, go through the byte entry point.
        let (fw, diags) = framework::load_and_check_bytes("random.toml", &bytes, &NoFiles);
        assert!(!diags.is_empty());
        let _ = Report::new(&fw, &diags);
    }
}
