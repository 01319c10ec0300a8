// Hands-free recording: the countdown the patient chooses, spoken cues, the automatic stop at
// the prescribed dose, and the on-screen timer for holds. The rules are pure (no DOM) and
// tested in node (tests/js/hands_free.test.mjs); the Speaker wraps the browser's speechSynthesis.

export const COUNTDOWN_CHOICES = [3, 5, 10, 15];
export const DEFAULT_COUNTDOWN = 10;
export const COUNTDOWN_KEY = 'therapose.countdown';
export const VOICE_KEY = 'therapose.voice';
/** Stop this long after the prescribed repetition was completed (time to finish coming back). */
export const REP_MARGIN_SECONDS = 2;
/** Stop this long after the prescribed hold time (time to take the stance). */
export const HOLD_MARGIN_SECONDS = 3;

/** The countdown in seconds from a stored value: 0 to 30 s (tests use 0 or 1), else 10 s. */
export function countdownSeconds(stored) {
  const n = Number(stored);
  return stored !== null && stored !== undefined && stored !== '' && Number.isInteger(n) && n >= 0 && n <= 30 ? n : DEFAULT_COUNTDOWN;
}

/** Spoken cues are on unless the patient turned them off. */
export function voiceOn(stored) { return stored !== 'off'; }

/**
 * When to stop by itself. `reps`: the prescribed repetitions (counted live when `counting`);
 * `holdSeconds`: the hold to time when nothing is counted. `update({count, elapsed})` (elapsed:
 * seconds since recording started) returns true once it is time to stop.
 */
export class AutoStop {
  constructor({ reps = null, holdSeconds = null, counting = false } = {}) {
    this.reps = counting && reps > 0 ? reps : null;
    this.holdSeconds = !this.reps && holdSeconds > 0 ? holdSeconds : null;
    this.reachedAt = null;
  }

  get active() { return this.reps !== null || this.holdSeconds !== null; }

  /** The stop time in seconds from the start, once known. */
  get stopAt() {
    if (this.reps !== null) return this.reachedAt === null ? null : this.reachedAt + REP_MARGIN_SECONDS;
    if (this.holdSeconds !== null) return this.holdSeconds + HOLD_MARGIN_SECONDS;
    return null;
  }

  update({ count = 0, elapsed }) {
    if (this.reps !== null && this.reachedAt === null && count >= this.reps) this.reachedAt = elapsed;
    const at = this.stopAt;
    return at !== null && elapsed >= at;
  }

  /** What the page says about it ("Stops by itself 2 s after repetition 10."). */
  describe() {
    if (this.reps !== null) {
      return `Recording stops by itself ${REP_MARGIN_SECONDS} s after repetition ${this.reps}.`;
    }
    if (this.holdSeconds !== null) return `Recording stops by itself after ${formatClock(this.stopAt)}.`;
    return '';
  }
}

/** m:ss for a number of seconds (whole seconds, rounded down). */
export function formatClock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The timer a protocol asks for (`{kind, seconds}`) at `elapsed` seconds: 'hold' counts up
 * towards its seconds, 'countdown' counts down from them, 'stopwatch' counts up.
 * Returns `{text, done, fraction}` (fraction of the target reached, null without one).
 */
export function timerState(timer, elapsed) {
  const target = timer && typeof timer.seconds === 'number' && timer.seconds > 0 ? timer.seconds : null;
  const kind = timer ? timer.kind : 'stopwatch';
  const t = Math.max(0, elapsed);
  if (kind === 'countdown' && target !== null) {
    const left = Math.max(0, target - t);
    return { text: formatClock(Math.ceil(left)), done: left <= 0, fraction: Math.min(1, t / target) };
  }
  if (kind === 'hold' && target !== null) {
    return { text: `${formatClock(t)} of ${formatClock(target)}`, done: t >= target, fraction: Math.min(1, t / target) };
  }
  return { text: formatClock(t), done: false, fraction: null };
}

/** Spoken cues through speechSynthesis; silent when off or when the browser has none. */
export class Speaker {
  constructor({ enabled = true, synth = globalThis.speechSynthesis, Utterance = globalThis.SpeechSynthesisUtterance } = {}) {
    this.enabled = enabled;
    this.synth = synth;
    this.Utterance = Utterance;
  }

  say(text) {
    if (!this.enabled || !this.synth || !this.Utterance) return false;
    try {
      this.synth.speak(new this.Utterance(text));
      return true;
    } catch {
      return false;
    }
  }
}

/** "1 repetition", "6 repetitions". */
export function repetitions(n) { return `${n} repetition${n === 1 ? '' : 's'}`; }
