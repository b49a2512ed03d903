//! The embedded registry against the shared county table (`../shared/data/wellbeing_counties.csv`): every county's
//! news listing and minutes entry URL is a source. Skips when the shared data is absent (fails under `CI=true`).

use sotehaku_crawl::Registry;

fn shared_csv() -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/wellbeing_counties.csv");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true but {} is missing: {e}",
                path.display()
            );
            println!(
                "SKIPPED: {} not found ({e}); the shared data is not checked out",
                path.display()
            );
            None
        }
    }
}

/// Splits one CSV line (no quoted commas occur in this table, but quotes are handled).
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[test]
fn every_county_of_the_shared_table_is_in_the_registry() {
    let Some(csv) = shared_csv() else { return };
    let registry = Registry::default_registry().unwrap();
    let mut lines = csv.lines();
    let header = fields(lines.next().unwrap());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (code, listing, entry) = (col("code"), col("news_listing"), col("minutes_entry_url"));
    let mut rows = 0;
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let f = fields(line);
        rows += 1;
        let county: Vec<_> = registry
            .sources()
            .iter()
            .filter(|s| s.county.as_deref() == Some(f[code].as_str()))
            .collect();
        assert!(!county.is_empty(), "county {} missing", f[code]);
        if !f[listing].is_empty() {
            assert!(
                county.iter().any(|s| s.start.contains(&f[listing])),
                "news listing of {} missing",
                f[code]
            );
        }
        assert!(
            county.iter().any(|s| s.start.contains(&f[entry])),
            "minutes entry of {} missing",
            f[code]
        );
    }
    assert_eq!(rows, 23, "21 counties, Helsinki and HUS");
}
