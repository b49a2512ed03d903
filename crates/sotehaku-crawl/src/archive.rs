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
//! <out>/audit.jsonl           what was deleted, purged, replaced and why (see [`crate::audit`])
//! ```
//!
//! Bodies follow the publisher: a body no stored copy refers to any more (the page is gone, was replaced by a newer
//! version, turned `noindex`) is deleted from disk ([`Archive::purge_body`], [`Archive::collect_garbage`]), and its
//! lines leave `archive.jsonl`. A body may be shared by two URLs (content addressing): it stays while one of them
//! is live.
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
    /// stable order. Reading is offline: nothing is fetched. Pages whose body was purged (`noarchive`, see
    /// [`Archive::purge_noarchive`]) are passed over.
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
        Ok(metas
            .into_iter()
            .filter(|(_, p)| !p.is_noarchive() || p.body_sha256.as_deref().is_some_and(|s| self.has_body(s)))
            .map(move |(_, mut page)| {
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

    /// Deletes the body file `sha256` if no stored copy refers to it any more. Returns whether a file was deleted.
    pub fn purge_body(&self, sha256: &str) -> Result<bool> {
        if self.open_store()?.body_refs(sha256)? > 0 {
            return Ok(false);
        }
        self.delete_body(sha256)
    }

    fn delete_body(&self, sha256: &str) -> Result<bool> {
        let Some(path) = self.body_path(sha256) else {
            return Ok(false);
        };
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(CrawlError::io(&path, e)),
        }
    }

    /// Deletes every body file that no stored copy refers to (and leftover temporary files), then drops the lines
    /// of deleted bodies from `archive.jsonl`. Returns the hashes deleted. The walk is bounded by the directory
    /// (256 sub-directories of files named by hash).
    pub fn collect_garbage(&self) -> Result<Vec<String>> {
        let live = self.open_store()?.referenced_bodies()?;
        let mut purged = Vec::new();
        let root = self.dir.join("bodies");
        let subdirs = std::fs::read_dir(&root).map_err(|e| CrawlError::io(&root, e))?;
        for sub in subdirs.flatten() {
            let path = sub.path();
            if !path.is_dir() {
                continue;
            }
            let Ok(files) = std::fs::read_dir(&path) else { continue };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                let is_hash = name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit());
                if is_hash && live.contains_key(&name) {
                    continue;
                }
                let fp = f.path();
                std::fs::remove_file(&fp).map_err(|e| CrawlError::io(&fp, e))?;
                if is_hash {
                    purged.push(name);
                }
            }
        }
        self.rewrite_index()?;
        Ok(purged)
    }

    /// Deletes the bodies of pages the publisher marked `noarchive` (when every stored copy that refers to a body
    /// says so). Ingest must have run first: the stored metadata stays, and the next crawl fetches such pages
    /// unconditionally. Returns the hashes deleted.
    pub fn purge_noarchive(&self) -> Result<Vec<String>> {
        let live = self.open_store()?.referenced_bodies()?;
        let mut purged = Vec::new();
        for (sha, all_noarchive) in live {
            if all_noarchive && self.delete_body(&sha)? {
                purged.push(sha);
            }
        }
        purged.sort();
        self.rewrite_index()?;
        Ok(purged)
    }

    /// Rewrites `archive.jsonl` without the lines whose body is no longer on disk (atomically).
    pub fn rewrite_index(&self) -> Result<()> {
        let path = self.dir.join(ARCHIVE_INDEX);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(CrawlError::io(&path, e)),
        };
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            let keep = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("sha256").and_then(|s| s.as_str()).map(|s| self.has_body(s)))
                .unwrap_or(false);
            if keep {
                out.push_str(line);
                out.push('\n');
            }
        }
        if out.len() == text.len() {
            return Ok(());
        }
        let tmp = self.dir.join(format!("{ARCHIVE_INDEX}.tmp"));
        std::fs::write(&tmp, out).map_err(|e| CrawlError::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| CrawlError::io(&path, e))
    }

    /// The stored documents' metadata (no bodies), in the order of [`Archive::pages`]. A page whose body was purged
    /// because of `noarchive` is listed here but has no body file ([`Archive::has_body`] says so).
    pub fn stored_pages(&self) -> Result<Vec<FetchedPage>> {
        Ok(self
            .open_store()?
            .all_stored(true)?
            .into_iter()
            .map(|(_, p)| p)
            .collect())
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
        // Nothing refers to it: garbage.
        assert!(a.purge_body(&sha).unwrap());
        assert!(!a.has_body(&sha));
        let other = a.put_body(b"<html>y</html>").unwrap();
        assert_eq!(a.collect_garbage().unwrap(), vec![other.clone()]);
        assert!(!a.has_body(&other));
    }
}
