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
    /// The page around the main text (headers, navigation tables: "Pöytäkirja 24.01.2023/Pykälä 13"), or the text
    /// as captured before cleaning for plain-text inputs ("Uutiset" above the title).
    pub page_text: &'a str,
    /// The breadcrumb trail or site section (`Etusivu › Ajankohtaista`).
    pub section: Option<&'a str>,
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
    // The page header of meeting systems: "Pöytäkirja 24.01.2023/Pykälä 13", "Esityslista 29.05.2017 Asianro 4".
    for line in ev.page_text.lines().map(str::trim).filter(|l| !l.is_empty()).take(20) {
        let lower = line.to_lowercase();
        let dated = |word: &str| {
            lower
                .strip_prefix(word)
                .is_some_and(|rest| rest.trim_start().starts_with(|c: char| c.is_ascii_digit()))
        };
        if dated("pöytäkirja") {
            return DocType::Minutes;
        }
        if dated("esityslista") {
            return DocType::Agenda;
        }
    }
    // "Esityslistat/pöytäkirjat" names the system, not the document.
    let title_names_system = title.contains("esityslista") && title.contains("pöytäkirja");
    for (word, t) in TITLE_WORDS {
        if title.contains(word) && !(title_names_system && matches!(t, DocType::Agenda | DocType::Minutes)) {
            return t;
        }
    }
    if title.starts_with("laki ") || title.starts_with("asetus ") || title.contains("n asetus ") {
        return DocType::Statute;
    }
    // The first lines: a label standing alone or before a date ("Tiedote 14.11.2018", "Uutiset").
    let first_lines = |text: &str| -> Option<DocType> {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()).take(8) {
            let lower = line.to_lowercase();
            let first_word = lower.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            let rest_is_date = lower[first_word.len()..]
                .trim()
                .chars()
                .all(|c| c.is_ascii_digit() || ".: klo".contains(c));
            // "Päätös" alone is a section heading of meeting items, not the type of the page.
            if rest_is_date && first_word != "päätös" {
                if let Some(t) = from_label(first_word) {
                    return Some(t);
                }
            }
        }
        None
    };
    if let Some(t) = first_lines(ev.text).or_else(|| first_lines(ev.page_text)) {
        return t;
    }
    // Meeting items: a decision section means minutes, a proposal only means an agenda.
    let has_section_sign = ev.text.contains('§');
    // "Päätös" as a heading, or as the label that starts a paragraph ("Päätös Asia pantiin pöydälle").
    let has_decision = ev.text.lines().any(|l| {
        let lower = l.trim().to_lowercase();
        lower
            .strip_prefix("päätös")
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':']))
    });
    let head: String = ev.text.chars().take(3000).collect::<String>().to_lowercase();
    if has_section_sign && has_decision {
        return DocType::Minutes;
    }
    if has_section_sign && head.contains("päätösehdotus") {
        return DocType::Agenda;
    }
    if let Some(section) = ev.section.map(str::to_lowercase) {
        if section.contains("tiedotteet") {
            return DocType::PressRelease;
        }
        if section.contains("uutiset") || section.contains("ajankohtaista") || section.contains("nyheter") {
            return DocType::News;
        }
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
    // A date line right under the title is how news CMSs print articles.
    let dated_head = ev
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(4)
        .any(|l| {
            let found = crate::date::find_dates(l, None);
            found.len() == 1 && found[0].kind == crate::date::DateKind::Full && l.len() <= found[0].matched.len() + 2
        });
    if dated_head {
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
        let ev = TypeEvidence {
            source: "Finlex – KHO (Korkein hallinto-oikeus)",
            title: "Päätös",
            ..Default::default()
        };
        assert_eq!(guess(&ev), DocType::CourtRuling);
        let ev = TypeEvidence {
            id: "finlex:sd:2021/611",
            title: "Laki sosiaalihuoltolain muuttamisesta",
            ..Default::default()
        };
        assert_eq!(guess(&ev), DocType::Statute);
        let ev = TypeEvidence {
            source: "Helsingin kaupunki – Ahjo (Pormestari)",
            ..Default::default()
        };
        assert_eq!(guess(&ev), DocType::Decision);
    }

    #[test]
    fn page_evidence() {
        let ev = TypeEvidence {
            title: "Aluehallitus 24.01.2023",
            page_text: "Aluehallitus\nPöytäkirja 24.01.2023/Pykälä 13",
            text: "§ 13 Palvelustrategia\n\nPäätösehdotus\n\nPäätös\n\nHyväksyttiin.",
            ..Default::default()
        };
        assert_eq!(guess(&ev), DocType::Minutes);
        let ev = TypeEvidence {
            title: "Valmistelu etenee",
            text: "Uutiset\n\n24.1.2018\n\nTeksti",
            ..Default::default()
        };
        assert_eq!(guess(&ev), DocType::News);
        let ev = TypeEvidence {
            title: "Jotain",
            text: "Tekstiä.",
            ..Default::default()
        };
        assert_eq!(guess(&ev), DocType::Other);
    }
}
