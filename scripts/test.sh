#!/usr/bin/env bash
# Runs every test of the workspace: unit, integration and doc tests. The README's test command.
# Optional test oracles (libvoikko for the morphology differential test) are installed when possible; tests that
# need them or ../shared/ skip with a message when they are missing, and fail when CI=true.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-test-deps.sh
cargo test --workspace --locked --no-fail-fast
