"""Reads whose SQL Django builds once per process.

Django builds a queryset's SQL afresh on every request: resolving each filter's lookups and joins, then
compiling the tree to SQL. On the main pages that was a quarter to two fifths of each request's CPU, repeated for
reads whose shape never changes, only the ids they are asked about. A `CompiledRead` builds its queryset and
SQL once per process, database and shape (the length of each list of ids, and any constants the builder takes
first, such as a limit), then runs the same SQL with each call's ids, dates, moments and texts bound in their
places, turning rows into objects exactly as the queryset would (select_related, annotations, values_list,
prefetches).

Lists of ids only pick rows, and are padded to the next power of two (`_padded`), so a read keeps a few shapes
per list, not one per length. A shape is proved before it is kept: the queryset is built and compiled twice,
with two different sets of stand-in ids, and kept only if the two SQL texts are identical and the parameters
differ exactly where, and only where, the stand-ins went. So the SQL does not depend on the ids' values, every
id has its place, and nothing else in the parameters moves between builds (a `timezone.now()` in the builder
would, and is refused). The builder must read nothing but its arguments: no clock, no settings, no request, no
language. With `COMPILED_READS_VERIFY` on (the test settings), every call also builds the queryset afresh and
checks that Django would have run exactly the same SQL with exactly the same parameters.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, router
from django.db.models import Count, IntegerField, QuerySet, Value

# Stand-in ids: inside the 32-bit integer range (Django answers an exact lookup outside a field's range without
# asking the database), far above any id a centre reaches, and one apart so every id of every list has its own.
_FIRST_STAND_IN = 2_000_000_000
_SECOND_STAND_IN = 2_100_000_000
# Stand-in dates and moments: days no record holds, one apart. Stand-in texts: no one types them.
_FIRST_DAY = datetime.date(1900, 1, 1)
_SECOND_DAY = datetime.date(1950, 1, 1)
_MIDNIGHT = datetime.time(tzinfo=datetime.UTC)
_TEXT_MARK = "\x1fcompiled-read-stand-in-"
_SHAPES_KEPT = 64  # per read, the least recently used dropped first: a shape holds some 40-130 KiB


class ShapeError(Exception):
    """A builder whose SQL depends on more than the ids it is given: a programming error, raised at once."""


@dataclass(frozen=True)
class _Compiled:
    template: QuerySet  # built with the first stand-ins; read, never run
    compiler: Any  # its compiler after as_sql(): what is selected and how rows become objects
    sql: str
    params: tuple
    # (position in params, argument, index in its list, how the database was given the stand-in: an int of
    # psycopg's sized type, a date or moment adapted by the backend (text on SQLite), or as it was)
    slots: tuple[tuple[int, str, int | None, Callable | None], ...]
    converters: WeakKeyDictionary = field(default_factory=WeakKeyDictionary, compare=False)  # per connection


_NOT_COMPILED = object()  # a shape Django answers without SQL (an empty list of ids in an IN): built each time

Ids = int | Sequence[int] | datetime.date | datetime.datetime | str


class CompiledRead:
    """`read = CompiledRead(lambda registration_id: Evidence.objects.filter(registration_id=registration_id))`,
    then `read(registration_id=7)` gives the list that the queryset would. Every keyword argument is an int id,
    a list of them, a date, an aware moment or a text compared as it is (a reference). Positional arguments are
    constants the SQL may depend on (a limit, a choice of filter), passed first to the builder, each value making
    a shape."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._shapes: OrderedDict[tuple, _Compiled | object] = OrderedDict()
        self._model = None
        self._lock = threading.Lock()

    def __call__(self, *constants, **ids: Ids) -> list:
        ids = dict(ids)
        shape = []
        for name in sorted(ids):
            value = ids[name]
            if type(value) is int:
                shape.append((name, None))
            elif type(value) is datetime.date:
                shape.append((name, "date"))
            elif type(value) is datetime.datetime and value.utcoffset() is not None:
                shape.append((name, "moment"))
            elif type(value) is str:
                shape.append((name, "text"))
            elif isinstance(value, list | tuple) and all(type(item) is int for item in value):
                ids[name] = value = _padded(value)
                shape.append((name, len(value)))
            else:
                raise TypeError(
                    f"{name} must be an int id, a list of them, a date, an aware moment or a text, not {value!r}"
                )
        if self._model is None:
            self._model = self._build(*constants, **_stand_ins(shape, _FIRST_STAND_IN, _FIRST_DAY)).model
        using = router.db_for_read(self._model)
        key = (using, constants, tuple(shape))
        compiled = self._shapes.get(key)
        if compiled is None:
            with self._lock:
                compiled = self._compile(constants, shape, using)
                self._shapes[key] = compiled
                while len(self._shapes) > _SHAPES_KEPT:
                    self._shapes.popitem(last=False)
        if compiled is _NOT_COMPILED:
            return list(self._build(*constants, **ids))
        params = list(compiled.params)
        for position, name, index, form in compiled.slots:
            value = ids[name] if index is None else ids[name][index]
            params[position] = value if form is None else form(value)
        if getattr(settings, "COMPILED_READS_VERIFY", False):
            self._verify(compiled, constants, ids, using, params)
        return _run(compiled, params, using)

    def _compile(self, constants: tuple, shape: list, using: str) -> _Compiled | object:
        first = _stand_ins(shape, _FIRST_STAND_IN, _FIRST_DAY)
        second = _stand_ins(shape, _SECOND_STAND_IN, _SECOND_DAY)
        template = self._build(*constants, **first)
        if template._known_related_objects:
            # A related manager's queryset (`evidence.files.all()`) hands its instance to every row: here the
            # stand-in's. Filter by the instance's id instead.
            raise ShapeError(f"{self._build!r}: built from a related manager, whose instance every row would get")
        compiler = template.query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet):
            return _NOT_COMPILED
        other_sql, other_params = self._build(*constants, **second).query.get_compiler(using=using).as_sql()
        if sql != other_sql or len(params) != len(other_params):
            raise ShapeError(f"{self._build!r}: its SQL changes with the ids it is given")
        ops = connections[using].ops
        where_first, where_second = _places(first, ops), _places(second, ops)
        slots = []
        for position, (one, two) in enumerate(zip(params, other_params, strict=True)):
            place = where_first.get(_key(one))
            if place is None and one == two:
                continue
            if place is None or where_second.get(_key(two), (None,))[:2] != place[:2]:
                raise ShapeError(f"{self._build!r}: parameter {position} changes between builds ({one!r}, {two!r})")
            name, index, form = place
            if isinstance(one, int) and type(one) not in (int, bool):
                form = type(one)  # psycopg's Int4 for an IntegerField: the same sized type for the real id
            slots.append((position, name, index, form))
        unused = {place[:2] for place in where_first.values()} - {(name, index) for _, name, index, _ in slots}
        if unused:
            raise ShapeError(f"{self._build!r}: the SQL never uses {sorted(unused, key=str)}")
        return _Compiled(template, compiler, sql, tuple(params), tuple(slots))

    def _verify(self, compiled: _Compiled, constants: tuple, ids: dict, using: str, params: list) -> None:
        fresh_sql, fresh_params = self._build(*constants, **ids).query.get_compiler(using=using).as_sql()
        if fresh_sql != compiled.sql or list(fresh_params) != params:
            raise AssertionError(
                f"{self._build!r}: the compiled read would run\n{compiled.sql}\n{params}\nwhere Django builds\n"
                f"{fresh_sql}\n{list(fresh_params)}"
            )


