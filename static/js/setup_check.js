// The set-up check before recording, the same rules the server's quality check applies
// (pose/measures/quality.py): body joints inside the picture, the camera view from shoulder width /
// torso length (>= 0.5 front, <= 0.35 side), and enough light (brightness >= 40 of 255, brightness
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

/** Shoulder width / torso length, or null when the shoulders and a hip are not seen. */
export function viewRatio(keypoints) {
  if (!keypoints) return null;
  const p = (i) => { const [x, y, s] = asTriple(keypoints[i]); return s >= VIEW_MIN_SCORE ? [x, y] : null; };
  const [ls, rs, lh, rh] = ['left_shoulder', 'right_shoulder', 'left_hip', 'right_hip'].map((name) => p(index(name)));
  if (!ls || !rs || !(lh || rh)) return null;
  const hips = [lh, rh].filter(Boolean);
  const hip = [hips.reduce((a, h) => a + h[0], 0) / hips.length, hips.reduce((a, h) => a + h[1], 0) / hips.length];
  const mid = [(ls[0] + rs[0]) / 2, (ls[1] + rs[1]) / 2];
  const torso = Math.hypot(mid[0] - hip[0], mid[1] - hip[1]);
  return torso > 0 ? Math.hypot(ls[0] - rs[0], ls[1] - rs[1]) / torso : null;
}

export function classifyView(ratio) {
  if (ratio === null || !Number.isFinite(ratio)) return null;
  if (ratio >= FRONT_RATIO) return 'front';
  if (ratio <= SIDE_RATIO) return 'side';
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
    const observed = classifyView(viewRatio(keypoints));
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

  state() {
    const pass = (h) => h.length >= Math.min(5, this.window) && h.filter(Boolean).length >= this.share * h.length;
    const body = pass(this.history.body), view = pass(this.history.view), light = pass(this.history.light);
    return { body, view, light, ready: body && view && light };
  }
}
