//! End-to-end tests of the Finnish and Swedish analysis chains: token texts, positions, offsets, numbers,
//! base forms shared across inflections, compound parts, expansions, and phrase queries over base forms in a real
//! tantivy index.

use sotehaku_finnish::analyze::{Source, WordAnalyzer};
use sotehaku_finnish::analyzers::{self, FI_BASE, FI_PARTS, SV_BASE};
use tantivy::collector::Count;
use tantivy::query::{PhraseQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenizerManager};
use tantivy::{doc, Index, Term};

fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(t) = stream.next() {
        out.push(t.clone());
    }
    out
}

fn texts(analyzer: TextAnalyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text).into_iter().map(|t| t.text).collect()
}

#[test]
fn base_forms_of_the_issue_examples() {
    let base = |s: &str| texts(analyzers::fi_base(), s);
    assert_eq!(base("sote-uudistuksessa"), ["sote-uudistus"]);
    assert_eq!(base("sote:n"), ["sote"]);
    assert_eq!(base("Päijät-Hämeessä"), ["päijät-häme"]);
    assert!(base("HUS-yhtymän").contains(&"hus-yhtymä".to_string()));
    assert_eq!(base("laki 611/2021"), ["laki", "611/2021"]);
    assert_eq!(base("145 §:n mukaan"), ["145", "§"]);
    assert_eq!(base("tär-\n\nkeänä"), ["tärkeä"]);
    assert_eq!(base("Pirhan Keusoten Soitessa"), ["pirha", "keusote", "soite"]);
    assert_eq!(base("sotekeskuksessa"), ["sotekeskus"]);
}

#[test]
fn hyphen_ellipsis_is_completed_at_its_position() {
    let toks = tokens(analyzers::fi_base(), "sosiaali- ja terveydenhuollon palvelut");
    let at: Vec<(&str, usize)> = toks.iter().map(|t| (t.text.as_str(), t.position)).collect();
    assert_eq!(
        at,
        [
            ("sosiaali", 0),
            ("sosiaalihuolto", 0),
            ("terveydenhuolto", 2),
            ("palvelu", 3)
        ]
    );
    let chained = texts(analyzers::fi_base(), "sosiaali-, terveys- ja pelastustoimen");
    assert!(chained.contains(&"sosiaalitoimi".to_string()), "{chained:?}");
    assert!(chained.contains(&"terveystoimi".to_string()), "{chained:?}");
    // Several completions (one per reading of the following word) all sit at the ellipsis' position.
    let toks = tokens(analyzers::fi_base(), "lasten- ja nuorisopsykiatria");
    let first: Vec<&str> = toks
        .iter()
        .filter(|t| t.position == 0)
        .map(|t| t.text.as_str())
        .collect();
    // The ellipsis itself gets the base form of the written part (lasten- → lapsi); completions keep its form.
    assert_eq!(first, ["lapsi", "lastenpsykiatri", "lastenpsykiatria"]);
    assert!(toks.iter().any(|t| t.position == 2 && t.text == "nuorisopsykiatria"));
    let analyzed = sotehaku_finnish::analyze("sosiaali- ja terveydenhuolto");
    assert_eq!(analyzed[0].base_forms, ["sosiaali", "sosiaalihuolto"]);
}

#[test]
fn inflected_query_and_document_share_base_forms() {
    let query = texts(analyzers::fi_base(), "hyvinvointialueiden rahoitus");
    let document = texts(analyzers::fi_base(), "hyvinvointialueen rahoituksesta");
    assert_eq!(query, ["hyvinvointialue", "rahoitus"]);
    assert_eq!(query, document);
}

#[test]
fn compound_parts_field_finds_valtuusto() {
    let parts = texts(analyzers::fi_parts(), "aluevaltuustossa");
    assert_eq!(parts, ["alue", "valtuusto"]);
    // A simple word is its own part, so a query for it matches compounds in the parts field.
    assert_eq!(texts(analyzers::fi_parts(), "valtuusto"), ["valtuusto"]);
    assert_eq!(texts(analyzers::fi_parts(), "HUS-yhtymän")[..2], ["hus", "yhtymä"]);
    assert_eq!(texts(analyzers::fi_parts(), "sote-uudistuksessa"), ["sote", "uudistus"]);
}

#[test]
fn numbers_are_never_altered() {
    let text = "Vuonna 2022 ja 2023 lain 611/2021 1.1.2023 1,5 145 § 100000";
    let expected = ["2022", "2023", "611/2021", "1.1.2023", "1,5", "145", "§", "100000"];
    for analyzer in [analyzers::fi_base(), analyzers::fi_parts(), analyzers::sv_base()] {
        let out = texts(analyzer, text);
        for n in expected {
            assert!(out.iter().any(|t| t == n), "{n} missing from {out:?}");
        }
    }
    // The stock chain splits law numbers; ours keeps them whole.
    assert_eq!(texts(analyzers::snowball(), "611/2021"), ["611", "2021"]);
}

