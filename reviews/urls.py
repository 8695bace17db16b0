from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/submit/", views.ledger_submit, name="ledger_submit"),
    path("entries/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/decide/", views.entry_decide, name="entry_decide"),
    path("entries/<int:pk>/opinion/", views.entry_opinion, name="entry_opinion"),
    path("applicants/<int:pk>/", views.applicant_checks, name="applicant_checks"),
    path("applicants/<int:pk>/household/", views.household_opinion, name="household_opinion"),
    path("applicants/<int:pk>/cadre/", views.cadre_approval, name="cadre_approval"),
    path("applicants/<int:pk>/negative/", views.negative_check, name="negative_check"),
    path("applicants/<int:pk>/joint/", views.joint_opinion, name="joint_opinion"),
    path("applicants/<int:pk>/opinions/<slug:kind>/<int:opinion_id>/file/", views.opinion_file, name="opinion_file"),
    path("hits/<int:pk>/revoke/", views.hit_revoke, name="hit_revoke"),
    path("queue/", views.queue, name="queue"),
    path("queue/bulk/", views.queue_bulk, name="queue_bulk"),
    path("queue/<int:pk>/step/<int:step>/", views.step_act, name="step_act"),
]
