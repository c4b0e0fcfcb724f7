// Node tests of the embeds' pure part (www/embed/links.js, www/embed/ids.js): which views embed, how a link names
// one, the embed and playground URLs beside any page (a sub-path too), the notes snippet.
// Expected URLs are written out by hand from the rules in links.js's header.
// Run: node --test tests/js/embed-links.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPERIMENT_IDS } from '../../www/labs/index.js';
import { embedUrl, playgroundUrl, iframeSnippet, headingTitle } from '../../www/embed/links.js';
import { EMBED_IDS, readLab } from '../../www/embed/ids.js';

test('every view embeds: the training view, each experiment of the registry, the 2-D lab', () => {
  assert.deepEqual(EMBED_IDS, ['train', ...EXPERIMENT_IDS, 'manifold']);
  assert.equal(EMBED_IDS.length, 15);
});

test('readLab: a known id, or a sentence that lists the known ones', () => {
  assert.deepEqual(readLab('?lab=latent/map'), { id: 'latent/map' });
  assert.deepEqual(readLab('?lab=latent%2Fmap'), { id: 'latent/map' });
  assert.deepEqual(readLab('?x=1&lab=manifold'), { id: 'manifold' });
  assert.match(readLab('').error, /names no lab.*train, denoise\/corruptions/);
  for (const bad of ['?lab=', '?lab=latent', '?lab=__proto__', '?lab=latent/map/x', '?lab=TRAIN']) {
    assert.match(readLab(bad).error, /There is no lab “.*” to embed\. Known: train,/, bad);
  }
  assert.ok(readLab(`?lab=${'x'.repeat(5000)}`).error.length < 600, 'a long id is quoted short');
});

test('embedUrl and playgroundUrl sit beside the page, at the root or under a sub-path', () => {
  const page = 'https://u.github.io/notes/ae/index.html#preset=standard&d=30';
  assert.equal(embedUrl('latent/map', '#preset=standard&d=30', page), 'https://u.github.io/notes/ae/embed.html?lab=latent/map#preset=standard&d=30');
  assert.equal(embedUrl('train', 'd=30', 'http://127.0.0.1:8080/'), 'http://127.0.0.1:8080/embed.html?lab=train#d=30');
  assert.equal(embedUrl('manifold', '', 'http://h/x/manifold.html'), 'http://h/x/embed.html?lab=manifold');
  const embed = 'https://u.github.io/notes/ae/embed.html?lab=capacity/tied#d=64&tied=true';
  assert.equal(playgroundUrl('capacity/tied', '#d=64&tied=true', embed), 'https://u.github.io/notes/ae/index.html#d=64&tied=true');
  assert.equal(playgroundUrl('manifold', '#curve=arcs', embed), 'https://u.github.io/notes/ae/manifold.html#curve=arcs');
});

test('the snippet: the iframe of the URL (escaped), a title, the resize script beside it', () => {
  const url = 'https://u.github.io/ae/embed.html?lab=latent/map#preset=standard&d=30';
  const s = iframeSnippet(url, 'The "latent" <map>');
  assert.equal(s,
    '<iframe src="https://u.github.io/ae/embed.html?lab=latent/map#preset=standard&amp;d=30" '
    + 'title="Autoencoder Playground: The &quot;latent&quot; &lt;map&gt;" style="width:100%;height:480px;border:0" loading="lazy"></iframe>\n'
    + '<script src="https://u.github.io/ae/embed-resize.js" async></script>');
});

test('headingTitle drops the box number', () => {
  assert.equal(headingTitle('2 · The latent map'), 'The latent map');
  assert.equal(headingTitle('  1 ·  Pixel space\n vs latent space (figs 3–4) '), 'Pixel space vs latent space (figs 3–4)');
  assert.equal(headingTitle(undefined), '');
});
