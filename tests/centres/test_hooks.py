"""Hooks: how centres asks the apps above it without importing them (centres/hooks.py)."""

import pytest

from centres import hooks
from centres.models import User
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_hook_gives_each_registered_answer_once():
    hook = hooks.Hook("a question")

    def answer(number):
        return number * 2

    assert hook.ask(1) == []
    hook.register(answer)
    hook.register(answer)
    assert hook.ask(21) == [42]


def test_the_portfolio_answers_who_is_registered_at_a_centre(world):
    registered = set(User.objects.filter(hooks.learners_at(world.centre)))
    assert world.learner in registered and world.other_centre_registration.learner not in registered
    assert world.assessor not in registered and make_user() not in registered


def test_nobody_is_registered_where_no_app_answers(world, monkeypatch):
    monkeypatch.setattr(hooks, "learners_registered", hooks.Hook("unanswered"))
    assert not User.objects.filter(hooks.learners_at(world.centre)).exists()
