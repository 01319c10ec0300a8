"""``python -m pose``: analyse a clip, score a keypoint track, or benchmark the engine."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from pose.errors import PoseError  # noqa: E402


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


def _summary(result: dict[str, Any]) -> str:
    video = result["video"]
    lines = [
        f"{video['frames']} frames, {video['width']}x{video['height']}, "
        f"{video['duration']:.1f} s, model {result['model']}"
    ]
    reps = result.get("reps")
    if reps:
        lines.append(
            f"repetitions: {reps.get('count')} counted, {len(reps.get('partial', []))} partial"
        )
    balance = result.get("balance")
    if balance:
        lines.append(f"balance: hold {balance.get('hold_seconds')} s, score {balance.get('score')}")
    quality = result.get("quality")
    if quality and quality.get("problems"):
        lines.append("quality: " + "; ".join(quality["problems"]))
    lines.extend(f"warning: {w}" for w in result.get("warnings", []))
    return "\n".join(lines)


def cmd_analyze(args: argparse.Namespace) -> int:
    from pose.pipeline import analyze_clip

    exercise = None
    if args.exercise:
        from pose.catalog import get_exercise

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
    )
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    _write_json(result, args.out)
    print(_summary(result), file=sys.stderr)
    if args.overlay:
        from pose.overlay import write_overlay

        write_overlay(args.clip, result, args.overlay)
        print(f"wrote {args.overlay}", file=sys.stderr)
    if args.plot:
        _plot(result, args.plot)
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from pose.catalog import get_exercise
    from pose.pipeline import score_track_json

    try:
        data = json.loads(Path(args.keypoints).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise PoseError(f"cannot read the keypoint track {args.keypoints}: {exc}") from None
    result = score_track_json(data, get_exercise(args.exercise))
    _write_json(result, args.out)
    if "video" in result and "frames" in result["video"]:
        print(_summary(result), file=sys.stderr)
    if args.plot:
        _plot(result, args.plot)
    return 0


def _plot(result: dict[str, Any], path: str) -> None:
    from pose.plot import plot_result

    plot_result(result, path)
    print(f"wrote {path}", file=sys.stderr)


def cmd_bench(args: argparse.Namespace) -> int:
    from pose.bench import run_bench

    return run_bench(
        runs=args.runs,
        models=args.models.split(","),
        threads=args.threads,
        precisions=args.precisions.split(","),
    )


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
    analyze.add_argument("--threads", type=int, default=int(os.environ.get("THERAPOSE_THREADS", 2)))
    analyze.add_argument("--max-seconds", type=float, default=None)
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

    bench = sub.add_parser("bench", help="frames per second, end to end and by stage")
    bench.add_argument("--runs", type=int, default=5)
    bench.add_argument("--models", default="lightning,thunder")
    bench.add_argument("--threads", type=int, default=2)
    bench.add_argument("--precisions", default="int8,float")
    bench.set_defaults(func=cmd_bench)
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
