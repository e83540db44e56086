"""core.compiled: a read built once per shape gives what the queryset gives, binds each call's ids in their
places, refuses builders whose SQL depends on more than their arguments, and builds nothing on later calls."""

import datetime
import threading
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.db.models.sql.query import Query
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from centres.models import Membership, User
from core.compiled import CompiledCount, CompiledRead, ShapeError
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _memberships(centre_id, role):
    return (
        Membership.objects.filter(centre_id=centre_id, role=role)
        .select_related("user", "centre")
        .annotate(roles_of_user=Count("user__memberships"))
        .order_by("pk")
    )


def _fields(objects):
    return [{k: v for k, v in vars(o).items() if not k.startswith("_")} for o in objects]


def test_a_compiled_read_gives_what_its_queryset_gives_for_every_centre_and_role(world):
    read = CompiledRead(lambda role, centre_id: _memberships(centre_id, role))
    for centre in (world.centre, world.other_centre):
        for role in ("assessor", "iqa", "centre_admin"):
            expected = list(_memberships(centre.pk, role))
            got = read(role, centre_id=centre.pk)
            assert [m.pk for m in got] == [m.pk for m in expected]
            assert _fields(got) == _fields(expected)
            # select_related objects are made as the queryset makes them
            assert [(m.user.email, m.centre.name) for m in got] == [(m.user.email, m.centre.name) for m in expected]
    assert any(read("assessor", centre_id=centre.pk) for centre in (world.centre, world.other_centre))


def test_a_compiled_count_gives_what_count_gives_in_one_query_none_for_no_ids(world):
    from tests.factories import make_staff

    make_staff(world.centre, "assessor", user=world.admin)  # two memberships, one person
    members = CompiledCount(lambda role, centre_ids: Membership.objects.filter(centre_id__in=centre_ids, role=role))
    people = CompiledCount(lambda centre_ids: Membership.objects.filter(centre_id__in=centre_ids), distinct="user")
    for centre_ids in ([world.centre.pk], [world.centre.pk, world.other_centre.pk], [999_999]):
        for role in ("assessor", "iqa", "centre_admin"):
            expected = Membership.objects.filter(centre_id__in=centre_ids, role=role).count()
            with CaptureQueriesContext(connection) as queries:
                assert members(role, centre_ids=centre_ids) == expected
            assert len(queries) == 1
        expected = Membership.objects.filter(centre_id__in=centre_ids).values("user").distinct().count()
        assert people(centre_ids=centre_ids) == expected
    assert people(centre_ids=[world.centre.pk]) < Membership.objects.filter(centre=world.centre).count()
    with CaptureQueriesContext(connection) as queries:
        assert members("assessor", centre_ids=[]) == 0
    assert len(queries) == 0


def test_pairs_given_as_two_lists_padded_alike_pick_exactly_their_rows(world):
    def of_pairs(user_ids, centre_ids):
        scope = Q(pk__in=[])
        for user_id, centre_id in zip(user_ids, centre_ids, strict=True):
            scope |= Q(user_id=user_id, centre_id=centre_id)
        return Membership.objects.filter(scope).order_by("pk")

    read = CompiledRead(of_pairs)
    memberships = list(Membership.objects.order_by("pk"))
    for count in (1, 2, 3, 5):  # 3 and 5 are padded to 4 and 8
        chosen = memberships[:count] + [memberships[-1]]
        pairs = {(m.user_id, m.centre_id) for m in chosen}
        user_ids, centre_ids = [u for u, _ in pairs], [c for _, c in pairs]
        got = read(user_ids=user_ids, centre_ids=centre_ids)
        assert [m.pk for m in got] == [m.pk for m in of_pairs(user_ids, centre_ids)]
        assert {(m.user_id, m.centre_id) for m in got} == pairs


def test_lists_of_ids_of_each_length_and_values_list_rows():
    users = [make_user() for _ in range(4)]
    read = CompiledRead(lambda user_ids: User.objects.filter(pk__in=user_ids).order_by("pk").values_list("pk", "email"))
    for chosen in (users[:1], users[1:3], users, []):
        ids = [user.pk for user in chosen]
        assert read(user_ids=ids) == [(user.pk, user.email) for user in chosen]


def test_lists_are_padded_as_sets_so_a_read_keeps_a_few_shapes_whatever_the_lengths():
    users = [make_user() for _ in range(20)]
    read = CompiledRead(lambda user_ids: User.objects.filter(pk__in=user_ids).order_by("pk"))
    for length in range(1, 21):
        assert read(user_ids=[user.pk for user in users[:length]]) == users[:length]  # no row twice
    assert len(read._shapes) == 6  # lists of 1, 2, 4, 8, 16 and 32 ids


