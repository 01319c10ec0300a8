"""Load test (a command, not a CI test): many sessions through the real stack at once.

    .venv/bin/python -m tests.load.loadtest [--sessions 50] [--seconds 10] [--configs ...]

Starts, on 127.0.0.1 only: a gunicorn web server (as the Dockerfile starts it, with persistent
database connections as in production) and Celery workers against PostgreSQL and
Redis (``DATABASE_URL``/``REDIS_URL``, default the local servers with a separate
``therapose_loadtest`` database and Redis db 5). It creates a therapist and patients through
the services; then, for each worker configuration in turn (:data:`CONFIGS`), starts its
workers, uploads ``--sessions`` clips of ``--seconds`` seconds (pose_1.mp4 looped)
concurrently through the API, polls every session's status until all finish, and prints
throughput (sessions per minute) and the p50/p95 latency of the status polls made while the
workers were busy; at the end a table of the configurations and the best one. Exits non-zero
if a session is lost, failed, or has more than one result.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# name -> (worker processes, prefork children each, extra environment). "before" is the layout
# of issue 19 (two workers, two inference threads each, at the web's priority); "default" is
# what `make run` and the README's production notes start now (one worker with a child per
# core: one inference thread each, decoding in the loop, at nice 10, the children under
# SCHED_IDLE); "nice-only" is the default without SCHED_IDLE.
CONFIGS: dict[str, tuple[int, int, dict[str, str]]] = {
    "before": (
        2,
        1,
        {
            "THERAPOSE_WORKER_NICE": "0",
            "THERAPOSE_WORKER_SCHED": "normal",
            "THERAPOSE_THREADS": "2",
            "THERAPOSE_THREAD_PLAN": "overlap",
        },
    ),
    "default": (1, os.cpu_count() or 1, {}),
    "nice-only": (1, os.cpu_count() or 1, {"THERAPOSE_WORKER_SCHED": "normal"}),
    "children-overlap": (1, os.cpu_count() or 1, {"THERAPOSE_THREAD_PLAN": "overlap"}),
    "one-worker-all-threads": (1, 1, {}),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument(
        "--configs",
        default=",".join(CONFIGS),
        help=f"worker configurations to run in turn, of {', '.join(CONFIGS)}",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each clip")
    parser.add_argument("--patients", type=int, default=10)
    parser.add_argument("--poll-interval", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument(
        "--p95-target",
        type=float,
        default=150,
        help="ms: the best configuration is the fastest whose status-poll p95 stays under it",
    )
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/therapose_loadtest")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL", os.environ["REDIS_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "0"
    # The web as production runs it (Dockerfile, config/settings/production.py): three sync
    # gunicorn workers, each keeping its database connection (a new PostgreSQL connection per
    # request cost more than the request itself and tripled the polls' latency).
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    work = Path(tempfile.mkdtemp(prefix="therapose-load-"))
    os.environ["MEDIA_ROOT"] = str(work / "media")
    for host in (os.environ["DATABASE_URL"], os.environ["REDIS_URL"]):
        if "127.0.0.1" not in host and "localhost" not in host:
            sys.exit(f"refusing to load anything but 127.0.0.1: {host}")

    import requests

    from pose.tools.machine import signature
    from tests.support.shared_data import require_testdata  # noqa: F401  (same lookup as the tests)

    # Figures belong to a machine, and to how busy it was when they were taken.
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {signature()}; load average before the run: {load}")

    _ensure_database(os.environ["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "sync_catalog", "-v", "0"], cwd=ROOT, check=True)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from exercises.models import Exercise
    from tests.support.media import loop_clip
    from tests.support.shared_data import TESTDATA
    from tests.support.worker_process import WorkerProcess, purge_pose_queue, worker_env
    from therapy import services

    source = TESTDATA / "pose_1.mp4"
    if not source.is_file():
        sys.exit(f"{source} not found (shared/testdata beside the checkout)")
    clip = loop_clip(source, work / "clip.mp4", args.seconds)
    clip_bytes = clip.read_bytes()

    run = f"load{int(time.time())}"
    therapist = services.therapist_create(username=f"{run}-therapist", password=None)
    squat = Exercise.objects.get(slug="squat", is_builtin=True)
    patients = []
    for n in range(args.patients):
        patient = services.patient_create(
            therapist=therapist, username=f"{run}-p{n}", password=None
        )
        routine = services.routine_create(
            therapist=therapist,
            patient=patient,
            title="Load",
            items=[{"exercise": squat, "per_week": 7}],
        )
        patients.append((services.token_create(user=patient)[1], routine.items.get().pk))

    purge_pose_queue()
    port = _free_port()
    web_log = open(work / "web.log", "wb")
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "3",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=web_log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    summary: list[tuple[str, float, float, bool]] = []
    try:
        _wait_http(f"{base}/healthz", web)
        for name in args.configs.split(","):
            processes, children, extra = CONFIGS[name]
            env = worker_env(
                media_root=Path(os.environ["MEDIA_ROOT"]),
                broker_url=settings.CELERY_BROKER_URL,
                database=connection.settings_dict,
                DJANGO_SETTINGS_MODULE="config.settings.local",
                DJANGO_DEBUG="0",
                **extra,
            )
            for key in (
                "THERAPOSE_WORKER_NICE",
                "THERAPOSE_WORKER_SCHED",
                "THERAPOSE_THREADS",
                "THERAPOSE_THREAD_PLAN",
            ):
                if key not in extra:
                    env.pop(key, None)  # the configuration's defaults, not this shell's
            print(
                f"\n== {name}: {processes} worker(s) x {children} process(es), "
                f"{' '.join(f'{k}={v}' for k, v in extra.items()) or 'default settings'}"
            )
            workers = [
                WorkerProcess(
                    env=env,
                    log_path=work / f"{name}-worker{i}.log",
                    name=f"load{i}",
                    concurrency=children,
                )
                for i in range(processes)
            ]
            try:
                for worker in workers:
                    worker.start()
                summary.append((name, *_one_run(args, base, patients, clip_bytes, requests)))
            finally:
                for worker in workers:
                    worker.stop(timeout=30)
    finally:
        web.terminate()
        web.wait(timeout=30)
    print(f"\n{'configuration':<24} {'sessions/min':>12} {'poll p95 ms':>12}  all done")
    for name, per_minute, p95, ok in summary:
        print(f"{name:<24} {per_minute:>12.1f} {p95 * 1000:>12.0f}  {'yes' if ok else 'NO'}")
    # The best keeps the web quick: the most sessions per minute among the configurations whose
    # status polls stayed under the target while the workers were busy.
    target = args.p95_target / 1000
    good = [row for row in summary if row[3] and row[2] < target]
    if good:
        best = max(good, key=lambda row: row[1])
        print(
            f"best (poll p95 under {args.p95_target:.0f} ms): {best[0]} "
            f"({best[1]:.1f} sessions/min, poll p95 {best[2] * 1000:.0f} ms)"
        )
    else:
        print(f"no configuration kept the status-poll p95 under {args.p95_target:.0f} ms")
    ok = bool(summary) and all(row[3] for row in summary)
    print("OK" if ok else "PROBLEM: see above")
    return 0 if ok else 1


def _one_run(args, base: str, patients, clip_bytes: bytes, requests) -> tuple[float, float, bool]:
    """Upload and poll one batch of sessions; (sessions per minute, poll p95 s, all done)."""
    from therapy.models import ExerciseSession, SessionResult, SessionStatus

    print(f"web on {base}, clip {args.seconds:.0f} s ({len(clip_bytes) / 1e6:.1f} MB)")

    def upload(n: int) -> tuple[int, float]:
        token, item = patients[n % len(patients)]
        started = time.perf_counter()
        response = requests.post(
            f"{base}/api/v1/sessions/",
            headers={"Authorization": f"Token {token}"},
            data={"routine_item": item},
            files={"clip": ("clip.mp4", clip_bytes, "video/mp4")},
            timeout=120,
        )
        response.raise_for_status()
        return response.json()["id"], time.perf_counter() - started

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.sessions) as pool:
        uploaded = list(pool.map(upload, range(args.sessions)))
    submitted = time.perf_counter() - t0
    ids = [session_id for session_id, _ in uploaded]
    token_of = {sid: patients[n % len(patients)][0] for n, sid in enumerate(ids)}
    print(
        f"submitted {len(ids)} sessions in {submitted:.1f} s "
        f"(upload p95 {_percentile([u for _, u in uploaded], 95) * 1000:.0f} ms)"
    )

    status: dict[int, str] = {sid: SessionStatus.QUEUED for sid in ids}
    finished_at: dict[int, float] = {}
    latencies: list[float] = []
    reconnects: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.timeout

    def poll(session_id: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Token {token_of[session_id]}"
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = session.get(f"{base}/api/v1/sessions/{session_id}/", timeout=60)
            except requests.ConnectionError:
                # gunicorn closed an idle keep-alive connection as we reused it: retry on
                # a new one (counted, so a web server that really drops requests shows).
                with lock:
                    reconnects.append(session_id)
                continue
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            state = response.json()["status"]
            with lock:
                status[session_id] = state
                if state not in (SessionStatus.DONE, SessionStatus.FAILED):
                    latencies.append(elapsed)  # polls while the workers are busy
            if state in (SessionStatus.DONE, SessionStatus.FAILED):
                finished_at[session_id] = time.perf_counter() - t0
                return
            time.sleep(args.poll_interval)

    with ThreadPoolExecutor(max_workers=args.sessions) as pool:
        list(pool.map(poll, ids))
    wall = max(finished_at.values()) if finished_at else float("nan")

    sessions = ExerciseSession.objects.filter(pk__in=ids)
    done = sessions.filter(status=SessionStatus.DONE).count()
    failed = list(sessions.filter(status=SessionStatus.FAILED).values_list("pk", "error"))
    results = SessionResult.objects.filter(session_id__in=ids).count()
    attempts = sorted(set(sessions.values_list("attempts", flat=True)))
    lost = [sid for sid in ids if status[sid] not in (SessionStatus.DONE, SessionStatus.FAILED)]
    print(
        f"done {done}/{len(ids)}, failed {len(failed)}, lost {len(lost)}, results {results}, "
        f"attempts per session {attempts}"
    )
    print(
        f"wall time {wall:.1f} s: throughput {done / wall * 60:.1f} sessions/min "
        f"({args.seconds:.0f}-second clips)"
    )
    p95 = _percentile(latencies, 95) if latencies else float("nan")
    if latencies:
        print(
            f"status polls while busy: n={len(latencies)}, "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {_percentile(latencies, 95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms; keep-alive reconnects {len(reconnects)}"
        )
    ok = done == len(ids) and not failed and not lost and results == len(ids)
    print("all done" if ok else f"PROBLEM: failed={failed[:5]} lost={lost[:5]}")
    return done / wall * 60, p95, ok


def _ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _wait_http(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the web server exited; see web.log")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    sys.exit(f"{url} did not answer")


if __name__ == "__main__":
    sys.exit(main())
