//! Character-encoding detection and decoding for fetched pages.
//!
//! The platforms disagree with themselves: Dynasty and KTweb serve windows-1252/ISO-8859-1, Word-made KTweb items are
//! UTF-16LE without a byte-order mark, some sites declare one charset in HTTP and another in `<meta>`. The order used
//! here: byte-order mark → UTF-16 without BOM (NUL-byte pattern) → valid UTF-8 → the declared charset (HTTP, then
//! `<meta>`) → windows-1252 (which is also what `ISO-8859-1` means on the web).

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// Decodes a page body to text and tells which encoding was used.
///
/// ```
/// use sotehaku_crawl::encoding::decode;
/// let (text, enc) = decode(b"<p>P\xe4\xe4t\xf6s</p>", Some("text/html; charset=iso-8859-1"));
/// assert_eq!(text, "<p>Päätös</p>");
/// assert_eq!(enc, "windows-1252");
/// ```
pub fn decode(body: &[u8], content_type: Option<&str>) -> (String, &'static str) {
    let encoding = detect(body, content_type);
    let (text, _, _) = encoding.decode(body);
    (text.into_owned(), encoding.name())
}

/// Picks the encoding of a body (see the module documentation for the order of evidence).
pub fn detect(body: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(body) {
        return enc;
    }
    if let Some(enc) = utf16_without_bom(body) {
        return enc;
    }
    if std::str::from_utf8(body).is_ok() {
        return UTF_8;
    }
    let declared = content_type.and_then(charset_param).or_else(|| meta_charset(body));
    match declared.and_then(|label| label_to_encoding(&label)) {
        // A UTF-16 label on bytes that are not UTF-16 (Word's `charset=unicode` on converted pages) is ignored.
        Some(enc) if enc == UTF_16LE || enc == UTF_16BE => WINDOWS_1252,
        Some(enc) => enc,
        None => WINDOWS_1252,
    }
}

fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    if label == "unicode" {
        return Some(UTF_16LE);
    }
    Encoding::for_label(label.as_bytes())
}

/// The `charset` parameter of a `Content-Type` value.
pub fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// Finds `charset=` in the first 2 KiB (a simplified version of the HTML prescan).
fn meta_charset(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let pos = lower.windows(8).position(|w| w == b"charset=")?;
    let rest = lower.get(pos + 8..)?;
    let value: Vec<u8> = rest
        .iter()
        .copied()
        .skip_while(|b| *b == b'"' || *b == b'\'' || *b == b' ')
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .collect();
    (!value.is_empty()).then(|| String::from_utf8_lossy(&value).into_owned())
}

/// UTF-16 without a BOM: mostly-ASCII text shows a NUL in every other byte.
fn utf16_without_bom(body: &[u8]) -> Option<&'static Encoding> {
    let sample = &body[..body.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut zero_even, mut zero_odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        if pair[0] == 0 && pair[1] != 0 {
            zero_even += 1;
        }
        if pair[1] == 0 && pair[0] != 0 {
            zero_odd += 1;
        }
    }
    if zero_odd * 10 >= pairs * 4 && zero_even * 10 < pairs {
        Some(UTF_16LE)
    } else if zero_even * 10 >= pairs * 4 && zero_odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16le_without_bom_is_detected() {
        let text = "<html><meta charset=unicode><p>Sosiaali- ja terveyslautakunta päätti</p></html>";
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let (decoded, enc) = decode(&bytes, Some("text/html"));
        assert_eq!(enc, "UTF-16LE");
        assert_eq!(decoded, text);
    }

    #[test]
    fn utf8_body_wins_over_wrong_http_label() {
        let (decoded, enc) = decode(
            "<p>Neuvola äitiys</p>".as_bytes(),
            Some("text/html; charset=iso-8859-1"),
        );
        assert_eq!(enc, "UTF-8");
        assert!(decoded.contains("äitiys"));
    }

    #[test]
    fn meta_charset_is_used_when_http_is_silent() {
        let body = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head>\xc4\xe4ni";
        let (decoded, enc) = decode(body, Some("text/html"));
        assert_eq!(enc, "windows-1252");
        assert!(decoded.ends_with("Ääni"));
    }

    #[test]
    fn invalid_utf8_declared_utf8_is_decoded_lossily() {
        let (decoded, enc) = decode(b"<p>kotihoito \xff toimii</p>", Some("text/html; charset=utf-8"));
        assert_eq!(enc, "UTF-8");
        assert!(decoded.contains("kotihoito") && decoded.contains('\u{fffd}'));
    }
}
