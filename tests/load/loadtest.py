"""Load test (a command, not a CI test): many sessions through the real stack at once.

    .venv/bin/python scripts/loadtest.py [--sessions 50] [--workers 2] [--seconds 10]

Starts, on 127.0.0.1 only: a gunicorn web server and ``--workers`` Celery worker processes
(one prefork child each) against PostgreSQL and Redis (``DATABASE_URL``/``REDIS_URL``, default
the local servers with a separate ``therapose_loadtest`` database and Redis db 5). It creates
a therapist and patients through the services, uploads ``--sessions`` clips of ``--seconds``
seconds (pose_1.mp4 looped) concurrently through the API, polls every session's status until
all finish, and prints throughput (sessions per minute) and the p50/p95 latency of the status
polls made while the workers were busy. Exits non-zero if a session is lost, failed, or has
more than one result.
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
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each clip")
    parser.add_argument("--patients", type=int, default=10)
    parser.add_argument("--poll-interval", type=float, default=0.5)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/therapose_loadtest")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    os.environ["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL", os.environ["REDIS_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DJANGO_DEBUG"] = "0"
    work = Path(tempfile.mkdtemp(prefix="therapose-load-"))
    os.environ["MEDIA_ROOT"] = str(work / "media")
    for host in (os.environ["DATABASE_URL"], os.environ["REDIS_URL"]):
        if "127.0.0.1" not in host and "localhost" not in host:
            sys.exit(f"refusing to load anything but 127.0.0.1: {host}")

    import requests

    from tests.support.shared_data import require_testdata  # noqa: F401  (same lookup as the tests)

    _ensure_database(os.environ["DATABASE_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from exercises.models import Exercise
    from tests.support.media import loop_clip
    from tests.support.shared_data import TESTDATA
    from tests.support.worker_process import WorkerProcess, purge_pose_queue, worker_env
    from therapy import services
    from therapy.models import ExerciseSession, SessionResult, SessionStatus

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
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=web_log,
        stderr=subprocess.STDOUT,
    )
    env = worker_env(
        media_root=Path(os.environ["MEDIA_ROOT"]),
        broker_url=settings.CELERY_BROKER_URL,
        database=connection.settings_dict,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_DEBUG="0",
    )
    workers = [
        WorkerProcess(env=env, log_path=work / f"worker{i}.log", name=f"load{i}")
        for i in range(args.workers)
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        for worker in workers:
            worker.start()
        _wait_http(f"{base}/healthz", web)
        print(
            f"web on {base}, {args.workers} workers, clip {args.seconds:.0f} s "
            f"({len(clip_bytes) / 1e6:.1f} MB), logs in {work}"
        )

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
    finally:
        for worker in workers:
            worker.stop(timeout=30)
        web.terminate()
        web.wait(timeout=30)

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
        f"({args.seconds:.0f}-second clips, {args.workers} workers)"
    )
    if latencies:
        print(
            f"status polls while busy: n={len(latencies)}, "
            f"p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {_percentile(latencies, 95) * 1000:.0f} ms, "
            f"max {max(latencies) * 1000:.0f} ms; keep-alive reconnects {len(reconnects)}"
        )
    ok = done == len(ids) and not failed and not lost and results == len(ids)
    print("OK" if ok else f"PROBLEM: failed={failed[:5]} lost={lost[:5]}")
    return 0 if ok else 1


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
