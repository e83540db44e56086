"""Evidence files: stream uploads to disk with a size cap, decide each file's type from its content against
an allow-list (never from its name or the browser's claim), clean images, hash everything and store it under
generated names through Django's storage API.

`prepare_upload()` checks one uploaded file and returns a `PreparedFile`, ready to save; it raises
`InvalidFile` with a message for the user when the file is refused. Nothing is written to storage until the
file is accepted, and `StoredFiles` removes what was written if the service that wrote it fails.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mmap
import os
import re
import shutil
import tempfile
import unicodedata
import uuid
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote

import filetype
import pikepdf
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
from pillow_heif import register_heif_opener

from portfolio.services import InvalidFile, PortfolioError

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024


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

_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_NAME_CHARS = 150

# Office documents are zip files: limits that refuse zip bombs without unpacking anything.
OOXML_MAX_MEMBERS = 10_000
OOXML_MAX_UNCOMPRESSED = 1024 * 1024 * 1024
OOXML_MAX_RATIO = 100
_OOXML_MAIN = {
    "docx": ("wordprocessingml.document.main+xml", "word/"),
    "xlsx": ("spreadsheetml.sheet.main+xml", "xl/"),
    "pptx": ("presentationml.presentation.main+xml", "ppt/"),
}

THUMBNAIL_SIZE = (400, 400)
# Tags a browser would act on. Long enough that random bytes in a photo or recording practically never match.
_HTML_MARKERS = re.compile(
    rb"<(?:script|html|!doctype\s+html|svg[\s>]|iframe|object[\s>]|embed[\s>]|body|head>|meta\s|form[\s>]|img\s)",
    re.IGNORECASE,
)
# Another file glued into an image (a zip's end record, a PDF, a PHP script): a polyglot.
_HIDDEN_FILE_MARKERS = re.compile(rb"PK\x05\x06|%PDF-|<\?php", re.IGNORECASE)


def max_file_bytes() -> int:
    return settings.EVIDENCE_MAX_FILE_BYTES


def size_limit_label() -> str:
    return filesizeformat(max_file_bytes())


# --- names -------------------------------------------------------------------------------------------------


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


# --- streaming -----------------------------------------------------------------------------------------------


class EvidenceUploadHandler(TemporaryFileUploadHandler):
    """Streams each uploaded file to a temporary file on disk and stops receiving a file as soon as it passes the
    size limit, so that an oversized upload neither fills memory nor the disk. The refused names are kept on
    `request.refused_uploads` for the view to report."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = max_file_bytes()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            refused = getattr(self.request, "refused_uploads", None)
            if refused is None:
                refused = self.request.refused_uploads = []
            refused.append(
                f"“{sanitise_filename(self.file_name)}” is larger than the limit of {size_limit_label()} a file."
            )
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def use_evidence_upload_handler(request) -> None:
    """Call before reading request.POST or request.FILES (the view must be csrf_exempt, with csrf_protect inside)."""
    request.upload_handlers = [EvidenceUploadHandler(request)]
    request.refused_uploads = []


# --- checking ------------------------------------------------------------------------------------------------


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


def _refuse(name: str, why: str) -> InvalidFile:
    return InvalidFile(f"“{name}” was not accepted: {why}")


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


def _check_no_markup(name: str, data: mmap.mmap, *, whole: bool = False) -> None:
    """Refuse files that also carry a web page (polyglots a browser might be tricked into running)."""
    size = len(data)
    if whole:
        found = _HTML_MARKERS.search(data)
    else:
        found = _HTML_MARKERS.search(data[:65536]) or _HTML_MARKERS.search(data[max(0, size - 65536) :])
    if found is not None:
        raise _refuse(name, "it contains web page code as well as its own content.")


# Names that make a PDF reader run something or carry another file: JavaScript (also inside XFA forms), Launch
# actions, XFA forms and embedded files (a macro document inside a PDF).
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/Launch"}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch"}
_PDF_FILE_KEYS = {"/EmbeddedFiles", "/EF", "/EmbeddedFile"}
PDF_MAX_OBJECTS = 2_000_000


def _check_pdf(name: str, data: mmap.mmap, path: str) -> None:
    """Open the PDF with qpdf (through pikepdf) and walk every object it holds, those inside compressed object
    streams and behind any filter included, rather than searching the raw bytes for names."""
    size = len(data)
    if data.rfind(b"%%EOF", max(0, size - 2048)) == -1:
        raise _refuse(name, "the PDF is incomplete or damaged (it has no end marker). Save or export it again.")
    _check_no_markup(name, data, whole=True)
    encrypted = _pdf_encrypted(name)
    try:
        with pikepdf.open(path) as document:
            if document.is_encrypted:
                raise encrypted
            objects = document.objects
            if len(objects) > PDF_MAX_OBJECTS:
                raise _refuse(name, "the PDF is too complex to check. Save or export it again and upload that.")
            _check_pdf_object(name, document.trailer)
            for obj in objects:
                _check_pdf_object(name, obj)
    except pikepdf.PasswordError:
        raise encrypted from None
    except pikepdf.PdfError:
        raise _refuse(name, "the PDF is damaged and could not be read. Save or export it again.") from None


