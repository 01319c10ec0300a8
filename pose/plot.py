"""A picture of one result for the therapist: the primary measure with repetitions shaded, or
the lifted-foot height with the hold shaded plus the hip sway path for balance protocols."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def _values(series: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in series], dtype=float)


def _times(result: dict[str, Any], n: int) -> np.ndarray:
    ts = result.get("timestamps")
    return np.asarray(ts, dtype=float) if ts and len(ts) == n else np.arange(n) / 30.0


def plot_result(result: dict[str, Any], path: str | Path) -> None:
    """Write a PNG of ``result`` (the dict :func:`pose.scoring.score_track` returns)."""
    if result.get("balance"):
        fig = _plot_balance(result)
    else:
        fig = _plot_reps(result)
    quality = result.get("quality") or {}
    if not quality.get("trusted", True):
        fig.text(
            0.01,
            0.01,
            "NOT TRUSTED: " + "; ".join(quality.get("problems", [])),
            color="firebrick",
            fontsize=7,
            wrap=True,
        )
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _primary_series(result: dict[str, Any]) -> tuple[str, np.ndarray]:
    name = result.get("primary_angle")
    for group in ("angles", "heights"):
        if name and name in (result.get(group) or {}):
            return name, _values(result[group][name])
    return name or "(none)", np.array([])


def _plot_reps(result: dict[str, Any]):
    name, y = _primary_series(result)
    t = _times(result, len(y))
    fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
    ax.plot(t, y, color="black", lw=1.2, label=name)
    reps = result.get("reps") or {}
    for rep in reps.get("items", []):
        ax.axvspan(rep["start"], rep["end"], color="tab:green", alpha=0.18)
        ax.plot(rep["peak_time"], rep["peak_angle"], "v", color="tab:green")
    for rep in reps.get("partial", []):
        ax.axvspan(rep["start"], rep["end"], color="tab:orange", alpha=0.18)
    for key, style in (("enter", "--"), ("exit", ":")):
        value = (reps.get("thresholds") or {}).get(key)
        if value is not None:
            ax.axhline(value, ls=style, color="grey", lw=0.8, label=f"{key} {value:g}")
    unit = "% torso" if name.endswith(("_rise", "_height")) else "degrees"
    ax.set(
        xlabel="time (s)",
        ylabel=f"{name} ({unit})",
        title=f"{result.get('exercise')}: {reps.get('count')} repetitions "
        f"({len(reps.get('partial', []))} partial, orange)",
    )
    ax.legend(loc="upper right", fontsize=8)
    return fig


def _plot_balance(result: dict[str, Any]):
    balance = result["balance"]
    heights = result.get("heights") or {}
    side = balance.get("lifted_side")
    fig, (ax, sway) = plt.subplots(
        1, 2, figsize=(11, 4), layout="constrained", gridspec_kw={"width_ratios": [2, 1]}
    )
    for name in (f"{side}_ankle_height",) if side else ("left_ankle_height", "right_ankle_height"):
        if name in heights:
            y = _values(heights[name])
            ax.plot(_times(result, len(y)), y, lw=1.2, label=name)
    if balance.get("started_at") is not None:
        end = balance.get("lost_at")
        end = end if end is not None else balance["started_at"] + balance["hold_seconds"]
        ax.axvspan(balance["started_at"], end, color="tab:green", alpha=0.18, label="hold")
    ax.set(
        xlabel="time (s)",
        ylabel="height above the other ankle (% torso)",
        title=f"{balance['stance']}: hold {balance['hold_seconds']} s, score {balance['score']}"
        + (f", lost: {balance['lost_reason']}" if balance.get("lost_reason") else ""),
    )
    ax.legend(loc="upper right", fontsize=8)
    trace = balance.get("trace") or {}
    x, y = _values(trace.get("x", [])), _values(trace.get("y", []))
    sway.plot(x, y, lw=0.8, color="tab:blue")
    sway.invert_yaxis()  # image y points down
    sway.set_aspect("equal", adjustable="datalim")
    rms = (balance.get("sway") or {}).get("rms")
    sway.set(xlabel="hip sway x (torso lengths)", ylabel="y", title=f"sway RMS {rms}")
    return fig
