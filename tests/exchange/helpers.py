"""Helpers shared by this folder's tests (test modules never import each other)."""

import zipfile


def _rewrite(source, target, *, change=None, add=None, drop=()):
    """Copy the ZIP, changing entries (name -> function of bytes) and adding others."""
    change, add = change or {}, add or {}
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if info.filename in drop:
                continue
            data = original.read(info)
            if info.filename in change:
                data = change[info.filename](data)
            copy.writestr(info.filename, data)
        for name, data in add.items():
            copy.writestr(name, data)
    return target
