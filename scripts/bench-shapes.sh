#!/usr/bin/env bash
# Benchmarks every trace shape (gen-trace --shape: default, deep, wide,
# services, operations, traces, jsonl, extreme, long, links) in headless
# Chromium against the release build: time to open, at 100k and 1M spans by
# default. Writes the "Shapes" section of BENCHMARKS.md.
# usage: scripts/bench-shapes.sh [spans…]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(100000 1000000)
SHAPES=(default deep wide services operations traces jsonl extreme long links)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
cargo build --quiet --profile bench-native --bin gen-trace
trunk build --release >/dev/null 2>&1 || trunk build --release
: > "$OUT/shapes.jsonl"
for n in "${SIZES[@]}"; do
  for shape in "${SHAPES[@]}"; do
    f="$OUT/$shape-$n-otlp.json"
    [ -f "$f" ] || ./target/bench-native/gen-trace --spans "$n" --shape "$shape" --format otlp --out "$f" >/dev/null
    runs=3
    [ "$n" -lt 500000 ] || runs=1
    node e2e/bench/shapes.mjs "$runs" "$f" | tee -a "$OUT/shapes.jsonl"
    # Files of a million spans take close to a gigabyte each.
    [ "$n" -lt 500000 ] || rm -f "$f"
  done
done
node e2e/bench/shapes-report.mjs "$OUT/shapes.jsonl" "$ROOT/BENCHMARKS.md"
