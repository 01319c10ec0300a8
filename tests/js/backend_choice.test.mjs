// The live page's backend decision (static/js/backend_choice.js): forced, remembered per device,
// software renderer, timing. chooseBackend runs against a stand-in `tf` object (the boundary:
// real TF.js runs in the browser tests, tests/browser/test_live_backend.py).
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  LEGACY_FORCE_KEY, STORAGE_KEY, chooseBackend, decideWithoutTiming, deviceKey, forcedBackend, pickByTiming,
  rememberChoice, rememberedChoice, softwareRenderer,
} from '../../static/js/backend_choice.js';

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
}

test('software renderers are recognised, hardware ones are not', () => {
  assert.equal(softwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)'), 'SwiftShader');
  assert.equal(softwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)'), 'llvmpipe');
  assert.equal(softwareRenderer('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11)'), 'Microsoft Basic Render');
  assert.equal(softwareRenderer('Google SwiftShader'), 'SwiftShader');
  assert.equal(softwareRenderer('ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)'), null);
  assert.equal(softwareRenderer('Apple M1'), null);
  assert.equal(softwareRenderer(''), null);
});

test('?backend= forces, the older stored key too, anything else does not', () => {
  const storage = new MemoryStorage();
  assert.equal(forcedBackend('?backend=wasm', storage), 'wasm');
  assert.equal(forcedBackend('?x=1&backend=webgl', storage), 'webgl');
  assert.equal(forcedBackend('?backend=cpu', storage), null);
  assert.equal(forcedBackend('', storage), null);
  storage.setItem(LEGACY_FORCE_KEY, 'wasm');
  assert.equal(forcedBackend('', storage), 'wasm');
  assert.equal(forcedBackend('?backend=webgl', storage), 'webgl');
});

test('a remembered choice holds for the same browser only', () => {
  const storage = new MemoryStorage();
  const key = deviceKey('Chrome/130', 'SwiftShader');
  rememberChoice(storage, key, { name: 'wasm', reason: 'WebGL is software-rendered (SwiftShader)' });
  assert.deepEqual(rememberedChoice(storage, key), { name: 'wasm', reason: 'WebGL is software-rendered (SwiftShader)' });
  assert.equal(rememberedChoice(storage, deviceKey('Chrome/131', 'SwiftShader')), null); // browser updated
  storage.setItem(STORAGE_KEY, '{not json');
  assert.equal(rememberedChoice(storage, key), null);
});

test('decisions without timing, in order', () => {
  const base = { forced: null, remembered: null, renderer: 'NVIDIA GeForce', webglAvailable: true };
  assert.equal(decideWithoutTiming(base), null); // only timing can tell
  assert.equal(decideWithoutTiming({ ...base, forced: 'webgl', renderer: 'SwiftShader' }).name, 'webgl');
  assert.equal(decideWithoutTiming({ ...base, webglAvailable: false }).name, 'wasm');
  const soft = decideWithoutTiming({ ...base, renderer: 'llvmpipe (LLVM 15)' });
  assert.deepEqual(soft, { name: 'wasm', reason: 'WebGL is software-rendered (llvmpipe)' });
  const kept = decideWithoutTiming({ ...base, remembered: { name: 'webgl', reason: 'timed: wasm 40 ms vs webgl 9 ms' } });
  assert.equal(kept.name, 'webgl');
  assert.match(kept.reason, /^remembered/);
});

test('timing picks the faster backend and says by how much', () => {
  assert.deepEqual(pickByTiming({ wasm: 18.2, webgl: 300 }), { name: 'wasm', reason: 'timed: wasm 18 ms vs webgl 300 ms' });
  assert.equal(pickByTiming({ wasm: 40, webgl: 9 }).name, 'webgl');
  assert.equal(pickByTiming({ wasm: 20, webgl: Infinity }).reason, 'timed: wasm 20 ms vs webgl failed');
  assert.equal(pickByTiming({ wasm: 10, webgl: 10 }).name, 'webgl');
});

