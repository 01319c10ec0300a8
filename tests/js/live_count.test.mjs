// The live page's count after Stop and its result figures with their trust (static/js/live_count.js).
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { LiveTally, figureDisplay, measureTrust, serverCountText } from '../../static/js/live_count.js';

const DEGREES = { key: 'peak_angle', label: 'Best peak', suffix: '°', digits: 0 };
const COUNT = { key: 'count', label: 'Repetitions counted', suffix: '', digits: 0 };

test('Stop freezes the live count; a new recording starts it again from 0', () => {
  const tally = new LiveTally();
  assert.equal(tally.update(1), true);
  assert.equal(tally.update(1), false); // unchanged: nothing to redraw
  assert.equal(tally.update(2), true);
  tally.freeze();
  assert.equal(tally.update(3), false); // still moving after Stop: not counted
  assert.equal(tally.count, 2);
  tally.reset();
  assert.equal(tally.frozen, false);
  assert.equal(tally.count, 0);
  assert.equal(tally.update(1), true);
});

test("the server's count replaces the live one, '–' when withheld", () => {
  assert.equal(serverCountText({ rep_count: 7 }), '7');
  assert.equal(serverCountText({ rep_count: 0 }), '0');
  assert.equal(serverCountText({ rep_count: null }), '–');
  assert.equal(serverCountText(null), '–');
});

test('trust comes from result.trust, else quality.trust, else is unknown', () => {
  const check = { level: 'check', reasons: ['Knee angles read low.'] };
  assert.deepEqual(measureTrust({ trust: { range: check } }, 'range'), check);
  assert.deepEqual(measureTrust({ quality: { trust: { range: check } } }, 'range'), check);
  assert.equal(measureTrust({ quality: { trusted: false, problems: ['x'] } }, 'range'), null);
  assert.equal(measureTrust({ trust: { range: check } }, undefined), null);
});

test('a check figure keeps its value with the reasons; an unreliable one is "–" with its reasons', () => {
  const check = figureDisplay(159.7, DEGREES, { level: 'check', reasons: ['Filmed from the front.', 'Dim room.'] }, false);
  assert.deepEqual(check, { text: '160°', level: 'check', note: 'Check with your therapist: Filmed from the front. Dim room.' });
  const withheld = figureDisplay(null, COUNT, { level: 'unreliable', reasons: ['The knees were seen in 30% of the clip.'] }, false);
  assert.deepEqual(withheld, { text: '–', level: 'unreliable', note: 'Not measured: The knees were seen in 30% of the clip.' });
  assert.deepEqual(figureDisplay(3, COUNT, { level: 'ok', reasons: [] }, true), { text: '3', level: 'ok', note: '' });
});

test('results stored before per-measure trust fall back to quality.trusted', () => {
  assert.deepEqual(figureDisplay(null, COUNT, null, false), { text: 'not measured', level: null, note: '' });
  assert.deepEqual(figureDisplay(null, COUNT, null, true), { text: '–', level: null, note: '' });
  assert.equal(figureDisplay(12.345, { ...DEGREES, suffix: ' % torso' }, null, true).text, '12 % torso');
});
