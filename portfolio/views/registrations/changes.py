"""The centre admin's changes to a registration: assessor, IQA, tutor, withdrawn or completed."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from centres.access import has_role
from centres.models import Role
from portfolio.access import get_registration_for
from portfolio.registration_forms import ChangeIqaForm, ChangeTutorForm, CompleteForm, MoveAssessorForm, WithdrawForm
from portfolio.services import registration as services

from ._record import change_record


def _admin_change(form_class, template: str, service, success: str, *, staff_choice: bool = True):
    """A centre admin's change: the form's fields are the service's keyword arguments; a staff choice lists the
    registration's centre's people."""

    @login_required
    def view(request, pk: int):
        registration = get_registration_for(request.user, pk)
        if not has_role(request.user, Role.CENTRE_ADMIN, registration.centre):
            raise PermissionDenied("Only the centre admin may change a registration.")
        return change_record(
            request,
            registration,
            form_class(request.POST or None, **({"centre": registration.centre} if staff_choice else {})),
            template=f"portfolio/registrations/{template}",
            call=lambda data: service(actor=request.user, registration=registration, **data),
            success=success,
        )

    return view


registration_move = _admin_change(
    MoveAssessorForm, "move.html", services.move_to_assessor, _("The learner has a new assessor.")
)
registration_change_iqa = _admin_change(
    ChangeIqaForm, "change_iqa.html", services.change_iqa, _("The learner has a new IQA.")
)
registration_change_tutor = _admin_change(
    ChangeTutorForm, "change_tutor.html", services.change_tutor, _("The learner's tutor is recorded.")
)
registration_withdraw = _admin_change(
    WithdrawForm,
    "withdraw.html",
    services.withdraw_registration,
    _("The registration is withdrawn. Its record and history are kept."),
    staff_choice=False,
)
registration_complete = _admin_change(
    CompleteForm,
    "complete.html",
    services.complete_registration,
    _("The registration is completed."),
    staff_choice=False,
)
