"""Authentication on django-allauth: who must use multi-factor authentication, the adapters that close sign-up and
match single sign-on to existing accounts only, and the middleware that sends people who need MFA to set it up."""