def test_dates_are_bound_like_ids_as_each_database_takes_them():
    joined = make_user()
    read = CompiledRead(lambda day, user_id: User.objects.filter(pk=user_id, date_joined__date__gte=day))
    today = timezone.localdate()
    assert read(user_id=joined.pk, day=today) == [joined]
    assert read(user_id=joined.pk, day=today + datetime.timedelta(days=1)) == []


def test_moments_are_bound_and_a_naive_one_refused():
    joined = make_user()
    read = CompiledRead(lambda moment, user_id: User.objects.filter(pk=user_id, date_joined__lte=moment))
    now = timezone.now()
    assert read(user_id=joined.pk, moment=now) == [joined]
    assert read(user_id=joined.pk, moment=now - datetime.timedelta(days=1)) == []
    with pytest.raises(TypeError):
        read(user_id=joined.pk, moment=now.replace(tzinfo=None))


def test_each_call_is_one_query_and_builds_no_queryset_after_the_first(settings):
    settings.COMPILED_READS_VERIFY = False  # the check builds the queryset again, by design
    first, second = make_user(), make_user()
    read = CompiledRead(lambda user_id: User.objects.filter(Q(pk=user_id) | Q(email="nobody@example.org")))
    assert read(user_id=first.pk) == [first]
    with mock.patch.object(Query, "add_q", side_effect=AssertionError("built again")) as add_q:
        with CaptureQueriesContext(connection) as queries:
            assert read(user_id=second.pk) == [second]
    assert add_q.call_count == 0
    assert len(queries) == 1 and str(second.pk) in queries[0]["sql"]


def test_a_builder_reading_the_clock_is_refused():
    read = CompiledRead(lambda user_id: User.objects.filter(pk=user_id, date_joined__lte=timezone.now()))
    with pytest.raises(ShapeError, match="changes between builds"):
        read(user_id=1)


def test_a_builder_whose_sql_depends_on_an_ids_value_is_refused():
    read = CompiledRead(
        lambda user_id: User.objects.filter(pk=user_id) if user_id < 2_050_000_000 else User.objects.filter(pk=0)
    )
    with pytest.raises(ShapeError):
        read(user_id=1)


def test_a_builder_that_ignores_an_argument_is_refused():
    read = CompiledRead(lambda user_id, centre_id: User.objects.filter(pk=user_id))
    with pytest.raises(ShapeError, match="never uses"):
        read(user_id=1, centre_id=2)


def test_a_builder_using_a_related_manager_is_refused(world):
    read = CompiledRead(lambda user_id: world.centre.memberships.filter(user_id=user_id))
    with pytest.raises(ShapeError, match="related manager"):
        read(user_id=world.admin.pk)


def test_texts_are_bound_as_they_are_and_other_arguments_are_refused():
    someone = make_user(email="someone@example.org")
    read = CompiledRead(lambda email: User.objects.filter(email=email))
    assert read(email="someone@example.org") == [someone]
    assert read(email="someone-else@example.org") == []
    with pytest.raises(TypeError):
        read(email=True)
    with pytest.raises(TypeError):
        read(email=None)


def test_a_text_the_query_changes_is_refused():
    read = CompiledRead(lambda email: User.objects.filter(email__icontains=email))
    with pytest.raises(ShapeError):
        read(email="someone")


def test_the_check_in_tests_catches_a_builder_that_drifts_after_it_was_compiled():
    wanted = {"email": "first@example.org"}
    read = CompiledRead(lambda user_id: User.objects.filter(pk=user_id, email=wanted["email"]))
    read(user_id=1)
    wanted["email"] = "second@example.org"  # a builder reading something other than its arguments
    with pytest.raises(AssertionError, match="the compiled read would run"):
        read(user_id=1)


@pytest.mark.django_db(transaction=True)
def test_a_read_compiled_on_one_thread_runs_on_another_threads_own_connection():
    first, second = make_user(), make_user()
    read = CompiledRead(lambda user_id: User.objects.filter(pk=user_id))
    assert read(user_id=first.pk) == [first]  # compiled here, on this thread's connection
    answers = {}

    def elsewhere():
        try:
            with CaptureQueriesContext(connection) as queries:  # `connection` is this other thread's own
                answers["users"] = read(user_id=second.pk)
            answers["queries"] = len(queries)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert answers == {"users": [second], "queries": 1}


def test_the_test_settings_check_every_compiled_read(settings):
    # What lets the whole suite prove that each compiled read binds its ids where Django would.
    assert settings.COMPILED_READS_VERIFY is True
