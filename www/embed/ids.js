// Which views embed: the training view, every lab experiment of the registry (labs/index.js), the
// 2-D lab; and reading the one an embed link names. Pure; used by the embed page and the tests.
import { EXPERIMENT_IDS } from '../labs/index.js';
import { TRAIN, MANIFOLD } from './links.js';

/** Every embeddable view, in page order. */
export const EMBED_IDS = Object.freeze([TRAIN, ...EXPERIMENT_IDS, MANIFOLD]);

/** The id of the view in `search` ('?lab=latent/map'): {id} or {error: a sentence}. */
export function readLab(search) {
  const id = new URLSearchParams(search).get('lab');
  if (id === null) return { error: `This embed link names no lab: add ?lab= and one of ${EMBED_IDS.join(', ')}.` };
  if (!EMBED_IDS.includes(id)) {
    const shown = id.length > 40 ? `${id.slice(0, 40)}…` : id;
    return { error: `There is no lab “${shown}” to embed. Known: ${EMBED_IDS.join(', ')}.` };
  }
  return { id };
}
