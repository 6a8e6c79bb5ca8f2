//! Tests: every framework under `examples/` is loaded and checked, so none
//! rots. `ukraine-2025` must stay clean and complete; `budapest-1994` must keep
//! failing with the gaps that made the 1994 assurances fail; and the checker's
//! score must tell the two apart by a wide margin.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base::{Diagnostic, Severity};
use framework::check::REQUIRED_CATEGORIES;
use framework::codes::{self, Area};
use framework::schema::Category;
use framework::{Files, Framework, Report};

/// The repository's `examples/` directory.
fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// Reads referenced files (zones, target lists) relative to the framework file.
#[derive(Debug)]
struct DirFiles {
    root: PathBuf,
}

impl Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.root.join(path)).map_err(|e| format!("cannot read `{path}`: {e}"))
    }
}

/// Every `framework.toml` below `dir`, in path order.
fn framework_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list `{}`: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            framework_files(&path, out);
        } else if path.file_name().is_some_and(|n| n == "framework.toml") {
            out.push(path);
        }
    }
}

#[derive(Debug)]
struct Checked {
    fw: Framework,
    diags: Vec<Diagnostic>,
    score: u32,
}

impl Checked {
    fn count(&self, severity: Severity) -> usize {
        self.diags.iter().filter(|d| d.severity == severity).count()
    }

    fn codes(&self) -> BTreeSet<&'static str> {
        self.diags.iter().map(|d| d.code).collect()
    }

    /// Every finding, one per line, for failure messages.
    fn listing(&self) -> String {
        self.diags
            .iter()
            .map(|d| format!("  {d}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Loads and checks every example, keyed by its directory relative to
/// `examples/` (e.g. `ukraine-2025`).
fn all_examples() -> BTreeMap<String, Checked> {
    let root = examples_dir();
    let mut files = Vec::new();
    framework_files(&root, &mut files);
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
            let dir = path.parent().expect("a file has a parent").to_path_buf();
            let name = dir
                .strip_prefix(&root)
                .unwrap_or(&dir)
                .to_string_lossy()
                .replace('\\', "/");
            let shown = format!("examples/{name}/framework.toml");
            let (fw, diags) =
                framework::load_and_check(&shown, &text, &DirFiles { root: dir.clone() });
            let score = Report::new(&fw, &diags).summary.score;
            (name, Checked { fw, diags, score })
        })
        .collect()
}

fn example<'a>(all: &'a BTreeMap<String, Checked>, name: &str) -> &'a Checked {
    all.get(name).unwrap_or_else(|| {
        panic!(
            "no examples/{name}/framework.toml; found: {:?}",
            all.keys().collect::<Vec<_>>()
        )
    })
}

#[test]
fn every_example_is_well_formed() {
    let all = all_examples();
    assert!(
        all.contains_key("ukraine-2025") && all.contains_key("budapest-1994"),
        "the walk of examples/ missed a known example: {:?}",
        all.keys().collect::<Vec<_>>()
    );
    // Even an example that is meant to fail must fail on its design, never on
    // its syntax, a broken reference or an unreadable zone file.
    for (name, checked) in &all {
        let structural: Vec<String> = checked
            .diags
            .iter()
            .filter(|d| codes::info(d.code).is_none_or(|i| i.area == Area::Structure))
            .map(|d| format!("  {d}"))
            .collect();
        assert!(
            structural.is_empty(),
            "examples/{name} has structural findings:\n{}",
            structural.join("\n")
        );
        assert!(
            checked.fw.meta.is_some(),
            "examples/{name} has no [framework] table"
        );
    }
}

#[test]
fn ukraine_2025_is_clean() {
    let all = all_examples();
    let ukraine = example(&all, "ukraine-2025");
    assert_eq!(
        ukraine.count(Severity::Error),
        0,
        "ukraine-2025 must check without errors (score {}); findings:\n{}",
        ukraine.score,
        ukraine.listing()
    );
}

#[test]
fn ukraine_2025_is_complete() {
    let all = all_examples();
    let fw = &example(&all, "ukraine-2025").fw;
    let selecting: BTreeSet<&str> = fw.selections.iter().map(|s| s.party.as_str()).collect();
    let counts = [
        ("parties", fw.parties.len(), 8),
        ("evidence standards", fw.standards.len(), 4),
        ("tiers", fw.tiers.len(), 5),
        ("sanctions packages", fw.sanctions.len(), 3),
        ("relief items", fw.relief.items.len(), 4),
        ("menu items", fw.menu.len(), 8),
        ("parties with selections", selecting.len(), 6),
        ("air-defence sites", fw.ad_sites.len(), 6),
        ("air-defence units", fw.ad_units.len(), 10),
    ];
    let short: Vec<String> = counts
        .iter()
        .filter(|(_, have, want)| have < want)
        .map(|(what, have, want)| format!("{what}: {have} (want at least {want})"))
        .collect();
    assert!(short.is_empty(), "ukraine-2025 is too thin: {short:?}");

    let covered: BTreeSet<Category> = fw.triggers.iter().map(|t| t.category).collect();
    let missing: Vec<&Category> = REQUIRED_CATEGORIES
        .iter()
        .chain(&[Category::Buildup])
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "ukraine-2025 has no trigger for {missing:?}"
    );
    assert!(
        fw.triggers.iter().any(|t| t.accumulate.is_some()),
        "ukraine-2025 has no trigger that accumulates sub-threshold probing"
    );
}

#[test]
fn budapest_1994_shows_its_gaps() {
    let all = all_examples();
    let budapest = example(&all, "budapest-1994");
    let found = budapest.codes();
    let expected = [
        (codes::CATEGORY_UNCOVERED, "only nuclear use counts"),
        (codes::NO_CLOCK, "the Security Council has no deadline"),
        (codes::NO_OUTCOME, "nothing is said about silence"),
        (codes::ADVERSARY_VOTES, "Russia votes on its own breach"),
        (codes::SOLE_BLOCKER, "Russia can veto the response alone"),
        (codes::NO_STANDARD, "nobody is named to establish the facts"),
        (codes::NOT_ON_RAILS, "no response within 48 hours"),
        (codes::NO_FUNDING, "the response is paid by nobody"),
    ];
    let missing: Vec<String> = expected
        .iter()
        .filter(|(code, _)| !found.contains(code))
        .map(|(code, why)| format!("{code} ({why})"))
        .collect();
    assert!(
        missing.is_empty(),
        "budapest-1994 no longer shows {missing:?}; findings:\n{}",
        budapest.listing()
    );
    assert!(
        found.len() >= 8,
        "budapest-1994 shows only {} distinct codes: {found:?}",
        found.len()
    );
    assert!(
        budapest.count(Severity::Error) > 0,
        "budapest-1994 must fail the check"
    );
}

#[test]
fn ukraine_2025_scores_well_above_budapest_1994() {
    let all = all_examples();
    let ukraine = example(&all, "ukraine-2025").score;
    let budapest = example(&all, "budapest-1994").score;
    assert!(
        ukraine > budapest + 20,
        "score of ukraine-2025 ({ukraine}) is not more than 20 above budapest-1994 ({budapest})"
    );
}
