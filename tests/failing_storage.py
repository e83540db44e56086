"""A file storage that fails part-way through a write, as a full disk does: it writes `fail_after` bytes of a file,
then raises OSError(ENOSPC). Used through settings.STORAGES by the storage-failure tests."""

from __future__ import annotations

import errno

from django.core.files import File
from django.core.files.storage import FileSystemStorage

WRITE_CHUNK = 256


class _CutShort(File):
    def __init__(self, content, limit: int):
        super().__init__(content, name=getattr(content, "name", None))
        self.limit = limit

    def chunks(self, chunk_size=None):
        written = 0
        for chunk in (
            self.file.chunks(WRITE_CHUNK)
            if hasattr(self.file, "chunks")
            else iter(lambda: self.file.read(WRITE_CHUNK), b"")
        ):
            if written + len(chunk) > self.limit:
                raise OSError(errno.ENOSPC, "No space left on device")
            written += len(chunk)
            yield chunk


class DiskFullAfter(FileSystemStorage):
    """Writes the first `fail_after` bytes of each file (a file smaller than that is written whole: set
    `fail_after` to 0 for a disk that is already full), then fails with ENOSPC."""

    def __init__(self, *args, fail_after: int = 1000, **kwargs):
        super().__init__(*args, **kwargs)
        self.fail_after = fail_after

    def _save(self, name, content):
        content.seek(0)
        return super()._save(name, _CutShort(content, self.fail_after))
