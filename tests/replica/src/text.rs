//! Text helpers shared by the platform generators: the embedded data files, the article file format, HTML escaping,
//! dates in the formats the platforms print, slugs and legacy encodings.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, FixedOffset};

use crate::ReplicaError;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The bytes of an embedded data file (path relative to `site/`).
pub(crate) fn file(path: &str) -> Result<&'static [u8], ReplicaError> {
    embedded::FILES
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| *bytes)
        .ok_or_else(|| ReplicaError::Data(format!("embedded file missing: {path}")))
}

/// Every embedded file whose path starts with `prefix`, sorted by path.
pub(crate) fn files_under(prefix: &str) -> Vec<(&'static str, &'static [u8])> {
    embedded::FILES
        .iter()
        .filter(|(p, _)| p.starts_with(prefix))
        .copied()
        .collect()
}

/// An embedded text file as UTF-8.
pub(crate) fn text_file(path: &str) -> Result<&'static str, ReplicaError> {
    std::str::from_utf8(file(path)?).map_err(|e| ReplicaError::Data(format!("{path}: {e}")))
}

/// A block of article body text.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// A paragraph.
    Para(String),
    /// A sub-heading (a line starting with `## `).
    Heading(String),
}

/// One article or agenda item read from a data file: `key: value` header lines, `---`, then the body.
#[derive(Debug, Clone)]
pub(crate) struct Article {
    pub title: String,
    pub slug: String,
    pub date: DateTime<FixedOffset>,
    /// Other header fields (`id`, `ministries`, `source`, …).
    pub fields: Vec<(String, String)>,
    pub blocks: Vec<Block>,
}

impl Article {
    /// Parses the data-file format described on [`Article`]. `date` and `slug` may be absent (items of minutes).
    pub(crate) fn parse(name: &str, text: &str) -> Result<Article, ReplicaError> {
        let (head, body) = text
            .split_once("\n---\n")
            .or_else(|| text.strip_prefix("---\n").map(|b| ("", b)))
            .ok_or_else(|| ReplicaError::Data(format!("{name}: no '---' line")))?;
        let mut title = None;
        let mut slug = String::new();
        let mut date = None;
        let mut fields = Vec::new();
        for line in head.lines().filter(|l| !l.trim().is_empty()) {
            let (k, v) = line
                .split_once(':')
                .ok_or_else(|| ReplicaError::Data(format!("{name}: bad header line {line:?}")))?;
            let v = v.trim().to_string();
            match k.trim() {
                "title" => title = Some(v),
                "slug" => slug = v,
                "date" => {
                    date = Some(
                        DateTime::parse_from_rfc3339(&v)
                            .map_err(|e| ReplicaError::Data(format!("{name}: date: {e}")))?,
                    )
                }
                other => fields.push((other.to_string(), v)),
            }
        }
        let title = title.ok_or_else(|| ReplicaError::Data(format!("{name}: no title")))?;
        let date = match date {
            Some(d) => d,
            None => DateTime::parse_from_rfc3339("2024-01-01T00:00:00+02:00")
                .map_err(|e| ReplicaError::Data(format!("{name}: {e}")))?,
        };
        let mut blocks = Vec::new();
        for p in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let join = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
            match p.strip_prefix("## ") {
                Some(h) => {
                    // A heading line may be followed directly by its paragraph.
                    let (head, rest) = h.split_once('\n').unwrap_or((h, ""));
                    blocks.push(Block::Heading(head.trim().to_string()));
                    if !rest.trim().is_empty() {
                        blocks.push(Block::Para(join(rest)));
                    }
                }
                None => blocks.push(Block::Para(join(p))),
            }
        }
        Ok(Article {
            title,
            slug,
            date,
            fields,
            blocks,
        })
    }

    /// A header field other than title/slug/date.
    pub(crate) fn field(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The first paragraph, for listings and feeds.
    pub(crate) fn lead(&self) -> String {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Para(p) => Some(p.clone()),
                Block::Heading(_) => None,
            })
            .unwrap_or_default()
    }

    /// The body as HTML (`<p>` and `<h2>`), with `{alueen}` replaced by `region_genitive`.
    pub(crate) fn body_html(&self, heading_tag: &str, region_genitive: &str) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            match block {
                Block::Para(p) => {
                    out.push_str("<p>");
                    out.push_str(&esc(&p.replace("{alueen}", region_genitive)));
                    out.push_str("</p>\n");
                }
                Block::Heading(h) => {
                    out.push_str(&format!("<{heading_tag}>{}</{heading_tag}>\n", esc(h)));
                }
            }
        }
        out
    }

    /// Publication time as a `SystemTime` (for `Last-Modified`).
    pub(crate) fn system_time(&self) -> SystemTime {
        to_system_time(&self.date)
    }
}

