// The lunge's front leg in the browser: leadingSide names the side whose hip flexion (thigh
// forward of the trunk) is larger, as pose.measures.reps.label_leading_side does offline.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { KP, LEAD_MEASURE, jointAngle, leadingSide, protocolAngle } from '../../static/js/angles.js';
import { LegTally } from '../../static/js/live_count.js';
import { LiveRepCounter } from '../../static/js/reps.js';

/** A side-view frame: trunk upright, each thigh at hipDeg from the trunk line (+ = forward),
 * each knee bent kneeDeg; facing = +1 faces image right, -1 image left (mirrored). */
function lungeFrame(hipDeg, kneeDeg, facing = 1, score = 0.9) {
  const frame = Array.from({ length: 17 }, () => [0, 0, score]);
  const put = (name, x, y) => { frame[KP[name]] = [300 + facing * x, y, score]; };
  for (const [i, side] of ['left', 'right'].entries()) {
    const h = (hipDeg[i] * Math.PI) / 180;
    const k = ((hipDeg[i] - kneeDeg[i]) * Math.PI) / 180;
    put(`${side}_shoulder`, 0, 200);
    put(`${side}_hip`, 0, 300);
    const knee = [85 * Math.sin(h), 300 + 85 * Math.cos(h)];
    put(`${side}_knee`, ...knee);
    put(`${side}_ankle`, knee[0] + 85 * Math.sin(k), knee[1] + 85 * Math.cos(k));
  }
  return frame;
}

test('the lead measure is the engine\'s hip flexion', () => {
  assert.equal(LEAD_MEASURE, 'hip_flexion');
  const frame = lungeFrame([80, -15], [85, 85]);
  assert.ok(Math.abs(jointAngle(frame, 'hip_flexion', 'left') - 80) < 1e-6);
  assert.ok(Math.abs(jointAngle(frame, 'hip_flexion', 'right') - 15) < 1e-6);
});

test('the front leg leads, whichever way the person faces', () => {
  for (const facing of [1, -1]) {
    const left = [0.6, 0.8, 1].map((a) => lungeFrame([85 * a, -15 * a], [80 * a, 80 * a], facing));
    const right = [0.6, 0.8, 1].map((a) => lungeFrame([-15 * a, 85 * a], [80 * a, 80 * a], facing));
    assert.equal(leadingSide(left), 'left');
    assert.equal(leadingSide(right), 'right');
  }
});

test('no leading side when a leg was never seen', () => {
  const frames = [lungeFrame([85, -15], [80, 80])];
  frames[0][KP.right_knee] = [0, 0, 0.01];
  assert.equal(leadingSide(frames), null);
});

test("side 'alternating' counts on the mean of both knees, like 'both'", () => {
  const counter = new LiveRepCounter({ direction: 'increase', minRange: 30 });
  const legs = ['left', 'right', 'left'];
  for (const leg of legs) {
    const ramp = [0, 0.25, 0.5, 0.75, 1, 1, 0.75, 0.5, 0.25, 0, 0, 0];
    for (const a of ramp) {
      const hips = leg === 'left' ? [85 * a, -15 * a] : [-15 * a, 85 * a];
      const frame = lungeFrame(hips, [80 * a, 80 * a]);
      assert.equal(protocolAngle(frame, 'knee_flexion', 'alternating'), protocolAngle(frame, 'knee_flexion', 'both'));
      counter.push(protocolAngle(frame, 'knee_flexion', 'alternating'));
    }
  }
  assert.equal(counter.count, legs.length);
});

test('the live page names each repetition\'s leading leg and keeps a tally per leg', () => {
  const legs = new LegTally(leadingSide);
  const lunge = (front) => {
    const hips = front === 'left' ? [80, -15] : [-15, 80];
    for (let i = 0; i < 10; i += 1) legs.push(lungeFrame([0, 0], [5, 5])); // standing
    for (let i = 0; i < 10; i += 1) legs.push(lungeFrame(hips, [85, 85]));
    return legs.rep();
  };
  assert.deepEqual(['left', 'right', 'left'].map(lunge), ['left', 'right', 'left']);
  assert.equal(legs.text(), 'Left leg 2 · right leg 1');
  assert.equal(legs.rep(), null); // nothing seen since the last repetition: no leg named
  assert.equal(legs.left + legs.right, 3);
  legs.reset();
  assert.equal(legs.text(), 'Left leg 0 · right leg 0');
});
