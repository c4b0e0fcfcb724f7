#!/usr/bin/env bash
# Pretrained models for the site (make pretrained): each model of the table below is trained by
# our own CLI from a fixed seed with a lab preset's settings and epochs (src/presets.rs, the one
# table the page uses too), on the 9,000 training digits of the built-in 10,000, and scored on
# the 1,000 held out (data::split: the page's split, so a pretrained model has never seen the
# digits its held-out scores are measured on). Each is saved as safetensors, converted to F16
# and kept as F16 only if that moves neither eval MSE by more than 1e-4 (both are printed); then
# www/models/index.json lists every file with its preset, settings, epochs and eval MSE.
# One line per model: the notebook's two, one per lab lesson that needs a trained model, and one
# per failure-on-purpose lesson (its end state — a collapsed code, the mean digit — is the lesson).
# ONLY="name …" retrains just those rows and keeps every other row's file and entry as they are
# (a full run takes minutes; the training is deterministic, so a row not retrained is the same).
set -euo pipefail
cd "$(dirname "$0")/.."

# name | preset (src/presets.rs) | what the page calls it
MODELS=(
  "notebook-ae-d30|standard|notebook AE (d = 30)"
  "notebook-dae-d500|denoising|notebook denoising AE (d = 500)"
  "contractive-d30|contractive|contractive AE (λ = 0.01, d = 30)"
  "bce-d30|bce|BCE AE (sigmoid output, pixels in [0, 1], lr 0.003, batch 64, d = 30)"
  "tied-linear-d30|tied_linear|tied linear AE (≈ PCA, d = 30)"
  "map-2d|map_2d|d = 2 map AE (784-50-50-2)"
  "contractive-too-large-d30|contractive_too_large|contractive AE, λ = 0.1 too large (d = 30)"
  "bce-plateau-d30|bce_plateau|BCE AE at the notebook's lr 0.001, batch 256 (d = 30)"
  "map-2d-one-layer|map_2d_one_layer|d = 2 AE with a one-layer encoder (784-2)"
)
ONLY=${ONLY:-}
SEED=0
TOL=1e-4
OUT=www/models
BIN=target/release/autoencoder-playground
cargo build --release --bin autoencoder-playground
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
entries=()
for row in "${MODELS[@]}"; do
  IFS='|' read -r name preset title <<<"$row"
  if [ -n "$ONLY" ] && [[ " $ONLY " != *" $name "* ]]; then
    # Kept: its entry from the table as it is (refused if the table or the file lacks it).
    entries+=("$(node -e '
      const [table, name] = process.argv.slice(1);
      const e = JSON.parse(require("fs").readFileSync(table, "utf8")).models.find((m) => m.name === name);
      if (!e || !require("fs").existsSync(require("path").join(require("path").dirname(table), e.file))) {
        console.error(`${name} is not in ${table} yet: run make pretrained without ONLY`); process.exit(1);
      }
      console.log(JSON.stringify(e));' "$OUT/index.json" "$name")")
    echo "== $name: kept" >&2
    continue
  fi
  echo "== $name: train --preset $preset --seed $SEED --eval test" >&2
  "$BIN" train --preset "$preset" --seed "$SEED" --eval test --save "$tmp/$name-f32.safetensors" | tail -n 1 >&2
  "$BIN" convert --weights "$tmp/$name-f32.safetensors" --out "$tmp/$name-f16.safetensors" --dtype f16
  f32=$("$BIN" eval --eval test --weights "$tmp/$name-f32.safetensors")
  f16=$("$BIN" eval --eval test --weights "$tmp/$name-f16.safetensors")
  pick=$(node -e '
    const [a, b, tol] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2]), +process.argv[3]];
    const dc = Math.abs(a.eval_mse_clean - b.eval_mse_clean), dn = Math.abs(a.eval_mse_noisy - b.eval_mse_noisy);
    console.error(`   F32 ${a.file_bytes} bytes: eval MSE clean ${a.eval_mse_clean.toFixed(6)}, noisy ${a.eval_mse_noisy.toFixed(6)}`);
    console.error(`   F16 ${b.file_bytes} bytes: eval MSE clean ${b.eval_mse_clean.toFixed(6)}, noisy ${b.eval_mse_noisy.toFixed(6)} (|Δ| ${dc.toExponential(2)}, ${dn.toExponential(2)})`);
    console.log(dc <= tol && dn <= tol ? "f16" : "f32");' "$f32" "$f16" "$TOL")
  echo "   keeping $pick" >&2
  cp "$tmp/$name-$pick.safetensors" "$OUT/$name.safetensors"
  kept=$([ "$pick" = f16 ] && echo "$f16" || echo "$f32")
  entries+=("$(node -e '
    const [e, f, name, preset, title, file] = [JSON.parse(process.argv[1]), JSON.parse(process.argv[2]), ...process.argv.slice(3)];
    console.log(JSON.stringify({ name, preset, title, file, dtype: e.dtype, bytes: e.file_bytes, sizes: e.sizes,
      settings: e.settings, epochs: e.epochs, eval_on: e.eval_on, eval_n: e.eval_n,
      eval_mse_clean: e.eval_mse_clean, eval_mse_noisy: e.eval_mse_noisy,
      f32_eval_mse_clean: f.eval_mse_clean, f32_eval_mse_noisy: f.eval_mse_noisy }));' \
    "$kept" "$f32" "$name" "$preset" "$title" "$name.safetensors")")
done
printf '%s\n' "${entries[@]}" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
  const doc = { format: "autoencoder-playground/models-1",
    made_by: "make pretrained (scripts/pretrained.sh): our CLI, the presets of src/presets.rs, seed 0; trained on the 9,000 training digits of the built-in 10,000 and scored on the 1,000 held out (data::split)",
    models: lines };
  require("fs").writeFileSync(process.argv[1], JSON.stringify(doc, null, 1) + "\n");' "$OUT/index.json"
echo "wrote $OUT/index.json" >&2

# The 2-D manifold lab's models (their own script and table, www/models/manifold.json).
bash scripts/pretrained-manifold.sh
