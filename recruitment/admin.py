from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import MemberPenalty, Organization, PartyMember, User, WorkCalendarDay


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "sector", "parent", "founded_on", "last_recruit_on", "is_active")
    list_filter = ("level", "sector", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(PartyMember)
class PartyMemberAdmin(SimpleHistoryAdmin):
    list_display = ("name", "branch", "status", "under_probation_watch", "joined_on", "is_active")
    list_filter = ("status", "under_probation_watch", "is_active")
    search_fields = ("name", "id_number", "branch__name")
    raw_id_fields = ("branch",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "role", "organization", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("organization",)
    fieldsets = BaseUserAdmin.fieldsets + (("组织与角色", {"fields": ("display_name", "organization", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("组织与角色", {"fields": ("display_name", "organization", "role")}),
    )


@admin.register(MemberPenalty)
class MemberPenaltyAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "decided_on", "influence_until")
    list_filter = ("kind",)
    search_fields = ("member__name", "member__id_number")
    raw_id_fields = ("member",)


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "note")
    date_hierarchy = "date"
