//! Measurements of the morphology against shared evaluation data (`<workspace>/../shared/eval`) and against libvoikko.
//!
//! * UD Finnish-TDT dev: noun base-form recall and precision, compound-boundary precision/recall/F1, numbers.
//! * `analysis/sote_forms.tsv`: share of reform word forms that get the listed base form.
//! * Differential test against libvoikko (through `scripts/voikko_oracle.py`) on every word type of TDT dev.
//!
//! Tests skip with a message when `../shared` (or libvoikko, for the differential test) is missing, but fail when the
//! environment variable `CI=true` and `../shared` is missing. Run with `--nocapture` to see the figures.

use std::collections::{BTreeSet, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use sotehaku_finnish::morphology::{DetailedAnalysis, Morphology};

fn shared_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if dir.join("eval").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but the shared data directory {} is missing", dir.display());
    }
    println!("SKIPPED: shared evaluation data not found at {}", dir.display());
    None
}

/// One token of a CoNLL-U file.
struct Token {
    form: String,
    lemma: String,
    upos: String,
}

fn read_conllu(path: &std::path::Path) -> Vec<Token> {
    let text = std::fs::read_to_string(path).expect("readable CoNLL-U");
    let mut tokens = Vec::new();
    for line in text.lines().take(1_000_000) {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 10 || cols[0].contains('-') || cols[0].contains('.') {
            continue;
        }
        tokens.push(Token {
            form: cols[1].to_owned(),
            lemma: cols[2].to_owned(),
            upos: cols[3].to_owned(),
        });
    }
    tokens
}

/// Comparison key of a lemma: lowercase, compound marks `#` and hyphens removed.
fn key(lemma: &str) -> String {
    lemma
        .chars()
        .filter(|c| *c != '#' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Boundary offsets (in characters of `key(..)`) of a segmentation.
fn boundaries(parts: &[String]) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    let mut pos = 0;
    for (i, p) in parts.iter().enumerate() {
        pos += key(p).chars().count();
        if i + 1 < parts.len() {
            out.insert(pos);
        }
    }
    out
}

struct NounFigures {
    tokens: usize,
    analysed: usize,
    recall: f64,
    precision: f64,
    compound_precision: f64,
    compound_recall: f64,
    compound_f1: f64,
}

/// Base-form recall/precision and compound-boundary P/R/F1 for NOUN tokens.
///
/// * recall: share of noun tokens whose gold lemma (lowercase, `#` and `-` removed) is among our base forms;
/// * precision: for each noun token with at least one analysis, the share of our distinct base forms that equal the
///   gold lemma, averaged over those tokens;
/// * compound boundaries: the analysis used is the first one whose base form equals the gold lemma (else the first
///   one); its segmentation is compared with the gold `#` positions, micro-averaged over all noun tokens (a base form
///   that differs from gold scores all its boundaries as wrong and all gold boundaries as missed).
fn noun_figures(m: &Morphology, tokens: &[Token], preferred_only: bool, fine: bool) -> NounFigures {
    noun_figures_with(
        m,
        tokens,
        if preferred_only { Choice::Preferred } else { Choice::All },
        fine,
    )
}

/// Which analyses are scored.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Choice {
    All,
    Preferred,
    /// `Morphology::analyze_ranked`: preferred, then the corpus frequency prior.
    Ranked,
}

