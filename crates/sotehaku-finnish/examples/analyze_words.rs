//! Prints the analysis of the words given on the command line, or with `--file PATH --source NAME` the distinct
//! tokens of a file whose analysis came from NAME (a quick manual check of the chain).
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--file") {
        let (Some(path), Some(source)) = (args.get(1), args.get(3)) else {
            eprintln!("usage: analyze_words --file PATH --source NAME");
            return;
        };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut seen = std::collections::BTreeSet::new();
        for t in sotehaku_finnish::analyze(&text) {
            if t.source == source && seen.insert(t.text.clone()) {
                println!("{:<28} base={:?} parts={:?}", t.text, t.base_forms, t.compound_parts);
            }
        }
        return;
    }
    let text = args.join(" ");
    for t in sotehaku_finnish::analyze(&text) {
        println!(
            "{:<28} {:<10} base={:?} parts={:?}",
            t.text, t.source, t.base_forms, t.compound_parts
        );
    }
}
