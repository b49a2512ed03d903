//! Charset sniffing and decoding: raw bytes from the web or a file into a Rust `String`.
//!
//! The order follows the HTML standard's encoding sniffing, simplified: a byte-order mark wins, then the charset of
//! the HTTP `Content-Type` header, then a `<meta charset>` / `<meta http-equiv>` declaration in the first bytes, then
//! UTF-16 without a BOM (recognised by its many NUL bytes), then UTF-8 if the bytes are valid UTF-8, and finally
//! windows-1252 (the superset of ISO-8859-1 that old Finnish meeting systems use). Text that is *mostly* UTF-8 with
//! stray Latin-1 lines ("mixed encodings") is decoded line by line. Decoding never panics and never fails: broken
//! bytes become U+FFFD, and [`Decoded::replacements`] says how many.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// How many bytes at the start are searched for a `<meta>` charset declaration (the HTML standard says 1024; real
/// pages put long `<script>`s first, so we look further).
const META_PRESCAN_BYTES: usize = 8192;

/// Text decoded from bytes, with what was learned on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The name of the encoding used (WHATWG label, e.g. `UTF-8`, `windows-1252`), or `mixed` for line-by-line
    /// decoding of UTF-8 with Latin-1 lines.
    pub encoding: &'static str,
    /// Where the encoding came from: `bom`, `header`, `meta`, `utf16-heuristic`, `utf8-valid`, `mixed`, `fallback`.
    pub evidence: &'static str,
    /// Number of U+FFFD replacement characters the decoding had to insert.
    pub replacements: usize,
}

/// Decodes `bytes`, using the HTTP `Content-Type` header value when there is one.
///
/// ```
/// use sotehaku_ingest::decode::decode_bytes;
/// let latin1 = b"<meta charset=\"iso-8859-1\"><p>P\xe4\xe4t\xf6s</p>";
/// let d = decode_bytes(latin1, None);
/// assert!(d.text.contains("Päätös"));
/// assert_eq!(d.evidence, "meta");
/// ```
pub fn decode_bytes(bytes: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return decode_with(encoding, rest, "bom");
    }
    if let Some(encoding) = content_type.and_then(charset_from_content_type) {
        return decode_declared(encoding, bytes, "header");
    }
    if let Some(encoding) = sniff_meta_charset(bytes) {
        return decode_declared(encoding, bytes, "meta");
    }
    if let Some(encoding) = sniff_utf16(bytes) {
        return decode_with(encoding, bytes, "utf16-heuristic");
    }
    if std::str::from_utf8(bytes).is_ok() {
        return decode_with(UTF_8, bytes, "utf8-valid");
    }
    decode_undeclared(bytes)
}

/// Decodes with an encoding the page declared. A page that declares UTF-8 but is not valid UTF-8 is common (a CMS
/// pasting Latin-1 text into a UTF-8 template); it is decoded line by line instead of filling with U+FFFD.
fn decode_declared(encoding: &'static Encoding, bytes: &[u8], evidence: &'static str) -> Decoded {
    // A declared UTF-16 in a <meta> is impossible (the meta itself would not be readable as ASCII): the standard
    // says to treat it as UTF-8.
    let encoding = if evidence == "meta" && (encoding == UTF_16LE || encoding == UTF_16BE) {
        UTF_8
    } else {
        encoding
    };
    if encoding == UTF_8 && std::str::from_utf8(bytes).is_err() {
        return decode_undeclared(bytes);
    }
    decode_with(encoding, bytes, evidence)
}

/// No usable declaration and not valid UTF-8: mostly-UTF-8 text is decoded line by line, the rest as windows-1252.
fn decode_undeclared(bytes: &[u8]) -> Decoded {
    let mut valid = 0usize;
    let mut invalid = 0usize;
    for line in bytes.split(|&b| b == b'\n') {
        if line.is_ascii() {
            continue;
        }
        if std::str::from_utf8(line).is_ok() {
            valid += 1;
        } else {
            invalid += 1;
        }
    }
    if valid > 0 && invalid > 0 {
        let mut text = String::with_capacity(bytes.len() + bytes.len() / 8);
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                text.push('\n');
            }
            match std::str::from_utf8(line) {
                Ok(s) => text.push_str(s),
                Err(_) => text.push_str(&WINDOWS_1252.decode_without_bom_handling(line).0),
            }
        }
        let replacements = text.matches('\u{FFFD}').count();
        return Decoded {
            text,
            encoding: "mixed",
            evidence: "mixed",
            replacements,
        };
    }
    decode_with(WINDOWS_1252, bytes, "fallback")
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8], evidence: &'static str) -> Decoded {
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    let replacements = text.matches('\u{FFFD}').count();
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        evidence,
        replacements,
    }
}

