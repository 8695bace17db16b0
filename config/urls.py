from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from config.health import healthz
from recruitment import account_views
from recruitment.views import home

admin.site.site_header = "发展党员全程纪实管理系统"
admin.site.site_title = "发展党员管理"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account_views.PasswordChange.as_view(), name="password_change"),
    path("password/changed/", account_views.PasswordChangeDone.as_view(), name="password_change_done"),
    path("password/reset/", account_views.PasswordReset.as_view(), name="password_reset"),
    path("password/reset/sent/", account_views.PasswordResetDone.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", account_views.PasswordResetComplete.as_view(), name="password_reset_complete"),
    path("accounts/", include("recruitment.account_urls")),
    path("admin/", admin.site.urls),
    # Resolved per request: the manifest storage only knows hashed names after collectstatic.
    path("favicon.ico", lambda request: redirect(static("favicon.svg"), permanent=True)),
    path("org/", include("recruitment.urls")),
    path("applicants/", include("applicants.urls")),
    path("reviews/", include("reviews.urls")),
    path("quotas/", include("quotas.urls")),
    path("inspections/", include("inspections.urls")),
    path("jobs/", include("jobs.urls")),
    path("ledger/", include("applicants.ledger_urls")),
    path("documents/", include("documents.urls")),
]
