#!/usr/bin/env bash
# Runs fuzz targets one after another, each for its share of time, restarting after a crash (at most 5 crashes per
# target) so the whole budget is used. Prints one summary line per target: executions, seconds, crashes.
#   fuzz/run.sh [SECONDS] [TARGET...]      (default 600 s; all targets)
# Needs cargo-fuzz and RUSTC_BOOTSTRAP=1 on stable Rust (see fuzz/README.md). New corpus entries go to
# $FUZZ_WORK/corpus/<target> (default /tmp/sotehaku-fuzz), never into the repository's seed folders.
set -u
cd "$(dirname "$0")"
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(query finnish_analyze html_ingest date pdf platform robots_feeds charset)
work=${FUZZ_WORK:-/tmp/sotehaku-fuzz}
export RUSTC_BOOTSTRAP=1
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus/$t" "$work/artifacts/$t" "$work/logs"
  # Seeds made from test fixtures (fixture-seeds.tsv): the control bytes, then the fixture.
  grep -v '^#' fixture-seeds.tsv | while IFS=$'\t' read -r name control path; do
    [ "$name" = "$t" ] || continue
    { printf "$(echo "$control" | sed 's/../\\x&/g')"; cat "../$path"; } >"$work/corpus/$t/fixture-$(basename "$path")"
  done
  start=$(date +%s); execs=0; crashes=0
  while :; do
    left=$(( secs - ($(date +%s) - start) ))
    [ "$left" -le 5 ] && break
    log="$work/logs/$t.$(date +%s).log"
    nice -n 10 cargo fuzz run -s none "$t" "$work/corpus/$t" "corpus/$t" -- \
      -max_total_time="$left" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/$t/" >"$log" 2>&1
    rc=$?
    n=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    if [ -z "$n" ]; then n=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#'); fi
    execs=$(( execs + ${n:-0} ))
    if [ $rc -ne 0 ]; then
      crashes=$(( crashes + 1 ))
      echo "$t: crash $crashes, see $log" >&2
      [ $crashes -ge 5 ] && break
    fi
  done
  echo "$t execs=$execs secs=$(( $(date +%s) - start )) crashes=$crashes artifacts=$(ls "$work/artifacts/$t" | wc -l)"
done
