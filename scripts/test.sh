#!/usr/bin/env bash
# Runs every test: native model tests, wasm tests in headless Chromium, and
# end-to-end tests of the release build in headless Chromium.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

# The builds below take a few GB (the native tests, the wasm tests, two
# release modules); say how much room there is, so a full disk reads as one.
df -h . | awk 'NR == 2 { print "disk: " $4 " free on " $6 }'

step "format and lint"
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
# The page's and the readers' modules as the browser gets them.
cargo clippy --locked --lib --bins --target wasm32-unknown-unknown -- -D warnings

step "native tests (model, view model, corpus conformance)"
cargo test --locked
# 1M spans exported with no allocation over 64 MB: minutes, so on request.
if [ "${TRACE_VIEWER_LONG_TESTS:-0}" = 1 ]; then
  cargo test --locked --test export_memory -- --ignored
fi

# The seed comes from the commit: each commit explores new inputs, and a run
# of the same commit repeats itself (so CI is deterministic). The seed, and
# the saved input of any finding, are printed. FUZZ_SEED=… picks another.
# It runs in the test build (overflow checks and debug assertions on, as in
# the `fuzz` profile, and the readers optimised): built already by the step
# above, so CI pays for the 60 s only. Long runs use --profile fuzz.
SEED_FROM_COMMIT=$((16#$(git rev-parse --short=8 HEAD 2>/dev/null || echo 5eed)))
step "readers' fuzzer: 60 s with overflow checks, 5 s limit per input"
cargo run --locked --bin fuzz-readers -- \
  --seconds "${FUZZ_SECONDS:-60}" --seed "${FUZZ_SEED:-$SEED_FROM_COMMIT}" --limit-seconds 5

step "wasm tests in headless Chromium"
cargo test --locked --target wasm32-unknown-unknown --test web

# The build GitHub Pages publishes (relative asset URLs, as Trunk.toml sets
# too); the e2e tests serve it under a sub-path, as Pages does.
step "release build (--public-url ./, as on GitHub Pages)"
trunk build --release --public-url ./

step "end-to-end tests (Playwright, headless Chromium; the build under /trace-viewer/)"
(cd e2e && npm test)

step "all tests passed"
