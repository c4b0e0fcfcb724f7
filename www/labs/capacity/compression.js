// capacity/compression: the code as a compressed image — d numbers (f32 or 8-bit) instead of 784
// one-byte pixels — and how faithful its reconstruction is (PSNR), from the lab's report.
import { setHtml } from '../../kit/dom.js';
import { capacityExperiment } from './part.js';
import { db } from './shared.js';

const HTML = `
<section class="cap-box" aria-labelledby="cap-comp-title">
  <h3 id="cap-comp-title">2 · Compression</h3>
  <p class="explain">The code is the compressed image: <span class="math">d</span> numbers instead of 784 one-byte
    pixels. PSNR <span class="math">= 10·log₁₀(range² / MSE)</span> says how faithful the reconstruction is
    (higher is better); above <span class="math">d = 196</span> an f32 code is larger than the image.</p>
  <dl class="cap-meters" id="cap-comp"></dl>
</section>
`;

export function mount(container, model, opts = {}) {
  const { lab, $, unmount } = capacityExperiment(container, model, opts, HTML);
  const comp = $('#cap-comp');
  lab.on('report', (r) => {
    const z = r.sizes;
    setHtml(comp, `
      <div><dt>image</dt><dd>${z.image_bytes} bytes (784 pixels × 1 byte)</dd></div>
      <div><dt>code, f32</dt><dd>${z.f32_bytes} bytes (4 × ${r.d}) · ratio ${z.ratio_f32.toFixed(2)} : 1</dd></div>
      <div><dt>code, 8-bit</dt><dd>${z.u8_bytes} bytes${z.u8_bytes > r.d ? ' (d + min, max)' : ''} · ratio ${z.ratio_u8.toFixed(2)} : 1</dd></div>
      <div><dt>PSNR, f32 code</dt><dd>${db(r.psnr)} (MSE ${r.mse.toFixed(4)})</dd></div>
      <div><dt>PSNR, 8-bit code</dt><dd>${db(r.psnr_u8)} (MSE ${r.mse_u8.toFixed(4)})</dd></div>`);
    comp.setAttribute('aria-label', `Compression of the current model, on the first ${r.count} digits`);
  });
  return { unmount };
}
