//! Property and behaviour tests of the VFST reader and the Finnish morphology: arbitrary input never panics, stays
//! within its bounds, and known words get the analyses a user would expect.

use proptest::prelude::*;
use sotehaku_finnish::morphology::{Morphology, MAX_WORD_CHARS};
use sotehaku_finnish::vfst::{LookupLimits, Transducer, VOIKKO_FI_MOR_VFST};

fn base_forms(word: &str) -> Vec<String> {
    Morphology::builtin()
        .analyze(word)
        .into_iter()
        .map(|a| a.base_form)
        .collect()
}

#[test]
fn inflected_compounds_get_base_form_and_parts() {
    let m = Morphology::builtin();
    let a = m.analyze("hyvinvointialueiden");
    let first = a.first().expect("analysed");
    assert_eq!(first.base_form, "hyvinvointialue");
    assert_eq!(first.compound_parts, ["hyvinvointi", "alue"]);
    assert_eq!(first.class.as_deref(), Some("nimisana"));
    assert_eq!(first.structure.as_deref(), Some("=ppppp=pppppp=pppppppp"));
    assert!(base_forms("aluevaltuustossa").contains(&"aluevaltuusto".to_owned()));
    assert!(base_forms("Terveydenhuollon").contains(&"terveydenhuolto".to_owned()));
    let parts = &m.analyze("terveydenhuollon")[0].compound_parts;
    assert_eq!(parts, &["terveys", "huolto"]);
}

#[test]
fn month_names_are_not_split() {
    let a = Morphology::builtin().analyze("joulukuuta");
    assert_eq!(a[0].base_form, "joulukuu");
    assert!(a[0].compound_parts.is_empty());
    assert_eq!(a[0].structure.as_deref(), Some("=ppppp=ppppp"));
}

#[test]
fn capitalised_words_and_proper_nouns() {
    assert_eq!(base_forms("Helsingissä"), ["helsinki"]);
    assert!(base_forms("HELSINGISSÄ").contains(&"helsinki".to_owned()));
    let a = Morphology::builtin().analyze("Isolla-Britannialla");
    assert!(a
        .iter()
        .any(|a| a.base_form == "iso-britannia" && a.class.as_deref() == Some("paikannimi")));
}

#[test]
fn minen_nouns_and_verbs() {
    let m = Morphology::builtin();
    let all = base_forms("hyväksymisestä");
    assert!(
        all.contains(&"hyväksyminen".to_owned()) && all.contains(&"hyväksyä".to_owned()),
        "{all:?}"
    );
    let preferred: Vec<String> = m
        .analyze_preferred("hyväksymisestä")
        .into_iter()
        .map(|a| a.base_form)
        .collect();
    assert_eq!(preferred, ["hyväksyminen"]);
    let preferred: Vec<String> = m
        .analyze_preferred("palveluasumisen")
        .into_iter()
        .map(|a| a.base_form)
        .collect();
    assert_eq!(preferred, ["palveluasuminen"]);
}

#[test]
fn preferred_analyses_drop_rare_readings() {
    let m = Morphology::builtin();
    let all = base_forms("markkinatilanne");
    assert!(all.len() >= 2, "{all:?}");
    let preferred: Vec<String> = m
        .analyze_preferred("markkinatilanne")
        .into_iter()
        .map(|a| a.base_form)
        .collect();
    assert_eq!(preferred, ["markkinatilanne"]);
    let preferred: Vec<String> = m
        .analyze_preferred("alueilta")
        .into_iter()
        .map(|a| a.base_form)
        .collect();
    assert_eq!(preferred, ["alue"]);
}

#[test]
fn numbers_unknown_and_oversized_words_give_nothing() {
    let m = Morphology::builtin();
    for word in ["2022", "611/2021", "§", "", "xqzzv", "HUS-yhtymän", "sote\u{0}", "a b"] {
        assert!(m.analyze(word).is_empty(), "{word}: {:?}", m.analyze(word));
    }
    assert_eq!(m.analyze_detailed("2022")[0].analysis.base_form, "2022");
    let long = "talo".repeat(MAX_WORD_CHARS / 4 + 1);
    assert!(m.analyze(&long).is_empty());
}

