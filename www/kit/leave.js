// Leaving a page that holds a model nowhere else: the browser's own "Leave site?" question, so
// that closing the tab, reloading or following a link never loses training silently. Each part of
// a page that keeps trained models in memory only (a lab's own models; the training page's batches
// since its last copy in IndexedDB) registers a function that says what would be lost, or null;
// one `beforeunload` listener asks whenever any of them says something. Browsers show their own
// fixed words; ours are in the event's returnValue and in `leaveLoss()` for tests and scripts.
//
//   const stop = warnOnLeave(() => (trainedHere > 0 ? 'the comparison’s two trained models' : null));
//   stop();   // when the part unmounts

const parts = new Set();
let listening = false;

/** Register `lossNow` (→ a phrase naming what leaving would lose, or null); returns the unregister function. */
export function warnOnLeave(lossNow) {
  parts.add(lossNow);
  if (!listening && typeof addEventListener === 'function') {
    addEventListener('beforeunload', onBeforeUnload);
    listening = true;
  }
  return () => parts.delete(lossNow);
}

/** What leaving now would lose, "a; b", or null when nothing would. */
export function leaveLoss() {
  const lost = [];
  for (const f of parts) {
    const what = f();
    if (what) lost.push(what);
  }
  return lost.length ? lost.join('; ') : null;
}

/** The `beforeunload` listener: asks (preventDefault + returnValue) only when something would be lost. */
export function onBeforeUnload(e) {
  const what = leaveLoss();
  if (!what) return;
  e.preventDefault();
  e.returnValue = `Leaving this page loses ${what}.`; // older browsers ask only when this is set
}