class CompiledCount:
    """`count = CompiledCount(lambda centre_id: Registration.objects.filter(centre_id=centre_id))`, then
    `count(centre_id=7)` gives the queryset's `.count()` (of distinct values of `distinct`, when given), its SQL
    built once per process as a `CompiledRead`'s is: `.count()` runs at once, so it cannot be kept compiled. The
    count is read as one row, `SELECT COUNT(*) ...` with no GROUP BY (Django leaves a constant out of it)."""

    def __init__(self, build: Callable[..., QuerySet], *, distinct: str | None = None):
        counted = Count(distinct, distinct=True) if distinct else Count("*")
        self._read = CompiledRead(
            lambda *constants, **ids: (
                build(*constants, **ids)
                .order_by()
                .values(counted_as_one=Value(1, output_field=IntegerField()))
                .annotate(n=counted)
                .values_list("n", flat=True)
            )
        )

    def __call__(self, *constants, **ids: Ids) -> int:
        rows = self._read(*constants, **ids)
        return rows[0] if rows else 0  # no row: Django answered an empty list of ids without asking


def _padded(ids) -> list[int]:
    """A list of ids only picks rows (an IN, or an OR of pairs taken from two lists of the same length), so it is
    padded to the next power of two with ids no row has (-1, -2, ...): a read then has at most a dozen shapes per
    list, whatever lengths it is asked for, rather than one per length (as Hibernate pads its IN lists). Distinct
    padding, not a repeated id: Django drops repeats from an IN, which would change the SQL."""
    ids = list(ids)
    if len(ids) < 2:
        return ids
    size = 1 << (len(ids) - 1).bit_length()
    return ids + list(range(-1, -(size - len(ids)) - 1, -1))


