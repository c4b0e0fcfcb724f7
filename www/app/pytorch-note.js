// The page's note on outgrowing the browser: train bigger in PyTorch with the notebook's class and
// look at the result here, or take a model from here on into PyTorch. The Python lines are the
// README's ("Outgrowing the browser"), word for word: tests/js/pytorch-note.test.mjs compares the
// two, so there is one text to change. Mounted once into the Model panel's keep box.
import { el } from '../kit/dom.js';

/** The README's Python block, line for line (the page fetches nothing to show it). */
export const PYTORCH_LINES = Object.freeze([
  'from safetensors.torch import save_file, load_file',
  'save_file(model.state_dict(), "ae.safetensors")      # then Load weights on the page',
  'model.load_state_dict(load_file("ae.safetensors"))   # a file saved by the page\'s Save weights',
]);

/** A closed "Train bigger in PyTorch" box at the end of `keepBox` (#keep). */
export function mountPytorchNote(keepBox) {
  if (!keepBox) return null;
  const box = el('details', { class: 'keep-python pytorch-note', id: 'pytorch-note' },
    el('summary', {}, 'Train bigger in PyTorch'),
    el('p', { class: 'note' },
      'This page trains on 9,000 digits with one core of this computer. For all 60,000 MNIST digits, a GPU, '
      + 'or several machines (PyTorch’s torch.distributed and torchrun), train the notebook’s Autoencoder '
      + 'class in PyTorch, save it with the second line and open the file here with Load weights; or press '
      + 'Save weights here and go on training in PyTorch from the file with the third.'),
    el('pre', {}, el('code', {}, PYTORCH_LINES.join('\n'))));
  keepBox.append(box);
  return box;
}
