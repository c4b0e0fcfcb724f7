# Autoencoder Playground: build, serve, test and benchmark.
#
#   make serve    set-up, build dist/ and serve it on http://127.0.0.1:$(PORT)/
#   make test     set-up, build, native tests, façade tests, Node tests of the page's modules,
#                 browser end-to-end tests
#   make dist     build the static site into dist/ (copy it to any static host)
#   make bench    build, then time training steps in headless Chromium, the first frame, the page
#                 while it trains (phone width), TensorFlow.js on the same model, and the native
#                 engine and PyTorch on one thread beside the page (scripts/bench.mjs; PyTorch where
#                 $BENCH_PYTHON, default python3, imports torch)
#   make soak     build, then train in the browser for SOAK_MINUTES (10) with Reset, presets and
#                 lr changes, printing wasm memory, JS heap and workers per minute (not in `test`)
#   make setup    only the idempotent installs (scripts/setup.sh)
#   make wasm     only the wasm-pack build into pkg/
#   make clean    remove pkg/, dist/ and cargo's target/
#   make pretrained  train the site's pretrained models into www/models/ (not part of make test)
#
# The +simd128 flag for the wasm32 target lives in .cargo/config.toml, so wasm-pack build and
# wasm-pack test both get it and native builds never do. A second wasm build adds relaxed SIMD
# (fused multiply-add in the GEMM kernel) into pkg-relaxed/, from its own target directory;
# www/kit/engine.js loads it where the browser validates relaxed SIMD, pkg/ elsewhere.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DELETE_ON_ERROR:
.NOTPARALLEL:

export PATH := $(HOME)/.cargo/bin:$(PATH)

PORT ?= 8080

# The relaxed-SIMD build: its rustflags (cargo appends them to .cargo/config.toml's) and its
# own target/ so the two builds do not rebuild each other. Node 20 validates relaxed SIMD only
# behind a V8 flag: RELAXED_NODE asks www/kit/engine.js's probe and adds the flag when needed.
RELAXED := CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='-C target-feature=+simd128,+relaxed-simd' \
  CARGO_TARGET_DIR=target/relaxed
RELAXED_NODE = $$(node --input-type=module -e "import { hasRelaxedSimd } from './www/kit/engine.js'; \
  if (!hasRelaxedSimd()) console.log('NODE_ARGS=--experimental-wasm-relaxed-simd')")

.PHONY: all setup wasm dist serve test bench soak clean pretrained

all: dist

setup:
	bash scripts/setup.sh

wasm: setup
	wasm-pack build --release --target web --out-dir pkg
	$(RELAXED) wasm-pack build --release --target web --out-dir pkg-relaxed

dist: setup wasm
	bash scripts/build-dist.sh

serve: dist
	node scripts/serve.mjs dist $(PORT)

# --no-fail-fast: every test binary runs, so CI reports every failing suite at once.
test: dist
	cargo test --profile tests --no-fail-fast
	AE_EXPECT_KERNEL=simd128 wasm-pack test --node --release -- --test facade --test wasm_numerics
	env $(RELAXED_NODE) AE_EXPECT_KERNEL=relaxed-simd $(RELAXED) \
	  wasm-pack test --node --release -- --test facade --test wasm_numerics
	node --test tests/js/
	@if [ -d tests/e2e ]; then echo 'node --test tests/e2e/'; node --test tests/e2e/; \
	 else echo 'test: no tests/e2e/ yet, skipping browser tests'; fi

bench: dist
	cargo build --release --bin autoencoder-playground
	node scripts/bench.mjs

soak: dist
	node --test tests/e2e/soak.mjs

# The models and the table that makes them: scripts/pretrained.sh.
pretrained:
	bash scripts/pretrained.sh

clean:
	rm -rf pkg pkg-relaxed dist
	cargo clean

# Fuzzing, not part of `make test`: every parser of outside bytes (IDX raw/gzip, a data set, the page's
# 2 or 4 data files, the settings object, safetensors weights) under libFuzzer, FUZZ_SECONDS each;
# see fuzz/README.md. fuzz-setup installs the nightly
# toolchain and cargo-fuzz only when missing, so later runs take a second.
FUZZ_SECONDS ?= 60

.PHONY: fuzz fuzz-setup

fuzz-setup:
	@rustup toolchain list | grep -q '^nightly-' || rustup toolchain install nightly --profile minimal
	@cargo fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

fuzz: fuzz-setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh
