from django.urls import path

from . import ledger_views

app_name = "ledger"

urlpatterns = [
    path("", ledger_views.ledger_upload, name="import"),
    path("confirm/", ledger_views.ledger_confirm, name="confirm"),
    path("cancel/", ledger_views.ledger_cancel, name="cancel"),
    path("export/", ledger_views.ledger_download, name="export"),
    path("template/", ledger_views.ledger_template, name="template"),
]
