"""A picture of one result for the therapist, drawn from its protocol's chart description
(:class:`pose.measures.protocols.Chart`): the measured series over time with repetitions or
the hold shaded, thresholds, and a 2-D path beside it when the protocol has one (balance sway).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from pose.measures.protocols import Chart, get_protocol  # noqa: E402
from pose.result import Measures, Result  # noqa: E402

TONES = {"good": "tab:green", "attention": "tab:orange"}
LINE_STYLES = {"dashed": "--", "dotted": ":"}


def _values(series: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in series], dtype=float)


def _times(result: Result, n: int) -> np.ndarray:
    ts = result.track.timestamps
    return np.asarray(ts, dtype=float) if ts and len(ts) == n else np.arange(n) / 30.0


def plot_result(result: Result, path: str | Path) -> None:
    """Write a PNG of ``result``'s measures (an exercise must have been scored)."""
    measures = result.measures
    if measures is None:
        raise ValueError("the result has no measures to plot: score it for an exercise first")
    chart = get_protocol(measures.protocol).chart(measures)
    fig = _draw(chart, measures, result)
    if not measures.quality.trusted:
        fig.text(
            0.01,
            0.01,
            "NOT TRUSTED: " + "; ".join(measures.quality.problems),
            color="firebrick",
            fontsize=7,
            wrap=True,
        )
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _draw(chart: Chart, measures: Measures, result: Result):
    if chart.path is None:
        fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    else:
        fig, (ax, side) = plt.subplots(
            1, 2, figsize=(11, 4), layout="constrained", gridspec_kw={"width_ratios": [2, 1]}
        )
    single = len(chart.series) == 1
    for s in chart.series:
        group = measures.angles if s.group == "angles" else measures.heights
        y = _values(group.get(s.key, []))
        ax.plot(_times(result, len(y)), y, lw=1.2, label=s.label, color="black" if single else None)
    for span in chart.spans:
        ax.axvspan(span.start, span.end, color=TONES[span.tone], alpha=0.18, label=span.label)
    for point in chart.points:
        ax.plot(point.time, point.value, "v", color=TONES[point.tone])
    for level in chart.levels:
        ax.axhline(
            level.value, ls=LINE_STYLES[level.style], color="grey", lw=0.8, label=level.label
        )
    ax.set(xlabel="time (s)", ylabel=chart.y_label, title=chart.title)
    if chart.series or chart.levels:
        ax.legend(loc="upper right", fontsize=8)
    if chart.path is not None:
        p = chart.path
        side.plot(_values(p.x), _values(p.y), lw=0.8, color="tab:blue")
        if p.y_down:
            side.invert_yaxis()
        side.set_aspect("equal", adjustable="datalim")
        side.set(xlabel=p.x_label, ylabel=p.y_label, title=p.title)
    return fig
