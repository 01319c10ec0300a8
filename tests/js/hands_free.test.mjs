// Hands-free recording (static/js/hands_free.js) and the light check on a clock
// (static/js/setup_check.js): countdown setting, automatic stop, timers, spoken cues.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  AutoStop, DEFAULT_COUNTDOWN, HOLD_MARGIN_SECONDS, REP_MARGIN_SECONDS, Speaker, countdownSeconds, formatClock,
  repetitions, timerState, voiceOn,
} from '../../static/js/hands_free.js';
import { IntervalGate, SetupMonitor } from '../../static/js/setup_check.js';

test('the countdown comes from the stored choice, 10 s when none or out of range', () => {
  assert.equal(DEFAULT_COUNTDOWN, 10);
  assert.equal(countdownSeconds(null), 10);
  assert.equal(countdownSeconds('5'), 5);
  assert.equal(countdownSeconds('0'), 0); // tests record at once
  assert.equal(countdownSeconds(''), 10);
  assert.equal(countdownSeconds('abc'), 10);
  assert.equal(countdownSeconds('2.5'), 10);
  assert.equal(countdownSeconds('600'), 10);
  assert.equal(voiceOn(null), true);
  assert.equal(voiceOn('off'), false);
});

test('with repetitions prescribed and counted, it stops 2 s after the last one is completed', () => {
  const stop = new AutoStop({ reps: 3, holdSeconds: 5, counting: true });
  assert.equal(stop.active, true);
  assert.equal(stop.update({ count: 2, elapsed: 9 }), false);
  assert.equal(stop.update({ count: 3, elapsed: 10 }), false); // the third just completed
  assert.equal(stop.stopAt, 10 + REP_MARGIN_SECONDS);
  assert.equal(stop.update({ count: 3, elapsed: 11.9 }), false);
  assert.equal(stop.update({ count: 4, elapsed: 12 }), true); // a fourth does not move the stop
  assert.match(stop.describe(), /2 s after repetition 3/);
});

test('a hold stops 3 s after its time; nothing stops without a dose or a live count', () => {
  const hold = new AutoStop({ reps: null, holdSeconds: 30, counting: false });
  assert.equal(hold.update({ elapsed: 32.9 }), false);
  assert.equal(hold.update({ elapsed: 30 + HOLD_MARGIN_SECONDS }), true);
  assert.match(hold.describe(), /0:33/);
  // Repetitions prescribed but not counted live (no joint): timed only if a hold is prescribed.
  assert.equal(new AutoStop({ reps: 10, counting: false }).active, false);
  assert.equal(new AutoStop({ reps: 10, holdSeconds: 20, counting: false }).stopAt, 23);
  const none = new AutoStop({});
  assert.equal(none.active, false);
  assert.equal(none.update({ count: 100, elapsed: 1e6 }), false);
  assert.equal(none.describe(), '');
});

test('timers: hold counts up towards its time, countdown down from it, stopwatch up', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(65.9), '1:05');
  assert.deepEqual(timerState({ kind: 'hold', seconds: 30 }, 12.4), { text: '0:12 of 0:30', done: false, fraction: 12.4 / 30 });
  assert.equal(timerState({ kind: 'hold', seconds: 30 }, 30).done, true);
  assert.equal(timerState({ kind: 'countdown', seconds: 30 }, 0).text, '0:30');
  assert.equal(timerState({ kind: 'countdown', seconds: 30 }, 0.2).text, '0:30'); // rounds up while time is left
  assert.equal(timerState({ kind: 'countdown', seconds: 30 }, 29.5).text, '0:01');
  assert.deepEqual(timerState({ kind: 'countdown', seconds: 30 }, 31), { text: '0:00', done: true, fraction: 1 });
  assert.deepEqual(timerState({ kind: 'stopwatch', seconds: null }, 75), { text: '1:15', done: false, fraction: null });
  assert.equal(timerState({ kind: 'hold', seconds: null }, 5).text, '0:05'); // no target: a stopwatch
});

test('the speaker speaks through speechSynthesis only when on', () => {
  const spoken = [];
  const synth = { speak: (u) => spoken.push(u.text) };
  class Utterance { constructor(text) { this.text = text; } }
  const speaker = new Speaker({ synth, Utterance });
  assert.equal(speaker.say('Starting'), true);
  speaker.enabled = false;
  assert.equal(speaker.say('1'), false);
  assert.deepEqual(spoken, ['Starting']);
  assert.equal(new Speaker({ synth: undefined, Utterance }).say('x'), false); // no speech here
  assert.equal(repetitions(1), '1 repetition');
  assert.equal(repetitions(6), '6 repetitions');
});

// A person facing the camera in a 400x400 frame (as in web_modules.test.mjs).
function frontPose() {
  const k = Array.from({ length: 17 }, () => [200, 100, 0.9]);
  [[5, 160, 150], [6, 240, 150], [7, 150, 200], [8, 250, 200], [9, 145, 250], [10, 255, 250], [11, 175, 250],
    [12, 225, 250], [13, 175, 310], [14, 225, 310], [15, 175, 370], [16, 225, 370]].forEach(([i, x, y]) => { k[i] = [x, y, 0.9]; });
  return k;
}

test('at 3 frames/s the light check shows checking, then passes within 2 s', () => {
  const gate = new IntervalGate();
  assert.equal(gate.intervalMs, 500);
  const monitor = new SetupMonitor({ view: 'front' });
  const states = [];
  let measured = 0;
  for (let frame = 0; frame < 9; frame += 1) {
    const now = frame * 333; // 3 frames per second
    if (gate.due(now)) { monitor.setBrightness(120); measured += 1; }
    states.push({ at: now, ...monitor.update(frontPose(), 400, 400) });
  }
  assert.equal(states[0].checking.light, true); // before enough is measured: checking, not failed
  assert.equal(states[0].light, false);
  const firstPass = states.find((s) => s.light);
  assert.ok(firstPass && firstPass.at <= 2000, `light passed at ${firstPass && firstPass.at} ms`);
  assert.equal(firstPass.checking.light, false);
  assert.ok(measured >= 5, `measured ${measured} times in 3 s`); // every 500 ms, not every 10th frame
});

test('the gate opens at once, then once per interval whatever the frame rate', () => {
  const gate = new IntervalGate(500);
  assert.equal(gate.due(1000), true);
  assert.equal(gate.due(1200), false);
  assert.equal(gate.due(1499), false);
  assert.equal(gate.due(1500), true);
  const fast = new IntervalGate(500);
  let n = 0;
  for (let t = 0; t < 2000; t += 16) if (fast.due(t)) n += 1; // 60 frames/s
  assert.equal(n, 4);
});
