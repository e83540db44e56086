"""The centre admin's staff pages: list with caseloads, adding people, credentials, ending roles, interests."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from centres.models import AssessorAward, CompetenceStatus, CpdEntry, Event, Membership, PersonalInterest, Role, User
from centres.services import Credential, StaffError, add_staff_member, end_membership
from portfolio.models import Registration
from tests.centres.helpers import invitation_link, last_mail_to
from tests.factories import held_award, make_registration, make_staff, make_user

pytestmark = pytest.mark.django_db


def centre_urls(world):
    membership = Membership.objects.get(user=world.assessor, centre=world.centre, role=Role.ASSESSOR)
    return [
        ("get", reverse("centres:staff-list", args=[world.centre.pk])),
        ("get", reverse("centres:staff-add", args=[world.centre.pk])),
        ("get", reverse("centres:membership-edit", args=[world.centre.pk, membership.pk])),
        ("post", reverse("centres:membership-end", args=[world.centre.pk, membership.pk])),
        ("get", reverse("centres:interest-list", args=[world.centre.pk])),
    ]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("admin", 200),
        ("assessor", 403),
        ("iqa", 403),
        ("trainee", 403),
        ("learner", 404),
        ("other_admin", 404),
        ("eqa", 404),
        ("anonymous", 302),
    ],
)
def test_staff_pages_are_for_the_centres_admin_only(client, world, who, status):
    if who != "anonymous":
        client.force_login(getattr(world, who))
    for method, url in centre_urls(world):
        response = getattr(client, method)(url)
        expected = status
        if method == "post" and who == "admin":
            expected = 302  # the form posts back to the edit page with a message
        assert response.status_code == expected, (url, who)
        if status == 302:
            assert response.url.startswith(reverse("login"))


def test_another_centres_membership_under_my_centre_is_404(client, world):
    client.force_login(world.admin)
    theirs = Membership.objects.get(user=world.other_centre_assessor)
    assert client.get(reverse("centres:membership-edit", args=[world.centre.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("centres:membership-edit", args=[world.other_centre.pk, theirs.pk])).status_code == 404


def test_staff_list_shows_roles_credentials_and_caseloads(client, world):
    client.force_login(world.admin)
    content = client.get(reverse("centres:staff-list", args=[world.centre.pk])).content.decode()
    assert world.assessor.email in content and world.iqa.email in content
    assert f"countersigned by {world.assessor}" in content
    assert "Working towards" in content
    # The IQA has three active learners in the world; the trainee one.
    assert f'iqa={world.iqa.pk}">3 learners' in content
    assert f'assessor={world.trainee.pk}">1 learner<' in content
    assert world.eqa.full_name in content
    assert world.other_centre_assessor.email not in content


def test_staff_list_queries_do_not_grow_with_staff_and_learners(client, world, django_assert_max_num_queries):
    client.force_login(world.admin)
    url = reverse("centres:staff-list", args=[world.centre.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(5):
        assessor = make_staff(world.centre, Role.ASSESSOR)
        make_registration(world.centre, assessor=assessor, iqa=world.iqa)
        for days_ago in (10, 400):
            CpdEntry.objects.create(
                centre=world.centre,
                user=assessor,
                date=dt.date.today() - dt.timedelta(days=days_ago + n),
                activity="Standardisation",
                hours=2,
                reflection="Learnt.",
            )
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_adding_a_new_person_invites_them(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("centres:staff-add", args=[world.centre.pk]),
            {
                "email": "New.Assessor@Example.test",
                "full_name": "Nadia New",
                "role": Role.ASSESSOR,
                "status": CompetenceStatus.WORKING_TOWARDS,
                "countersignatory": world.assessor.pk,
                "award": AssessorAward.L3_CAVA,
                "registered_on": "2026-01-10",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="new.assessor@example.test")
    membership = Membership.objects.get(user=user, centre=world.centre)
    assert membership.countersignatory == world.assessor
    assert membership.award == AssessorAward.L3_CAVA and membership.registered_on == dt.date(2026, 1, 10)
    assert not user.has_usable_password()
    assert invitation_link(last_mail_to(user.email))
    assert Event.objects.filter(action="membership.added", object_id=membership.pk).exists()


def test_an_existing_person_gains_a_second_role_without_an_invitation(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_staff_member(
            actor=world.admin,
            centre=world.centre,
            email=world.assessor.email,
            full_name="",
            role=Role.IQA,
            credential=held_award(Role.IQA),
        )
    assert set(Membership.objects.filter(user=world.assessor, centre=world.centre).values_list("role", flat=True)) == {
        Role.ASSESSOR,
        Role.IQA,
    }
    assert mail.outbox == []


def test_a_person_may_work_at_several_centres(world):
    add_staff_member(
        actor=world.other_admin,
        centre=world.other_centre,
        email=world.assessor.email,
        full_name="",
        role=Role.ASSESSOR,
        credential=held_award(),
    )
    assert Membership.objects.filter(user=world.assessor, role=Role.ASSESSOR).count() == 2


def test_the_same_role_twice_is_refused(world):
    with pytest.raises(StaffError, match="already"):
        add_staff_member(
            actor=world.admin,
            centre=world.centre,
            email=world.assessor.email,
            full_name="",
            role=Role.ASSESSOR,
            credential=held_award(),
        )


def test_working_towards_needs_a_qualified_countersignatory_of_the_same_centre(client, world):
    with pytest.raises(StaffError, match="countersign"):
        add_staff_member(
            actor=world.admin,
            centre=world.centre,
            email="t@example.test",
            full_name="T",
            role=Role.ASSESSOR,
            credential=Credential(status=CompetenceStatus.WORKING_TOWARDS),
        )
    with pytest.raises(StaffError, match="qualified"):
        add_staff_member(
            actor=world.admin,
            centre=world.centre,
            email="t@example.test",
            full_name="T",
            role=Role.ASSESSOR,
            credential=Credential(
                status=CompetenceStatus.WORKING_TOWARDS, countersignatory=world.other_centre_assessor
            ),
        )
    with pytest.raises(StaffError, match="qualified"):
        add_staff_member(
            actor=world.admin,
            centre=world.centre,
            email="t@example.test",
            full_name="T",
            role=Role.ASSESSOR,
            credential=Credential(status=CompetenceStatus.WORKING_TOWARDS, countersignatory=world.trainee),
        )
    assert not User.objects.filter(email="t@example.test").exists()


def test_posting_another_centres_countersignatory_is_refused_with_a_message(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("centres:staff-add", args=[world.centre.pk]),
        {
            "email": "t@example.test",
            "full_name": "T",
            "role": Role.ASSESSOR,
            "status": CompetenceStatus.WORKING_TOWARDS,
            "countersignatory": world.other_centre_assessor.pk,
        },
    )
    assert response.status_code == 200
    assert "Choose a qualified colleague who works at this centre" in response.content.decode()
    assert not User.objects.filter(email="t@example.test").exists()


def test_only_a_centre_admin_adds_staff(world):
    from centres.services import NotAllowed

    with pytest.raises(NotAllowed):
        add_staff_member(
            actor=world.assessor, centre=world.centre, email="x@example.test", full_name="X", role=Role.ASSESSOR
        )
    with pytest.raises(NotAllowed):
        add_staff_member(
            actor=world.other_admin, centre=world.centre, email="x@example.test", full_name="X", role=Role.ASSESSOR
        )


def test_editing_a_credential_records_the_change(client, world):
    membership = Membership.objects.get(user=world.trainee, role=Role.ASSESSOR)
    client.force_login(world.admin)
    response = client.post(
        reverse("centres:membership-edit", args=[world.centre.pk, membership.pk]),
        {
            "status": CompetenceStatus.QUALIFIED,
            "countersignatory": "",
            "award": AssessorAward.L3_CAVA,
            "certificate_number": "L3CAVA-55012",
            "awarded_on": "2026-11-30",
            # Left over from working towards: the form drops it once the award is held.
            "registered_on": "2025-09-01",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == CompetenceStatus.QUALIFIED and membership.countersignatory is None
    assert membership.certificate_number == "L3CAVA-55012" and membership.registered_on is None
    event = Event.objects.get(action="membership.updated", object_id=membership.pk)
    assert event.data["changes"]["status"] == {"from": "working_towards", "to": "qualified"}
    assert event.data["changes"]["certificate_number"] == {"from": "", "to": "L3CAVA-55012"}
    assert event.data["changes"]["awarded_on"] == {"from": None, "to": "2026-11-30"}


def test_ending_an_assessor_with_learners_is_refused(client, world):
    membership = Membership.objects.get(user=world.other_assessor, role=Role.ASSESSOR)
    client.force_login(world.admin)
    response = client.post(
        reverse("centres:membership-end", args=[world.centre.pk, membership.pk]), {"reason": "Left"}, follow=True
    )
    assert "move them first" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_ending_an_iqa_with_learners_is_refused_until_their_learners_have_another_iqa(world):
    membership = Membership.objects.get(user=world.iqa, centre=world.centre, role=Role.IQA)
    caseload = Registration.objects.filter(centre=world.centre, iqa=world.iqa, status=Registration.Status.ACTIVE)
    with pytest.raises(StaffError, match=f"is IQA for {caseload.count()} active learner"):
        end_membership(actor=world.admin, membership=membership, reason="Left")
    Membership.objects.filter(centre=world.centre, role=Role.IQA, countersignatory=world.iqa).update(
        countersignatory=None, status=CompetenceStatus.QUALIFIED
    )
    caseload.update(iqa=make_staff(world.centre, Role.IQA))
    end_membership(actor=world.admin, membership=membership, reason="Left")
    membership.refresh_from_db()
    assert not membership.is_active


def test_ending_a_role_keeps_the_record_and_removes_access(client, world):
    Registration.objects.filter(assessor=world.other_assessor).update(assessor=world.assessor)
    membership = Membership.objects.get(user=world.other_assessor, role=Role.ASSESSOR)
    end_membership(actor=world.admin, membership=membership, reason="Left the centre")
    membership.refresh_from_db()
    assert not membership.is_active
    assert Event.objects.filter(action="membership.ended", object_id=membership.pk).exists()
    client.force_login(world.other_assessor)
    assert client.get(reverse("portfolio:registration-list")).status_code == 403


def test_the_last_centre_admin_cannot_be_removed(world):
    membership = Membership.objects.get(user=world.admin, role=Role.CENTRE_ADMIN)
    with pytest.raises(StaffError, match="at least one centre admin"):
        end_membership(actor=world.admin, membership=membership, reason="Oops")


def test_a_trainees_countersignatory_cannot_leave_first(world):
    Registration.objects.filter(assessor=world.assessor).update(assessor=world.other_assessor)
    membership = Membership.objects.get(user=world.assessor, role=Role.ASSESSOR)
    with pytest.raises(StaffError, match="countersigns"):
        end_membership(actor=world.admin, membership=membership, reason="Left")


def test_declaring_an_interest_warns_about_current_pairings(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("centres:interest-list", args=[world.centre.pk]),
        {"staff": world.assessor.pk, "learner": world.learner.pk, "description": "Her brother"},
        follow=True,
    )
    content = response.content.decode()
    assert "The interest is recorded" in content
    assert "choose someone else" in content
    assert PersonalInterest.objects.filter(staff=world.assessor, learner=world.learner).exists()
    assert Event.objects.filter(action="interest.declared").exists()


def test_an_interest_in_another_centres_learner_cannot_be_declared(client, world):
    client.force_login(world.admin)
    other_learner = world.other_centre_registration.learner
    response = client.post(
        reverse("centres:interest-list", args=[world.centre.pk]),
        {"staff": world.assessor.pk, "learner": other_learner.pk, "description": "x"},
    )
    assert "Choose a learner registered at this centre" in response.content.decode()
    assert not PersonalInterest.objects.exists()


def test_new_staff_without_a_name_is_refused(world):
    with pytest.raises(StaffError, match="full name"):
        add_staff_member(
            actor=world.admin,
            centre=world.centre,
            email=make_user().email.replace("@", "x@"),
            full_name=" ",
            role=Role.IQA,
            credential=held_award(Role.IQA),
        )


def _qualify(admin, membership):
    from centres.services import update_staff_credential

    return update_staff_credential(actor=admin, membership=membership, credential=held_award())


def test_a_trainee_assessor_with_decisions_awaiting_countersignature_is_not_recorded_qualified(world):
    from portfolio.models import CountersignStatus, CriterionDecision, EvidenceLink
    from tests.tracking.helpers import complete_unit, first_unit

    complete_unit(world.trainee_registration, first_unit(world.trainee_registration), by=world.trainee)
    awaiting = {"countersign_status": CountersignStatus.AWAITING}  # as the trainee's judgements are recorded
    EvidenceLink.objects.filter(judged_by=world.trainee).update(**awaiting)
    CriterionDecision.objects.filter(decided_by=world.trainee).update(**awaiting)
    membership = Membership.objects.get(user=world.trainee, role=Role.ASSESSOR)
    with pytest.raises(StaffError, match="awaiting countersignature by .*have them countersigned first"):
        _qualify(world.admin, membership)
    with pytest.raises(StaffError, match="awaiting countersignature"):
        Registration.objects.filter(assessor=world.trainee).update(assessor=world.assessor)
        end_membership(actor=world.admin, membership=membership, reason="Left")
    membership.refresh_from_db()
    assert membership.is_active and membership.status == CompetenceStatus.WORKING_TOWARDS

    # Once the countersignatory has confirmed everything, the award is recorded.
    confirmed = {"countersign_status": CountersignStatus.CONFIRMED, "countersigned_by": world.assessor}
    EvidenceLink.objects.filter(judged_by=world.trainee).update(**confirmed)
    CriterionDecision.objects.filter(decided_by=world.trainee).update(**confirmed)
    assert _qualify(world.admin, membership).status == CompetenceStatus.QUALIFIED
