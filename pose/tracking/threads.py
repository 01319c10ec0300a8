"""Thread plans for the clip loop: where decoding, cropping and inference run on the cores there are.

The clip loop has three kinds of work per frame: decoding (FFmpeg), cropping (OpenCV, one
thread, in the loop) and the network (LiteRT's own thread pool). Decoding can run ahead in a
thread of its own (``prefetch``) or in the loop between frames. On two cores, two inference
threads plus a decoding thread make three busy threads: the network then ran 3.1 ms per frame
inside the loop against 2.8 ms alone (issue 19). The plans:

- ``overlap``: decoding ahead in its own thread, the network on every core (three threads on
  two cores: oversubscribed, the layout before issue 19).
- ``serial``: decoding in the loop, then the network on every core: never more busy threads
  than cores, but nothing overlaps.
- ``split``: decoding ahead in its own thread, the network on the other cores.
- ``yield``: as ``overlap``, but the decoding thread runs at a lower priority (Linux nice +10
  for that thread alone): it fills the moments the network leaves a core idle and gives way
  to it otherwise, a few frames ahead in its buffer.

:func:`plan_for` chooses, in order: ``THERAPOSE_THREAD_PLAN`` (a plan's name); the plan
``python -m pose bench`` measured fastest on this machine (same CPU and number of cores,
recorded in :data:`MEASURED`); else a default by the number of cores (``os.sched_getaffinity``:
what this process may use, which is what a container's CPU limit leaves).
``THERAPOSE_THREADS`` then sets the inference threads. The bench measures every plan side by
side and prints the one chosen.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from pathlib import Path

# Written by `python -m pose bench`: {"cpu": ..., "cores": n, "plan": name}.
MEASURED = Path(
    os.environ.get(
        "THERAPOSE_THREAD_PLAN_FILE",
        Path(__file__).resolve().parents[2] / ".cache" / "bench" / "thread_plan.json",
    )
)
PLAN_NAMES = ("overlap", "serial", "split", "yield")
DECODE_NICE = 10
# Lightning's network gains little past four threads (its layers are small); more cores serve
# more clips at once (worker processes), not one clip faster.
MAX_INFERENCE_THREADS = 4


@dataclass(frozen=True)
class ThreadPlan:
    name: str
    inference_threads: int
    prefetch: bool  # decode ahead in a thread of its own
    # FFmpeg's threads for the clip loop's decoding; None: one up to 720p, FFmpeg's own choice
    # above (pose.video.reader.SINGLE_THREAD_PIXELS)
    decode_threads: int | None = None
    decode_nice: int = 0  # added to the decoding thread's nice level (prefetch only)

    def describe(self) -> str:
        where = "in its own thread, ahead" if self.prefetch else "in the loop"
        if self.decode_nice:
            where += f" at nice +{self.decode_nice}"
        decoders = "1 thread to 720p" if self.decode_threads is None else self.decode_threads
        plural = "s" if self.inference_threads != 1 else ""
        return (
            f"{self.name}: network {self.inference_threads} thread{plural}, decoding "
            f"({decoders}) {where}, cropping in the loop"
        )


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def plans(cores: int) -> dict[str, ThreadPlan]:
    """Every plan for ``cores`` cores, by name."""
    cores = max(1, cores)
    every = min(cores, MAX_INFERENCE_THREADS)
    return {
        "overlap": ThreadPlan("overlap", every, prefetch=True),
        "serial": ThreadPlan("serial", every, prefetch=False),
        "split": ThreadPlan("split", max(1, min(cores - 1, MAX_INFERENCE_THREADS)), prefetch=True),
        "yield": ThreadPlan("yield", every, prefetch=True, decode_nice=DECODE_NICE),
    }


def default_plan_name(cores: int) -> str:
    """Before any measurement: one core, ``serial`` (nothing to overlap); two, ``overlap``
    (fastest on the AMD 2-core machine, README "Throughput"); three or more, ``split`` (a core
    for decoding, the others for the network, which gains little past four threads)."""
    if cores <= 1:
        return "serial"
    return "overlap" if cores == 2 else "split"


def cpu_model() -> str:
    """The first CPU's model name, family and model (what the speed depends on)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return f"{fields.get('model name', '?')} {fields.get('cpu family', '?')}/{fields.get('model', '?')}"


def measured_plan_name(cores: int, path: Path | None = None) -> str | None:
    """The plan the bench measured fastest on this CPU with ``cores`` cores, if it did."""
    try:
        record = json.loads((path or MEASURED).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("cpu") != cpu_model():
        return None
    if record.get("cores") != cores or record.get("plan") not in PLAN_NAMES:
        return None
    return record["plan"]


def record_measured_plan(name: str, cores: int, path: Path | None = None) -> Path:
    """Keep ``name`` as this machine's fastest plan (the bench calls this)."""
    path = path or MEASURED
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cpu": cpu_model(), "cores": cores, "plan": name}))
    return path


def plan_for(
    cores: int | None = None, environ: dict[str, str] | None = None, *, measured: bool = True
) -> ThreadPlan:
    """The plan for this machine (or for ``cores``), after the environment's overrides;
    ``measured=False`` ignores the bench's record."""
    environ = os.environ if environ is None else environ
    cores = available_cores() if cores is None else max(1, cores)
    name = (
        environ.get("THERAPOSE_THREAD_PLAN", "").strip()
        or (measured_plan_name(cores) if measured else None)
        or default_plan_name(cores)
    )
    if name not in PLAN_NAMES:
        raise ValueError(f"THERAPOSE_THREAD_PLAN={name!r}: choose one of {', '.join(PLAN_NAMES)}")
    plan = plans(cores)[name]
    threads = environ.get("THERAPOSE_THREADS", "").strip()
    if threads:
        plan = replace(plan, inference_threads=max(1, int(threads)))
    return plan