fn noun_figures_with(m: &Morphology, tokens: &[Token], choice: Choice, fine: bool) -> NounFigures {
    let preferred_only = choice != Choice::All;
    let segs = |a: &DetailedAnalysis| {
        if fine {
            a.base_form_morphs.clone()
        } else {
            a.base_form_segments.clone()
        }
    };
    let (mut n, mut analysed, mut hits) = (0usize, 0usize, 0usize);
    let mut precision_sum = 0.0;
    let (mut tp, mut fp, mut fnn) = (0usize, 0usize, 0usize);
    // Set SOTEHAKU_MORPH_DUMP=/path to write the misses and ambiguous tokens for inspection (one file per
    // configuration: `/path.all-fine`, `/path.preferred-fine`, …).
    let config = format!(
        "{}-{}",
        if preferred_only { "preferred" } else { "all" },
        if fine { "fine" } else { "coarse" }
    );
    let mut dump = std::env::var("SOTEHAKU_MORPH_DUMP")
        .ok()
        .and_then(|p| std::fs::File::create(format!("{p}.{config}")).ok());
    for t in tokens.iter().filter(|t| t.upos == "NOUN") {
        n += 1;
        let gold = key(&t.lemma);
        let gold_parts: Vec<String> = t.lemma.split('#').map(str::to_owned).collect();
        let gold_bounds = boundaries(&gold_parts);
        let mut analyses: Vec<DetailedAnalysis> = m.analyze_detailed(&t.form);
        analyses.sort_by_key(|a| a.penalty);
        if preferred_only {
            let best = analyses.first().map(|a| a.penalty).unwrap_or(0);
            analyses.retain(|a| a.penalty == best);
        }
        if choice == Choice::Ranked {
            let keep: Vec<String> = m.analyze_ranked(&t.form).into_iter().map(|a| a.base_form).collect();
            analyses.retain(|a| keep.contains(&a.analysis.base_form));
        }
        let bases: BTreeSet<String> = analyses.iter().map(|a| key(&a.analysis.base_form)).collect();
        if !bases.is_empty() {
            analysed += 1;
            precision_sum += bases.iter().filter(|b| **b == gold).count() as f64 / bases.len() as f64;
        }
        if bases.contains(&gold) {
            hits += 1;
        } else if let Some(dump) = &mut dump {
            let _ = writeln!(
                dump,
                "MISS\t{}\t{}\t{:?}\t{:?}",
                t.form,
                t.lemma,
                bases,
                analyses.iter().map(|a| &a.fst_output).collect::<Vec<_>>()
            );
        }
        if bases.len() > 1 && bases.contains(&gold) {
            if let Some(dump) = &mut dump {
                let _ = writeln!(
                    dump,
                    "AMBIG\t{}\t{}\t{:?}\t{:?}",
                    t.form,
                    t.lemma,
                    bases,
                    analyses.iter().map(|a| &a.fst_output).collect::<Vec<_>>()
                );
            }
        }
        let chosen = analyses
            .iter()
            .find(|a| key(&a.analysis.base_form) == gold)
            .or(analyses.first());
        match chosen {
            Some(a) if key(&a.analysis.base_form) == gold => {
                let ours = boundaries(&segs(a));
                if ours != gold_bounds {
                    if let Some(dump) = &mut dump {
                        let _ = writeln!(dump, "COMP\t{}\t{}\t{:?}\t{}", t.form, t.lemma, segs(a), a.fst_output);
                    }
                }
                tp += ours.intersection(&gold_bounds).count();
                fp += ours.difference(&gold_bounds).count();
                fnn += gold_bounds.difference(&ours).count();
            }
            Some(a) => {
                fp += boundaries(&segs(a)).len();
                fnn += gold_bounds.len();
            }
            None => fnn += gold_bounds.len(),
        }
    }
    let cp = tp as f64 / (tp + fp).max(1) as f64;
    let cr = tp as f64 / (tp + fnn).max(1) as f64;
    NounFigures {
        tokens: n,
        analysed,
        recall: hits as f64 / n.max(1) as f64,
        precision: precision_sum / analysed.max(1) as f64,
        compound_precision: cp,
        compound_recall: cr,
        compound_f1: if cp + cr > 0.0 { 2.0 * cp * cr / (cp + cr) } else { 0.0 },
    }
}

