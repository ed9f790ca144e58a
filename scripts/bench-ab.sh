#!/usr/bin/env bash
# Runs one browser benchmark against two builds, one after the other, ROUNDS
# times (A, B, A, B, …): this machine's speed drifts by up to a third between
# runs an hour apart, so a comparison is only fair back to back.
#
#   scripts/bench-ab.sh OLD_DIST NEW_DIST ROUNDS node e2e/bench/scale.mjs FILE 1
#
# Each build is copied into dist/ for its turn (the benchmarks serve dist/);
# dist/ is put back as it was at the end. Build an old commit with
#   git worktree add /tmp/old <commit> && (cd /tmp/old && trunk build --release --public-url ./)
# (the benchmarks serve dist/ under a sub-path, so its asset URLs must be
# relative; Trunk.toml sets that only from the commit that added it on).
# Every line the command prints is prefixed with the build's name.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 4 ] || { echo "usage: scripts/bench-ab.sh OLD_DIST NEW_DIST ROUNDS command…" >&2; exit 2; }
A="$(cd "$1" && pwd)"; B="$(cd "$2" && pwd)"; ROUNDS="$3"; shift 3
. "$ROOT/scripts/setup.sh" >/dev/null
cd "$ROOT"
SAVED="$(mktemp -d)"
[ -d dist ] && mv dist "$SAVED/dist"
restore() { rm -rf dist; [ -d "$SAVED/dist" ] && mv "$SAVED/dist" dist; rm -rf "$SAVED"; }
trap restore EXIT
for round in $(seq "$ROUNDS"); do
  for side in A B; do
    dir="$A"; name="old"
    [ "$side" = B ] && { dir="$B"; name="new"; }
    rm -rf dist && cp -r "$dir" dist
    "$@" 2>&1 | sed "s/^/$name $round: /"
  done
done
