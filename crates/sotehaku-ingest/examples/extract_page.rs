//! Prints the main text `sotehaku-ingest` extracts from an HTML file: `cargo run -p sotehaku-ingest --example
//! extract_page -- PAGE.html`.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: extract_page PAGE.html");
        std::process::exit(2);
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            let html = sotehaku_ingest::decode::decode_bytes(&bytes, None).text;
            let e = sotehaku_ingest::extract::extract_html(&html, None, None, Default::default());
            println!("{:#?}\n\n{}", e.meta, e.text);
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    }
}
