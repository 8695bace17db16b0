from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from config.health import healthz
from recruitment.views import home

admin.site.site_header = "发展党员全程纪实管理系统"
admin.site.site_title = "发展党员管理"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    # Resolved per request: the manifest storage only knows hashed names after collectstatic.
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("org/", include("recruitment.urls")),
    path("applicants/", include("applicants.urls")),
    path("reviews/", include("reviews.urls")),
    path("quotas/", include("quotas.urls")),
    path("jobs/", include("jobs.urls")),
    path("ledger/", include("applicants.ledger_urls")),
]
