//! Language identification with `whatlang`, per document and per paragraph.
//!
//! Bilingual counties publish Finnish and Swedish versions, sometimes on one page. The document language is the
//! language of the majority of its letters, counted paragraph by paragraph; paragraphs too short to judge are left
//! out. Detection is restricted to the languages this corpus plausibly holds, which keeps short Finnish paragraphs
//! from being read as Estonian.

use whatlang::{Detector, Lang};

use crate::document::Language;

/// Paragraphs shorter than this many letters are not judged on their own.
const MIN_PARAGRAPH_LETTERS: usize = 40;

fn detector() -> Detector {
    Detector::with_allowlist(vec![
        Lang::Fin,
        Lang::Swe,
        Lang::Eng,
        Lang::Est,
        Lang::Deu,
        Lang::Rus,
        Lang::Fra,
    ])
}

fn map(lang: Lang) -> Language {
    match lang {
        Lang::Fin => Language::Finnish,
        Lang::Swe => Language::Swedish,
        Lang::Eng => Language::English,
        _ => Language::Other,
    }
}

/// The language of one piece of text, or `None` when it is too short or unclear.
pub fn detect(text: &str) -> Option<Language> {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 12 {
        return None;
    }
    let info = detector().detect(text)?;
    (info.confidence() > 0.2 || letters > 200).then(|| map(info.lang()))
}

/// The language of each paragraph (blank-line separated); `None` for paragraphs too short to judge.
///
/// ```
/// use sotehaku_ingest::language::paragraph_languages;
/// use sotehaku_ingest::Language;
/// let text = "Hyvinvointialue järjestää sosiaali- ja terveyspalvelut kaikille asukkaille.\n\n\
///             Välfärdsområdet ordnar social- och hälsovårdstjänster för alla invånare i området.";
/// let langs = paragraph_languages(text);
/// assert_eq!(langs, [Some(Language::Finnish), Some(Language::Swedish)]);
/// ```
pub fn paragraph_languages(text: &str) -> Vec<Option<Language>> {
    let det = detector();
    text.split("\n\n")
        .map(|p| {
            let letters = p.chars().filter(|c| c.is_alphabetic()).count();
            if letters < MIN_PARAGRAPH_LETTERS {
                return None;
            }
            det.detect(p).map(|info| map(info.lang()))
        })
        .collect()
}

/// The document language: the language of most letters over the judged paragraphs, else of the whole text.
pub fn document_language(text: &str) -> Option<Language> {
    let mut counts: Vec<(Language, usize)> = Vec::new();
    // Bounded: at most the first 400 paragraphs are judged.
    for (p, lang) in text.split("\n\n").zip(paragraph_languages(text)).take(400) {
        if let Some(lang) = lang {
            let n = p.chars().filter(|c| c.is_alphabetic()).count();
            match counts.iter_mut().find(|(l, _)| *l == lang) {
                Some((_, c)) => *c += n,
                None => counts.push((lang, n)),
            }
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts
        .first()
        .map(|(l, _)| *l)
        .or_else(|| detect(&text.chars().take(5000).collect::<String>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_wins_and_short_text_is_unknown() {
        let fi = "Aluehallitus käsitteli kokouksessaan palveluverkkoa ja esittää muutoksia aluevaltuustolle.";
        let sv = "Regeringen gav propositionen till riksdagen den 8 december 2020.";
        assert_eq!(
            document_language(&format!("{fi}\n\n{fi}\n\n{sv}")),
            Some(Language::Finnish)
        );
        assert_eq!(
            document_language(&format!("{sv}\n\n{sv}\n\n{fi}")),
            Some(Language::Swedish)
        );
        assert_eq!(detect("ok"), None);
    }
}
