// The patient's exercise page: camera preview, MoveNet in TF.js (our own model files), live
// skeleton and repetition count, a set-up check, countdown, recording (MediaRecorder, or in
// privacy mode the keypoint track only), upload with progress and retry, polling for the
// server's result, and the pain score form.
//
// Backend: WebGL, falling back to WASM. `?backend=wasm` (or localStorage 'therapose.backend')
// forces one; the browser tests use WASM (headless WebGL renders in software).

/* global tf, poseDetection */
import { LIVE_JOINTS, protocolAngle } from './angles.js';
import { LiveTally, figureDisplay, measureTrust, serverCountText } from './live_count.js';
import { DEFAULT_MIN_RANGE, LiveRepCounter } from './reps.js';
import { SetupMonitor, meanBrightness } from './setup_check.js';
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
  feedbackForm: $('feedback-form'), feedbackStatus: $('feedback-status'),
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
  detector: null, stream: null, running: false, recording: false, counters: [], monitor: null,
  frames: 0, fpsStart: 0, recStart: 0, recorder: null, chunks: [], track: null, payload: null,
  sessionId: null, checksReady: false, tally: new LiveTally(),
};

function setState(name) { ui.live.dataset.state = name; }
function showError(text) { ui.error.textContent = text; ui.error.hidden = !text; }

function newCounters() {
  return sides.map(() => new LiveRepCounter({
    enter: cfg.enter ?? null, exit: cfg.exit ?? null, direction: cfg.direction || 'increase', minRange: cfg.minRange ?? DEFAULT_MIN_RANGE,
  }));
}

function backendOrder() {
  const forced = new URLSearchParams(location.search).get('backend') || localStorage.getItem('therapose.backend');
  if (forced === 'wasm' || forced === 'webgl') return [forced];
  return ['webgl', 'wasm'];
}

async function initBackend() {
  if (tf.wasm && tf.wasm.setWasmPaths) tf.wasm.setWasmPaths(cfg.wasmPath);
  for (const name of backendOrder()) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch (err) {
      console.warn(`TF.js backend ${name} unavailable`, err);
    }
  }
  throw new Error('This browser cannot run the pose model (neither WebGL nor WebAssembly).');
}

async function createDetector() {
  return poseDetection.createDetector(poseDetection.SupportedModels.MoveNet, {
    modelType: poseDetection.movenet.modelType.SINGLEPOSE_LIGHTNING,
    modelUrl: cfg.modelUrl,
    enableSmoothing: true,
  });
}

async function startCamera() {
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
    ui.status.textContent = 'Loading the pose model…';
    const backend = await initBackend();
    ui.backend.textContent = `(${backend})`;
    ui.live.dataset.backend = backend;
    state.detector = await createDetector();
    state.counters = newCounters();
    state.monitor = new SetupMonitor({ view: cfg.cameraView, wholeBody: cfg.needsWholeBody });
    state.running = true;
    state.fpsStart = performance.now();
    setState('preview');
    ui.start.hidden = true;
    ui.recordAnyway.hidden = false;
    if (!canCount) ui.count.textContent = '–';
    ui.status.textContent = 'Looking for you…';
    requestAnimationFrame(loop);
  } catch (err) {
    ui.start.disabled = false;
    const denied = err && (err.name === 'NotAllowedError' || err.name === 'SecurityError');
    showError(denied ? 'The camera permission was refused. Allow the camera for this site and try again.'
      : `Could not start: ${err.message || err}`);
    ui.status.textContent = 'Camera off.';
  }
}

function liveAngle(keypoints, side) {
  try { return protocolAngle(keypoints, cfg.joint, side); } catch { return NaN; }
}

function measureLight(frameNo) {
  if (frameNo % 10 !== 0) return;
  lightCtx.drawImage(ui.video, 0, 0, lightCanvas.width, lightCanvas.height);
  state.monitor.setBrightness(meanBrightness(lightCtx.getImageData(0, 0, lightCanvas.width, lightCanvas.height).data));
}

