// The text controls of a settings form, written once: index.html and manifold.html give each
// field as <div class="field" data-key="lr" data-inputmode="decimal"><label>…</label><small>hint
// </small></div>, and `buildTextFields` adds the labelled input and the error line the page's
// state fills (ids `KEY`, `KEY-hint`, `KEY-error`), before the page looks them up.

/** Complete every `.field[data-key]` under `root` that has no input yet. */
export function buildTextFields(root = document) {
  for (const field of root.querySelectorAll('.field[data-key]')) {
    if (field.querySelector('input, select')) continue;
    const key = field.dataset.key;
    const label = field.querySelector('label');
    const hint = field.querySelector('small');
    const input = document.createElement('input');
    Object.assign(input, { id: key, name: key, type: 'text', autocomplete: 'off', spellcheck: false });
    input.setAttribute('inputmode', field.dataset.inputmode || 'text');
    input.setAttribute('aria-describedby', `${key}-hint ${key}-error`);
    label.htmlFor = key;
    label.after(input);
    hint.className = 'hint';
    hint.id = `${key}-hint`;
    const error = document.createElement('p');
    error.className = 'error';
    error.id = `${key}-error`;
    error.hidden = true;
    field.append(error);
  }
}
