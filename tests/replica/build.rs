//! Embeds every file under `site/` into the library, so the replica needs no files at run time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let site = manifest.join("site");
    println!("cargo:rerun-if-changed=site");
    let mut files = Vec::new();
    walk(&site, &mut files)?;
    files.sort();
    let mut code = String::from("/// Every file under `site/`: (path relative to `site/`, bytes).\n");
    code.push_str("pub(crate) static FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        let rel = file.strip_prefix(&site)?.to_string_lossy().replace('\\', "/");
        // Relative to the manifest, not absolute: a target directory shared by two checkouts must not embed the
        // other checkout's files.
        writeln!(
            code,
            "    ({rel:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?}))),",
            format!("/site/{rel}")
        )?;
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("embedded.rs");
    std::fs::write(out, code)?;
    Ok(())
}
