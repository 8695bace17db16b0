from django.urls import path

from . import views

app_name = "applicants"
urlpatterns = [
    path("", views.applicant_list, name="list"),
    path("new/", views.applicant_create_view, name="create"),
    path("id-check/", views.id_check, name="id_check"),
    path("todo/", views.todo, name="todo"),
    path("access-log/", views.access_log, name="access_log"),
    path("<int:pk>/", views.applicant_detail, name="detail"),
    path("<int:pk>/edit/", views.applicant_update_view, name="update"),
    path("<int:pk>/steps/<int:step>/", views.record_step, name="record_step"),
    path("<int:pk>/assessments/", views.add_assessment, name="add_assessment"),
    path("<int:pk>/trainings/", views.add_training, name="add_training"),
    path("<int:pk>/terminate/", views.terminate, name="terminate"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/consent/", views.consent, name="consent"),
    path("<int:pk>/forms/<str:panel>/", views.act_form, name="act_form"),
    path("<int:pk>/publicity/", views.publicity, name="publicity"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/archive/upload/", views.material_upload_view, name="material_upload"),
    path("<int:pk>/archive/exempt/", views.archive_exempt_view, name="archive_exempt"),
    path("<int:pk>/archive/files/<int:material_id>/", views.material_download, name="material_download"),
    path("<int:pk>/archive/files/<int:material_id>/withdraw/", views.material_withdraw_view, name="material_withdraw"),
    path("<int:pk>/archive.zip", views.archive_zip, name="archive_zip"),
]
