// What the page says about where its model came from and how to take it away: the model's source
// line, a weights file in words, the Python that loads a file into the notebook's class, and the
// page settings a file's engine settings map to. Pure functions of plain objects (tested in Node).
import { pretrainedText } from '../kit/models.js';

/** An MSE for the page (4 decimals, as index.json's value rounds). */
export function fmtMse(v) {
  return Number.isFinite(v) ? v.toFixed(4) : '—';
}

/** "784 → 128 → 16 → 128 → 784" from the encoder's widths [784, 128, 16]. */
export function fmtSizes(sizes) {
  return [...sizes, ...sizes.slice(0, -1).reverse()].join(' → ');
}

/** 1234567 → "1,234,567". */
function fmtCount(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * The sentence naming the current model (`origin` of the worker's `ready`: {cause, source?,
 * file?}); `seed` is the settings' seed.
 */
export function sourceLine(origin, seed) {
  const src = origin?.source ?? {};
  if (origin?.cause !== 'weights') {
    const how = origin?.cause === 'reset' ? 'reset to' : 'built from';
    return `Model: untrained, ${how} seed ${seed}. Train trains it here.`;
  }
  if (src.kind === 'pretrained') {
    return `Model: ${pretrainedText(src)}. Train continues from it; Reset starts from seed ${seed}.`;
  }
  const f = origin.file;
  const epochs = f?.provenance?.epochs ? `, ${f.provenance.epochs} epochs` : '';
  if (src.kind === 'kept') return `Model: your kept model${epochs} (${fmtSizes(f.sizes)}), resumed. Train continues from it; Reset starts from seed ${seed}.`;
  return `Model: loaded from “${src.name}”${epochs} (${fmtSizes(f.sizes)}). Train continues from it; Reset starts from seed ${seed}.`;
}

/** A weights file (the engine's weightsInfo) in one line: sizes, dtype, parameters, maker. */
export function describeFile(f) {
  const maker = f.from_metadata
    ? `saved by Autoencoder Playground${f.provenance?.crate_version ? ` ${f.provenance.crate_version}` : ''}`
    : 'a PyTorch state_dict (no metadata: the notebook’s Tanh layers assumed)';
  const score = f.provenance?.eval_mse_clean != null ? `, eval MSE ${fmtMse(f.provenance.eval_mse_clean)} when saved` : '';
  return `${fmtSizes(f.sizes)}, ${f.dtype}, ${fmtCount(f.params)} parameters, ${maker}${score}.`;
}

/** Python's name for an activation of the engine's settings. */
function pyAct(name) {
  return { tanh: 'nn.Tanh()', linear: 'nn.Identity()', sigmoid: 'nn.Sigmoid()' }[name];
}

/**
 * The lines of Python that load `fileName` (a file with the engine's `settings` and encoder
 * widths `sizes`) into the notebook: its own `Autoencoder` class when the model is the
 * notebook's shape (one Linear + Tanh each way), otherwise the same two nn.Sequential stacks
 * built by hand (the state_dict names are the same: encoder.0, encoder.2, …).
 */
export function pythonSnippet(fileName, settings, sizes) {
  const name = JSON.stringify(fileName);
  const code = pyAct(settings.activation === 'linear' ? 'linear' : 'tanh');
  const out = settings.loss === 'bce' ? pyAct('sigmoid') : code;
  const d = sizes[sizes.length - 1];
  if (sizes.length === 2 && code === out && code === 'nn.Tanh()') {
    return [
      '# In 10-autoencoder.ipynb, after the cell that defines class Autoencoder:',
      'from safetensors.torch import load_file',
      `d = ${d}  # the class reads the global d: this file's code size`,
      'model = Autoencoder().to(device)',
      `model.load_state_dict(load_file(${name}))`,
    ].join('\n');
  }
  const layers = (widths, last) => widths.slice(1).map((w, i) => `nn.Linear(${widths[i]}, ${w}), ${i === widths.length - 2 ? last : 'nn.Tanh()'}`).join(', ');
  return [
    '# The notebook\'s two stacks with this file\'s sizes (its class has one layer each way):',
    'import torch.nn as nn',
    'from safetensors.torch import load_file',
    'model = nn.Module()',
    `model.encoder = nn.Sequential(${layers(sizes, code)})`,
    `model.decoder = nn.Sequential(${layers([...sizes].reverse(), out)})`,
    `model.load_state_dict(load_file(${name}))`,
  ].join('\n');
}

/**
 * The page's settings (State keys: preset, d, lr, batch, seed, p and the capacity lab's reg,
 * lambda, tied, loss, act) for a file's engine settings, and a sentence per engine setting the
 * page has no control for (the model keeps it until a setting changes).
 */
export function patchOf(s) {
  const patch = {
    preset: s.variant === 'denoising' ? 'denoising' : 'standard',
    d: s.d, lr: s.lr, batch: s.batch, seed: s.seed,
    reg: s.variant === 'contractive' ? 'contractive' : 'none', lambda: s.lambda,
    tied: String(!!s.tied), loss: s.loss, act: s.activation === 'linear' ? 'linear' : 'tanh',
  };
  if (s.variant === 'denoising') patch.p = s.noise_p;
  const unshown = [];
  if (s.hidden?.length) unshown.push(`hidden layers of ${s.hidden.join(', ')} units`);
  if (s.optimizer && s.optimizer !== 'adam') unshown.push(`the ${s.optimizer} optimiser`);
  if (s.variant === 'denoising' && s.corruption && s.corruption !== 'dropout') unshown.push(`the ${s.corruption} corruption`);
  return { patch, unshown };
}

/** A file name for a download: "autoencoder-d30-20ep.safetensors". */
export function saveName(d, epochs) {
  return `autoencoder-d${d}-${epochs}ep.safetensors`;
}

/** "3 min ago" and the like, for the resume offer. */
export function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