#[test]
fn alternatives_share_a_position_and_stop_words_leave_gaps() {
    let toks = tokens(analyzers::fi_base(), "kuusi hallitusta ja valtuusto");
    let positions: Vec<(String, usize)> = toks.iter().map(|t| (t.text.clone(), t.position)).collect();
    assert!(positions.len() >= 3, "{positions:?}");
    let first_word: Vec<_> = positions.iter().filter(|(_, p)| *p == 0).collect();
    assert!(
        first_word.len() >= 2,
        "alternatives of kuusi (kuusi, kuu) at position 0: {positions:?}"
    );
    assert!(positions.contains(&("hallitus".to_string(), 1)), "{positions:?}");
    assert!(
        positions.contains(&("valtuusto".to_string(), 3)),
        "stop word 'ja' leaves a gap: {positions:?}"
    );
}

#[test]
fn offsets_point_into_the_original_text() {
    let text = "Ministeriöiden aluekierros Päijät-Hämeessä: sote:n tär-\n\nkeänä ﬁnanssi\u{AD}asia";
    let tokens = sotehaku_finnish::analyze(text);
    let surfaces: Vec<&str> = tokens.iter().map(|t| &text[t.offset_from..t.offset_to]).collect();
    assert_eq!(
        surfaces,
        [
            "Ministeriöiden",
            "aluekierros",
            "Päijät-Hämeessä",
            "sote:n",
            "tär-\n\nkeänä",
            "ﬁnanssi\u{AD}asia"
        ]
    );
    for t in &tokens {
        assert_eq!(t.text, &text[t.offset_from..t.offset_to]);
    }
    assert_eq!(tokens[4].base_forms, ["tärkeä"]);
    assert_eq!(tokens[5].base_forms, ["finanssiasia"]);
    // The tantivy chain reports the same offsets.
    let chain: Vec<(usize, usize)> = tokens_offsets(text);
    let expected: Vec<(usize, usize)> = tokens.iter().map(|t| (t.offset_from, t.offset_to)).collect();
    assert_eq!(chain, expected);
}

fn tokens_offsets(text: &str) -> Vec<(usize, usize)> {
    let mut seen = Vec::new();
    for t in tokens(analyzers::fi_base(), text) {
        if seen.last() != Some(&(t.offset_from, t.offset_to)) {
            seen.push((t.offset_from, t.offset_to));
        }
    }
    seen
}

#[test]
fn analyze_reports_sources() {
    let tokens = sotehaku_finnish::analyze("ja Pirhassa 2022 hyvinvointialueella HUS-yhtymän sosiaali- ja xyzzyjen");
    let sources: Vec<&str> = tokens.iter().map(|t| t.source).collect();
    assert_eq!(
        sources,
        [
            "stopword",
            "lexicon",
            "number",
            "dictionary",
            "hyphen",
            "hyphen",
            "stopword",
            "snowball"
        ]
    );
    let json = serde_json::to_string(&tokens[1]).unwrap();
    assert!(json.contains("\"base_forms\":[\"pirha\"]"), "{json}");
}

#[test]
fn expansions_work_both_ways() {
    let sote = sotehaku_finnish::expansions("sote");
    assert!(sote.contains(&"sosiaali- ja terveydenhuolto".to_string()), "{sote:?}");
    let back = sotehaku_finnish::expansions("sosiaali- ja terveydenhuollon");
    assert_eq!(back.first().map(String::as_str), Some("sote"), "{back:?}");
    assert!(sotehaku_finnish::expansions("Pirhassa").contains(&"pirkanmaan hyvinvointialue".to_string()));
    assert_eq!(
        sotehaku_finnish::expansions("Pirkanmaan hyvinvointialueella")
            .first()
            .map(String::as_str),
        Some("pirha")
    );
    assert!(sotehaku_finnish::expansions("kissa").is_empty());
    assert!(sotehaku_finnish::expansions("").is_empty());
}

#[test]
fn swedish_chain_stems_and_drops_stop_words() {
    let out = texts(analyzers::sv_base(), "Välfärdsområdena och kommunerna 2023");
    assert_eq!(out.len(), 3, "{out:?}");
    assert!(out[0].starts_with("välfärdsområd"), "{out:?}");
    assert_eq!(out[2], "2023");
}

