from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.spot_check_list, name="list"),
    path("draw/", views.draw, name="draw"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:pk>/fix/", views.finding_fix, name="finding_fix"),
    path("findings/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("findings/<int:pk>/reopen/", views.finding_reopen, name="finding_reopen"),
    path("<int:pk>/", views.spot_check_detail, name="detail"),
    path("<int:pk>/items/<int:item_pk>/", views.item_detail, name="item"),
    path("<int:pk>/items/<int:item_pk>/checked/", views.item_checked, name="item_checked"),
    path("<int:pk>/items/<int:item_pk>/findings/", views.finding_create, name="finding_create"),
]
