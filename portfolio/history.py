"""What an entry of a piece of evidence's history says, in the reader's language.

The audit history stores each event's summary in English, as recorded (centres.models.Event: append-only). A page
reads an entry from its action and its data, so a learner reading Welsh reads it in Welsh; an action not described
here (or an older event without the data) shows its stored summary."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext

from portfolio.models import EvidenceLink


def _evidence_created(data: dict) -> str:
    return gettext("Added evidence %(reference)s: %(title)s") % {
        "reference": data["evidence_reference"],
        "title": data["title"],
    }


def _new_version(data: dict) -> str:
    return gettext("Added version %(version)s of evidence %(reference)s") % {
        "version": data["evidence_version"],
        "reference": data["evidence_reference"],
    }


def _files_added(data: dict) -> str:
    return gettext("Added %(count)s file(s) to evidence %(reference)s") % {
        "count": len(data["files"]),
        "reference": data["evidence_reference"],
    }


def _submitted(data: dict) -> str:
    return gettext("Submitted evidence %(reference)s for assessment") % {"reference": data["evidence_reference"]}


def _withdrawn(data: dict) -> str:
    return gettext("Withdrew evidence %(reference)s: %(reason)s") % {
        "reference": data["evidence_reference"],
        "reason": data["reason"],
    }


def _linked(data: dict) -> str:
    return gettext("Linked evidence %(reference)s to %(criteria)s") % {
        "reference": data["evidence_reference"],
        "criteria": ", ".join(data["criteria"]),
    }


def _unlinked(data: dict) -> str:
    return gettext("Unlinked evidence %(reference)s from %(criteria)s") % {
        "reference": data["evidence_reference"],
        "criteria": ", ".join(data["criteria"]),
    }


def _judged(data: dict) -> str:
    return gettext("%(outcome)s evidence %(reference)s for %(criterion)s") % {
        "outcome": EvidenceLink.Status(data["outcome"]).label,
        "reference": data["evidence_reference"],
        "criterion": data["criterion"],
    }


def _feedback(data: dict) -> str:
    return gettext("Feedback on evidence %(reference)s") % {"reference": data["evidence_reference"]}


def _link_countersigned(data: dict) -> str:
    confirmed = data["outcome"] == "confirmed"
    sentence = (
        gettext("Confirmed the judgement of evidence %(reference)s for %(criterion)s")
        if confirmed
        else gettext("Overturned the judgement of evidence %(reference)s for %(criterion)s")
    )
    return sentence % {"reference": data["evidence_reference"], "criterion": data["criterion"]}


def _decision_countersigned(data: dict) -> str:
    confirmed = data["outcome"] == "confirmed"
    sentence = (
        gettext("Confirmed “met” for %(criterion)s") if confirmed else gettext("Overturned “met” for %(criterion)s")
    )
    return sentence % {"criterion": data["criterion"]}


def _marked_met(data: dict) -> str:
    from datetime import date

    met_on = date.fromisoformat(data["met_on"])
    return gettext("Marked %(criterion)s met on %(date)s") % {
        "criterion": data["criterion"],
        "date": met_on.strftime("%d/%m/%Y"),
    }


def _unmarked(data: dict) -> str:
    if data.get("reason"):
        return gettext("Unmarked %(criterion)s: %(reason)s") % {
            "criterion": data["criterion"],
            "reason": data["reason"],
        }
    return gettext("Unmarked %(criterion)s") % {"criterion": data["criterion"]}


DESCRIBE: dict[str, Callable[[dict], str]] = {
    "evidence.created": _evidence_created,
    "evidence.new_version": _new_version,
    "evidence.files_added": _files_added,
    "evidence.submitted": _submitted,
    "evidence.withdrawn": _withdrawn,
    "evidence.linked": _linked,
    "evidence.unlinked": _unlinked,
    "link.judged": _judged,
    "evidence.feedback": _feedback,
    "link.countersigned": _link_countersigned,
    "decision.countersigned": _decision_countersigned,
    "criterion.marked_met": _marked_met,
    "criterion.unmarked": _unmarked,
}


def describe(event) -> str:
    """The entry's sentence in the active language, or its stored summary when the action (or its data) is not one
    described here."""
    describer = DESCRIBE.get(event.action)
    if describer is None:
        return event.summary
    try:
        return describer(event.data or {})
    except (KeyError, TypeError, ValueError):  # an older event recorded without these fields
        return event.summary
