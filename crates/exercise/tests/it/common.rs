//! Shared helpers: the example framework, and files from memory or disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use framework::{Files, Framework};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads referenced files relative to a directory.
#[derive(Debug)]
pub struct DirFiles(pub PathBuf);

impl Files for DirFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            _ => e.to_string(),
        })
    }
}

/// Files held in memory, for scenarios written inside tests.
#[derive(Debug, Default)]
pub struct MemFiles(pub BTreeMap<String, Vec<u8>>);

impl Files for MemFiles {
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.0
            .get(path)
            .cloned()
            .ok_or_else(|| "no such file".to_string())
    }
}

/// Loads the framework of an example directory; it must have no errors.
pub fn example_framework(dir: &Path) -> Framework {
    let path = dir.join("framework.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read `{}`: {e}", path.display()));
    let (fw, diags) =
        framework::load_and_check("framework.toml", &text, &DirFiles(dir.to_path_buf()));
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.severity == base::Severity::Error)
        .map(ToString::to_string)
        .collect();
    assert!(
        errors.is_empty(),
        "`{}` has errors:\n{}",
        path.display(),
        errors.join("\n")
    );
    fw
}

/// The ukraine-2025 example framework.
pub fn ukraine() -> Framework {
    example_framework(&repo().join("examples/ukraine-2025"))
}
