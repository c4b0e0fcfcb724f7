// A page's status line and its live region. The line a sighted reader sees is redrawn as often
// as the counters beside it (every frame while training); a hidden twin with role="status"
// (`.visually-hidden`), which a screen reader reads out, takes the same text at once after a
// command and when training stops, but while training at most every EVERY_MS: a frame can come
// every 80 ms, far too often to be read out, and a line that waits as long would lag the counters.
//
//   const status = new StatusLine($('status'), $('status-said'));
//   status.say('Not training: d is invalid. …');     // shown and read out now
//   status.show('epoch 3/20 · batch 7/36 · …');       // shown; read out if EVERY_MS have passed
//   status.show('Paused · step 1,200', true);          // shown; read out now unless it was just read

/** While training, the live region speaks at most this often (ms). */
export const EVERY_MS = 3000;

export class StatusLine {
  /** `line`: the visible status element; `said`: its live region; `now()`: the clock in ms. */
  constructor(line, said, now = () => performance.now()) {
    this.line = line;
    this.said = said;
    this.now = now;
    this.saidAt = -Infinity;
    this.lastSaid = null; // the text read out last
  }

  /** Shows `text` and reads it out now, even if it was the last thing read. */
  say(text) {
    this.line.textContent = text;
    this.said.textContent = text;
    this.lastSaid = text;
    this.saidAt = this.now();
  }

  /** Shows `text`; reads it out too when EVERY_MS have passed since the last reading, or at once
   *  when `urgent` (training stopped, say) — unless it is the very text read last. */
  show(text, urgent = false) {
    if (this.line.textContent !== text) this.line.textContent = text;
    if (this.lastSaid === text) return;
    if (urgent || this.now() - this.saidAt >= EVERY_MS) this.say(text);
  }
}
