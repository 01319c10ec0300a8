"""Refuse oversized uploads while they stream in, before they are read into memory or disk."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class UploadTooLarge(Exception):
    pass


class SizeLimitedUploadHandler(FileUploadHandler):
    """Stops a multipart upload once a file exceeds ``settings.MAX_CLIP_BYTES``.

    The view checks ``Content-Length`` first; this covers bodies that lie about it.
    """

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self._received += len(raw_data)
        if self._received > settings.MAX_CLIP_BYTES:
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
