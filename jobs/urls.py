from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("stale/", views.stale_list, name="stale_list"),
    path("stale/<str:code>/", views.stale_org, name="stale_org"),
    path("tasks/", views.jobs_page, name="jobs"),
    path("tasks/start/", views.job_start, name="job_start"),
    path("tasks/<int:pk>/", views.job_detail, name="job_detail"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("inbox/<int:pk>/", views.notification_open, name="notification"),
]