def _pdf_encrypted(name: str) -> InvalidFile:
    return _refuse(
        name,
        "the PDF is encrypted or password-protected. Save a copy without protection (for example with "
        "“Print to PDF”) and upload that.",
    )


def _check_pdf_object(name: str, obj) -> None:
    """Refuse `obj` if it, or a dictionary or array written inside it, makes the reader act. Indirect objects it
    points to are checked on their own by the caller's walk, which also stops reference loops."""
    pending = [obj]
    while pending:
        current = pending.pop()
        if isinstance(current, pikepdf.Stream):
            current = current.stream_dict
        if isinstance(current, pikepdf.Dictionary):
            keys = set(current.keys())
            if "/Encrypt" in keys:
                raise _pdf_encrypted(name)
            if keys & _PDF_ACTIVE_KEYS or str(current.get("/S", "")) in _PDF_ACTIVE_ACTIONS:
                raise _refuse(name, "the PDF contains JavaScript or actions that run programs.")
            if "/XFA" in keys:
                raise _refuse(name, "the PDF holds an XFA form, which can run scripts. Print it to a plain PDF.")
            if keys & _PDF_FILE_KEYS or current.get("/Type") == pikepdf.Name.EmbeddedFile:
                raise _refuse(name, "the PDF carries other files inside it. Upload each file on its own.")
            children = current.values()
        elif isinstance(current, pikepdf.Array):
            children = list(current)
        else:
            continue
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream) and not child.is_indirect
        )


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


# --- images --------------------------------------------------------------------------------------------------

# iPhones take HEIC photos by default; pillow-heif lets Pillow decode them so they are re-encoded as JPEG.
register_heif_opener()

_PILLOW_FORMATS = {"jpg": {"JPEG", "MPO"}, "png": {"PNG"}, "webp": {"WEBP"}, "gif": {"GIF"}, "heic": {"HEIF", "HEIC"}}


def _too_many_pixels(name: str) -> InvalidFile:
    return _refuse(name, "the image has too many pixels to be processed safely. Resize it and upload it again.")


def _clean_image(name: str, path: str, file_type: FileType) -> tuple[bytes, FileType, bytes]:
    """Decode the whole image and encode it again: drops EXIF (GPS included) and anything hidden after or inside
    the image data, turns the picture upright, and makes a thumbnail. Decompression bombs are refused at
    Pillow's warning level, not only at its error level."""
    limit = min(Image.MAX_IMAGE_PIXELS or settings.EVIDENCE_MAX_IMAGE_PIXELS, settings.EVIDENCE_MAX_IMAGE_PIXELS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads the header only: the limits are checked before any pixel is decoded.
            with Image.open(path) as image:
                if image.format not in _PILLOW_FORMATS[file_type.key]:
                    raise _refuse(name, "the image data does not match its type.")
                if image.width * image.height > limit:
                    raise _too_many_pixels(name)
                # n_frames skips over each frame's data without decoding it.
                frames = image.n_frames if file_type.key == "gif" else 1
                if frames > settings.EVIDENCE_MAX_IMAGE_FRAMES:
                    raise _refuse(
                        name,
                        f"the animation has {frames:,} frames; at most {settings.EVIDENCE_MAX_IMAGE_FRAMES:,} are "
                        "accepted. Upload it as a video instead.",
                    )
                if image.width * image.height * frames > limit:
                    raise _too_many_pixels(name)
                if file_type.key == "gif":
                    return _clean_gif(name, image)
                image.load()
                upright = ImageOps.exif_transpose(image)
                output = io.BytesIO()
                if file_type.key in {"jpg", "heic"}:
                    if upright.mode not in {"RGB", "L"}:
                        upright = upright.convert("RGB")
                    upright.save(output, format="JPEG", quality=90)
                elif file_type.key == "png":
                    upright.save(output, format="PNG")
                else:
                    upright.save(output, format="WEBP", quality=90)
                return output.getvalue(), file_type, _thumbnail(upright)
    except InvalidFile:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except UnidentifiedImageError:
        if file_type.key == "heic":
            raise _refuse(
                name,
                "this HEIC photo could not be read. On an iPhone choose Settings › Camera › Formats › Most Compatible, "
                "or share the photo as JPEG.",
            ) from None
        raise _refuse(name, "the image is damaged or is not really an image.") from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError):
        raise _refuse(name, "the image is damaged or is not really an image.") from None


def _clean_gif(name: str, image: Image.Image) -> tuple[bytes, FileType, bytes]:
    frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    for frame in frames:
        frame.info = {}
    output = io.BytesIO()
    first = frames[0]
    options = {"save_all": True, "append_images": frames[1:], "loop": 0} if len(frames) > 1 else {}
    first.save(output, format="GIF", **options)
    return output.getvalue(), TYPES["gif"], _thumbnail(first)


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail(THUMBNAIL_SIZE)
    if small.mode in {"RGBA", "LA"} or (small.mode == "P" and "transparency" in small.info):
        small = small.convert("RGBA")
        background = Image.new("RGB", small.size, "white")
        background.paste(small, mask=small.getchannel("A"))
        small = background
    elif small.mode not in {"RGB", "L"}:
        small = small.convert("RGB")
    output = io.BytesIO()
    small.save(output, format="JPEG", quality=80)
    return output.getvalue()


# --- storing and serving -----------------------------------------------------------------------------------


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
