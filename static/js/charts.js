// Trends per exercise on the therapist's patient page (chart.js UMD from /static/vendor).
// Each trend names its series (the trend point's field, a label with its unit, and the axis:
// 'y' for measures, 'y2' for counts beside pain) and its left axis's title; the server builds
// them from the protocol registry (therapy/web/views/figures.py), so no protocol is named here.
/* global Chart */

const trends = JSON.parse(document.getElementById('trends-data').textContent);

const PAIN = '#d9534f';
const PALETTE = { y: ['#1f5fa8', '#6b8fc7', '#2c7a7b'], y2: ['#38a169', '#805ad5'] };

function datasetsFor(trend) {
  const used = { y: 0, y2: 0 };
  const sets = (trend.series || []).map((s) => {
    const n = used[s.axis]++;
    const color = PALETTE[s.axis][n % PALETTE[s.axis].length];
    return {
      label: s.label, data: trend.points.map((p) => p[s.point]), borderColor: color, backgroundColor: color,
      borderDash: s.axis === 'y' && n > 0 ? [4, 3] : [], yAxisID: s.axis, spanGaps: true,
    };
  });
  sets.push({
    label: 'Pain (0–10)', data: trend.points.map((p) => p.pain), borderColor: PAIN,
    backgroundColor: PAIN, yAxisID: 'y2', spanGaps: true,
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
          y: { position: 'left', beginAtZero: true, title: { display: Boolean(trend.y_title), text: trend.y_title || '' } },
          y2: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'count / pain' } },
        },
      },
    });
    canvas.dataset.ready = 'true';
  }
}

if (window.Chart) draw(); else window.addEventListener('load', draw);
