//! The raw archive of a crawl's output directory, and the way ingest reads it.
//!
//! Layout of an output directory (a documented simple format instead of WARC):
//!
//! ```text
//! <out>/state.sqlite          frontier, fetch log, stored copies (see `store`)
//! <out>/bodies/<aa>/<sha256>  every archived response body, named by its SHA-256 (never by its URL)
//! <out>/archive.jsonl         one JSON object per archived response: sha256, url, final_url, status,
//!                             content_type, etag, last_modified, fetched_at, source, robots
//! <out>/pages.jsonl           the current documents as `FetchedPage` records (without bodies), rewritten at the
//!                             end of every run
//! ```
//!
//! Ingest reads [`Archive::pages`], which yields every stored document with its body, offline.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{CrawlError, Result};
use crate::page::FetchedPage;
use crate::store::Store;

/// File name of the state store inside an output directory.
pub const STATE_FILE: &str = "state.sqlite";
/// File name of the archive index.
pub const ARCHIVE_INDEX: &str = "archive.jsonl";
/// File name of the documents export.
pub const PAGES_FILE: &str = "pages.jsonl";

/// A crawl output directory.
#[derive(Debug, Clone)]
pub struct Archive {
    dir: PathBuf,
}

#[derive(Serialize)]
struct IndexRecord<'a> {
    sha256: &'a str,
    url: &'a str,
    final_url: &'a str,
    status: u16,
    content_type: Option<&'a str>,
    etag: Option<&'a str>,
    last_modified: Option<&'a str>,
    fetched_at: String,
    source: Option<&'a str>,
    robots: &'a [String],
}

/// SHA-256 of a body, lowercase hex.
pub fn sha256_hex(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Archive {
    /// Opens (creating if needed) an output directory.
    pub fn open(dir: impl AsRef<Path>) -> Result<Archive> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(dir.join("bodies")).map_err(|e| CrawlError::io(&dir, e))?;
        Ok(Archive { dir })
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub(crate) fn open_store(&self) -> Result<Store> {
        Store::open(&self.dir.join(STATE_FILE))
    }

    fn body_path(&self, sha: &str) -> Option<PathBuf> {
        // Names come from our own hashes; anything else is refused rather than joined into a path.
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(self.dir.join("bodies").join(&sha[..2]).join(sha))
    }

    /// Stores a body (idempotent: same content, same file) and returns its SHA-256.
    pub(crate) fn put_body(&self, body: &[u8]) -> Result<String> {
        let sha = sha256_hex(body);
        let Some(path) = self.body_path(&sha) else {
            return Ok(sha);
        };
        if path.exists() {
            return Ok(sha);
        }
        let parent = path.parent().unwrap_or(&self.dir).to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| CrawlError::io(&parent, e))?;
        let tmp = parent.join(format!("{sha}.tmp{}", std::process::id()));
        std::fs::write(&tmp, body).map_err(|e| CrawlError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| CrawlError::io(&path, e))?;
        Ok(sha)
    }

    /// Appends a line to `archive.jsonl` for an archived response.
    pub(crate) fn append_index(&self, page: &FetchedPage) -> Result<()> {
        let Some(sha) = page.body_sha256.as_deref() else {
            return Ok(());
        };
        let record = IndexRecord {
            sha256: sha,
            url: &page.url,
            final_url: &page.final_url,
            status: page.status,
            content_type: page.content_type.as_deref(),
            etag: page.etag.as_deref(),
            last_modified: page.last_modified.as_deref(),
            fetched_at: page.fetched_at.to_rfc3339(),
            source: page.source.as_deref(),
            robots: &page.robots,
        };
        let path = self.dir.join(ARCHIVE_INDEX);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| CrawlError::io(&path, e))?;
        let mut line = serde_json::to_string(&record)?;
        line.push('\n');
        file.write_all(line.as_bytes()).map_err(|e| CrawlError::io(&path, e))
    }

    /// Reads an archived body by its SHA-256.
    pub fn read_body(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self
            .body_path(sha256)
            .ok_or_else(|| CrawlError::Options(format!("not a SHA-256: {sha256:?}")))?;
        std::fs::read(&path).map_err(|e| CrawlError::io(&path, e))
    }

    /// Whether a body is in the archive.
    pub fn has_body(&self, sha256: &str) -> bool {
        self.body_path(sha256).is_some_and(|p| p.exists())
    }

    /// Every stored document (news articles, minutes, items, attachments — not listings), with its body, in a
    /// stable order. Reading is offline: nothing is fetched.
    ///
    /// ```no_run
    /// let archive = sotehaku_crawl::Archive::open("crawl-out").unwrap();
    /// for page in archive.pages().unwrap() {
    ///     let page = page.unwrap();
    ///     println!("{} {} bytes", page.url, page.body.len());
    /// }
    /// ```
    pub fn pages(&self) -> Result<impl Iterator<Item = Result<FetchedPage>> + '_> {
        let metas = self.open_store()?.all_stored(true)?;
        Ok(metas.into_iter().map(move |(_, mut page)| {
            if let Some(sha) = page.body_sha256.clone() {
                page.body = self.read_body(&sha)?;
            }
            Ok(page)
        }))
    }

    /// Rewrites `pages.jsonl` from the stored documents (atomically) and returns its path and the record count.
    pub fn export_jsonl(&self) -> Result<(PathBuf, usize)> {
        let metas = self.open_store()?.all_stored(true)?;
        let path = self.dir.join(PAGES_FILE);
        let tmp = self.dir.join(format!("{PAGES_FILE}.tmp"));
        let mut out = String::new();
        for (_, page) in &metas {
            out.push_str(&serde_json::to_string(page)?);
            out.push('\n');
        }
        std::fs::write(&tmp, out).map_err(|e| CrawlError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| CrawlError::io(&path, e))?;
        Ok((path, metas.len()))
    }

    /// Fetch-log outcome counts per source: `(source, outcome, count)`.
    pub fn log_outcomes(&self) -> Result<Vec<(String, String, i64)>> {
        self.open_store()?.log_outcomes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_content_addressed_and_names_checked() {
        let dir = tempfile::tempdir().unwrap();
        let a = Archive::open(dir.path()).unwrap();
        let sha = a.put_body(b"<html>x</html>").unwrap();
        assert_eq!(sha, sha256_hex(b"<html>x</html>"));
        assert_eq!(a.put_body(b"<html>x</html>").unwrap(), sha);
        assert_eq!(a.read_body(&sha).unwrap(), b"<html>x</html>");
        assert!(a.read_body("../../etc/passwd").is_err());
        assert!(dir.path().join("bodies").join(&sha[..2]).join(&sha).exists());
    }
}
