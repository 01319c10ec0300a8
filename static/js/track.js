// Keypoint tracks in the engine's JSON shape (pose/track.py): video {width, height},
// timestamps (seconds, strictly increasing) and keypoints (frames x 17 x [x, y, score]).

import SHARED from './shared_constants.js';
import { asTriple } from './skeleton.js';

const NUM_KEYPOINTS = SHARED.keypoints.length;
const NO_PERSON = Array.from({ length: NUM_KEYPOINTS }, () => [0, 0, 0]);
const round = (v, d) => Math.round(v * 10 ** d) / 10 ** d;

/** Collects the frames computed on the device while recording (privacy mode). */
export class TrackRecorder {
  constructor() {
    this.timestamps = [];
    this.keypoints = [];
  }

  get frames() { return this.timestamps.length; }

  /** Add one frame at `seconds` from the start; a frame without a person is all zeros. */
  push(seconds, keypoints) {
    const t = round(seconds, 4);
    const last = this.timestamps[this.timestamps.length - 1];
    if (last !== undefined && !(t > last)) return false; // the engine needs strictly increasing times
    const frame = keypoints && keypoints.length === NUM_KEYPOINTS
      ? keypoints.map((k) => {
        const [x, y, s] = asTriple(k);
        return [round(x, 2), round(y, 2), round(Math.min(Math.max(s, 0), 1), 4)];
      })
      : NO_PERSON;
    this.timestamps.push(t);
    this.keypoints.push(frame);
    return true;
  }

  toJSON(width, height, model = 'movenet-lightning-tfjs') {
    return { model, video: { width, height }, timestamps: this.timestamps, keypoints: this.keypoints };
  }
}

/** Index of the last frame at or before time t (binary search); -1 before the first. */
export function frameAt(timestamps, t) {
  let lo = 0, hi = timestamps.length - 1, found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timestamps[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
  }
  return found;
}
