"""The names people give their files: made safe to show, and offered back on download."""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from urllib.parse import quote

from .file_types import TYPES, FileType

_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME_CHARS = 150


def sanitise_filename(name: str) -> str:
    """The name a person gave the file, made safe to show and to offer for download: no folders, no control or
    direction-changing characters, no Windows device names, at most MAX_NAME_CHARS characters. Display only:
    files are stored under generated names."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").split("/")[-1]
    # Cc: control characters (newlines included); Cf: format characters such as U+202E RIGHT-TO-LEFT OVERRIDE.
    name = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in name)
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if stem.split(".")[0].strip().lower() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    extension = extension[:10]
    stem = stem[: MAX_NAME_CHARS - len(extension) - 1].rstrip(" .")
    if not stem:
        stem = "file"
    return f"{stem}.{extension}" if extension else stem


def extension_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    return suffix if re.fullmatch(r"[a-z0-9]{1,5}", suffix or "") and re.search("[a-z]", suffix) else ""


_TYPE_BY_CONTENT_TYPE: dict[str, FileType] = {}
for _file_type in TYPES.values():
    _TYPE_BY_CONTENT_TYPE.setdefault(_file_type.content_type, _file_type)


def download_name(original_name: str, content_type: str) -> str:
    """The name a stored file is offered under: the person's name, with its extension replaced by the detected
    type's when the two disagree (an MP3 named `song.url` is offered as `song.mp3`), so the file opens as what it is."""
    name = sanitise_filename(original_name)
    file_type = _TYPE_BY_CONTENT_TYPE.get(content_type)
    if file_type is None:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot:
        return f"{name}.{file_type.extension}"
    if extension.lower() in file_type.names:
        return name
    return f"{stem}.{file_type.extension}"


def content_disposition(name: str, *, attachment: bool = True) -> str:
    """RFC 6266 header with an ASCII fallback and the full name as RFC 5987 `filename*`."""
    name = sanitise_filename(name)
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9._ ()-]", "_", fallback).strip() or "file"
    disposition = "attachment" if attachment else "inline"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