#[test]
fn tdt_dev_nouns_and_compounds() {
    let Some(shared) = shared_dir() else { return };
    let tokens = read_conllu(&shared.join("eval/ud-fi/fi_tdt-ud-dev.conllu"));
    assert!(
        tokens.len() > 15_000,
        "TDT dev should have ~18k words, got {}",
        tokens.len()
    );
    let m = Morphology::builtin();
    let coarse = noun_figures(m, &tokens, false, false);
    let f = noun_figures(m, &tokens, true, true);
    let all = noun_figures(m, &tokens, false, true);
    let ranked = noun_figures_with(m, &tokens, Choice::Ranked, true);
    for (name, f) in [
        ("analyze (all analyses), segments [Bc]+[Bm]", &all),
        ("analyze_preferred, segments [Bc]+[Bm]", &f),
        ("analyze_ranked, segments [Bc]+[Bm]", &ranked),
        (
            "analyze (all analyses), segments [Bc] (+ lexicalised compounds of words)",
            &coarse,
        ),
    ] {
        println!(
            "TDT dev nouns, {name}: {} tokens, {} analysed; base-form recall {:.2}%, precision {:.2}%; compound \
             boundaries precision {:.2}%, recall {:.2}%, F1 {:.2}%",
            f.tokens,
            f.analysed,
            100.0 * f.recall,
            100.0 * f.precision,
            100.0 * f.compound_precision,
            100.0 * f.compound_recall,
            100.0 * f.compound_f1
        );
    }
    // What the `fi_base` chain indexes: every base form of the word analyzer (dictionary, lexicon, fallbacks); and
    // the same with one ranked reading per word (`RankedVoikkoDictionary`).
    use sotehaku_finnish::analyze::{RankedVoikkoDictionary, VoikkoDictionary, WordAnalyzer};
    for (name, analyzer) in [
        (
            "all base forms (VoikkoDictionary, what fi_base indexes)",
            WordAnalyzer::new(std::sync::Arc::new(VoikkoDictionary), None),
        ),
        (
            "ranked (RankedVoikkoDictionary)",
            WordAnalyzer::new(std::sync::Arc::new(RankedVoikkoDictionary), None),
        ),
    ] {
        let (mut n, mut hits, mut precision_sum) = (0usize, 0usize, 0.0);
        let tag = if name.starts_with("all") { "all" } else { "ranked" };
        let mut dump = std::env::var("SOTEHAKU_MORPH_DUMP")
            .ok()
            .and_then(|p| std::fs::File::create(format!("{p}.chain-{tag}")).ok());
        for t in tokens.iter().filter(|t| t.upos == "NOUN") {
            n += 1;
            let gold = key(&t.lemma);
            let analysis = analyzer.analyze_word(&t.form);
            let bases: BTreeSet<String> = analysis.base_forms.iter().map(|b| key(b)).collect();
            if let Some(dump) = &mut dump {
                let what = if !bases.contains(&gold) {
                    Some("MISS")
                } else if bases.len() > 1 {
                    Some("AMBIG")
                } else {
                    None
                };
                if let Some(what) = what {
                    let _ = writeln!(
                        dump,
                        "{what}\t{}\t{}\t{:?}\t{}",
                        t.form,
                        t.lemma,
                        bases,
                        analysis.source.as_str()
                    );
                }
            }
            hits += usize::from(bases.contains(&gold));
            precision_sum += bases.iter().filter(|b| **b == gold).count() as f64 / bases.len().max(1) as f64;
        }
        println!(
            "TDT dev nouns, chain WordAnalyzer (dictionary + lexicon + fallbacks), {name}: {n} tokens; base-form \
             recall {:.2}%, precision {:.2}%",
            100.0 * hits as f64 / n.max(1) as f64,
            100.0 * precision_sum / n.max(1) as f64
        );
        if tag == "ranked" {
            // Issue #3's target for the ranked chain: R 97.19 / P 97.02 when written.
            let (recall, precision) = (hits as f64 / n.max(1) as f64, precision_sum / n.max(1) as f64);
            assert!(recall >= 0.970, "ranked chain recall regressed: {recall:.4}");
            assert!(precision >= 0.969, "ranked chain precision regressed: {precision:.4}");
        }
    }
    // Thresholds a little below the figures measured when this test was written (see the crate's report):
    // all analyses R 95.45 / P 92.99 / compound F1 92.14; preferred R 94.96 / P 95.61.
    assert!(all.recall >= 0.950, "base-form recall regressed: {:.4}", all.recall);
    assert!(
        all.precision >= 0.925,
        "base-form precision (all analyses) regressed: {:.4}",
        all.precision
    );
    assert!(
        all.compound_f1 >= 0.900,
        "compound F1 regressed: {:.4}",
        all.compound_f1
    );
    // Compound parts as the parts field indexes them ([Bc] and lexicalised compounds of words): F1 91.43 when written.
    assert!(
        coarse.compound_f1 >= 0.910,
        "compound-part F1 regressed: {:.4}",
        coarse.compound_f1
    );
    assert!(
        f.recall >= 0.945,
        "preferred base-form recall regressed: {:.4}",
        f.recall
    );
    assert!(
        f.precision >= 0.950,
        "preferred base-form precision regressed: {:.4}",
        f.precision
    );
    // analyze_ranked: R 95.35 / P 97.89 when last measured (R 94.74 / P 96.81 when written).
    assert!(ranked.recall >= 0.940, "ranked recall regressed: {:.4}", ranked.recall);
    assert!(
        ranked.precision >= 0.962,
        "ranked precision regressed: {:.4}",
        ranked.precision
    );
}

