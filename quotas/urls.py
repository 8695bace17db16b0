from django.urls import path

from . import views

app_name = "quotas"
urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/log/", views.plan_log, name="plan_log"),
    path("rules/", views.rules, name="rules"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
