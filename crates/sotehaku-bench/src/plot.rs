//! SVG plots of a run: latency by percentile per engine (in-process and HTTP) and cost against corpus size.

use std::path::Path;

use plotters::prelude::*;

use crate::report::Results;
use crate::BenchError;

const COLORS: [RGBColor; 8] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
];

fn plot_err(path: &Path) -> impl Fn(String) -> BenchError + '_ {
    move |detail| BenchError::Plot {
        path: path.to_path_buf(),
        detail,
    }
}

/// Draws percentile curves (x: percentile, y: latency in ms, log scale) of named series.
pub fn percentile_plot(path: &Path, title: &str, series: &[(String, Vec<f64>)]) -> Result<(), BenchError> {
    let err = plot_err(path);
    let values = series.iter().flat_map(|(_, v)| v.iter().copied()).filter(|v| *v > 0.0);
    let (lo, hi) = values.fold((f64::MAX, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = if hi <= 0.0 { (0.001, 1.0) } else { (lo * 0.8, hi * 1.25) };
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..100f64, (lo..hi).log_scale())
        .map_err(|e| err(e.to_string()))?;
    chart
        .configure_mesh()
        .x_desc("percentile")
        .y_desc("latency (ms, log scale)")
        .draw()
        .map_err(|e| err(e.to_string()))?;
    for (i, (name, curve)) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let points = curve
            .iter()
            .enumerate()
            .filter(|(_, v)| **v > 0.0)
            .map(|(p, v)| ((p + 1) as f64, *v));
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(|e| err(e.to_string()))?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(e.to_string()))?;
    root.present().map_err(|e| err(e.to_string()))?;
    Ok(())
}

/// Draws indexing time, index size and query p50 against the number of documents, one line per engine.
pub fn growth_plot(path: &Path, results: &Results) -> Result<(), BenchError> {
    let err = plot_err(path);
    let root = SVGBackend::new(path, (1350, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let panels = root.split_evenly((1, 3));
    let measures = [("indexing time", "seconds"), ("index size", "MB"), ("query p50", "ms")];
    let max_docs = results.sizes.iter().map(|s| s.docs).max().unwrap_or(1) as f64;
    for (panel, (measure, unit)) in panels.iter().zip(measures) {
        let rows: Vec<_> = results.growth.iter().filter(|g| g.measure == measure).collect();
        let hi = rows
            .iter()
            .flat_map(|g| g.points.iter().map(|p| p.1))
            .fold(0.0f64, f64::max)
            .max(1e-3)
            * 1.15;
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("{measure} vs documents"), ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(35)
            .y_label_area_size(55)
            .build_cartesian_2d(0f64..max_docs * 1.05, 0f64..hi)
            .map_err(|e| err(e.to_string()))?;
        chart
            .configure_mesh()
            .x_desc("documents")
            .y_desc(unit)
            .x_label_formatter(&|x| format!("{:.0}k", x / 1e3))
            .draw()
            .map_err(|e| err(e.to_string()))?;
        for (i, g) in rows.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            chart
                .draw_series(LineSeries::new(g.points.iter().copied(), color.stroke_width(2)))
                .map_err(|e| err(e.to_string()))?
                .label(g.engine.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
            chart
                .draw_series(g.points.iter().map(|p| Circle::new(*p, 3, color.filled())))
                .map_err(|e| err(e.to_string()))?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(|e| err(e.to_string()))?;
    }
    root.present().map_err(|e| err(e.to_string()))?;
    Ok(())
}
