"""Evidence files: stream uploads to disk with a size cap, decide each file's type from its content against
an allow-list (never from its name or the browser's claim), clean images, hash everything and store it under
generated names through Django's storage API.

`prepare_upload()` checks one uploaded file and returns a `PreparedFile`, ready to save; it raises
`InvalidFile` with a message for the user when the file is refused. Nothing is written to storage until the
file is accepted, and `StoredFiles` removes what was written if the service that wrote it fails.

The modules of this package hold one concern each: the allow-list (file_types), names (names), receiving
uploads (streaming), checking a file (checking, with pdf, office and images), and storing it (storing); the
names callers use are re-exported here.
"""

from .checking import PreparedFile, prepare_all, prepare_upload
from .file_types import ACCEPT, ALLOWED_DESCRIPTION, TYPES, FileType, max_file_bytes, size_limit_label
from .images import THUMBNAIL_SIZE
from .names import MAX_NAME_CHARS, content_disposition, download_name, extension_of, sanitise_filename
from .office import OOXML_MAX_MEMBERS, OOXML_MAX_RATIO, OOXML_MAX_UNCOMPRESSED
from .pdf import PDF_MAX_OBJECTS
from .storing import FileNotStored, StoredFiles, generated_name, sha256_of_stored
from .streaming import EvidenceUploadHandler, use_evidence_upload_handler

__all__ = [
    "ACCEPT",
    "ALLOWED_DESCRIPTION",
    "MAX_NAME_CHARS",
    "OOXML_MAX_MEMBERS",
    "OOXML_MAX_RATIO",
    "OOXML_MAX_UNCOMPRESSED",
    "PDF_MAX_OBJECTS",
    "THUMBNAIL_SIZE",
    "TYPES",
    "EvidenceUploadHandler",
    "FileNotStored",
    "FileType",
    "PreparedFile",
    "StoredFiles",
    "content_disposition",
    "download_name",
    "extension_of",
    "generated_name",
    "max_file_bytes",
    "prepare_all",
    "prepare_upload",
    "sanitise_filename",
    "sha256_of_stored",
    "size_limit_label",
    "use_evidence_upload_handler",
]
