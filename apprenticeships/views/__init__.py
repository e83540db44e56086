"""Apprenticeship pages, by concern: each view fetches through a scoped lookup (another centre's or employer's
record is a 404) and calls a service; a person of the right centre in the wrong role gets a 403."""

from .contacts import contact_deactivate, contact_invite, employer_contacts  # noqa: F401
from .employer import (  # noqa: F401
    employer_apprentice,
    employer_evidence_file,
    employer_gateway_confirm,
    employer_home,
)
from .gateway import gateway, gateway_declare, gateway_english_maths, gateway_pack, ksb  # noqa: F401
from .otj import otj, otj_csv, otj_verify  # noqa: F401
from .reviews import employer_sign, review, review_link, review_sign  # noqa: F401
from .setup import (  # noqa: F401
    break_add,
    break_end,
    centre_settings,
    detail,
    details_change,
    employer_change,
    plan_link,
    plan_sign,
    setup,
)
