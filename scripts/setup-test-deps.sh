#!/usr/bin/env bash
# Installs the optional tools the test suite compares against (never needed to build or run sotehaku):
#   python3-libvoikko + voikko-fi — the reference Finnish analyzer, an oracle for the differential test;
#   chromium — the headless browser of the search page's end-to-end test;
#   liblucene8-java — Lucene 8, the peer the benchmark's smoke test indexes and queries beside sotehaku.
# Needs root and Debian's apt; without them it says so and the tests that need the tools skip (or fail under CI=true).
set -uo pipefail
need=()
{ python3 -c 'import libvoikko; libvoikko.Voikko("fi")' || /usr/bin/python3 -c 'import libvoikko; libvoikko.Voikko("fi")'; } >/dev/null 2>&1 || need+=(python3-libvoikko voikko-fi)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/share/java/lucene8-core*.jar /usr/share/java/lucene-core*.jar >/dev/null 2>&1 || need+=(liblucene8-java)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "setup-test-deps: cannot install ${need[*]} (needs root and apt-get); tests that use them will skip" >&2
  exit 0
fi
echo "setup-test-deps: installing ${need[*]}" >&2
(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
  || echo "setup-test-deps: could not install ${need[*]}; tests that use them will skip" >&2
exit 0
