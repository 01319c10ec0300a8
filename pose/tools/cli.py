"""``python -m pose``: analyse a clip, score a keypoint track, or benchmark the engine."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pose.errors import PoseError  # noqa: E402

if TYPE_CHECKING:
    from pose.result import Result


def _progress_bar():
    """A one-line progress bar on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        if done % 10 and done != total:
            return
        if total:
            filled = int(30 * min(done, total) / total)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total} frames")
        else:
            sys.stderr.write(f"\r{done} frames")
        sys.stderr.flush()

    return show


def _write_json(data: dict[str, Any], out: str | None) -> None:
    text = json.dumps(data, separators=(",", ":"), allow_nan=False)
    if out:
        Path(out).write_text(text)
        print(f"wrote {out}", file=sys.stderr)
    else:
        print(text)


def _summary(result: Result) -> str:
    """A few lines for a person: the clip, the protocol's headline, problems and warnings."""
    from pose.measures.protocols import get_protocol

    track, measures = result.track, result.measures
    video = track.video
    duration = f"{video.duration:.1f} s" if video.duration is not None else "duration unknown"
    lines = [
        f"{track.frames} frames, {video.width}x{video.height}, {duration}, model {track.model}"
    ]
    if measures is not None:
        lines.append(get_protocol(measures.protocol).summary_line(measures))
        if measures.quality.problems:
            lines.append("quality: " + "; ".join(measures.quality.problems))
    lines.extend(f"warning: {w}" for w in track.warnings or [])
    return "\n".join(lines)


def cmd_analyze(args: argparse.Namespace) -> int:
    from pose.pipeline import analyze_clip

    exercise = None
    if args.exercise:
        from pose.measures.catalog import get_exercise

        exercise = get_exercise(args.exercise)
    result = analyze_clip(
        args.clip,
        model=args.model,
        exercise=exercise,
        backend=args.backend,
        precision=args.precision,
        num_threads=args.threads,
        max_seconds=args.max_seconds,
        timestamps=args.timestamps,
        progress=_progress_bar(),
        **({"max_fps": None} if args.all_frames else {}),
    )
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    _write_json(result.to_json(), args.out)
    print(_summary(result), file=sys.stderr)
    if args.overlay:
        from pose.tools.overlay import write_overlay

        write_overlay(args.clip, result.track, args.overlay)
        print(f"wrote {args.overlay}", file=sys.stderr)
    if args.plot:
        _plot(result, args.plot)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from pose.measures.catalog import get_exercise
    from pose.pipeline import score_track_json

    try:
        data = json.loads(Path(args.keypoints).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise PoseError(f"cannot read the keypoint track {args.keypoints}: {exc}") from None
    result = score_track_json(data, get_exercise(args.exercise))
    _write_json(result.to_json(), args.out)
    print(_summary(result), file=sys.stderr)
    if args.plot:
        _plot(result, args.plot)
    return 0


def _plot(result: Result, path: str) -> None:
    from pose.tools.plot import plot_result

    if result.measures is None:
        print(
            f"not plotted ({path}): a plot shows an exercise's measures; give --exercise",
            file=sys.stderr,
        )
        return
    plot_result(result, path)
    print(f"wrote {path}", file=sys.stderr)


def cmd_bench(args: argparse.Namespace) -> int:
    from pose.tools.bench import run_bench

    return run_bench(
        runs=args.runs,
        models=args.models.split(","),
        threads=args.threads,
        precisions=args.precisions.split(","),
    )


def cmd_eval(args: argparse.Namespace) -> int:
    from pose.tools.evaluate import format_table, run_eval

    evaluations, summary = run_eval(
        args.manifest,
        out=args.out,
        only=args.only.split(",") if args.only else None,
        model=args.model,
        precision=args.precision,
    )
    print(format_table(evaluations, summary))
    if args.out:
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


def cmd_exercises(args: argparse.Namespace) -> int:
    from pose.tools.exercises import exercise_rows, format_rows

    rows = exercise_rows()
    print(json.dumps(rows, indent=2) if args.json else format_rows(rows))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pose", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    analyze = sub.add_parser("analyze", help="keypoints (and measures) for a video clip")
    analyze.add_argument("clip")
    analyze.add_argument("--model", choices=("lightning", "thunder"), default="lightning")
    analyze.add_argument("--exercise", help="catalog slug, e.g. squat, shoulder_abduction")
    analyze.add_argument("--out", help="write the result JSON here (default: stdout)")
    analyze.add_argument("--overlay", help="write an MP4 with the skeleton drawn over the clip")
    analyze.add_argument("--plot", help="write a PNG of the primary angle over time")
    analyze.add_argument("--backend", choices=("litert", "tf"), default="litert")
    analyze.add_argument(
        "--precision",
        choices=("int8", "float"),
        default=None,
        help="LiteRT model: float throughout (default) or int8 network with float decoding "
        "(about twice as fast, noisier keypoint scores); the TF backend is float",
    )
    analyze.add_argument(
        "--threads",
        type=int,
        default=None,
        help="inference threads (default: the machine's thread plan, THERAPOSE_THREADS)",
    )
    analyze.add_argument("--max-seconds", type=float, default=None)
    analyze.add_argument(
        "--all-frames",
        action="store_true",
        help="analyse every frame of a clip recorded above 30 fps (default: about 30 a second, "
        "THERAPOSE_MAX_FPS)",
    )
    analyze.add_argument(
        "--timestamps",
        default="pts",
        help="'pts' (default) or 'fps:N' for evenly spaced timestamps",
    )
    analyze.set_defaults(func=cmd_analyze)

    score = sub.add_parser("score", help="measures from a keypoint track JSON")
    score.add_argument("--keypoints", required=True)
    score.add_argument("--exercise", required=True)
    score.add_argument("--out")
    score.add_argument("--plot")
    score.set_defaults(func=cmd_score)

    evaluate = sub.add_parser(
        "eval", help="real clips against what a person counted (a manifest like clips.json)"
    )
    evaluate.add_argument("manifest")
    evaluate.add_argument("--out", help="write the report JSON here")
    evaluate.add_argument("--only", help="comma-separated parts of clip file names to run")
    evaluate.add_argument("--model", choices=("lightning", "thunder"), default="lightning")
    evaluate.add_argument("--precision", choices=("int8", "float"), default=None)
    evaluate.set_defaults(func=cmd_eval)

    bench = sub.add_parser("bench", help="frames per second, end to end and by stage")
    bench.add_argument("--runs", type=int, default=5)
    bench.add_argument("--models", default="lightning,thunder")
    bench.add_argument("--threads", type=int, default=2)
    bench.add_argument("--precisions", default="int8,float")
    bench.set_defaults(func=cmd_bench)

    exercises = sub.add_parser("exercises", help="the catalog: slug, protocol, view, units")
    exercises.add_argument("--json", action="store_true", help="as JSON")
    exercises.set_defaults(func=cmd_exercises)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PoseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