/// A real index: phrase queries over base forms match other inflections, and the parts field finds compounds.
#[test]
fn phrase_queries_over_base_forms_in_an_index() {
    let manager = TokenizerManager::default();
    analyzers::register(&manager);
    let options = |name: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(name)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let mut builder = Schema::builder();
    let body = builder.add_text_field("body", options(FI_BASE));
    let parts = builder.add_text_field("parts", options(FI_PARTS));
    let schema = builder.build();
    let mut index = Index::create_in_ram(schema);
    index.set_tokenizers(manager);
    let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
    let docs = [
        "Hyvinvointialueen rahoituksesta päätettiin aluevaltuustossa.",
        "Sosiaali- ja terveydenhuollon järjestäminen siirtyi hyvinvointialueille.",
        "Rahoitus ja hyvinvointialue mainitaan erikseen.",
        "Kuusella hallitus kokoontui.",
    ];
    for text in docs {
        writer.add_document(doc!(body => text, parts => text)).unwrap();
    }
    writer.commit().unwrap();
    let searcher = index.reader().unwrap().searcher();

    let phrase = |text: &str| {
        let terms: Vec<(usize, Term)> = tokens(analyzers::fi_base(), text)
            .into_iter()
            .map(|t| (t.position, Term::from_field_text(body, &t.text)))
            .collect();
        searcher.search(&PhraseQuery::new_with_offset(terms), &Count).unwrap()
    };
    assert_eq!(phrase("hyvinvointialueiden rahoitus"), 1);
    assert_eq!(phrase("sosiaali- ja terveydenhuolto"), 1);
    assert_eq!(phrase("rahoitus hyvinvointialue"), 0);

    // field_query ORs alternatives at a position (tantivy's QueryParser would require all of them).
    let count = |text: &str, phrase: bool| {
        let query = analyzers::field_query(body, &mut analyzers::fi_base(), text, phrase).unwrap();
        searcher.search(&query, &Count).unwrap()
    };
    assert_eq!(count("kuusi", false), 1);
    assert_eq!(count("kuusi hallitus", true), 1);
    assert_eq!(count("hallitus kuusi", true), 0);
    assert_eq!(count("hyvinvointialueiden rahoitus", true), 1);
    assert_eq!(count("hyvinvointialue rahoitus", false), 2);
    assert_eq!(count("sosiaali- ja terveydenhuolto", true), 1);

    let completed = Term::from_field_text(body, "sosiaalihuolto");
    assert_eq!(
        searcher
            .search(&TermQuery::new(completed, IndexRecordOption::Basic), &Count)
            .unwrap(),
        1
    );
    let part = Term::from_field_text(parts, "valtuusto");
    assert_eq!(
        searcher
            .search(&TermQuery::new(part, IndexRecordOption::Basic), &Count)
            .unwrap(),
        1
    );
    let base = Term::from_field_text(body, "2022");
    assert_eq!(
        searcher
            .search(&TermQuery::new(base, IndexRecordOption::Basic), &Count)
            .unwrap(),
        0
    );
    let sv = manager_has(SV_BASE);
    assert!(sv);
}

fn manager_has(name: &str) -> bool {
    let manager = TokenizerManager::default();
    analyzers::register(&manager);
    manager.get(name).is_some()
}

#[test]
fn domain_words_missing_from_the_dictionary_come_from_the_lexicon() {
    let base = |w: &str| sotehaku_finnish::analyze(w).remove(0).base_forms;
    // Inflected forms of a name share one base form (Snowball alone gave "finav" and "finavia").
    assert_eq!(base("Finavia"), base("Finavian"));
    assert_eq!(base("Nuasjärveen"), ["nuasjärvi"]);
    assert_eq!(base("tiedoksisaannista"), ["tiedoksisaanti"]);
    assert_eq!(base("huostassapidon"), ["huostassapito"]);
    assert_eq!(base("KHO:n"), ["kho"]);
    // A lexicon word starting a compound.
    let t = sotehaku_finnish::analyze("tiedoksisaantipäivää").remove(0);
    assert_eq!(t.base_forms, ["tiedoksisaantipäivä"]);
    assert_eq!(t.compound_parts, ["tiedoksisaanti", "päivä"]);
    // Words the dictionary knows as something else are not captured by a lexicon stem.
    assert_eq!(base("varhain"), ["varhain"]);
    assert_eq!(base("soitella"), ["soitella"]);
    assert_eq!(base("Varhassa"), ["varha"]);
    assert!(sotehaku_finnish::expansions("KHO")
        .iter()
        .any(|e| e == "korkein hallinto-oikeus"));
}

#[test]
fn unknown_words_are_guessed_from_a_known_ending() {
    let a = WordAnalyzer::uncached();
    // An unknown first part before a known noun: a compound of both.
    let w = a.analyze_word("halikuvassa");
    assert_eq!(w.base_forms, ["halikuva"]);
    assert_eq!(w.compound_parts, ["hali", "kuva"]);
    assert_eq!(w.source, Source::Guess);
    // An unknown word that inflects like a known one keeps its beginning and is not split.
    let w = a.analyze_word("attraktorilta");
    assert_eq!(w.base_forms, ["attraktori"]);
    assert_eq!(w.compound_parts, ["attraktori"]);
    // Acronyms and words with digits are not guessed.
    assert_eq!(a.analyze_word("ABCDEKUVA").source, Source::Snowball);
}

#[test]
fn hyphens_from_line_breaks_and_punctuation_around_hyphens() {
    let a = WordAnalyzer::uncached();
    assert_eq!(a.analyze_word("hy-väksyntää").base_forms, ["hyväksyntä"]);
    assert_eq!(a.analyze_word("laitok-sen").base_forms, ["laitos"]);
    // Real hyphenated compounds keep their hyphen.
    assert_eq!(a.analyze_word("HUS-yhtymän").base_forms, ["hus-yhtymä"]);
    assert_eq!(a.analyze_word("touko-/kesäkuussa").base_forms, ["touko-/kesäkuu"]);
    assert_eq!(a.analyze_word("–hankkeessa").base_forms, ["hanke"]);
}
