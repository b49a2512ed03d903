//! Helpers shared by the integration tests: locating `../shared` and the labelled sets.

use std::path::{Path, PathBuf};

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `<workspace root>/../shared/<rel>`, or `None` (with a printed note) when the shared data is absent.
/// With `CI=true` an absent file is a failure, not a skip.
#[allow(dead_code)]
pub fn shared_file(rel: &str) -> Option<PathBuf> {
    let path = workspace_root().join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{} is missing and CI=true: the shared test data must be present",
            path.display()
        );
    }
    println!(
        "SKIPPED: {} not found (the shared data folder is absent)",
        path.display()
    );
    None
}
