"""allauth adapters: accounts are made by centres and invitations, never by signing up, and single sign-on only
ever signs in a person who already has an account."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from .policy import mfa_required


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins are counted per account *and* client address (ACCOUNT_RATE_LIMITS["login_failed"], the
        client address as the trusted proxies saw it): someone guessing at an account from one address cannot lock
        its owner out everywhere else. Guessing from one address at many accounts meets the per-address limit."""
        return f"{self.get_client_ip(request)}:{super()._get_login_attempts_cache_key(request, **credentials)}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # An email the provider vouches for but no account here has: refused (allauth shows "sign-up closed").
        return False

    def authenticate_by_email(self, sociallogin):
        """allauth's match of the provider's verified email to an active account. The address on our account was
        given by the centre and confirmed through the invitation, so it is recorded as verified: allauth would
        otherwise take the password away from an account whose address it has not seen verified."""
        found = super().authenticate_by_email(sociallogin)
        if found is None:
            return None
        user, email = found
        if not user.is_active:
            return None
        EmailAddress.objects.update_or_create(
            user=user, email__iexact=email, defaults={"email": email.lower(), "verified": True}
        )
        return found


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Whoever must use MFA keeps at least one way to do it (recovery codes alone do not count)."""
        if not mfa_required(authenticator.user):
            return True
        others = Authenticator.objects.filter(user_id=authenticator.user_id).exclude(
            type=Authenticator.Type.RECOVERY_CODES
        )
        return others.exclude(pk=authenticator.pk).exists()
