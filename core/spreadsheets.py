"""CSV that a spreadsheet opens safely: no cell can run as a formula (CSV injection)."""

import csv
from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The value as text; text starting with = + - @ tab or CR gets a leading ' so it stays text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class SafeCsvWriter:
    """csv.writer whose every cell goes through safe_cell."""

    def __init__(self, file):
        self._writer = csv.writer(file)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)
