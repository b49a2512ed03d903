//! Document type: press release, news, minutes, memo, agenda, decision, Q&A, statement, statute, court ruling.
//!
//! The evidence is weighed in order of reliability: what the crawler's listing said (`hints.kind`), the publisher
//! (Finlex courts and statute book, the Ahjo decision system), a category label printed on the page, the title,
//! the first lines of the text, and the URL path.

use crate::document::DocType;

/// What is known about a document when its type is guessed. Every field may be empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct TypeEvidence<'a> {
    pub id: &'a str,
    pub source: &'a str,
    pub url: Option<&'a str>,
    pub title: &'a str,
    pub text: &'a str,
    /// The crawler's kind hint (`news`, `minutes`, `agenda`, `press-release`, …).
    pub hint_kind: Option<&'a str>,
    /// A category label on the page (`Tiedote`) or the page type (`article`).
    pub category: Option<&'a str>,
    pub page_type: Option<&'a str>,
}

/// Title words and the type they announce, checked in order (more specific first).
const TITLE_WORDS: [(&str, DocType); 14] = [
    ("kysymyksiä ja vastauksia", DocType::QuestionsAndAnswers),
    ("kysymykset ja vastaukset", DocType::QuestionsAndAnswers),
    ("usein kysyt", DocType::QuestionsAndAnswers),
    ("frågor och svar", DocType::QuestionsAndAnswers),
    ("esityslista", DocType::Agenda),
    ("pöytäkirja", DocType::Minutes),
    ("muistio", DocType::Memo),
    ("lausunto", DocType::Statement),
    ("utlåtande", DocType::Statement),
    ("tiedote", DocType::PressRelease),
    ("pressmeddelande", DocType::PressRelease),
    ("päätös", DocType::Decision),
    ("viranhaltijapäätös", DocType::Decision),
    ("beslut", DocType::Decision),
];

/// Guesses the document type.
///
/// ```
/// use sotehaku_ingest::doctype::{guess, TypeEvidence};
/// use sotehaku_ingest::DocType;
/// let ev = TypeEvidence { title: "Ministeriöiden aluekierros: kysymyksiä ja vastauksia", ..Default::default() };
/// assert_eq!(guess(&ev), DocType::QuestionsAndAnswers);
/// let ev = TypeEvidence { title: "Hallitus esittää", text: "15.11.2018\n\nTiedote 14.11.2018\n\n…", ..Default::default() };
/// assert_eq!(guess(&ev), DocType::PressRelease);
/// ```
pub fn guess(ev: &TypeEvidence<'_>) -> DocType {
    if let Some(t) = ev.hint_kind.and_then(from_hint) {
        return t;
    }
    let source = ev.source.to_lowercase();
    if source.contains("kho") || source.contains("kko") || source.contains("oikeus") || ev.id.starts_with("ECLI:") {
        return DocType::CourtRuling;
    }
    if source.contains("säädöskokoelma") || ev.id.starts_with("finlex:sd:") {
        return DocType::Statute;
    }
    if source.contains("ahjo") {
        return DocType::Decision;
    }
    let title = ev.title.to_lowercase();
    if let Some(t) = ev.category.and_then(|c| from_label(&c.to_lowercase())) {
        // A Q&A or memo title beats a generic category.
        if let Some((_, tt)) = TITLE_WORDS.iter().take(4).find(|(w, _)| title.contains(w)) {
            return *tt;
        }
        return t;
    }
    for (word, t) in TITLE_WORDS {
        if title.contains(word) {
            return t;
        }
    }
    if title.starts_with("laki ") || title.starts_with("asetus ") || title.contains("n asetus ") {
        return DocType::Statute;
    }
    // The first lines: a label standing alone or before a date ("Tiedote 14.11.2018", "Uutiset").
    for line in ev.text.lines().map(str::trim).filter(|l| !l.is_empty()).take(8) {
        let lower = line.to_lowercase();
        let first_word = lower.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        let rest_is_date = lower[first_word.len()..].trim().chars().all(|c| c.is_ascii_digit() || ".: klo".contains(c));
        if rest_is_date {
            if let Some(t) = from_label(first_word) {
                return t;
            }
        }
        if lower.contains("pöytäkirja") && lower.contains("pykälä") {
            return DocType::Minutes;
        }
        if lower.starts_with("esityslista") {
            return DocType::Agenda;
        }
    }
    let head: String = ev.text.chars().take(1500).collect::<String>().to_lowercase();
    if head.contains("päätösehdotus") && head.contains('§') {
        return DocType::Minutes;
    }
    if let Some(path) = ev.url.map(str::to_lowercase) {
        if path.contains("/tiedotteet/") || path.contains("/tiedote/") {
            return DocType::PressRelease;
        }
        if path.contains("/uutiset/") || path.contains("/uutinen/") || path.contains("/ajankohtaista/") {
            return DocType::News;
        }
        if path.contains("/paatokset/") || path.contains("/asia/") {
            return DocType::Decision;
        }
    }
    if ev.page_type.is_some_and(|t| t.contains("article")) {
        return DocType::News;
    }
    DocType::Other
}

