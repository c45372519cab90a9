"""Uploads that survive a full disk.

Django keeps an upload in memory up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` and spools a larger
one to a temporary file in ``FILE_UPLOAD_TEMP_DIR``. When that disk is full, Django's own
handler lets the ``OSError`` escape while the form is being read — in the CSRF middleware,
before any view runs — and the user gets a 500. This handler instead deletes the partial
temporary file, skips the file (the rest of the form is still read), and marks the request,
so the view can say what happened (``upload_failed``).
"""

from __future__ import annotations

import logging

from django.core.files.uploadhandler import SkipFile
from django.core.files.uploadhandler import (
    TemporaryFileUploadHandler as DjangoTemporaryFileUploadHandler,
)

logger = logging.getLogger(__name__)

FAILED_ATTRIBUTE = "upload_failed"


def upload_failed(request) -> bool:
    """Whether a file posted with this request was lost because it could not be stored."""
    return bool(getattr(request, FAILED_ATTRIBUTE, False))


class TemporaryFileUploadHandler(DjangoTemporaryFileUploadHandler):
    """Django's temporary-file handler, turning a write error into a skipped file."""

    def new_file(self, *args, **kwargs):
        try:
            super().new_file(*args, **kwargs)
        except OSError as error:
            self._give_up(error)
            raise SkipFile(str(error)) from error

    def receive_data_chunk(self, raw_data, start):
        try:
            self.file.write(raw_data)
            # Flushed now, so that a full disk is noticed here, where the file can still
            # be skipped, and not when the file is completed.
            self.file.flush()
        except OSError as error:
            self._give_up(error)
            raise SkipFile(str(error)) from error

    def file_complete(self, file_size):
        try:
            return super().file_complete(file_size)
        except OSError as error:
            # Too late to skip the file: hand over no file at all.
            self._give_up(error)
            return None

    def _give_up(self, error: OSError) -> None:
        temporary = getattr(self, "file", None)
        if temporary is not None:
            try:
                temporary.close()  # a NamedTemporaryFile: closing it deletes it
            except OSError:
                pass  # flushing the last bytes failed too; the file is deleted all the same
        setattr(self.request, FAILED_ATTRIBUTE, True)
        logger.error("An upload could not be stored (%s): %s", type(error).__name__, error)
