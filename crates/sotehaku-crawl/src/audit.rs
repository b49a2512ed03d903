//! The audit log of a crawl directory (`audit.jsonl`): an append-only record of what was deleted, purged, replaced,
//! skipped or re-checked, and why — without the text or any personal data of the documents concerned.
//!
//! One JSON object a line:
//!
//! ```text
//! {"at":"2026-11-22T23:10:00Z","action":"deleted","url":"https://…","reason":"HTTP 410 at the publisher","sha256":"…"}
//! {"at":"…","action":"purged","sha256":"…","reason":"replaced by a newer version"}
//! {"at":"…","action":"deleted","document":"url:https://…","url":"https://…","reason":"removed from the index"}
//! ```
//!
//! Fields: `at` (RFC 3339, UTC), `action` ([`AuditAction`]), `document` (the document id, when known), `url`,
//! `reason` (a short fixed phrase or an HTTP status), `sha256` (the archived body concerned), `new_sha256` (for
//! `replaced`). Nothing else is ever written: no titles, no text.
//!
//! ```
//! use sotehaku_crawl::audit::{AuditAction, AuditEntry, AuditLog};
//! let dir = tempfile::tempdir().unwrap();
//! let log = AuditLog::new(dir.path());
//! log.record(&AuditEntry::new(AuditAction::Deleted, "HTTP 410 at the publisher").url("https://a.fi/x")).unwrap();
//! let entries = log.read().unwrap();
//! assert_eq!(entries[0].action, AuditAction::Deleted);
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{CrawlError, Result};

/// File name of the audit log inside a crawl directory.
pub const AUDIT_FILE: &str = "audit.jsonl";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditAction {
    /// A stored copy (or an indexed document) was deleted because the publisher removed or hid the page.
    Deleted,
    /// An archived body file was deleted from disk.
    Purged,
    /// A stored copy (or indexed document) was replaced by the publisher's newer version.
    Replaced,
    /// A `noindex` page was fetched and not kept (policy `skip`).
    SkippedNoindex,
    /// A document due for re-checking was fetched again (the reason says with which result).
    Rechecked,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When (UTC).
    pub at: chrono::DateTime<chrono::Utc>,
    /// What was done.
    pub action: AuditAction,
    /// The document id (`url:https://…`), when the entry concerns an indexed document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The page's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Why, as a short fixed phrase (never text from the page).
    pub reason: String,
    /// SHA-256 of the archived body concerned (the old one for `replaced`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// SHA-256 of the new body (for `replaced`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_sha256: Option<String>,
}

impl AuditEntry {
    /// An entry stamped now.
    pub fn new(action: AuditAction, reason: impl Into<String>) -> AuditEntry {
        AuditEntry {
            at: chrono::Utc::now(),
            action,
            document: None,
            url: None,
            reason: reason.into(),
            sha256: None,
            new_sha256: None,
        }
    }

    /// Sets the document id.
    pub fn document(mut self, id: impl Into<String>) -> AuditEntry {
        self.document = Some(id.into());
        self
    }

    /// Sets the URL.
    pub fn url(mut self, url: impl Into<String>) -> AuditEntry {
        self.url = Some(url.into());
        self
    }

    /// Sets the body hash.
    pub fn sha256(mut self, sha: Option<&str>) -> AuditEntry {
        self.sha256 = sha.map(str::to_string);
        self
    }

    /// Sets the new body hash.
    pub fn new_sha256(mut self, sha: Option<&str>) -> AuditEntry {
        self.new_sha256 = sha.map(str::to_string);
        self
    }
}

/// The append-only audit log of a crawl directory.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// The log of the crawl directory `dir` (the file is created on the first entry).
    pub fn new(dir: impl AsRef<Path>) -> AuditLog {
        AuditLog {
            path: dir.as_ref().join(AUDIT_FILE),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry (one `write` of one line, so concurrent appenders do not interleave within a line).
    pub fn record(&self, entry: &AuditEntry) -> Result<()> {
        let mut line = serde_json::to_string(entry)?;
        line.push('\n');
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| CrawlError::io(&self.path, e))?;
        file.write_all(line.as_bytes())
            .map_err(|e| CrawlError::io(&self.path, e))
    }

    /// Every entry so far (an absent file is an empty log; unreadable lines are passed over).
    pub fn read(&self) -> Result<Vec<AuditEntry>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(CrawlError::io(&self.path, e)),
        };
        Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_append() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path());
        assert!(log.read().unwrap().is_empty());
        log.record(&AuditEntry::new(AuditAction::Purged, "replaced by a newer version").sha256(Some("ab")))
            .unwrap();
        log.record(
            &AuditEntry::new(AuditAction::Replaced, "content changed at the publisher")
                .url("https://a.fi/1")
                .document("url:https://a.fi/1")
                .new_sha256(Some("cd")),
        )
        .unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.contains("\"action\":\"purged\""));
        let entries = log.read().unwrap();
        assert_eq!(entries[1].action, AuditAction::Replaced);
        assert_eq!(entries[1].new_sha256.as_deref(), Some("cd"));
    }
}