#[test]
fn tdt_dev_numbers_are_kept() {
    let Some(shared) = shared_dir() else { return };
    let tokens = read_conllu(&shared.join("eval/ud-fi/fi_tdt-ud-dev.conllu"));
    let m = Morphology::builtin();
    let (mut numbers, mut kept) = (0usize, 0usize);
    for t in tokens
        .iter()
        .filter(|t| !t.form.is_empty() && t.form.chars().all(|c| c.is_ascii_digit()))
    {
        numbers += 1;
        // `analyze` leaves numbers to the caller; the libvoikko-style analyses must not alter them either.
        let analyses = m.analyze(&t.form);
        let detailed = m.analyze_detailed(&t.form);
        if analyses.is_empty() && detailed.iter().all(|a| a.analysis.base_form == t.form) {
            kept += 1;
        } else {
            println!(
                "number changed: {} -> {:?}",
                t.form,
                detailed.iter().map(|a| &a.analysis.base_form).collect::<Vec<_>>()
            );
        }
    }
    println!("TDT dev digit-only tokens: {numbers}, unchanged (no analysis from `analyze`, identical libvoikko base form): {kept}");
    assert!(numbers > 50);
    assert_eq!(kept, numbers);
}

#[test]
fn sote_forms() {
    let Some(shared) = shared_dir() else { return };
    let text = std::fs::read_to_string(shared.join("eval/analysis/sote_forms.tsv")).expect("sote_forms.tsv");
    let m = Morphology::builtin();
    let (mut total, mut ok) = (0usize, 0usize);
    let mut misses = Vec::new();
    for line in text.lines().skip(1).take(100_000) {
        let Some((form, lemma)) = line.split_once('\t') else {
            continue;
        };
        total += 1;
        let want = lemma.trim().to_lowercase();
        let analyses = m.analyze(form.trim());
        if analyses.iter().any(|a| a.base_form == want) {
            ok += 1;
        } else {
            misses.push(format!(
                "{form} -> want {want}, got {:?}",
                analyses.iter().map(|a| &a.base_form).collect::<Vec<_>>()
            ));
        }
    }
    println!(
        "sote_forms.tsv: {ok}/{total} = {:.1}% give the listed base form",
        100.0 * ok as f64 / total.max(1) as f64
    );
    for miss in &misses {
        println!("  miss: {miss}");
    }
    assert!(total >= 50);
    assert!(ok as f64 / total as f64 >= 0.85, "sote forms regressed: {ok}/{total}");
}

/// Runs the libvoikko oracle on `words`; `None` if libvoikko is not available.
fn oracle(words: &[String]) -> Option<Vec<serde_json::Value>> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/voikko_oracle.py");
    for python in ["python3", "/usr/bin/python3"] {
        let Ok(mut child) = Command::new(python)
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        else {
            continue;
        };
        let mut stdin = child.stdin.take()?;
        let input: String = words.iter().map(|w| format!("{w}\n")).collect();
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let out = child.wait_with_output().ok()?;
        let _ = writer.join();
        if !out.status.success() {
            println!(
                "oracle via {python} unavailable: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            continue;
        }
        let text = String::from_utf8(out.stdout).ok()?;
        let values: Vec<serde_json::Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
        if values.len() == words.len() {
            return Some(values);
        }
    }
    None
}

type Pair = (String, String);

