// Drawing a MoveNet skeleton (17 COCO keypoints) on a canvas, shared by the live exercise page
// and the therapist's review. Keypoints: [x, y, score] arrays or MoveNet {x, y, score} objects,
// in pixels of the frame; the canvas's own size is the frame's size (CSS scales both alike).
// The bones and the drawing threshold are the engine's (shared_constants.js): a joint is drawn
// when its score reaches the measures' gate, as in the server's overlay (pose/tools/overlay.py).

import SHARED from './shared_constants.js';

export const EDGES = SHARED.skeleton.edges;
export const DRAW_MIN_SCORE = SHARED.skeleton.min_score;

/** [x, y, score] for either keypoint shape. */
export function asTriple(k) {
  return Array.isArray(k) ? k : [k.x, k.y, k.score ?? 0];
}

/** Draw the skeleton; returns how many keypoints were confident enough to draw. */
export function drawSkeleton(ctx, keypoints, { minScore = DRAW_MIN_SCORE, scaleX = 1, scaleY = 1, clear = true } = {}) {
  if (clear) ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  if (!keypoints) return 0;
  const pts = keypoints.map(asTriple).map(([x, y, s]) => [x * scaleX, y * scaleY, s]);
  const unit = Math.max(2, Math.round(Math.min(ctx.canvas.width, ctx.canvas.height) / 160));
  ctx.lineWidth = unit * 1.5;
  ctx.strokeStyle = '#38d39f';
  ctx.lineCap = 'round';
  for (const [a, b] of EDGES) {
    const p = pts[a], q = pts[b];
    if (p && q && p[2] >= minScore && q[2] >= minScore) {
      ctx.beginPath();
      ctx.moveTo(p[0], p[1]);
      ctx.lineTo(q[0], q[1]);
      ctx.stroke();
    }
  }
  let drawn = 0;
  for (const [x, y, s] of pts) {
    if (s < minScore) continue;
    drawn += 1;
    ctx.beginPath();
    ctx.fillStyle = '#ffffff';
    ctx.arc(x, y, unit * 2, 0, 2 * Math.PI);
    ctx.fill();
    ctx.beginPath();
    ctx.fillStyle = '#e0533d';
    ctx.arc(x, y, unit * 1.2, 0, 2 * Math.PI);
    ctx.fill();
  }
  return drawn;
}
