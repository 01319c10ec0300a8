"""The ``hold_balance`` protocol: a timed static stance, its sway and a 0-100 score.

The analysis itself is :mod:`pose.measures.balance` (every threshold's meaning is there). The
result's ``balance`` gives when the stance began and why it ended; its summary gives the hold
time, the score and the sway.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pose.measures.balance import POSTURE_EVENTS, BalanceResult, analyse_balance
from pose.measures.protocols.base import (
    Chart,
    ChartPath,
    ChartSeries,
    ChartSpan,
    Protocol,
    ProtocolError,
    ProtocolMeasures,
    TrackSeries,
    timer_live_config,
)
from pose.measures.rounding import rounded
from pose.result import Balance, BalanceEvent, BalanceTrace, Measures, Summary, Sway

STANCES = ("single_leg", "tandem", "feet_together")
LIFTED = ("left", "right", "either")


@dataclass(frozen=True)
class HoldBalance:
    """A timed static stance (see :mod:`pose.measures.balance` for every threshold's meaning).

    Lengths are in torso lengths (shoulder midpoint to hip midpoint), angles in degrees.
    """

    stance: str
    target_seconds: float = 10.0
    lifted: str = "either"  # single_leg: which foot is lifted ("left", "right", "either")
    lift_on: float = 0.12  # lifted ankle this far above the stance ankle = foot off the floor
    touch: float = 0.05  # ...and back below this = foot down
    max_ankle_gap: float = 0.3  # tandem / feet together: ankles at most this far apart (x)
    foot_move: float = 0.15  # stance ankle moving this far from where it started = lost
    max_trunk_lean: float = 30.0
    max_hand_reach: float = 0.9  # a wrist this far from the body's midline = arms moved
    end_on_posture: bool = False  # arms moving / trunk leaning end the hold (formal tests)
    settle_seconds: float = 0.2  # the stance must hold this long to count as begun
    loss_seconds: float = 0.1  # a loss condition must last this long to end the hold
    min_seconds: float = 2.0
    needs_whole_body: bool = True

    name = "hold_balance"

    def __post_init__(self) -> None:
        if self.stance not in STANCES:
            raise ProtocolError(f"stance must be one of {STANCES}, got {self.stance!r}")
        if self.lifted not in LIFTED:
            raise ProtocolError("lifted must be 'left', 'right' or 'either'")
        if not 0 < self.touch < self.lift_on:
            raise ProtocolError("need 0 < touch < lift_on")
        if self.target_seconds <= 0:
            raise ProtocolError("target_seconds must be positive")

    @property
    def required_keypoints(self) -> tuple[str, ...]:
        return tuple(
            f"{s}_{p}" for s in ("left", "right") for p in ("shoulder", "hip", "knee", "ankle")
        )

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


def hold_balance(stance: str, **params: Any) -> HoldBalance:
    """A balance-hold protocol (e.g. ``hold_balance(stance="single_leg", target_seconds=30)``)."""
    return PROTOCOL.make({"stance": stance, **params})


FIGURE_MEASURES = {
    "hold_seconds": "hold",
    "lost_reason": "hold",
    "score": "score",
    "sway_rms": "sway",
    "sway_path_length_per_s": "sway",
}
MIN_SWAY_SECONDS = 1.0  # sway needs a hold at least this long


def measure(params: HoldBalance, data: TrackSeries) -> ProtocolMeasures:
    """Time the hold. A clip that ends while the stance is still held, before the target, gives
    the hold as "at least" that long (``check``): the recording, not the patient, ended it."""
    balance = analyse_balance(data.xy, data.timestamps, params, data.raw_xy)
    verdicts: dict[str, tuple[str, str]] = {}
    if balance.started_at is None:
        verdicts["hold"] = (
            "check",
            "The stance was never seen being taken (for a single-leg stance: a foot lifted off "
            "the floor), so the hold is 0 s; if that is wrong, record again with the feet in view.",
        )
    elif balance.held_to_clip_end and balance.hold_seconds < params.target_seconds:
        reason = (
            f"The clip ended after {balance.hold_seconds:.1f} s while the stance was still "
            f"held: the hold lasted at least that long. Record at least "
            f"{params.target_seconds:.0f} s so it can be timed to the end."
        )
        verdicts["hold"] = verdicts["score"] = ("check", reason)
    if balance.started_at is not None and balance.hold_seconds < MIN_SWAY_SECONDS:
        verdicts["sway"] = ("unreliable", "The hold was too short to measure sway.")
    return ProtocolMeasures(
        balance=_balance(balance),
        summary=summary(balance),
        position_measures=("sway", "score"),
        trust=verdicts,
    )


def _balance(balance: BalanceResult) -> Balance:
    trace = balance.trace
    return Balance(
        stance=balance.stance,
        hold_seconds=rounded(balance.hold_seconds, 3),
        started_at=rounded(balance.started_at, 3),
        lost_at=rounded(balance.lost_at, 3),
        lost_reason=balance.lost_reason,
        lifted_side=balance.lifted_side,
        sway=Sway(**{k: rounded(v, 5) for k, v in balance.sway.items()}),
        score=rounded(balance.score, 1),
        target_seconds=rounded(balance.target_seconds, 3),
        held_to_clip_end=balance.held_to_clip_end,
        score_formula=balance.score_formula,
        trace=BalanceTrace(**{k: [rounded(v, 4) for v in vals] for k, vals in trace.items()})
        if trace
        else None,
        events=[
            BalanceEvent(
                kind=e.kind,
                start=rounded(e.start, 3),
                end=rounded(e.end, 3),
                detail=POSTURE_EVENTS[e.kind]
                + (f" from {e.start:.1f} s" if e.end is None else f", {e.start:.1f}-{e.end:.1f} s"),
            )
            for e in balance.events
        ],
    )


def summary(balance: BalanceResult) -> Summary:
    """Hold time, score and sway, and why the hold ended (scoring withholds what its trust
    grading finds unreliable)."""
    return Summary(
        measure="hold_seconds",
        trusted=True,  # graded by scoring (pose.measures.trust)
        figures={
            "hold_seconds": rounded(balance.hold_seconds, 3),
            "score": rounded(balance.score, 1),
            "sway_rms": rounded(balance.sway["rms"], 5),
            "sway_path_length_per_s": rounded(balance.sway["path_length_per_s"], 5),
            "lost_reason": balance.lost_reason,
        },
    )


def units(params: HoldBalance) -> dict[str, str]:
    """The unit of each numeric summary figure (sway in torso lengths, the score 0-100)."""
    return {
        "hold_seconds": "s",
        "score": "0-100",
        "sway_rms": "torso lengths",
        "sway_path_length_per_s": "torso lengths/s",
    }


def chart(measures: Measures) -> Chart:
    """The lifted ankle's height with the hold shaded, and the hip's sway path beside it."""
    balance = measures.balance
    side = balance.lifted_side if balance else None
    names = (f"{side}_ankle_height",) if side else ("left_ankle_height", "right_ankle_height")
    series = tuple(
        ChartSeries("heights", name, name, "% torso") for name in names if name in measures.heights
    )
    if balance is None:
        return Chart(title=f"{measures.exercise}: not measured", y_label="", series=series)
    spans = ()
    if balance.started_at is not None:
        end = balance.lost_at
        if end is None:
            end = balance.started_at + (balance.hold_seconds or 0.0)
        spans = (ChartSpan(balance.started_at, end, "good", "hold"),)
    lost = f", lost: {balance.lost_reason}" if balance.lost_reason else ""
    trace = balance.trace
    return Chart(
        title=f"{balance.stance}: hold {balance.hold_seconds} s, score {balance.score}{lost}",
        y_label="height above the other ankle (% torso)",
        series=series,
        spans=spans,
        path=ChartPath(
            x=trace.x if trace else [],
            y=trace.y if trace else [],
            title=f"sway RMS {balance.sway.rms}",
            x_label="hip sway x (torso lengths)",
            y_label="y",
        ),
    )


def summary_line(measures: Measures) -> str:
    balance = measures.balance
    if balance is None:
        return "balance: not measured"
    return f"balance: hold {balance.hold_seconds} s, score {balance.score}"


def live_config(params: dict[str, Any], hold_seconds: float | None = None) -> dict[str, Any]:
    """What the live page needs: the whole body in view, and the hold to time."""
    PROTOCOL.make(params)  # refuse parameters the engine would refuse
    target = params.get("target_seconds") or hold_seconds
    return timer_live_config(kind="hold", seconds=target)


PROTOCOL = Protocol(
    name=HoldBalance.name,
    params=HoldBalance,
    measure=measure,
    units=units,
    chart=chart,
    summary_line=summary_line,
    live_config=live_config,
    param_choices={"stance": STANCES, "lifted": LIFTED},
    figure_measures=FIGURE_MEASURES,
)