function showChecks(check) {
  for (const li of ui.checks.querySelectorAll('li')) {
    const ok = Boolean(check[li.dataset.check]);
    li.dataset.ok = String(ok);
    li.querySelector('.check-mark').textContent = ok ? '✓' : '✗';
  }
  if (check.ready !== state.checksReady) {
    state.checksReady = check.ready;
    ui.checks.setAttribute('aria-label', check.ready ? 'Set-up check passed' : 'Set-up check not passed yet');
  }
  if (!state.recording) {
    ui.record.disabled = !check.ready;
    ui.recordAnyway.hidden = check.ready;
  }
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
    ui.status.textContent = drawn ? `Person found (${drawn} of 17 points).` : 'No person found: step into the picture.';
    state.frames += 1;
    measureLight(state.frames);
    showChecks(state.monitor.update(keypoints, video.videoWidth, video.videoHeight));
    if (keypoints && canCount && !state.tally.frozen) {
      sides.forEach((side, i) => state.counters[i].push(liveAngle(keypoints, side)));
      if (state.tally.update(Math.max(...state.counters.map((c) => c.count)))) ui.count.textContent = String(state.tally.count);
    }
    if (state.recording) {
      const seconds = (now - state.recStart) / 1000;
      if (state.track) state.track.push(seconds, keypoints);
      ui.recTime.textContent = `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
      if (seconds > MAX_RECORD_SECONDS) stopRecording();
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
  ui.record.disabled = true;
  ui.recordAnyway.hidden = true;
  setState('countdown');
  await countdown(3);
  state.counters = newCounters();
  state.tally.reset();
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
      showError(`This browser cannot record video (${err.message}). Switch on privacy mode in Settings to send movement points instead.`);
      setState('preview');
      ui.record.disabled = false;
      return;
    }
    state.recorder.addEventListener('dataavailable', (e) => { if (e.data && e.data.size) state.chunks.push(e.data); });
    state.recorder.start(1000);
  }
  state.recStart = performance.now();
  state.recording = true;
  setState('recording');
  ui.indicator.hidden = false;
  ui.record.hidden = true;
  ui.stop.hidden = false;
  ui.stop.focus();
}

function recordedPayload() {
  if (cfg.privacyMode) {
    const track = state.track.toJSON(ui.video.videoWidth, ui.video.videoHeight);
    return {
      body: JSON.stringify({ routine_item: cfg.routineItem, keypoints: track }),
      headers: { 'Content-Type': 'application/json' },
      describe: `${state.track.frames} frames of movement points`,
    };
  }
  const type = (state.recorder && state.recorder.mimeType) || 'video/webm';
  const blob = new Blob(state.chunks, { type: type.split(';')[0] });
  const name = blob.type === 'video/mp4' ? 'clip.mp4' : 'clip.webm';
  const form = new FormData();
  form.append('routine_item', String(cfg.routineItem));
  form.append('clip', blob, name);
  return { body: form, headers: {}, describe: `${(blob.size / 1048576).toFixed(1)} MB of video` };
}

async function stopRecording() {
  if (!state.recording) return;
  state.recording = false;
  // The count stops with the recording; the server's count replaces it when the result is in.
  state.tally.freeze();
  ui.count.dataset.source = 'stopped';
  ui.stop.hidden = true;
  ui.indicator.hidden = true;
  setState('uploading');
  if (state.recorder) {
    const stopped = new Promise((r) => state.recorder.addEventListener('stop', r, { once: true }));
    state.recorder.stop();
    await stopped;
  }
  state.payload = recordedPayload();
  upload();
}

async function upload() {
  ui.upload.hidden = false;
  ui.retry.hidden = true;
  ui.progress.value = 0;
  ui.uploadLabel.textContent = `Sending ${state.payload.describe}…`;
  ui.uploadStatus.textContent = '';
  try {
    const { status, body } = await sendWithProgress({
      url: cfg.sessionsUrl,
      body: state.payload.body,
      headers: state.payload.headers,
      onProgress: (f) => { ui.progress.value = Math.round(100 * f); ui.progress.textContent = `${Math.round(100 * f)}%`; },
    });
    if (status !== 201 && status !== 202) {
      failUpload(errorMessage(status, body), status >= 500 || status === 408 || status === 429);
      return;
    }
    ui.uploadStatus.textContent = 'Sent.';
    ui.uploadLabel.textContent = 'Upload complete';
    state.payload = null; // nothing to retry: free the recording
    setState('analysing');
    followSession(body.id);
  } catch (err) {
    failUpload(errorMessage(err.status ?? 0, err.body), true);
  }
}

function failUpload(message, retryable) {
  setState('upload-failed');
  ui.uploadStatus.textContent = message;
  ui.uploadLabel.textContent = 'Upload failed';
  ui.retry.hidden = !retryable;
  if (retryable) ui.retry.focus();
}


function showResult(session) {
  const labels = { queued: 'Waiting for the analysis…', processing: 'Analysing your movement…', done: 'Analysis finished.', failed: 'The analysis failed.' };
  ui.resultStatus.textContent = session.status === 'failed' && session.error ? `${labels.failed} ${session.error}` : labels[session.status] || session.status;
  ui.result.dataset.status = session.status;
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
  ui.resultLink.href = cfg.resultUrlTemplate.replace('{id}', session.id);
  ui.resultLink.hidden = false;
  setState('done');
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

ui.start.addEventListener('click', startCamera);
ui.record.addEventListener('click', startRecording);
ui.recordAnyway.addEventListener('click', startRecording);
ui.stop.addEventListener('click', stopRecording);
ui.retry.addEventListener('click', upload);
ui.feedbackForm.addEventListener('submit', saveFeedback);
window.addEventListener('pagehide', () => {
  state.running = false;
  if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
});
