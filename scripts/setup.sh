#!/usr/bin/env bash
# Install what the build and the tests need, once. Idempotent: every step checks first, so a
# second run installs nothing and takes about a second.
#
#   bash scripts/setup.sh        (called by `make setup`, `make dist`, `make test`, ...)
#
# Needs: a Rust toolchain through rustup (~/.cargo/bin), Node >= 20 with npm, and on a machine
# without Chromium, apt (as root or with sudo). Only package registries are used: crates.io,
# the npm registry and Debian's archive; wasm-pack never downloads its helper binaries here.
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Run as root, or through sudo when there is one (apt needs it).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "'$*' needs root; run as root or install sudo"
  fi
}

apt_install() {
  say "installing $* with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# --- Rust -----------------------------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || die "cargo not found; install Rust with rustup (https://rustup.rs)"
command -v rustup >/dev/null 2>&1 || die "rustup not found; the wasm32 target is added through rustup"

if rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  say "rust target wasm32-unknown-unknown: present"
else
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if wasm-pack --version >/dev/null 2>&1; then
  say "wasm-pack: $(wasm-pack --version)"
else
  say "installing wasm-pack (cargo install --locked, about 2 minutes)"
  cargo install wasm-pack --locked
fi

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate Cargo.toml pins
# (`wasm-bindgen = "=X.Y.Z"`); wasm-pack would otherwise try to download it, which fails here.
bindgen_version=$(sed -nE \
  -e 's/^wasm-bindgen[[:space:]]*=[[:space:]]*"=?([0-9][0-9.]*)".*/\1/p' \
  -e 's/^wasm-bindgen[[:space:]]*=[[:space:]]*\{.*version[[:space:]]*=[[:space:]]*"=?([0-9][0-9.]*)".*/\1/p' \
  Cargo.toml | head -n1)
[ -n "$bindgen_version" ] || die "no wasm-bindgen version found in Cargo.toml"
if [ -f Cargo.lock ]; then
  locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ -n "$locked" ] && [ "$locked" != "$bindgen_version" ]; then
    die "Cargo.toml pins wasm-bindgen $bindgen_version but Cargo.lock has $locked"
  fi
fi
installed=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$installed" = "$bindgen_version" ]; then
  say "wasm-bindgen-cli: $installed (matches Cargo.toml)"
else
  say "installing wasm-bindgen-cli $bindgen_version (found: ${installed:-none})"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --locked --force
fi

# --- Node -----------------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node not found; install Node.js 20 or newer"
command -v npm >/dev/null 2>&1 || die "npm not found; install npm"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "Node.js $(node --version) is too old; playwright-core needs 20 or newer"

# npm writes node_modules/.package-lock.json on every install: older than the lock = stale.
if [ -f node_modules/.package-lock.json ] && ! [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "node_modules: up to date with package-lock.json"
else
  say "npm ci (node_modules missing or older than package-lock.json)"
  npm ci --no-audit --no-fund
fi

# --- Browser (end-to-end tests and the benchmark) -------------------------------------------
# Debian's chromium, never a test tool's browser download. CHROMIUM_PATH may point elsewhere.
# SETUP_BROWSER=0 skips it (a build-only machine such as the GitHub Pages workflow).
if [ "${SETUP_BROWSER:-1}" = 0 ]; then
  say "browser: skipped (SETUP_BROWSER=0)"
  say "done"
  exit 0
fi
chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
missing=()
[ -x "$chromium_path" ] || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# The Fashion-MNIST source the converter test reproduces data/fashion10k-* from (~30 MB).
dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || missing+=(dataset-fashion-mnist)
if [ ${#missing[@]} -eq 0 ]; then
  say "chromium: $chromium_path"
else
  command -v apt-get >/dev/null 2>&1 || die "${missing[*]} missing and no apt-get; set CHROMIUM_PATH"
  apt_install "${missing[@]}"
fi

say "done"
