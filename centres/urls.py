from allauth.account import views as account_views
from django.urls import include, path

from . import views

centre_patterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("<int:centre_id>/settings/", views.centre_settings, name="centre-settings"),
    path("<int:centre_id>/staff/", views.staff_list, name="staff-list"),
    path("<int:centre_id>/staff/add/", views.staff_add, name="staff-add"),
    path("<int:centre_id>/staff/<int:pk>/", views.membership_edit, name="membership-edit"),
    path("<int:centre_id>/staff/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("<int:centre_id>/staff/<int:pk>/cpd/", views.membership_cpd_add, name="membership-cpd-add"),
    path("<int:centre_id>/cpd/", views.my_cpd, name="my-cpd"),
    path("<int:centre_id>/people/<int:user_id>/invite/", views.invitation_resend, name="invitation-resend"),
    path("<int:centre_id>/interests/", views.interest_list, name="interest-list"),
]

urlpatterns = [
    path("", include("dashboard.urls")),
    # Signing in and out, password reset, MFA and single sign-on are django-allauth's (docs/deploy.md, "Sign-in");
    # "login" and "logout" keep the names the pages and tests use.
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", account_views.logout, name="logout"),
    path("accounts/language/", views.language_choice, name="language"),
    path("accounts/", include("allauth.urls")),
    path("centres/", include((centre_patterns, "centres"))),
]
