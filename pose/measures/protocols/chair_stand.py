"""The ``chair_stand`` protocol: the Five Times Sit to Stand test and the 30-Second Chair Stand.

**What is measured.** ``standing_height``: how high the hips are above the ankles, in % of the
clip's standing level (100 = standing upright, about 50 = seated on a chair of usual height).
Per frame, the vertical distance from the ankles' mean to the hip midpoint divided by that
frame's torso length (:func:`pose.measures.balance.frame_scale`: a running median, so a person
nearer the camera does not read taller), then by its 95th percentile over the clip. It reads the
same from the side, the front or at an angle, unlike a 2D knee angle.

A **stand** is reached when ``standing_height`` climbs to :attr:`ChairStand.stand_level` (90 %)
after having been at or below :attr:`ChairStand.seat_level` (70 %, seated); both are raised for
a clip whose seated height reads higher (:func:`levels`). The **first rise**
starts where the height leaves the seated level: the last frame within :data:`ONSET_BAND` (5 %
of standing) of the seated height before the first stand, walked back to where the height
stopped falling (the start of the movement). **Full standing** at a stand is the first frame the
height reaches within :data:`ONSET_BAND` of that stand's top, walked on to where it stops
rising.

- **Five Times Sit to Stand** (``test="five_times"``): the time from the start of the first rise
  to full standing at the fifth stand: the SPPB chair-stand definition (Guralnik et al., J
  Gerontol 1994;49:M85), as in Bohannon 2006 (Percept Mot Skills 103:215: mean 11.4 s at 60-69,
  12.6 s at 70-79, 14.8 s at 80-89). Fall-risk cut-off: 12 s or more (Tiedemann et al., Age
  Ageing 2008;37:430; CDC STEADI uses the same 12 s). Not completed (no time) when fewer than
  five stands are seen.
- **30-Second Chair Stand** (``test="thirty_seconds"``): the stands completed within 30 s of the
  start of the first rise; a stand more than half-way up at 30 s counts (CDC STEADI's
  instructions). Norms: Rikli & Jones, Senior Fitness Test Manual (2nd ed. 2013), normal ranges
  by age and sex; a score below the range is STEADI's sign of fall risk (Jones, Rikli & Beam, Res
  Q Exerc Sport 1999;70:113).

The tables and sources are in the catalog (``params.norm_table``). A clip that ends before the
test is over gives what was seen, graded ``check``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pose.keypoints import KP
from pose.measures.angles import hip_midpoint
from pose.measures.balance import frame_scale
from pose.measures.protocols.base import (
    Chart,
    ChartLevel,
    ChartSeries,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    TrackSeries,
)
from pose.measures.protocols.clinical_norms import check_patient, check_table, compare
from pose.measures.rounding import rounded
from pose.result import Measures, Outcome, Summary

TESTS = ("five_times", "thirty_seconds")
TEST_NAMES = {
    "five_times": "five_times_sit_to_stand",
    "thirty_seconds": "thirty_second_chair_stand",
}
STANDING_PERCENTILE = 95
ONSET_BAND = 5.0  # % of standing: "still seated" / "fully up" within this of the level
WALK_EPS = 0.01  # % of standing per frame: the height still moving (to the turning point)
SERIES = "standing_height"


@dataclass(frozen=True)
class ChairStand:
    """A chair-stand test (see the module docstring for every definition and source)."""

    test: str
    stands: int = 5  # five_times: the stands to time
    seconds: float = 30.0  # thirty_seconds: the counting window
    stand_level: float = 90.0  # % of standing: at or above = a stand reached
    seat_level: float = 70.0  # % of standing: at or below = seated
    norm_table: dict[str, Any] | None = field(default=None, hash=False)
    age: float | None = None  # the patient's, passed by the platform when known
    sex: str | None = None
    min_seconds: float = 5.0
    needs_whole_body: bool = True

    name = "chair_stand"

    def __post_init__(self) -> None:
        if self.test not in TESTS:
            raise ProtocolError(f"test must be one of {TESTS}, got {self.test!r}")
        if not 0 < self.seat_level < self.stand_level <= 100:
            raise ProtocolError("need 0 < seat_level < stand_level <= 100")
        if self.stands < 1 or self.seconds <= 0:
            raise ProtocolError("stands and seconds must be positive")
        check_table(self.norm_table)
        check_patient(self.age, self.sex)

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        return tuple(f"{s}_{p}" for s in ("left", "right") for p in ("shoulder", "hip", "ankle"))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


def standing_height(xy: np.ndarray, t: np.ndarray) -> np.ndarray:
    """The hips above the ankles, % of the clip's standing level (module docstring); NaN where
    the hips or both ankles are unseen."""
    ankle_y = xy[:, [KP["left_ankle"], KP["right_ankle"]], 1]
    seen = np.isfinite(ankle_y)
    ankles = np.where(seen, ankle_y, 0.0).sum(axis=1) / np.where(
        seen.any(axis=1), seen.sum(axis=1), np.nan
    )
    height = (ankles - hip_midpoint(xy)[:, 1]) / frame_scale(xy, t)
    if not np.isfinite(height).any():
        return np.full(len(t), np.nan)
    level = np.nanpercentile(height, STANDING_PERCENTILE)
    return 100.0 * height / level if level > 0 else np.full(len(t), np.nan)


@dataclass(frozen=True)
class Stand:
    rise_start: float  # left the seated level (s)
    reached: float  # crossed stand_level (s)
    full: float  # fully up (s)
    last_up: int  # the last frame above the seated level before sitting back (or the clip's end)


def follow_movement(p: np.ndarray, i: int, step: int, limit: float, higher: bool) -> int:
    """From frame ``i``, move by ``step`` (+1 on, -1 back) while the next value is further the
    same way (``higher`` or lower by more than :data:`WALK_EPS`) and stays beyond ``limit``
    (at or above it going higher, at or below going lower): the movement's turning point."""
    n = len(p)
    while 0 <= i + step < n and np.isfinite(p[i + step]):
        nxt = p[i + step]
        moving = nxt > p[i] + WALK_EPS if higher else nxt < p[i] - WALK_EPS
        inside = nxt >= limit if higher else nxt <= limit
        if not (moving and inside):
            break
        i += step
    return i


