"""Workers yield the cores to the web: a real worker's processes run at THERAPOSE_WORKER_NICE,
its children (the analyses) under SCHED_IDLE unless THERAPOSE_WORKER_SCHED=normal, and the cores
are shared between its children (one inference thread each)."""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

import pytest

from tests.support.worker_process import WorkerProcess, worker_env

celery_module = importlib.import_module("config.celery_app")


def _nice(pid: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, pid)


@pytest.mark.parametrize(("nice", "sched"), [("7", "normal"), (None, None)])
def test_a_real_worker_and_its_children_run_at_the_nice_level(tmp_path, settings, nice, sched):
    extra = {"THERAPOSE_WORKER_NICE": nice} if nice is not None else {}
    if sched is not None:
        extra["THERAPOSE_WORKER_SCHED"] = sched
    env = worker_env(
        media_root=tmp_path / "media",
        broker_url=settings.CELERY_BROKER_URL,
        database=settings.DATABASES["default"],
        **extra,
    )
    if nice is None:
        env.pop("THERAPOSE_WORKER_NICE", None)  # the default: 10
        env.pop("THERAPOSE_WORKER_SCHED", None)  # the default: idle
    # A queue of its own: this worker must never take another test's tasks.
    worker = WorkerProcess(
        env=env, log_path=tmp_path / "worker.log", concurrency=2, queues="nice-test", name="nice"
    )
    worker.start()
    try:
        deadline = time.monotonic() + 20
        while len(worker.children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        children = worker.children()
        assert len(children) == 2, worker.log()[-2000:]
        expected = max(_nice(os.getpid()), int(nice or 10))
        assert _nice(worker.process.pid) == expected
        assert [_nice(pid) for pid in children] == [expected, expected]
        # The analyses take a core only when nothing else wants it; the main process, which
        # talks to the broker, is never starved.
        child_policy = os.SCHED_IDLE if sched is None else os.SCHED_OTHER
        assert [os.sched_getscheduler(pid) for pid in children] == [child_policy] * 2
        assert os.sched_getscheduler(worker.process.pid) == os.SCHED_OTHER
        # The worker leads its own session (start_new_session): under autogroups its session
        # competes with the web's as a whole, so the session's group is lowered too.
        group = Path(f"/proc/{worker.process.pid}/autogroup")
        if group.exists():  # a kernel without autogroups has nothing to lower
            expected_group = 19 if sched is None else int(nice)
            assert group.read_text().split()[-1] == str(expected_group), group.read_text()
    finally:
        worker.stop()


def test_lower_priority_never_raises_it(monkeypatch):
    calls = []
    monkeypatch.setattr(os, "getpriority", lambda *args: 12)
    monkeypatch.setattr(os, "setpriority", lambda *args: calls.append(args))
    assert celery_module.lower_priority(10) == 12
    assert calls == []  # already nicer than asked: left alone


@pytest.mark.parametrize(
    ("cores", "concurrency", "threads", "plan"),
    [(2, 1, "2", None), (2, 2, "1", "serial"), (8, 2, "4", None), (1, 4, "1", "serial")],
)
def test_the_cores_are_shared_between_the_children(monkeypatch, cores, concurrency, threads, plan):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    environ: dict[str, str] = {}
    celery_module.share_cores(concurrency, environ)
    assert environ.get("THERAPOSE_THREADS") == threads
    assert environ.get("THERAPOSE_THREAD_PLAN") == plan
    # what the operator set wins
    environ = {"THERAPOSE_THREADS": "3", "THERAPOSE_THREAD_PLAN": "overlap"}
    celery_module.share_cores(concurrency, environ)
    assert environ == {"THERAPOSE_THREADS": "3", "THERAPOSE_THREAD_PLAN": "overlap"}
