// The patient's exercise page: camera preview, MoveNet in TF.js (our own model files), live
// skeleton and repetition count, a set-up check, countdown, recording (MediaRecorder, or in
// privacy mode the keypoint track only), a video file chosen instead, upload with progress,
// polling for the server's result, and the pain score form.
//
// Nothing the patient does may lose a recording: a small state machine (STEPS) lets Record,
// Record anyway and Stop act once each, and every recording is kept on the device
// (pending_uploads.js, IndexedDB) until the server accepted it, retried by itself with backoff,
// when the browser comes back online, and with the Retry button.
//
// Backend: chosen per device by backend_choice.js (WASM where WebGL is software-rendered or
// slower when timed; `?backend=wasm|webgl` forces one).

/* global tf, poseDetection */
import { LIVE_JOINTS, leadingSide, protocolAngle } from './angles.js';
import { chooseBackend } from './backend_choice.js';
import { AutoStop, COUNTDOWN_KEY, Speaker, VOICE_KEY, countdownSeconds, formatClock, timerState, voiceOn } from './hands_free.js';
import { LegTally, LiveTally, countAgainstDose, figureDisplay, measureTrust, serverCountText } from './live_count.js';
import { RetryLoop, clipType, newUploadKey, pendingDelete, pendingFile, pendingList, pendingPut, uploadHeaders } from './pending_uploads.js';
import { DEFAULT_MIN_RANGE, LiveRepCounter } from './reps.js';
import { IntervalGate, SetupMonitor, meanBrightness } from './setup_check.js';
import { drawSkeleton } from './skeleton.js';
import { TrackRecorder } from './track.js';
import { apiJson, errorMessage, pollSession, sendWithProgress } from './upload.js';

const cfg = JSON.parse(document.getElementById('live-config').textContent);
const $ = (id) => document.getElementById(id);
const ui = {
  live: $('live'), video: $('camera'), overlay: $('overlay'), count: $('live-count'), status: $('pose-status'),
  fps: $('fps'), backend: $('backend'), error: $('live-error'), checks: $('setup-checks'), start: $('start-camera'),
  record: $('record'), recordAnyway: $('record-anyway'), stop: $('stop'), countdown: $('countdown'),
  indicator: $('recording-indicator'), recTime: $('recording-time'), upload: $('upload'),
  progress: $('upload-progress'), uploadLabel: $('upload-label'), uploadStatus: $('upload-status'), retry: $('retry'),
  result: $('result'), resultStatus: $('result-status'), resultNumbers: $('result-numbers'),
  resultProblems: $('result-problems'), resultLink: $('result-link'), feedback: $('feedback'),
  feedbackForm: $('feedback-form'), feedbackStatus: $('feedback-status'), points: $('points'),
  countdownSelect: $('countdown-seconds'), voice: $('voice-cues'), timer: $('hold-timer'), timerValue: $('timer-value'),
  autoStopNote: $('auto-stop-note'), fileInput: $('clip-file'), sendFile: $('send-file'), fileStatus: $('file-status'),
  pending: $('pending'), pendingText: $('pending-text'), pendingSend: $('pending-send'),
  pendingDownload: $('pending-download'), pendingDiscard: $('pending-discard'), download: $('download-recording'),
  recordAgain: $('record-again'), countDose: $('result-count-dose'),
};
const ctx = ui.overlay.getContext('2d');
const lightCanvas = document.createElement('canvas');
lightCanvas.width = 32; lightCanvas.height = 24;
const lightCtx = lightCanvas.getContext('2d', { willReadFrequently: true });

// The protocol's live config names a joint only when there are repetitions to count.
const canCount = LIVE_JOINTS.includes(cfg.joint);
const sides = cfg.side === 'best' ? ['left', 'right'] : [cfg.side];
const MAX_RECORD_SECONDS = Math.max(60, (cfg.targetSeconds || 0) + 20, 180);

const state = {
  step: 'idle', detector: null, stream: null, running: false, recording: false, counters: [], monitor: null,
  frames: 0, fpsStart: 0, recStart: 0, recorder: null, chunks: [], track: null, entry: null, loop: null,
  sessionId: null, checksReady: false, tally: new LiveTally(), light: new IntervalGate(), autoStop: null,
  speaker: new Speaker({ enabled: voiceOn(localStorage.getItem(VOICE_KEY)) }),
  legs: cfg.side === 'alternating' ? new LegTally(leadingSide) : null,
};

