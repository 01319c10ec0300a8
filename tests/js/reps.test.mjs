// The browser's counter on the shared vectors: same counts as the server (tests/pose/test_reps_vectors.py).
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import { MIN_SCORE, jointAngle, protocolAngle, segmentAngle } from '../../static/js/angles.js';
import {
  LiveRepCounter, REASON_CLIP_ENDED, REASON_SHALLOW, adaptiveThresholds, countReps, makeThresholds, percentile,
} from '../../static/js/reps.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vectors = JSON.parse(readFileSync(join(root, 'tests', 'vectors', 'reps_vectors.json'), 'utf8'));
const catalog = JSON.parse(readFileSync(join(root, 'exercises', 'catalog.json'), 'utf8'));
const exercises = Object.fromEntries(catalog.exercises.map((e) => [e.slug, e]));

function paramsFor(vector) {
  return { ...exercises[vector.exercise].params, ...vector.params_override };
}

function sides(params) {
  return params.side === 'best' ? ['left', 'right'] : [params.side];
}

function seriesFor(vector, side, params) {
  return vector.keypoints.map((frame) => protocolAngle(frame, params.joint, side, MIN_SCORE));
}

test('vectors share the server gate', () => {
  assert.equal(vectors.min_score, MIN_SCORE);
});

for (const vector of vectors.vectors) {
  const params = paramsFor(vector);

  test(`offline counter: ${vector.name}`, () => {
    const results = sides(params).map((side) => {
      const values = seriesFor(vector, side, params);
      const th = params.enter !== null && params.enter !== undefined
        ? makeThresholds(params.enter, params.exit, params.direction)
        : adaptiveThresholds(values, { direction: params.direction, minRange: params.min_range });
      return countReps(values, th);
    });
    const best = results.reduce((a, b) => (b.count > a.count ? b : a));
    assert.equal(best.count, vector.expected.count);
    assert.equal(best.partial.length, vector.expected.partial);
  });

  test(`live counter: ${vector.name}`, () => {
    const counts = sides(params).map((side) => {
      const live = new LiveRepCounter({
        enter: params.enter ?? null, exit: params.exit ?? null, direction: params.direction, minRange: params.min_range,
      });
      for (const v of seriesFor(vector, side, params)) live.push(v);
      return live.finish().count;
    });
    assert.equal(Math.max(...counts), vector.expected.count);
  });
}

test('hysteresis: shallow and unfinished movements are partial, not counted', () => {
  const th = makeThresholds(20, 70, 'decrease');
  const r = countReps([90, 80, 30, 10, 40, 80, 90, 60, 45, 60, 85, NaN, 15, 50, 20], th);
  assert.equal(r.count, 1);
  assert.deepEqual(r.partial, [REASON_SHALLOW, REASON_CLIP_ENDED]);
});

test('percentile matches numpy linear interpolation', () => {
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.ok(Math.abs(percentile([0, 10], 95) - 9.5) < 1e-12);
});

test('angles: unsigned, mirror-invariant, gated by score', () => {
  assert.equal(segmentAngle([1, 0], [0, -1]), 90);
  const frame = Array.from({ length: 17 }, () => [0, 0, 1]);
  frame[11] = [100, 100, 1]; frame[13] = [100, 200, 1]; frame[15] = [200, 200, 1]; // left hip, knee, ankle
  assert.ok(Math.abs(jointAngle(frame, 'knee_flexion', 'left') - 90) < 1e-9);
  const mirrored = frame.map(([x, y, s]) => [-x, y, s]);
  assert.ok(Math.abs(jointAngle(mirrored, 'knee_flexion', 'left') - 90) < 1e-9);
  frame[13] = [100, 200, 0.1];
  assert.ok(Number.isNaN(jointAngle(frame, 'knee_flexion', 'left')));
});