#[test]
fn analyses_are_deduplicated() {
    // libvoikko reports "sosiaalihuoltolain" twice with the same base form and structure.
    let a = Morphology::builtin().analyze("sosiaalihuoltolain");
    for (i, x) in a.iter().enumerate() {
        assert!(!a[i + 1..].contains(x), "duplicate {x:?}");
    }
}

#[test]
fn corrupt_dictionaries_are_rejected_or_harmless() {
    assert!(Transducer::from_bytes(b"").is_err());
    assert!(Transducer::from_bytes(b"not a transducer at all").is_err());
    assert!(Morphology::from_bytes(&[0u8; 64]).is_err());
    // A truncated real file still loads (the table is cut short) and lookups stay bounded.
    let cut = &VOIKKO_FI_MOR_VFST[..VOIKKO_FI_MOR_VFST.len() / 3];
    let m = Morphology::from_bytes(cut).expect("header and symbols intact");
    let _ = m.analyze("aluevaltuustossa");
}

#[test]
fn shareable_between_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    assert_send_sync(Morphology::builtin());
    let handles: Vec<_> = (0..2)
        .map(|_| std::thread::spawn(|| Morphology::builtin().analyze("sosiaalihuollon").len()))
        .collect();
    for h in handles {
        assert!(h.join().map(|n| n > 0).unwrap_or(false));
    }
}

#[test]
fn transducer_header_is_read() {
    let t = Transducer::builtin_voikko();
    assert!(!t.is_weighted());
    assert!(t.flag_feature_count() > 10);
    assert!(t.cell_count() > 400_000);
    assert!(t.symbols().any(|s| s == "[Bc]"));
}

/// A mutated copy of the real dictionary: flipped bytes in the transition table.
fn mutated(seed: &[(usize, u8)]) -> Vec<u8> {
    let mut bytes = VOIKKO_FI_MOR_VFST.to_vec();
    let len = bytes.len();
    for &(pos, value) in seed {
        let at = 2400 + pos % (len - 2400);
        bytes[at] = value;
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(word in "\\PC{0,40}") {
        let m = Morphology::builtin();
        let analyses = m.analyze(&word);
        prop_assert!(analyses.len() <= 200);
        for a in analyses {
            prop_assert!(!a.base_form.is_empty());
            prop_assert!(a.compound_parts.len() != 1);
        }
    }

    #[test]
    fn finnish_looking_strings_never_panic(word in "[a-zåäö\\-:=\\[\\]0-9]{0,30}") {
        let m = Morphology::builtin();
        let _ = m.analyze(&word);
        let _ = m.analyze_preferred(&word);
    }

    #[test]
    fn arbitrary_bytes_as_dictionary_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(t) = Transducer::from_bytes(&bytes) {
            let limits = LookupLimits { max_steps: 20_000, ..LookupLimits::default() };
            let stats = t.lookup_with("talo", limits, |_, _| true);
            prop_assert!(stats.steps <= 20_000);
        }
        let mut with_header = b"n:\x01\x00\xfaQ\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
        with_header.extend_from_slice(&bytes);
        if let Ok(t) = Transducer::from_bytes(&with_header) {
            let limits = LookupLimits { max_steps: 20_000, ..LookupLimits::default() };
            let stats = t.lookup_with("talo", limits, |_, _| true);
            prop_assert!(stats.steps <= 20_000 && stats.results <= limits.max_results);
        }
    }

}

proptest! {
    // Each case re-reads the whole dictionary (about 0.1 s with its look-ahead tables), so fewer cases.
    #![proptest_config(ProptestConfig { cases: 40, .. ProptestConfig::default() })]

    #[test]
    fn mutated_real_dictionary_stays_bounded(
        seed in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..64),
        word in "[a-zäö]{1,20}",
    ) {
        let bytes = mutated(&seed);
        let t = Transducer::from_bytes(&bytes).expect("header untouched");
        let limits = LookupLimits { max_steps: 200_000, ..LookupLimits::default() };
        let stats = t.lookup_with(&word, limits, |_, _| true);
        prop_assert!(stats.steps <= 200_000 && stats.results <= limits.max_results);
    }
}
