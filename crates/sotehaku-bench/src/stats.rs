//! Latency summaries (percentiles, throughput) and the power-law fits used to project growth.

use serde::{Deserialize, Serialize};

/// Percentiles of a set of latencies, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Summary {
    /// Number of timed executions.
    pub n: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    pub max_ms: f64,
    /// Executions per second of wall time (for concurrent runs: all clients together).
    pub qps: f64,
}

impl Summary {
    /// Summarises latencies (ms) measured over `wall_secs` of wall time.
    ///
    /// ```
    /// use sotehaku_bench::stats::Summary;
    /// let s = Summary::of(&[1.0, 2.0, 3.0, 4.0, 100.0], 0.11);
    /// assert_eq!(s.p50_ms, 3.0);
    /// assert_eq!(s.max_ms, 100.0);
    /// assert!((s.qps - 5.0 / 0.11).abs() < 1e-9);
    /// ```
    pub fn of(latencies_ms: &[f64], wall_secs: f64) -> Summary {
        if latencies_ms.is_empty() {
            return Summary::default();
        }
        let mut sorted = latencies_ms.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        Summary {
            n,
            p50_ms: percentile(&sorted, 50.0),
            p95_ms: percentile(&sorted, 95.0),
            p99_ms: percentile(&sorted, 99.0),
            mean_ms: sorted.iter().sum::<f64>() / n as f64,
            max_ms: sorted[n - 1],
            qps: if wall_secs > 0.0 { n as f64 / wall_secs } else { 0.0 },
        }
    }
}

/// The `p`-th percentile (nearest rank) of sorted values; 0 for an empty slice.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `y = a · x^b`, fitted by least squares on logarithms.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PowerFit {
    pub a: f64,
    /// The growth exponent: 1 is linear, below 1 sublinear.
    pub b: f64,
}

impl PowerFit {
    /// Fits the points with positive coordinates; `None` with fewer than two distinct x.
    ///
    /// ```
    /// use sotehaku_bench::stats::PowerFit;
    /// let fit = PowerFit::fit(&[(10.0, 20.0), (100.0, 200.0), (1000.0, 2000.0)]).unwrap();
    /// assert!((fit.b - 1.0).abs() < 1e-9);
    /// assert!((fit.at(10_000.0) - 20_000.0).abs() < 1e-6);
    /// ```
    pub fn fit(points: &[(f64, f64)]) -> Option<PowerFit> {
        let logs: Vec<(f64, f64)> = points
            .iter()
            .filter(|(x, y)| *x > 0.0 && *y > 0.0)
            .map(|(x, y)| (x.ln(), y.ln()))
            .collect();
        let n = logs.len() as f64;
        if logs.len() < 2 {
            return None;
        }
        let mx = logs.iter().map(|p| p.0).sum::<f64>() / n;
        let my = logs.iter().map(|p| p.1).sum::<f64>() / n;
        let sxx: f64 = logs.iter().map(|p| (p.0 - mx).powi(2)).sum();
        if sxx < 1e-12 {
            return None;
        }
        let sxy: f64 = logs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
        let b = sxy / sxx;
        Some(PowerFit {
            a: (my - b * mx).exp(),
            b,
        })
    }

    /// The fitted value at `x`.
    pub fn at(&self, x: f64) -> f64 {
        self.a * x.powf(self.b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
    }

    #[test]
    fn fit_recovers_a_square_root_growth() {
        let pts: Vec<(f64, f64)> = [1e4, 4e4, 9e4].iter().map(|&x: &f64| (x, 3.0 * x.sqrt())).collect();
        let fit = PowerFit::fit(&pts).unwrap();
        assert!((fit.b - 0.5).abs() < 1e-9);
        assert!(PowerFit::fit(&[(5.0, 1.0)]).is_none());
    }
}
