#!/usr/bin/env bash
# Benchmarks: generates Jaeger and OTLP files of 10k, 100k and 1M spans, then
# measures parse + model build natively and, in headless Chromium against the
# release build, opening, peak memory, find, and a scripted scroll and zoom;
# then the first visit and small files cold and warm, and a file just under
# 2 GB.
# Prints the tables and writes them to BENCHMARKS.md.
# usage: scripts/bench.sh [spans…]   (default: 10000 100000 1000000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000 1000000)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"

cargo build --quiet --profile bench-native --bin gen-trace --bin bench-model
files=()
for n in "${SIZES[@]}"; do
  for format in jaeger otlp; do
    f="$OUT/$format-$n.json"
    [ -f "$f" ] || ./target/bench-native/gen-trace --spans "$n" --format "$format" --out "$f"
    files+=("$f")
  done
done

echo
echo "## Native: parse + build, model memory, worker -> page"
BENCH_JSON="$OUT/native.jsonl" ./target/bench-native/bench-model "${files[@]}"

trunk build --release >/dev/null 2>&1 || trunk build --release
echo
echo "## Headless Chromium: open, memory, find, scroll, zoom"
: > "$OUT/browser.jsonl"
for f in "${files[@]}"; do
  size=$(stat -c %s "$f")
  runs=3
  [ "$size" -lt 300000000 ] || runs=1
  node e2e/bench/scale.mjs "$f" "$runs" | tee -a "$OUT/browser.jsonl"
done

echo
echo "## Headless Chromium: first visit and small files, cold and warm"
small=()
for n in 100 1000 10000; do
  f="$OUT/jaeger-$n.json"
  [ -f "$f" ] || ./target/bench-native/gen-trace --spans "$n" --format jaeger --out "$f"
  small+=("$f")
done
node e2e/bench/small.mjs "${small[@]}" --runs 5 | tee "$OUT/small.jsonl"

echo
echo "## Headless Chromium: a file just under 2 GB"
big="$OUT/jaeger-2600000.json"
[ -f "$big" ] || ./target/bench-native/gen-trace --spans 2600000 --format jaeger --out "$big"
node e2e/bench/huge.mjs "$big" | tee "$OUT/huge.jsonl"
rm -f "$big"

echo
node e2e/bench/report.mjs "$OUT/native.jsonl" "$OUT/browser.jsonl" "$ROOT/BENCHMARKS.md" "$OUT/small.jsonl" "$OUT/huge.jsonl"
echo
echo "## Every trace shape at 100k and 1M spans"
bash "$ROOT/scripts/bench-shapes.sh"
echo
echo "Written to BENCHMARKS.md"
