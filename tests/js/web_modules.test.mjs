// The page modules' pure parts: set-up check (same rules as pose/measures/quality.py), keypoint track
// recording (the engine's JSON shape), frame lookup and API error wording.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SetupMonitor, bodyVisible, classifyView, meanBrightness, viewRatio } from '../../static/js/setup_check.js';
import { TrackRecorder, frameAt } from '../../static/js/track.js';
import { errorMessage } from '../../static/js/upload.js';

// A person facing the camera in a 400x400 frame: shoulders 80 px apart, torso 100 px long.
function frontPose(score = 0.9) {
  const k = Array.from({ length: 17 }, () => [200, 100, score]);
  const put = (i, x, y) => { k[i] = [x, y, score]; };
  put(5, 160, 150); put(6, 240, 150); put(7, 150, 200); put(8, 250, 200); put(9, 145, 250); put(10, 255, 250);
  put(11, 175, 250); put(12, 225, 250); put(13, 175, 310); put(14, 225, 310); put(15, 175, 370); put(16, 225, 370);
  return k;
}

test('view ratio and classification match the server thresholds', () => {
  // shoulders 80, hips 50 x 1.6 = 80; the body's length: the shank 60 x 1.2 = 72 < torso 100
  assert.equal(viewRatio(frontPose()), 0.8);
  assert.equal(classifyView(0.8), 'front');
  assert.equal(classifyView(0.2), 'side');
  assert.equal(classifyView(0.52), 'oblique');
  const nose = frontPose();
  nose[0] = [200, 110, 0.9]; // the nose on the trunk's axis: facing the camera
  assert.equal(classifyView(0.52, nose), 'front');
  assert.equal(classifyView(null), null);
  const side = frontPose();
  side[6] = [170, 150, 0.9]; // shoulders overlap in profile
  assert.equal(classifyView(viewRatio(side)), 'side');
});

test('whole body must be inside the frame with a usable score', () => {
  assert.equal(bodyVisible(frontPose(), 400, 400), true);
  assert.equal(bodyVisible(frontPose(), 400, 360), false); // ankles below the bottom edge
  assert.equal(bodyVisible(frontPose(), 400, 360, { wholeBody: false }), true);
  const faint = frontPose();
  faint[15] = [175, 370, 0.1];
  assert.equal(bodyVisible(faint, 400, 400), false);
  assert.equal(bodyVisible(null, 400, 400), false);
});

test('brightness of RGBA pixels: the mean of R, G and B, alpha ignored', () => {
  assert.equal(meanBrightness(new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255])), 127.5);
  assert.equal(meanBrightness(new Uint8ClampedArray([30, 60, 90, 0])), 60);
  assert.equal(meanBrightness(new Uint8ClampedArray([])), 0);
});

test('set-up monitor passes only when body, view and light hold over the window', () => {
  const m = new SetupMonitor({ view: 'front', wholeBody: true, window: 10 });
  m.setBrightness(120);
  let s;
  for (let i = 0; i < 10; i += 1) s = m.update(frontPose(), 400, 400);
  assert.deepEqual([s.body, s.view, s.light, s.ready], [true, true, true, true]);
  m.setBrightness(10);
  for (let i = 0; i < 10; i += 1) s = m.update(frontPose(), 400, 400);
  assert.equal(s.light, false);
  assert.equal(s.ready, false);
  const side = new SetupMonitor({ view: 'side' });
  side.setBrightness(120);
  for (let i = 0; i < 10; i += 1) s = side.update(frontPose(), 400, 400);
  assert.equal(s.view, false);
});

test('track recorder writes the engine shape with strictly increasing timestamps', () => {
  const r = new TrackRecorder();
  assert.equal(r.push(0, frontPose()), true);
  assert.equal(r.push(0, frontPose()), false); // same time: dropped
  assert.equal(r.push(0.0333, null), true); // no person: zeros
  assert.equal(r.push(0.0667, frontPose().map(([x, y, score]) => ({ x, y, score: score + 1 }))), true);
  const json = r.toJSON(400, 400);
  assert.deepEqual(json.video, { width: 400, height: 400 });
  assert.deepEqual(json.timestamps, [0, 0.0333, 0.0667]);
  assert.equal(json.keypoints.length, 3);
  assert.deepEqual(json.keypoints[1][0], [0, 0, 0]);
  assert.equal(json.keypoints[2][5][2], 1); // scores clamped to [0, 1]
  assert.ok(json.keypoints.every((f) => f.length === 17 && f.every((k) => k.length === 3)));
});

test('frameAt finds the frame shown at a playback time', () => {
  const ts = [0, 0.5, 1, 1.5];
  assert.equal(frameAt(ts, -0.1), -1);
  assert.equal(frameAt(ts, 0), 0);
  assert.equal(frameAt(ts, 0.99), 1);
  assert.equal(frameAt(ts, 7), 3);
});

test('API errors become sentences', () => {
  assert.match(errorMessage(0, null), /connection failed/);
  assert.equal(errorMessage(400, { clip: ['The clip is empty (0 bytes).'] }), 'clip: The clip is empty (0 bytes).');
  assert.equal(errorMessage(413, { detail: 'Too large.' }), 'Too large.');
  assert.match(errorMessage(502, null), /server had a problem/);
});
