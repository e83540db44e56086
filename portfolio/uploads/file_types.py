"""The allow-list: every type of file accepted as evidence, what it is called and which names it may carry, and
the size limit."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class FileType:
    key: str
    content_type: str
    extension: str  # the canonical extension the stored file gets
    label: str
    names: frozenset[str]  # extensions a file of this type may carry in its name
    family: str  # image, pdf, document, audio, video


def _type(key, content_type, label, names, family, extension=None) -> FileType:
    return FileType(key, content_type, extension or key, label, frozenset(names), family)


# Phones and cameras label MP4-family files freely (an iPhone video may be .mov or .mp4): any of these names fits.
_ISO_MEDIA = {"mp4", "m4a", "m4v", "mov", "qt", "3gp"}
TYPES: dict[str, FileType] = {
    t.key: t
    for t in [
        _type("jpg", "image/jpeg", "JPEG image", {"jpg", "jpeg", "jpe", "jfif"}, "image"),
        _type("png", "image/png", "PNG image", {"png", "apng"}, "image"),
        _type("webp", "image/webp", "WebP image", {"webp"}, "image"),
        _type("gif", "image/gif", "GIF image", {"gif"}, "image"),
        # HEIC photos are re-encoded as JPEG (see _clean_image), when Pillow can read them.
        _type("heic", "image/jpeg", "HEIC photo", {"heic", "heif"}, "image", extension="jpg"),
        _type("pdf", "application/pdf", "PDF document", {"pdf"}, "pdf"),
        _type(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "Word document",
            {"docx"},
            "document",
        ),
        _type(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Excel workbook",
            {"xlsx"},
            "document",
        ),
        _type(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "PowerPoint presentation",
            {"pptx"},
            "document",
        ),
        _type("doc", "application/msword", "Word 97-2003 document", {"doc"}, "document"),
        _type("xls", "application/vnd.ms-excel", "Excel 97-2003 workbook", {"xls"}, "document"),
        _type("ppt", "application/vnd.ms-powerpoint", "PowerPoint 97-2003 presentation", {"ppt", "pps"}, "document"),
        _type("mp3", "audio/mpeg", "MP3 audio", {"mp3"}, "audio"),
        _type("m4a", "audio/mp4", "M4A audio", _ISO_MEDIA | {"aac"}, "audio"),
        _type("wav", "audio/wav", "WAV audio", {"wav", "wave"}, "audio"),
        _type("ogg", "audio/ogg", "Ogg audio", {"ogg", "oga", "opus", "ogv"}, "audio"),
        _type("mp4", "video/mp4", "MP4 video", _ISO_MEDIA, "video"),
        _type("mov", "video/quicktime", "QuickTime video", _ISO_MEDIA, "video"),
        _type("webm", "video/webm", "WebM video", {"webm", "weba", "mkv"}, "video"),
    ]
}

ALLOWED_DESCRIPTION = (
    "photos (JPEG, PNG, WebP, GIF, HEIC), PDF, Word, Excel and PowerPoint documents, "
    "audio (MP3, M4A, WAV, Ogg) and video (MP4, MOV, WebM)"
)

# The `accept` attribute of the file inputs: a hint to the browser only; the server decides by content.
ACCEPT = ",".join(
    [
        "image/*",
        "application/pdf",
        "audio/*",
        "video/*",
        ".docx",
        ".xlsx",
        ".pptx",
        ".doc",
        ".xls",
        ".ppt",
        ".heic",
        ".heif",
    ]
)

# filetype's answer -> our type. Anything it names that is not here is refused.
_FILETYPE_MIME = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/apng": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/x-wav": "wav",
    "audio/ogg": "ogg",
    "video/mp4": "mp4",
    "video/x-m4v": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
}

# ISO media files (MP4, MOV, M4A, HEIC) say what they are in their first box, the "major brand". Unknown brands
# are MP4 video; AVIF and other image brands are refused (None).
_ISO_BRANDS = {
    b"qt  ": "mov",
    b"M4A ": "m4a",
    b"M4B ": "m4a",
    b"heic": "heic",
    b"heix": "heic",
    b"heim": "heic",
    b"heis": "heic",
    b"hevc": "heic",
    b"hevx": "heic",
    b"mif1": "heic",
    b"msf1": "heic",
    b"avif": None,
    b"avis": None,
    b"crx ": None,
}

# A name ending in one of these says what the file is; content of another type is refused as a mismatch.
_KNOWN_EXTENSIONS = {name for t in TYPES.values() for name in t.names} | {
    "html", "htm", "xhtml", "shtml", "svg", "svgz", "xml", "js", "mjs", "css", "json", "txt", "csv", "rtf", "md",
    "exe", "dll", "msi", "bat", "cmd", "com", "scr", "ps1", "vbs", "hta", "jar", "apk", "sh", "php", "py",
    "zip", "rar", "7z", "gz", "tar", "odt", "ods", "odp", "docm", "xlsm", "pptm", "dotx", "dotm", "xltx", "potx",
    "bmp", "tif", "tiff", "avif", "psd", "avi", "wmv", "flv", "flac", "amr", "aiff", "mid", "midi", "eml", "msg",
}  # fmt: skip


def max_file_bytes() -> int:
    return settings.EVIDENCE_MAX_FILE_BYTES


def size_limit_label() -> str:
    return filesizeformat(max_file_bytes())
