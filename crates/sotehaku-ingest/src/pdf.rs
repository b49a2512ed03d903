//! Text from PDF files with the pure-Rust `pdf-extract` crate (no system tool needed).
//!
//! Characters are collected with their positions (a `pdf_extract::OutputDev`) and laid out again: lines by their
//! baseline, words by the gaps between glyphs, paragraphs by vertical gaps, and two-column pages (minutes, bulletins)
//! are read column by column instead of across the gutter.
//!
//! PDFs come from meeting systems (minutes, agendas, attachments). Two failure modes are reported as errors rather
//! than as empty documents: a PDF with no text layer (a scan) and a file that is not a readable PDF. `pdf-extract`
//! can panic on malformed files; the panic is caught and turned into an error so a batch goes on.

use crate::extract::normalize_paragraphs;

/// Largest PDF accepted.
pub const MAX_PDF_BYTES: usize = 64 * 1024 * 1024;

/// Why a PDF gave no text.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("not a PDF file (no %PDF header)")]
    NotPdf,
    #[error("PDF larger than {MAX_PDF_BYTES} bytes")]
    TooLarge,
    #[error("the PDF has no text layer (a scanned image?); OCR is not supported")]
    NoTextLayer,
    #[error("unreadable PDF: {0}")]
    Unreadable(String),
}

/// Extracts the text of a PDF, paragraphs separated by blank lines.
///
/// ```
/// use sotehaku_ingest::pdf::{pdf_text, PdfError};
/// assert!(matches!(pdf_text(b"not a pdf"), Err(PdfError::NotPdf)));
/// ```
pub fn pdf_text(bytes: &[u8]) -> Result<String, PdfError> {
    if bytes.len() > MAX_PDF_BYTES {
        return Err(PdfError::TooLarge);
    }
    let head = bytes.get(..1024.min(bytes.len())).unwrap_or_default();
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PdfError::NotPdf);
    }
    let owned = bytes.to_vec();
    let result = std::panic::catch_unwind(move || -> Result<String, PdfError> {
        let doc = pdf_extract::Document::load_mem(&owned).map_err(|e| PdfError::Unreadable(e.to_string()))?;
        check_page_tree(&doc)?;
        let mut layout = Layout::default();
        pdf_extract::output_doc(&doc, &mut layout).map_err(|e| PdfError::Unreadable(e.to_string()))?;
        Ok(layout.text())
    });
    let raw = match result {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => return Err(e),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the PDF parser failed".to_string());
            return Err(PdfError::Unreadable(msg.chars().take(200).collect()));
        }
    };
    let text = tidy(&raw);
    if text.chars().filter(|c| c.is_alphabetic()).count() < 20 {
        return Err(PdfError::NoTextLayer);
    }
    Ok(text)
}

/// Deepest page tree accepted (real files have a handful of levels).
const MAX_PAGE_TREE_DEPTH: usize = 64;

/// Refuses a page tree whose `/Parent` chains loop or run too deep: `pdf-extract` follows `/Parent` to find
/// inherited `/Resources` and `/MediaBox` without a bound, so a page that is its own ancestor would hang it.
fn check_page_tree(doc: &pdf_extract::Document) -> Result<(), PdfError> {
    for (_, page_id) in doc.get_pages() {
        let mut seen = std::collections::HashSet::new();
        let mut id = page_id;
        loop {
            if !seen.insert(id) || seen.len() > MAX_PAGE_TREE_DEPTH {
                return Err(PdfError::Unreadable(
                    "the page tree loops (a page is its own ancestor)".into(),
                ));
            }
            let parent = doc
                .get_dictionary(id)
                .ok()
                .and_then(|dict| dict.get(b"Parent").ok())
                .and_then(|parent| parent.as_reference().ok());
            match parent {
                Some(next) => id = next,
                None => break,
            }
        }
    }
    Ok(())
}

/// One glyph: position of its origin (PDF space, y up), advance width and font size.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    advance: f64,
    size: f64,
    text: String,
}

/// Collects glyphs page by page and lays them out as text.
#[derive(Default)]
struct Layout {
    pages: Vec<Vec<Glyph>>,
    /// Glyphs kept so far, all pages.
    glyphs: usize,
}

/// Most glyphs kept per document (a hostile PDF cannot exhaust memory through this layer).
const MAX_GLYPHS: usize = 20_000_000;

