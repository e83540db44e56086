"""How many SELECTs Django compiles while a block runs: a page whose reads are all core.compiled.CompiledRead
compiles none after its first visit (their compilers answer with the SQL built then, not SQLCompiler.as_sql)."""

from contextlib import contextmanager
from unittest import mock

from django.db.models.sql.compiler import SQLCompiler


@contextmanager
def compiled_selects():
    counted = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        counted.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    with mock.patch.object(SQLCompiler, "as_sql", counting):
        yield counted
