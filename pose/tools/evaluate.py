"""``python -m pose eval MANIFEST``: the engine against what a person counted on real clips.

A manifest (like ``shared/testdata/real/clips.json``) lists clips with the catalog exercise, the
camera view and what a person counted: ``reps: [lo, hi]`` complete repetitions, or
``hold_seconds: [lo, hi]`` for a balance hold. Each clip whose exercise is in the catalog is
analysed as a patient's upload would be, and the table shows, per clip, what the person counted,
what a therapist would be shown (the count or hold the result reports, with its trust level and
reasons) and what the engine found internally (the repetitions it listed, whether or not it
reported them). Clips of exercises the catalog lacks are listed and left out of the summary.

The summary holds the figures the platform's acceptance is written in: the share of repetition clips
whose reported count is within the person's range, the mean miss (repetitions outside the range,
over clips with a reported count), how many counts were withheld, and each hold's error in
seconds (0 inside the person's range).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pose.errors import PoseError


@dataclass
class ClipEvaluation:
    """One clip: what a person counted and what the engine reported."""

    file: str
    exercise: str
    view: str | None
    kind: str  # "reps", "hold" or "skipped"
    expected: tuple[float, float] | None
    reported: float | None = None  # what a therapist is shown (None: withheld)
    found: float | None = None  # what the engine found internally (counted items / raw hold)
    trust: str = "-"  # the level of the headline measure (count or hold)
    reasons: list[str] = field(default_factory=list)
    error: float | None = None  # distance outside the person's range (0 inside)
    seconds: float | None = None  # analysis time
    note: str | None = None

    @property
    def within(self) -> bool:
        return self.error is not None and self.error == 0


def _distance(value: float, lo: float, hi: float) -> float:
    return 0.0 if lo <= value <= hi else min(abs(value - lo), abs(value - hi))


def load_manifest(path: Path) -> list[dict[str, Any]]:
    """The manifest's clips, each with ``file`` resolved against the manifest's folder."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PoseError(f"cannot read the manifest {path}: {exc}") from None
    clips = data.get("clips") if isinstance(data, dict) else data
    if not isinstance(clips, list) or not all(isinstance(c, dict) for c in clips):
        raise PoseError(f"{path}: expected a list of clips (or an object with 'clips')")
    for clip in clips:
        if "file" not in clip or "exercise" not in clip:
            raise PoseError(f"{path}: every clip needs 'file' and 'exercise': {clip}")
        if "reps" not in clip and "hold_seconds" not in clip:
            raise PoseError(f"{path}: {clip['file']} has neither 'reps' nor 'hold_seconds'")
    return [{**c, "path": Path(path).parent / c["file"]} for c in clips]


def evaluate_clip(clip: dict[str, Any], catalog: dict[str, Any], **options: Any) -> ClipEvaluation:
    """Analyse one manifest clip and compare it with the person's count."""
    from pose.pipeline import analyze_clip

    hold = "hold_seconds" in clip
    lo, hi = (float(v) for v in (clip["hold_seconds"] if hold else clip["reps"]))
    evaluation = ClipEvaluation(
        file=clip["file"],
        exercise=clip["exercise"],
        view=clip.get("view"),
        kind="hold" if hold else "reps",
        expected=(lo, hi),
    )
    spec = catalog.get(clip["exercise"])
    if spec is None:
        evaluation.kind, evaluation.note = "skipped", "exercise not in the catalog"
        return evaluation
    started = time.perf_counter()
    try:
        result = analyze_clip(clip["path"], exercise=spec, **options)
    except PoseError as exc:
        evaluation.trust, evaluation.reasons = "failed", [str(exc)]
        evaluation.error = hi if not hold else max(lo, 0.0)
        return evaluation
    evaluation.seconds = round(time.perf_counter() - started, 2)
    measures = result.measures
    assert measures is not None
    quality = measures.quality
    headline = "hold" if hold else "count"
    evaluation.trust = quality.level(headline) or ("ok" if quality.trusted else "withheld")
    evaluation.reasons = [
        f"{name} {verdict.level}: {reason}"
        for name, verdict in quality.trust.items()
        for reason in verdict.reasons
    ] or list(quality.problems)
    if hold:
        balance = measures.balance
        evaluation.found = balance.hold_seconds if balance else None
        evaluation.reported = measures.summary.figures.get("hold_seconds")
    else:
        reps = measures.reps
        evaluation.found = len(reps.items) if reps else None
        evaluation.reported = reps.count if reps else None
    if evaluation.reported is not None:
        evaluation.error = round(_distance(float(evaluation.reported), lo, hi), 3)
    return evaluation


