"""The database, from DATABASE_URL (SQLite in var/ by default), with the options each engine needs."""

import os

import dj_database_url

from .environment import BASE_DIR, env_bool, env_int

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        # A connection kept open between requests (DB_CONN_MAX_AGE > 0) is checked before a request reuses it, so a
        # database restart costs a reconnection, not a 500 in every worker. Without kept connections it costs nothing.
        conn_health_checks=True,
    )
}


ON_POSTGRESQL = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if ON_POSTGRESQL:
    # Django's backend, reading timestamps with psycopg's compiled loader (core/postgresql/base.py says why).
    DATABASES["default"]["ENGINE"] = "core.postgresql"


def add_postgres_setting(name: str, value) -> None:
    """A PostgreSQL setting for every connection of the default database (libpq's `-c name=value` options)."""
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c {name}={value}".strip()


if ON_POSTGRESQL and env_bool("DB_SERVER_SIDE_BINDING", True):
    # Parameters sent apart from the SQL, so psycopg prepares a statement a connection runs for the fifth time and
    # PostgreSQL stops planning it again: on a kept connection that saves the planning of every page's joins
    # (10 ms a page of the 15 its queries took on the benchmark). Off (DB_SERVER_SIDE_BINDING=0) behind a pooler
    # in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if ON_POSTGRESQL and os.environ.get("DB_RANDOM_PAGE_COST", "1.1"):
    # PostgreSQL's default (4) prices a read by index as if from a spinning disk, so for a page's few rows it hashes
    # a whole table (every user, to name 40 learners) rather than look them up. 1.1 is the usual figure where the
    # data is on SSD or in memory; DB_RANDOM_PAGE_COST sets another, or none ("") to leave the server's own.
    add_postgres_setting("random_page_cost", float(os.environ.get("DB_RANDOM_PAGE_COST", "1.1")))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the background worker and the web process share the file without locking each other out.
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
