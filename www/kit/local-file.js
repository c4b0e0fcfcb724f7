// Opened from disk (file://), a browser refuses the pages' module scripts, workers and data
// fetches, so "Loading…" would stay forever: say instead, in the status line, how to serve the
// folder. A classic script (not a module) because file:// still runs those; both pages load it.
(function sayHowToServe() {
  if (location.protocol !== 'file:') return;
  const status = document.getElementById('status');
  if (!status) return;
  status.textContent = 'This page cannot run from a file on disk (browsers block its scripts and data there): '
    + 'serve its folder instead, e.g. run “python3 -m http.server” in it and open http://localhost:8000/.';
  status.dataset.fileUrl = 'true';
  status.classList.add('file-url');
  const said = document.getElementById('status-said'); // its live twin (kit/status-line.js)
  if (said) said.textContent = status.textContent;
}());