// A stand-in for TF.js: backends that start (or not) and take a set time per conv2d step.
function fakeTf({ msPer = { wasm: 5, webgl: 50 }, fails = [] } = {}) {
  let clock = 0;
  const tensor = () => ({ dispose() {}, data: async () => [0], sum: () => tensor() });
  const tf = {
    current: null, wasmPaths: null, setCalls: [],
    wasm: { setWasmPaths(p) { tf.wasmPaths = p; } },
    async setBackend(name) { tf.setCalls.push(name); if (fails.includes(name)) return false; tf.current = name; return true; },
    async ready() {},
    randomUniform: tensor,
    tidy: (fn) => fn(),
    conv2d: () => { clock += msPer[tf.current] / 2; return tensor(); }, // two per timed step
    relu: (t) => t,
  };
  globalThis.performance = { now: () => clock };
  return tf;
}

const hardwareDoc = (renderer) => ({
  createElement: () => ({
    getContext: () => ({
      RENDERER: 1, getExtension: (n) => (n === 'WEBGL_debug_renderer_info' ? { UNMASKED_RENDERER_WEBGL: 2 } : null),
      getParameter: () => renderer,
    }),
  }),
});

test('chooseBackend: software WebGL means WASM, remembered for the next visit', async () => {
  const storage = new MemoryStorage();
  const tf = fakeTf();
  const opts = { tf, wasmPath: '/static/vendor/wasm/', storage, search: '', userAgent: 'UA/1', doc: hardwareDoc('Google SwiftShader') };
  const first = await chooseBackend(opts);
  assert.deepEqual(first, { name: 'wasm', reason: 'WebGL is software-rendered (SwiftShader)' });
  assert.equal(tf.wasmPaths, '/static/vendor/wasm/');
  assert.deepEqual(tf.setCalls, ['wasm']); // nothing timed
  const second = await chooseBackend(opts);
  assert.equal(second.name, 'wasm');
  assert.match(second.reason, /^remembered \(WebGL is software-rendered/);
});

test('chooseBackend: a hardware renderer is timed; a forced backend is not remembered', async () => {
  const storage = new MemoryStorage();
  const doc = hardwareDoc('ANGLE (NVIDIA GeForce RTX 3060)');
  const timed = await chooseBackend({ tf: fakeTf({ msPer: { wasm: 30, webgl: 6 } }), storage, search: '', userAgent: 'UA/1', doc });
  assert.equal(timed.name, 'webgl');
  assert.equal(timed.reason, 'timed: wasm 30 ms vs webgl 6 ms');
  const forced = await chooseBackend({ tf: fakeTf(), storage, search: '?backend=wasm', userAgent: 'UA/1', doc });
  assert.deepEqual(forced, { name: 'wasm', reason: 'forced by ?backend=' });
  assert.equal(JSON.parse(storage.getItem(STORAGE_KEY)).name, 'webgl'); // the timed choice stays
});

test('chooseBackend: no WebGL at all, or the chosen backend fails, falls back', async () => {
  const storage = new MemoryStorage();
  const noGl = { createElement: () => ({ getContext: () => null }) };
  const a = await chooseBackend({ tf: fakeTf(), storage, search: '', userAgent: 'UA', doc: noGl });
  assert.deepEqual(a, { name: 'wasm', reason: 'no WebGL in this browser' });
  const b = await chooseBackend({ tf: fakeTf({ fails: ['wasm'] }), storage: new MemoryStorage(), search: '?backend=wasm', userAgent: 'UA', doc: noGl });
  assert.deepEqual(b, { name: 'webgl', reason: 'wasm failed to start' });
  await assert.rejects(
    chooseBackend({ tf: fakeTf({ fails: ['wasm', 'webgl'] }), storage: new MemoryStorage(), search: '', userAgent: 'UA', doc: noGl }),
    /cannot run the pose model/,
  );
});
