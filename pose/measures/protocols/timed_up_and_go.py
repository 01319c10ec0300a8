"""The ``timed_up_and_go`` protocol: the Timed Up and Go test (TUG) with its phases.

The patient sits in a chair, stands up on "go", walks 3 m at their usual pace, turns, walks
back and sits down (Podsiadlo & Richardson, J Am Geriatr Soc 1991;39:142). The time is from the
**start of the rise** to **seated** again; 12 s or more is CDC STEADI's fall-risk cut-off; age
norms: Bohannon, J Geriatr Phys Ther 2006;29:64 (mean 8.1 s at 60-69, 9.2 s at 70-79, 11.3 s
at 80-99), in the catalog's ``params.norm_table``.

**What is measured** (the camera side-on or oblique to the walking line, the chair at one side
of the picture, the whole 3 m in view):

- **rise** and **sit** from ``standing_height`` (:mod:`pose.measures.protocols.chair_stand`: the
  hips above the ankles, in that frame's torso lengths, so walking nearer or further does not
  change it): the rise from leaving the seated height to fully standing; the sit from leaving
  the standing height, for the last time, to seated. The first moments of sitting bend the knees
  a degree or two and barely lower the hips, so the sit is seen from where the hips drop: on
  synthetic clips up to 0.25 s after the knees start to bend (that time counts as walking
  back; the total is not affected).
- **walk out**, **turn**, **walk back** from the hips' horizontal position in the picture,
  ``progress`` = how far from the chair's position, as a share of the farthest point reached
  (0 at the chair, 1 at the turning point). The **turn** is the stretch around the farthest
  point where ``progress`` stays at or above :data:`TURN_ZONE` (90 %): the slowing, turning and
  setting off again near the 3 m line. Walking out ends where the turn starts; walking back
  starts where it ends and ends where the sit begins.

**How far to trust it.** The total time and the rise and sit rest on the hips' height, which
the view barely changes; the walk and turn boundaries depend on the walk crossing the picture
(from straight in front or behind, the position hardly moves: then ``check``, and the phases
are approximate). A person who leaves the picture for more than :data:`MAX_UNSEEN` s between
rising and sitting, or who never sits back down, has no time: withheld with the reason, never
guessed; so is a clip that ends seated less than :data:`MIN_WALK_SECONDS` after standing up, or
seated somewhere else than the chair (:data:`SAME_SIZE`, :data:`SAME_PLACE`: another size or
place in the picture). The person's turn is also looked for as a change in the width of the shoulders (side-on
narrow, facing the camera or turned away wide); no widening at the turning point is noted.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from pose.keypoints import KP
from pose.measures.angles import hip_midpoint
from pose.measures.balance import frame_scale
from pose.measures.cleaning import finite_runs
from pose.measures.protocols.base import (
    Chart,
    ChartLevel,
    ChartSeries,
    ChartSpan,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    TrackSeries,
    timer_live_config,
)
from pose.measures.protocols.chair_stand import (
    ONSET_BAND,
    SERIES,
    find_stands,
    follow_movement,
    levels,
    standing_height,
)
from pose.measures.protocols.clinical_norms import check_patient, check_table, compare
from pose.measures.rounding import rounded
from pose.result import Measures, Outcome, OutcomePhase, Summary

PHASES = ("rise", "walk_out", "turn", "walk_back", "sit")
TURN_ZONE = 0.9
MAX_UNSEEN = 0.5  # s: hips unseen this long between rise and sit = the person left the picture
MIN_WALK = 1.0  # torso lengths: a smaller excursion is not a walk seen across the picture
MIN_WALK_SECONDS = 2.0  # s from standing to sitting: 3 m out and back cannot take less
SAME_SIZE = 1.25  # seated again at most this much larger or smaller than before rising...
SAME_PLACE = 1.5  # ...and at most this many torso lengths away: back at the chair
PROGRESS = "walk_progress"


@dataclass(frozen=True)
class TimedUpAndGo:
    stand_level: float = 90.0
    seat_level: float = 70.0
    turn_zone: float = TURN_ZONE
    norm_table: dict[str, Any] | None = field(default=None, hash=False)
    age: float | None = None
    sex: str | None = None
    min_seconds: float = 4.0
    needs_whole_body: bool = True

    name = "timed_up_and_go"

    def __post_init__(self) -> None:
        if not 0 < self.seat_level < self.stand_level <= 100:
            raise ProtocolError("need 0 < seat_level < stand_level <= 100")
        if not 0 < self.turn_zone < 1:
            raise ProtocolError("turn_zone must be between 0 and 1")
        check_table(self.norm_table)
        check_patient(self.age, self.sex)

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        return tuple(f"{s}_{p}" for s in ("left", "right") for p in ("shoulder", "hip", "ankle"))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


@dataclass
class Phases:
    times: dict[str, tuple[float | None, float | None]]
    total: float | None
    problems: list[tuple[str, str]]  # (level, reason)
    progress: np.ndarray


def find_phases(xy: np.ndarray, t: np.ndarray, p: TimedUpAndGo, height: np.ndarray) -> Phases:
    """The five phases' (start, end) times, the total, and the reasons not to trust them."""
    empty = {name: (None, None) for name in PHASES}
    progress = np.full(len(t), np.nan)
    found = levels(height, p.seat_level, p.stand_level)
    stands = find_stands(height, t, found[1], found[0]) if found else []
    if not found or not stands:
        reason = "No rise from the chair was seen; start seated, whole body in the picture."
        return Phases(empty, None, [("unreliable", reason)], progress)
    seat_level, stand_level = found
    stand = stands[0]
    times = dict(empty)
    times["rise"] = (stand.rise_start, stand.full)
    problems: list[tuple[str, str]] = []
    sat = _final_sit(height, stand.last_up, seat_level)
    seated_end = None
    if sat is not None:
        seat = float(np.nanmin(height[sat:]))
        j = sat
        while j + 1 < len(t) and not (height[j] <= seat + ONSET_BAND):
            j += 1
        seated_end = float(t[follow_movement(height, j, 1, seat + ONSET_BAND, higher=False)])
        k = sat
        while k > 0 and not (height[k] >= stand_level):
            k -= 1
        k = follow_movement(height, k, -1, stand_level, higher=True)
        times["sit"] = (float(t[k]), seated_end)
        problems += _back_at_the_chair(xy, t, stand, sat, k)
    else:
        sat = len(t)
        problems.append(
            ("unreliable", "The clip ended before the person sat back down; record to the end.")
        )
    end_index = sat
    seen = np.isfinite(hip_midpoint(xy)[:, 0])
    begin = int(np.searchsorted(t, stand.rise_start))
    for start, stop in finite_runs(~seen[begin:end_index]):
        a, b = t[begin + start], t[min(begin + stop, len(t) - 1)]
        if b - a >= MAX_UNSEEN:
            problems.append(
                (
                    "unreliable",
                    f"The person left the picture from {a:.1f} to {b:.1f} s, so the test "
                    "cannot be timed; film from further away so the whole walk stays in view.",
                )
            )
            break
    walk_from = int(np.searchsorted(t, stand.full))
    walk_to = int(np.searchsorted(t, times["sit"][0])) if times["sit"][0] is not None else len(t)
    x = hip_midpoint(xy)[:, 0] / np.nanmedian(frame_scale(xy, t))
    if walk_to - walk_from >= 3 and np.isfinite(x[walk_from:walk_to]).sum() >= 3:
        origin = x[walk_from]
        away = np.abs(x - origin)
        excursion = float(np.nanmax(away[walk_from:walk_to]))
        progress[walk_from:walk_to] = away[walk_from:walk_to] / max(excursion, 1e-9)
        far = walk_from + int(np.nanargmax(away[walk_from:walk_to]))
        a = far
        while a > walk_from and progress[a - 1] >= p.turn_zone:
            a -= 1
        b = far
        while b + 1 < walk_to and progress[b + 1] >= p.turn_zone:
            b += 1
        times["walk_out"] = (stand.full, float(t[a]))
        times["turn"] = (float(t[a]), float(t[b]))
        times["walk_back"] = (float(t[b]), times["sit"][0])
        if excursion < MIN_WALK:
            problems.append(
                (
                    "check",
                    "The walk hardly crossed the picture (filmed from straight in front or "
                    "behind?), so the walk and turn phases are approximate; film side-on.",
                )
            )
        elif not _shoulders_widen(xy, t, a, b, walk_from, walk_to):
            problems.append(
                ("check", "The turn was not seen as a change of facing; check the turn phase.")
            )
    total = None
    if seated_end is not None:
        total = seated_end - stand.rise_start
    return Phases(times, total, problems, progress)


