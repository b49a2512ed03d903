//! Property tests: the full chains never panic on arbitrary text, and every token's offsets are valid char
//! boundaries within the text with `offset_from <= offset_to`.

use proptest::prelude::*;
use sotehaku_finnish::analyzers;
use tantivy::tokenizer::TextAnalyzer;

fn check_chain(mut analyzer: TextAnalyzer, text: &str) -> Result<(), TestCaseError> {
    let mut stream = analyzer.token_stream(text);
    let mut count = 0usize;
    while let Some(t) = stream.next() {
        count += 1;
        prop_assert!(count <= 8 * text.len() + 8, "runaway token stream");
        prop_assert!(t.offset_from <= t.offset_to && t.offset_to <= text.len());
        prop_assert!(text.is_char_boundary(t.offset_from) && text.is_char_boundary(t.offset_to));
        prop_assert!(!t.text.is_empty());
    }
    Ok(())
}

/// Strings built from the characters the tokenizer treats specially, mixed with arbitrary ones.
fn tricky() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("-".to_string()),
        Just("\u{2010}".to_string()),
        Just("\u{AD}".to_string()),
        Just(":".to_string()),
        Just("§".to_string()),
        Just("/".to_string()),
        Just(".".to_string()),
        Just(",".to_string()),
        Just("\n".to_string()),
        Just(" ".to_string()),
        Just("ﬁ".to_string()),
        Just("a\u{308}".to_string()),
        Just("\u{308}".to_string()),
        Just("'".to_string()),
        Just("ja".to_string()),
        Just("sote".to_string()),
        Just("HUS".to_string()),
        Just("2021".to_string()),
        "[a-zäöA-ZÄÖ]{1,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check_chain(analyzers::fi_base(), &text)?;
        check_chain(analyzers::fi_parts(), &text)?;
        check_chain(analyzers::sv_base(), &text)?;
        for t in sotehaku_finnish::analyze(&text) {
            prop_assert_eq!(text.get(t.offset_from..t.offset_to), Some(t.text.as_str()));
        }
        let _ = sotehaku_finnish::expansions(&text);
    }

    #[test]
    fn tricky_strings_never_panic(text in tricky()) {
        check_chain(analyzers::fi_base(), &text)?;
        check_chain(analyzers::fi_parts(), &text)?;
        check_chain(analyzers::sv_base(), &text)?;
        for t in sotehaku_finnish::analyze(&text) {
            prop_assert_eq!(text.get(t.offset_from..t.offset_to), Some(t.text.as_str()));
            prop_assert!(!t.base_forms.is_empty() || t.source == "stopword");
        }
        let _ = sotehaku_finnish::normalize::normalize(&text);
        let mut schema = tantivy::schema::Schema::builder();
        let field = schema.add_text_field("body", tantivy::schema::TEXT);
        for phrase in [false, true] {
            let _ = analyzers::field_query(field, &mut analyzers::fi_base(), &text, phrase);
        }
    }
}
