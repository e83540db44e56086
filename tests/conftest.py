import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

# The catalogue's rows as the run's first load left them, model by model: transactional tests put them back
# from here (a few bulk inserts) instead of loading the catalogue again after each flush.
_CATALOGUE_ROWS: list[tuple[type, list[dict]]] = []


# Folders whose tests run on one worker, one after another: they share something costly set up once for the
# folder (tests/demo/seeded/: one seeding of the demo).
RUN_TOGETHER = ("tests/demo/seeded/",)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: without it (-p no:xdist) nothing to answer
def pytest_xdist_make_scheduler(config, log):
    """xdist's own load scheduling, except that each RUN_TOGETHER folder goes to one worker as one unit of work.
    (xdist's `--dist loadgroup` would do it by mark, but its marking of test ids no longer takes with pytest 9.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class KeepingFoldersTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((folder for folder in RUN_TOGETHER if nodeid.startswith(folder)), nodeid)

    return KeepingFoldersTogether(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests marked `starts_first` (long, in processes and databases of their own) go to the front, so that under
    xdist the rest run beside them rather than after them. The order pytest-django gave the others is kept."""
    items.sort(key=lambda item: item.get_closest_marker("starts_first") is None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database holds the real catalogue, loaded once per run (once per xdist worker)."""
    with django_db_blocker.unblock():
        call_command("load_catalogue", verbosity=0, stdout=io.StringIO())
        models = apps.get_app_config("qualifications").get_models(include_auto_created=True)
        _CATALOGUE_ROWS[:] = [(model, list(model._base_manager.order_by("pk").values())) for model in models]


@pytest.fixture(autouse=True)
def _catalogue_held_in_memory(request):
    """A test that uses the database starts with the catalogue held in memory, as a server holds it after its first
    request: query counts then never depend on which test happened to run first in the process."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        {"transactional_db", "live_server", "catalogue"} & set(request.fixturenames)
    )
    if transactional or not (marker is not None or "db" in request.fixturenames):
        return
    request.getfixturevalue("db")
    from qualifications.cache import catalogue as held_catalogue

    held_catalogue()


@pytest.fixture
def catalogue(transactional_db):
    """The catalogue for a transactional test: the flush after an earlier transactional test emptied every
    table, so the rows of the first load go back, with their ids (foreign keys are checked at commit)."""
    from qualifications.models import Qualification

    if not Qualification.objects.exists():
        with transaction.atomic():
            for model, rows in _CATALOGUE_ROWS:
                model._base_manager.bulk_create([model(**row) for row in rows], batch_size=1000)


@pytest.fixture(autouse=True)
def _close_streamed_responses(monkeypatch):
    """A WSGI server closes every response, which closes a streamed file; Django's test client closes a streamed
    response only once the test reads it to the end. Close the rest when the test ends, as the server would, so no
    file is left open (a ResourceWarning, which fails the run)."""
    from django.core.signals import request_finished
    from django.db import close_old_connections
    from django.test.client import ClientHandler

    opened = []
    handle = ClientHandler.__call__

    def handle_and_remember(self, environ):
        response = handle(self, environ)
        if response.streaming:
            opened.append(response)
        return response

    monkeypatch.setattr(ClientHandler, "__call__", handle_and_remember)
    yield
    # Closing fires request_finished; as the test client does, keep it from closing the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        for response in opened:
            response.close()
    finally:
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps its rate limits' counters in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _client_login_as_a_full_sign_in(monkeypatch):
    """`client.force_login` and `client.login` leave the session as signing in through the pages would: password
    and second factor confirmed just now (see tests/signing_in.py). The rules stay as they are: tests of MFA and
    reauthentication sign in through the pages (tests/signing_in.sign_in_through_the_pages) or forget the record."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from tests.signing_in import record_recent_authentication

    force_login, login = Client.force_login, Client.login

    def force_login_and_record(self, user, backend=None):
        force_login(self, user, backend)
        record_recent_authentication(self, user)

    def login_and_record(self, **credentials):
        signed_in = login(self, **credentials)
        if signed_in:
            user = get_user_model().objects.get(pk=self.session["_auth_user_id"])
            record_recent_authentication(self, user)
        return signed_in

    monkeypatch.setattr(Client, "force_login", force_login_and_record)
    monkeypatch.setattr(Client, "login", login_and_record)


@pytest.fixture
def media_root(settings, tmp_path):
    """An empty storage folder of this test's own, so that the files it stores (and orphans) can be counted."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def world(db):
    """Two centres with staff and learners on real qualifications: see tests/factories.py."""
    from tests.factories import build_world

    return build_world()


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media():
    """Test uploads go to a throwaway MEDIA_ROOT (one per xdist worker); remove it when the run ends."""
    import shutil

    from django.conf import settings

    yield
    if "portfolio-test-media-" in str(settings.MEDIA_ROOT):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


# The audit history (centres migration 0006) and the hash chain (ledger migration 0002).
APPEND_ONLY_TABLES = ("centres_event", "ledger_chainentry")


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_history_triggers():
    """Between transactional tests pytest-django empties every table (TRUNCATE on PostgreSQL, DELETE on SQLite),
    which the audit history's append-only triggers (centres migration 0006) rightly refuse. The test flush alone
    pauses them, inside the flush's own transaction: disabled on PostgreSQL (the table's owner may), dropped and
    made again from their stored definitions on SQLite (which cannot disable a trigger)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    flush = BaseDatabaseOperations.execute_sql_flush

    def flush_with_triggers_paused(self, sql_list):
        connection = self.connection
        if connection.vendor == "postgresql":
            sql_list = [
                *(f"ALTER TABLE {table} DISABLE TRIGGER USER" for table in APPEND_ONLY_TABLES),
                *sql_list,
                *(f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in APPEND_ONLY_TABLES),
            ]
        elif connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s)",
                    APPEND_ONLY_TABLES,
                )
                triggers = cursor.fetchall()
            sql_list = [
                *(f'DROP TRIGGER "{name}"' for name, _ in triggers),
                *sql_list,
                *(definition for _, definition in triggers),
            ]
        flush(self, sql_list)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseOperations, "execute_sql_flush", flush_with_triggers_paused)
        yield
