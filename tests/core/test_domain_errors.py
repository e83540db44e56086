"""One error base and one way out: NotAllowed becomes a 403, any other domain error a message, nothing else caught."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from centres.services import CentresError
from core.errors import DomainError, NotAllowed
from core.views import domain_errors_as_messages
from portfolio.services import AlreadyDone, PortfolioError
from portfolio.services.registration import RegistrationError
from qualifications.services.catalogue import CatalogueError
from quality.services.errors import ConflictOfInterest, QualityError
from tracking.jobs import JobError
from tracking.services.signoff import SignOffError, SignOffNotAllowed


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.parametrize(
    "error", [CentresError, PortfolioError, RegistrationError, SignOffError, JobError, QualityError, CatalogueError]
)
def test_every_domain_error_derives_from_the_one_base(error):
    assert issubclass(error, DomainError)


@pytest.mark.parametrize("error", [ConflictOfInterest, SignOffNotAllowed])
def test_refusals_about_who_acts_are_not_allowed(error):
    assert issubclass(error, NotAllowed)


def test_not_allowed_becomes_a_403_with_its_message():
    request = _request()
    with pytest.raises(PermissionDenied, match="Only the learner's assessor"):
        with domain_errors_as_messages(request):
            raise SignOffNotAllowed("Only the learner's assessor may sign.")
    assert list(get_messages(request)) == []


def test_any_other_domain_error_becomes_a_message_and_ends_the_block():
    request = _request()
    reached = False
    with domain_errors_as_messages(request) as outcome:
        raise SignOffError("The learner signs first.")
        reached = True  # noqa: B018 (never reached: the error ends the block)
    assert not reached and not outcome.ok
    assert [str(message) for message in get_messages(request)] == ["The learner signs first."]


def test_already_done_is_told_as_information_not_as_an_error():
    request = _request()
    with domain_errors_as_messages(request) as outcome:
        raise AlreadyDone("Already submitted.", obj=None)
    assert isinstance(outcome.error, AlreadyDone)
    assert [message.level_tag for message in get_messages(request)] == ["info"]


def test_a_block_that_runs_to_its_end_is_ok():
    with domain_errors_as_messages(_request()) as outcome:
        pass
    assert outcome.ok


def test_other_exceptions_are_not_swallowed():
    with pytest.raises(ValueError):
        with domain_errors_as_messages(_request()):
            raise ValueError("a bug, not a rule")


class _Form(forms.Form):
    iqa = forms.CharField(required=False)
    file = forms.FileField(required=False)


def test_with_a_form_the_messages_go_on_the_fields_they_name():
    form = _Form(data={})
    assert form.is_valid()
    with domain_errors_as_messages(_request(), form=form):
        raise RegistrationError({"iqa": ["Choose another IQA."], None: ["Check the form."], "gone": ["Elsewhere."]})
    assert form.errors["iqa"] == ["Choose another IQA."]
    assert form.non_field_errors() == ["Check the form.", "Elsewhere."]


def test_with_a_form_and_a_field_plain_messages_go_on_that_field():
    form = _Form(data={})
    assert form.is_valid()
    with domain_errors_as_messages(_request(), form=form, field="file"):
        raise RegistrationError("This file is not UTF-8 CSV.")
    assert form.errors["file"] == ["This file is not UTF-8 CSV."]
