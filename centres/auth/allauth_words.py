"""Words of django-allauth's sign-in and password-reset pages, listed so that our Welsh catalogue carries them.

allauth has no Welsh catalogue of its own; Django's covers "Email", "Password" and "Email address". Gettext looks a
message up in every catalogue, so translating allauth's own message ids in locale/cy/LC_MESSAGES/django.po turns its
pages Welsh for anyone reading in Welsh. Nothing imports this module: `manage.py makemessages` reads it."""

from django.utils.translation import gettext_noop

ALLAUTH_WORDS = (
    gettext_noop("Forgot your password?"),
    gettext_noop("Password Reset"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it."
    ),
    gettext_noop("Reset My Password"),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us "
        "if you do not receive it in a few minutes."
    ),
    gettext_noop("Change Password"),
    gettext_noop("Bad Token"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Your password is now changed."),
    gettext_noop("Sign Out"),
    gettext_noop("Are you sure you want to sign out?"),
)
