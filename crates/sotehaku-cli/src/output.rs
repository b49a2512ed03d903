//! Human-readable search results for a terminal: colour when stdout is a terminal (and `NO_COLOR` is unset).

use std::io::IsTerminal;

use sotehaku::{FacetValues, RegionTable, SearchResults, Snippet};

struct Style {
    color: bool,
}

impl Style {
    fn detect() -> Style {
        Style {
            color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

pub fn print_results(results: &SearchResults, offset: usize) {
    let style = Style::detect();
    for warning in &results.warnings {
        eprintln!("note: {warning}");
    }
    let shown = results.hits.len();
    println!(
        "{} hits for {:?} ({} ms){}",
        results.total,
        results.query,
        results.took_ms,
        if shown > 0 {
            format!(", showing {}–{}", offset + 1, offset + shown)
        } else {
            String::new()
        }
    );
    println!();
    let regions = RegionTable::builtin();
    for (i, hit) in results.hits.iter().enumerate() {
        let mut meta = Vec::new();
        if let Some(date) = hit.published {
            meta.push(date.to_string());
        }
        meta.push(hit.doc_type.label_fi().to_string());
        let names: Vec<String> = hit
            .regions
            .iter()
            .map(|r| {
                regions
                    .info(*r)
                    .map(|info| info.name_fi.clone())
                    .unwrap_or_else(|| r.code())
            })
            .collect();
        if !names.is_empty() {
            meta.push(names.join(", "));
        }
        if !hit.themes.is_empty() {
            meta.push(hit.themes.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", "));
        }
        println!("{:>3}. {}", offset + i + 1, style.paint("1", &hit.title));
        println!("     {}", style.paint("2", &meta.join(" · ")));
        println!("     {}", highlighted(&hit.snippet, &style));
        let location = hit.url.clone().unwrap_or_else(|| format!("id: {}", hit.id));
        println!("     {}", style.paint("36", &location));
        println!();
    }
    let facet_line = |label: &str, values: &FacetValues, name: &dyn Fn(&str) -> String| {
        if values.0.is_empty() {
            return;
        }
        let items: Vec<String> = values
            .0
            .iter()
            .take(12)
            .map(|(v, c)| format!("{} {c}", name(v)))
            .collect();
        let more = if values.0.len() > 12 {
            format!(" · … {} more", values.0.len() - 12)
        } else {
            String::new()
        };
        println!("{} {}{more}", style.paint("1", label), items.join(" · "));
    };
    let region_name = |code: &str| -> String {
        code.parse::<sotehaku::Region>()
            .ok()
            .and_then(|r| regions.info(r))
            .map(|info| {
                format!(
                    "{} ({code})",
                    info.aliases.first().cloned().unwrap_or_else(|| info.name_fi.clone())
                )
            })
            .unwrap_or_else(|| code.to_string())
    };
    let plain = |v: &str| v.to_string();
    facet_line("Regions:", &results.facets.region, &region_name);
    facet_line("Themes: ", &results.facets.theme, &plain);
    facet_line("Types:  ", &results.facets.doc_type, &plain);
    facet_line("Years:  ", &results.facets.year, &plain);
}

fn highlighted(snippet: &Snippet, style: &Style) -> String {
    let mut out = String::new();
    let mut at = 0;
    for range in &snippet.highlights {
        out.push_str(&snippet.text[at..range.start]);
        let word = &snippet.text[range.clone()];
        if style.color {
            out.push_str(&style.paint("1;33", word));
        } else {
            out.push_str(&format!("[{word}]"));
        }
        at = range.end;
    }
    out.push_str(&snippet.text[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
