"""One exercise's measures for one keypoint track: the ``score_track`` entry point.

Steps: take camera jumps out and clean the keypoints (:mod:`pose.measures.cleaning`), compute
every angle and height (:mod:`pose.measures.angles`), run the quality checks
(:mod:`pose.measures.quality`), measure as the exercise's protocol says (its module in
:mod:`pose.measures.protocols`: repetitions, a balance hold...), then grade each measure
(:mod:`pose.measures.trust`: ``ok``, ``check`` or ``unreliable``, with reasons). The answer is a
:class:`pose.result.Measures` (no NaN: unknown values are None). Only the measures graded
``unreliable`` are withheld (their figures, ``reps.count`` or ``balance.score`` are None);
``quality.trust`` says each measure's level and why, and ``quality.problems`` lists every
reason. The details stay for the therapist to review.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from pose.measures import quality as quality_checks
from pose.measures.angles import angles_from_xy, heights_from_xy
from pose.measures.catalog import ExerciseSpec
from pose.measures.cleaning import clean_keypoints, raw_keypoints, steady_camera
from pose.measures.protocols import TrackSeries, get_protocol
from pose.measures.rounding import rounded, rounded_json, rounded_series
from pose.measures.trust import assess, withheld_outcome
from pose.result import Measures, MeasureTrust, Quality, ViewCheck
from pose.track import KeypointTrack


def score_track(
    track: KeypointTrack, exercise: ExerciseSpec, *, brightness: np.ndarray | None = None
) -> Measures:
    """Angles, the protocol's measures, quality and a summary for ``exercise`` (see module doc)."""
    params = exercise.make_protocol()
    protocol = get_protocol(params.name)
    t = track.timestamps
    steady, jumps = steady_camera(t, track.keypoints)
    xy = clean_keypoints(t, steady)
    angles, heights = angles_from_xy(xy), heights_from_xy(xy)
    checks = quality_checks.check_quality(
        track, params, exercise.camera_view, brightness=brightness
    )
    series = TrackSeries(t, xy, angles, heights, raw_keypoints(t, steady), tuple(jumps))
    out = protocol.measure(params, series)
    trust = assess(
        track,
        checks,
        measures=tuple(dict.fromkeys(protocol.figure_measures.values())),
        joints=params.required_keypoints,
        min_seconds=params.min_seconds,
        angle_measures=out.angle_measures,
        position_measures=out.position_measures,
        camera_jumps=tuple(round(j, 2) for j in jumps),
        protocol_reasons=out.trust,
    )
    withheld = {name for name, verdict in trust.items() if verdict.level == "unreliable"}
    problems = list(dict.fromkeys(r for verdict in trust.values() for r in verdict.reasons))
    figures = {
        key: None if protocol.figure_measures.get(key) in withheld else value
        for key, value in out.summary.figures.items()
    }
    reps, balance = out.reps, out.balance
    if reps is not None and protocol.figure_measures.get("count") in withheld:
        reps = replace(reps, count=None)
    if balance is not None and protocol.figure_measures.get("score") in withheld:
        balance = replace(balance, score=None)
    return Measures(
        exercise=exercise.slug,
        protocol=params.name,
        protocol_params=rounded_json(params.to_json()),
        angles={k: rounded_series(v) for k, v in {**angles, **out.angles}.items()},
        heights={k: rounded_series(v) for k, v in {**heights, **out.heights}.items()},
        primary_angle=out.primary_angle,
        reps=reps,
        balance=balance,
        quality=_quality(checks, problems, trust),
        summary=replace(out.summary, trusted=not problems, figures=figures),
        outcome=withheld_outcome(out.outcome, protocol.figure_measures, trust),
    )


def _quality(
    q: quality_checks.Quality, problems: list[str], trust: dict[str, MeasureTrust]
) -> Quality:
    return Quality(
        trusted=not problems,
        problems=problems,
        visible_fraction=rounded(q.visible_fraction, 3),
        view=ViewCheck(
            expected=str(q.view["expected"]),
            observed=q.view["observed"],  # type: ignore[arg-type]
            matches=bool(q.view["matches"]),
            shoulder_to_torso_ratio=rounded(q.view_ratio, 3),
        ),
        whole_body_in_frame=q.whole_body_in_frame,
        duration_seconds=rounded(q.duration_seconds, 3),
        too_short=q.too_short,
        too_dark=q.too_dark,
        trust=trust,
    )
