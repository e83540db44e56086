"""The interface's language, chosen per person: English or Welsh (settings.LANGUAGES).

Anyone not signed in, and anyone who has not chosen, gets the browser's language (Django's LocaleMiddleware reads
Accept-Language); a signed-in person's choice (User.language) goes over it on every request. Qualification content is
not translated: it stays in the language of its specification."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User, record_event

BROWSER_LANGUAGE = ""


def language_choices() -> list[tuple[str, str]]:
    return [(BROWSER_LANGUAGE, _("My browser's language")), *settings.LANGUAGES]


@transaction.atomic
def set_language(*, actor: User, language: str) -> User:
    """Record the person's own choice of language (blank: follow the browser), in the audit history."""
    if language not in dict(language_choices()):
        raise ValueError(f"Unknown language {language!r}")
    user = User.objects.select_for_update().get(pk=actor.pk)
    if user.language == language:
        return user
    before = user.language
    user.language = language
    user.save(update_fields=["language"])
    record_event(
        action="user.language_changed",
        obj=user,
        actor=actor,
        summary=f"Interface language: {language or 'the browser'}",
        before=before,
        after=language,
    )
    return user


class PersonLanguageMiddleware:
    """After LocaleMiddleware and the session's user: a signed-in person's chosen language for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