impl pdf_extract::OutputDev for Layout {
    fn begin_page(
        &mut self,
        _page: u32,
        _media_box: &pdf_extract::MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), pdf_extract::OutputError> {
        self.pages.push(Vec::new());
        Ok(())
    }
    fn end_page(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn output_character(
        &mut self,
        trm: &pdf_extract::Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), pdf_extract::OutputError> {
        if self.glyphs >= MAX_GLYPHS {
            return Ok(());
        }
        let scale = (trm.m11 * trm.m11 + trm.m12 * trm.m12).sqrt().max(1e-6);
        let size = (font_size * scale).abs().max(1.0);
        let advance = ((width * font_size + spacing) * scale).abs();
        if let Some(page) = self.pages.last_mut() {
            self.glyphs += 1;
            page.push(Glyph {
                x: trm.m31,
                y: trm.m32,
                advance,
                size,
                text: text.to_string(),
            });
        }
        Ok(())
    }
    fn begin_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_word(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
    fn end_line(&mut self) -> Result<(), pdf_extract::OutputError> {
        Ok(())
    }
}

/// A run of glyphs on one line without a column-sized gap.
struct Segment {
    x0: f64,
    y: f64,
    size: f64,
    text: String,
}

impl Layout {
    fn text(&self) -> String {
        let mut pages = Vec::new();
        for glyphs in &self.pages {
            pages.push(page_text(glyphs));
        }
        pages.join("\n\n")
    }
}

fn page_text(glyphs: &[Glyph]) -> String {
    let mut glyphs: Vec<&Glyph> = glyphs.iter().filter(|g| g.x.is_finite() && g.y.is_finite()).collect();
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    // Lines: glyphs whose baselines are within a third of the font size.
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for g in glyphs {
        match lines.last_mut() {
            Some(line) if (line[0].y - g.y).abs() < line[0].size * 0.35 => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    // Segments: split a line where the gap is wider than two font sizes (a column gutter).
    let mut segments: Vec<Segment> = Vec::new();
    let mut multi = 0usize;
    for line in &mut lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut current: Option<Segment> = None;
        let mut end = f64::MIN;
        let mut parts = 0usize;
        for g in line.iter() {
            let gap = g.x - end;
            if current.is_some() && gap > g.size * 2.0 {
                segments.extend(current.take());
            }
            let seg = current.get_or_insert_with(|| {
                parts += 1;
                Segment {
                    x0: g.x,
                    y: g.y,
                    size: g.size,
                    text: String::new(),
                }
            });
            if !seg.text.is_empty() && gap > g.size * 0.15 && !seg.text.ends_with(' ') && g.text != " " {
                seg.text.push(' ');
            }
            seg.text.push_str(&g.text);
            end = g.x + g.advance;
        }
        segments.extend(current);
        if parts > 1 {
            multi += 1;
        }
    }
    // Two columns when a good share of lines is split: read the left column, then the right.
    let split = if !lines.is_empty() && multi * 4 >= lines.len() && multi >= 3 {
        let mut starts: Vec<f64> = segments.iter().map(|s| s.x0).collect();
        starts.sort_by(f64::total_cmp);
        let min = starts.first().copied().unwrap_or(0.0);
        let max = starts.last().copied().unwrap_or(0.0);
        // The widest gap between consecutive segment starts separates the columns.
        starts
            .windows(2)
            .filter(|w| w[1] - w[0] > (max - min) * 0.2)
            .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
            .map(|w| (w[0] + w[1]) / 2.0)
    } else {
        None
    };
    let render = |segs: Vec<&Segment>| -> String {
        let mut out = String::new();
        let mut prev: Option<&Segment> = None;
        for s in segs {
            if let Some(p) = prev {
                out.push_str(if p.y - s.y > p.size * 1.8 { "\n\n" } else { "\n" });
            }
            out.push_str(s.text.trim());
            prev = Some(s);
        }
        out
    };
    match split {
        Some(x) => {
            let left: Vec<&Segment> = segments.iter().filter(|s| s.x0 < x).collect();
            let right: Vec<&Segment> = segments.iter().filter(|s| s.x0 >= x).collect();
            format!("{}\n\n{}", render(left), render(right))
        }
        None => render(segments.iter().collect()),
    }
}

/// Joins hyphenated line breaks and lines of one paragraph; keeps blank lines as paragraph breaks.
fn tidy(raw: &str) -> String {
    let raw = raw.replace('\u{c}', "\n\n");
    let mut out = String::with_capacity(raw.len());
    for line in raw.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            out.push_str("\n\n");
            continue;
        }
        if out.ends_with('-') && line.starts_with(|c: char| c.is_lowercase()) {
            out.pop();
            out.push_str(line.trim_start());
        } else {
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(line.trim_start());
        }
    }
    normalize_paragraphs(&out)
}
