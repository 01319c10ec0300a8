// The set-up check before recording, the same rules the server's quality check applies
// (pose/measures/quality.py): body joints inside the picture, the camera view from how wide the
// body looks (shoulders and hips over the body's length), and enough light (brightness >= 40 of 255, brightness
// being the mean of R, G and B as on the server). The numbers come from the engine
// (shared_constants.js, generated from pose/measures/shared_constants.py).

import SHARED from './shared_constants.js';
import { asTriple } from './skeleton.js';

export const FRONT_RATIO = SHARED.view.front_ratio;
export const SIDE_RATIO = SHARED.view.side_ratio;
export const VIEW_MIN_SCORE = SHARED.view.min_score;
export const IN_FRAME_SCORE = SHARED.in_frame.min_score;
export const DARK_BRIGHTNESS = SHARED.brightness.too_dark_below;
export const BRIGHTNESS_DEFINITION = SHARED.brightness.definition;
const index = (name) => SHARED.keypoints.indexOf(name);
const WHOLE_BODY = SHARED.in_frame.joints.map(index); // shoulders to ankles, as the server checks
// Without the whole body: shoulders, arms and hips (the browser's own, milder check).
const UPPER_BODY = ['shoulder', 'elbow', 'wrist', 'hip'].flatMap((j) => [`left_${j}`, `right_${j}`]).map(index);

/** Are the joints the exercise needs inside the frame with a usable score? */
export function bodyVisible(keypoints, width, height, { wholeBody = true } = {}) {
  if (!keypoints) return false;
  return (wholeBody ? WHOLE_BODY : UPPER_BODY).every((i) => {
    const [x, y, s] = asTriple(keypoints[i]);
    return s >= IN_FRAME_SCORE && x >= 0 && x < width && y >= 0 && y < height;
  });
}

const V = SHARED.view;

/**
 * How wide the body looks, as the server measures it (pose/measures/quality.py view_ratio): the
 * mean of shoulder width and hip_width_factor x hip width, over the torso length the least
 * foreshortened segment gives (torso, or a limb times its factor). Null when nothing is seen.
 */
export function viewRatio(keypoints) {
  if (!keypoints) return null;
  const p = (name) => { const [x, y, s] = asTriple(keypoints[index(name)]); return s >= VIEW_MIN_SCORE ? [x, y] : null; };
  const dist = (a, b) => (a && b ? Math.hypot(a[0] - b[0], a[1] - b[1]) : null);
  const [ls, rs, lh, rh] = ['left_shoulder', 'right_shoulder', 'left_hip', 'right_hip'].map(p);
  const widths = [dist(ls, rs), dist(lh, rh) === null ? null : V.hip_width_factor * dist(lh, rh)].filter((w) => w !== null);
  if (!widths.length) return null;
  const lengths = [];
  if (ls && rs && lh && rh) {
    lengths.push(Math.hypot((ls[0] + rs[0] - lh[0] - rh[0]) / 2, (ls[1] + rs[1] - lh[1] - rh[1]) / 2));
  }
  for (const [factor, [a, b]] of V.segment_factors) {
    for (const side of ['left', 'right']) {
      const d = dist(p(`${side}_${a}`), p(`${side}_${b}`));
      if (d !== null) lengths.push(factor * d);
    }
  }
  const length = lengths.length ? Math.max(...lengths) : 0;
  return length > 0 ? widths.reduce((a, w) => a + w, 0) / widths.length / length : null;
}

/** Facing the camera (true), turned away (false) and the nose's distance from the trunk axis
 * (torso lengths), as the server's classify_view uses them; nulls when not seen. */
