//! Child processes: every indexing job and server runs in its own process, so that its peak memory (VmHWM, or the
//! `ru_maxrss` that `wait4` reports for exactly that child) is its own and not polluted by another job's heap.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::BenchError;

/// What a finished child left behind.
#[derive(Debug, Clone)]
pub struct ChildRun {
    /// Its standard output.
    pub stdout: String,
    /// The last lines of its standard error.
    pub stderr_tail: String,
    /// Peak resident memory of that child alone, in KiB (`ru_maxrss` from `wait4`).
    pub peak_rss_kb: u64,
    /// Wall time from spawn to exit.
    pub wall: Duration,
}

/// Runs `cmd` to completion, killing it after `timeout`; fails if it exits unsuccessfully.
pub fn run_measured(what: &str, mut cmd: Command, timeout: Duration) -> Result<ChildRun, BenchError> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .map_err(|e| BenchError::child(what, format!("cannot start: {e}")))?;
    let out = drain(child.stdout.take());
    let err = drain(child.stderr.take());
    let (status, peak) = wait_rusage(&mut child, timeout).map_err(|e| BenchError::child(what, e))?;
    let wall = started.elapsed();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let stderr_tail = tail(&stderr, 20);
    match status {
        Some(0) => Ok(ChildRun {
            stdout,
            stderr_tail,
            peak_rss_kb: peak,
            wall,
        }),
        Some(code) => Err(BenchError::child(what, format!("exited with {code}: {stderr_tail}"))),
        None => Err(BenchError::child(
            what,
            format!(
                "killed after {:.0} s (time limit) or by a signal: {stderr_tail}",
                timeout.as_secs_f64()
            ),
        )),
    }
}

/// The last `n` lines of a text.
fn tail(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

fn drain<R: Read + Send + 'static>(stream: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut s) = stream {
            let _ = s.read_to_end(&mut buf);
        }
        String::from_utf8_lossy(&buf).into_owned()
    })
}

/// Waits for the child with `wait4`, killing it at the deadline. Returns its exit code (`None`: killed by a signal)
/// and its peak RSS in KiB.
pub fn wait_rusage(child: &mut Child, timeout: Duration) -> Result<(Option<i32>, u64), String> {
    let pid = child.id() as libc::pid_t;
    let deadline = Instant::now() + timeout;
    let mut killed = false;
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: an all-zero rusage is a valid value of this plain C struct.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `pid` is our own unreaped child; `status` and `usage` are valid out-pointers for the call.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            let code = if libc::WIFEXITED(status) {
                Some(libc::WEXITSTATUS(status))
            } else {
                None
            };
            // ru_maxrss is in KiB on Linux.
            return Ok((if killed { None } else { code }, usage.ru_maxrss.max(0) as u64));
        }
        if r < 0 {
            return Err(format!("wait4: {}", std::io::Error::last_os_error()));
        }
        if !killed && Instant::now() >= deadline {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Peak resident memory (VmHWM, KiB) of a running process, from `/proc/<pid>/status`.
pub fn vm_hwm_kb(pid: u32) -> Option<u64> {
    status_field(&format!("/proc/{pid}/status"), "VmHWM:")
}

/// Peak resident memory (VmHWM, KiB) of this process.
pub fn self_vm_hwm_kb() -> Option<u64> {
    status_field("/proc/self/status", "VmHWM:")
}

fn status_field(path: &str, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// Total size of the files under `dir`, in bytes (bounded to 100,000 entries).
pub fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            seen += 1;
            if seen > 100_000 {
                return total;
            }
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_child_and_reports_failures() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo hello"]);
        let run = run_measured("echo", cmd, Duration::from_secs(10)).unwrap();
        assert_eq!(run.stdout.trim(), "hello");
        assert!(run.peak_rss_kb > 0);

        let mut cmd = Command::new("sh");
        cmd.args(["-c", "echo oops >&2; exit 3"]);
        let err = run_measured("failing", cmd, Duration::from_secs(10))
            .unwrap_err()
            .to_string();
        assert!(err.contains("exited with 3") && err.contains("oops"), "{err}");

        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let err = run_measured("sleeper", cmd, Duration::from_millis(200))
            .unwrap_err()
            .to_string();
        assert!(err.contains("time limit"), "{err}");
    }

    #[test]
    fn own_peak_memory_is_known() {
        assert!(self_vm_hwm_kb().unwrap_or(0) > 0);
    }
}
