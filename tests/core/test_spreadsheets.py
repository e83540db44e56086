"""The one CSV writer every export uses: no cell a spreadsheet would run as a formula."""

import csv
import io

from core.spreadsheets import SafeCsvWriter


def test_every_cell_that_could_run_as_a_formula_is_kept_as_text():
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerows([["=1+1", "+44 7700", "-2", "@SUM(A1)", "\tx", "Lena", None, 3]])
    [row] = list(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["'=1+1", "'+44 7700", "'-2", "'@SUM(A1)", "'\tx", "Lena", "", "3"]
