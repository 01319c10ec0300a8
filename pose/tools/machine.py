"""Which machine a speed figure was measured on: frames per second mean little without it.

The development machines all report "2 cores, x86_64", yet one CPU family ran float Lightning's
network twice as fast as another (docs/performance.md). The bench prints this
signature above its figures and compares against MediaPipe only where it was measured on the
same signature. Standard library only: ``scripts/bench_mediapipe.py`` imports it from a
throw-away interpreter that has none of the engine's dependencies.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path

CPUINFO = Path("/proc/cpuinfo")


def cpu_fields(cpuinfo: str) -> dict[str, str]:
    """The first processor's ``key: value`` lines of a ``/proc/cpuinfo`` text."""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        if not line.strip():
            if fields:
                break
            continue
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    return fields


def signature(cpuinfo: str | None = None, cores: int | None = None) -> str:
    """For example ``"AMD EPYC (family 26 model 2), 2 cores, x86_64"``."""
    if cpuinfo is None:
        try:
            cpuinfo = CPUINFO.read_text()
        except OSError:
            cpuinfo = ""
    fields = cpu_fields(cpuinfo)
    name = fields.get("model name") or platform.processor() or "unknown CPU"
    if "cpu family" in fields:
        name += f" (family {fields['cpu family']} model {fields.get('model', '?')})"
    cores = cores if cores is not None else (os.cpu_count() or 1)
    return f"{name}, {cores} cores, {platform.machine()}"