// Which step may follow which: a button pressed twice, or a button that should have been
// hidden, finds its step not allowed and does nothing.
const STEPS = {
  idle: ['starting', 'uploading'],
  starting: ['preview', 'idle'],
  preview: ['countdown', 'uploading'],
  countdown: ['recording', 'preview'],
  recording: ['stopping'],
  stopping: ['uploading'],
  uploading: ['analysing', 'upload-failed'],
  'upload-failed': ['uploading'],
  analysing: ['done'],
  done: [],
};

/** Move to step `next` if the current step allows it; false (and nothing happens) if not. */
function go(next) {
  if (!STEPS[state.step].includes(next)) return false;
  state.step = next;
  ui.live.dataset.state = next;
  const busy = ['countdown', 'recording', 'stopping', 'uploading', 'analysing', 'done'].includes(next);
  if (ui.sendFile) ui.sendFile.disabled = busy;
  return true;
}
function showError(text) { ui.error.textContent = text; ui.error.hidden = !text; }

function newCounters() {
  return sides.map(() => new LiveRepCounter({
    enter: cfg.enter ?? null, exit: cfg.exit ?? null, direction: cfg.direction || 'increase', minRange: cfg.minRange ?? DEFAULT_MIN_RANGE,
  }));
}

async function initBackend() {
  const choice = await chooseBackend({ tf, wasmPath: cfg.wasmPath });
  ui.live.dataset.backendReason = choice.reason;
  return choice.name;
}

async function createDetector() {
  return poseDetection.createDetector(poseDetection.SupportedModels.MoveNet, {
    modelType: poseDetection.movenet.modelType.SINGLEPOSE_LIGHTNING,
    modelUrl: cfg.modelUrl,
    enableSmoothing: true,
  });
}

async function startCamera() {
  if (!go('starting')) return;
  ui.start.disabled = true;
  showError('');
  ui.status.textContent = 'Starting the camera…';
  try {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error('This browser cannot use the camera here (it needs a secure https connection).');
    }
    state.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
    ui.video.srcObject = state.stream;
    await ui.video.play();
    ui.status.textContent = 'Getting ready to follow your movement…';
    const backend = await initBackend();
    ui.backend.textContent = `Pose model on ${backend}.`;
    ui.live.dataset.backend = backend;
    state.detector = await createDetector();
    state.counters = newCounters();
    state.monitor = new SetupMonitor({ view: cfg.cameraView, wholeBody: cfg.needsWholeBody });
    state.running = true;
    state.fpsStart = performance.now();
    ui.start.hidden = true;
    if (!go('preview')) return; // a recording sent meanwhile (a waiting one, a file)
    ui.recordAnyway.hidden = false;
    if (!canCount) ui.count.textContent = '–';
    ui.status.textContent = 'Looking for you…';
    requestAnimationFrame(loop);
  } catch (err) {
    go('idle');
    ui.start.disabled = false;
    const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
    showError(denied ? 'The camera permission was refused. Allow the camera for this site and try again.'
      : `Could not start: ${err.message || err}`);
    ui.status.textContent = 'Camera off.';
  }
}

// A lunge with alternating legs: each repetition's leading leg, shown under the count and spoken.
function showLegs() {
  if (!ui.legs) {
    ui.legs = document.createElement('p');
    ui.legs.id = 'live-legs';
    ui.legs.className = 'muted';
    ui.count.closest('p').insertAdjacentElement('afterend', ui.legs);
  }
  ui.legs.textContent = state.legs.text();
  if (state.legs.last) ui.legs.dataset.last = state.legs.last;
}

function liveAngle(keypoints, side) {
  try { return protocolAngle(keypoints, cfg.joint, side); } catch { return NaN; }
}

function measureLight(now) {
  if (!state.light.due(now)) return; // on a clock: the same at 3 frames/s as at 30
  lightCtx.drawImage(ui.video, 0, 0, lightCanvas.width, lightCanvas.height);
  state.monitor.setBrightness(meanBrightness(lightCtx.getImageData(0, 0, lightCanvas.width, lightCanvas.height).data));
}

