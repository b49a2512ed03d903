//! Progress bars for index builds (on standard error, hidden when it is not a terminal).

use indicatif::{ProgressBar, ProgressStyle};
use sotehaku::{BuildProgress, BuildReport};

pub struct BuildBar {
    bar: Option<ProgressBar>,
    message: &'static str,
}

impl BuildBar {
    pub fn new(message: &'static str) -> BuildBar {
        BuildBar { bar: None, message }
    }

    pub fn update(&mut self, progress: BuildProgress) {
        match progress {
            BuildProgress::Started { expected } => {
                let bar = match expected {
                    Some(n) => ProgressBar::new(n).with_style(
                        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} documents ({per_sec}, {eta})")
                            .unwrap_or_else(|_| ProgressStyle::default_bar())
                            .progress_chars("=> "),
                    ),
                    None => ProgressBar::new_spinner().with_style(
                        ProgressStyle::with_template("{spinner} {msg}: {pos} documents ({per_sec})")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    ),
                };
                bar.set_message(self.message);
                self.bar = Some(bar);
            }
            BuildProgress::Document { indexed, skipped } => {
                if let Some(bar) = &self.bar {
                    bar.set_position(indexed + skipped);
                }
            }
            BuildProgress::Committed { .. } | BuildProgress::Finished { .. } => {}
        }
    }

    pub fn finish(&mut self, report: &BuildReport) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let secs = report.elapsed.as_secs_f64().max(1e-9);
        eprintln!(
            "indexed {} documents ({:.1} MB of text) in {:.1} s: {:.0} documents/s, {:.2} MB/s{}",
            report.indexed,
            report.text_bytes as f64 / 1e6,
            secs,
            report.indexed as f64 / secs,
            report.text_bytes as f64 / 1e6 / secs,
            if report.skipped > 0 {
                format!("; {} skipped", report.skipped)
            } else {
                String::new()
            }
        );
    }
}
