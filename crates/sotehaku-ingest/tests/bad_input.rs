//! The batch goes on through bad input: every bad file gives one clear error naming it, good files still give
//! documents. Also measures PDF text extraction on the platform fixtures (two-column minutes included).

mod common;

use sotehaku_ingest::{ingest_paths, FileError, Ingester};

#[test]
fn bad_files_give_per_file_errors_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // Good inputs around the bad ones.
    std::fs::write(d.join("a_good.html"), "<html><body><article><h1>Otsikko</h1><p>Kainuun hyvinvointialueen aluevaltuusto hyväksyi talousarvion vuodelle 2024 pitkän keskustelun jälkeen.</p></article></body></html>").unwrap();
    // Truncated HTML: still a document (what text there is).
    std::fs::write(d.join("b_truncated.html"), "<html><head><title>Katkennut</title></head><body><main><p>Lapin hyvinvointialue avaa uuden terveysaseman Rovaniemelle ensi vuonna ja siirtää sinne palve").unwrap();
    // Binary junk with an .html name.
    let junk: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    std::fs::write(d.join("c_junk.html"), &junk).unwrap();
    // A 50 MB page: refused by size, not loaded.
    let big = std::fs::File::create(d.join("d_huge.html")).unwrap();
    big.set_len(50 * 1024 * 1024).unwrap();
    // A PDF with no text layer (a valid PDF with an empty page).
    std::fs::write(d.join("e_scan.pdf"), empty_pdf()).unwrap();
    // A PDF that is not one.
    std::fs::write(
        d.join("f_broken.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf",
    )
    .unwrap();
    // Mixed encodings: UTF-8 with Latin-1 lines.
    let mut mixed = "Päijät-Hämeen hyvinvointialue tiedottaa\n\nJulkaistu 15.11.2018\n\n"
        .as_bytes()
        .to_vec();
    mixed.extend_from_slice(b"Lahden terveysasema p\xe4\xe4tettiin yhdist\xe4\xe4 uuteen hyvinvointikeskukseen.\n");
    std::fs::write(d.join("g_mixed.txt"), &mixed).unwrap();
    // An empty text file and a JSON Lines file with one broken line.
    std::fs::write(d.join("h_empty.txt"), "   \n").unwrap();
    std::fs::write(
        d.join("i_docs.jsonl"),
        "{\"id\":\"x1\",\"title\":\"Yksi\",\"text\":\"Pirkanmaan hyvinvointialue kertoo.\"}\n{broken\n",
    )
    .unwrap();

    let ingester = Ingester::new();
    let results: Vec<Result<_, FileError>> = ingest_paths(&ingester, &[d]).collect();
    let summary: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(doc) => format!("ok {}", doc.id),
            Err(e) => format!("error {e}"),
        })
        .collect();
    for line in &summary {
        println!("{line}");
    }
    assert_eq!(results.len(), 10, "{summary:#?}");
    let ok = |i: usize| results[i].as_ref().unwrap_or_else(|e| panic!("item {i}: {e}"));
    let err = |i: usize| {
        results[i]
            .as_ref()
            .err()
            .unwrap_or_else(|| panic!("item {i} should fail"))
            .to_string()
    };
    assert_eq!(ok(0).regions.first().map(|r| r.code()), Some("20".to_string()));
    assert!(ok(1).text.contains("Rovaniemelle"));
    assert!(
        err(2).contains("c_junk.html") && err(2).contains("binary"),
        "{}",
        err(2)
    );
    assert!(err(3).contains("d_huge.html") && err(3).contains("limit"), "{}", err(3));
    assert!(
        err(4).contains("e_scan.pdf") && err(4).contains("text layer"),
        "{}",
        err(4)
    );
    assert!(err(5).contains("f_broken.pdf"), "{}", err(5));
    let mixed_doc = ok(6);
    assert!(mixed_doc.text.contains("päätettiin yhdistää"), "{}", mixed_doc.text);
    assert_eq!(
        mixed_doc.published.map(|d| d.to_string()).as_deref(),
        Some("2018-11-15")
    );
    assert!(
        err(7).contains("h_empty.txt") && err(7).contains("no text"),
        "{}",
        err(7)
    );
    assert_eq!(ok(8).id, "x1");
    assert!(err(9).contains("i_docs.jsonl:2"), "{}", err(9));
}

/// A minimal valid PDF whose single page has no content stream.
fn empty_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn pdf_fixtures_give_their_text() {
    let Some(dir) = common::shared_file("fixtures/platforms") else {
        return;
    };
    for (name, must_contain) in [
        ("poytakirja_helvetica.pdf", &["öytäkirja"][..]),
        ("poytakirja_ttf.pdf", &["öytäkirja"][..]),
        // Read column by column: the left column's sentence is not interleaved with the right one's.
        (
            "two_column.pdf",
            &["Aluevaltuusto käsitteli hyvinvointialueen talousarviota"][..],
        ),
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = sotehaku_ingest::pdf::pdf_text(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let words = text.split_whitespace().count();
        println!(
            "{name}: {words} words; starts {:?}",
            text.chars().take(160).collect::<String>()
        );
        assert!(words >= 30, "{name}: only {words} words");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        for m in must_contain {
            assert!(flat.contains(&m.to_lowercase()), "{name}: no {m:?} in {text}");
        }
    }
}

/// A source date a thousand years ahead (Finlex has `2989-10-20` for a decree of 1989) is a typo: the document takes
/// its date from its own text instead, or has none, rather than landing at the far end of every timeline.
#[test]
fn a_source_date_far_in_the_future_is_set_aside() {
    let record = |date: &str, text: &str| sotehaku_ingest::SourceRecord {
        id: Some("finlex:sd:1989/920".into()),
        title: Some("Asetus aluepolitiikasta".into()),
        date: Some(date.into()),
        text: text.into(),
        ..Default::default()
    };
    let dated_text = "Asetus aluepolitiikasta\n20.10.1989\n1 §\nMinisteriöiden on pyydettävä lausunto.";
    let undated_text = "Asetus aluepolitiikasta\n1 §\nMinisteriöiden on pyydettävä lausunto.";
    let ingester = Ingester::new();
    let published = |date: &str, text: &str| {
        let doc = ingester.process(record(date, text)).expect("a document, not an error");
        doc.published.map(|d| d.to_string())
    };
    assert_eq!(published("2989-10-20", dated_text).as_deref(), Some("1989-10-20"));
    assert_eq!(published("2989-10-20", undated_text), None);
    assert_eq!(published("1989-10-21", dated_text).as_deref(), Some("1989-10-21"));
    assert_eq!(published("2026-01-15", undated_text).as_deref(), Some("2026-01-15"));
}
