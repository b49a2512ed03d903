//! Index a few documents in a temporary directory and search them with filters.
//!
//! Run with `cargo run -p sotehaku --example search`.

use sotehaku::{DocType, Document, Engine, PartialDate, Query, Region, SortOrder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("sotehaku-example-{}", std::process::id()));
    let engine = Engine::create(&dir)?;

    let mut closing = Document::new(
        "esimerkki:terveysasema",
        "Aluehallitus esittää kahden terveysaseman yhdistämistä",
        "Pohjois-Savon aluehallitus esittää aluevaltuustolle, että kaksi terveysasemaa yhdistetään vuoden 2024 alusta.",
    );
    closing.regions = vec![Region::County(13)];
    closing.doc_type = DocType::Minutes;
    closing.published = Some("2023-11-14".parse::<PartialDate>()?);

    let mut funding = Document::new(
        "esimerkki:rahoitus",
        "Hyvinvointialueiden rahoitus vuonna 2024",
        "Valtiovarainministeriö on julkaissut laskelmat hyvinvointialueiden rahoituksesta.",
    );
    funding.regions = vec![Region::National];
    funding.doc_type = DocType::PressRelease;
    funding.published = Some("2023-09".parse::<PartialDate>()?);

    engine.add_documents([closing, funding])?;

    let results = engine.search(
        &Query::new("terveysasemat")
            .region_name("Pohjois-Savo")?
            .sort(SortOrder::Date),
    )?;
    println!("{} hit(s) for terveysasemat in Pohjois-Savo:", results.total);
    for hit in &results.hits {
        let date = hit.published.map(|d| d.to_string()).unwrap_or_default();
        println!(
            "  {} ({}, {}): {}",
            hit.title,
            date,
            hit.doc_type.label_fi(),
            hit.snippet.text
        );
    }
    println!("document types: {:?}", results.facets.doc_type.0);

    drop(engine);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
