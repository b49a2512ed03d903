//! Text from PDF files with the pure-Rust `pdf-extract` crate (no system tool needed).
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
    let result = std::panic::catch_unwind(move || pdf_extract::extract_text_from_mem(&owned));
    let raw = match result {
        Ok(Ok(text)) => text,
        Ok(Err(e)) => return Err(PdfError::Unreadable(e.to_string())),
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
