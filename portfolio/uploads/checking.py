"""Checking one uploaded file: its type decided from its content, its name checked against that type, images
cleaned; the result is a `PreparedFile`, ready to save."""

from __future__ import annotations

import hashlib
import io
import mmap
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field

import filetype

from ._common import _HTML_MARKERS, CHUNK, _check_no_markup, _refuse
from .file_types import (
    _FILETYPE_MIME,
    _ISO_BRANDS,
    _KNOWN_EXTENSIONS,
    ALLOWED_DESCRIPTION,
    TYPES,
    FileType,
    max_file_bytes,
    size_limit_label,
)
from .images import _clean_image
from .names import extension_of, sanitise_filename
from .office import _check_ole, _check_ooxml
from .pdf import _check_pdf

# Another file glued into an image (a zip's end record, a PDF, a PHP script): a polyglot.
_HIDDEN_FILE_MARKERS = re.compile(rb"PK\x05\x06|%PDF-|<\?php", re.IGNORECASE)


@dataclass
class PreparedFile:
    """An accepted file, checked and cleaned, waiting to be saved. Call close() when done with it."""

    original_name: str
    file_type: FileType
    size: int
    sha256: str
    content: object  # a binary file object positioned anywhere; read from the start
    thumbnail: bytes | None = None
    thumbnail_sha256: str = ""
    _cleanup: list = field(default_factory=list, repr=False)

    @property
    def content_type(self) -> str:
        return self.file_type.content_type

    def close(self) -> None:
        for action in self._cleanup:
            try:
                action()
            except OSError:
                pass
        self._cleanup.clear()


def _local_copy(uploaded) -> tuple[str, list]:
    """A path to the uploaded content on local disk (the upload's own temporary file when there is one)."""
    if hasattr(uploaded, "temporary_file_path"):
        return uploaded.temporary_file_path(), []
    handle = tempfile.NamedTemporaryFile(prefix="evidence-", delete=False)
    with handle:
        if hasattr(uploaded, "chunks"):
            for chunk in uploaded.chunks(CHUNK):
                handle.write(chunk)
        else:
            uploaded.seek(0)
            shutil.copyfileobj(uploaded, handle, CHUNK)
    return handle.name, [lambda: os.unlink(handle.name)]


def _sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(CHUNK), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def prepare_upload(uploaded) -> PreparedFile:
    """Check one uploaded file (a Django UploadedFile or any named binary file) and return it ready to save."""
    name = sanitise_filename(getattr(uploaded, "name", "") or "file")
    path, cleanup = _local_copy(uploaded)
    try:
        size = os.path.getsize(path)
        if size == 0:
            raise _refuse(name, "the file is empty.")
        if size > max_file_bytes():
            raise _refuse(name, f"it is larger than the limit of {size_limit_label()} a file.")
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            file_type = _detect(name, data, path)
            _check_name_matches(name, file_type)
            if file_type.family == "image":
                if _HIDDEN_FILE_MARKERS.search(data) or _HTML_MARKERS.search(data):
                    raise _refuse(name, "the image hides another file or web page code inside it.")
                cleaned, file_type, thumbnail = _clean_image(name, path, file_type)
                prepared = PreparedFile(
                    original_name=name,
                    file_type=file_type,
                    size=len(cleaned),
                    sha256=hashlib.sha256(cleaned).hexdigest(),
                    content=io.BytesIO(cleaned),
                    thumbnail=thumbnail,
                    thumbnail_sha256=hashlib.sha256(thumbnail).hexdigest(),
                    _cleanup=cleanup,
                )
                cleanup = []
                return prepared
        content = open(path, "rb")  # noqa: SIM115 - closed by PreparedFile.close()
        prepared = PreparedFile(
            original_name=name,
            file_type=file_type,
            size=size,
            sha256=_sha256_of(content),
            content=content,
            _cleanup=[content.close, *cleanup],
        )
        cleanup = []
        return prepared
    finally:
        for action in cleanup:
            try:
                action()
            except OSError:
                pass


def _detect(name: str, data: mmap.mmap, path: str) -> FileType:
    head = data[:8192]
    stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    if stripped.startswith(b"<"):
        raise _refuse(
            name,
            "web pages, SVG drawings and other text files are not accepted. Type written work into the "
            "description, or upload it as a PDF or Word document.",
        )
    if head.startswith(b"%PDF-"):
        _check_pdf(name, data, path)
        return TYPES["pdf"]
    if head.startswith(b"PK\x03\x04"):
        return _check_ooxml(name, data)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _check_ole(name, data)
    if head[4:8] == b"ftyp":
        key = _ISO_BRANDS.get(head[8:12], "mp4")
        if key is None:
            raise _refuse(name, f"only {ALLOWED_DESCRIPTION} are accepted.")
        file_type = TYPES[key]
        if file_type.family != "image":
            _check_no_markup(name, data)
        return file_type
    guess = filetype.guess(head)
    key = _FILETYPE_MIME.get(guess.mime) if guess else None
    if key is None:
        what = f"it is a {guess.extension.upper()} file; " if guess else ""
        raise _refuse(name, f"{what}only {ALLOWED_DESCRIPTION} are accepted.")
    file_type = TYPES[key]
    if file_type.family in {"audio", "video"}:
        _check_no_markup(name, data)
    return file_type


def _check_name_matches(name: str, file_type: FileType) -> None:
    extension = extension_of(name)
    if extension and extension in _KNOWN_EXTENSIONS and extension not in file_type.names:
        raise _refuse(
            name,
            f"its name says .{extension} but it contains a {file_type.label}. Rename it or choose the right file.",
        )


def prepare_all(files) -> list[PreparedFile]:
    """Check every upload (or take it as already prepared) before anything is written; on a refusal, the ones
    already prepared are closed and the InvalidFile goes up."""
    prepared: list[PreparedFile] = []
    try:
        for file in files:
            prepared.append(file if isinstance(file, PreparedFile) else prepare_upload(file))
    except BaseException:
        for item in prepared:
            item.close()
        raise
    return prepared
