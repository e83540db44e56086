"""Storing accepted files under generated names through Django's storage API, removing what was written when the
service that wrote it fails, and hashing a stored file."""

from __future__ import annotations

import hashlib
import io
import logging
import uuid

from django.core.files import File
from django.core.files.storage import default_storage

from portfolio.services import PortfolioError

from ._common import CHUNK
from .file_types import FileType

logger = logging.getLogger(__name__)


def generated_name(file_type: FileType, suffix: str = "") -> str:
    return f"{uuid.uuid4().hex}{suffix}.{file_type.extension}"


class FileNotStored(PortfolioError):
    """The storage failed while writing an accepted file (a full disk, an object store error part-way): what was
    written is removed and nothing refers to it."""


def _not_stored(original_name: str) -> FileNotStored:
    which = f"“{original_name}”" if original_name else "The file"
    return FileNotStored(
        f"{which} could not be stored: the server's file storage failed while saving it (it may be full). "
        "Nothing was saved. Try again later; if it keeps happening, tell your centre."
    )


class StoredFiles:
    """The storage names written during one service call; removed again if the call fails, so a refused or
    failed change leaves no orphan file. A write that fails part-way removes its partial file and raises
    FileNotStored, a message for the person uploading rather than a server error."""

    def __init__(self):
        self.written: list[tuple[object, str]] = []  # (storage, name)

    @property
    def names(self) -> list[str]:
        return [name for _storage, name in self.written]

    def __enter__(self) -> StoredFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None:
            for storage, name in self.written:
                _remove_quietly(storage, name)
        return False

    def save(self, field_file, name: str, content, *, original_name: str = "") -> None:
        """Write `content` under the generated `name` (in the field's folder) and point `field_file` at it. The
        stored size is compared with what was sent, so a write cut short is caught here, at upload."""
        storage = field_file.storage
        field = field_file.field
        target = storage.get_available_name(field.generate_filename(field_file.instance, name), field.max_length)
        expected = content.seek(0, io.SEEK_END)
        content.seek(0)
        try:
            stored = storage.save(target, File(content, name=name), max_length=field.max_length)
        except Exception as error:  # noqa: BLE001 - any storage failure (OSError, an object store's errors)
            logger.exception("Storing %s failed part-way; removing what was written", target)
            _remove_quietly(storage, target)
            raise _not_stored(original_name) from error
        self.written.append((storage, stored))
        try:
            size = storage.size(stored)
        except Exception:  # noqa: BLE001
            size = None
        if size != expected:
            logger.error("Stored %s holds %s bytes, not the %s sent", stored, size, expected)
            raise _not_stored(original_name)
        field_file.name = stored
        setattr(field_file.instance, field.attname, stored)
        field_file._committed = True


def _remove_quietly(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # noqa: BLE001 - cleaning up must not hide the original error
        logger.warning("Could not remove %s after a failed change", name, exc_info=True)


def sha256_of_stored(name: str, storage=None) -> str:
    storage = storage or default_storage
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
