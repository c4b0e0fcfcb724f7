#!/usr/bin/env bash
# Assemble dist/ from www/, the wasm-pack output in pkg/ and the MNIST files in data/:
#
#   dist/            every file of www/ (index.html, manifold.html, bench.html, app/, kit/, labs/,
#                    manifold/, draw/, *.js, style.css); index.html gets its modulepreload lines
#   dist/pkg/        autoencoder_playground.js + autoencoder_playground_bg.wasm (simd128)
#   dist/pkg-relaxed/  the same two files of the relaxed-SIMD build (www/kit/engine.js picks one)
#   dist/data/       mnist10k-*.gz, and mnist10k-display-* (the ten display digits as raw IDX,
#                    and their held-out rows: scripts/display-digits.mjs, with the simd128 build)
#   dist/vendor/     opencv.js from node_modules (npm @techstark/opencv-js, Apache-2.0), loaded
#                    by the denoising panel's face-off only
#
# Run after `make wasm` (`make dist` does both). The page uses relative URLs only, so dist/
# works from any static host and under any sub-path; this script refuses root-relative URLs.
# dist/ is swapped in whole at the end, so a server running on it never sees a half-built tree.
set -euo pipefail

cd "$(dirname "$0")/.."

die() { printf 'build-dist: error: %s\n' "$*" >&2; exit 1; }

[ -d www ] || die "www/ missing"
compgen -G 'pkg/*.wasm' >/dev/null || die "pkg/*.wasm missing; run 'make wasm' first"
compgen -G 'pkg-relaxed/*.wasm' >/dev/null || die "pkg-relaxed/*.wasm missing; run 'make wasm' first"
compgen -G 'data/*.gz' >/dev/null || die "data/*.gz missing (the MNIST files, see data/README.md)"
opencv=node_modules/@techstark/opencv-js/dist/opencv.js
[ -f "$opencv" ] || die "$opencv missing; run 'npm ci'"

# Root-relative URLs ("/pkg/...") break under a sub-path such as GitHub Pages' /<repo>/.
bad=$(grep -rnE --include='*.html' --include='*.js' --include='*.mjs' --include='*.css' \
  "(src|href|action)=[\"']/[^/]|url\(\s*[\"']?/[^/]|(fetch|Worker|URL|import)\(\s*[\"'\`]/[^/]|from\s+[\"']/[^/]" \
  www || true)
[ -z "$bad" ] || die "root-relative URLs in www/ (use ./...):"$'\n'"$bad"

# Every page is locked down (docs/ARCHITECTURE.md, "Security"): its CSP <meta>, no inline script.
nocsp=$(grep -L 'http-equiv="Content-Security-Policy"' www/*.html || true)
[ -z "$nocsp" ] || die "HTML without its Content-Security-Policy <meta>: $nocsp"
inline=$(grep -nE '<script( [^>]*)?>' www/*.html | grep -v ' src=' || true)
[ -z "$inline" ] || die "inline <script> (the CSP refuses it; use a module file):"$'\n'"$inline"

stage=target/dist-staging
rm -rf "$stage"
mkdir -p "$stage/pkg" "$stage/pkg-relaxed" "$stage/data" "$stage/vendor"
cp -R www/. "$stage/"
cp pkg/*.js pkg/*.wasm "$stage/pkg/"
cp pkg-relaxed/*.js pkg-relaxed/*.wasm "$stage/pkg-relaxed/"
cp data/*.gz "$stage/data/"
node scripts/display-digits.mjs pkg data "$stage/data"
cp "$opencv" "$stage/vendor/opencv.js"

# The training page's module graph, preloaded: every module app/index.js imports statically is
# fetched at once instead of one level of imports per round trip (scripts/module-graph.mjs).
marker='<!-- modulepreload:'
grep -q "$marker" "$stage/index.html" || die "www/index.html lacks its '$marker' line"
node scripts/module-graph.mjs "$stage" app/index.js > target/modulepreload.html
sed -i -e "/$marker/r target/modulepreload.html" -e "/$marker/d" "$stage/index.html"

# Swap in place: rename the old tree away, the new one in, then delete the old one.
rm -rf target/dist-old
[ -e dist ] && mv dist target/dist-old
mv "$stage" dist
rm -rf target/dist-old

printf 'build-dist: dist/ ready (%s files, %s)\n' \
  "$(find dist -type f | wc -l)" "$(du -sh dist | cut -f1)"
