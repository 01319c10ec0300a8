// Recordings waiting for the server. A recording (a video Blob, or in privacy mode the keypoint
// track) is written to IndexedDB before it is sent and removed only once the server accepted it
// (201/202), so a closed tab, a dropped connection or a refused upload never loses it.
//
// The retry policy and the loop that applies it are pure (a clock can be passed in) and tested
// in node (tests/js/pending_uploads.test.mjs); the store needs a browser's IndexedDB.

/** Backoff between automatic attempts: 2 s, 4 s, 8 s ... at most a minute. */
export const RETRY_POLICY = Object.freeze({ firstDelayMs: 2000, factor: 2, maxDelayMs: 60000 });

/** What an answer means for a recording: 'accepted' (remove it), 'retry' (the network or the
 * server failed: try again by itself) or 'refused' (the server will refuse it again: keep it
 * and tell the patient). Status 0 is a network error. */
export function uploadOutcome(status) {
  if (status === 201 || status === 202) return 'accepted';
  if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
  return 'refused';
}

/** The wait before automatic attempt `failures + 1` after `failures` failed ones. */
export function retryDelay(failures, policy = RETRY_POLICY) {
  const n = Math.max(0, failures - 1);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * policy.factor ** n);
}

/** A fresh key for one recording, sent as `Idempotency-Key` with every attempt: when the
 * server's answer to an attempt it accepted is lost, the retry gets the same session back
 * instead of creating a second one. */
export function newUploadKey(cryptoImpl = globalThis.crypto) {
  if (cryptoImpl && typeof cryptoImpl.randomUUID === 'function') return cryptoImpl.randomUUID();
  const bytes = cryptoImpl.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The request headers that go with every attempt of `entry` (its key, when it has one). */
export function uploadHeaders(entry) {
  return entry && entry.uploadKey ? { 'Idempotency-Key': entry.uploadKey } : {};
}

const realClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
};

/**
 * Sends one recording until the server accepts or refuses it. `send()` resolves with
 * `{status, body}` (status 0 on a network error, never rejects); callbacks: `onAccepted(body)`,
 * `onWaiting({status, body, delayMs, failures})`, `onRefused({status, body})`. `now()` (the
 * browser went online, the patient pressed Retry) tries at once; a second `now()` while a
 * request is on its way does nothing, so one recording is never sent twice at the same time.
 */
export class RetryLoop {
  constructor({ send, onAccepted = () => {}, onWaiting = () => {}, onRefused = () => {}, onSending = () => {}, clock = realClock, policy = RETRY_POLICY }) {
    Object.assign(this, { send, onAccepted, onWaiting, onRefused, onSending, clock, policy });
    this.failures = 0;
    this.timer = null;
    this.sending = false;
    this.finished = null; // 'accepted' | 'refused' once settled
  }

  /** Try now (cancels a scheduled attempt). Resolves when this attempt has been answered. */
  async now() {
    if (this.sending || this.finished) return;
    if (this.timer !== null) { this.clock.clearTimeout(this.timer); this.timer = null; }
    this.sending = true;
    this.onSending(this.failures);
    let answer;
    try {
      answer = await this.send();
    } catch (err) {
      answer = { status: (err && err.status) || 0, body: (err && err.body) || null };
    }
    this.sending = false;
    const outcome = uploadOutcome(answer.status);
    if (outcome === 'accepted') {
      this.finished = outcome;
      this.onAccepted(answer.body);
    } else if (outcome === 'refused') {
      this.finished = outcome;
      this.onRefused(answer);
    } else {
      this.failures += 1;
      const delayMs = retryDelay(this.failures, this.policy);
      this.timer = this.clock.setTimeout(() => { this.timer = null; this.now(); }, delayMs);
      this.onWaiting({ ...answer, delayMs, failures: this.failures });
    }
  }

  /** Stop trying (the page is being left; the recording stays in the store). */
  cancel() {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.finished = this.finished || 'cancelled';
  }
}

// What phones record, by file extension, for files whose type the browser does not know (a
// .MOV picked on a desktop browser often comes with none).
const VIDEO_TYPES = { mp4: 'video/mp4', m4v: 'video/mp4', mov: 'video/quicktime', qt: 'video/quicktime', webm: 'video/webm', '3gp': 'video/3gpp' };

/** The type to send a chosen file with: the browser's own if it is a video type, else one
 * from the file's extension, else ''. */
export function clipType(name, declared = '') {
  if (declared && declared.startsWith('video/')) return declared;
  const ext = (String(name).split('.').pop() || '').toLowerCase();
  return VIDEO_TYPES[ext] || declared || '';
}

// --- The store (IndexedDB) ------------------------------------------------------------------

const DB_NAME = 'therapose';
const STORE = 'pending-uploads';

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

let dbPromise = null;
function openDb() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      if (typeof indexedDB === 'undefined') { reject(new Error('IndexedDB is not available')); return; }
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = () => { req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }); };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    dbPromise.catch(() => { dbPromise = null; });
  }
  return dbPromise;
}

async function withStore(mode, fn) {
  const db = await openDb();
  const tx = db.transaction(STORE, mode);
  const result = await request(fn(tx.objectStore(STORE)));
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error); });
  return result;
}

/**
 * Keep a recording: `{routineItem, kind: 'clip' | 'track', blob?, track?, name, createdAt,
 * uploadKey}`.
 * Resolves with its id.
 */
export function pendingPut(entry) {
  const { id, ...rest } = entry;
  return withStore('readwrite', (s) => s.put(id === undefined || id === null ? rest : entry));
}

export function pendingDelete(id) {
  return withStore('readwrite', (s) => s.delete(id));
}

/** The recordings still waiting, oldest first; those for `routineItem` when given. */
export async function pendingList(routineItem = null) {
  const all = await withStore('readonly', (s) => s.getAll());
  return all.filter((e) => routineItem === null || e.routineItem === routineItem).sort((a, b) => a.createdAt - b.createdAt);
}

/** The recording as a file the patient can keep (download). */
export function pendingFile(entry) {
  if (entry.kind === 'track') {
    return { blob: new Blob([JSON.stringify(entry.track)], { type: 'application/json' }), name: entry.name || 'movement.json' };
  }
  return { blob: entry.blob, name: entry.name || 'recording.webm' };
}
