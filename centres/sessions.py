"""The session engine (SESSION_ENGINE = "centres.sessions"): Django's database sessions, kept in
centres.UserSession, whose row names the person signed in to it. Reading the session reads that person with it
(`user_row`), and centres.middleware.SessionUserMiddleware hands the row to the request instead of reading the
user again. Apps above may read more about the person in the same query (centres.hooks.session_user_values: the
notifications bell's unread count)."""

from __future__ import annotations

import logging

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from core.compiled import CompiledRead

_compiled_values: dict[tuple[str, str], tuple[str, tuple]] = {}


def read_with_session(name: str, build, output_field=None) -> RawSQL:
    """An answer to centres.hooks.session_user_values: `build()` (an expression over the session row, its person
    being OuterRef("user_id")) compiled to SQL once per process and database, as compiling a subquery on every
    request would cost more than the query it saves. Read as `user.session_<name>`."""
    from .models import UserSession

    key = (name, connection.vendor)
    if key not in _compiled_values:
        sql, params = UserSession.objects.annotate(**{name: build()}).values(name).query.sql_with_params()
        select, _, _ = sql.partition(f' AS "{name}" FROM ')
        if not select.startswith("SELECT ") or select.count("%s") != len(params):
            raise ValueError(f"Unexpected SQL for {name}: {sql}")
        # The parameters are the expression's own constants (as EXISTS's "SELECT 1"), the same every time.
        _compiled_values[key] = (select.removeprefix("SELECT "), tuple(params))
    sql, params = _compiled_values[key]
    return RawSQL(sql, params, output_field=output_field)


def _session_rows_query(*, session_key: str, now):
    from .hooks import session_user_values
    from .models import UserSession

    extra = {name: value for answer in session_user_values.ask() for name, value in answer.items()}
    return (
        UserSession.objects.select_related("user")
        .annotate(**extra)
        .filter(session_key=session_key, expire_date__gt=now)
    )


_session_rows = CompiledRead(_session_rows_query)


class SessionStore(DatabaseSessionStore):
    # The user read with the session: None until loaded, or when nobody is signed in to it.
    user_row = None

    @classmethod
    def get_model_class(cls):
        from .models import UserSession

        return UserSession

    def _get_session_from_db(self):
        from .hooks import session_user_loaded, session_user_values

        extra = {name: value for answer in session_user_values.ask() for name, value in answer.items()}
        try:
            if not isinstance(self.session_key, str):
                raise self.model.DoesNotExist
            rows = _session_rows(session_key=self.session_key, now=timezone.now())
            if not rows:
                raise self.model.DoesNotExist
            row = rows[0]
            if row.user is not None:
                for name in extra:
                    setattr(row.user, f"session_{name}", getattr(row, name))
                session_user_loaded.ask(row.user)
            return row
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None

    def load(self):
        row = self._get_session_from_db()
        self.user_row = row.user if row is not None else None
        return self.decode(row.session_data) if row is not None else {}

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        instance.user_id = _user_id(data.get(SESSION_KEY))
        return instance

    async def acreate_model_instance(self, data):
        instance = await super().acreate_model_instance(data)
        instance.user_id = _user_id(data.get(SESSION_KEY))
        return instance


def _user_id(value):
    """The signed-in person's id as the session stores it (text), as the user table's key; None for none."""
    from django.contrib.auth import get_user_model

    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None