@dataclass
class EvalSummary:
    rep_clips: int
    reps_within: int
    reps_withheld: int
    mean_rep_miss: float | None
    hold_clips: int
    hold_errors: list[float | None]
    skipped: int

    @property
    def share_within(self) -> float | None:
        return self.reps_within / self.rep_clips if self.rep_clips else None


def summarise(evaluations: list[ClipEvaluation]) -> EvalSummary:
    reps = [e for e in evaluations if e.kind == "reps"]
    holds = [e for e in evaluations if e.kind == "hold"]
    misses = [e.error for e in reps if e.error is not None]
    return EvalSummary(
        rep_clips=len(reps),
        reps_within=sum(e.within for e in reps),
        reps_withheld=sum(e.reported is None for e in reps),
        mean_rep_miss=round(sum(misses) / len(misses), 3) if misses else None,
        hold_clips=len(holds),
        hold_errors=[e.error for e in holds],
        skipped=sum(e.kind == "skipped" for e in evaluations),
    )


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}" if isinstance(value, int) or float(value).is_integer() else f"{value:.1f}"


def _range(expected: tuple[float, float] | None) -> str:
    if expected is None:
        return "-"
    lo, hi = expected
    return _fmt(lo) if lo == hi else f"{_fmt(lo)}-{_fmt(hi)}"


def format_table(evaluations: list[ClipEvaluation], summary: EvalSummary) -> str:
    """A Markdown table and summary lines (pasted into notes as they are)."""
    lines = [
        "| clip | exercise | view | person | reported | found | trust | reasons |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in evaluations:
        unit = " s" if e.kind == "hold" else ""
        reported = "withheld" if e.reported is None and e.kind != "skipped" else _fmt(e.reported)
        reasons = e.note or "; ".join(e.reasons) or ""
        lines.append(
            f"| {e.file} | {e.exercise} | {e.view or '-'} | {_range(e.expected)}{unit} | "
            f"{reported}{unit if e.reported is not None else ''} | {_fmt(e.found)} | "
            f"{e.trust if e.kind != 'skipped' else '-'} | {reasons} |"
        )
    s = summary
    lines.append("")
    if s.rep_clips:
        lines.append(
            f"repetition clips: {s.reps_within}/{s.rep_clips} within the person's range "
            f"({100 * s.share_within:.0f} %), {s.reps_withheld} withheld, mean miss "
            f"{_fmt(s.mean_rep_miss)} (over reported counts)"
        )
    if s.hold_clips:
        errors = ", ".join("withheld" if x is None else f"{x:.2f} s" for x in s.hold_errors)
        lines.append(f"balance holds: error {errors}")
    if s.skipped:
        lines.append(f"skipped (exercise not in the catalog): {s.skipped}")
    return "\n".join(lines)


def run_eval(
    manifest: str | Path, *, out: str | Path | None = None, only: list[str] | None = None, **options
) -> tuple[list[ClipEvaluation], EvalSummary]:
    """Evaluate every clip of ``manifest`` (or those whose file name contains one of ``only``)."""
    from pose.measures.catalog import load_catalog

    catalog = load_catalog()
    clips = load_manifest(Path(manifest))
    if only:
        clips = [c for c in clips if any(o in c["file"] for o in only)]
    evaluations = [evaluate_clip(c, catalog, **options) for c in clips]
    summary = summarise(evaluations)
    if out:
        report = {
            "manifest": str(manifest),
            "clips": [asdict(e) for e in evaluations],
            "summary": {**asdict(summary), "share_within": summary.share_within},
        }
        Path(out).write_text(json.dumps(report, indent=1))
    return evaluations, summary
