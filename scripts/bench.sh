#!/usr/bin/env bash
# Benchmarks: generates large trace files, then measures parse + model build
# natively and file drop -> trace painted in headless Chromium (release build).
# usage: scripts/bench.sh [spans…]   (default: 10000 100000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)
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
echo "## Parse + model build, native ($(uname -m), $(nproc) cores)"
./target/bench-native/bench-model "${files[@]}"

trunk build --release >/dev/null 2>&1 || trunk build --release
echo
echo "## File drop -> header and first rows painted, headless Chromium (median of 5)"
echo "| file | spans | median | min | max |"
echo "|---|---|---|---|---|"
for f in "${files[@]}"; do
  node e2e/bench/drop-to-paint.mjs "$f" 5 | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`| ${r.file} | ${r.spans} | ${r.median_ms} ms | ${r.min_ms} ms | ${r.max_ms} ms |`);'
done

echo
echo "## With the trace open: switching views and find, headless Chromium (median of 3)"
echo "| file | action | median | max | matches |"
echo "|---|---|---|---|---|"
for f in "${files[@]}"; do
  node e2e/bench/trace-page.mjs "$f" 3 | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const x of r.rows) console.log(`| ${r.file} | ${x.what} | ${x.median_ms} ms | ${x.max_ms} ms | ${x.matches ?? ""} |`);'
done

echo
echo "## Many traces: filter and sort with 10k traces loaded, headless Chromium (median of 3)"
many="$OUT/jaeger-10000-traces.json"
[ -f "$many" ] || ./target/bench-native/gen-trace --spans 200000 --traces 10000 --format jaeger --out "$many"
echo "| action | median | max | traces shown |"
echo "|---|---|---|---|"
node e2e/bench/many-traces.mjs "$many" 3 | node -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  for (const x of r.rows) console.log(`| ${x.what} | ${x.median_ms} ms | ${x.max_ms} ms | ${x.shown} |`);'
