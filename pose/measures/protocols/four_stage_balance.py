"""The ``four_stage_balance`` protocol: the CDC STEADI 4-Stage Balance Test in one clip.

The patient stands without support in four positions, 10 s each, in order: feet side by side
(``feet_together``), the instep of one foot touching the big toe of the other
(``semi_tandem``), one foot right in front of the other, heel to toe (``tandem``), then on one
foot (``single_leg``). The test stops at the first stance not held for 10 s.

**Stages from the feet** (filmed from the **side**, where the feet's offset along the walking
line is seen; from the front, feet together and tandem look alike): per frame, with lengths in
that frame's torso lengths (:func:`pose.measures.balance.frame_scale`):

- a foot is off the floor when one ankle is :attr:`FourStageBalance.lift_on` (0.12) above the
  other (:func:`pose.measures.balance.ankle_lifts`, the ``hold_balance`` rule) -> ``single_leg``;
- otherwise the ankles' horizontal offset ``gap`` decides: under ``semi_gap`` (0.12, about 6 cm
  for a 50 cm torso) ``feet_together``; under ``tandem_gap`` (0.37: more than about two thirds of
  a foot length, a foot being about half a torso) ``semi_tandem``; else ``tandem``.

A stage's **hold** is its longest run of frames (gaps shorter than ``loss_seconds`` bridged,
e.g. a keypoint flicker); runs shorter than ``settle_seconds`` (the feet passing through a
position while moving to the next) do not count. A stage is ``completed`` when held
``target_seconds`` (10 s). The **stage reached** is the number of stages completed in order.

Interpretation (CDC STEADI, Assessment: The 4-Stage Balance Test): not holding the tandem
stance (stage 3) for 10 s means an increased risk of falling.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from pose.keypoints import KP
from pose.measures.balance import ankle_lifts, frame_scale
from pose.measures.cleaning import finite_runs, sample_rate
from pose.measures.protocols.base import (
    Chart,
    ChartSeries,
    ChartSpan,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    TrackSeries,
    timer_live_config,
)
from pose.measures.rounding import rounded
from pose.result import Measures, Outcome, OutcomePhase, Summary

STAGES = ("feet_together", "semi_tandem", "tandem", "single_leg")
STAGE_NAMES = {
    "feet_together": "feet side by side",
    "semi_tandem": "semi-tandem stance",
    "tandem": "tandem stance",
    "single_leg": "standing on one foot",
}
RISK_STAGE = 3  # tandem: not held 10 s = increased fall risk (STEADI)
SOURCE = "CDC STEADI, Assessment: The 4-Stage Balance Test"


@dataclass(frozen=True)
class FourStageBalance:
    target_seconds: float = 10.0
    lift_on: float = 0.12
    semi_gap: float = 0.12
    tandem_gap: float = 0.37
    settle_seconds: float = 0.5
    loss_seconds: float = 0.2
    age: float | None = None  # accepted for every clinical test; the norm is not by age
    sex: str | None = None
    min_seconds: float = 10.0
    needs_whole_body: bool = True

    name = "four_stage_balance"

    def __post_init__(self) -> None:
        if not 0 < self.semi_gap < self.tandem_gap:
            raise ProtocolError("need 0 < semi_gap < tandem_gap")
        if self.target_seconds <= 0 or self.lift_on <= 0:
            raise ProtocolError("target_seconds and lift_on must be positive")

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        return tuple(f"{s}_{p}" for s in ("left", "right") for p in ("shoulder", "hip", "ankle"))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


def classify(xy: np.ndarray, t: np.ndarray, p: FourStageBalance) -> np.ndarray:
    """Each frame's stage index (0-3 in :data:`STAGES`), -1 where the feet are unseen."""
    scale = frame_scale(xy, t)
    lifts = ankle_lifts(xy, scale)
    lift = np.fmax(lifts["left"], lifts["right"])
    gap = np.abs(xy[:, KP["left_ankle"], 0] - xy[:, KP["right_ankle"], 0]) / scale
    stage = np.where(gap < p.semi_gap, 0, np.where(gap < p.tandem_gap, 1, 2))
    stage = np.where(lift >= p.lift_on, 3, stage)
    return np.where(np.isfinite(lift) & np.isfinite(gap), stage, -1)


def longest_hold(mask: np.ndarray, t: np.ndarray, p: FourStageBalance) -> tuple[float, float, bool]:
    """(start, seconds, ran_to_clip_end) of the longest run of ``mask`` (short gaps bridged)."""
    if not mask.any():
        return 0.0, 0.0, False
    bridged = mask.copy()
    gap_frames = int(round(p.loss_seconds * sample_rate(t)))
    for start, stop in finite_runs(~mask):
        if 0 < start and stop < len(mask) and stop - start <= gap_frames:
            bridged[start:stop] = True
    dt = 1.0 / sample_rate(t)
    best = (0.0, 0.0, False)
    for start, stop in finite_runs(bridged):
        end = float(t[stop]) if stop < len(t) else float(t[-1]) + dt
        seconds = end - float(t[start])
        if seconds >= p.settle_seconds and seconds > best[1]:
            best = (float(t[start]), seconds, stop == len(t))
    return best