def _final_sit(height: np.ndarray, after: int, seat_level: float) -> int | None:
    """The first frame of the clip's final seated stretch (at or below ``seat_level`` to the
    clip's end; unseen frames do not break it), after frame ``after``; None if the clip does
    not end seated."""
    finite = np.flatnonzero(np.isfinite(height))
    if not finite.size or finite[-1] <= after or height[finite[-1]] > seat_level:
        return None
    sat = int(finite[-1])
    while sat - 1 > after and not height[sat - 1] > seat_level:
        sat -= 1
    return sat


def _back_at_the_chair(xy: np.ndarray, t: np.ndarray, stand, sat: int, sit_start: int):
    """Reasons to withhold the time when what ends the clip seated is not the walk's return to
    the chair: too little time walking, or seated elsewhere (another size or place in the
    picture than where the person rose)."""
    walked = float(t[sit_start]) - stand.full
    if walked < MIN_WALK_SECONDS:
        return [
            (
                "unreliable",
                f"Only {max(walked, 0):.1f} s passed between standing up and sitting down: the "
                "walk to the line and back was not seen. Film the whole test.",
            )
        ]
    scale = frame_scale(xy, t)
    hips = hip_midpoint(xy)[:, 0]
    rise = int(np.searchsorted(t, stand.rise_start))
    before, after = slice(0, max(rise, 1)), slice(sat, len(t))
    size = np.nanmedian(scale[after]) / np.nanmedian(scale[before])
    shift = abs(np.nanmedian(hips[after]) - np.nanmedian(hips[before])) / np.nanmedian(scale)
    if not (1 / SAME_SIZE <= size <= SAME_SIZE) or shift > SAME_PLACE:
        return [
            (
                "unreliable",
                "The person sat down somewhere else than the chair they rose from (or the camera "
                "moved), so the test cannot be timed; keep the phone still, chair in view.",
            )
        ]
    return []


