// The set-up check before recording, the same rules the server's quality check applies
// (pose/quality.py): body joints inside the picture, the camera view from shoulder width /
// torso length (>= 0.5 front, <= 0.35 side), and enough light (mean brightness >= 40 of 255).

import { asTriple } from './skeleton.js';

export const FRONT_RATIO = 0.5;
export const SIDE_RATIO = 0.35;
export const IN_FRAME_SCORE = 0.2;
export const VIEW_MIN_SCORE = 0.3;
export const DARK_BRIGHTNESS = 40;
const WHOLE_BODY = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]; // shoulders to ankles
const UPPER_BODY = [5, 6, 7, 8, 9, 10, 11, 12]; // shoulders, arms, hips

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
  const ls = p(5), rs = p(6), lh = p(11), rh = p(12);
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

/** Mean luma (BT.601) of RGBA pixel data, 0..255. */
export function meanLuma(rgba) {
  let sum = 0;
  const n = rgba.length / 4;
  for (let i = 0; i < rgba.length; i += 4) sum += 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
  return n ? sum / n : 0;
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
    this.luma = null;
  }

  setLuma(luma) { this.luma = luma; }

  update(keypoints, width, height) {
    const observed = classifyView(viewRatio(keypoints));
    const now = {
      body: bodyVisible(keypoints, width, height, { wholeBody: this.wholeBody }),
      view: observed === this.view,
      light: this.luma === null ? null : this.luma >= DARK_BRIGHTNESS,
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
