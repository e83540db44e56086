"""Reading an imported evidence file: its bytes are hashed against the SHA-256 kept at import before anyone gets
them (as portfolio.integrity.open_verified does for the portfolio's own files)."""

from __future__ import annotations

import hashlib
import tempfile

from django.utils.translation import gettext as _

from core.errors import DomainError

from .checking import CHUNK


class FileChanged(DomainError):
    pass


def open_imported(file):
    """A temporary copy of the file's bytes, checked against its SHA-256; FileChanged if they differ or are gone."""
    copy = tempfile.TemporaryFile()
    digest = hashlib.sha256()
    try:
        with file.file.storage.open(file.file.name, "rb") as source:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                copy.write(chunk)
    except OSError as error:
        copy.close()
        raise FileChanged(_("%s is missing from storage.") % file.original_name) from error
    if digest.hexdigest() != file.sha256:
        copy.close()
        raise FileChanged(_("%s no longer matches its SHA-256 recorded at import.") % file.original_name)
    copy.seek(0)
    return copy
