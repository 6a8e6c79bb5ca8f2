//! The example framework and its shipped policy, loaded once per test.

use std::path::{Path, PathBuf};

use authz::{Decision, Policy, What, Who};
use framework::{Files, Framework};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The example framework's directory.
pub fn example_dir() -> PathBuf {
    repo().join("examples/ukraine-2025")
}

/// Reads referenced files relative to a directory.
#[derive(Debug)]
struct DirFiles(PathBuf);

impl Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| format!("cannot read `{path}`: {e}"))
    }
}

/// The example framework, loaded as `bulwark check` loads it.
pub fn example() -> Framework {
    let dir = example_dir();
    let path = dir.join("framework.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let (fw, diags) = framework::load(path.to_str().unwrap(), &text, &DirFiles(dir));
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "the example framework loads: {errors:?}");
    fw
}

/// The shipped policy's text.
pub fn shipped_text() -> String {
    std::fs::read_to_string(example_dir().join(authz::POLICY_FILE)).unwrap()
}

/// The example framework with its shipped policy.
pub fn shipped() -> (Framework, Policy) {
    let fw = example();
    let policy = Policy::load(&fw, &shipped_text(), "examples/ukraine-2025/policy.cedar")
        .unwrap_or_else(|problems| panic!("the shipped policy loads:\n{}", problems.join("\n")));
    (fw, policy)
}

/// Owned key roles, for `Who::Key`.
pub fn roles(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// Decides with and without the memo, checks the two agree, and returns
/// the decision.
pub fn decide(policy: &Policy, who: &Who<'_>, what: &What<'_>) -> Decision {
    let first = policy.decide(who, what);
    let again = policy.decide(who, what);
    let uncached = policy.decide_uncached(who, what);
    assert_eq!(first, uncached);
    assert_eq!(again, uncached);
    uncached
}
