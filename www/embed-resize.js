// Autoencoder Playground: fit embedded labs to their content. Put it once on the page that embeds
// them (the Embed dialog's snippet includes it; docs/embed.md):
//
//   <iframe src="https://…/embed.html?lab=latent/map#preset=standard&d=30" style="width:100%;height:480px;border:0"></iframe>
//   <script src="https://…/embed-resize.js" async></script>
//
// Each embed posts {type: 'autoencoder-playground:height', lab, height} to its parent whenever its
// content changes height; this sets the height of the <iframe> it came from — only an <iframe> whose
// src has the message's origin, and only to 80 … 20,000 CSS px. Classic script, no dependencies,
// safe to load more than once.
(function () {
  'use strict';
  if (window.autoencoderPlaygroundResize) return;
  window.autoencoderPlaygroundResize = true;
  var TYPE = 'autoencoder-playground:height';
  addEventListener('message', function (e) {
    var d = e.data;
    if (!d || d.type !== TYPE || typeof d.height !== 'number' || !isFinite(d.height)) return;
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (f.contentWindow !== e.source) continue;
      var origin;
      try { origin = new URL(f.src, location.href).origin; } catch (err) { return; }
      if (origin !== e.origin) return;
      f.style.height = Math.round(Math.min(20000, Math.max(80, d.height))) + 'px';
      return;
    }
  });
})();