fn from_hint(kind: &str) -> Option<DocType> {
    match kind.trim().to_lowercase().as_str() {
        "minutes" | "poytakirja" | "pöytäkirja" => Some(DocType::Minutes),
        "agenda" | "esityslista" => Some(DocType::Agenda),
        "press-release" | "press_release" | "tiedote" => Some(DocType::PressRelease),
        "decision" | "paatos" | "päätös" => Some(DocType::Decision),
        "statement" | "lausunto" => Some(DocType::Statement),
        "memo" | "muistio" => Some(DocType::Memo),
        "statute" | "saados" => Some(DocType::Statute),
        "court-ruling" | "ruling" => Some(DocType::CourtRuling),
        // "news" listings also carry press releases; the page decides.
        _ => None,
    }
}

fn from_label(label: &str) -> Option<DocType> {
    match label.trim() {
        "tiedote" | "tiedotteet" | "lehdistötiedote" | "pressmeddelande" => Some(DocType::PressRelease),
        "uutinen" | "uutiset" | "nyheter" | "nyhet" | "news" => Some(DocType::News),
        "muistio" => Some(DocType::Memo),
        "pöytäkirja" => Some(DocType::Minutes),
        "esityslista" => Some(DocType::Agenda),
        "lausunto" => Some(DocType::Statement),
        "päätös" => Some(DocType::Decision),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishers_decide_first() {
        let ev = TypeEvidence { source: "Finlex – KHO (Korkein hallinto-oikeus)", title: "Päätös", ..Default::default() };
        assert_eq!(guess(&ev), DocType::CourtRuling);
        let ev = TypeEvidence { id: "finlex:sd:2021/611", title: "Laki sosiaalihuoltolain muuttamisesta", ..Default::default() };
        assert_eq!(guess(&ev), DocType::Statute);
        let ev = TypeEvidence { source: "Helsingin kaupunki – Ahjo (Pormestari)", ..Default::default() };
        assert_eq!(guess(&ev), DocType::Decision);
    }

    #[test]
    fn page_evidence() {
        let ev = TypeEvidence { title: "Aluehallitus 24.01.2023", text: "Aluehallitus\nPöytäkirja 24.01.2023/Pykälä 13", ..Default::default() };
        assert_eq!(guess(&ev), DocType::Minutes);
        let ev = TypeEvidence { title: "Valmistelu etenee", text: "Uutiset\n\n24.1.2018\n\nTeksti", ..Default::default() };
        assert_eq!(guess(&ev), DocType::News);
        let ev = TypeEvidence { title: "Jotain", text: "Tekstiä.", ..Default::default() };
        assert_eq!(guess(&ev), DocType::Other);
    }
}
