// The recording store's retry policy and loop (static/js/pending_uploads.js) with a fake clock:
// what is retried, how long it waits, that "online" / Retry try at once and never twice at the
// same time, and that only 201/202 end it as accepted.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { RETRY_POLICY, RetryLoop, clipType, newUploadKey, retryDelay, uploadHeaders, uploadOutcome } from '../../static/js/pending_uploads.js';

/** A clock whose timers run only when the test advances it. */
function fakeClock() {
  let now = 0, nextId = 1;
  const timers = new Map();
  return {
    setTimeout(fn, ms) { const id = nextId++; timers.set(id, { fn, at: now + ms }); return id; },
    clearTimeout(id) { timers.delete(id); },
    pending() { return [...timers.values()].map((t) => t.at - now); },
    async advance(ms) {
      now += ms;
      for (const [id, t] of [...timers]) {
        if (t.at <= now) { timers.delete(id); t.fn(); }
      }
      await new Promise((r) => setImmediate(r));
    },
  };
}

/** A server answering from a list of statuses, recording each attempt. */
function server(statuses) {
  const calls = [];
  return {
    calls,
    send: async () => {
      const status = statuses[Math.min(calls.length, statuses.length - 1)];
      calls.push(status);
      return { status, body: status === 202 ? { id: 7 } : { detail: `status ${status}` } };
    },
  };
}

test('only 201/202 are accepted; network errors, 408, 429 and 5xx are retried; other 4xx refused', () => {
  assert.equal(uploadOutcome(201), 'accepted');
  assert.equal(uploadOutcome(202), 'accepted');
  for (const s of [0, 408, 429, 500, 502, 503]) assert.equal(uploadOutcome(s), 'retry', s);
  for (const s of [200, 400, 401, 403, 404, 413, 415]) assert.equal(uploadOutcome(s), 'refused', s);
});

test('the wait doubles from 2 s and stops growing at a minute', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelay(n)), [2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  assert.equal(retryDelay(1, { ...RETRY_POLICY, firstDelayMs: 500 }), 500);
});

test('network errors and 503 are retried by themselves until the server accepts', async () => {
  const clock = fakeClock();
  const srv = server([0, 503, 202]);
  const seen = { accepted: null, waits: [] };
  const loop = new RetryLoop({
    send: srv.send, clock,
    onAccepted: (body) => { seen.accepted = body; },
    onWaiting: ({ delayMs }) => seen.waits.push(delayMs),
  });
  await loop.now();
  assert.deepEqual(srv.calls, [0]);
  assert.deepEqual(clock.pending(), [2000]);
  await clock.advance(1999);
  assert.deepEqual(srv.calls, [0]); // not before its time
  await clock.advance(1);
  assert.deepEqual(srv.calls, [0, 503]);
  await clock.advance(4000);
  assert.deepEqual(srv.calls, [0, 503, 202]);
  assert.deepEqual(seen.waits, [2000, 4000]);
  assert.deepEqual(seen.accepted, { id: 7 });
  assert.equal(loop.finished, 'accepted');
  assert.deepEqual(clock.pending(), []); // nothing more scheduled
});

test('coming back online (or Retry) tries at once; a second press while sending does nothing', async () => {
  const clock = fakeClock();
  let release;
  const calls = [];
  const loop = new RetryLoop({
    clock,
    send: () => {
      calls.push(clock.pending().length);
      if (calls.length === 1) return Promise.resolve({ status: 0, body: null });
      return new Promise((r) => { release = () => r({ status: 201, body: { id: 1 } }); });
    },
  });
  await loop.now();
  assert.equal(calls.length, 1);
  assert.deepEqual(clock.pending(), [2000]);
  const first = loop.now(); // the 'online' event
  assert.deepEqual(clock.pending(), []); // the scheduled attempt is cancelled
  await loop.now(); // Retry pressed while that request is on its way
  assert.equal(calls.length, 2);
  release();
  await first;
  assert.equal(loop.finished, 'accepted');
  await loop.now(); // nothing after acceptance
  assert.equal(calls.length, 2);
});

test('a refusal stops the loop and keeps nothing scheduled; a throwing send counts as offline', async () => {
  const clock = fakeClock();
  const refused = [];
  const loop = new RetryLoop({ send: server([415]).send, clock, onRefused: (a) => refused.push(a.status) });
  await loop.now();
  assert.deepEqual(refused, [415]);
  assert.equal(loop.finished, 'refused');
  assert.deepEqual(clock.pending(), []);

  const waits = [];
  const throwing = new RetryLoop({ send: () => Promise.reject(new Error('boom')), clock, onWaiting: (a) => waits.push(a.status) });
  await throwing.now();
  assert.deepEqual(waits, [0]);
  throwing.cancel();
  assert.deepEqual(clock.pending(), []);
});

test('a chosen video is sent with a video type, from its extension when the browser gave none', () => {
  assert.equal(clipType('IMG_0001.MOV', ''), 'video/quicktime');
  assert.equal(clipType('IMG_0001.MOV', 'application/octet-stream'), 'video/quicktime');
  assert.equal(clipType('clip.m4v', ''), 'video/mp4');
  assert.equal(clipType('clip.webm', 'video/webm'), 'video/webm');
  assert.equal(clipType('clip.mp4', 'video/x-custom'), 'video/x-custom'); // the browser knows better
  assert.equal(clipType('notes.txt', 'text/plain'), 'text/plain'); // the server refuses it
  assert.equal(clipType('noextension', ''), '');
});

test('every recording gets its own upload key, sent with every attempt', () => {
  const keys = new Set(Array.from({ length: 50 }, () => newUploadKey()));
  assert.equal(keys.size, 50);
  for (const key of keys) assert.match(key, /^[A-Za-z0-9._:-]{8,64}$/); // what the server accepts
  const fallback = newUploadKey({ getRandomValues: (a) => a.fill(171) }); // no randomUUID
  assert.equal(fallback, 'ab'.repeat(16));
  const entry = { uploadKey: 'k-12345678' };
  assert.deepEqual(uploadHeaders(entry), { 'Idempotency-Key': 'k-12345678' });
  assert.deepEqual(uploadHeaders({}), {}); // kept before keys existed: sent without one
});