function showChecks(check) {
  for (const li of ui.checks.querySelectorAll('li')) {
    const name = li.dataset.check;
    const checking = Boolean(check.checking && check.checking[name]);
    const ok = !checking && Boolean(check[name]);
    li.dataset.ok = checking ? 'checking' : String(ok);
    li.querySelector('.check-mark').textContent = checking ? '…' : (ok ? '✓' : '✗');
    const status = li.querySelector('.check-status');
    if (status) status.textContent = checking ? 'checking…' : (ok ? '' : 'not yet');
  }
  if (check.ready !== state.checksReady) {
    state.checksReady = check.ready;
    ui.checks.setAttribute('aria-label', check.ready ? 'Set-up check passed' : 'Set-up check not passed yet');
  }
  // Record / Record anyway only while previewing: never during the countdown or a recording.
  const previewing = state.step === 'preview';
  ui.record.hidden = !previewing;
  ui.record.disabled = !previewing || !check.ready;
  ui.recordAnyway.hidden = !previewing || check.ready;
}

async function loop() {
  if (!state.running) return;
  const { video } = ui;
  if (video.readyState >= 2 && video.videoWidth) {
    if (ui.overlay.width !== video.videoWidth || ui.overlay.height !== video.videoHeight) {
      ui.overlay.width = video.videoWidth;
      ui.overlay.height = video.videoHeight;
    }
    const now = performance.now();
    let keypoints = null;
    try {
      const poses = await state.detector.estimatePoses(video, { maxPoses: 1, flipHorizontal: false }, now);
      keypoints = poses.length ? poses[0].keypoints : null;
    } catch (err) {
      console.warn('pose estimation failed', err);
    }
    const drawn = drawSkeleton(ctx, keypoints);
    ui.overlay.dataset.keypoints = String(drawn);
    ui.status.textContent = drawn ? 'You are in the picture.' : 'Step into the picture so the camera can see you.';
    if (ui.points) ui.points.textContent = `${drawn} of 17 body points seen.`;
    state.frames += 1;
    measureLight(now);
    showChecks(state.monitor.update(keypoints, video.videoWidth, video.videoHeight));
    if (keypoints && canCount && !state.tally.frozen) {
      sides.forEach((side, i) => state.counters[i].push(liveAngle(keypoints, side)));
      if (state.legs) state.legs.push(keypoints);
      if (state.tally.update(Math.max(...state.counters.map((c) => c.count)))) {
        ui.count.textContent = String(state.tally.count);
        const leg = state.legs && state.tally.count > 0 ? state.legs.rep() : null;
        if (state.legs) showLegs();
        if (state.recording && state.tally.count > 0) state.speaker.say(leg ? `${state.tally.count}, ${leg}` : String(state.tally.count));
      }
    }
    if (state.recording) {
      const seconds = (now - state.recStart) / 1000;
      if (state.track) state.track.push(seconds, keypoints);
      ui.recTime.textContent = formatClock(seconds);
      if (cfg.timer && ui.timerValue) showTimer(seconds);
      if (seconds > MAX_RECORD_SECONDS || state.autoStop.update({ count: state.tally.count, elapsed: seconds })) stopRecording();
    }
    const elapsed = (now - state.fpsStart) / 1000;
    if (elapsed >= 1) {
      const fps = state.frames / elapsed;
      ui.fps.textContent = `${fps.toFixed(0)} frames/s`;
      ui.live.dataset.fps = fps.toFixed(1);
      state.frames = 0;
      state.fpsStart = now;
    }
  }
  requestAnimationFrame(loop);
}

function pickMimeType() {
  const options = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm', 'video/mp4'];
  return options.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || '';
}

function showTimer(seconds) {
  const t = timerState(cfg.timer, seconds);
  ui.timerValue.textContent = t.text;
  ui.timer.dataset.done = String(t.done);
}

async function countdown(seconds) {
  ui.countdown.hidden = false;
  for (let n = seconds; n > 0; n -= 1) {
    ui.countdown.textContent = String(n);
    await new Promise((r) => setTimeout(r, 1000));
  }
  ui.countdown.textContent = 'Go!';
  setTimeout(() => { ui.countdown.hidden = true; }, 700);
}

