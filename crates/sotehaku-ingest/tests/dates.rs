//! Runs every case of `../shared/eval/analysis/date_cases.json` through the date finder.

mod common;

use sotehaku_ingest::date::find_dates;

#[test]
fn all_shared_date_cases() {
    let Some(path) = common::shared_file("eval/analysis/date_cases.json") else {
        return;
    };
    let raw = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cases: Vec<serde_json::Value> = serde_json::from_str(&raw).expect("date_cases.json is a JSON list");
    assert!(cases.len() >= 18, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let text = case["text"].as_str().expect("text");
        let ref_year = case["ref_year"].as_i64().map(|y| y as i32);
        let expected: Vec<(String, String, String)> = case["found"]
            .as_array()
            .expect("found")
            .iter()
            .map(|f| {
                (
                    f[0].as_str().unwrap().into(),
                    f[1].as_str().unwrap().into(),
                    f[2].as_str().unwrap().into(),
                )
            })
            .collect();
        let got: Vec<(String, String, String)> = find_dates(text, ref_year)
            .iter()
            .map(|m| (m.kind.as_str().to_string(), m.matched.clone(), m.iso()))
            .collect();
        if got != expected {
            failures.push(format!(
                "{text:?} (ref {ref_year:?}):\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    println!("{} of {} date cases pass", cases.len() - failures.len(), cases.len());
    assert!(
        failures.is_empty(),
        "{} failing date cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn a_year_is_never_invented() {
    for m in find_dates("Yhdyspintajaosto kokoontui 26.1. ja uudelleen 15. joulukuuta.", None) {
        assert!(m.date.year().is_none(), "{m:?}");
    }
}