FIGURE_MEASURES = {
    "stage_reached": "test",
    **{f"{s}_seconds": "test" for s in STAGES},
    "outcome": "test",
}


def measure(params: FourStageBalance, data: TrackSeries) -> ProtocolMeasures:
    t = data.timestamps
    stage = classify(data.xy, t, params)
    phases: list[OutcomePhase] = []
    reached, stopped, cut_short = 0, False, False
    for i, name in enumerate(STAGES):
        start, seconds, to_end = longest_hold(stage == i, t, params)
        done = seconds >= params.target_seconds - 1e-6
        if not stopped and done:
            reached += 1
        elif not stopped:
            stopped = True
            cut_short = to_end and seconds > 0
        phases.append(
            OutcomePhase(
                name=name,
                start=rounded(start, 2) if seconds else None,
                end=rounded(start + seconds, 2) if seconds else None,
                seconds=rounded(seconds, 2),
                completed=done,
            )
        )
    verdicts: dict[str, tuple[str, str]] = {}
    if (stage < 0).all() or not any(p.seconds for p in phases):
        verdicts["test"] = (
            "unreliable",
            "No stance was seen held; film the whole body from the side so the feet are in view.",
        )
    elif cut_short:
        verdicts["test"] = (
            "check",
            "The clip ended while a stance was still held: record until the test is over.",
        )
    completed = reached == len(STAGES) or not cut_short
    sentence = _sentence(reached, params.target_seconds)
    outcome = Outcome(
        test="four_stage_balance",
        completed=completed,
        count=reached,
        norm={
            "cutoff": RISK_STAGE,
            "cutoff_label": f"{STAGE_NAMES['tandem']} held {params.target_seconds:g} s",
            "stages": list(STAGES),
            "source": SOURCE,
        },
        interpretation=sentence,
        phases=phases,
    )
    figures: dict[str, Any] = {"stage_reached": reached}
    figures.update({f"{p.name}_seconds": p.seconds for p in phases})
    return ProtocolMeasures(
        summary=Summary(measure="stage_reached", trusted=True, figures=figures),
        outcome=outcome,
        position_measures=("test",),
        trust=verdicts,
    )


def _sentence(reached: int, target: float) -> str:
    if reached == 0:
        return (
            f"No stance was held for {target:g} s: an increased risk of falling (STEADI: the "
            f"tandem stance was not held {target:g} s)."
        )
    last = STAGE_NAMES[STAGES[reached - 1]]
    text = f"Stage {reached} of 4 reached ({last} held {target:g} s)"
    if reached < RISK_STAGE:
        return (
            text + f": the tandem stance was not held {target:g} s, an increased risk of falling."
        )
    return text + ": no increased fall risk by this test."


def units(params: FourStageBalance) -> dict[str, str]:
    return {"stage_reached": "stages", **{f"{s}_seconds": "s" for s in STAGES}}


def chart(measures: Measures) -> Chart:
    names = [n for n in ("left_ankle_height", "right_ankle_height") if n in measures.heights]
    outcome = measures.outcome
    spans = tuple(
        ChartSpan(p.start, p.end, "good" if p.completed else "attention", p.name)
        for p in (outcome.phases if outcome else [])
        if p.start is not None and p.end is not None
    )
    return Chart(
        title=f"{measures.exercise}: "
        + ((outcome.interpretation or "not measured") if outcome else "not measured"),
        y_label="ankle above the other (% torso)",
        series=tuple(ChartSeries("heights", n, n, "% torso") for n in names),
        spans=spans,
    )


def summary_line(measures: Measures) -> str:
    outcome = measures.outcome
    if outcome is None or outcome.count is None:
        return "four-stage balance: not measured"
    holds = ", ".join(f"{p.name} {p.seconds} s" for p in outcome.phases)
    return f"four-stage balance: stage {outcome.count} of 4 ({holds})"


def live_config(params: dict[str, Any], hold_seconds: float | None = None) -> dict[str, Any]:
    """The whole body in view, and a hold timer: 10 s per stage, 40 s in all."""
    made = PROTOCOL.make(params)
    return timer_live_config(kind="hold", seconds=made.target_seconds * len(STAGES))


PROTOCOL = Protocol(
    name=FourStageBalance.name,
    params=FourStageBalance,
    measure=measure,
    units=units,
    chart=chart,
    summary_line=summary_line,
    live_config=live_config,
    param_choices={"sex": ("female", "male")},
    figure_measures=FIGURE_MEASURES,
)
