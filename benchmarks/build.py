"""A fresh database for one size of synthetic centre, and the centre built in it: shared by `manage.py benchmark`
and `manage.py benchmark_compare`."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from django.core.management import call_command

from .data import BenchCentre


def prepare(size: int, output: Path, database_url: str) -> dict:
    """A fresh database and media folder for `size` learners (a SQLite file in `output`, or a PostgreSQL database
    on the server of `database_url`), and the environment a process measuring it runs with."""
    media = output / f"media-{size}"
    shutil.rmtree(media, ignore_errors=True)
    if database_url:
        url = fresh_postgres(database_url, size)
    else:
        database = output / f"bench-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{database}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.benchmark",
        DATABASE_URL=url,
        MEDIA_ROOT=str(media),
        PYTHONUNBUFFERED="1",
    )
    return env


def database_url_for(server_url: str, size: int) -> str:
    parsed = urlparse(server_url)
    name = (parsed.path.lstrip("/") or "portfolio") + f"_bench_{size}"
    return urlunparse(parsed._replace(path="/" + name))


def fresh_postgres(server_url: str, size: int) -> str:
    """Drop and create the database for this size on the PostgreSQL server of `server_url`."""
    import psycopg
    from psycopg import sql

    url = database_url_for(server_url, size)
    name = urlparse(url).path.lstrip("/")
    maintenance = urlunparse(urlparse(server_url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def build(size: int, *, export_file_kb: int | None) -> tuple[BenchCentre, dict[str, float]]:
    """Migrate the (fresh) database, load the catalogue and build the centre with everything the pages read; with
    `export_file_kb`, also the registration whose portfolio the benchmark exports. Then fresh planner statistics
    and the timed learner's notifications. Returns the centre and the seconds each part of the build took."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import connection

    from . import apprentices, cycle, data, measure, portable

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_catalogue", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    stored = default_storage.save("evidence/bench/shared.png", ContentFile(data.TINY_PNG))
    started = time.perf_counter()
    bench = data.build_centre(size, stored_file_name=stored)
    parts = {"centre": time.perf_counter() - started}
    adds = [("plans, visits, trainee, EQA", cycle.add_cycle), ("apprentices", apprentices.add_apprentices)]
    if export_file_kb is not None:
        adds.append(("exported registration", lambda b: portable.build_export_registration(b, file_kb=export_file_kb)))
    for part_name, add in adds:
        part_started = time.perf_counter()
        add(bench)
        parts[part_name] = time.perf_counter() - part_started
    # Fresh planner statistics, as a live database has (autovacuum, or SQLite's ANALYZE): a million rows loaded a
    # moment ago would otherwise be planned for as if the tables were empty. On PostgreSQL also VACUUM, as
    # autovacuum does after so many inserts: it marks the pages all-visible, so counts and narrow reads are
    # answered from an index alone, as they are on a live database, instead of visiting every row.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    measure.seed_inbox(bench)
    return bench, parts
