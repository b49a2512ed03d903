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
/// A paragraph is judged on at most this many bytes of it: enough for a sure answer, and bounded on huge ones.
const MAX_SAMPLE_BYTES: usize = 2_000;
/// The document language is decided on at most this many sampled bytes (a long document does not change language
/// every page; judging all of it costs more than the rest of ingest together).
const MAX_DOCUMENT_SAMPLE_BYTES: usize = 40_000;

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
    judged_paragraphs(text).map(|(_, lang)| lang).collect()
}

/// Each paragraph with its language, lazily: detection runs only for the paragraphs a caller takes.
fn judged_paragraphs(text: &str) -> impl Iterator<Item = (&str, Option<Language>)> {
    let det = detector();
    text.split("\n\n").map(move |p| {
        let letters = p.chars().filter(|c| c.is_alphabetic()).count();
        if letters < MIN_PARAGRAPH_LETTERS {
            return (p, None);
        }
        (p, det.detect(sample(p)).map(|info| map(info.lang())))
    })
}

/// The first [`MAX_SAMPLE_BYTES`] of a paragraph, cut at a character boundary.
fn sample(p: &str) -> &str {
    if p.len() <= MAX_SAMPLE_BYTES {
        return p;
    }
    let mut end = MAX_SAMPLE_BYTES;
    while !p.is_char_boundary(end) {
        end -= 1;
    }
    &p[..end]
}

/// The document language: the language of most letters over the judged paragraphs, else of the whole text.
pub fn document_language(text: &str) -> Option<Language> {
    let mut counts: Vec<(Language, usize)> = Vec::new();
    let mut sampled = 0;
    // Bounded: at most the first 400 paragraphs, and about MAX_DOCUMENT_SAMPLE_BYTES of text, are judged.
    for (p, lang) in judged_paragraphs(text).take(400) {
        if sampled >= MAX_DOCUMENT_SAMPLE_BYTES {
            break;
        }
        if let Some(lang) = lang {
            sampled += p.len().min(MAX_SAMPLE_BYTES);
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
