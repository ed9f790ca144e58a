#!/usr/bin/env bash
# Builds the viewer and packs it as trace-viewer-<version>.tar.gz: the static
# site (index.html, the two wasm modules, the stylesheet, the examples), with
# relative addresses, so any static server serves it at any path:
#
#   tar -xzf trace-viewer-0.1.0.tar.gz
#   python3 -m http.server 8080 -d trace-viewer-0.1.0
#
#   scripts/package.sh [OUT_DIR]    (default target/package)
#
# PACKAGE_SKIP_BUILD=1 packs the dist/ already built (the test command does,
# after its own release build).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/target/package}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
cd "$ROOT"
if [ "${PACKAGE_SKIP_BUILD:-0}" != 1 ]; then
  SETUP_FOR=build . "$ROOT/scripts/setup.sh"
  trunk build --release --public-url ./
fi
[ -f dist/index.html ] || { echo "no build in dist/: run without PACKAGE_SKIP_BUILD" >&2; exit 1; }
VERSION="$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)"
NAME="trace-viewer-$VERSION"
rm -rf "${OUT:?}/$NAME" "$OUT/$NAME.tar.gz"
mkdir -p "$OUT/$NAME"
cp -R dist/. "$OUT/$NAME/"
tar -C "$OUT" -czf "$OUT/$NAME.tar.gz" "$NAME"
rm -rf "${OUT:?}/$NAME"
echo "$OUT/$NAME.tar.gz"
