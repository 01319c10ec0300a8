"""One exercise's measures for one keypoint track: the ``score_track`` entry point.

Steps: clean the keypoints (:mod:`pose.measures.cleaning`), compute every angle and height
(:mod:`pose.measures.angles`), check quality (:mod:`pose.measures.quality`), then measure as the
exercise's protocol says (its module in :mod:`pose.measures.protocols`: repetitions, a balance
hold...). The answer is a :class:`pose.result.Measures` (no NaN: unknown values are None). When
the quality checks fail, the protocol withholds its headline numbers (``reps.count``,
``balance.score`` and the summary's figures are None) and ``quality.problems`` says why; the
details stay for the therapist to review.
"""

from __future__ import annotations

import numpy as np

from pose.measures import quality as quality_checks
from pose.measures.angles import angles_from_xy, heights_from_xy
from pose.measures.catalog import ExerciseSpec
from pose.measures.cleaning import clean_keypoints
from pose.measures.protocols import TrackSeries, get_protocol
from pose.measures.rounding import rounded, rounded_json, rounded_series
from pose.result import Measures, Quality, ViewCheck
from pose.track import KeypointTrack


def score_track(
    track: KeypointTrack, exercise: ExerciseSpec, *, brightness: np.ndarray | None = None
) -> Measures:
    """Angles, the protocol's measures, quality and a summary for ``exercise`` (see module doc)."""
    params = exercise.make_protocol()
    protocol = get_protocol(params.name)
    t = track.timestamps
    xy = clean_keypoints(t, track.keypoints)
    angles, heights = angles_from_xy(xy), heights_from_xy(xy)
    checks = quality_checks.check_quality(
        track, params, exercise.camera_view, brightness=brightness
    )
    out = protocol.measure(params, TrackSeries(t, xy, angles, heights), checks.trusted)
    problems = [*checks.problems, *out.problems]
    return Measures(
        exercise=exercise.slug,
        protocol=params.name,
        protocol_params=rounded_json(params.to_json()),
        angles={k: rounded_series(v) for k, v in {**angles, **out.angles}.items()},
        heights={k: rounded_series(v) for k, v in {**heights, **out.heights}.items()},
        primary_angle=out.primary_angle,
        reps=out.reps,
        balance=out.balance,
        quality=_quality(checks, problems),
        summary=out.summary,
        outcome=out.outcome,
    )


def _quality(q: quality_checks.Quality, problems: list[str]) -> Quality:
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
    )
