// The browser modules take the numbers they share with the engine from the generated
// static/js/shared_constants.js (pose/measures/shared_constants.py; pytest checks the file is
// current: tests/pose/test_shared_constants.py). Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

import SHARED from '../../static/js/shared_constants.js';
import { KP, LIVE_JOINTS, MIN_SCORE, jointAngle } from '../../static/js/angles.js';
import {
  DEFAULT_MIN_RANGE, ENTER_FRACTION, EXIT_FRACTION, HIGH_PERCENTILE, LOW_PERCENTILE, LiveRepCounter,
  REASON_CLIP_ENDED, REASON_SHALLOW, adaptiveThresholds,
} from '../../static/js/reps.js';
import {
  BRIGHTNESS_DEFINITION, DARK_BRIGHTNESS, FRONT_RATIO, IN_FRAME_SCORE, SIDE_RATIO, SetupMonitor, VIEW_MIN_SCORE,
  bodyVisible, classifyView, meanBrightness,
} from '../../static/js/setup_check.js';
import { DRAW_MIN_SCORE, EDGES, drawSkeleton } from '../../static/js/skeleton.js';
import { TrackRecorder } from '../../static/js/track.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const source = (name) => readFileSync(join(root, 'static', 'js', name), 'utf8');

test('the shared module holds the engine numbers the pages use', () => {
  assert.equal(SHARED.min_score, 0.3);
  assert.equal(SHARED.keypoints.length, 17);
  assert.equal(SHARED.brightness.definition, 'mean_rgb');
  assert.equal(SHARED.brightness.too_dark_below, 40);
  assert.equal(SHARED.skeleton.min_score, SHARED.min_score); // draw what the measures use
});

test('angles.js: the score gate, keypoint order and live joints are the engine\'s', () => {
  assert.equal(MIN_SCORE, SHARED.min_score);
  assert.deepEqual(Object.keys(KP), SHARED.keypoints);
  SHARED.keypoints.forEach((name, i) => assert.equal(KP[name], i));
  assert.deepEqual([...LIVE_JOINTS], SHARED.live_joints);
  const frame = Array.from({ length: 17 }, (_, i) => [100 + 10 * i, 50 + 20 * i, 1]);
  for (const joint of LIVE_JOINTS) assert.ok(Number.isFinite(jointAngle(frame, joint, 'left')), joint);
});

test('reps.js: fractions, percentiles, default range and reasons are the engine\'s', () => {
  assert.equal(ENTER_FRACTION, SHARED.reps.enter_fraction);
  assert.equal(EXIT_FRACTION, SHARED.reps.exit_fraction);
  assert.equal(LOW_PERCENTILE, SHARED.reps.low_percentile);
  assert.equal(HIGH_PERCENTILE, SHARED.reps.high_percentile);
  assert.equal(DEFAULT_MIN_RANGE, SHARED.reps.default_min_range);
  assert.equal(REASON_SHALLOW, SHARED.reps.reason_shallow);
  assert.equal(REASON_CLIP_ENDED, SHARED.reps.reason_clip_ended);
  assert.equal(new LiveRepCounter().minRange, SHARED.reps.default_min_range);
  // The default minimum range decides: a movement just under it counts nothing.
  const small = Array.from({ length: 101 }, (_, i) => (i / 100) * (SHARED.reps.default_min_range - 1) / 0.9);
  assert.equal(adaptiveThresholds(small), null);
  assert.notEqual(adaptiveThresholds(small.map((v) => v * 1.2)), null);
});

test('setup_check.js: view ratios, in-frame rule and "too dark" are the engine\'s', () => {
  assert.equal(FRONT_RATIO, SHARED.view.front_ratio);
  assert.equal(SIDE_RATIO, SHARED.view.side_ratio);
  assert.equal(VIEW_MIN_SCORE, SHARED.view.min_score);
  assert.equal(IN_FRAME_SCORE, SHARED.in_frame.min_score);
  assert.equal(DARK_BRIGHTNESS, SHARED.brightness.too_dark_below);
  assert.equal(BRIGHTNESS_DEFINITION, SHARED.brightness.definition);
  assert.equal(classifyView(SHARED.view.front_ratio), 'front');
  assert.equal(classifyView(SHARED.view.side_ratio), 'side');
  // Whole body = the server's joints: any one of them faint fails the check.
  const pose = Array.from({ length: 17 }, () => [50, 50, 0.9]);
  assert.equal(bodyVisible(pose, 100, 100), true);
  for (const name of SHARED.in_frame.joints) {
    const faint = pose.map((k) => [...k]);
    faint[KP[name]][2] = SHARED.in_frame.min_score - 0.01;
    assert.equal(bodyVisible(faint, 100, 100), false, name);
  }
});

test('brightness: a known RGB frame gives the server\'s value (mean of R, G, B, not luma)', () => {
  const { rgb, brightness } = SHARED.brightness.example; // saturated blue: 85, but 29 as luma
  const pixels = 32 * 24;
  const rgba = new Uint8ClampedArray(4 * pixels);
  for (let i = 0; i < pixels; i += 1) rgba.set([...rgb, 255], 4 * i);
  assert.equal(meanBrightness(rgba), brightness);
  // ...so the set-up check calls it light enough, as the server's quality check does.
  const monitor = new SetupMonitor({ window: 5 });
  monitor.setBrightness(meanBrightness(rgba));
  let state;
  for (let i = 0; i < 5; i += 1) state = monitor.update(null, 100, 100);
  assert.equal(state.light, true);
});

test('skeleton.js: the bones and the drawing threshold are the engine\'s', () => {
  assert.deepEqual(EDGES, SHARED.skeleton.edges);
  assert.equal(DRAW_MIN_SCORE, SHARED.skeleton.min_score);
  const calls = [];
  const ctx = new Proxy({ canvas: { width: 100, height: 100 } }, {
    get: (target, key) => (key in target ? target[key] : (...args) => calls.push([key, ...args])),
    set: (target, key, value) => { target[key] = value; return true; },
  });
  const keypoints = Array.from({ length: 17 }, () => [0, 0, 0]);
  keypoints[0] = [10, 10, SHARED.skeleton.min_score]; // at the gate: drawn
  keypoints[1] = [20, 20, SHARED.skeleton.min_score - 0.01]; // below: not drawn
  assert.equal(drawSkeleton(ctx, keypoints), 1);
  assert.equal(calls.filter(([name]) => name === 'lineTo').length, 0); // no bone to an undrawn joint
});

test('track.js records the engine\'s number of keypoints', () => {
  const recorder = new TrackRecorder();
  recorder.push(0, Array.from({ length: SHARED.keypoints.length }, () => [1, 2, 0.5]));
  assert.equal(recorder.toJSON(10, 10).keypoints[0].length, SHARED.keypoints.length);
});

test('the modules import their shared numbers instead of copying them', () => {
  for (const name of ['angles.js', 'reps.js', 'setup_check.js', 'skeleton.js', 'track.js']) {
    const text = source(name);
    assert.match(text, /from '\.\/shared_constants\.js'/, name);
    // No exported constant is a number typed in by hand.
    assert.doesNotMatch(text, /export const [A-Z_]+ = -?[\d.]+;/, name);
  }
  assert.doesNotMatch(source('live.js'), /LIVE_JOINTS = /);
  assert.doesNotMatch(source('live.js'), /\?\? 20\b/);
});