async function startRecording() {
  if (!go('countdown')) return; // already counting down or recording: a second press does nothing
  ui.record.hidden = true;
  ui.recordAnyway.hidden = true;
  showError('');
  await countdown(countdownSeconds(localStorage.getItem(COUNTDOWN_KEY)));
  state.counters = newCounters();
  state.tally.reset();
  if (state.legs) { state.legs.reset(); showLegs(); }
  ui.count.textContent = canCount ? '0' : '–';
  ui.count.dataset.source = 'live';
  state.chunks = [];
  if (cfg.privacyMode) {
    state.track = new TrackRecorder();
  } else {
    const mimeType = pickMimeType();
    try {
      state.recorder = new MediaRecorder(state.stream, mimeType ? { mimeType } : undefined);
    } catch (err) {
      showError(`This browser cannot record video (${err.message}). Switch on privacy mode in Settings to send movement points instead, or send a video recorded with your phone's camera below.`);
      go('preview');
      return;
    }
    state.recorder.addEventListener('dataavailable', (e) => { if (e.data && e.data.size) state.chunks.push(e.data); });
    state.recorder.start(1000);
  }
  state.autoStop = new AutoStop({ reps: cfg.dose && cfg.dose.reps, holdSeconds: cfg.targetSeconds, counting: canCount });
  state.recStart = performance.now();
  state.recording = true;
  go('recording');
  state.speaker.say('Starting');
  ui.indicator.hidden = false;
  if (ui.autoStopNote) ui.autoStopNote.textContent = state.autoStop.describe();
  if (cfg.timer && ui.timer) { ui.timer.hidden = false; showTimer(0); }
  ui.stop.hidden = false;
  ui.stop.focus();
}

function recordedEntry() {
  const base = { routineItem: cfg.routineItem, createdAt: Date.now(), source: 'camera', uploadKey: newUploadKey() };
  if (cfg.privacyMode) {
    return { ...base, kind: 'track', track: state.track.toJSON(ui.video.videoWidth, ui.video.videoHeight), name: 'movement.json' };
  }
  const type = ((state.recorder && state.recorder.mimeType) || 'video/webm').split(';')[0];
  const blob = new Blob(state.chunks, { type });
  return { ...base, kind: 'clip', blob, name: type === 'video/mp4' ? 'recording.mp4' : 'recording.webm' };
}

async function stopRecording() {
  if (!go('stopping')) return; // Stop pressed twice, or pressed as the automatic stop fired
  state.recording = false;
  // The count stops with the recording; the server's count replaces it when the result is in.
  state.tally.freeze();
  ui.count.dataset.source = 'stopped';
  ui.stop.hidden = true;
  ui.indicator.hidden = true;
  state.speaker.say('Done');
  if (state.recorder) {
    const stopped = new Promise((r) => state.recorder.addEventListener('stop', r, { once: true }));
    state.recorder.stop();
    await stopped;
  }
  keepAndSend(recordedEntry());
}

// --- Sending: kept on the device until the server accepted it --------------------------------

function describeEntry(entry) {
  if (entry.kind === 'track') return `your movement (${entry.track.timestamps.length} moments, no video)`;
  return `${entry.source === 'file' ? `“${entry.name}”` : 'your video'} (${(entry.blob.size / 1048576).toFixed(1)} MB)`;
}

function entryBody(entry) {
  if (entry.kind === 'track') {
    return { body: JSON.stringify({ routine_item: entry.routineItem, keypoints: entry.track }), headers: { 'Content-Type': 'application/json', ...uploadHeaders(entry) } };
  }
  const form = new FormData();
  form.append('routine_item', String(entry.routineItem));
  form.append('clip', entry.blob, entry.name);
  return { body: form, headers: uploadHeaders(entry) };
}

async function sendEntry(entry) {
  const { body, headers } = entryBody(entry);
  try {
    return await sendWithProgress({
      url: cfg.sessionsUrl,
      body,
      headers,
      onProgress: (f) => { ui.progress.value = Math.round(100 * f); ui.progress.textContent = `${Math.round(100 * f)}%`; },
    });
  } catch (err) {
    return { status: (err && err.status) || 0, body: (err && err.body) || null };
  }
}

