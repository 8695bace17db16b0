from django.urls import path

from . import account_views as views

app_name = "accounts"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("<int:pk>/reset-password/", views.account_reset_password, name="reset_password"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/unlock/", views.lockout_unlock, name="unlock"),
]
