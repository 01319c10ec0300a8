// The live page's repetition count and result figures, without the DOM (tests/js/live_count.test.mjs).
//
// While the camera runs the browser counts; Stop freezes that count (the patient is walking to
// the device, not exercising), and when the server's result arrives its count replaces it: the
// number the result card, the history and the therapist's CSV show. Each figure carries the
// engine's trust for its measure (result.trust, the same as result.quality.trust):
// "check" numbers get their reasons, "unreliable" ones are withheld ("–") with theirs.

/** A count that can be frozen: `update(n)` is ignored once `freeze()` was called. */
export class LiveTally {
  constructor() { this.count = 0; this.frozen = false; }

  reset() { this.count = 0; this.frozen = false; }

  freeze() { this.frozen = true; }

  /** The counters' best count while not frozen; returns whether the shown count changed. */
  update(count) {
    if (this.frozen || count === this.count) return false;
    this.count = count;
    return true;
  }
}

/** Which leg led each repetition of a side-'alternating' exercise (a lunge), as the engine
 * reports it afterwards: the frames since the previous repetition are kept, and when the count
 * goes up `leadingSide(frames)` names the leg (angles.js). */
export class LegTally {
  constructor(leadingSide, maxFrames = 900) {
    Object.assign(this, { leadingSide, maxFrames });
    this.reset();
  }

  reset() { this.frames = []; this.left = 0; this.right = 0; this.last = null; }

  push(keypoints) {
    this.frames.push(keypoints);
    if (this.frames.length > this.maxFrames) this.frames.shift();
  }

  /** A repetition was counted: returns its leg ('left' | 'right', or null when not seen). */
  rep() {
    const side = this.leadingSide(this.frames);
    this.frames = [];
    if (side) this[side] += 1;
    this.last = side;
    return side;
  }

  text() { return `Left leg ${this.left} · right leg ${this.right}`; }
}

/** The engine's trust of `measure` in a session result ({level, reasons}), or null when the
 * result was stored before measures were graded. */
export function measureTrust(result, measure) {
  if (!result || !measure) return null;
  const trust = result.trust || (result.quality && result.quality.trust) || {};
  return trust[measure] || null;
}

/** A figure's value with its trust: `{ text, level, note }`. `figure`: one of cfg.figures
 * (label, suffix, digits); `trust`: measureTrust(); `trusted`: result.quality.trusted (the
 * fallback for results without trust). */
export function figureDisplay(value, figure, trust, trusted) {
  const level = trust ? trust.level : null;
  const reasons = trust && trust.reasons ? trust.reasons.join(' ') : '';
  let text;
  if (value === null || value === undefined) {
    text = !trust && trusted === false ? 'not measured' : '–';
  } else if (typeof value !== 'number') {
    text = String(value);
  } else {
    text = `${Number(value.toFixed(figure.digits))}${figure.suffix}`;
  }
  let note = '';
  if (level === 'check') note = `Check with your therapist: ${reasons}`;
  else if (level === 'unreliable') note = `Not measured: ${reasons}`;
  return { text, level, note };
}

/** The server's repetition count as the live counter shows it once the result is in: the
 * stored count, "–" when it was withheld (or the exercise has none). */
export function serverCountText(result) {
  const count = result ? result.rep_count : null;
  return typeof count === 'number' ? String(count) : '–';
}

/** The count against the prescribed repetitions: "6 of 10" (the count alone without a dose,
 * "–" when withheld). */
export function countAgainstDose(count, reps) {
  if (typeof count !== 'number') return '–';
  return reps > 0 ? `${count} of ${reps}` : String(count);
}
