//! Charset decoding: the crawler's and ingest's decoders on any body and any Content-Type value.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // "content-type\n\nbody" when a blank line is present, else the whole input is the body.
    let (ct, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) if i < 200 => (Some(String::from_utf8_lossy(&data[..i]).into_owned()), &data[i + 2..]),
        _ => (None, data),
    };
    let ct = ct.as_deref();
    let (text, label) = sotehaku_crawl::encoding::decode(body, ct);
    assert!(!label.is_empty());
    let _ = text.len();
    let _ = sotehaku_crawl::encoding::detect(body, ct);
    if let Some(ct) = ct {
        let _ = sotehaku_crawl::encoding::charset_param(ct);
        let _ = sotehaku_ingest::decode::charset_from_content_type(ct);
    }
    let d = sotehaku_ingest::decode::decode_bytes(body, ct);
    let _ = d;
});