function facing(keypoints) {
  const p = (name) => { const [x, y, s] = asTriple(keypoints[index(name)]); return s >= VIEW_MIN_SCORE ? [x, y] : null; };
  const [ls, rs, lh, rh, nose] = ['left_shoulder', 'right_shoulder', 'left_hip', 'right_hip', 'nose'].map(p);
  if (!ls || !rs || !lh || !rh) return { toCamera: null, nose: null };
  const top = [(ls[0] + rs[0]) / 2, (ls[1] + rs[1]) / 2];
  const axis = [top[0] - (lh[0] + rh[0]) / 2, top[1] - (lh[1] + rh[1]) / 2];
  const n = Math.hypot(...axis);
  if (!(n > 0)) return { toCamera: null, nose: null };
  const u = [axis[0] / n, axis[1] / n];
  const turn = (ls[0] - rs[0]) * u[1] - (ls[1] - rs[1]) * u[0];
  const off = nose ? Math.abs((nose[0] - top[0]) * u[1] - (nose[1] - top[1]) * u[0]) / n : null;
  return { toCamera: turn < 0, nose: off };
}

/** 'front' (or from behind), 'side' or 'oblique', as the server's classify_view; with the
 * keypoints, the band between the thresholds is settled by facing and the nose. */
export function classifyView(ratio, keypoints = null) {
  if (ratio === null || !Number.isFinite(ratio)) return null;
  if (ratio >= FRONT_RATIO) return 'front';
  if (ratio <= SIDE_RATIO) return 'side';
  if (keypoints) {
    const f = facing(keypoints);
    if (f.toCamera === false) return 'front';
    if (f.nose !== null && f.nose < V.nose_centred) return 'front';
  }
  return 'oblique';
}

/**
 * Brightness of RGBA pixel data, 0..255, as the server defines it (BRIGHTNESS_DEFINITION,
 * 'mean_rgb'): the plain mean of the R, G and B values, alpha ignored.
 */
export function meanBrightness(rgba) {
  let sum = 0;
  const n = rgba.length / 4;
  for (let i = 0; i < rgba.length; i += 4) sum += rgba[i] + rgba[i + 1] + rgba[i + 2];
  return n ? sum / (3 * n) : 0;
}

/**
 * Smooths the per-frame checks over a window so the list does not flicker: a check passes
 * when it passed in at least `share` of the last `window` frames.
 */
export class SetupMonitor {
  constructor({ view = 'front', wholeBody = true, window = 20, share = 0.7 } = {}) {
    this.view = view;
    this.wholeBody = wholeBody;
    this.window = window;
    this.share = share;
    this.history = { body: [], view: [], light: [] };
    this.brightness = null;
  }

  setBrightness(brightness) { this.brightness = brightness; }

  update(keypoints, width, height) {
    const observed = classifyView(viewRatio(keypoints), keypoints);
    const now = {
      body: bodyVisible(keypoints, width, height, { wholeBody: this.wholeBody }),
      view: observed === this.view,
      light: this.brightness === null ? null : this.brightness >= DARK_BRIGHTNESS,
    };
    for (const key of Object.keys(now)) {
      if (now[key] === null) continue;
      const h = this.history[key];
      h.push(now[key]);
      if (h.length > this.window) h.shift();
    }
    return { ...this.state(), observedView: observed };
  }

  /** Each check's verdict (true/false) and, in `checking`, those not yet measured often
   * enough to judge (shown as "checking…", never as failed). */
  state() {
    const enough = (h) => h.length >= Math.min(5, this.window);
    const pass = (h) => enough(h) && h.filter(Boolean).length >= this.share * h.length;
    const body = pass(this.history.body), view = pass(this.history.view), light = pass(this.history.light);
    const checking = {};
    for (const key of Object.keys(this.history)) checking[key] = !enough(this.history[key]);
    return { body, view, light, ready: body && view && light, checking };
  }
}

/** The light is measured on a clock (every `intervalMs`), not every n-th frame: at a few frames
 * per second a frame count would leave the check waiting for seconds. */
const LIGHT_INTERVAL_MS = 500; // the browser's own pace, not an engine number

export class IntervalGate {
  constructor(intervalMs = LIGHT_INTERVAL_MS) { this.intervalMs = intervalMs; this.last = null; }

  /** True the first time and then once `intervalMs` has passed since the last true. */
  due(nowMs) {
    if (this.last !== null && nowMs - this.last < this.intervalMs) return false;
    this.last = nowMs;
    return true;
  }
}
