"""Evidence, judgement, countersignature and witness testimony pages."""

from django.urls import path

from portfolio.views import evidence, files, judgement, maps, witness

urlpatterns = [
    path("my/", evidence.my_portfolio, name="my-portfolio"),
    path("registrations/<int:pk>/portfolio/", evidence.registration_portfolio, name="registration-portfolio"),
    path("registrations/<int:pk>/portfolio/map/", maps.registration_map, name="evidence-map"),
    path("registrations/<int:pk>/portfolio/evidence/new/", evidence.evidence_create, name="evidence-create"),
    path("registrations/<int:pk>/portfolio/units/<int:unit_pk>/", evidence.unit_progress, name="unit-progress"),
    path(
        "registrations/<int:pk>/portfolio/criteria/<int:criterion_pk>/decide/",
        judgement.criterion_decide,
        name="criterion-decide",
    ),
    path("registrations/<int:pk>/portfolio/witnesses/new/", witness.witness_invite, name="witness-invite"),
    path("evidence/<int:pk>/", evidence.evidence_detail, name="evidence-detail"),
    path("evidence/<int:pk>/files/", evidence.evidence_files, name="evidence-files"),
    path("evidence/<int:pk>/link/", evidence.evidence_link, name="evidence-link"),
    path("evidence/<int:pk>/submit/", evidence.evidence_submit, name="evidence-submit"),
    path("evidence/<int:pk>/withdraw/", evidence.evidence_withdraw, name="evidence-withdraw"),
    path("evidence/<int:pk>/new-version/", evidence.evidence_new_version, name="evidence-new-version"),
    path("evidence/<int:pk>/judge/", judgement.evidence_judge, name="evidence-judge"),
    path("files/<int:pk>/", files.file_download, name="file-download"),
    path("files/<int:pk>/thumbnail/", files.file_thumbnail, name="file-thumbnail"),
    path("files/<int:pk>/pages/<int:page>.png", files.file_page, name="file-page"),
    path("assessment/queue/", judgement.queue, name="assessor-queue"),
    path("assessment/countersign/", judgement.countersign_queue_view, name="countersign-queue"),
    path("assessment/countersign/evidence/<int:pk>/", judgement.countersign_all, name="countersign-evidence"),
    path("assessment/countersign/<str:kind>/<int:pk>/", judgement.countersign, name="countersign"),
    path("witness/<str:token>/", witness.witness_testimony, name="witness-testimony"),
]
