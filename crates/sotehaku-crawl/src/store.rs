//! The crawl's persistent state in SQLite (`state.sqlite` in the output directory): the frontier, the fetch log and
//! the stored copy of every document, so a killed crawl resumes where it stopped and a second crawl sends
//! conditional requests.
//!
//! Each source has a *generation*. A run continues the source's unfinished generation (resume) or, when the last
//! one finished, starts the next: seeds and re-discovered URLs are queued for the new generation and fetched again
//! (conditionally, when a stored copy exists). A frontier row is pending when `queued_gen = gen` and
//! `done_gen < gen`; the row, the stored copy and the fetch-log line of a page are written in one transaction.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::page::{FetchedPage, PageHints};
use crate::platform::{Method, Role, Target};

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS source_state (
    source TEXT PRIMARY KEY, gen INTEGER NOT NULL, finished INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS frontier (
    source TEXT NOT NULL, key TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL, form TEXT NOT NULL,
    role TEXT NOT NULL, hints TEXT NOT NULL, depth INTEGER NOT NULL, seq INTEGER NOT NULL,
    queued_gen INTEGER NOT NULL, done_gen INTEGER NOT NULL DEFAULT 0, outcome TEXT,
    PRIMARY KEY (source, key));
CREATE INDEX IF NOT EXISTS frontier_pending ON frontier (source, queued_gen, done_gen, depth, seq);
CREATE TABLE IF NOT EXISTS stored (
    source TEXT NOT NULL, key TEXT NOT NULL, role TEXT NOT NULL, sha256 TEXT, etag TEXT, last_modified TEXT,
    meta TEXT NOT NULL, PRIMARY KEY (source, key));
CREATE TABLE IF NOT EXISTS fetch_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL,
    url TEXT NOT NULL, status INTEGER, outcome TEXT NOT NULL, detail TEXT, bytes INTEGER);
";

/// A frontier row to fetch.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub key: String,
    pub target: Target,
    pub depth: u32,
}

/// What the store remembers of a stored copy.
#[derive(Debug, Clone)]
pub(crate) struct StoredCopy {
    pub role: Role,
    pub sha256: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub meta: FetchedPage,
}

/// One line of the fetch log, as written.
#[derive(Debug, Clone)]
pub(crate) struct LogLine<'a> {
    pub source: &'a str,
    pub key: &'a str,
    pub url: &'a str,
    pub status: Option<u16>,
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
    pub bytes: Option<usize>,
}

/// The SQLite state store.
pub(crate) struct Store {
    conn: Connection,
    seq: i64,
}

fn placeholder() -> FetchedPage {
    FetchedPage::new("", 0, "", Vec::new())
}

fn role_str(role: Role) -> &'static str {
    match role {
        Role::Listing => "listing",
        Role::Document => "document",
    }
}

fn parse_role(s: &str) -> Role {
    if s == "document" {
        Role::Document
    } else {
        Role::Listing
    }
}

