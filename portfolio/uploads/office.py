"""Office documents: Word, Excel and PowerPoint files, both the zip-based formats (refused if they are zip bombs
or carry macros) and the 97-2003 ones."""

from __future__ import annotations

import io
import mmap
import zipfile

from ._common import _check_no_markup, _refuse
from .file_types import ALLOWED_DESCRIPTION, TYPES, FileType

# Office documents are zip files: limits that refuse zip bombs without unpacking anything.
OOXML_MAX_MEMBERS = 10_000
OOXML_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
OOXML_MAX_RATIO = 100
_OOXML_MAIN = {
    "docx": ("wordprocessingml.document.main+xml", "word/"),
    "xlsx": ("spreadsheetml.sheet.main+xml", "xl/"),
    "pptx": ("presentationml.presentation.main+xml", "ppt/"),
}


def _check_ooxml(name: str, data: mmap.mmap) -> FileType:
    try:
        archive = zipfile.ZipFile(_MmapReader(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(name, "the file is damaged or is not a Word, Excel or PowerPoint document.") from None
    with archive:
        members = archive.infolist()
        if len(members) > OOXML_MAX_MEMBERS:
            raise _refuse(name, "the document holds too many parts to be a real Office document.")
        total = sum(member.file_size for member in members)
        if total > OOXML_MAX_UNCOMPRESSED:
            raise _refuse(name, "the document would unpack to more than 1 GB (a “zip bomb”).")
        if total > 10 * 1024 * 1024 and total / max(len(data), 1) > OOXML_MAX_RATIO:
            raise _refuse(name, "the document is compressed far more than a real document can be (a “zip bomb”).")
        for member in members:
            if member.file_size > 1024 * 1024 and member.file_size / max(member.compress_size, 1) > OOXML_MAX_RATIO:
                raise _refuse(name, "the document is compressed far more than a real document can be (a “zip bomb”).")
        ordered = sorted(members, key=lambda member: member.header_offset)
        for current, following in zip(ordered, ordered[1:], strict=False):
            if current.header_offset + current.compress_size > following.header_offset:
                raise _refuse(name, "the document's parts overlap (a “zip bomb”).")
        names = {member.filename for member in members}
        if any("vbaproject" in member.lower() or "activex" in member.lower() for member in names):
            raise _refuse(name, "documents with macros or ActiveX controls are not accepted. Save it without macros.")
        if "[Content_Types].xml" not in names:
            raise _refuse(name, "it is a zip archive, not a Word, Excel or PowerPoint document.")
        content_types = archive.open("[Content_Types].xml").read(1024 * 1024 + 1)
        if len(content_types) > 1024 * 1024:
            raise _refuse(name, "the document's list of parts is too large.")
    text = content_types.decode("utf-8", "replace")
    if "macroenabled" in text.lower():
        raise _refuse(name, "documents with macros are not accepted. Save it as .docx, .xlsx or .pptx.")
    for key, (main_type, folder) in _OOXML_MAIN.items():
        if main_type in text and any(member.startswith(folder) for member in names):
            return TYPES[key]
    raise _refuse(name, "it is a zip archive, not a Word, Excel or PowerPoint document.")


class _MmapReader(io.RawIOBase):
    """A seekable, read-only file over an mmap, so zipfile reads the central directory without copying."""

    def __init__(self, data: mmap.mmap):
        self._data = data
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: len(self._data)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        chunk = self._data[self._pos : self._pos + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._pos += len(chunk)
        return len(chunk)


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _check_ole(name: str, data: mmap.mmap) -> FileType:
    if data.find(_utf16("EncryptedPackage")) != -1:
        raise _refuse(name, "the document is password-protected. Save a copy without a password and upload that.")
    if data.find(_utf16("_VBA_PROJECT")) != -1:
        raise _refuse(name, "documents with macros are not accepted. Save it without macros.")
    _check_no_markup(name, data)
    for key, stream_name in (("doc", "WordDocument"), ("xls", "Workbook"), ("ppt", "PowerPoint Document")):
        if data.find(_utf16(stream_name)) != -1:
            return TYPES[key]
    raise _refuse(name, f"only {ALLOWED_DESCRIPTION} are accepted.")
