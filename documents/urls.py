from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("applicants/<int:pk>/publicity/<str:stage>.pdf", views.publicity_pdf, name="publicity_pdf"),
    path("applicants/<int:pk>/publicity/<str:stage>.docx", views.publicity_docx, name="publicity_docx"),
    path("applicants/<int:pk>/timeline.docx", views.timeline_docx, name="timeline_docx"),
    path("work-ledger.pdf", views.work_ledger_pdf, name="work_ledger_pdf"),
    path("prereview-ledger.pdf", views.prereview_ledger_pdf, name="prereview_ledger_pdf"),
]
