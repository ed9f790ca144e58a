#!/usr/bin/env bash
# Benchmarks moving about a 100k-span trace: a Ctrl + wheel zoom step and a
# middle-button drag-pan step over the timeline (work per frame), and turning
# "Group repeats" on and off (click -> rows painted), in headless Chromium
# against the release build (`e2e/bench/navigation.mjs`). Three files: the
# default tree and the wide shape (one root whose 100k children run one
# after another) from `gen-trace`, which have nothing to group, and an N+1
# trace of 99,501 spans (`e2e/bench/nplus1.mjs`) that grouping folds to 2,001
# rows.
# Prints one JSON line per file for the "Moving about a trace" section of
# BENCHMARKS.md.
# usage: scripts/bench-navigation.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/bench-native"
cargo build --quiet --profile bench-native --bin gen-trace
files=()
for shape in default wide; do
  f="$OUT/nav-$shape-100000.json"
  [ -f "$f" ] || "$BIN/gen-trace" --spans 100000 --shape "$shape" --format otlp --out "$f"
  files+=("$f")
done
f="$OUT/nav-nplus1-100000.json"
[ -f "$f" ] || node e2e/bench/nplus1.mjs "$f"
files+=("$f")
trunk build --release --public-url ./ >/dev/null 2>&1 || trunk build --release --public-url ./
for f in "${files[@]}"; do
  node e2e/bench/navigation.mjs "$f"
done