function offerDownload(link, entry) {
  const file = pendingFile(entry);
  if (link.href && link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(file.blob);
  link.download = file.name;
  link.hidden = false;
}

/** Keep the recording on this device, then send it. */
async function keepAndSend(entry) {
  try {
    entry.id = await pendingPut(entry);
  } catch (err) {
    console.warn('could not keep the recording on this device', err);
    entry.id = null; // still sent from memory; this tab must stay open until it is
  }
  send(entry);
}

function send(entry) {
  if (!go('uploading')) return;
  if (state.loop) state.loop.cancel();
  state.entry = entry;
  if (!state.running) ui.start.hidden = true; // one recording per visit: "Record again" reloads
  ui.pending.hidden = true;
  ui.upload.hidden = false;
  ui.download.hidden = true;
  const what = describeEntry(entry);
  state.loop = new RetryLoop({
    send: () => sendEntry(entry),
    onSending: (failures) => {
      ui.upload.dataset.state = 'sending';
      ui.retry.hidden = true;
      ui.progress.value = 0;
      ui.uploadLabel.textContent = `${failures ? 'Sending again' : 'Sending'} ${what}…`;
    },
    onAccepted: (body) => {
      ui.upload.dataset.state = 'sent';
      ui.uploadLabel.textContent = 'Sent';
      ui.uploadStatus.textContent = 'Your recording arrived.';
      ui.progress.value = 100;
      if (entry.id !== null && entry.id !== undefined) pendingDelete(entry.id).catch((err) => console.warn(err));
      go('analysing');
      followSession(body.id);
    },
    onWaiting: ({ status, body, delayMs }) => {
      ui.upload.dataset.state = 'waiting';
      ui.uploadLabel.textContent = 'Not sent yet';
      const when = navigator.onLine === false ? 'as soon as the connection is back' : `in ${Math.round(delayMs / 1000)} s`;
      ui.uploadStatus.textContent = `${errorMessage(status, body)} Your recording is kept on this device and will be sent by itself ${when}.`;
      ui.retry.hidden = false;
    },
    onRefused: ({ status, body }) => {
      go('upload-failed');
      ui.upload.dataset.state = 'refused';
      ui.uploadLabel.textContent = 'Not accepted';
      const reason = errorMessage(status, body);
      ui.uploadStatus.textContent = `The recording was not accepted: ${reason} It is still kept on this device. You can save it below and show it to your therapist.`;
      offerDownload(ui.download, entry);
      if (entry.id !== null && entry.id !== undefined) pendingPut({ ...entry, refused: reason }).catch(() => {});
    },
  });
  state.loop.now();
}

function sendChosenFile() {
  const file = ui.fileInput.files && ui.fileInput.files[0];
  if (!file) { ui.fileStatus.textContent = 'Choose a video first.'; return; }
  if (cfg.maxClipBytes && file.size > cfg.maxClipBytes) {
    ui.fileStatus.textContent = `This video is too large to send (${Math.round(file.size / 1048576)} MB; at most ${Math.round(cfg.maxClipBytes / 1048576)} MB). Record a shorter one.`;
    return;
  }
  if (!['idle', 'preview', 'upload-failed'].includes(state.step)) {
    ui.fileStatus.textContent = 'Wait until the camera is ready or the recording is sent, then try again.';
    return;
  }
  ui.fileStatus.textContent = '';
  const type = clipType(file.name, file.type);
  const blob = type === file.type ? file : new Blob([file], { type }); // a reference, not a copy
  keepAndSend({ routineItem: cfg.routineItem, kind: 'clip', blob, name: file.name || 'video.mp4', createdAt: Date.now(), source: 'file', uploadKey: newUploadKey() });
}

/** On page load: a recording of this exercise that was not sent (tab closed, offline). */
async function offerPending() {
  let entries;
  try { entries = await pendingList(cfg.routineItem); } catch { return; }
  if (!entries.length || !['idle', 'preview'].includes(state.step)) return;
  const entry = entries[0];
  const when = new Date(entry.createdAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
  const more = entries.length > 1 ? ` ${entries.length - 1} more will be offered after it.` : '';
  const refused = entry.refused ? ` Last time it was not accepted: ${entry.refused}` : '';
  ui.pendingText.textContent = `A recording from ${when} has not been sent yet.${refused}${more}`;
  ui.pending.hidden = false;
  ui.pending.dataset.entry = String(entry.id);
  offerDownload(ui.pendingDownload, entry);
  ui.pendingSend.onclick = () => send(entry);
  ui.pendingDiscard.onclick = async () => {
    if (!window.confirm('Delete this recording from this device? It has not been sent.')) return;
    await pendingDelete(entry.id).catch(() => {});
    ui.pending.hidden = true;
    offerPending();
  };
}

// --- The result ------------------------------------------------------------------------------

function showResult(session) {
  const labels = { queued: 'Waiting for the analysis…', processing: 'Analysing your movement…', done: 'Analysis finished.', failed: 'The analysis did not work.' };
  ui.resultStatus.textContent = session.status === 'failed' && session.error ? `${labels.failed} ${session.error}` : labels[session.status] || session.status;
  ui.result.dataset.status = session.status;
  if (session.status === 'failed') {
    ui.recordAgain.hidden = false;
    go('done');
    return;
  }
  if (session.status !== 'done' || !session.result) return;
  const r = session.result;
  const summary = r.summary || {};
  const trusted = r.quality ? r.quality.trusted : undefined;
  const measures = cfg.figureMeasures || {};
  for (const figure of cfg.figures || []) {
    const cell = $(`result-${figure.key}`);
    if (!cell) continue;
    // The count is the stored headline (rep_count), the number every other page shows.
    const value = figure.key === 'count' ? r.rep_count : summary[figure.key];
    const shown = figureDisplay(value, figure, measureTrust(r, measures[figure.key]), trusted);
    cell.textContent = shown.note ? `${shown.text} (${shown.level === 'check' ? 'check' : 'not measured'})` : shown.text;
    if (shown.level) cell.dataset.level = shown.level;
    const note = $(`result-${figure.key}-trust`);
    if (note) { note.textContent = shown.note; note.hidden = !shown.note; }
  }
  const reps = cfg.dose && cfg.dose.reps;
  if (ui.countDose && reps && typeof r.rep_count === 'number') {
    ui.countDose.textContent = `${countAgainstDose(r.rep_count, reps)} prescribed`;
    ui.countDose.hidden = false;
  }
  if (canCount) {
    ui.count.textContent = serverCountText(r);
    ui.count.dataset.source = 'server';
  }
  ui.resultNumbers.hidden = false;
  ui.resultProblems.replaceChildren(...((r.quality && r.quality.problems) || []).map((p) => {
    const li = document.createElement('li');
    li.textContent = p;
    return li;
  }));
  if (r.quality && r.quality.trusted === false) ui.recordAgain.hidden = false;
  ui.resultLink.href = cfg.resultUrlTemplate.replace('{id}', session.id);
  ui.resultLink.hidden = false;
  go('done');
  ui.result.focus();
}

async function followSession(id) {
  state.sessionId = id;
  ui.result.hidden = false;
  ui.feedback.hidden = false;
  const url = cfg.sessionUrlTemplate.replace('{id}', id);
  try {
    await pollSession(url, { onUpdate: showResult });
  } catch (err) {
    ui.resultStatus.textContent = `${err.message} You can close this page: the result will appear in your history.`;
  }
}

async function saveFeedback(event) {
  event.preventDefault();
  if (!state.sessionId) return;
  const form = new FormData(ui.feedbackForm);
  const pain = form.get('pain_score');
  const data = { comment: form.get('comment') || '', pain_score: pain === '' || pain === null ? null : Number(pain) };
  ui.feedbackStatus.textContent = 'Saving…';
  const { status, body } = await apiJson(cfg.sessionUrlTemplate.replace('{id}', state.sessionId), { method: 'PATCH', data })
    .catch(() => ({ status: 0, body: null }));
  ui.feedbackStatus.textContent = status === 200 ? 'Saved. Thank you.' : errorMessage(status, body);
}

// --- Hands-free settings (remembered on this device) ---------------------------------------

function setUpHandsFree() {
  if (ui.countdownSelect) {
    const seconds = countdownSeconds(localStorage.getItem(COUNTDOWN_KEY));
    if (![...ui.countdownSelect.options].some((o) => Number(o.value) === seconds)) {
      ui.countdownSelect.add(new Option(`${seconds} s`, String(seconds)));
    }
    ui.countdownSelect.value = String(seconds);
    ui.countdownSelect.addEventListener('change', () => localStorage.setItem(COUNTDOWN_KEY, ui.countdownSelect.value));
  }
  if (ui.voice) {
    ui.voice.checked = state.speaker.enabled;
    ui.voice.addEventListener('change', () => {
      state.speaker.enabled = ui.voice.checked;
      localStorage.setItem(VOICE_KEY, ui.voice.checked ? 'on' : 'off');
    });
  }
  if (ui.autoStopNote) {
    ui.autoStopNote.textContent = new AutoStop({ reps: cfg.dose && cfg.dose.reps, holdSeconds: cfg.targetSeconds, counting: canCount }).describe();
  }
  if (cfg.timer && ui.timerValue) showTimer(0);
}

ui.start.addEventListener('click', startCamera);
ui.record.addEventListener('click', startRecording);
ui.recordAnyway.addEventListener('click', startRecording);
ui.stop.addEventListener('click', stopRecording);
ui.retry.addEventListener('click', () => { if (state.loop) state.loop.now(); });
if (ui.sendFile) ui.sendFile.addEventListener('click', sendChosenFile);
ui.feedbackForm.addEventListener('submit', saveFeedback);
window.addEventListener('online', () => { if (state.loop) state.loop.now(); });
window.addEventListener('pagehide', () => {
  state.running = false;
  if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
});
setUpHandsFree();
offerPending();
