"""How far each measure of a result can be trusted, and why, in words for a patient and a therapist.

Every measure a protocol reports (a repetition count, the range of motion, the tempo, a hold
time, the sway...) gets its own level:

- ``ok``: shown as it is;
- ``check``: shown, with the reasons a therapist should weigh (knee angles read low because the
  clip was filmed from the front; the room is dim and the joints were tracked with low
  confidence);
- ``unreliable``: not shown (None in the result); the reasons say why and what to do.

Only what cannot be measured is left out. The rules, each applied to the measures it concerns:

- **Tracking** of the protocol's joints (:attr:`required_keypoints`): seen (score >= 0.3) in
  fewer than :data:`MIN_TRACKED` (50 %) of the frames, every measure is ``unreliable``; fewer
  than :data:`GOOD_TRACKED` (80 %), ``check``.
- **Framing**: only the protocol's joints matter. When they lie outside the picture or at its
  very edge in more than 10 % of the frames with a person, ``check``. Feet cut off do not touch
  a shoulder raise.
- **Camera view**: a view other than the one the exercise is measured from lowers only the
  measures that are 2D angles (``check``, saying which way they read wrong); counts, heights,
  tempo and hold times do not depend on it.
- **Light**: judged by what it does to the keypoints. A dim clip (median brightness below
  :data:`pose.measures.quality.DARK_BRIGHTNESS`) whose joints were tracked with low confidence
  (median score below :data:`DIM_SCORE`) or jitter (median frame-to-frame acceleration above
  :data:`DIM_JITTER` torso lengths) is ``check``; a dim clip tracked well is ``ok``.
- **Length**: a clip shorter than the protocol's ``min_seconds`` is ``check``.
- **Camera jumps** (:func:`pose.measures.cleaning.steady_camera`): measures built on positions
  in the picture (heights, sway) are ``check``.
- **The protocol's own reasons** (a hold cut short by the end of the clip, ...).

A measure's level is the most severe of the rules that concern it; ``reasons`` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from pose.keypoints import KP
from pose.measures.cleaning import MIN_SCORE
from pose.measures.quality import IN_FRAME_SCORE, MIN_VISIBLE_FRACTION, Quality
from pose.result import TRUST_LEVELS, MeasureTrust, Outcome
from pose.track import KeypointTrack

MIN_TRACKED = 0.5
GOOD_TRACKED = MIN_VISIBLE_FRACTION
IN_PICTURE = 0.9
EDGE = 0.01  # a joint this close to the picture's edge (share of its size) is cut off
DIM_SCORE = 0.6
DIM_JITTER = 0.03
ANGLE_NAMES = {
    "knee_flexion": "Knee angles",
    "hip_flexion": "Hip angles",
    "shoulder_abduction": "Shoulder angles",
    "shoulder_flexion": "Shoulder angles",
    "elbow_flexion": "Elbow angles",
}


@dataclass
class _Verdict:
    level: str = "ok"
    reasons: list[str] = field(default_factory=list)

    def lower(self, level: str, reason: str) -> None:
        if TRUST_LEVELS.index(level) > TRUST_LEVELS.index(self.level):
            self.level = level
        if reason not in self.reasons:
            self.reasons.append(reason)


def body_parts(joints: Iterable[str]) -> str:
    """``("left_knee", "right_knee", "left_ankle")`` -> ``"knees and ankles"``."""
    parts: list[str] = []
    for joint in joints:
        part = joint.split("_", 1)[1] if joint.startswith(("left_", "right_")) else joint
        plural = part + ("s" if not part.endswith("s") else "")
        if plural not in parts:
            parts.append(plural)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def in_picture_fraction(track: KeypointTrack, joints: tuple[str, ...]) -> float:
    """Share of frames with a person in which all ``joints`` lie inside the picture, away from
    its very edge, with a score of at least IN_FRAME_SCORE (1.0 when nobody is seen)."""
    person = track.scores.max(axis=1) > 0
    if not person.any() or not joints:
        return 1.0
    idx = [KP[j] for j in joints]
    xy, scores = track.xy[person][:, idx], track.scores[person][:, idx]
    mx, my = EDGE * track.width, EDGE * track.height
    inside = (
        (xy[..., 0] >= mx)
        & (xy[..., 0] <= track.width - mx)
        & (xy[..., 1] >= my)
        & (xy[..., 1] <= track.height - my)
    )
    return float((inside & (scores >= IN_FRAME_SCORE)).all(axis=1).mean())


def tracking_confidence(track: KeypointTrack, joints: tuple[str, ...]) -> tuple[float, float]:
    """Median score of ``joints`` over the frames with a person, and their jitter: the median
    frame-to-frame acceleration of the confidently seen ones, in torso lengths."""
    person = track.scores.max(axis=1) > 0
    idx = [KP[j] for j in joints]
    if person.sum() < 3 or not idx:
        return 0.0, float("inf")
    scores = track.scores[person][:, idx]
    xy = np.where((track.scores >= MIN_SCORE)[..., None], track.xy, np.nan)[person]
    torso = np.linalg.norm(
        (xy[:, KP["left_shoulder"]] + xy[:, KP["right_shoulder"]]) / 2
        - (xy[:, KP["left_hip"]] + xy[:, KP["right_hip"]]) / 2,
        axis=1,
    )
    scale = np.nanmedian(torso) if np.isfinite(torso).any() else np.nan
    accel = np.linalg.norm(xy[2:, idx] - 2 * xy[1:-1, idx] + xy[:-2, idx], axis=-1)
    finite = accel[np.isfinite(accel)]
    jitter = float(np.median(finite) / scale) if finite.size and scale > 0 else float("inf")
    return float(np.median(scores)), jitter


def assess(
    track: KeypointTrack,
    checks: Quality,
    *,
    measures: tuple[str, ...],
    joints: tuple[str, ...],
    min_seconds: float,
    angle_measures: Mapping[str, str] | None = None,
    position_measures: tuple[str, ...] = (),
    camera_jumps: tuple[float, ...] = (),
    protocol_reasons: Mapping[str, tuple[str, str]] | None = None,
) -> dict[str, MeasureTrust]:
    """Each of ``measures`` with its level and reasons (see the module's rules).

    ``checks``: the clip's quality facts (:func:`pose.measures.quality.check_quality`, measured
    for the same ``joints`` and ``min_seconds``). ``joints``: the keypoints the protocol
    measures from. ``angle_measures``: the measures that
    are 2D angles, with the angle's name (``{"range": "knee_flexion"}``). ``position_measures``:
    those built on positions in the picture. ``protocol_reasons``: the protocol's own verdicts,
    ``{measure: (level, reason)}``.
    """
    verdicts = {m: _Verdict() for m in measures}

    def lower(level: str, reason: str, only: Iterable[str] | None = None) -> None:
        for name in measures if only is None else [m for m in only if m in verdicts]:
            verdicts[name].lower(level, reason)

    parts = body_parts(joints)
    tracked = checks.visible_fraction if joints else 0.0
    if track.frames == 0 or not (track.scores > 0).any():
        lower(
            "unreliable",
            "No person was found in the clip; record again with your whole body in view.",
        )
    elif tracked < MIN_TRACKED:
        lower(
            "unreliable",
            f"The {parts} were seen in only {tracked:.0%} of the clip, too little to measure; "
            f"record again with them in view and well lit.",
        )
    elif tracked < GOOD_TRACKED:
        lower(
            "check",
            f"The {parts} were seen in {tracked:.0%} of the clip; some moments were filled in.",
        )
    in_picture = in_picture_fraction(track, joints)
    if track.frames and in_picture < IN_PICTURE:
        lower(
            "check",
            f"The {parts} were at the edge of or outside the picture in "
            f"{1 - in_picture:.0%} of the clip; step back so they stay in view.",
        )
    for name, angle in (angle_measures or {}).items():
        observed, expected = checks.view["observed"], checks.view["expected"]
        if observed is not None and observed != expected:
            what = ANGLE_NAMES.get(angle, "Angles")
            seen = "at an angle" if observed == "oblique" else f"from the {observed}"
            lower(
                "check",
                f"{what} read low because the clip was filmed {seen}; this exercise's angles are "
                f"measured from the {expected}. The count is not affected.",
                [name],
            )
    if checks.too_dark:
        score, jitter = tracking_confidence(track, joints)
        if score < DIM_SCORE or jitter > DIM_JITTER:
            lower(
                "check",
                "The room is dim and the joints were tracked with low confidence; "
                "more light gives steadier numbers.",
            )
    if checks.too_short:
        lower(
            "check",
            f"The clip lasts {checks.duration_seconds:.1f} s; at least {min_seconds:.0f} s are needed.",
        )
    if camera_jumps:
        when = ", ".join(f"{t:.1f} s" for t in camera_jumps[:3])
        lower(
            "check",
            f"The picture jumped at {when} (the phone moved or the recording reframed); "
            "positions across it were joined.",
            position_measures,
        )
    for name, (level, reason) in (protocol_reasons or {}).items():
        lower(level, reason, [name])
    return {name: MeasureTrust(v.level, list(v.reasons)) for name, v in verdicts.items()}


def withheld_outcome(
    outcome: Outcome | None,
    figure_measures: Mapping[str, str],
    trust: Mapping[str, MeasureTrust],
) -> Outcome | None:
    """A clinical test's outcome with its figures withheld when the measure they belong to
    (``figure_measures["outcome"]``) is graded ``unreliable``: no seconds, count or degrees, not
    completed, and the interpretation says why (the norm and the phases stay for review)."""
    verdict = trust.get(figure_measures.get("outcome", ""))
    if outcome is None or verdict is None or verdict.level != "unreliable":
        return outcome
    why = " ".join(verdict.reasons) or "The clip could not be measured."
    return replace(
        outcome,
        seconds=None,
        count=None,
        degrees=None,
        completed=False,
        interpretation=f"Not measured: {why}",
    )
