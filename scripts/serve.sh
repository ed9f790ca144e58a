#!/usr/bin/env bash
# Builds the viewer and serves it on http://127.0.0.1:8080 (rebuilding on change).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The build's tools only: no browser, no apt or sudo where Rust and Node.js are.
SETUP_FOR=build . "$ROOT/scripts/setup.sh"
cd "$ROOT"
echo "Serving the viewer at http://127.0.0.1:8080 (Ctrl-C stops)"
exec trunk serve --release --address 127.0.0.1 --port 8080 "$@"