/// The `charset=` parameter of a `Content-Type` value, if it names a known encoding.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if key.trim().eq_ignore_ascii_case("charset") {
            Encoding::for_label(value.trim().trim_matches(|c| c == '"' || c == '\'').as_bytes())
        } else {
            None
        }
    })
}

/// Finds `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the first bytes.
fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..META_PRESCAN_BYTES.min(bytes.len()))?;
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0usize;
    // Each iteration moves past one "charset" occurrence, so the loop is bounded by the prescan length.
    while let Some(pos) = find(&lower[from..], b"charset") {
        let at = from + pos;
        from = at + 7;
        // Only inside a <meta ...> tag: the last '<' before this point must open "<meta".
        let tag_start = lower[..at].iter().rposition(|&b| b == b'<')?;
        if !lower[tag_start..].starts_with(b"<meta") || lower[tag_start..at].contains(&b'>') {
            continue;
        }
        let rest = &head[from..];
        let rest = skip_while(rest, |b| b.is_ascii_whitespace());
        let Some(rest) = rest.strip_prefix(b"=") else { continue };
        let rest = skip_while(rest, |b| b.is_ascii_whitespace() || b == b'"' || b == b'\'');
        let end = rest
            .iter()
            .position(|&b| b == b'"' || b == b'\'' || b == b';' || b == b'>' || b == b'/' || b.is_ascii_whitespace())
            .unwrap_or(rest.len());
        if let Some(enc) = Encoding::for_label(&rest[..end]) {
            return Some(enc);
        }
    }
    None
}

fn skip_while(bytes: &[u8], pred: impl Fn(u8) -> bool) -> &[u8] {
    let n = bytes.iter().take_while(|&&b| pred(b)).count();
    &bytes[n..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// UTF-16 without a BOM: in Latin-script text every other byte is NUL. Looks at the first 4 KiB.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = bytes.get(..4096.min(bytes.len() & !1))?;
    if sample.len() < 16 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    // Latin text: > 60 % of one side NUL, almost none on the other.
    if odd_nul * 10 > pairs * 6 && even_nul * 20 < pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 > pairs * 6 && odd_nul * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_beats_meta_and_bom_beats_header() {
        let bytes = b"<meta charset=utf-8><p>\xe4</p>";
        let d = decode_bytes(bytes, Some("text/html; charset=ISO-8859-1"));
        assert_eq!((d.text.contains('ä'), d.evidence), (true, "header"));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice("Päätös".as_bytes());
        let d = decode_bytes(&bom, Some("text/html; charset=windows-1252"));
        assert_eq!((d.text.as_str(), d.evidence), ("Päätös", "bom"));
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let text = "Hyvinvointialueen aluehallitus päätti asiasta.";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode_bytes(&le, None).text, text);
        assert_eq!(decode_bytes(&be, None).text, text);
    }

    #[test]
    fn mixed_lines_and_fallback() {
        let mut bytes = "Ensimmäinen rivi\n".as_bytes().to_vec();
        bytes.extend_from_slice(b"P\xe4\xe4t\xf6s\n");
        let d = decode_bytes(&bytes, None);
        assert_eq!(d.text, "Ensimmäinen rivi\nPäätös\n");
        assert_eq!(d.encoding, "mixed");
        let d = decode_bytes(b"P\xe4\xe4t\xf6s", None);
        assert_eq!((d.text.as_str(), d.encoding), ("Päätös", "windows-1252"));
    }

    #[test]
    fn declared_utf8_that_is_latin1_is_repaired() {
        let d = decode_bytes(b"<meta charset=\"utf-8\"><p>Lis\xe4tietoja</p>", None);
        assert!(d.text.contains("Lisätietoja"), "{}", d.text);
    }

    #[test]
    fn junk_never_panics() {
        let junk: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
        let d = decode_bytes(&junk, Some("text/html; charset=bogus"));
        assert!(!d.text.is_empty());
        let _ = decode_bytes(b"<meta charset=", None);
        let _ = decode_bytes(b"", None);
    }
}
