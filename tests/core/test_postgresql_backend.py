"""core.postgresql: Django's PostgreSQL backend reading timestamps with psycopg's compiled loader, giving exactly
the values Django's own loader gives."""

import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.utils import timezone

from centres.models import Event
from core.postgresql.base import PSYCOPG_LOADER, TIMESTAMPTZ_OID, DatabaseWrapper, UtcTimestamptzLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend, on PostgreSQL"),
]

# Across both clock changes of a year, microseconds, the first and last years PostgreSQL and Python share, a NULL.
MOMENTS = """
    SELECT moment FROM (
        SELECT generate_series('2026-03-28 23:00:00+00'::timestamptz, '2026-03-29 03:00:00+00', '17 minutes') AS moment
        UNION ALL SELECT generate_series('2026-10-24 22:00:00+00'::timestamptz, '2026-10-25 03:00:00+00', '13 min')
        UNION ALL SELECT '2026-12-07 09:15:42.123456+00'
        UNION ALL SELECT '2026-06-01 12:00:00.000001+05:30'
        UNION ALL SELECT '0001-01-01 00:00:00+00'
        UNION ALL SELECT '9999-12-31 23:59:59.999999+00'
        UNION ALL SELECT NULL
    ) AS moments ORDER BY moment NULLS LAST
"""


def _read(register_django_loader: bool) -> list:
    with connection.cursor() as cursor:
        if register_django_loader:
            register_tzloader(datetime.UTC, cursor.cursor)
        cursor.execute(MOMENTS)
        return [row[0] for row in cursor.fetchall()]


def test_connections_read_timestamps_with_psycopgs_compiled_loader():
    connection.ensure_connection()
    assert connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0) is UtcTimestamptzLoader
    assert PSYCOPG_LOADER.__module__.startswith("psycopg_binary")  # compiled: psycopg-binary is in the lock file


def test_timestamps_read_the_same_as_through_djangos_own_loader():
    ours, djangos = _read(register_django_loader=False), _read(register_django_loader=True)
    assert ours == djangos and len(ours) > 30 and ours[-1] is None
    assert all(moment.tzinfo is datetime.UTC for moment in ours[:-1])
    assert all(moment.tzinfo is datetime.UTC for moment in djangos[:-1])
    assert datetime.datetime(2026, 6, 1, 6, 30, 0, 1, tzinfo=datetime.UTC) in ours


def test_a_saved_moment_comes_back_equal_and_in_utc():
    moment = timezone.make_aware(datetime.datetime(2026, 10, 25, 1, 30, 0, 654321), timezone.get_fixed_timezone(60))
    event = Event.objects.create(action="test", object_type="test", at=moment)
    read = Event.objects.get(pk=event.pk).at
    assert read == moment and read.tzinfo is datetime.UTC


def test_a_database_in_another_time_zone_keeps_djangos_loader(settings):
    wrapper = DatabaseWrapper({**connection.settings_dict, "TIME_ZONE": "Europe/London"}, alias="london")
    try:
        wrapper.ensure_connection()
        loader = wrapper.connection.adapters.get_loader(TIMESTAMPTZ_OID, 0)
        assert loader is not UtcTimestamptzLoader and str(loader.timezone) == "Europe/London"
    finally:
        wrapper.close()
