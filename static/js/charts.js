// Trends per exercise on the therapist's patient page (chart.js UMD from /static/vendor).
/* global Chart */

const trends = JSON.parse(document.getElementById('trends-data').textContent);

const COLORS = { measure: '#1f5fa8', reps: '#38a169', pain: '#d9534f' };

function datasetsFor(trend) {
  const balance = trend.protocol === 'hold_balance';
  const measureKey = balance ? 'balance_score' : 'peak_angle';
  const sets = [{
    label: balance ? 'Balance score (0–100)' : 'Peak angle (°)',
    data: trend.points.map((p) => p[measureKey]),
    borderColor: COLORS.measure, backgroundColor: COLORS.measure, yAxisID: 'y', spanGaps: true,
  }];
  if (!balance) {
    sets.push({
      label: 'Range of motion (°)', data: trend.points.map((p) => p.range_of_motion), borderColor: '#6b8fc7',
      backgroundColor: '#6b8fc7', borderDash: [4, 3], yAxisID: 'y', spanGaps: true,
    });
    sets.push({
      label: 'Repetitions', data: trend.points.map((p) => p.reps), borderColor: COLORS.reps,
      backgroundColor: COLORS.reps, yAxisID: 'y2', spanGaps: true,
    });
  }
  sets.push({
    label: 'Pain (0–10)', data: trend.points.map((p) => p.pain), borderColor: COLORS.pain,
    backgroundColor: COLORS.pain, yAxisID: 'y2', spanGaps: true,
  });
  return sets;
}

function draw() {
  for (const figure of document.querySelectorAll('figure.trend')) {
    const trend = trends[Number(figure.dataset.trendIndex)];
    const canvas = figure.querySelector('canvas');
    if (!trend || !canvas) continue;
    new Chart(canvas, {
      type: 'line',
      data: { labels: trend.points.map((p) => p.date), datasets: datasetsFor(trend) },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'index', intersect: false },
        scales: {
          y: { position: 'left', beginAtZero: true, title: { display: true, text: trend.protocol === 'hold_balance' ? 'score' : 'degrees' } },
          y2: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'count / pain' } },
        },
      },
    });
    canvas.dataset.ready = 'true';
  }
}

if (window.Chart) draw(); else window.addEventListener('load', draw);
