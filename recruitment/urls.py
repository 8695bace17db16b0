from django.urls import path

from . import calendar_views, member_views, views

app_name = "recruitment"
urlpatterns = [
    path("orgs/", views.org_list, name="org_list"),
    path("orgs/search/", views.org_search, name="org_search"),
    path("orgs/import/", views.org_import, name="org_import"),
    path("orgs/import/template.xlsx", views.org_import_template, name="org_import_template"),
    path("orgs/<path:code>/", views.org_detail, name="org_detail"),  # codes imported before validation may hold "/"
    path("members/", views.member_list, name="member_list"),
    path("members/import/", member_views.member_import, name="member_import"),
    path("members/import/confirm/", member_views.member_import_confirm, name="member_import_confirm"),
    path("members/import/template.xlsx", member_views.member_import_template, name="member_import_template"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/<int:pk>/delete/", calendar_views.calendar_day_delete, name="calendar_delete"),
]
