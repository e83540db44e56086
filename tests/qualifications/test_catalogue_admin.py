"""The catalogue in the admin: readable by staff, written only by load_catalogue (methods apart)."""

import pytest
from django.urls import reverse

from centres.models import User
from qualifications.models import (
    AssessmentCriterion,
    AssessmentMethod,
    AwardingBody,
    CatalogueNote,
    LearningOutcome,
    Pathway,
    Qualification,
    Unit,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

READ_ONLY = [AwardingBody, Pathway, Qualification, Unit, LearningOutcome, AssessmentCriterion, CatalogueNote]


@pytest.fixture
def superuser_client(client):
    user = User.objects.create_superuser(email="root@example.test", password=PASSWORD, full_name="Root")
    client.force_login(user)
    return client


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", READ_ONLY, ids=lambda m: m.__name__)
def test_staff_can_read_the_catalogue_but_not_change_it(superuser_client, model):
    obj = model.objects.first()
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    page = superuser_client.get(admin_url(model, "change", obj.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert superuser_client.get(admin_url(model, "add")).status_code == 403
    assert superuser_client.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_posted_change_to_a_criterion_is_refused(superuser_client):
    criterion = AssessmentCriterion.objects.get(unit__reference="J/600/1003", code="1.1")
    response = superuser_client.post(admin_url(AssessmentCriterion, "change", criterion.pk), {"text": "Changed"})
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.text == "Identify the purpose of customer service"


def test_staff_can_add_an_assessment_method_but_not_delete_one(superuser_client):
    response = superuser_client.post(
        admin_url(AssessmentMethod, "add"), {"code": "VR", "name": "Video recording", "description": "", "order": 20}
    )
    assert response.status_code == 302
    method = AssessmentMethod.objects.get(code="VR")
    assert superuser_client.post(admin_url(AssessmentMethod, "delete", method.pk), {"post": "yes"}).status_code == 403


def test_people_who_are_not_staff_cannot_open_the_catalogue_admin(client, world):
    client.force_login(world.admin)
    response = client.get(admin_url(Qualification, "changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