def _stand_ins(shape: list, start: int, first_day: datetime.date) -> dict:
    ids, next_id, next_day = {}, start, first_day
    for name, length in shape:
        if length is None:
            ids[name], next_id = next_id, next_id + 1
        elif length == "date":
            ids[name], next_day = next_day, next_day + datetime.timedelta(days=1)
        elif length == "moment":
            ids[name], next_day = datetime.datetime.combine(next_day, _MIDNIGHT), next_day + datetime.timedelta(days=1)
        elif length == "text":
            ids[name], next_id = f"{_TEXT_MARK}{next_id}", next_id + 1
        else:
            ids[name], next_id = list(range(next_id, next_id + length)), next_id + length
    return ids


def _key(param):
    """A parameter as a dictionary key: an id (whatever int type the backend wraps it in), or the value itself."""
    if isinstance(param, bool):
        return ("constant", param)
    if isinstance(param, int):
        return int(param)
    try:
        hash(param)
    except TypeError:
        return ("unhashable", id(param))
    return param


def _places(ids: dict, ops) -> dict:
    """Each stand-in as the database may be given it -> (argument, index in its list, how to give a real value
    so): dates and moments as the backend adapts them (SQLite takes text), or as they are."""
    places = {}
    for name, value in ids.items():
        if isinstance(value, list):
            places.update({item: (name, index, None) for index, item in enumerate(value)})
            continue
        places[_key(value)] = (name, None, None)
        if type(value) is datetime.date:
            adapt = ops.adapt_datefield_value
        elif type(value) is datetime.datetime:
            adapt = ops.adapt_datetimefield_value
        else:
            continue
        adapted = adapt(value)
        if adapted != value:
            places[_key(adapted)] = (name, None, adapt)
    return places


class _CompiledQuery:
    """The template's query, answering get_compiler() with the compiled SQL and this call's parameters."""

    def __init__(self, query, compiler):
        self._query = query
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler

    def __getattr__(self, name):
        return getattr(self._query, name)


def _run(compiled: _Compiled, params: list, using: str) -> list:
    compiler = type(compiled.compiler).__new__(type(compiled.compiler))
    compiler.__dict__.update(compiled.compiler.__dict__)
    connection = compiler.connection = connections[using]  # per thread: the template's may be another's
    sql = compiled.sql
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    # How each column's value is converted is fixed by the shape, the same for every call on a connection.
    converters = compiled.converters.get(connection)
    if converters is None:
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        converters = compiled.converters[connection] = compiler.get_converters(columns)
    compiler.get_converters = lambda fields: converters
    # Not copy.copy(): a QuerySet's __getstate__ runs its query first.
    queryset = QuerySet.__new__(type(compiled.template))
    queryset.__dict__.update(compiled.template.__dict__, _result_cache=None, _prefetch_done=False)
    # Not `queryset.query = ...`: its setter would turn a values_list() into values().
    queryset._query = _CompiledQuery(compiled.template.query, compiler)
    queryset._db = using
    return list(queryset)
