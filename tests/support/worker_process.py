"""Real Celery worker processes for the fault tests and the load test.

A worker runs in its own process group, so a test can SIGKILL the whole worker (parent and
prefork children, as when a machine dies) or only the child running a task (as when the
kernel's out-of-memory killer picks it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class WorkerProcess:
    def __init__(
        self,
        *,
        env: dict[str, str],
        log_path: Path,
        concurrency: int = 1,
        queues: str = "pose",
        name: str | None = None,
        beat_schedule: Path | None = None,
    ) -> None:
        """``beat_schedule``: also run beat (the periodic sweep) in this worker, as ``make run``'s
        worker does, keeping its schedule in that file."""
        self.env = env
        self.log_path = log_path
        self.command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queues,
            "-c",
            str(concurrency),
            "--pool",
            "prefork",
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name or 'fault'}-{uuid.uuid4().hex[:8]}@%h",
        ]
        if beat_schedule is not None:
            self.command += ["-B", "--schedule", str(beat_schedule)]
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> WorkerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log_path.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(f"the worker did not start:\n{self.log()[-3000:]}")
            time.sleep(0.1)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def children(self) -> list[int]:
        """The prefork children (the processes that run tasks)."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def kill(self) -> None:
        """SIGKILL the whole worker: no warm shutdown, no acknowledgement, nothing cleaned."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown (finish the current task), then SIGKILL if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        try:  # children left behind by a killed parent
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def worker_env(*, media_root: Path, broker_url: str, database: dict, **extra: str) -> dict:
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    url = f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media_root),
        "CELERY_BROKER_URL": broker_url,
        **extra,
    }


def start_worker(
    *, media_root: Path, log_path: Path, name: str, queues: str = "pose", **extra_env: str
) -> WorkerProcess:
    """A started worker on this test run's broker and (test) database, with ``extra_env`` in
    its environment. RuntimeError when it does not start."""
    from django.conf import settings
    from django.db import connection

    env = worker_env(
        media_root=media_root,
        broker_url=settings.CELERY_BROKER_URL,
        database=connection.settings_dict,
        **extra_env,
    )
    return WorkerProcess(env=env, log_path=log_path, name=name, queues=queues).start()


def purge_pose_queue() -> int:
    """Drop every message waiting on the "pose" queue (stale tasks of an earlier run, or what a
    broker restarted without persistence does); the number dropped."""
    from django.conf import settings

    from config.celery_app import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        return conn.default_channel.queue_purge("pose") or 0
