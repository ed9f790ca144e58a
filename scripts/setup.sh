#!/usr/bin/env bash
# Installs whatever the build (and, for the tests, the checks and the browser)
# needs and is missing, from the registries this project may use (crates.io,
# npm, Debian). Safe to run again: each step checks first. Source it
# (`. scripts/setup.sh`) to get the PATH it sets up.
#
# SETUP_FOR=build (scripts/serve.sh, GitHub Pages): Rust's wasm target, trunk,
# wasm-bindgen and the npm tools; no browser, and no apt or sudo where Rust and
# Node.js are already there. SETUP_FOR=test (the default: scripts/test.sh, the
# benchmarks): also rustfmt and clippy, and headless Chromium from Debian.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION=0.21.14
# Where trunk and wasm-bindgen are installed: under $HOME so they survive
# between runs on the same machine.
TOOLS_ROOT="${TRACE_VIEWER_TOOLS:-${CARGO_HOME:-$HOME/.cargo}}"
SETUP_FOR="${SETUP_FOR:-test}"
case "$SETUP_FOR" in build | test) ;; *)
  echo "SETUP_FOR is build or test, not '$SETUP_FOR'" >&2
  exit 2
  ;;
esac
# The browsers the tests drive (Debian's paths unless given): Chromium for
# every test, Firefox for the second engine's smoke suite.
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
FIREFOX="${FIREFOX:-/usr/bin/firefox-esr}"
GECKODRIVER_VERSION=0.36.0
export PATH="$TOOLS_ROOT/bin:$ROOT/e2e/node_modules/.bin:$PATH"
# Trunk must not reach for GitHub: tools come from PATH, pinned in Trunk.toml.
export TRUNK_OFFLINE=true TRUNK_SKIP_VERSION_CHECK=true
# Debian's driver unless one is given (GitHub's runners bring their own).
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM FIREFOX
# A geckodriver given (GitHub's runners bring theirs) is taken as it is.
GECKODRIVER_GIVEN="${GECKODRIVER:+1}"
export GECKODRIVER="${GECKODRIVER:-$TOOLS_ROOT/bin/geckodriver}"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

# What to install by hand where this script cannot, said once, then stop.
missing() {
  echo "$1 is missing. Install it, then run this again:" >&2
  case "$(uname -s)" in
  Darwin) echo "  $2 (macOS, with Homebrew: https://brew.sh)" >&2 ;;
  *) echo "  $3" >&2 ;;
  esac
  exit 1
}

# Rust toolchain and the wasm target (and, for the tests, fmt and clippy).
if ! command -v cargo >/dev/null || ! command -v rustup >/dev/null; then
  missing "Rust (rustup)" "brew install rustup && rustup-init -y" \
    "curl --proto '=https' -sSf https://sh.rustup.rs | sh   (https://rustup.rs)"
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [ "$SETUP_FOR" = test ]; then
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      say "adding the $component component"
      rustup component add "$component"
    fi
  done
fi

# Crates, fetched once so that offline builds find them.
(cd "$ROOT" && cargo fetch --locked >/dev/null)

# Trunk, pinned: 0.22 needs a newer rustc than this machine has.
if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (takes ~7 minutes once)"
  cargo install --locked --root "$TOOLS_ROOT" "trunk@$TRUNK_VERSION"
fi

# wasm-bindgen-cli: exactly the version in Cargo.lock. No --locked: its lockfile
# pins a crate version the registry does not have.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
if ! wasm-bindgen --version 2>/dev/null | grep -q "$WBG_VERSION"; then
  say "installing wasm-bindgen-cli $WBG_VERSION"
  cargo install --root "$TOOLS_ROOT" "wasm-bindgen-cli@$WBG_VERSION"
fi
grep -q "wasm_bindgen = \"$WBG_VERSION\"" "$ROOT/Trunk.toml" || {
  echo "Trunk.toml pins a wasm_bindgen other than Cargo.lock's $WBG_VERSION: update it" >&2
  exit 1
}

# npm tools: wasm-opt (binaryen 132, never Debian's 108) and playwright-core.
if [ ! -x "$ROOT/e2e/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/e2e/node_modules/playwright-core" ]; then
  if ! command -v npm >/dev/null; then
    if ! command -v apt-get >/dev/null; then
      missing "Node.js (with npm)" "brew install node" "Node.js 18 or later with npm: https://nodejs.org"
    fi
    say "installing Node.js and npm"
    as_root apt-get update -qq && as_root apt-get install -y -qq nodejs npm
  fi
  say "installing npm packages in e2e/"
  (cd "$ROOT/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Headless Chromium and its driver, and Firefox ESR, from Debian: for the
# tests only.
if [ "$SETUP_FOR" = test ]; then
  packages=()
  { [ -x "$CHROMIUM" ] && [ -x "$CHROMEDRIVER" ]; } || packages+=(chromium chromium-driver)
  [ -x "$FIREFOX" ] || packages+=(firefox-esr)
  if [ "${#packages[@]}" -gt 0 ]; then
    say "installing ${packages[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
  fi
  # geckodriver (Firefox's WebDriver), built from crates.io, pinned.
  if [ -z "$GECKODRIVER_GIVEN" ] && ! "$GECKODRIVER" --version 2>/dev/null | grep -q "$GECKODRIVER_VERSION"; then
    say "installing geckodriver $GECKODRIVER_VERSION (a few minutes once)"
    cargo install --locked --root "$TOOLS_ROOT" "geckodriver@$GECKODRIVER_VERSION"
  fi
fi
