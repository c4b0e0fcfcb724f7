// Whole numbers as the page writes them, with thousands separators ("9,000 training"). Not
// Number.prototype.toLocaleString: its first call in a page loads the locale data, 34–68 ms on
// the main thread in headless Chromium, and the first reconstructions waited for it (the data
// box's sentence is written when the first model is ready). tests/js/grouped.test.mjs keeps
// toLocaleString and Intl out of www/.

/** 12345.6 → "12,346", -1234 → "-1,234"; NaN and ±∞ as String(v). */
export function grouped(v) {
  const n = Math.round(Number(v));
  if (!Number.isFinite(n)) return String(n);
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