#[test]
fn agrees_with_libvoikko_on_tdt_word_types() {
    let Some(shared) = shared_dir() else { return };
    let tokens = read_conllu(&shared.join("eval/ud-fi/fi_tdt-ud-dev.conllu"));
    let words: Vec<String> = tokens
        .iter()
        .map(|t| t.form.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    differential("TDT dev", &words);
}

/// Word types of the reform corpus (`corpus/reform-docs.jsonl`): runs of letters, digits, `-` and `:`.
#[test]
fn agrees_with_libvoikko_on_reform_corpus_word_types() {
    let Some(shared) = shared_dir() else { return };
    let Ok(text) = std::fs::read_to_string(shared.join("corpus/reform-docs.jsonl")) else {
        println!("SKIPPED: corpus/reform-docs.jsonl not found");
        return;
    };
    let mut types = BTreeSet::new();
    for line in text.lines().take(10_000) {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let body = format!(
            "{} {}",
            doc["title"].as_str().unwrap_or(""),
            doc["text"].as_str().unwrap_or("")
        );
        for word in body.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == ':')) {
            let word = word.trim_matches(|c| c == '-' || c == ':');
            if !word.is_empty() && word.chars().count() <= 60 {
                types.insert(word.to_owned());
            }
        }
        if types.len() >= 60_000 {
            break;
        }
    }
    let words: Vec<String> = types.into_iter().collect();
    differential("reform corpus", &words);
}

/// Compares base forms + STRUCTURE (as sets per word) with libvoikko on `words`; asserts >= 99.9 % agreement.
fn differential(name: &str, words: &[String]) {
    let Some(results) = oracle(words) else {
        println!("SKIPPED: libvoikko (python3-libvoikko + voikko-fi) is not importable; differential test not run");
        return;
    };
    let m = Morphology::builtin();
    let (mut agree, mut agree_class, mut fst_agree) = (0usize, 0usize, 0usize);
    let mut shown = 0;
    let mut disagreements = 0usize;
    for (word, value) in words.iter().zip(&results) {
        let empty = Vec::new();
        let theirs_list = value["analyses"].as_array().unwrap_or(&empty);
        let field = |a: &serde_json::Value, k: &str| a[k].as_str().unwrap_or("").to_owned();
        let theirs: BTreeSet<Pair> = theirs_list
            .iter()
            .map(|a| (field(a, "BASEFORM"), field(a, "STRUCTURE")))
            .collect();
        let theirs_class: BTreeSet<String> = theirs_list.iter().map(|a| field(a, "CLASS")).collect();
        let theirs_fst: HashSet<String> = theirs_list
            .iter()
            .map(|a| field(a, "FSTOUTPUT"))
            .filter(|s| !s.is_empty())
            .collect();
        let ours_list: Vec<DetailedAnalysis> = m.analyze_detailed(word).into_iter().filter(|a| !a.extension).collect();
        let ours: BTreeSet<Pair> = ours_list
            .iter()
            .map(|a| {
                (
                    a.voikko_base_form.clone().unwrap_or_default(),
                    a.analysis.structure.clone().unwrap_or_default(),
                )
            })
            .collect();
        let ours_class: BTreeSet<String> = ours_list
            .iter()
            .map(|a| a.analysis.class.clone().unwrap_or_default())
            .collect();
        let ours_fst: HashSet<String> = ours_list.iter().map(|a| a.fst_output.clone()).collect();
        if ours == theirs {
            agree += 1;
        } else {
            if shown < 30 {
                println!("DIFF {word}: ours {ours:?} libvoikko {theirs:?}");
                shown += 1;
            }
            disagreements += 1;
        }
        if ours_class == theirs_class {
            agree_class += 1;
        }
        if ours_fst == theirs_fst {
            fst_agree += 1;
        }
    }
    let n = words.len().max(1);
    let rate = agree as f64 / n as f64;
    println!(
        "libvoikko differential on {n} {name} word types: base form + STRUCTURE agree {agree} ({:.3}%), CLASS sets \
         agree {agree_class} ({:.3}%), transducer outputs agree {fst_agree} ({:.3}%)",
        100.0 * rate,
        100.0 * agree_class as f64 / n as f64,
        100.0 * fst_agree as f64 / n as f64
    );
    assert!(
        rate >= 0.999,
        "agreement with libvoikko below 99.9%: {rate:.5}; {disagreements} disagreements"
    );
}
