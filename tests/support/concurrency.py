"""Races against a unique index, played out for real on two PostgreSQL connections."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def uncommitted_row(create: Callable[[], object], *, commit_after: float = 0.5) -> Iterator[None]:
    """Another connection runs ``create()`` in a transaction and holds it open; the ``with``
    block runs while that row is inserted but not committed, and the other transaction commits
    ``commit_after`` seconds into the block (so code meeting the unique index waits on it).
    After the block the other thread is joined and any error it raised fails the test."""
    inserted, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                create()
                inserted.set()
                release.wait(timeout=10)
        except BaseException as exc:  # reported after the block
            errors.append(exc)
        finally:
            connection.close()

    other = threading.Thread(target=hold)
    other.start()
    assert inserted.wait(timeout=10), errors
    threading.Timer(commit_after, release.set).start()
    try:
        yield
    finally:
        other.join(timeout=10)
    assert not errors, errors
