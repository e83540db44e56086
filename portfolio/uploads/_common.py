"""Private helpers every check of an uploaded file shares: the refusal message, the size of a read, and the
search for web page code hidden in a file."""

from __future__ import annotations

import mmap
import re

from portfolio.services import InvalidFile

CHUNK = 1024 * 1024

# Tags a browser would act on. Long enough that random bytes in a photo or recording practically never match.
_HTML_MARKERS = re.compile(
    rb"<(?:script|html|!doctype\s+html|svg[\s>]|iframe|object[\s>]|embed[\s>]|body|head>|meta\s|form[\s>]|img\s)",
    re.IGNORECASE,
)


def _refuse(name: str, why: str) -> InvalidFile:
    return InvalidFile(f"“{name}” was not accepted: {why}")


def _check_no_markup(name: str, data: mmap.mmap, *, whole: bool = False) -> None:
    """Refuse files that also carry a web page (polyglots a browser might be tricked into running)."""
    size = len(data)
    if whole:
        found = _HTML_MARKERS.search(data)
    else:
        found = _HTML_MARKERS.search(data[:65536]) or _HTML_MARKERS.search(data[max(0, size - 65536) :])
    if found is not None:
        raise _refuse(name, "it contains web page code as well as its own content.")
