from django.urls import path

from . import views

app_name = "apprenticeships"

urlpatterns = [
    path("registrations/<int:pk>/", views.detail, name="detail"),
    path("registrations/<int:pk>/set-up/", views.setup, name="setup"),
    path("registrations/<int:pk>/details/", views.details_change, name="details-change"),
    path("registrations/<int:pk>/employer/", views.employer_change, name="employer-change"),
    path("registrations/<int:pk>/otj/", views.otj, name="otj"),
    path("registrations/<int:pk>/ksb/", views.ksb, name="ksb"),
    path("registrations/<int:pk>/gateway/", views.gateway, name="gateway"),
    path("registrations/<int:pk>/gateway/english-maths/", views.gateway_english_maths, name="gateway-english-maths"),
    path("registrations/<int:pk>/gateway/declaration/", views.gateway_declare, name="gateway-declare"),
    path("registrations/<int:pk>/gateway/pack/", views.gateway_pack, name="gateway-pack"),
    path("registrations/<int:pk>/breaks/", views.break_add, name="break-add"),
    path("breaks/<int:pk>/end/", views.break_end, name="break-end"),
    path("plans/<int:pk>/sign/", views.plan_sign, name="plan-sign"),
    path("plans/<int:pk>/employer-link/", views.plan_link, name="plan-link"),
    path("otj/<int:pk>/verify/", views.otj_verify, name="otj-verify"),
    path("centres/<int:centre_pk>/otj.csv", views.otj_csv, name="otj-csv"),
    path("centres/<int:centre_pk>/settings/", views.centre_settings, name="centre-settings"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("reviews/<int:pk>/sign/", views.review_sign, name="review-sign"),
    path("reviews/<int:pk>/employer-link/", views.review_link, name="review-link"),
    path("centres/<int:centre_pk>/employer-contacts/", views.employer_contacts, name="employer-contacts"),
    path("employer-contacts/<int:pk>/invite/", views.contact_invite, name="contact-invite"),
    path("employer-contacts/<int:pk>/deactivate/", views.contact_deactivate, name="contact-deactivate"),
    path("employer/", views.employer_home, name="employer-home"),
    path("employer/apprentices/<int:pk>/", views.employer_apprentice, name="employer-apprentice"),
    path("employer/apprentices/<int:pk>/gateway/", views.employer_gateway_confirm, name="employer-gateway-confirm"),
    path("employer/files/<int:pk>/", views.employer_evidence_file, name="employer-evidence-file"),
    path("sign/<str:token>/", views.employer_sign, name="employer-sign"),
]
