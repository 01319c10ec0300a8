// Which TF.js backend runs the live pose model on this device: WebGL where the graphics card
// draws, WebAssembly where WebGL is drawn in software (SwiftShader, llvmpipe, Microsoft Basic
// Render: hospital PCs, old laptops, headless browsers), where WebGL runs at 2-3 frames/s.
//
// Order: `?backend=wasm|webgl` forces one; else the choice remembered for this device (the key
// holds a version and the browser's user agent, so a browser update decides again); else a
// software renderer means WASM; else a few timed runs of a small convolution on each backend.
// The pure decisions are exported for tests/js/backend_choice.test.mjs.

export const BACKENDS = ['webgl', 'wasm'];
export const CHOICE_VERSION = 1;
export const STORAGE_KEY = 'therapose.backendChoice';
// Older pages stored a forced backend under this key: still honoured as a force.
export const LEGACY_FORCE_KEY = 'therapose.backend';

const SOFTWARE_RENDERERS = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/softpipe/i, 'softpipe'],
  [/microsoft basic render/i, 'Microsoft Basic Render'],
  [/software/i, 'software renderer'],
];

/** The software renderer named in a WebGL renderer string, or null for real hardware. */
export function softwareRenderer(renderer) {
  if (!renderer) return null;
  const hit = SOFTWARE_RENDERERS.find(([pattern]) => pattern.test(renderer));
  return hit ? hit[1] : null;
}

/** The backend forced by `?backend=` (or the older localStorage key), else null. */
export function forcedBackend(search, storage) {
  const fromQuery = new URLSearchParams(search || '').get('backend');
  const forced = fromQuery || safeGet(storage, LEGACY_FORCE_KEY);
  return BACKENDS.includes(forced) ? forced : null;
}

/** What identifies "this device and browser" for the remembered choice. */
export function deviceKey(userAgent, renderer) {
  return `v${CHOICE_VERSION}|${userAgent || ''}|${renderer || ''}`;
}

/** The remembered choice when it was made by this version for this device, else null. */
export function rememberedChoice(storage, key) {
  const raw = safeGet(storage, STORAGE_KEY);
  if (!raw) return null;
  try {
    const saved = JSON.parse(raw);
    if (saved && saved.key === key && BACKENDS.includes(saved.name)) return { name: saved.name, reason: saved.reason };
  } catch { /* a damaged entry decides again */ }
  return null;
}

export function rememberChoice(storage, key, choice) {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify({ key, name: choice.name, reason: choice.reason }));
  } catch { /* private mode or storage full: decide again next time */ }
}

/**
 * Decide from what is known without running anything: a forced backend, a remembered choice,
 * no WebGL, or a software renderer. Returns null when only timing can tell.
 */
export function decideWithoutTiming({ forced, remembered, renderer, webglAvailable }) {
  if (forced) return { name: forced, reason: 'forced by ?backend=' };
  if (remembered) return { name: remembered.name, reason: `remembered (${remembered.reason})` };
  if (!webglAvailable) return { name: 'wasm', reason: 'no WebGL in this browser' };
  const software = softwareRenderer(renderer);
  if (software) return { name: 'wasm', reason: `WebGL is software-rendered (${software})` };
  return null;
}

/** The faster backend from timed runs (milliseconds per run; a failed backend is Infinity). */
export function pickByTiming(times) {
  const wasm = times.wasm ?? Infinity;
  const webgl = times.webgl ?? Infinity;
  const fmt = (ms) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'failed');
  // Ties go to WebGL: it leaves the main thread's CPU to the page.
  const name = wasm < webgl ? 'wasm' : 'webgl';
  return { name, reason: `timed: wasm ${fmt(wasm)} vs webgl ${fmt(webgl)}` };
}

/** The unmasked WebGL renderer string, '' when hidden, null when there is no WebGL. */
export function webglRenderer(doc = globalThis.document) {
  if (!doc) return null;
  let gl = null;
  try {
    const canvas = doc.createElement('canvas');
    gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
  } catch { return null; }
  if (!gl) return null;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  const lose = gl.getExtension('WEBGL_lose_context');
  if (lose) lose.loseContext();
  return String(renderer || '');
}

/**
 * Milliseconds per run of a small convolution stack, about one MoveNet layer's work at its
 * input size, after a warm-up (WebGL compiles its shaders on the first run).
 */
export async function timeBackend(tf, name, { runs = 4 } = {}) {
  try {
    if (!(await tf.setBackend(name))) return Infinity;
    await tf.ready();
    const x = tf.randomUniform([1, 96, 96, 24]);
    const w = tf.randomUniform([3, 3, 24, 24]);
    const step = () => tf.tidy(() => tf.relu(tf.conv2d(tf.relu(tf.conv2d(x, w, 1, 'same')), w, 1, 'same')).sum());
    const warm = step();
    await warm.data();
    warm.dispose();
    const start = performance.now();
    for (let i = 0; i < runs; i += 1) {
      const out = step();
      await out.data(); // wait for the device, as the live loop does
      out.dispose();
    }
    const ms = (performance.now() - start) / runs;
    x.dispose();
    w.dispose();
    return ms;
  } catch (err) {
    console.warn(`TF.js backend ${name} could not be timed`, err);
    return Infinity;
  }
}

async function activate(tf, name) {
  try {
    if (await tf.setBackend(name)) {
      await tf.ready();
      return true;
    }
  } catch (err) {
    console.warn(`TF.js backend ${name} unavailable`, err);
  }
  return false;
}

/**
 * Choose, activate and return the backend for the live page: `{ name, reason }`.
 * Throws when neither backend starts.
 */
export async function chooseBackend({
  tf, wasmPath, storage = window.localStorage, search = window.location.search,
  userAgent = globalThis.navigator ? navigator.userAgent : '', doc = globalThis.document,
}) {
  if (wasmPath && tf.wasm && tf.wasm.setWasmPaths) tf.wasm.setWasmPaths(wasmPath);
  const renderer = webglRenderer(doc);
  const key = deviceKey(userAgent, renderer);
  const forced = forcedBackend(search, storage);
  let choice = decideWithoutTiming({
    forced, remembered: forced ? null : rememberedChoice(storage, key), renderer, webglAvailable: renderer !== null,
  });
  if (!choice) {
    const times = {};
    for (const name of ['wasm', 'webgl']) times[name] = await timeBackend(tf, name);
    choice = pickByTiming(times);
  }
  if (await activate(tf, choice.name)) {
    if (!forced && !choice.reason.startsWith('remembered')) rememberChoice(storage, key, choice);
    return choice;
  }
  const other = BACKENDS.find((n) => n !== choice.name);
  if (await activate(tf, other)) return { name: other, reason: `${choice.name} failed to start` };
  throw new Error('This browser cannot run the pose model (neither WebGL nor WebAssembly).');
}

function safeGet(storage, key) {
  try { return storage ? storage.getItem(key) : null; } catch { return null; }
}