/// Reads every article file under `prefix`, newest first.
pub(crate) fn articles_under(prefix: &str) -> Result<Vec<Article>, ReplicaError> {
    let mut out = Vec::new();
    for (path, bytes) in files_under(prefix) {
        let text = std::str::from_utf8(bytes).map_err(|e| ReplicaError::Data(format!("{path}: {e}")))?;
        out.push(Article::parse(path, text)?);
    }
    out.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.slug.cmp(&b.slug)));
    Ok(out)
}

/// Agenda items: one file, items separated by lines `%%%`.
pub(crate) fn agenda_items() -> Result<Vec<Article>, ReplicaError> {
    let text = text_file("minutes/items.txt")?;
    text.split("\n%%%\n")
        .enumerate()
        .map(|(i, t)| Article::parse(&format!("minutes/items.txt#{i}"), t))
        .collect()
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// `d.m.yyyy` (Finnish style, no leading zeros).
pub(crate) fn fi_date(d: &DateTime<FixedOffset>) -> String {
    d.format("%-d.%-m.%Y").to_string()
}

/// `dd.mm.yyyy` (Dynasty style).
pub(crate) fn fi_date_padded(d: &DateTime<FixedOffset>) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// RFC 2822 date for RSS `pubDate`.
pub(crate) fn rss_date(d: &DateTime<FixedOffset>) -> String {
    d.to_rfc2822()
}

/// Parses RFC 3339 (for dates written in code).
pub(crate) fn date(s: &str) -> Result<DateTime<FixedOffset>, ReplicaError> {
    DateTime::parse_from_rfc3339(s).map_err(|e| ReplicaError::Data(format!("date {s}: {e}")))
}

/// Converts to `SystemTime`; dates before 1970 clamp to the epoch.
pub(crate) fn to_system_time(d: &DateTime<FixedOffset>) -> SystemTime {
    let secs = u64::try_from(d.timestamp()).unwrap_or(0);
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// A URL slug: lower case ASCII, `ä→a`, `ö→o`, `å→a`, other runs of non-alphanumerics → `sep`.
pub(crate) fn slugify(s: &str, sep: char, keep_case: bool) -> String {
    let mut out = String::new();
    let mut pending = false;
    for c in s.chars() {
        let c = match c {
            'ä' | 'å' => 'a',
            'Ä' | 'Å' => 'A',
            'ö' => 'o',
            'Ö' => 'O',
            'é' => 'e',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            if pending && !out.is_empty() {
                out.push(sep);
            }
            pending = false;
            out.push(if keep_case { c } else { c.to_ascii_lowercase() });
        } else {
            pending = true;
        }
    }
    out
}

/// Encodes text as windows-1252 (characters outside it become numeric character references).
pub(crate) fn to_windows_1252(s: &str) -> Vec<u8> {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(s);
    bytes.into_owned()
}

/// Encodes text as UTF-16LE without a byte-order mark.
pub(crate) fn to_utf16le_no_bom(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// FNV-1a 64-bit hash, for ETags (stable across runs).
pub(crate) fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_finnish_letters() {
        assert_eq!(slugify("Päätös § 12: Sote-keskus", '-', false), "paatos-12-sote-keskus");
        assert_eq!(
            slugify("Palvelustrategian hyväksyminen", '_', true),
            "Palvelustrategian_hyvaksyminen"
        );
    }

    #[test]
    fn windows_1252_has_single_byte_letters() {
        assert_eq!(to_windows_1252("ä–§"), vec![0xE4, 0x96, 0xA7]);
        assert_eq!(to_utf16le_no_bom("Ä"), vec![0xC4, 0x00]);
    }

    #[test]
    fn every_article_file_parses() -> Result<(), ReplicaError> {
        let all = articles_under("news/")?;
        assert!(all.len() >= 19, "{}", all.len());
        assert!(all.iter().all(|a| !a.slug.is_empty() && !a.blocks.is_empty()));
        assert_eq!(agenda_items()?.len(), 8);
        Ok(())
    }
}
