"""The permission matrix: for every named URL, what each kind of person gets asking it with GET and with POST.
test_permission_matrix.py asks, and test_csrf.py posts without a token.

The list of URLs comes from the URL configuration itself: a URL added without an entry in MATRIX fails
`test_every_url_is_in_the_matrix`, and an entry whose URL is gone fails too. Each (URL, method, person) is one
test, so a failure names exactly who got what where.

Expected answers: "ok" (200-303 not to the sign-in page, or 400 for a rejected form), "login" (redirect to the
sign-in page), "403", "404", "405", "410". Another centre's object is always a 404; a person of the same centre
outside their role or scope gets a 403 or a 404.

"ok" means the person may act: an action's POST sends real input, so that a person who may not act is refused
with 403 (never a 200 or a redirect with a message), and "ok" can only mean the service took the request (it may
still say that the state does not allow it yet, for instance a sheet not yet complete). Signing is checked in
each role (SIGNING): only the person that role needs may sign in it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from django.urls import URLPattern, URLResolver, get_resolver, reverse

ACTORS = (
    "anonymous",
    "learner",
    "other_learner",
    "assessor",
    "other_assessor",
    "iqa",
    "admin",
    "other_admin",
    "eqa_shared",
    "eqa_unshared",
    "employer",  # an employer contact of the learner's employer (apprenticeships)
)
STAFF = ("assessor", "other_assessor", "iqa", "admin")
LEARNERS = ("learner", "other_learner")
EQAS = ("eqa_shared", "eqa_unshared")

OK, LOGIN, E403, E404, E405, E410 = {"ok"}, {"login"}, {"403"}, {"404"}, {"405"}, {"410"}
DENY = {"403", "404"}
SKIPPED_NAMESPACES = {
    "admin",  # the Django admin: staff accounts only (see test_admin_refuses_every_actor)
    # The REST API (api/v1/): bearer tokens, not signed-in people; tests/api/test_api_matrix.py calls every
    # operation of its schema without a token, with another centre's, with the wrong scope and with the right one,
    # and fails if one is missing (test_every_operation_is_covered).
    "api-v1",
}
# django-allauth's own account pages (password reset, MFA, single sign-on) under /accounts/: each acts only on the
# signed-in person's own account; they are tested in tests/accounts/. "login" and "logout" stay in the matrix.
SKIPPED_URLCONFS = ("allauth.",)


def expect(ok=(), e403=(), e404=(), deny=(), anonymous=LOGIN, rest=E404) -> dict[str, set[str]]:
    """Per-person expectations: named people get their answer, everyone else `rest` (404 by default)."""
    result = {}
    for actor in ACTORS:
        if actor == "anonymous":
            result[actor] = set(anonymous)
        elif actor in ok:
            result[actor] = OK
        elif actor in e403:
            result[actor] = E403
        elif actor in e404:
            result[actor] = E404
        elif actor in deny:
            result[actor] = DENY
        else:
            result[actor] = set(rest)
    return result


EVERYONE = expect(ok=ACTORS[1:], anonymous=OK)
SIGNED_IN = expect(ok=ACTORS[1:])
# get_centre_for(user, centre, CENTRE_ADMIN): another role at the centre 403, not working there 404.
CENTRE_ADMIN = expect(ok=("admin",), e403=("assessor", "other_assessor", "iqa"))
CENTRE_ADMIN_OR_IQA = expect(ok=("admin", "iqa"), e403=("assessor", "other_assessor"))
# Pages for the admins of any centre, without a centre in the URL: each sees only their own centre.
ANY_CENTRE_ADMIN = expect(ok=("admin", "other_admin"), rest=E403)
ANY_STAFF = expect(ok=(*STAFF, "other_admin"), rest=E403)
# A registration: its learner, assessor, the centre's IQA and admin, and an EQA it is shared with may read it.
REGISTRATION_READ = expect(ok=("learner", "assessor", "iqa", "admin", "eqa_shared"))
# An evidence file (portfolio.views.files): those who may read the registration get it; people of the same centre
# whose role does not reach it are refused with 403; another centre's people get 404.
EVIDENCE_FILE_READ = expect(
    ok=("learner", "assessor", "iqa", "admin", "eqa_shared"), e403=("other_learner", "other_assessor", "eqa_unshared")
)
# A change to a registration by the centre admin: the others who can see it are refused with 403.
REGISTRATION_ADMIN = expect(ok=("admin",), e403=("learner", "assessor", "iqa", "eqa_shared"))
# The learner's identity check: the centre admin or the learner's own assessor.
IDENTITY_CHECK = expect(ok=("admin", "assessor"), e403=("learner", "iqa", "eqa_shared"))
# The whole portfolio (portfolio.access.get_portfolio_for): the learner and the centre's staff in scope, no EQA.
PORTFOLIO_READ = expect(ok=("learner", "assessor", "iqa", "admin"))
LEARNER_OR_ASSESSOR = expect(ok=("learner", "assessor"), e403=("iqa", "admin"))
# Evidence the learner wrote: only the learner changes it; others who can read it get 403.
EVIDENCE_AUTHOR = expect(ok=("learner",), e403=("assessor", "iqa", "admin", "eqa_shared"))
# Records only the learner's assessor makes (an observation, a discussion): the others who may open the portfolio
# get 403; an EQA never opens a whole portfolio (404).
EVIDENCE_ASSESSOR_ONLY = expect(ok=("assessor",), e403=("learner", "iqa", "admin"))
EVIDENCE_ASSESSOR = expect(ok=("assessor",), e403=("learner", "iqa", "admin", "eqa_shared"))
ASSESSORS = expect(ok=("assessor", "other_assessor"), rest=E403)
IQA_PAGES = expect(ok=("iqa",), rest=E403)
PLAN_IQA = expect(ok=("iqa",))
EQA_ONLY = expect(ok=("eqa_shared",))
# A standardisation activity still open for judging: its centre's IQAs and the assessors invited take part; the
# centre's learners and other staff get 403; the EQA reads it only once closed (404 until then).
NOT_TAKING_PART = ("learner", "other_learner", "other_assessor", "admin")
STANDARDISATION_IQA = expect(ok=("iqa",), e403=(*NOT_TAKING_PART, "assessor"))

# Assessment plans (planning): only the learner's assessor draws them up and revises them.
PLAN_ASSESSOR = expect(ok=("assessor",), e403=("learner", "iqa", "admin"))
# A visit: its assessor and learners open it; the centre's other staff get 403, anyone else 404.
VISIT_READ = expect(ok=("learner", "assessor"), e403=("iqa", "admin", "other_assessor"))
VISIT_OWNER = expect(ok=("assessor",), e403=("learner", "iqa", "admin", "other_assessor"))

SAME = "same as GET"


def _refused_get(post: dict) -> dict:
    """A POST-only view answers GET with 405 (or, signed out, with the sign-in page)."""
    return {actor: (E405 | LOGIN if actor == "anonymous" else E405) for actor in ACTORS}


@dataclass
class Route:
    get: dict | None
    post: dict | str = SAME
    kwargs: Callable = field(default=lambda s: {})
    query: Callable = field(default=lambda s: {})
    data: Callable = field(default=lambda s: {})  # what POST sends (empty unless a refusal needs real input)

    def expected(self, method: str, actor: str) -> set[str]:
        if method == "GET":
            return (self.get or _refused_get(self.post))[actor]
        if self.post == SAME:
            # A view that changes nothing may answer POST like GET, or refuse the method.
            return self.get[actor] | E405
        return self.post[actor]


def post_only(expectation: dict, **kwargs) -> Route:
    return Route(get=None, post=expectation, **kwargs)


def _centre(s):
    return {"centre_id": s.centre.pk}


def _imported_file(s):
    """The scenario registration as if imported from another centre, with one stored evidence file (made in the
    test's own savepoint, so undone after it)."""
    import hashlib

    from django.core.files.base import ContentFile

    from exchange.models import ImportedEvidenceFile, PortfolioImport

    imported = PortfolioImport.objects.filter(registration=s.registration).first()
    if imported is None:
        imported = PortfolioImport.objects.create(
            registration=s.registration, centre=s.centre, imported_by=s.admin, source_centre_name="Elsewhere",
            exported_at="", archive_sha256="0" * 64, chain_length=0, chain_head="0" * 64, chain=[], manifest={},
        )  # fmt: skip
    body = b"imported evidence"
    file = ImportedEvidenceFile(
        portfolio_import=imported, registration=s.registration, chain_seq=1, evidence_reference=1,
        evidence_version=1, original_name="notes.txt", size=len(body), sha256=hashlib.sha256(body).hexdigest(),
    )  # fmt: skip
    file.file.save("notes.txt", ContentFile(body), save=False)
    file.save()
    return file


def _registration(s):
    return {"pk": s.registration.pk}


def _registration_pk(s):
    return {"registration_pk": s.registration.pk}


def _evidence(s):
    return {"pk": s.evidence.pk}


def _plan(s):
    return {"pk": s.plan.pk}


def _assessment_plan(s):
    return {"pk": s.assessment_plan.pk}


def _visit(s):
    return {"pk": s.visit.pk}


def _activity(s):
    return {"pk": s.activity.pk}


def _centre_pk(s):
    return {"centre_pk": s.centre.pk}


def _sheet_registration(s):
    return {"registration_pk": s.registration.pk}


def _sheet(s):
    return {"registration_pk": s.registration.pk, "unit_pk": s.unit.pk}


def _apprentice(s):
    return {"pk": s.registration.pk}


# An apprenticeship's pages: whoever may open the portfolio reads them; the provider (the learner's assessor or a
# centre admin) acts, the others who can read are refused with 403.
APPRENTICESHIP_PROVIDER = expect(ok=("assessor", "admin"), e403=("learner", "iqa"))
APPRENTICESHIP_ADMIN = expect(ok=("admin",), e403=("learner", "assessor", "iqa"))
EMPLOYER_PAGES = expect(ok=("employer",), rest=E403)


def sign_data(role: str) -> dict:
    return {"role": role, "content_hash": "0" * 64, "declaration": "on"}


def _api_token(s):
    """A token of the scenario's centre, made directly (no history entry: tests/security/test_csrf.py counts them)."""
    import datetime as dt

    from django.utils import timezone

    from api.models import ApiToken

    token, _ = ApiToken.objects.get_or_create(
        centre=s.centre,
        token_hash="0" * 64,
        defaults={
            "name": "MIS",
            "prefix": "ept_0000",
            "scopes": ["registrations:read"],
            "created_by": s.admin,
            "expires_at": timezone.now() + dt.timedelta(days=30),
        },
    )
    return {"pk": token.pk}


MATRIX: dict[str, Route] = {
    # --- The REST API's tokens (the API itself: tests/api/test_api_matrix.py) --------------------------------
    "api:tokens": Route(
        get=ANY_CENTRE_ADMIN,
        post=ANY_CENTRE_ADMIN,
        data=lambda s: {"centre": s.centre.pk, "name": "MIS", "scopes": ["registrations:read"], "days": 30},
    ),
    "api:token-revoke": post_only(CENTRE_ADMIN, kwargs=_api_token),
    # --- Public and account pages ----------------------------------------------------------------------------
    "home": Route(get=SIGNED_IN),
    # Each person chooses their own language: nothing of anyone else's is reachable through it.
    "language": Route(get=SIGNED_IN, post=SIGNED_IN, data=lambda s: {"language": "cy"}),
    "dashboard:caseload": Route(get=ASSESSORS),
    "dashboard:centre-overview": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "dashboard:centre-learners": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    # Signed in, the login page sends people home.
    "login": Route(get=EVERYONE),
    "accessibility": Route(get=EVERYONE),
    "favicon": Route(get=EVERYONE),
    # allauth's sign-out: GET asks to confirm, POST signs out.
    "logout": Route(get=SIGNED_IN, post=expect(anonymous=LOGIN, rest=LOGIN)),
    # --- Notifications: each person's own; another person's notification is a 404 ----------------------------
    "notifications:list": Route(get=SIGNED_IN),
    "notifications:settings": Route(get=SIGNED_IN, post=SIGNED_IN, data=lambda s: {"kind-eqa_comment": "digest"}),
    "notifications:read-all": post_only(SIGNED_IN),
    "notifications:open": post_only(expect(ok=("learner",)), kwargs=lambda s: {"pk": s.notification.pk}),
    "notifications:read": post_only(expect(ok=("learner",)), kwargs=lambda s: {"pk": s.notification.pk}),
    # The signed token is the key (an email's one-click unsubscribe, RFC 8058): no sign-in, one person's choice.
    "notifications:unsubscribe": Route(get=EVERYONE, post=EVERYONE, kwargs=lambda s: {"token": s.unsubscribe_token}),
    "qualifications:list": Route(get=EVERYONE),
    "qualifications:detail": Route(get=EVERYONE, kwargs=lambda s: {"pk": s.registration.qualification_id}),
    "qualifications:unit": Route(get=EVERYONE, kwargs=lambda s: {"pk": s.unit.pk}),
    "qualifications:search": Route(get=EVERYONE, query=lambda s: {"q": "customer"}),
    "qualifications:notes": Route(get=EVERYONE),
    # --- Centres: invitations, staff, interests --------------------------------------------------------------
    "centres:invitation-accept": Route(get=EVERYONE, kwargs=lambda s: {"token": s.invitation_token}),
    "centres:centre-settings": Route(get=CENTRE_ADMIN, kwargs=_centre),
    "centres:staff-list": Route(get=CENTRE_ADMIN, kwargs=_centre),
    "centres:staff-add": Route(get=CENTRE_ADMIN, kwargs=_centre),
    "centres:membership-edit": Route(
        get=CENTRE_ADMIN, kwargs=lambda s: {"centre_id": s.centre.pk, "pk": s.assessor.memberships.get().pk}
    ),
    "centres:membership-end": post_only(
        CENTRE_ADMIN, kwargs=lambda s: {"centre_id": s.centre.pk, "pk": s.other_assessor.memberships.get().pk}
    ),
    "centres:invitation-resend": post_only(
        CENTRE_ADMIN, kwargs=lambda s: {"centre_id": s.centre.pk, "user_id": s.learner.pk}
    ),
    "centres:interest-list": Route(get=CENTRE_ADMIN, kwargs=_centre),
    "centres:membership-cpd-add": post_only(
        CENTRE_ADMIN, kwargs=lambda s: {"centre_id": s.centre.pk, "pk": s.assessor.memberships.get().pk}
    ),
    # Anyone who works at the centre keeps their own CPD log there.
    "centres:my-cpd": Route(get=expect(ok=STAFF), kwargs=_centre),
    # --- Registrations ---------------------------------------------------------------------------------------
    # Occupational competence of the centre's staff (portfolio's pages beside the staff pages of centres).
    "portfolio:staff-competence": Route(
        get=CENTRE_ADMIN, kwargs=lambda s: {"centre_id": s.centre.pk, "pk": s.assessor.memberships.get().pk}
    ),
    "portfolio:competence-verify": post_only(
        CENTRE_ADMIN, kwargs=lambda s: {"centre_id": s.centre.pk, "pk": s.competence.pk}
    ),
    "portfolio:registration-list": Route(get=ANY_STAFF),
    "portfolio:registration-export": Route(get=ANY_CENTRE_ADMIN),
    "portfolio:registration-start": Route(get=ANY_CENTRE_ADMIN),
    "portfolio:registration-csv-template": Route(get=ANY_CENTRE_ADMIN),
    "portfolio:registration-check-units": Route(
        get=ANY_CENTRE_ADMIN, query=lambda s: {"qualification": s.registration.qualification_id}
    ),
    "portfolio:registration-create": Route(get=CENTRE_ADMIN, kwargs=_centre),
    "portfolio:registration-bulk": Route(get=CENTRE_ADMIN, kwargs=_centre),
    "portfolio:registration-bulk-confirm": post_only(CENTRE_ADMIN, kwargs=_centre),
    "portfolio:registration-detail": Route(get=REGISTRATION_READ, kwargs=_registration),
    "portfolio:registration-move": Route(get=REGISTRATION_ADMIN, kwargs=_registration),
    "portfolio:registration-change-iqa": Route(get=REGISTRATION_ADMIN, kwargs=_registration),
    "portfolio:registration-change-tutor": Route(get=REGISTRATION_ADMIN, kwargs=_registration),
    "portfolio:registration-identity": Route(get=IDENTITY_CHECK, kwargs=_registration),
    # The learner's assessor or the centre admin; others who can read the registration are refused with 403.
    "portfolio:registration-initial-assessment": Route(
        get=expect(ok=("assessor", "admin"), e403=("learner", "iqa", "eqa_shared")), kwargs=_registration
    ),
    # Reasonable adjustments: requested by the admin or the learner's assessor, decided by the admin, read by
    # whoever may open the portfolio; the centre's register for its admins and IQAs.
    "portfolio:adjustment-create": Route(get=IDENTITY_CHECK, kwargs=_registration),
    "portfolio:adjustment-detail": Route(get=PORTFOLIO_READ, kwargs=lambda s: {"pk": s.adjustment.pk}),
    "portfolio:adjustment-decide": post_only(
        expect(ok=("admin",), e403=("learner", "assessor", "iqa")), kwargs=lambda s: {"pk": s.adjustment.pk}
    ),
    "portfolio:adjustment-files": post_only(
        expect(ok=("admin", "assessor"), e403=("learner", "iqa")), kwargs=lambda s: {"pk": s.adjustment.pk}
    ),
    "portfolio:adjustment-file": Route(get=PORTFOLIO_READ, kwargs=lambda s: {"pk": s.adjustment_file.pk}),
    "portfolio:adjustment-register": Route(get=CENTRE_ADMIN_OR_IQA, kwargs=lambda s: {"centre_pk": s.centre.pk}),
    "portfolio:adjustment-register-csv": Route(get=CENTRE_ADMIN_OR_IQA, kwargs=lambda s: {"centre_pk": s.centre.pk}),
    "portfolio:registration-withdraw": Route(get=REGISTRATION_ADMIN, kwargs=_registration),
    "portfolio:registration-complete": Route(get=REGISTRATION_ADMIN, kwargs=_registration),
    # --- Portfolio: evidence, judgement, countersignature, witnesses ------------------------------------------
    "portfolio:my-portfolio": Route(get=SIGNED_IN),
    # --- Observations and professional discussions: the learner's assessor records; the learner confirms ---------
    "observations:observation-new": Route(get=EVIDENCE_ASSESSOR_ONLY, kwargs=_registration_pk),
    "observations:discussion-new": Route(get=EVIDENCE_ASSESSOR_ONLY, kwargs=_registration_pk),
    "observations:record-confirm": Route(
        get=expect(ok=("learner",), e403=("assessor", "iqa", "admin")),
        kwargs=lambda s: {"pk": s.observation_record.pk},
        data=lambda s: {"content_hash": s.observation_record.content_hash},
    ),
    "portfolio:registration-portfolio": Route(get=PORTFOLIO_READ, kwargs=_registration),
    # The evidence map: the learner, their assessor and an IQA who may sample them; the centre admin gets 403.
    "portfolio:evidence-map": Route(
        get=expect(ok=("learner", "assessor", "iqa"), e403=("admin",)), kwargs=_registration
    ),
    "portfolio:evidence-create": Route(get=LEARNER_OR_ASSESSOR, kwargs=_registration),
    "portfolio:unit-progress": Route(
        get=PORTFOLIO_READ, kwargs=lambda s: {"pk": s.registration.pk, "unit_pk": s.unit.pk}
    ),
    "portfolio:criterion-decide": post_only(
        expect(ok=("assessor",), e403=("learner", "iqa", "admin")),
        kwargs=lambda s: {"pk": s.registration.pk, "criterion_pk": s.criterion.pk},
    ),
    "portfolio:witness-invite": Route(get=LEARNER_OR_ASSESSOR, kwargs=_registration),
    "portfolio:evidence-detail": Route(get=REGISTRATION_READ, kwargs=_evidence),
    "portfolio:evidence-files": Route(get=EVIDENCE_AUTHOR, kwargs=_evidence),
    "portfolio:evidence-link": Route(get=EVIDENCE_AUTHOR, kwargs=_evidence),
    # A draft: an EQA never sees drafts.
    "portfolio:evidence-submit": post_only(
        expect(ok=("learner",), e403=("assessor", "iqa", "admin")), kwargs=lambda s: {"pk": s.draft_evidence.pk}
    ),
    "portfolio:evidence-withdraw": Route(
        get=expect(ok=("learner", "assessor"), e403=("iqa", "admin", "eqa_shared")), kwargs=_evidence
    ),
    "portfolio:evidence-new-version": Route(get=EVIDENCE_AUTHOR, kwargs=_evidence),
    "portfolio:evidence-judge": Route(get=EVIDENCE_ASSESSOR, kwargs=_evidence),
    "portfolio:file-download": Route(get=EVIDENCE_FILE_READ, kwargs=lambda s: {"pk": s.evidence_file.pk}),
    "portfolio:file-thumbnail": Route(get=EVIDENCE_FILE_READ, kwargs=lambda s: {"pk": s.evidence_file.pk}),
    "portfolio:file-page": Route(get=EVIDENCE_FILE_READ, kwargs=lambda s: {"pk": s.pdf_file.pk, "page": 1}),
    "portfolio:assessor-queue": Route(get=ASSESSORS),
    "portfolio:countersign-queue": Route(get=ASSESSORS),
    # The trainee's judgement: only their countersignatory (`assessor`) may confirm it.
    "portfolio:countersign": post_only(
        expect(ok=("assessor",), e403=("iqa", "admin")),
        kwargs=lambda s: {"kind": "link", "pk": s.trainee_link.pk},
        data=lambda s: {"outcome": "confirm", "note": "Seen the observation record."},
    ),
    # Confirming every decision on a piece of evidence at once: only the trainee's countersignatory (`assessor`).
    "portfolio:countersign-evidence": post_only(
        expect(ok=("assessor",), e403=("iqa", "admin")), kwargs=lambda s: {"pk": s.trainee_evidence.pk}
    ),
    "portfolio:witness-testimony": Route(get=EVERYONE, kwargs=lambda s: {"token": s.witness_token}),
    # RPL: the learner and the centre's staff in scope read claims; the assessor records and decides; the IQA checks.
    "portfolio:rpl-list": Route(get=PORTFOLIO_READ, kwargs=_registration),
    "portfolio:rpl-create": Route(get=expect(ok=("assessor",), e403=("learner", "iqa", "admin")), kwargs=_registration),
    "portfolio:rpl-detail": Route(get=PORTFOLIO_READ, kwargs=lambda s: {"pk": s.rpl_claim.pk}),
    "portfolio:rpl-decide": post_only(
        expect(ok=("assessor",), e403=("learner", "iqa", "admin")), kwargs=lambda s: {"pk": s.rpl_claim.pk}
    ),
    "portfolio:rpl-check": post_only(
        expect(ok=("iqa",), e403=("learner", "assessor", "admin")), kwargs=lambda s: {"pk": s.decided_rpl_claim.pk}
    ),
    # --- Conversations (conversations.services): the learner and their assessor post (an IQA too where they sample
    # the work: `iqa` has sampled no unit here); the centre admin reads; others who can open the page get 403.
    "conversations:evidence-thread": Route(
        get=expect(ok=("learner", "assessor", "admin"), e403=("iqa", "eqa_shared")),
        post=expect(ok=("learner", "assessor"), e403=("iqa", "admin", "eqa_shared")),
        kwargs=_evidence,
        data=lambda s: {"body": "Is the customer record enough for 1.2?"},
    ),
    "conversations:unit-thread": Route(
        get=expect(ok=("learner", "assessor", "admin"), e403=("iqa",)),
        post=expect(ok=("learner", "assessor"), e403=("iqa", "admin")),
        kwargs=lambda s: {"pk": s.registration.pk, "unit_pk": s.unit.pk},
        data=lambda s: {"body": "When can we plan the observation?"},
    ),
    # --- Tracking sheets, sign-off, jobs ---------------------------------------------------------------------
    "tracking:registration": Route(get=REGISTRATION_READ, kwargs=_sheet_registration),
    "tracking:registration-pdf": post_only(REGISTRATION_READ, kwargs=_sheet_registration),
    # The portable portfolio (exchange): the learner's own and the centre admin's; others who see it get 403.
    "exchange:portfolio-export": Route(
        get=expect(ok=("learner", "admin"), e403=("assessor", "iqa", "eqa_shared")), kwargs=_registration
    ),
    # Importing a portfolio from another centre: the importing centre's admins only.
    "exchange:portfolio-import": Route(get=CENTRE_ADMIN, kwargs=lambda s: {"centre_pk": s.centre.pk}),
    # What was imported into a registration, and its files: whoever may open the portfolio.
    "exchange:imported": Route(get=PORTFOLIO_READ, kwargs=lambda s: {"pk": _imported_file(s).registration_id}),
    "exchange:imported-file": Route(get=PORTFOLIO_READ, kwargs=lambda s: {"pk": _imported_file(s).pk}),
    "tracking:sheet": Route(get=REGISTRATION_READ, kwargs=_sheet),
    "tracking:sheet-pdf": Route(get=REGISTRATION_READ, kwargs=_sheet),
    # Signing as the learner: only the learner (the other roles are in SIGNING below). Readers of the sheet who
    # may not sign in that role are refused with 403.
    "tracking:sign": post_only(
        expect(ok=("learner",), e403=("assessor", "iqa", "admin", "eqa_shared")),
        kwargs=_sheet,
        data=lambda s: sign_data("learner"),
    ),
    # Only the learner's assessor reopens a unit.
    "tracking:reopen": post_only(
        expect(ok=("assessor",), e403=("learner", "iqa", "admin", "eqa_shared")),
        kwargs=_sheet,
        data=lambda s: {"reason": "The evidence list was incomplete."},
    ),
    # Carrying a unit over (and withdrawing it): the learner's assessor or the centre admin; others who can read the
    # registration are refused with 403 (an EQA never opens the whole portfolio a carry belongs to: 404).
    "tracking:carry-over": post_only(
        expect(ok=("assessor", "admin"), e403=("learner", "iqa", "eqa_shared")), kwargs=_sheet_registration
    ),
    "tracking:carry-withdraw": post_only(
        expect(ok=("assessor", "admin"), e403=("learner", "iqa")), kwargs=lambda s: {"pk": s.carry.pk}
    ),
    # A job (here the assessor's whole-registration PDF) is seen only by the person who asked for it.
    "tracking:job-status": Route(get=expect(ok=("assessor",)), kwargs=lambda s: {"pk": s.job.pk}),
    "tracking:job-download": Route(get=expect(ok=("assessor",)), kwargs=lambda s: {"pk": s.job.pk}),
    # --- Quality: IQA plans, samples, actions ----------------------------------------------------------------
    "quality:plan-list": Route(get=IQA_PAGES),
    "quality:plan-create": Route(get=IQA_PAGES),
    # An EQA reads the plan of a qualification of which a learner is shared with them.
    "quality:plan-detail": Route(get=expect(ok=("iqa", "eqa_shared")), kwargs=_plan),
    "quality:plan-rate": post_only(PLAN_IQA, kwargs=_plan),
    "quality:plan-rate-clear": post_only(PLAN_IQA, kwargs=_plan),
    "quality:plan-refresh": post_only(PLAN_IQA, kwargs=_plan),
    "quality:sample-start": Route(get=expect(ok=("iqa",), deny=ACTORS[1:]), kwargs=_plan),
    "quality:sample-create": Route(
        get=expect(ok=("iqa",), deny=ACTORS[1:]),
        kwargs=lambda s: {"pk": s.plan.pk, "registration_pk": s.registration.pk, "kind": "interim"},
    ),
    "quality:sample-detail": Route(
        get=expect(ok=("iqa", "assessor", "eqa_shared")), kwargs=lambda s: {"pk": s.sample.pk}
    ),
    # Any IQA may open the countersigning page; it lists only the samples waiting for them.
    "quality:countersign-queue": Route(get=IQA_PAGES),
    # The trainee IQA's sample: only their countersignatory (`iqa`) may confirm it; the others who can read the
    # sample (its assessor, the EQA it is shared with) are refused with 403, everyone else cannot see it (404).
    "quality:sample-countersign": post_only(
        expect(ok=("iqa",), e403=("assessor", "eqa_shared")),
        kwargs=lambda s: {"pk": s.trainee_sample.pk},
        data=lambda s: {"outcome": "confirm", "note": ""},
    ),
    "quality:action-list": Route(get=expect(ok=("assessor", "other_assessor", "iqa"), rest=E403)),
    # The assessor the action is for completes it; an IQA of the centre closes it. Each refuses the other.
    "quality:action-complete": post_only(
        expect(ok=("assessor",), e403=("iqa",)),
        kwargs=lambda s: {"pk": s.action.pk},
        data=lambda s: {"note": "Questions now recorded."},
    ),
    "quality:action-close": post_only(
        expect(ok=("iqa",), e403=("assessor",)),
        kwargs=lambda s: {"pk": s.action.pk},
        data=lambda s: {"note": "Seen."},
    ),
    # --- Quality: EQA shares and the EQA's pages -------------------------------------------------------------
    "quality:share-list": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "quality:share-create": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "quality:share-detail": Route(get=expect(ok=("admin",)), kwargs=lambda s: {"pk": s.share.pk}),
    "quality:share-revoke": post_only(expect(ok=("admin",)), kwargs=lambda s: {"pk": s.share.pk}),
    "quality:pack-request": post_only(expect(ok=("admin", "eqa_shared")), kwargs=lambda s: {"pk": s.share.pk}),
    "quality:eqa-home": Route(get=expect(ok=EQAS, rest=E403)),
    "quality:eqa-registration": Route(get=EQA_ONLY, kwargs=_registration),
    "quality:eqa-comment": post_only(EQA_ONLY, kwargs=_registration),
    "quality:eqa-sign": post_only(EQA_ONLY, kwargs=lambda s: {"pk": s.registration.pk, "unit_pk": s.unit.pk}),
    "quality:eqa-staff": Route(get=expect(ok=("eqa_shared",), e404=("eqa_unshared",), rest=E403), kwargs=_centre_pk),
    # --- Quality: certification ------------------------------------------------------------------------------
    "quality:standardisation-list": Route(get=expect(ok=("assessor", "other_assessor", "iqa"), rest=E403)),
    "quality:standardisation-create": Route(get=IQA_PAGES),
    "quality:standardisation-detail": Route(get=expect(ok=("assessor", "iqa"), e403=NOT_TAKING_PART), kwargs=_activity),
    # `assessor` has submitted (a second submission is refused with a message); the IQA is not invited to judge.
    "quality:standardisation-judge": post_only(
        expect(ok=("assessor",), e403=(*NOT_TAKING_PART, "iqa")), kwargs=_activity
    ),
    # While judging is open the IQA sees who submitted, not the judgements; `assessor` has submitted.
    "quality:standardisation-results": Route(
        get=expect(ok=("assessor",), e403=(*NOT_TAKING_PART, "iqa")), kwargs=_activity
    ),
    "quality:standardisation-close-judging": post_only(STANDARDISATION_IQA, kwargs=_activity),
    "quality:standardisation-outcomes": post_only(STANDARDISATION_IQA, kwargs=_activity),
    "quality:standardisation-action": post_only(STANDARDISATION_IQA, kwargs=_activity),
    "quality:standardisation-close": post_only(STANDARDISATION_IQA, kwargs=_activity),
    "quality:certification": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "quality:certification-csv": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "quality:claim-create": post_only(expect(ok=("admin",)), kwargs=_registration),
    "quality:claim-certificate": post_only(expect(ok=("admin",)), kwargs=lambda s: {"pk": s.claim.pk}),
    # --- Planning: assessment plans, visits, the calendar and its feed -----------------------------------------
    "planning:registration-plans": Route(get=PORTFOLIO_READ, kwargs=_registration_pk),
    "planning:plan-create": Route(get=PLAN_ASSESSOR, post=PLAN_ASSESSOR, kwargs=_registration_pk),
    "planning:plan-detail": Route(get=PORTFOLIO_READ, kwargs=_assessment_plan),
    "planning:plan-revise": Route(get=PLAN_ASSESSOR, post=PLAN_ASSESSOR, kwargs=_assessment_plan),
    # A stale hash: the learner and assessor are taken (and told it changed); anyone else is refused.
    "planning:plan-sign": post_only(
        expect(ok=("learner", "assessor"), e403=("iqa", "admin")),
        kwargs=_assessment_plan,
        data=lambda s: {"content_hash": "0" * 64, "agree": "on"},
    ),
    "planning:calendar": Route(get=ASSESSORS),
    "planning:visit-create": Route(get=ASSESSORS, post=ASSESSORS),
    "planning:visit-detail": Route(get=VISIT_READ, kwargs=_visit),
    "planning:visit-edit": Route(get=VISIT_OWNER, post=VISIT_OWNER, kwargs=_visit),
    "planning:visit-cancel": post_only(VISIT_OWNER, kwargs=_visit, data=lambda s: {"reason": "Store closed"}),
    "planning:feed": Route(get=SIGNED_IN),
    "planning:feed-new": post_only(SIGNED_IN),
    "planning:feed-revoke": post_only(SIGNED_IN),
    # The secret token is the key: anyone holding it reads the feed, signed in or not.
    "planning:ical": Route(get=EVERYONE, kwargs=lambda s: {"token": s.feed_token}),
    # --- Apprenticeships ---------------------------------------------------------------------------------------
    "apprenticeships:detail": Route(get=PORTFOLIO_READ, kwargs=_apprentice),
    # The registration already has its apprenticeship: the admin is sent to it.
    "apprenticeships:setup": Route(get=APPRENTICESHIP_ADMIN, kwargs=_apprentice),
    "apprenticeships:employer-change": Route(get=APPRENTICESHIP_ADMIN, kwargs=_apprentice),
    "apprenticeships:details-change": Route(get=APPRENTICESHIP_ADMIN, kwargs=_apprentice),
    # The learner and the provider record OTJ training; the IQA reads the log.
    "apprenticeships:otj": Route(
        get=PORTFOLIO_READ, post=expect(ok=("learner", "assessor", "admin"), e403=("iqa",)), kwargs=_apprentice
    ),
    "apprenticeships:ksb": Route(get=PORTFOLIO_READ, kwargs=_apprentice),
    "apprenticeships:gateway": Route(get=PORTFOLIO_READ, kwargs=_apprentice),
    "apprenticeships:gateway-english-maths": post_only(
        APPRENTICESHIP_PROVIDER, kwargs=_apprentice, data=lambda s: {"evidence": "GCSE maths grade 4"}
    ),
    "apprenticeships:gateway-declare": post_only(
        expect(ok=("learner",), e403=("assessor", "iqa", "admin")), kwargs=_apprentice, data=lambda s: {"confirm": "on"}
    ),
    # The gateway pack: the apprentice's assessor and the centre admins (not ready here: they are sent back with
    # the reason); the learner and the IQA, who read the portfolio, are refused.
    "apprenticeships:gateway-pack": post_only(
        APPRENTICESHIP_PROVIDER, kwargs=_apprentice, data=lambda s: {"format": "zip"}
    ),
    "apprenticeships:break-add": post_only(APPRENTICESHIP_PROVIDER, kwargs=_apprentice),
    "apprenticeships:break-end": post_only(
        APPRENTICESHIP_PROVIDER,
        kwargs=lambda s: {"pk": s.break_in_learning.pk},
        data=lambda s: {"ends_on": s.break_in_learning.starts_on.isoformat()},
    ),
    # The centre admin manages the employer contacts of their centre's employers (others at the centre: 403).
    "apprenticeships:employer-contacts": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "apprenticeships:contact-invite": post_only(CENTRE_ADMIN, kwargs=lambda s: {"pk": s.employer_contact.pk}),
    "apprenticeships:contact-deactivate": post_only(
        CENTRE_ADMIN, kwargs=lambda s: {"pk": s.employer_contact.pk}, data=lambda s: {"confirm": "on"}
    ),
    "apprenticeships:plan-sign": post_only(
        APPRENTICESHIP_PROVIDER,
        kwargs=lambda s: {"pk": s.training_plan.pk},
        data=lambda s: {"role": "provider", "content_hash": s.training_plan.content_hash},
    ),
    "apprenticeships:plan-link": post_only(APPRENTICESHIP_PROVIDER, kwargs=lambda s: {"pk": s.training_plan.pk}),
    "apprenticeships:otj-verify": post_only(APPRENTICESHIP_PROVIDER, kwargs=lambda s: {"pk": s.otj_entry.pk}),
    "apprenticeships:otj-csv": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "apprenticeships:centre-settings": Route(get=CENTRE_ADMIN, kwargs=_centre_pk),
    "apprenticeships:review": Route(
        get=PORTFOLIO_READ, post=APPRENTICESHIP_PROVIDER, kwargs=lambda s: {"pk": s.review.pk}
    ),
    "apprenticeships:review-sign": post_only(
        APPRENTICESHIP_PROVIDER,
        kwargs=lambda s: {"pk": s.review.pk},
        data=lambda s: {"role": "provider", "content_hash": s.review.content_hash},
    ),
    "apprenticeships:review-link": post_only(APPRENTICESHIP_PROVIDER, kwargs=lambda s: {"pk": s.review.pk}),
    # The employer contact's own pages: everyone else is refused with 403 (another employer's apprentice is a 404:
    # tests/apprenticeships/test_views.py).
    "apprenticeships:employer-home": Route(get=EMPLOYER_PAGES),
    "apprenticeships:employer-apprentice": Route(get=EMPLOYER_PAGES, kwargs=lambda s: {"pk": s.apprenticeship.pk}),
    # Their apprentice's evidence file, as the scenario's centre lets employers see evidence (off: 403, another
    # employer's apprentice: 404, in tests/apprenticeships/test_employer_evidence_files.py).
    "apprenticeships:employer-evidence-file": Route(get=EMPLOYER_PAGES, kwargs=lambda s: {"pk": s.evidence_file.pk}),
    "apprenticeships:employer-gateway-confirm": post_only(
        EMPLOYER_PAGES, kwargs=lambda s: {"pk": s.apprenticeship.pk}, data=lambda s: {"confirm": "on"}
    ),
    # The one-time link: no account needed.
    "apprenticeships:employer-sign": Route(get=EVERYONE, kwargs=lambda s: {"token": s.employer_token}),
}


# Signing the tracking sheet in each role: who may sign in it ("ok"; the state may still refuse with a message),
# who reads the sheet but may not (403), who cannot see it (404).
SIGNING: dict[str, tuple[Callable, dict]] = {
    "assessor": (_sheet, expect(ok=("assessor",), e403=("learner", "iqa", "admin", "eqa_shared"))),
    # The trainee assessor's learner: only the trainee's countersignatory (`assessor`) countersigns their sheets.
    "countersigner": (
        lambda s: {"registration_pk": s.trainee_registration.pk, "unit_pk": s.trainee_unit.pk},
        expect(ok=("assessor",), e403=("iqa", "admin")),
    ),
    "iqa": (_sheet, expect(ok=("iqa",), e403=("learner", "assessor", "admin", "eqa_shared"))),
    "eqa": (_sheet, expect(ok=("eqa_shared",), e403=("learner", "assessor", "iqa", "admin"))),
}


# --- The URL configuration ---------------------------------------------------------------------------------


def url_names() -> tuple[set[str], list[str]]:
    """Every named route as "namespace:name" (the admin left out), and the patterns that have no name."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(resolver, prefix: str, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                if getattr(pattern.urlconf_module, "__name__", "").startswith(SKIPPED_URLCONFS):
                    continue
                walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    unnamed.append(prefix + str(pattern.pattern))
                else:
                    names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver(), "", None)
    return names, unnamed


# --- The requests ------------------------------------------------------------------------------------------


def classify(response) -> str:
    status = response.status_code
    if status in (301, 302, 303):
        location = urlparse(response["Location"]).path
        return "login" if location == reverse("login") else "ok"
    if status in (200, 201, 204, 400):
        return "ok"
    return str(status)


def actor_user(scenario, actor: str):
    return None if actor == "anonymous" else getattr(scenario, actor)


def query_string(query: dict) -> str:
    from urllib.parse import urlencode

    return f"?{urlencode(query)}" if query else ""
