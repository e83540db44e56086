"""Every URL, requested with GET and with POST by every kind of person, gives the answer the matrix expects
(tests/security/matrix.py says what each should get, and why)."""

import pytest
from django.test import Client
from django.urls import reverse

from .matrix import ACTORS, MATRIX, SIGNING, actor_user, classify, query_string, sign_data, url_names


def test_every_url_is_in_the_matrix():
    names, unnamed = url_names()
    missing = sorted(names - MATRIX.keys())
    stale = sorted(MATRIX.keys() - names)
    assert not unnamed, f"URL patterns without a name (name them and add them to MATRIX): {unnamed}"
    assert not missing, f"URLs with no entry in tests/security/matrix.py MATRIX: {missing}"
    assert not stale, f"MATRIX entries for URLs that no longer exist: {stale}"


@pytest.fixture
def scenario(module_scenario, db, settings):
    settings.JOBS_RUNNER = "worker"  # jobs are queued, not built: the matrix is about who may ask
    return module_scenario


CASES = [(name, method, actor) for name in sorted(MATRIX) for method in ("GET", "POST") for actor in ACTORS]


@pytest.mark.parametrize(("name", "method", "actor"), CASES, ids=[f"{n}|{m}|{a}" for n, m, a in CASES])
def test_permission(name, method, actor, scenario):
    route = MATRIX[name]
    url = reverse(name, kwargs=route.kwargs(scenario))
    client = Client()
    user = actor_user(scenario, actor)
    if user is not None:
        client.force_login(user)
    if method == "GET":
        response = client.get(url, route.query(scenario))
    else:
        response = client.post(url + query_string(route.query(scenario)), route.data(scenario))
    expected = route.expected(method, actor)
    got = classify(response)
    where = response.get("Location", "")
    assert got in expected, f"{method} {url} as {actor}: {response.status_code} {where} ({got}), expected {expected}"


SIGNING_CASES = [(role, actor) for role in sorted(SIGNING) for actor in ACTORS]


@pytest.mark.parametrize(("role", "actor"), SIGNING_CASES, ids=[f"sign-as-{r}|{a}" for r, a in SIGNING_CASES])
def test_signing_permission(role, actor, scenario):
    kwargs, expected = SIGNING[role]
    url = reverse("tracking:sign", kwargs=kwargs(scenario))
    client = Client()
    user = actor_user(scenario, actor)
    if user is not None:
        client.force_login(user)
    response = client.post(url, sign_data(role))
    got = classify(response)
    where = response.get("Location", "")
    assert got in expected[actor], (
        f"sign as {role} as {actor}: {response.status_code} {where}, expected {expected[actor]}"
    )


def test_admin_refuses_every_actor(scenario):
    url = reverse("admin:index")
    for actor in ACTORS:
        client = Client()
        user = actor_user(scenario, actor)
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], actor
