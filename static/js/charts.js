// Trends per exercise on the therapist's patient page (chart.js UMD, Luxon and its chart.js
// adapter, all from /static/vendor).
// Each trend names its series (the trend point's field, a label with its unit, and the axis:
// 'y' for measures, 'y2' for counts); pain has an axis of its own, 0 to 10. The server builds
// them from the protocol registry (therapy/web/views/figures.py), so no protocol is named here.
// The x axis is time: sessions sit at their real dates (a two-week gap looks like one), shown
// in the clinic's time zone (the section's data-time-zone, an IANA name Luxon understands).
// A trend with nothing measured has no canvas: the page says so instead (templates).
/* global Chart */

const trends = JSON.parse(document.getElementById('trends-data').textContent);
const section = document.querySelector('[data-time-zone]');
const zone = (section && section.dataset.timeZone) || 'UTC';

const PAIN = '#d9534f';
const PALETTE = { y: ['#1f5fa8', '#6b8fc7', '#2c7a7b'], y2: ['#38a169', '#805ad5'] };

function datasetsFor(trend) {
  const used = { y: 0, y2: 0 };
  const sets = (trend.series || []).map((s) => {
    const n = used[s.axis]++;
    const color = PALETTE[s.axis][n % PALETTE[s.axis].length];
    return {
      label: s.label,
      data: trend.points.map((p) => ({ x: p.t, y: p[s.point] })),
      borderColor: color, backgroundColor: color,
      borderDash: s.axis === 'y' && n > 0 ? [4, 3] : [], yAxisID: s.axis, spanGaps: true,
    };
  });
  sets.push({
    label: 'Pain (0–10)', data: trend.points.map((p) => ({ x: p.t, y: p.pain })),
    borderColor: PAIN, backgroundColor: PAIN, borderDash: [2, 2], yAxisID: 'pain', spanGaps: true,
  });
  return sets;
}

// Whole days on the axis once the sessions span more than two days; hours before that.
function timeUnit(points) {
  if (points.length < 2) return 'day';
  const span = Date.parse(points[points.length - 1].t) - Date.parse(points[0].t);
  return span > 2 * 86400e3 ? 'day' : 'hour';
}

function scalesFor(trend) {
  const series = trend.series || [];
  const hasCounts = series.some((s) => s.axis === 'y2');
  const hasMeasures = series.some((s) => s.axis === 'y');
  return {
    x: {
      type: 'time', adapters: { date: { zone } },
      time: { unit: timeUnit(trend.points), tooltipFormat: 'd LLL yyyy, HH:mm ZZZZ', displayFormats: { day: 'd LLL', hour: 'd LLL HH:mm' } },
      ticks: { maxRotation: 0, autoSkip: true },
      title: { display: true, text: `Date (${zone})` },
    },
    y: { display: hasMeasures, position: 'left', beginAtZero: true, title: { display: Boolean(trend.y_title), text: trend.y_title || '' } },
    y2: { display: hasCounts, position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 }, title: { display: true, text: 'count' } },
    pain: { position: 'right', min: 0, max: 10, grid: { drawOnChartArea: false }, ticks: { stepSize: 2 }, title: { display: true, text: 'pain (0–10)' } },
  };
}

function draw() {
  for (const figure of document.querySelectorAll('figure.trend')) {
    const trend = trends[Number(figure.dataset.trendIndex)];
    const canvas = figure.querySelector('canvas');
    if (!trend || !canvas) continue;
    const chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: datasetsFor(trend) },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: scalesFor(trend),
      },
    });
    canvas.dataset.ready = 'true';
    canvas.dataset.xScale = chart.scales.x.type;
  }
}

if (window.Chart) draw(); else window.addEventListener('load', draw);
