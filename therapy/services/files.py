"""Stored clips and tracks: checking an upload, reaching a stored file on disk, and streaming a
clip back (with HTTP ranges) after the caller checked who may see it."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from therapy.models import ExerciseSession

# Leading bytes of the containers the engine can decode: ISO BMFF (mp4/mov/3gp) has "ftyp"
# at offset 4; Matroska/WebM starts with the EBML magic; AVI is a RIFF file.
_VIDEO_SIGNATURES = (
    (4, b"ftyp"),
    (0, b"\x1a\x45\xdf\xa3"),
    (0, b"RIFF"),
    (4, b"moov"),
    (4, b"mdat"),
)


def clip_check(*, clip: File) -> None:
    """Reject what cannot be a video before it is stored: empty, too large, not a container."""
    size = clip.size or 0
    if size == 0:
        raise ValidationError({"clip": "The clip is empty (0 bytes)."})
    if size > settings.MAX_CLIP_BYTES:
        raise ValidationError(
            {
                "clip": f"The clip is too large ({size // 1_048_576} MB; "
                f"the limit is {settings.MAX_CLIP_BYTES // 1_048_576} MB)."
            }
        )
    clip.seek(0)
    head = clip.read(16)
    clip.seek(0)
    if not any(head[off : off + len(sig)] == sig for off, sig in _VIDEO_SIGNATURES):
        raise ValidationError(
            {"clip": "This file is not a video (expected MP4, MOV, WebM or AVI)."}
        )


# The clip is served back with this type: only video types, never one that a browser would
# render as a page (text/html from a hostile client would be stored cross-site scripting).
_CLIP_CONTENT_TYPES = {
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "video/x-msvideo",
    "video/3gpp",
    "video/avi",
    "video/mpeg",
}


def clip_content_type(*, clip: File) -> str:
    declared = (getattr(clip, "content_type", "") or "").split(";")[0].strip().lower()
    return declared if declared in _CLIP_CONTENT_TYPES else "video/mp4"


@contextlib.contextmanager
def field_local_path(field) -> Iterator[str]:
    """A local filesystem path for a stored file: the file itself, or a temporary download
    when the storage is remote (S3)."""
    try:
        yield field.storage.path(field.name)
        return
    except NotImplementedError:
        pass
    suffix = PurePosixPath(field.name).suffix
    fd, tmp = tempfile.mkstemp(suffix=suffix, prefix="therapose-")
    try:
        with os.fdopen(fd, "wb") as out, field.storage.open(field.name, "rb") as src:
            for chunk in iter(lambda: src.read(1024 * 1024), b""):
                out.write(chunk)
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_CHUNK = 256 * 1024


def clip_response(session: ExerciseSession, request=None) -> HttpResponseBase:
    """The clip as a download, honouring a single HTTP ``Range`` (what ``<video>`` seeking and
    Safari need), streamed in chunks whatever the range asked for."""
    if not session.clip:
        raise Http404("This session has no clip.")
    content_type = session.clip_content_type or "video/mp4"
    size = session.clip.size
    wanted = _RANGE.match((request.META.get("HTTP_RANGE", "") if request else "").strip())
    if wanted and (wanted[1] or wanted[2]):
        if wanted[1]:
            start = int(wanted[1])
            end = min(int(wanted[2]), size - 1) if wanted[2] else size - 1
        else:  # "bytes=-N": the last N bytes
            start, end = max(0, size - int(wanted[2])), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _clip_headers(response)
        response = StreamingHttpResponse(
            _read_range(session.clip.open("rb"), start, end - start + 1),
            status=206,
            content_type=content_type,
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
        return _clip_headers(response)
    response = FileResponse(
        session.clip.open("rb"),
        content_type=content_type,
        filename=f"session-{session.pk}{_suffix(session.clip.name)}",
    )
    return _clip_headers(response)


def _read_range(fh, start: int, length: int):
    with fh:
        fh.seek(start)
        while length > 0:
            block = fh.read(min(_CHUNK, length))
            if not block:
                return
            length -= len(block)
            yield block


def _clip_headers(response: HttpResponseBase) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > name.rfind("/") else ""