SEAT_FRACTION = 0.35  # seated: within this share of the clip's rise above its lowest height
STAND_FRACTION = 0.8  # standing: at least this share of the rise
MIN_RISE = 15.0  # % of standing: a smaller rise is not a stand from a chair


def levels(p: np.ndarray, seat_level: float, stand_level: float) -> tuple[float, float] | None:
    """The clip's seated and standing thresholds: the fixed levels, raised when the clip's seated
    height reads higher than usual (a camera above hip height sees a seated person's thighs
    rise in the picture; measured 75 % on a real oblique clip): seated at most ``low`` +
    :data:`SEAT_FRACTION` of the rise, standing at least ``low`` + :data:`STAND_FRACTION` of
    it, ``low`` being the clip's 5th percentile. None when the hips never rise
    :data:`MIN_RISE` above it."""
    if not np.isfinite(p).any():
        return None
    low = float(np.nanpercentile(p, 5))
    rise = 100.0 - low
    if rise < MIN_RISE:
        return None
    return max(seat_level, low + SEAT_FRACTION * rise), max(
        stand_level, low + STAND_FRACTION * rise
    )


def find_stands(p: np.ndarray, t: np.ndarray, stand_level: float, seat_level: float) -> list[Stand]:
    """Every stand from a seated start (module docstring), in time order."""
    stands: list[Stand] = []
    seated_since: int | None = None
    n = len(p)
    i = 0
    while i < n:
        v = p[i]
        if np.isfinite(v) and v <= seat_level and seated_since is None:
            seated_since = i
        if np.isfinite(v) and v >= stand_level and seated_since is not None:
            seated = p[seated_since:i]
            seat = float(np.nanmin(seated)) if np.isfinite(seated).any() else seat_level
            start = i
            while start > seated_since and not (p[start] <= seat + ONSET_BAND):
                start -= 1
            start = follow_movement(p, start, -1, seat + ONSET_BAND, higher=False)
            stop = i
            while stop + 1 < n and not p[stop + 1] <= seat_level:
                stop += 1  # up until the height falls back to the seat (unseen frames: no news)
            top = float(np.nanmax(p[i : stop + 1]))
            full = i
            while full < stop and not (p[full] >= top - ONSET_BAND):
                full += 1
            full = follow_movement(p, full, 1, top - ONSET_BAND, higher=True)
            stands.append(
                Stand(float(t[start]), _cross(p, t, i, stand_level), float(t[full]), stop)
            )
            seated_since = None
            i = stop + 1
            continue
        i += 1
    return stands


def _cross(p: np.ndarray, t: np.ndarray, i: int, level: float) -> float:
    """The time the height crossed ``level`` upwards between frames i-1 and i (interpolated)."""
    if i == 0 or not np.isfinite(p[i - 1]) or p[i] == p[i - 1]:
        return float(t[i])
    f = (level - p[i - 1]) / (p[i] - p[i - 1])
    return float(t[i - 1] + np.clip(f, 0.0, 1.0) * (t[i] - t[i - 1]))


FIGURE_MEASURES = {"seconds": "test", "stands": "test", "outcome": "test"}


def measure(params: ChairStand, data: TrackSeries) -> ProtocolMeasures:
    t = data.timestamps
    p = standing_height(data.xy, t)
    found = levels(p, params.seat_level, params.stand_level)
    seat_level, stand_level = found or (params.seat_level, params.stand_level)
    stands = find_stands(p, t, stand_level, seat_level) if found else []
    verdicts: dict[str, tuple[str, str]] = {}
    test = TEST_NAMES[params.test]
    if not stands:
        verdicts["test"] = (
            "unreliable",
            "No stand from sitting was seen; film the whole body from the side, starting "
            "seated, so each rise can be timed.",
        )
    if params.test == "five_times":
        outcome, figures = _five_times(params, stands, verdicts, test)
    else:
        midway = (seat_level + stand_level) / 2
        outcome, figures = _thirty_seconds(params, stands, p, t, verdicts, test, midway)
    return ProtocolMeasures(
        summary=Summary(measure=next(iter(figures)), trusted=True, figures=figures),
        outcome=outcome,
        heights={SERIES: p},
        position_measures=("test",),
        trust=verdicts,
    )


