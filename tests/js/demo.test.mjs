// The demonstration's pure parts: which frame plays when, and which one stands still.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { frameIndex, stillIndex, withScores } from '../../static/js/demo.js';

test('frames advance at the track rate and loop', () => {
  assert.equal(frameIndex(0, 15, 60), 0);
  assert.equal(frameIndex(999, 15, 60), 14);
  assert.equal(frameIndex(1000, 15, 60), 15);
  assert.equal(frameIndex(4000, 15, 60), 0); // 60 frames at 15 fps: a 4 s loop
  assert.equal(frameIndex(-50, 15, 60), 0);
  assert.equal(frameIndex(500, 15, 0), 0);
});

test('the still frame is the one farthest from the start', () => {
  const at = (y) => [[10, 10], [10, y]];
  assert.equal(stillIndex([at(20), at(25), at(60), at(30)]), 2);
  assert.equal(stillIndex([at(20)]), 0);
});

test('keypoints get a full score for the skeleton drawer', () => {
  assert.deepEqual(withScores([[1, 2], [3, 4]]), [[1, 2, 1], [3, 4, 1]]);
});
