// Joint angles for live counting in the browser: the same convention as pose/measures/angles.py.
//
// Every angle is the unsigned angle in degrees (0..180) between two body segments as seen in
// the image, 0 = anatomical neutral, identical when the person faces the other way:
//   knee_flexion        thigh (hip->knee) vs shank (knee->ankle); 0 = straight knee (side view)
//   hip_flexion         trunk axis (shoulder mid->hip mid) vs thigh; 0 = thigh in line (side)
//   shoulder_abduction  trunk axis vs upper arm (shoulder->elbow); 0 = arm at side, 180 = overhead (front)
//   shoulder_flexion    same formula, valid in side view
//   elbow_flexion       upper arm vs forearm (elbow->wrist); 0 = straight
// A keypoint below MIN_SCORE is unknown and makes the angle NaN (no value rather than a wrong one).
// Keypoints: COCO order, each [x, y, score] or a MoveNet {x, y, score}.
// The score gate, the keypoint order and the joints the live page counts come from the engine
// (shared_constants.js, generated from pose/measures/shared_constants.py).

import SHARED from './shared_constants.js';

export const MIN_SCORE = SHARED.min_score;

/** Keypoint name -> index, in MoveNet's order. */
export const KP = Object.freeze(Object.fromEntries(SHARED.keypoints.map((name, i) => [name, i])));

/** The measures the live page can count: the joint angles below and hip_rise (other heights
 * need the whole clip's standing level). */
export const LIVE_JOINTS = Object.freeze([...SHARED.live_joints]);

function point(frame, name, minScore) {
  const k = frame[KP[name]];
  const [x, y, s] = Array.isArray(k) ? k : [k.x, k.y, k.score ?? 1];
  return s >= minScore ? [x, y] : null;
}

function midpoint(a, b) {
  if (a && b) return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
  return a || b;
}

/** Unsigned angle in degrees between vectors u and v. */
export function segmentAngle(u, v) {
  const cross = u[0] * v[1] - u[1] * v[0];
  const dot = u[0] * v[0] + u[1] * v[1];
  return Math.abs(Math.atan2(cross, dot)) * 180 / Math.PI;
}

const sub = (a, b) => [a[0] - b[0], a[1] - b[1]];

function trunkDown(frame, minScore) {
  const shoulders = midpoint(point(frame, 'left_shoulder', minScore), point(frame, 'right_shoulder', minScore));
  const hips = midpoint(point(frame, 'left_hip', minScore), point(frame, 'right_hip', minScore));
  return shoulders && hips ? sub(hips, shoulders) : null;
}

function between(a, b, c, d) {
  // angle between (b - a) and (d - c), NaN if any point is unknown
  if (!a || !b || !c || !d) return NaN;
  return segmentAngle(sub(b, a), sub(d, c));
}

const JOINTS = {
  knee_flexion(f, side, m) {
    const hip = point(f, `${side}_hip`, m), knee = point(f, `${side}_knee`, m), ankle = point(f, `${side}_ankle`, m);
    return between(hip, knee, knee, ankle);
  },
  hip_flexion(f, side, m) {
    const down = trunkDown(f, m), hip = point(f, `${side}_hip`, m), knee = point(f, `${side}_knee`, m);
    return down && hip && knee ? segmentAngle(down, sub(knee, hip)) : NaN;
  },
  shoulder_abduction(f, side, m) {
    const down = trunkDown(f, m), sh = point(f, `${side}_shoulder`, m), el = point(f, `${side}_elbow`, m);
    return down && sh && el ? segmentAngle(down, sub(el, sh)) : NaN;
  },
  shoulder_flexion(f, side, m) { return JOINTS.shoulder_abduction(f, side, m); },
  elbow_flexion(f, side, m) {
    const sh = point(f, `${side}_shoulder`, m), el = point(f, `${side}_elbow`, m), wr = point(f, `${side}_wrist`, m);
    return between(sh, el, el, wr);
  },
  // Not an angle: the hip midpoint's height (image up) in percent of this frame's torso length,
  // one value for the whole body (side is ignored). Offline, hip_rise is measured from the
  // hips' lowest usual position over the whole clip; live, only its changes matter (the
  // counter's thresholds adapt to the range seen), so the level is left out.
  hip_rise(f, side, m) {
    const down = trunkDown(f, m);
    const hips = midpoint(point(f, 'left_hip', m), point(f, 'right_hip', m));
    const torso = down ? Math.hypot(down[0], down[1]) : 0;
    return hips && torso > 0 ? (-100 * hips[1]) / torso : NaN;
  },
};

/** One joint's angle for one side ('left' | 'right') of one frame; NaN when unknown. */
export function jointAngle(frame, joint, side, minScore = MIN_SCORE) {
  const fn = JOINTS[joint];
  if (!fn) throw new Error(`no live angle for ${joint}`);
  return fn(frame, side, minScore);
}

/**
 * The measure a protocol counts on, for one frame: one side, or for side 'both' (and
 * 'alternating', which counts like 'both') the mean of the visible sides. For 'best', call per
 * side and keep two counters.
 */
export function protocolAngle(frame, joint, side, minScore = MIN_SCORE) {
  if (side === 'left' || side === 'right') return jointAngle(frame, joint, side, minScore);
  const values = ['left', 'right'].map((s) => jointAngle(frame, joint, s, minScore)).filter(Number.isFinite);
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** The measure that names a repetition's leading leg for side 'alternating' (a lunge's front leg). */
export const LEAD_MEASURE = SHARED.reps.lead_measure;

/**
 * The leading side ('left' | 'right') of one repetition of a side-'alternating' protocol, from
 * its frames past the exit threshold (the bottom of the lunge): the side whose LEAD_MEASURE
 * (hip flexion: the front thigh is forward of the trunk) is larger on average, as
 * pose.measures.reps.label_leading_side does offline; null when neither side was seen.
 */
export function leadingSide(frames, minScore = MIN_SCORE) {
  const sums = { left: [0, 0], right: [0, 0] };
  for (const frame of frames) {
    for (const side of ['left', 'right']) {
      const v = jointAngle(frame, LEAD_MEASURE, side, minScore);
      if (Number.isFinite(v)) { sums[side][0] += v; sums[side][1] += 1; }
    }
  }
  if (!sums.left[1] || !sums.right[1]) return null;
  return sums.left[0] / sums.left[1] > sums.right[0] / sums.right[1] ? 'left' : 'right';
}