def _five_times(params: ChairStand, stands, verdicts, test):
    wanted = params.stands
    done = len(stands) >= wanted
    seconds = stands[wanted - 1].full - stands[0].rise_start if done else None
    norm, sentence = compare(rounded(seconds, 2), params.norm_table, age=params.age, sex=params.sex)
    if not done:
        sentence = (
            f"Only {len(stands)} of {wanted} stands were seen, so the test was not timed."
            if stands
            else None
        )
        if stands:
            verdicts.setdefault(
                "test",
                (
                    "check",
                    f"Only {len(stands)} of {wanted} stands were seen before the clip ended.",
                ),
            )
    outcome = Outcome(
        test=test,
        completed=done,
        seconds=rounded(seconds, 2),
        norm=norm,
        interpretation=sentence,
    )
    return outcome, {"seconds": rounded(seconds, 2), "stands": len(stands)}


def _thirty_seconds(params: ChairStand, stands, p, t, verdicts, test, midway: float):
    if not stands:
        outcome = Outcome(test=test, completed=False, count=None, norm={}, interpretation=None)
        return outcome, {"stands": None}
    start = stands[0].rise_start
    end = start + params.seconds
    count = sum(1 for s in stands if s.reached <= end + 1e-9)
    completed = float(t[-1]) >= end - 1e-6
    if completed:
        k = int(np.searchsorted(t, end))
        k = min(k, len(t) - 1)
        next_stand = next((s for s in stands if s.reached > end + 1e-9), None)
        if next_stand is not None and next_stand.rise_start < end and p[k] >= midway:
            count += 1  # more than half-way up at 30 s counts (STEADI)
    else:
        verdicts["test"] = (
            "check",
            f"The clip ended {float(t[-1]) - start:.1f} s after the first rise, before the "
            f"{params.seconds:.0f} s were up: at least {count} stands. Record the whole test.",
        )
    norm, sentence = compare(count, params.norm_table, age=params.age, sex=params.sex)
    if sentence and not completed:
        sentence = "At least " + sentence[0].lower() + sentence[1:]
    outcome = Outcome(
        test=test, completed=completed, count=count, norm=norm, interpretation=sentence
    )
    return outcome, {"stands": count}


def units(params: ChairStand) -> dict[str, str]:
    if params.test == "five_times":
        return {"seconds": "s", "stands": "stands"}
    return {"stands": "stands"}


def chart(measures: Measures) -> Chart:
    series = (ChartSeries("heights", SERIES, "hips above ankles", "% of standing"),)
    params = measures.protocol_params
    outcome = measures.outcome
    title = f"{measures.exercise}: " + (
        (outcome.interpretation or "not measured") if outcome else "not measured"
    )
    return Chart(
        title=title,
        y_label="hips above ankles (% of standing)",
        series=series if SERIES in measures.heights else (),
        levels=(
            ChartLevel(float(params.get("stand_level", 90.0)), "standing"),
            ChartLevel(float(params.get("seat_level", 70.0)), "seated", "dotted"),
        ),
    )


def summary_line(measures: Measures) -> str:
    outcome = measures.outcome
    if outcome is None:
        return "chair stand: not measured"
    if outcome.seconds is not None:
        figure = f"{outcome.seconds} s"
    elif outcome.count is not None:
        figure = f"{outcome.count} stands"
    else:
        figure = "not measured"
    return f"{outcome.test}: {figure}" + ("" if outcome.completed else " (not completed)")


def live_config(params: dict[str, Any], hold_seconds: float | None = None) -> dict[str, Any]:
    """Live counting on the knee angle, as the ``sit_to_stand`` exercise counts (the browser's
    angles have no standing height): a stand is the knee straightening from seated. The timer: a 30 s
    countdown for the 30-second test, a stopwatch for the five-times test."""
    made = PROTOCOL.make(params)
    thirty = made.test == "thirty_seconds"
    return {
        "joint": "knee_flexion",
        "side": "both",
        "direction": "decrease",
        "enter": None,  # adaptive, as the sit_to_stand exercise counts live
        "exit": None,
        "minRange": 40,
        "needsWholeBody": True,
        "targetSeconds": made.seconds if thirty else None,
        "timer": {
            "kind": "countdown" if thirty else "stopwatch",
            "seconds": made.seconds if thirty else None,
        },
    }


PROTOCOL = Protocol(
    name=ChairStand.name,
    params=ChairStand,
    measure=measure,
    units=units,
    chart=chart,
    summary_line=summary_line,
    live_config=live_config,
    param_choices={"test": TESTS, "sex": ("female", "male")},
    figure_measures=FIGURE_MEASURES,
)
