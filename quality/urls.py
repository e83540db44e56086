from django.urls import path

from .views import certification, eqa, plans, samples, standardisation

app_name = "quality"

urlpatterns = [
    path("plans/", plans.plan_list, name="plan-list"),
    path("plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/rates/", plans.plan_rate, name="plan-rate"),
    path("plans/<int:pk>/rates/clear/", plans.plan_rate_clear, name="plan-rate-clear"),
    path("plans/<int:pk>/rates/refresh/", plans.plan_refresh, name="plan-refresh"),
    path("plans/<int:pk>/samples/new/", samples.sample_start, name="sample-start"),
    path(
        "plans/<int:pk>/samples/new/<int:registration_pk>/<str:kind>/",
        samples.sample_review,
        name="sample-create",
    ),
    path("samples/<int:pk>/", samples.sample_detail, name="sample-detail"),
    path("samples/countersign/", samples.countersign_queue_view, name="countersign-queue"),
    path("samples/<int:pk>/countersign/", samples.sample_countersign, name="sample-countersign"),
    path("actions/", samples.action_list, name="action-list"),
    path("actions/<int:pk>/complete/", samples.action_complete, name="action-complete"),
    path("actions/<int:pk>/close/", samples.action_close, name="action-close"),
    path("centres/<int:centre_pk>/shares/", eqa.share_list, name="share-list"),
    path("centres/<int:centre_pk>/shares/new/", eqa.share_create, name="share-create"),
    path("shares/<int:pk>/", eqa.share_detail, name="share-detail"),
    path("shares/<int:pk>/revoke/", eqa.share_revoke, name="share-revoke"),
    path("shares/<int:pk>/pack/", eqa.pack_request, name="pack-request"),
    path("eqa/", eqa.eqa_home, name="eqa-home"),
    path("eqa/registrations/<int:pk>/", eqa.eqa_registration, name="eqa-registration"),
    path("eqa/registrations/<int:pk>/comments/", eqa.eqa_comment_create, name="eqa-comment"),
    path("eqa/registrations/<int:pk>/units/<int:unit_pk>/sign/", eqa.eqa_sign_unit, name="eqa-sign"),
    path("eqa/centres/<int:centre_pk>/staff/", eqa.eqa_staff, name="eqa-staff"),
    path("standardisation/", standardisation.standardisation_list, name="standardisation-list"),
    path("standardisation/new/", standardisation.standardisation_create, name="standardisation-create"),
    path("standardisation/<int:pk>/", standardisation.standardisation_detail, name="standardisation-detail"),
    path("standardisation/<int:pk>/judge/", standardisation.standardisation_judge, name="standardisation-judge"),
    path("standardisation/<int:pk>/results/", standardisation.standardisation_results, name="standardisation-results"),
    path(
        "standardisation/<int:pk>/close-judging/",
        standardisation.standardisation_close_judging,
        name="standardisation-close-judging",
    ),
    path(
        "standardisation/<int:pk>/outcomes/", standardisation.standardisation_outcomes, name="standardisation-outcomes"
    ),
    path("standardisation/<int:pk>/actions/", standardisation.standardisation_action, name="standardisation-action"),
    path("standardisation/<int:pk>/close/", standardisation.standardisation_close, name="standardisation-close"),
    path("centres/<int:centre_pk>/certification/", certification.certification_list, name="certification"),
    path("centres/<int:centre_pk>/certification.csv", certification.certification_csv, name="certification-csv"),
    path("registrations/<int:pk>/claim/", certification.claim_create, name="claim-create"),
    path("claims/<int:pk>/certificate/", certification.claim_certificate, name="claim-certificate"),
]
