// The exercise page's demonstration: a stick figure doing the movement, drawn on a canvas from
// the exercise's synthesised keypoint track (pose/tools/demo_tracks.py, embedded in the page as
// JSON), in the camera view the exercise asks for. It loops, and the button pauses and plays it.
// With prefers-reduced-motion it starts still (the frame farthest from the start: the top of
// the movement) and plays only when asked.

import { drawSkeleton } from './skeleton.js';

/** The frame to show ``elapsedMs`` after the start of a loop of ``count`` frames at ``fps``. */
export function frameIndex(elapsedMs, fps, count) {
  if (!count) return 0;
  const n = Math.floor((Math.max(0, elapsedMs) * fps) / 1000);
  return n % count;
}

/** The frame that shows the movement best when still: the one farthest from the first. */
export function stillIndex(frames) {
  let best = 0;
  let far = -1;
  const first = frames[0] || [];
  frames.forEach((frame, i) => {
    let d = 0;
    frame.forEach(([x, y], k) => {
      const [x0, y0] = first[k] || [x, y];
      d += (x - x0) ** 2 + (y - y0) ** 2;
    });
    if (d > far) { far = d; best = i; }
  });
  return best;
}

/** [x, y] keypoints to the skeleton module's [x, y, score]. */
export function withScores(frame) {
  return frame.map(([x, y]) => [x, y, 1]);
}

function draw(canvas, track, index) {
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#1b2430';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const sx = canvas.width / track.width;
  const sy = canvas.height / track.height;
  drawSkeleton(ctx, withScores(track.frames[index]), { scaleX: sx, scaleY: sy, clear: false });
  canvas.dataset.frame = String(index);
}

function start() {
  const data = document.getElementById('demo-track');
  const canvas = document.getElementById('demo-canvas');
  const button = document.getElementById('demo-toggle');
  if (!data || !canvas || !button) return;
  const track = JSON.parse(data.textContent);
  if (!track || !track.frames || !track.frames.length) return;
  const reduce = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  let playing = false;
  let began = 0;
  let shown = reduce ? stillIndex(track.frames) : 0;
  let offset = shown;

  const tick = (now) => {
    if (!playing) return;
    const index = (offset + frameIndex(now - began, track.fps, track.frames.length)) % track.frames.length;
    if (index !== shown) { shown = index; draw(canvas, track, index); }
    requestAnimationFrame(tick);
  };
  const setPlaying = (on) => {
    playing = on;
    button.textContent = on ? 'Pause the demonstration' : 'Play the demonstration';
    canvas.dataset.playing = on ? 'true' : 'false';
    if (on) {
      offset = shown;
      began = performance.now();
      requestAnimationFrame(tick);
    }
  };
  button.addEventListener('click', () => setPlaying(!playing));
  draw(canvas, track, shown);
  button.hidden = false;
  setPlaying(!reduce);
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
