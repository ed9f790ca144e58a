#!/usr/bin/env bash
# Benchmarks the views over many traces (Why slow, Structure, Services, RED
# over time): generates OTLP files of 1k traces / 100k spans and 10k traces /
# 1M spans (`gen-trace --traces`), times each view's computation natively
# (`bench-model --views`) and, in headless Chromium against the release
# build, the time from a click on the view's tab to its answer painted and
# the longest gap between two painted frames meanwhile (`e2e/bench/views.mjs`).
# Prints the tables for the "Views over many traces" section of BENCHMARKS.md.
# usage: scripts/bench-views.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/bench-native"
cargo build --quiet --profile bench-native --bin gen-trace --bin bench-model
files=()
for pair in 1000:100000 10000:1000000; do
  traces="${pair%%:*}" spans="${pair##*:}"
  f="$OUT/views-$spans.json"
  [ -f "$f" ] || "$BIN/gen-trace" --spans "$spans" --traces "$traces" --format otlp --out "$f"
  files+=("$f")
done
echo "## Native: each view's computation"
"$BIN/bench-model" --views "${files[@]}"
trunk build --release --public-url ./ >/dev/null 2>&1 || trunk build --release --public-url ./
echo
echo "## Headless Chromium: tab clicked -> view painted"
node e2e/bench/views.mjs "${files[0]}" 3
node e2e/bench/views.mjs "${files[1]}" 1
