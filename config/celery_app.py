"""The Celery application. Settings come from Django's settings (``CELERY_*``).

Start a worker for the analysis queue with::

    celery -A config worker -Q pose -c 1 --pool prefork
"""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("therapose")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Workers yield the cores to the web server, so status polls stay fast while every worker is
# busy (README, "Throughput"; figures in docs/performance.md):
# - every worker process runs at nice THERAPOSE_WORKER_NICE (default 10; 0 leaves it alone);
# - the pool's children, which do the analyses, also run under Linux's SCHED_IDLE policy
#   (THERAPOSE_WORKER_SCHED=idle, the default; "normal" keeps the nice level only): they take
#   a core only when nothing else wants it, so a web request never waits behind an analysis,
#   and when the web is idle they run at full speed. The worker's main process (which talks to
#   the broker) keeps the nice level only, so it is never starved.
# - Linux with autogroups (sched_autogroup_enabled, the default on desktop and many server
#   kernels) shares the CPU between *sessions* first: nice levels and SCHED_IDLE count only
#   inside one. A worker that leads its own session (started by a service manager, `setsid`, or
#   tests/support/worker_process.py) therefore also lowers its session's autogroup: nice 19 with
#   SCHED_IDLE, else THERAPOSE_WORKER_NICE. Without that, the web and the worker got half the
#   cores each whatever their nice levels (docs/performance.md, "Load test").
WORKER_NICE = int(os.environ.get("THERAPOSE_WORKER_NICE", "10"))
WORKER_SCHED = os.environ.get("THERAPOSE_WORKER_SCHED", "idle").strip().lower()


def lower_priority(nice: int = WORKER_NICE) -> int:
    """Raise this process's nice level to ``nice`` (never lowers it); the level now."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if nice > current:
        os.setpriority(os.PRIO_PROCESS, 0, min(19, nice))
    return os.getpriority(os.PRIO_PROCESS, 0)


AUTOGROUP = Path("/proc/self/autogroup")


def lower_session_priority(nice: int) -> int | None:
    """When this process leads its session and the kernel groups by session (autogroup), raise
    the group's nice level to ``nice`` (never lowers it); the group's level now, or None when it
    was left alone (not a session leader: the group is shared, e.g. with the web in `make run`,
    where the nice levels inside it do the work; or no autogroup)."""
    if os.getsid(0) != os.getpid():
        return None
    try:
        current = int(AUTOGROUP.read_text().split()[-1])
        if nice > current:
            AUTOGROUP.write_text(str(min(19, nice)))
        return int(AUTOGROUP.read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def idle_policy(policy: str = WORKER_SCHED) -> bool:
    """Put this process (and the threads it starts later) under SCHED_IDLE when ``policy`` is
    "idle" and the system has it (Linux); True when it is now under SCHED_IDLE. Lowering one's
    own policy needs no privilege."""
    if policy != "idle" or not hasattr(os, "SCHED_IDLE"):
        return False
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except OSError:  # a sandbox that forbids it: the nice level still applies
        return False
    return os.sched_getscheduler(0) == os.SCHED_IDLE


def share_cores(concurrency: int, environ=os.environ) -> None:
    """Split the cores between ``concurrency`` analyses at once: each gets its share as
    inference threads and, at one core each, decodes in its own loop (thread plan ``serial``):
    processes with one thread each beat one process with many. THERAPOSE_THREADS /
    THERAPOSE_THREAD_PLAN, when set, win."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    share = max(1, (cores or 1) // max(1, concurrency))
    environ.setdefault("THERAPOSE_THREADS", str(share))
    if concurrency > 1 and share == 1:
        environ.setdefault("THERAPOSE_THREAD_PLAN", "serial")


@worker_init.connect
def _worker_yields_to_the_web(sender=None, **_kwargs) -> None:
    lower_priority()  # before the pool forks: its processes inherit it
    lower_session_priority(19 if WORKER_SCHED == "idle" else WORKER_NICE)
    share_cores(int(getattr(sender, "concurrency", None) or 1))


@worker_process_init.connect
def _pool_process_yields_to_the_web(**_kwargs) -> None:
    lower_priority()
    idle_policy()
