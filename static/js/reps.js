// Repetition counting, the same hysteresis as pose/measures/reps.py (see its docstring and docs/analytics.md).
//
// The measure is oriented so that moving away from rest increases it (direction 'decrease'
// flips the sign). With exit < attempt < enter in that orientation:
//   rest    -> 'rep' past enter, -> 'attempt' past attempt only
//   attempt -> 'rep' past enter; back past exit = partial ("did not reach the threshold")
//   rep     -> back past exit = one counted repetition
// Unknown values (NaN) change nothing. attempt = exit + (enter - exit) / 3.
// Thresholds: the prescription's, or adapted to the clip (offline: 5th/95th percentiles lo, hi,
// R = hi - lo, exit = lo + 0.3 R, enter = lo + 0.6 R; nothing counted if R < minRange).
// LiveRepCounter adapts causally instead: lo/hi are the running extremes seen so far.
// The fractions, percentiles, default minimum range and reasons come from the engine
// (shared_constants.js, generated from pose/measures/shared_constants.py).

import SHARED from './shared_constants.js';

export const REASON_SHALLOW = SHARED.reps.reason_shallow;
export const REASON_CLIP_ENDED = SHARED.reps.reason_clip_ended;
export const ENTER_FRACTION = SHARED.reps.enter_fraction;
export const EXIT_FRACTION = SHARED.reps.exit_fraction;
export const LOW_PERCENTILE = SHARED.reps.low_percentile;
export const HIGH_PERCENTILE = SHARED.reps.high_percentile;
export const DEFAULT_MIN_RANGE = SHARED.reps.default_min_range;

/** Thresholds in the measure's own unit. */
export function makeThresholds(enter, exit, direction = 'increase') {
  const sign = direction === 'decrease' ? -1 : 1;
  return { enter, exit, attempt: exit + (enter - exit) / 3, sign };
}

/** numpy.percentile (linear interpolation) of the finite values. */
export function percentile(values, p) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const pos = (p / 100) * (v.length - 1);
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/** Offline thresholds adapted to a whole clip, as pose.measures.reps.thresholds_for; null if no movement. */
export function adaptiveThresholds(values, { direction = 'increase', minRange = DEFAULT_MIN_RANGE } = {}) {
  const sign = direction === 'decrease' ? -1 : 1;
  const oriented = values.filter(Number.isFinite).map((v) => sign * v);
  if (!oriented.length) return null;
  const lo = percentile(oriented, LOW_PERCENTILE), hi = percentile(oriented, HIGH_PERCENTILE);
  if (hi - lo < minRange) return null;
  return makeThresholds(sign * (lo + ENTER_FRACTION * (hi - lo)), sign * (lo + EXIT_FRACTION * (hi - lo)), direction);
}

/** The hysteresis state machine, one value at a time. */
export class RepCounter {
  constructor(thresholds) {
    this.thresholds = thresholds;
    this.state = 'rest';
    this.count = 0;
    this.partial = [];
  }

  /** Feed one value; returns 'rep', 'partial' or null. */
  push(value) {
    if (!Number.isFinite(value) || !this.thresholds) return null;
    const { enter, exit, attempt, sign } = this.thresholds;
    const v = sign * value;
    if (this.state === 'rest') {
      if (v >= sign * attempt) this.state = v >= sign * enter ? 'rep' : 'attempt';
    } else if (this.state === 'attempt' && v >= sign * enter) {
      this.state = 'rep';
    } else if (v <= sign * exit) {
      const was = this.state;
      this.state = 'rest';
      if (was === 'rep') { this.count += 1; return 'rep'; }
      this.partial.push(REASON_SHALLOW);
      return 'partial';
    }
    return null;
  }

  /** Close the clip: an open repetition or attempt becomes partial. */
  finish() {
    if (this.state !== 'rest') this.partial.push(REASON_CLIP_ENDED);
    this.state = 'rest';
    return { count: this.count, partial: this.partial.slice() };
  }
}

/** Count a whole series with fixed thresholds. */
export function countReps(values, thresholds) {
  const counter = new RepCounter(thresholds);
  for (const v of values) counter.push(v);
  return counter.finish();
}

/**
 * Live (causal) counter: prescribed thresholds if given, else thresholds from the running
 * range of the values seen so far (same fractions as offline), active once that range
 * reaches minRange. Feed raw per-frame angles; a light exponential smoothing (alpha) tames
 * keypoint jitter.
 */
export class LiveRepCounter {
  constructor({ enter = null, exit = null, direction = 'increase', minRange = DEFAULT_MIN_RANGE, alpha = 0.5 } = {}) {
    this.fixed = enter !== null && exit !== null ? makeThresholds(enter, exit, direction) : null;
    this.direction = direction;
    this.sign = direction === 'decrease' ? -1 : 1;
    this.minRange = minRange;
    this.alpha = alpha;
    this.smoothed = NaN;
    this.lo = Infinity;
    this.hi = -Infinity;
    this.counter = new RepCounter(this.fixed);
  }

  get count() { return this.counter.count; }

  push(value) {
    if (!Number.isFinite(value)) return null;
    this.smoothed = Number.isFinite(this.smoothed) ? this.smoothed + this.alpha * (value - this.smoothed) : value;
    if (!this.fixed) {
      const v = this.sign * this.smoothed;
      this.lo = Math.min(this.lo, v);
      this.hi = Math.max(this.hi, v);
      const range = this.hi - this.lo;
      this.counter.thresholds = range >= this.minRange
        ? makeThresholds(this.sign * (this.lo + ENTER_FRACTION * range), this.sign * (this.lo + EXIT_FRACTION * range), this.direction)
        : (this.counter.state === 'rest' ? null : this.counter.thresholds);
    }
    return this.counter.push(this.smoothed);
  }

  finish() { return this.counter.finish(); }
}
