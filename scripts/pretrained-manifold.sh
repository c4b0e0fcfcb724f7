#!/usr/bin/env bash
# Pretrained models of the 2-D manifold lab (manifold.html), called by scripts/pretrained.sh
# (make pretrained) or alone. For every built-in curve the page offers and each of its three
# autoencoders, our CLI trains the page's lesson (src/presets.rs manifold_presets: the page's
# default settings, lr 0.003, λ 0.1) from seed 0 for its step count (MANIFOLD_STEPS, 10,000:
# where the page stops and the lesson's numbers were measured), and keeps the file as F16 when
# that moves its evaluation loss by at most 1e-4, else F32 (`manifold-train --dtype auto`).
# www/models/manifold.json lists each file with its settings, steps and losses; the page loads
# the one whose settings match (www/manifold/pretrained.js).
set -euo pipefail
cd "$(dirname "$0")/.."

CURVES=(circle arcs spiral sine)
VARIANTS=(standard denoising contractive)
SEED=0
OUT=www/models
BIN=target/release/autoencoder-playground
cargo build --release --bin autoencoder-playground
mkdir -p "$OUT"
entries=()
for curve in "${CURVES[@]}"; do
  for variant in "${VARIANTS[@]}"; do
    name="manifold-$curve-$variant"
    echo "== $name: manifold-train --variant $variant --curve $curve --seed $SEED --dtype auto" >&2
    last=$("$BIN" manifold-train --variant "$variant" --curve "$curve" --seed "$SEED" --dtype auto \
      --save "$OUT/$name.safetensors" | tail -n 1)
    echo "   $last" >&2
    entries+=("$(node -e '
      const [e, name, variant, curve] = [JSON.parse(process.argv[1]), ...process.argv.slice(2)];
      const label = { standard: "standard AE", denoising: "denoising AE", contractive: "contractive AE" }[variant];
      console.log(JSON.stringify({ name, preset: `manifold_${variant}`, title: `${label} on the ${curve}`,
        file: `${name}.safetensors`, dtype: e.dtype, bytes: e.file_bytes, settings: e.settings, steps: e.steps,
        final_loss: e.final_loss, eval_loss: e.f16_eval_loss !== undefined && e.dtype === "F16" ? e.f16_eval_loss : e.eval_loss,
        f32_eval_loss: e.f32_eval_loss }));' "$last" "$name" "$variant" "$curve")")
  done
done
printf '%s\n' "${entries[@]}" | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n").map(JSON.parse);
  const doc = { format: "autoencoder-playground/manifold-models-1",
    made_by: "make pretrained (scripts/pretrained-manifold.sh): our CLI manifold-train, the 2-D lesson of src/presets.rs on each built-in curve, seed 0; final_loss is the mean training loss of the last 1,000 steps, eval_loss the loss over every point once (the denoising one from the fixed corrupted points)",
    models: lines };
  require("fs").writeFileSync(process.argv[1], JSON.stringify(doc, null, 1) + "\n");' "$OUT/manifold.json"
echo "wrote $OUT/manifold.json" >&2
