// The page's kept model in IndexedDB: one record, the last model's weights (safetensors bytes) and
// the settings that rebuild it, so that reopening the page can offer to resume it. Storage may be
// unavailable — private browsing, a third-party iframe, storage blocked by the person or the
// browser —: `openStore` then resolves to a store that keeps nothing and says why, once, in
// `reason`; no call here ever throws at its caller.
//
//   const store = await openStore();   // store.available, store.reason ('' when available)
//   await store.put({ bytes, hash, title, epochs });   // bytes a Blob; true when kept
//   await store.get();                 // the record (bytes a Uint8Array, savedAt ms since 1970) or null
//   await store.forget();              // true when nothing is kept any more

const DB_NAME = 'autoencoder-playground';
const DB_VERSION = 1;
const STORE = 'models';
const KEY = 'last';
/** How long opening the database may take before the page goes on without it (ms). */
export const OPEN_TIMEOUT_MS = 4000;

/** An IDBRequest as a promise. */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('the request failed'));
  });
}

/** Why storage cannot be used, as the end of a sentence ("… because <reason>"). */
function reasonOf(e) {
  const m = e?.message || String(e);
  return m.length > 160 ? `${m.slice(0, 160)}…` : m;
}

class Store {
  /** `db`: an open IDBDatabase, or null with `reason` saying why storage is unavailable. */
  constructor(db, reason = '') {
    this.db = db;
    this.reason = db ? '' : reason;
  }

  get available() {
    return !!this.db;
  }

  /** Runs `fn(objectStore)` in one transaction; resolves to its request's result, or `fallback` on any failure. */
  async run(mode, fn, fallback) {
    if (!this.db) return fallback;
    try {
      const tx = this.db.transaction(STORE, mode);
      const committed = new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onabort = tx.onerror = () => reject(tx.error ?? new Error('the transaction failed'));
      });
      const result = await done(fn(tx.objectStore(STORE)));
      await committed;
      return result;
    } catch (e) {
      console.warn(`Kept model: ${reasonOf(e)}`);
      return fallback;
    }
  }

  /** The kept record ({bytes: Uint8Array, hash, title, epochs, savedAt, …}) or null. */
  async get() {
    const r = await this.run('readonly', (s) => s.get(KEY), null);
    if (r && r.bytes instanceof Blob) {
      try {
        return { ...r, bytes: new Uint8Array(await r.bytes.arrayBuffer()) };
      } catch (e) {
        console.warn(`Kept model: ${reasonOf(e)}`);
        return null;
      }
    }
    return r && r.bytes instanceof Uint8Array ? r : null;
  }

  /**
   * Keep `record` (its `bytes` a Blob) as the last model; true when it was kept. A Blob is stored
   * apart from the record, whereas a typed array is serialised on the page's thread (a 3 MB model:
   * a 60 ms task, every time the model is kept); and making the Blob copies the bytes, so the
   * page's keep asks the worker for one (worker-queries.js).
   */
  async put(record) {
    const value = { ...record, savedAt: Date.now() };
    const r = await this.run('readwrite', (s) => s.put(value, KEY), undefined);
    return r !== undefined;
  }

  /** Forget the kept model; true when nothing is kept any more. */
  async forget() {
    const r = await this.run('readwrite', (s) => s.delete(KEY), false);
    return r !== false;
  }
}

/**
 * Opens the page's database (`name` for tests). Always resolves: to a working store, or to one
 * with `available` false and `reason` a short text for the page.
 */
export async function openStore(name = DB_NAME) {
  let request;
  try {
    if (typeof indexedDB === 'undefined' || !indexedDB) return new Store(null, 'this browser offers no IndexedDB here');
    request = indexedDB.open(name, DB_VERSION); // throws SecurityError where storage is forbidden
  } catch (e) {
    return new Store(null, reasonOf(e));
  }
  request.onupgradeneeded = () => request.result.createObjectStore(STORE);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(new Store(null, 'the browser did not open its storage in time')), OPEN_TIMEOUT_MS);
  });
  const opened = done(request).then(
    (db) => new Store(db),
    (e) => new Store(null, reasonOf(e)),
  );
  const store = await Promise.race([opened, timeout]);
  clearTimeout(timer);
  return store;
}