impl Store {
    pub(crate) fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        let seq: i64 = conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM frontier", [], |r| r.get(0))?;
        Ok(Store { conn, seq })
    }

    /// Opens the generation to work on: the unfinished one, or a new one. Returns (gen, resumed).
    pub(crate) fn begin(&mut self, source: &str) -> Result<(i64, bool)> {
        let row: Option<(i64, bool)> = self
            .conn
            .query_row(
                "SELECT gen, finished FROM source_state WHERE source = ?1",
                [source],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? != 0)),
            )
            .optional()?;
        match row {
            Some((gen, false)) => Ok((gen, true)),
            Some((gen, true)) => {
                self.conn.execute(
                    "UPDATE source_state SET gen = ?2, finished = 0 WHERE source = ?1",
                    params![source, gen + 1],
                )?;
                Ok((gen + 1, false))
            }
            None => {
                self.conn.execute(
                    "INSERT INTO source_state (source, gen, finished) VALUES (?1, 1, 0)",
                    [source],
                )?;
                Ok((1, false))
            }
        }
    }

    /// Marks the generation finished (the frontier drained).
    pub(crate) fn finish(&mut self, source: &str) -> Result<()> {
        self.conn
            .execute("UPDATE source_state SET finished = 1 WHERE source = ?1", [source])?;
        Ok(())
    }

    /// Queues a target for generation `gen`; returns whether it was new for this generation.
    pub(crate) fn enqueue(&mut self, source: &str, gen: i64, target: &Target, depth: u32) -> Result<bool> {
        self.seq += 1;
        let method = match target.method {
            Method::Get => "GET",
            Method::Post => "POST",
        };
        let changed = self.conn.execute(
            "INSERT INTO frontier (source, key, method, url, form, role, hints, depth, seq, queued_gen)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (source, key) DO UPDATE SET queued_gen = excluded.queued_gen, depth = excluded.depth,
                 hints = excluded.hints, role = excluded.role
             WHERE frontier.queued_gen < excluded.queued_gen",
            params![
                source,
                target.key(),
                method,
                target.url.as_str(),
                serde_json::to_string(&target.form)?,
                role_str(target.role),
                serde_json::to_string(&target.hints)?,
                depth,
                self.seq,
                gen
            ],
        )?;
        Ok(changed > 0)
    }

    /// Whether a key is in the frontier for this generation (queued or done).
    pub(crate) fn known(&self, source: &str, gen: i64, key: &str) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM frontier WHERE source = ?1 AND key = ?2 AND queued_gen >= ?3",
            params![source, key, gen],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Pending rows of this generation (up to `limit`), breadth first.
    pub(crate) fn pending(&self, source: &str, gen: i64, limit: usize) -> Result<Vec<Pending>> {
        let mut stmt = self.conn.prepare(
            "SELECT key, method, url, form, role, hints, depth FROM frontier
             WHERE source = ?1 AND queued_gen = ?2 AND done_gen < ?2 ORDER BY depth, seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![source, gen, i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, u32>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (key, method, url, form, role, hints, depth) = row?;
            let Ok(url) = url::Url::parse(&url) else { continue };
            let target = Target {
                method: if method == "POST" { Method::Post } else { Method::Get },
                url,
                form: serde_json::from_str(&form).unwrap_or_default(),
                role: parse_role(&role),
                hints: serde_json::from_str::<PageHints>(&hints).unwrap_or_default(),
            };
            out.push(Pending { key, target, depth });
        }
        Ok(out)
    }

    /// Number of pending rows of this generation.
    pub(crate) fn pending_count(&self, source: &str, gen: i64) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM frontier WHERE source = ?1 AND queued_gen = ?2 AND done_gen < ?2",
            params![source, gen],
            |r| r.get(0),
        )?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The stored copy of a key, if any.
    pub(crate) fn stored(&self, source: &str, key: &str) -> Result<Option<StoredCopy>> {
        let row = self
            .conn
            .query_row(
                "SELECT sha256, etag, last_modified, meta, role FROM stored WHERE source = ?1 AND key = ?2",
                params![source, key],
                |r| {
                    Ok((
                        StoredCopy {
                            role: parse_role(&r.get::<_, String>(4)?),
                            sha256: r.get(0)?,
                            etag: r.get(1)?,
                            last_modified: r.get(2)?,
                            meta: placeholder(),
                        },
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        Ok(match row {
            Some((mut copy, meta)) => {
                copy.meta = serde_json::from_str(&meta)?;
                Some(copy)
            }
            None => None,
        })
    }

    /// Records the result of one frontier row atomically: the fetch log line, the row's state, an optional new
    /// stored copy (or its removal), and optional extra keys marked done (redirect targets).
    pub(crate) fn complete(
        &mut self,
        gen: i64,
        log: &LogLine<'_>,
        store: StoreChange<'_>,
        also_done: &[Target],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO fetch_log (at, source, key, url, status, outcome, detail, bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                chrono::Utc::now().to_rfc3339(),
                log.source,
                log.key,
                log.url,
                log.status,
                log.outcome,
                log.detail,
                log.bytes.map(|b| i64::try_from(b).unwrap_or(i64::MAX))
            ],
        )?;
        tx.execute(
            "UPDATE frontier SET done_gen = ?3, outcome = ?4 WHERE source = ?1 AND key = ?2",
            params![log.source, log.key, gen, log.outcome],
        )?;
        match store {
            StoreChange::Keep => {}
            StoreChange::Put { role, page } => {
                tx.execute(
                    "INSERT INTO stored (source, key, role, sha256, etag, last_modified, meta) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (source, key) DO UPDATE SET role = excluded.role, sha256 = excluded.sha256,
                         etag = excluded.etag, last_modified = excluded.last_modified, meta = excluded.meta",
                    params![
                        log.source,
                        log.key,
                        role_str(role),
                        page.body_sha256,
                        page.etag,
                        page.last_modified,
                        serde_json::to_string(page)?
                    ],
                )?;
            }
            StoreChange::Remove => {
                tx.execute(
                    "DELETE FROM stored WHERE source = ?1 AND key = ?2",
                    params![log.source, log.key],
                )?;
            }
        }
        for extra in also_done {
            self.seq += 1;
            tx.execute(
                "INSERT INTO frontier (source, key, method, url, form, role, hints, depth, seq, queued_gen, done_gen, outcome)
                 VALUES (?1, ?2, 'GET', ?3, '[]', ?4, '{}', 0, ?5, ?6, ?6, 'redirect-target')
                 ON CONFLICT (source, key) DO UPDATE SET queued_gen = ?6, done_gen = ?6",
                params![log.source, extra.key(), extra.url.as_str(), role_str(extra.role), self.seq, gen],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every stored copy (optionally documents only), in key order.
    pub(crate) fn all_stored(&self, documents_only: bool) -> Result<Vec<(String, FetchedPage)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT role, meta FROM stored WHERE (?1 = 0 OR role = 'document') ORDER BY source, key")?;
        let rows = stmt.query_map([i64::from(documents_only)], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (role, meta) = row?;
            out.push((role, serde_json::from_str(&meta)?));
        }
        Ok(out)
    }

    /// How many stored copies (of any source, listings included) refer to this body.
    pub(crate) fn body_refs(&self, sha: &str) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM stored WHERE sha256 = ?1", [sha], |r| r.get(0))?)
    }

    /// Every body hash some stored copy refers to, with whether every referring copy said `noarchive`.
    pub(crate) fn referenced_bodies(&self) -> Result<std::collections::HashMap<String, bool>> {
        let mut stmt = self
            .conn
            .prepare("SELECT sha256, meta FROM stored WHERE sha256 IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out: std::collections::HashMap<String, bool> = std::collections::HashMap::new();
        for row in rows {
            let (sha, meta) = row?;
            let noarchive = serde_json::from_str::<FetchedPage>(&meta)
                .map(|p| p.is_noarchive())
                .unwrap_or(false);
            let entry = out.entry(sha).or_insert(true);
            *entry = *entry && noarchive;
        }
        Ok(out)
    }

    /// The stored copies whose requested or final URL is `url`: `(source, key, copy)`.
    pub(crate) fn find_by_url(&self, url: &str) -> Result<Vec<(String, String, StoredCopy)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, key FROM stored ORDER BY source, key")?;
        let keys: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<std::result::Result<_, _>>()?;
        let mut out = Vec::new();
        for (source, key) in keys {
            if let Some(copy) = self.stored(&source, &key)? {
                if copy.meta.url == url || copy.meta.final_url == url {
                    out.push((source, key, copy));
                }
            }
        }
        Ok(out)
    }

    /// The source's current generation, if it was ever crawled.
    pub(crate) fn current_gen(&self, source: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT gen FROM source_state WHERE source = ?1", [source], |r| r.get(0))
            .optional()?)
    }

    /// Queues again, for generation `gen`, the stored documents of `source` that no listing of this generation
    /// carried any more (at `depth`, so nothing is discovered from them): they are fetched once more, so a page
    /// the publisher dropped and deleted is noticed. Returns how many were queued.
    pub(crate) fn requeue_unlisted_documents(&mut self, source: &str, gen: i64, depth: u32) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE frontier SET queued_gen = ?2, depth = ?3, outcome = 'unlisted'
             WHERE source = ?1 AND queued_gen < ?2
               AND key IN (SELECT key FROM stored WHERE source = ?1 AND role = 'document')",
            params![source, gen, depth],
        )?)
    }

    /// Counts of fetch-log outcomes (for reports and tests).
    pub(crate) fn log_outcomes(&self) -> Result<Vec<(String, String, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT source, outcome, COUNT(*) FROM fetch_log GROUP BY source, outcome ORDER BY 1, 2")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

/// What happens to the stored copy of a completed row.
pub(crate) enum StoreChange<'a> {
    /// Leave it as it is.
    Keep,
    /// Insert or replace it.
    Put { role: Role, page: &'a FetchedPage },
    /// Delete it.
    Remove,
}
