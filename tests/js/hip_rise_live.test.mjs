// Step-ups counted live on hip_rise: the hips' height in torso lengths, whole body (side ignored).
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { KP, LIVE_JOINTS, jointAngle, protocolAngle } from '../../static/js/angles.js';
import { LiveRepCounter } from '../../static/js/reps.js';

function frame(hipY, torso = 100, score = 0.9) {
  const f = Array.from({ length: 17 }, () => [0, 0, score]);
  for (const side of ['left', 'right']) {
    f[KP[`${side}_shoulder`]] = [300, hipY - torso, score];
    f[KP[`${side}_hip`]] = [300, hipY, score];
  }
  return f;
}

test('hip_rise is live-countable and reads the hips\' rise in % torso', () => {
  assert.ok(LIVE_JOINTS.includes('hip_rise'));
  const rise = jointAngle(frame(400), 'hip_rise', 'left') - jointAngle(frame(450), 'hip_rise', 'left');
  assert.ok(Math.abs(rise - 50) < 1e-9);
  assert.equal(protocolAngle(frame(400), 'hip_rise', 'both'), jointAngle(frame(400), 'hip_rise', 'right'));
  assert.ok(Number.isNaN(jointAngle(frame(400, 100, 0.01), 'hip_rise', 'left')));
});

test('three step-ups of half a torso are counted', () => {
  const counter = new LiveRepCounter({ direction: 'increase', minRange: 10 });
  for (let rep = 0; rep < 3; rep += 1) {
    for (const a of [0, 0, 0.2, 0.5, 0.8, 1, 1, 1, 0.8, 0.5, 0.2, 0, 0]) {
      counter.push(protocolAngle(frame(450 - 50 * a), 'hip_rise', 'both'));
    }
  }
  assert.equal(counter.count, 3);
});
