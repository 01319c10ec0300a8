// Session review: the clip with the stored keypoints drawn over it in sync with playback, the
// primary measure's chart (in its unit, from the server) with repetitions marked (click to seek),
// and pinning notes to a moment.
// Privacy-mode sessions have no clip: the skeleton plays on a blank stage with a time slider.
/* global Chart */
import { drawSkeleton } from './skeleton.js';
import { frameAt } from './track.js';

const config = JSON.parse(document.getElementById('review-config').textContent);
const series = JSON.parse(document.getElementById('series-data').textContent);
const video = document.getElementById('review-video');
const overlay = document.getElementById('review-overlay');
const timeLabel = document.getElementById('review-time');
const slider = document.getElementById('track-time');
const playButton = document.getElementById('track-play');
const ctx = overlay.getContext('2d');
let track = null;
let chart = null;
let clock = 0; // seconds, for sessions without a clip

function currentTime() { return video ? video.currentTime : clock; }

function seek(t) {
  if (video) { video.currentTime = Math.max(0, t); } else { clock = Math.max(0, t); if (slider) slider.value = String(clock); render(); }
}

function render() {
  const t = currentTime();
  if (track) {
    const i = frameAt(track.timestamps, t);
    const drawn = drawSkeleton(ctx, i >= 0 ? track.keypoints[i] : null);
    overlay.dataset.keypoints = String(drawn);
    overlay.dataset.frame = String(i);
  }
  timeLabel.textContent = `${t.toFixed(2)} s`;
  if (chart) {
    chart.$cursor = t;
    chart.draw();
  }
}

function tick() {
  render();
  if (video && !video.paused && !video.ended) {
    if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(tick); else requestAnimationFrame(tick);
  }
}

async function loadTrack() {
  if (!config.trackUrl) return;
  const response = await fetch(config.trackUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  track = await response.json();
  const { width, height } = track.video || {};
  overlay.width = width || (video && video.videoWidth) || 640;
  overlay.height = height || (video && video.videoHeight) || 480;
  const blank = document.getElementById('review-blank');
  if (blank) {
    // The blank stage takes the clip's shape (CSSOM, allowed by the page's CSP), so a 16:9
    // recording is not squeezed into a square.
    blank.dataset.aspect = `${overlay.width}x${overlay.height}`;
    blank.style.aspectRatio = `${overlay.width} / ${overlay.height}`;
  }
  if (slider && track.timestamps.length) slider.max = String(track.timestamps[track.timestamps.length - 1]);
  overlay.dataset.ready = 'true';
  render();
}

// Shade each counted repetition and draw the playback cursor.
const repBands = {
  id: 'repBands',
  beforeDatasetsDraw(c) {
    const { ctx: g, chartArea: a, scales: { x } } = c;
    g.save();
    (series.reps || []).forEach((rep, n) => {
      if (rep.start === null || rep.end === null) return;
      const x0 = x.getPixelForValue(rep.start), x1 = x.getPixelForValue(rep.end);
      g.fillStyle = n % 2 ? 'rgba(56,161,105,0.16)' : 'rgba(56,161,105,0.24)';
      g.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
      g.fillStyle = '#276749';
      g.font = '12px sans-serif';
      g.fillText(`Rep ${n + 1}`, x0 + 4, a.top + 14);
    });
    g.restore();
  },
  afterDatasetsDraw(c) {
    if (c.$cursor === undefined) return;
    const { ctx: g, chartArea: a, scales: { x } } = c;
    const px = x.getPixelForValue(c.$cursor);
    if (px < a.left || px > a.right) return;
    g.save();
    g.strokeStyle = '#e0533d';
    g.lineWidth = 2;
    g.beginPath(); g.moveTo(px, a.top); g.lineTo(px, a.bottom); g.stroke();
    g.restore();
  },
};

function drawChart() {
  const canvas = document.getElementById('angle-chart');
  if (!canvas || !series || !series.values || !series.values.length) return;
  const points = series.timestamps.map((t, i) => ({ x: t, y: series.values[i] }));
  const peaks = (series.reps || []).filter((r) => r.peak_time !== null).map((r) => ({ x: r.peak_time, y: r.peak_angle }));
  const datasets = [
    { label: series.label || series.primary || 'angle', data: points, borderColor: '#1f5fa8', pointRadius: 0, borderWidth: 2, spanGaps: false },
    { label: 'Repetition peak', data: peaks, type: 'scatter', borderColor: '#276749', backgroundColor: '#38a169', pointRadius: 5 },
  ];
  const th = series.thresholds;
  if (th && th.enter !== null) {
    const span = [points[0].x, points[points.length - 1].x];
    datasets.push({ label: 'Enter threshold', data: span.map((x) => ({ x, y: th.enter })), borderColor: '#a0aec0', borderDash: [5, 4], pointRadius: 0, borderWidth: 1 });
    datasets.push({ label: 'Exit threshold', data: span.map((x) => ({ x, y: th.exit })), borderColor: '#cbd5e0', borderDash: [2, 3], pointRadius: 0, borderWidth: 1 });
  }
  chart = new Chart(canvas, {
    type: 'line',
    data: { datasets },
    plugins: [repBands],
    options: {
      responsive: true, maintainAspectRatio: false, animation: false, parsing: false,
      scales: { x: { type: 'linear', title: { display: true, text: 'seconds' } }, y: { title: { display: Boolean(series.unit), text: series.unit || '' } } },
      onClick: (event) => { seek(chart.scales.x.getValueForPixel(event.x)); },
    },
  });
  canvas.dataset.ready = 'true';
}

function playTrack() {
  if (!track || !track.timestamps.length) return;
  const end = track.timestamps[track.timestamps.length - 1];
  if (clock >= end) clock = 0;
  const startWall = performance.now() - clock * 1000;
  playButton.textContent = 'Pause';
  const step = () => {
    if (playButton.textContent !== 'Pause') return;
    clock = (performance.now() - startWall) / 1000;
    if (clock >= end) { clock = end; playButton.textContent = 'Play'; }
    if (slider) slider.value = String(clock);
    render();
    if (clock < end) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

if (video) {
  video.addEventListener('play', tick);
  video.addEventListener('seeked', render);
  video.addEventListener('loadeddata', render);
}
if (playButton) playButton.addEventListener('click', () => {
  if (playButton.textContent === 'Pause') playButton.textContent = 'Play'; else playTrack();
});
if (slider) slider.addEventListener('input', () => { clock = Number(slider.value); render(); });
for (const button of document.querySelectorAll('button.seek')) {
  button.addEventListener('click', () => { seek(Number(button.dataset.seek)); if (video) video.focus(); });
}
for (const row of document.querySelectorAll('tr[data-start]')) {
  if (row.dataset.start === '') continue;
  row.classList.add('seekable');
  row.tabIndex = 0;
  row.addEventListener('click', () => seek(Number(row.dataset.start)));
  row.addEventListener('keydown', (e) => { if (e.key === 'Enter') seek(Number(row.dataset.start)); });
}
const pin = document.getElementById('pin-now');
if (pin) pin.addEventListener('click', () => {
  const field = document.getElementById('id_at_seconds');
  field.value = currentTime().toFixed(2);
  field.focus();
});

loadTrack().catch((err) => console.warn('could not load the keypoint track', err));
if (window.Chart) drawChart(); else window.addEventListener('load', drawChart);
