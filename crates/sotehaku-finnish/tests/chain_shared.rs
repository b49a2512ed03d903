//! Chain measurements over the shared reference data (`<workspace>/../shared`): the sote word-form list
//! (`eval/analysis/sote_forms.tsv`, target ≥ 98 % giving the listed base form) and the five seed pages (offsets,
//! numbers, how many words fall back to Snowball). Skips with a message when the data is absent, fails under CI=true.

use std::path::PathBuf;

use sotehaku_finnish::analyzers;

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.join("README.md").exists() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("shared data not found at {} (required when CI=true)", dir.display());
    }
    println!("SKIP: shared data not found at {}", dir.display());
    None
}

#[test]
fn sote_forms_give_the_listed_base_form() {
    let Some(dir) = shared_dir() else { return };
    let list = std::fs::read_to_string(dir.join("eval/analysis/sote_forms.tsv")).expect("sote_forms.tsv");
    let (mut total, mut hits) = (0usize, 0usize);
    let mut misses = Vec::new();
    for line in list.lines().skip(1) {
        let Some((form, lemma)) = line.split_once('\t') else {
            continue;
        };
        total += 1;
        let want = lemma.trim().to_lowercase();
        let tokens = sotehaku_finnish::analyze(form.trim());
        if tokens.iter().any(|t| t.base_forms.contains(&want)) {
            hits += 1;
        } else {
            misses.push(format!(
                "{form} → {:?} (want {want})",
                tokens.iter().map(|t| &t.base_forms).collect::<Vec<_>>()
            ));
        }
    }
    let pct = 100.0 * hits as f64 / total.max(1) as f64;
    println!("sote_forms.tsv: {hits}/{total} = {pct:.1}% give the listed base form");
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(total >= 50, "list too short: {total}");
    assert!(pct >= 98.0, "{pct:.1}% < 98%: {misses:?}");
}

#[test]
fn seed_pages_analyse_cleanly() {
    let Some(dir) = shared_dir() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("seeds"))
        .expect("seeds dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5);
    let (mut words, mut snowball, mut numbers) = (0usize, 0usize, 0usize);
    let mut all_bases = std::collections::HashSet::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("seed");
        for t in sotehaku_finnish::analyze(&text) {
            // Offsets are char boundaries of the original text and cover exactly the reported surface.
            assert_eq!(text.get(t.offset_from..t.offset_to), Some(t.text.as_str()));
            words += 1;
            match t.source {
                "snowball" => snowball += 1,
                "number" => {
                    numbers += 1;
                    assert!(
                        t.text.starts_with(t.base_forms[0].as_str()) || t.base_forms[0] == "§",
                        "{t:?}"
                    );
                }
                _ => {}
            }
            all_bases.extend(t.base_forms);
        }
        // Every number the chain indexes appears verbatim in the text.
        let mut analyzer = analyzers::fi_base();
        let mut stream = analyzer.token_stream(&text);
        while let Some(tok) = stream.next() {
            if tok.text.chars().all(|c| c.is_ascii_digit()) {
                assert_eq!(&text[tok.offset_from..tok.offset_to], tok.text);
            }
        }
    }
    let pct = 100.0 * snowball as f64 / words.max(1) as f64;
    println!("seeds: {words} tokens, {numbers} numbers, {snowball} ({pct:.1}%) fell back to Snowball");
    for expected in [
        "päijät-häme",
        "hyvinvointialue",
        "sote-keskuspalvelu",
        "hyte-työ",
        "sote",
    ] {
        assert!(all_bases.contains(expected), "{expected} missing from seed base forms");
    }
    assert!(pct < 5.0, "too many unknown words: {pct:.1}%");
}