def _shoulders_widen(xy: np.ndarray, t: np.ndarray, a: int, b: int, lo: int, hi: int) -> bool:
    """Whether the shoulders look wider during the turn than while walking (facing change)."""
    width = np.abs(xy[:, KP["left_shoulder"], 0] - xy[:, KP["right_shoulder"], 0])
    width = width / frame_scale(xy, t)
    turning = width[a : b + 1]
    walking = np.concatenate([width[lo:a], width[b + 1 : hi]])
    if not np.isfinite(turning).any() or not np.isfinite(walking).any():
        return True  # nothing to compare: no verdict
    return bool(np.nanmax(turning) > np.nanmedian(walking) + 0.15)


FIGURE_MEASURES = {
    "seconds": "test",
    **{f"{name}_seconds": "test" for name in PHASES},
    "outcome": "test",
}


def measure(params: TimedUpAndGo, data: TrackSeries) -> ProtocolMeasures:
    t = data.timestamps
    height = standing_height(data.xy, t)
    found = find_phases(data.xy, t, params, height)
    verdicts: dict[str, tuple[str, str]] = {}
    for level, reason in found.problems:
        if "test" not in verdicts or level == "unreliable":
            verdicts["test"] = (level, reason)
    phases = [
        OutcomePhase(
            name=name,
            start=rounded(a, 2),
            end=rounded(b, 2),
            seconds=rounded(b - a, 2) if a is not None and b is not None else None,
        )
        for name, (a, b) in found.times.items()
    ]
    seconds = rounded(found.total, 2)
    norm, sentence = compare(seconds, params.norm_table, age=params.age, sex=params.sex)
    outcome = Outcome(
        test="timed_up_and_go",
        completed=seconds is not None,
        seconds=seconds,
        norm=norm,
        interpretation=sentence,
        phases=phases,
    )
    figures: dict[str, Any] = {"seconds": seconds}
    figures.update({f"{ph.name}_seconds": ph.seconds for ph in phases})
    return ProtocolMeasures(
        summary=Summary(measure="seconds", trusted=True, figures=figures),
        outcome=outcome,
        heights={SERIES: height, PROGRESS: 100.0 * found.progress},
        position_measures=("test",),
        trust=verdicts,
    )


def units(params: TimedUpAndGo) -> dict[str, str]:
    return {"seconds": "s", **{f"{name}_seconds": "s" for name in PHASES}}


def chart(measures: Measures) -> Chart:
    outcome = measures.outcome
    spans = tuple(
        ChartSpan(p.start, p.end, "good", p.name)
        for p in (outcome.phases if outcome else [])
        if p.start is not None and p.end is not None
    )
    series = tuple(
        ChartSeries("heights", key, label, "%")
        for key, label in ((SERIES, "hips above ankles"), (PROGRESS, "walk progress"))
        if key in measures.heights
    )
    return Chart(
        title=f"{measures.exercise}: "
        + ((outcome.interpretation or "not measured") if outcome else "not measured"),
        y_label="% of standing / % of the walk",
        series=series,
        spans=spans,
        levels=(ChartLevel(100 * TURN_ZONE, "turn zone", "dotted"),),
    )


def summary_line(measures: Measures) -> str:
    outcome = measures.outcome
    if outcome is None or outcome.seconds is None:
        return "timed up and go: not measured"
    phases = ", ".join(f"{p.name} {p.seconds} s" for p in outcome.phases if p.seconds is not None)
    return f"timed up and go: {outcome.seconds} s ({phases})"


def live_config(params: dict[str, Any], hold_seconds: float | None = None) -> dict[str, Any]:
    """The whole body in view and a stopwatch; nothing to count."""
    PROTOCOL.make(params)
    return timer_live_config(kind="stopwatch", seconds=None)


PROTOCOL = Protocol(
    name=TimedUpAndGo.name,
    params=TimedUpAndGo,
    measure=measure,
    units=units,
    chart=chart,
    summary_line=summary_line,
    live_config=live_config,
    param_choices={"sex": ("female", "male")},
    figure_measures=FIGURE_MEASURES,
)
