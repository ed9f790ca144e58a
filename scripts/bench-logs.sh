#!/usr/bin/env bash
# Benchmarks log records attached to a trace: generates a trace (default
# shape, OTLP) and an OTLP logs file whose records name its spans
# (`gen-trace --logs`), then measures natively (`bench-model --logs`: parse,
# memory, worker -> page, index, attach) and in headless Chromium against the
# release build (`e2e/bench/logs.mjs`: open, peak memory, Logs view, span
# detail), and opens a default-shape trace file of the log file's size as the
# yardstick of the target. Writes the "Logs" section of BENCHMARKS.md.
# usage: scripts/bench-logs.sh [spans [records]]   (default: 100000 1000000)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/setup.sh"
cd "$ROOT"
SPANS="${1:-100000}"
RECORDS="${2:-1000000}"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/bench-native"

cargo build --quiet --profile bench-native --bin gen-trace --bin bench-model
trace="$OUT/logs-trace-$SPANS.json"
logs="$OUT/logs-$RECORDS.jsonl"
if [ ! -f "$trace" ] || [ ! -f "$logs" ]; then
  "$BIN/gen-trace" --spans "$SPANS" --format otlp --out "$trace" --logs "$RECORDS" --logs-out "$logs"
fi

echo
echo "## Native: the log file beside its trace"
BENCH_JSON="$OUT/logs-native.json" "$BIN/bench-model" --logs "$trace" "$logs"

trunk build --release >/dev/null 2>&1 || trunk build --release
echo
echo "## Headless Chromium: the trace, then its logs; both at once"
node e2e/bench/logs.mjs "$trace" "$logs" "$RECORDS" | tee "$OUT/logs-browser.json"

# The yardstick: the default shape at the log file's size (same bytes per
# span as the generated trace), opened the same way (e2e/bench/shapes.mjs).
log_bytes=$(stat -c %s "$logs")
trace_bytes=$(stat -c %s "$trace")
same=$(( log_bytes * SPANS / trace_bytes ))
yard="$OUT/default-$same-otlp.json"
[ -f "$yard" ] || "$BIN/gen-trace" --spans "$same" --format otlp --out "$yard" >/dev/null
echo
echo "## Headless Chromium: the default shape at the log file's size"
node e2e/bench/shapes.mjs 1 "$yard" | tee "$OUT/logs-yardstick.json"
rm -f "$yard"

node e2e/bench/logs-report.mjs "$OUT/logs-native.json" "$OUT/logs-browser.json" "$OUT/logs-yardstick.json" "$ROOT/BENCHMARKS.md"
